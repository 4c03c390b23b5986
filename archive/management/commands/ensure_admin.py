"""Make sure someone can log in to the admin of a fresh local install, and say how.

A fixed default password would be the same on every install; instead a random one is made
(or taken from ADMIN_PASSWORD) and shown once, when the account is created.
"""

import os
import secrets

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand


def ensure_admin(username: str, password: str | None) -> tuple[bool, str | None]:
    """Create the superuser if missing; return (created, the password to show or None)."""
    user_model = get_user_model()
    if user_model.objects.filter(username=username).exists():
        return False, None
    password = password or secrets.token_urlsafe(12)
    user_model.objects.create_superuser(username=username, email="", password=password)
    return True, password


class Command(BaseCommand):
    help = "Create a local admin account with a random password (shown once) if none exists."

    def add_arguments(self, parser):
        parser.add_argument("--username", default=os.environ.get("ADMIN_USERNAME", "admin"))
        parser.add_argument("--url", default="http://127.0.0.1:8000/admin/")

    def handle(self, *args, username, url, **options):
        created, password = ensure_admin(username, os.environ.get("ADMIN_PASSWORD"))
        if created:
            self.stdout.write(self.style.SUCCESS(f"Admin account created. Log in at {url}"))
            self.stdout.write(f"    username: {username}")
            self.stdout.write(f"    password: {password}")
            self.stdout.write(
                "    (shown only this once; change it with "
                f"`.venv/bin/python manage.py changepassword {username}`)"
            )
        else:
            self.stdout.write(
                f"Admin: log in at {url} as “{username}”. Forgot the password? "
                f"Run `.venv/bin/python manage.py changepassword {username}`."
            )
