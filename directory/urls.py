from django.urls import path

from . import sso

app_name = "directory"

urlpatterns = [
    path("oidc/start/", sso.oidc_start, name="oidc_start"),
    path("oidc/callback/", sso.oidc_callback, name="oidc_callback"),
]
