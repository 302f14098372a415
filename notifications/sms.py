"""Text messages to visitors through an SMS gateway.

Chinese SMS gateways only send pre-approved templates: a message is a template id (one per
kind, ``SMS_TEMPLATES``), the signature name (``SMS_SIGN_NAME``) and the template's parameters.
Two providers are spoken here with nothing but the standard library, signing as their public
documentation says:

- Aliyun Dysmsapi ``SendSms`` (API 2017-05-25): an RPC call, parameters in the query string,
  signed with HMAC-SHA1 (signature version 1.0); parameters are a JSON object.
- Tencent Cloud SMS ``SendSms`` (API 2021-01-11): a JSON POST signed with TC3-HMAC-SHA256;
  parameters are an ordered list of strings.

``SMS_ENDPOINT`` overrides the provider's address (tests run a loopback server that checks the
signature). The console backend prints the text instead (``make run``).
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import json
import logging
import secrets
import sys
import urllib.parse
import urllib.request
from dataclasses import dataclass
from typing import Protocol

from django.conf import settings


class SmsError(Exception):
    pass


# The parameters of each kind, in the order Tencent's numbered placeholders ({1}, {2}, …) use.
PARAMETERS: dict[str, tuple[str, ...]] = {
    "visitor_receipt": ("number", "code", "link"),
    "visitor_extension": ("number", "deadline", "reason"),
    "visitor_result_ready": ("number", "link"),
    "visitor_rework": ("number", "deadline"),
}


@dataclass(frozen=True)
class Sms:
    phone: str
    kind: str
    params: dict[str, str]
    text: str  # the same message in words, for the console and the logs of a failure


class Backend(Protocol):
    def send(self, message: Sms) -> str:
        """Send or raise SmsError; returns the provider's id of the message."""


def template_for(kind: str) -> str:
    template = settings.SMS_TEMPLATES.get(kind, "")
    if not template:
        raise SmsError(f"no SMS template configured for {kind}")
    return template


def _read_json(request: urllib.request.Request) -> dict:
    if urllib.parse.urlsplit(request.full_url).scheme not in ("http", "https"):
        raise SmsError("SMS_ENDPOINT must be an http(s) address")
    try:
        with urllib.request.urlopen(request, timeout=settings.SMS_TIMEOUT) as response:  # noqa: S310 - scheme checked
            body = response.read(65536)
    except urllib.error.HTTPError as error:
        body = error.read(65536)
    try:
        answer = json.loads(body or b"{}")
    except ValueError as error:
        raise SmsError("the SMS gateway's answer is not JSON") from error
    if not isinstance(answer, dict):
        raise SmsError("the SMS gateway's answer is not a JSON object")
    return answer


class ConsoleBackend:
    """Prints each message: the demo (``make run``) shows what a visitor would receive."""

    def send(self, message: Sms) -> str:
        sys.stdout.write(f"[SMS to {message.phone}] {message.text}\n")
        sys.stdout.flush()
        return "console"


def percent_encode(value: str) -> str:
    """Aliyun's encoding: RFC 3986 unreserved characters stay, the rest is %XY (space: %20)."""
    return urllib.parse.quote(value, safe="-_.~")


def aliyun_signature(params: dict[str, str], *, method: str, secret: str) -> str:
    canonical = "&".join(
        f"{percent_encode(key)}={percent_encode(params[key])}" for key in sorted(params)
    )
    to_sign = f"{method}&{percent_encode('/')}&{percent_encode(canonical)}"
    digest = hmac.new(f"{secret}&".encode(), to_sign.encode(), hashlib.sha1).digest()
    return base64.b64encode(digest).decode()


class AliyunBackend:
    endpoint = "https://dysmsapi.aliyuncs.com/"

    def send(self, message: Sms) -> str:
        params = {
            "AccessKeyId": settings.SMS_ACCESS_KEY_ID,
            "Action": "SendSms",
            "Format": "JSON",
            "PhoneNumbers": message.phone,
            "RegionId": settings.SMS_REGION or "cn-hangzhou",
            "SignName": settings.SMS_SIGN_NAME,
            "SignatureMethod": "HMAC-SHA1",
            "SignatureNonce": secrets.token_hex(16),
            "SignatureVersion": "1.0",
            "TemplateCode": template_for(message.kind),
            "TemplateParam": json.dumps(message.params, ensure_ascii=False),
            "Timestamp": dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
            "Version": "2017-05-25",
        }
        params["Signature"] = aliyun_signature(
            params, method="POST", secret=settings.SMS_ACCESS_KEY_SECRET
        )
        body = "&".join(f"{percent_encode(k)}={percent_encode(v)}" for k, v in params.items())
        request = urllib.request.Request(  # noqa: S310 - scheme checked in _read_json
            settings.SMS_ENDPOINT or self.endpoint,
            data=body.encode(),
            headers={"Content-Type": "application/x-www-form-urlencoded"},
            method="POST",
        )
        answer = _read_json(request)
        if answer.get("Code") != "OK":
            raise SmsError(f"Aliyun: {answer.get('Code')} {answer.get('Message', '')}"[:200])
        return str(answer.get("BizId", ""))


