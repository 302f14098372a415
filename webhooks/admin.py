from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .models import Delivery, Endpoint, Event, new_secret


class EndpointForm(forms.ModelForm):
    url = forms.URLField(label=_("URL"), max_length=500, assume_scheme="https")
    events = forms.MultipleChoiceField(
        label=_("Events"), choices=Event.choices, widget=forms.CheckboxSelectMultiple
    )

    class Meta:
        model = Endpoint
        fields = ["name", "url", "events", "is_active"]

    def clean_url(self) -> str:
        url = self.cleaned_data["url"]
        if not url.lower().startswith(("http://", "https://")):
            raise forms.ValidationError(_("Enter an http:// or https:// address."))
        return url


@admin.register(Endpoint)
class EndpointAdmin(admin.ModelAdmin):
    form = EndpointForm
    list_display = ["name", "url", "events", "is_active", "created_at"]
    list_filter = ["is_active"]
    readonly_fields = ["secret", "created_at"]
    actions = ["rotate_secret"]

    @admin.action(description=_("Give the selected endpoints a new signing secret"))
    def rotate_secret(self, request: HttpRequest, queryset: QuerySet[Endpoint]) -> None:
        for endpoint in queryset:
            endpoint.secret = new_secret()
            endpoint.save(update_fields=["secret"])
        messages.success(request, _("New secrets set; give them to the receiving systems."))


@admin.register(Delivery)
class DeliveryAdmin(admin.ModelAdmin):
    """The delivery log: read only; a failed delivery can be sent again."""

    list_display = [
        "created_at", "event", "case_number", "endpoint", "state", "attempts", "last_status",
        "last_error", "next_attempt_at", "sent_at",
    ]  # fmt: skip
    list_filter = ["state", "event", "endpoint"]
    search_fields = ["case_number", "uuid"]
    list_select_related = ["endpoint"]
    actions = ["retry_now"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    @admin.action(description=_("Send the selected deliveries again"))
    def retry_now(self, request: HttpRequest, queryset: QuerySet[Delivery]) -> None:
        count = queryset.exclude(state=Delivery.State.SENT).update(
            state=Delivery.State.PENDING, next_attempt_at=timezone.now()
        )
        messages.success(request, _("%(count)d deliveries will be sent again.") % {"count": count})
