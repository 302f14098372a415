"""The request id of the request being served, for audit rows written during it."""

from contextvars import ContextVar

request_id: ContextVar[str] = ContextVar("firstask_request_id", default="")