def tc3_authorization(
    *, secret_id: str, secret_key: str, host: str, payload: bytes, timestamp: int, service: str
) -> str:
    """The ``Authorization`` header of TC3-HMAC-SHA256 for a JSON POST to ``/``."""
    content_type = "application/json; charset=utf-8"
    canonical = "\n".join(
        [
            "POST",
            "/",
            "",
            f"content-type:{content_type}\nhost:{host}\n",
            "content-type;host",
            hashlib.sha256(payload).hexdigest(),
        ]
    )
    date = dt.datetime.fromtimestamp(timestamp, dt.UTC).strftime("%Y-%m-%d")
    scope = f"{date}/{service}/tc3_request"
    to_sign = "\n".join(
        [
            "TC3-HMAC-SHA256",
            str(timestamp),
            scope,
            hashlib.sha256(canonical.encode()).hexdigest(),
        ]
    )

    def sign(key: bytes, text: str) -> bytes:
        return hmac.new(key, text.encode(), hashlib.sha256).digest()

    signing_key = sign(sign(sign(f"TC3{secret_key}".encode(), date), service), "tc3_request")
    signature = hmac.new(signing_key, to_sign.encode(), hashlib.sha256).hexdigest()
    return (
        f"TC3-HMAC-SHA256 Credential={secret_id}/{scope}, "
        f"SignedHeaders=content-type;host, Signature={signature}"
    )


def e164(phone: str) -> str:
    """Tencent wants +86 numbers; a landline (with its dash) cannot receive an SMS anyway."""
    digits = phone.replace("-", "")
    return digits if digits.startswith("+") else f"+86{digits}"


class TencentBackend:
    endpoint = "https://sms.tencentcloudapi.com/"

    def send(self, message: Sms) -> str:
        payload = json.dumps(
            {
                "PhoneNumberSet": [e164(message.phone)],
                "SmsSdkAppId": settings.SMS_APP_ID,
                "SignName": settings.SMS_SIGN_NAME,
                "TemplateId": template_for(message.kind),
                "TemplateParamSet": [
                    message.params.get(name, "") for name in PARAMETERS[message.kind]
                ],
            },
            ensure_ascii=False,
        ).encode()
        url = settings.SMS_ENDPOINT or self.endpoint
        host = urllib.parse.urlsplit(url).netloc
        timestamp = int(dt.datetime.now(dt.UTC).timestamp())
        headers = {
            "Authorization": tc3_authorization(
                secret_id=settings.SMS_ACCESS_KEY_ID,
                secret_key=settings.SMS_ACCESS_KEY_SECRET,
                host=host,
                payload=payload,
                timestamp=timestamp,
                service="sms",
            ),
            "Content-Type": "application/json; charset=utf-8",
            "Host": host,
            "X-TC-Action": "SendSms",
            "X-TC-Timestamp": str(timestamp),
            "X-TC-Version": "2021-01-11",
            "X-TC-Region": settings.SMS_REGION or "ap-guangzhou",
        }
        request = urllib.request.Request(url, data=payload, headers=headers, method="POST")  # noqa: S310
        answer = _read_json(request).get("Response") or {}
        error = answer.get("Error")
        if error:
            raise SmsError(f"Tencent: {error.get('Code')} {error.get('Message', '')}"[:200])
        statuses = answer.get("SendStatusSet") or [{}]
        status = statuses[0]
        if status.get("Code") != "Ok":
            raise SmsError(f"Tencent: {status.get('Code')} {status.get('Message', '')}"[:200])
        return str(status.get("SerialNo", ""))


BACKENDS: dict[str, type[Backend]] = {
    "console": ConsoleBackend,
    "aliyun": AliyunBackend,
    "tencent": TencentBackend,
}

logger = logging.getLogger(__name__)


def sms_enabled() -> bool:
    return settings.SMS_BACKEND in BACKENDS


def sms_send(message: Sms) -> str:
    backend = BACKENDS.get(settings.SMS_BACKEND)
    if backend is None:
        raise SmsError(f"unknown SMS_BACKEND {settings.SMS_BACKEND!r}")
    return backend().send(message)
