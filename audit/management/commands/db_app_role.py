import os

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from audit.dbroles import app_role_apply


class Command(BaseCommand):
    help = (
        "Create/update the application's database role, which owns nothing and may "
        "only SELECT and INSERT on the audit tables. Run as the owner after every migrate."
    )

    def add_arguments(self, parser):
        parser.add_argument("role", help="role name the application connects as, e.g. firstask_app")
        parser.add_argument(
            "--password-env",
            default="",
            help="name of an environment variable holding the role's password",
        )

    def handle(self, *args, role: str, password_env: str, **options):
        password = os.environ.get(password_env) if password_env else None
        if password_env and not password:
            raise CommandError(f"environment variable {password_env} is empty")
        try:
            with transaction.atomic():
                statements = app_role_apply(role=role, password=password)
        except ValueError as error:
            raise CommandError(str(error)) from error
        for sql in statements:
            self.stdout.write(sql)
        self.stdout.write(self.style.SUCCESS(f"role {role}: privileges applied"))
