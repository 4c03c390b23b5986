"""Give someone an admin account with an editor's (or a viewer's) rights, not a superuser's.

The password is asked for twice and never echoed; ``--password-stdin`` reads it from standard
input instead, for scripts (``printf '%s\\n' "$PASSWORD" | manage.py create_editor ana``).
"""

import getpass
import sys

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from archive.roles import ROLES, RoleError, create_staff_user


class Command(BaseCommand):
    help = "Create an admin account in the Editor group (or --group viewer), asking for a password."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--group", choices=sorted(ROLES), default="editor")
        parser.add_argument("--email", default="")
        parser.add_argument(
            "--password-stdin",
            action="store_true",
            help="Read the password from the first line of standard input (no prompt).",
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="Check everything; create nothing."
        )

    def read_password(self, from_stdin: bool) -> str:
        if from_stdin:
            return sys.stdin.readline().rstrip("\r\n")
        password = getpass.getpass("Password: ")
        if getpass.getpass("Password (again): ") != password:
            raise CommandError("The two passwords differ; nothing was created.")
        return password

    def handle(self, *args, username, group, email, password_stdin, dry_run, verbosity, **options):
        password = self.read_password(password_stdin)
        try:
            with transaction.atomic():
                create_staff_user(username, password, group, email)
                if dry_run:
                    transaction.set_rollback(True)
        except RoleError as error:
            raise CommandError(str(error)) from error
        except ValidationError as error:
            raise CommandError("The password is refused: " + " ".join(error.messages)) from error
        if verbosity >= 1:
            done = "Would create" if dry_run else "Created"
            self.stdout.write(
                self.style.SUCCESS(f"{done} “{username}” in the {ROLES[group]} group.")
                + " They log in at /admin/."
            )
