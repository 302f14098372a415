from django.contrib import admin
from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponseRedirect
from django.templatetags.static import static
from django.urls import include, path
from django.views.decorators.http import require_GET
from django.views.i18n import set_language

from firstask.health import healthz
from firstask.metrics import metrics_view


@login_not_required
@require_GET
def favicon(request: HttpRequest) -> HttpResponseRedirect:
    """Browsers ask for /favicon.ico whatever the page says: send them to the static file
    (hashed and cached for a year by whitenoise)."""
    return HttpResponseRedirect(static("favicon.ico"))


handler500 = "firstask.errors.server_error"  # a lost database answers 503

urlpatterns = [
    path("accounts/", include("accounts.urls")),
    path("healthz", healthz, name="healthz"),
    path("i18n/setlang/", login_not_required(set_language), name="set_language"),
    path("favicon.ico", favicon, name="favicon"),
    path("admin/", admin.site.urls),
    path("api/", include("api.urls")),
    path("metrics", metrics_view, name="metrics"),
    path("directory/", include("directory.urls")),
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
