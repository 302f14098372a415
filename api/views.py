"""/api/v1/: thin views over the same selectors and services as the pages. Every call runs as
the token's user; scopes narrow what the token may do, never widen what the user may."""

from __future__ import annotations

from django.contrib.auth.decorators import login_not_required
from django.db import transaction
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.models import Department, Post
from cases import privacy, selectors, services
from cases.listing import PAGE_SIZES, CaseListQuery
from cases.models import Case, Category
from closure import services as closure_services

from . import serializers as s
from .models import Scope
from .permissions import TokenHasScope
from .services import api_call_audit

FIELD_ERRORS = {
    "type": "object",
    "description": "Field errors: each field (or non_field_errors, or detail) with its messages.",
    "additionalProperties": {
        "oneOf": [{"type": "string"}, {"type": "array", "items": {"type": "string"}}]
    },
}
DETAIL = OpenApiResponse(s.ErrorSerializer)
ERRORS = {401: DETAIL, 403: DETAIL, 429: DETAIL}


class ApiView(APIView):
    permission_classes = [IsAuthenticated, TokenHasScope]
    required_scopes: dict[str, str] = {}

    @classmethod
    def as_view(cls, **initkwargs):
        # Token calls carry no session: the site-wide sign-in redirect does not apply.
        return login_not_required(super().as_view(**initkwargs))


LIST_PARAMETERS = [
    OpenApiParameter("q", str, description=_("Search: number, subject, visitor")),
    OpenApiParameter("status", str, enum=Case.Status.values),
    OpenApiParameter("category", int, description=_("Category id (see /api/v1/categories/)")),
    OpenApiParameter("department", int, description=_("Department id: its own and its work")),
    OpenApiParameter("owner", int, description=_("First responder's user id")),
    OpenApiParameter("created_from", OpenApiTypes.DATE),
    OpenApiParameter("created_to", OpenApiTypes.DATE),
    OpenApiParameter("overdue", bool),
    OpenApiParameter(
        "ordering",
        str,
        enum=["created", "-created", "deadline", "-deadline", "number", "-number"],
    ),
    OpenApiParameter("page", int),
    OpenApiParameter("per_page", int, enum=list(PAGE_SIZES)),
]


class CaseListCreateView(ApiView):
    required_scopes = {"GET": Scope.CASES_READ, "POST": Scope.CASES_WRITE}

    @extend_schema(
        operation_id="cases_list",
        summary="Cases the token's user may see, filtered as on the case list page",
        parameters=LIST_PARAMETERS,
        responses={200: s.CaseListSerializer, 400: FIELD_ERRORS, **ERRORS},
    )
    def get(self, request: Request) -> Response:
        listing = CaseListQuery(request.user, request.query_params)
        if listing.errors:
            return Response(listing.errors, status=status.HTTP_400_BAD_REQUEST)
        page = listing.page(request.query_params.get("page"))
        paginator = listing.paginator
        return Response(
            s.CaseListSerializer(
                {
                    "count": paginator.count,
                    "more": paginator.capped,
                    "page": page.number,
                    "pages": paginator.num_pages,
                    "results": list(page),
                }
            ).data
        )

    @extend_schema(
        operation_id="cases_create",
        summary="Register a case from another channel (hotline, website)",
        description="The token's user becomes the first responder, as at the intake page.",
        request=s.CaseCreateSerializer,
        responses={201: s.CaseDetailSerializer, 400: FIELD_ERRORS, **ERRORS},
    )
    def post(self, request: Request) -> Response:
        incoming = s.CaseCreateSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        with transaction.atomic():
            case = services.case_register(request.user, **incoming.validated_data)
            api_call_audit(
                token=request.auth,
                action="case.register",
                object_type="case",
                object_id=case.number,
            )
        case = selectors.case_get_for_user(user=request.user, number=case.number)
        data = s.CaseDetailSerializer(case, context={"show_personal": True}).data
        return Response(data, status=status.HTTP_201_CREATED)


NOT_FOUND = {404: DETAIL}


