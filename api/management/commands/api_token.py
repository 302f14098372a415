"""manage.py api_token create --user U --scopes cases:read,cases:write --name hotline
manage.py api_token revoke PREFIX;  manage.py api_token list"""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from accounts.models import User
from cases.errors import CaseError

from ...models import ApiToken, Scope
from ...services import api_token_create, api_token_revoke


class Command(BaseCommand):
    help = "Make (shown once), list or revoke API tokens."

    def add_arguments(self, parser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        create = sub.add_parser("create", help="make a token for a user")
        create.add_argument(
            "--user", required=True, help="username (a person or an integration account)"
        )
        create.add_argument(
            "--scopes",
            required=True,
            nargs="+",
            help=f"one or more of {', '.join(Scope.values)} (space or comma separated)",
        )
        create.add_argument("--name", default="", help="what uses the token (default: the user)")
        revoke = sub.add_parser("revoke", help="revoke a token by its prefix")
        revoke.add_argument("prefix")
        sub.add_parser("list", help="list tokens (prefixes only)")

    def handle(self, *args, **options) -> None:
        action = options["action"]
        if action == "create":
            user = User.objects.filter(username=options["user"]).first()
            if user is None:
                raise CommandError(f"No user named {options['user']!r}.")
            scopes = [part for item in options["scopes"] for part in item.split(",") if part]
            try:
                _token, secret = api_token_create(
                    None, user=user, name=options["name"] or user.username, scopes=scopes
                )
            except CaseError as error:
                raise CommandError(str(error)) from error
            self.stdout.write(secret)
            self.stderr.write("Shown once: only its SHA-256 is kept.")
        elif action == "revoke":
            token = ApiToken.objects.filter(prefix=options["prefix"]).first()
            if token is None:
                raise CommandError(f"No token with prefix {options['prefix']!r}.")
            api_token_revoke(None, token=token)
            self.stdout.write(f"revoked {token.prefix}")
        else:
            for token in ApiToken.objects.select_related("user").order_by("created_at"):
                state = "revoked" if token.revoked_at else "active"
                self.stdout.write(
                    f"{token.prefix}\t{token.user.username}\t{','.join(token.scopes)}\t{state}\t{token.name}"
                )
