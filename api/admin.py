from __future__ import annotations

from typing import cast

from django import forms
from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from cases.errors import CaseError

from .models import ApiToken, Scope
from .services import api_token_create, api_token_revoke


class ApiTokenForm(forms.ModelForm):
    scopes = forms.MultipleChoiceField(
        label=_("Scopes"), choices=Scope.choices, widget=forms.CheckboxSelectMultiple
    )

    class Meta:
        model = ApiToken
        fields = ["user", "name", "scopes"]


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    """Tokens are made here (shown once, in the confirmation message) and revoked; the secret
    itself is never stored, so it cannot be shown again."""

    form = ApiTokenForm
    list_display = ["name", "user", "prefix", "scopes", "created_at", "last_used_at", "revoked_at"]
    list_filter = ["revoked_at"]
    search_fields = ["name", "prefix", "user__username"]
    list_select_related = ["user"]
    actions = ["revoke"]

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return obj is None and super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False  # revoke instead: the audit trail names the token

    def save_model(self, request: HttpRequest, obj: ApiToken, form, change: bool) -> None:
        data = form.cleaned_data
        try:
            token, secret = api_token_create(
                cast(User, request.user),
                user=data["user"],
                name=data["name"],
                scopes=data["scopes"],
            )
        except CaseError as error:
            messages.error(request, str(error))
            return
        obj.pk, obj.prefix, obj.created_at = token.pk, token.prefix, token.created_at
        messages.warning(
            request,
            _("The token is shown only now; copy it into the other system: %(token)s")
            % {"token": secret},
        )

    @admin.action(description=_("Revoke the selected tokens"))
    def revoke(self, request: HttpRequest, queryset: QuerySet[ApiToken]) -> None:
        for token in queryset.select_related("user"):
            api_token_revoke(cast(User, request.user), token=token)
        messages.success(request, _("Revoked."))
