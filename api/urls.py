from django.contrib.auth.decorators import login_not_required
from django.urls import path
from django.views.generic import TemplateView
from drf_spectacular.views import SpectacularAPIView
from rest_framework.authentication import SessionAuthentication
from rest_framework.permissions import IsAuthenticated

from firstask.downloads import sandboxed

from . import views
from .authentication import BearerTokenAuthentication

app_name = "api"


class SchemaView(SpectacularAPIView):
    """The OpenAPI document, for a signed-in person (the docs page) or any valid token."""

    authentication_classes = [BearerTokenAuthentication, SessionAuthentication]
    permission_classes = [IsAuthenticated]

    def finalize_response(self, request, response, *args, **kwargs):
        # A file handed out (it carries Content-Disposition): sandboxed like every download.
        response = super().finalize_response(request, response, *args, **kwargs)
        return sandboxed(response) if response.has_header("Content-Disposition") else response


urlpatterns = [
    path("schema/", login_not_required(SchemaView.as_view()), name="schema"),
    path("docs/", TemplateView.as_view(template_name="api/docs.html"), name="docs"),
    path("v1/cases/", views.CaseListCreateView.as_view(), name="cases"),
    path("v1/cases/<str:number>/", views.CaseDetailView.as_view(), name="case_detail"),
    path("v1/cases/<str:number>/timeline/", views.CaseTimelineView.as_view(), name="case_timeline"),
    path("v1/cases/<str:number>/result/", views.CaseResultView.as_view(), name="case_result"),
    path("v1/departments/", views.DepartmentListView.as_view(), name="departments"),
    path("v1/posts/", views.PostListView.as_view(), name="posts"),
    path("v1/categories/", views.CategoryListView.as_view(), name="categories"),
]
