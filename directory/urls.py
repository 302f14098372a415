from django.urls import path

from . import sso, views

app_name = "directory"

urlpatterns = [
    path("oidc/start/", sso.oidc_start, name="oidc_start"),
    path("oidc/callback/", sso.oidc_callback, name="oidc_callback"),
    path("import/", views.import_page, name="import"),
    path("import/confirm/", views.import_confirm, name="import_confirm"),
    path("export/<slug:kind>.<slug:fmt>", views.export, name="export"),
]