class CaseDetailView(ApiView):
    required_scopes = {"GET": Scope.CASES_READ}

    @extend_schema(
        operation_id="cases_retrieve",
        summary="One case and its status; the visitor masked unless the user works on it",
        responses={200: s.CaseDetailSerializer, **NOT_FOUND, **ERRORS},
    )
    def get(self, request: Request, number: str) -> Response:
        case = selectors.case_get_for_user(user=request.user, number=number)
        show_personal = selectors.case_shows_personal_data(user=request.user, case=case)
        if show_personal and case.visitor.erased_at is None:
            privacy.personal_data_view_log(request.user, case=case)
        response = Response(
            s.CaseDetailSerializer(case, context={"show_personal": show_personal}).data
        )
        if show_personal:
            response["Cache-Control"] = "no-store"
        return response


class CaseTimelineView(ApiView):
    required_scopes = {"GET": Scope.CASES_READ}

    @extend_schema(
        operation_id="cases_timeline",
        summary="The case's timeline, oldest first",
        responses={200: s.TimelineEventSerializer(many=True), **NOT_FOUND, **ERRORS},
    )
    def get(self, request: Request, number: str) -> Response:
        case = selectors.case_get_for_user(user=request.user, number=number)
        events = selectors.case_timeline(case=case)
        return Response(s.TimelineEventSerializer(events, many=True).data)


class CaseResultView(ApiView):
    required_scopes = {"POST": Scope.RESULTS_WRITE}

    @extend_schema(
        operation_id="cases_result",
        summary="Record the result given to the visitor (the result page's action)",
        request=s.ResultSerializer,
        responses={
            201: s.ResultRecordedSerializer,
            400: FIELD_ERRORS,
            409: DETAIL,
            **NOT_FOUND,
            **ERRORS,
        },
    )
    def post(self, request: Request, number: str) -> Response:
        case = selectors.case_get_for_user(user=request.user, number=number)
        incoming = s.ResultSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        with transaction.atomic():
            round_ = closure_services.result_record(
                request.user, case=case, **incoming.validated_data
            )
            api_call_audit(
                token=request.auth,
                action="closure.result_record",
                object_type="case",
                object_id=case.number,
            )
        result = {
            "case": case.number,
            "round": round_.number,
            "state": round_.state,
            "case_status": round_.case.status,
            "case_version": round_.case.version,
        }
        return Response(s.ResultRecordedSerializer(result).data, status=status.HTTP_201_CREATED)


class DepartmentListView(ApiView):
    required_scopes = {"GET": Scope.REFERENCE_READ}

    @extend_schema(
        operation_id="departments_list",
        summary="Departments",
        responses={200: s.DepartmentSerializer(many=True), **ERRORS},
    )
    def get(self, request: Request) -> Response:
        departments = Department.objects.order_by("code")
        return Response(s.DepartmentSerializer(departments, many=True).data)


class PostListView(ApiView):
    required_scopes = {"GET": Scope.REFERENCE_READ}

    @extend_schema(
        operation_id="posts_list",
        summary="Posts (岗位) of the departments and the staff who hold them",
        parameters=[
            OpenApiParameter("department", str, description=_("Only this department's (its code)"))
        ],
        responses={200: s.PostSerializer(many=True), 400: FIELD_ERRORS, **ERRORS},
    )
    def get(self, request: Request) -> Response:
        posts = Post.objects.select_related("department").prefetch_related("holders")
        code = request.query_params.get("department")
        if code is not None:
            department = Department.objects.filter(code=code).first()
            if department is None:
                message = _("Department code %(value)s does not exist.") % {"value": code}
                return Response({"department": [message]}, status=status.HTTP_400_BAD_REQUEST)
            posts = posts.filter(department=department)
        posts = posts.order_by("department__code", "name")
        return Response(s.PostSerializer(posts, many=True).data)


class CategoryListView(ApiView):
    required_scopes = {"GET": Scope.REFERENCE_READ}

    @extend_schema(
        operation_id="categories_list",
        summary="Case categories",
        responses={200: s.CategorySerializer(many=True), **ERRORS},
    )
    def get(self, request: Request) -> Response:
        return Response(s.CategorySerializer(Category.objects.all(), many=True).data)
