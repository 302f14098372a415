from django.contrib import admin
from django.contrib.auth.decorators import login_not_required
from django.urls import include, path
from django.views.i18n import set_language

urlpatterns = [
    path("accounts/", include("accounts.urls")),
    path("i18n/setlang/", login_not_required(set_language), name="set_language"),
    path("admin/", admin.site.urls),
    path("audit/", include("audit.urls")),
    path("handoffs/", include("handoffs.urls")),
    path("archive/", include("archive.urls")),
    path("supervision/", include("supervision.urls")),
    path("answers/", include("answers.urls")),
    path("notifications/", include("notifications.urls")),
    path("cases/", include("closure.urls")),
    path("", include("closure.public_urls")),
    path("", include("cases.urls")),
]
