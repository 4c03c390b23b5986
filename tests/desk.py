"""Helpers for the editors' desk tests: accounts in each role, and admin URLs."""

from django.urls import reverse

from archive.roles import create_staff_user

PASSWORD = "a-long-test-password-123"


def staff(username: str = "ana", role: str = "editor"):
    """A staff account in the Editor or Viewer group, made the way `create_editor` makes it."""
    return create_staff_user(username, PASSWORD, role)


def logged_in(client, username: str = "ana", role: str = "editor"):
    user = staff(username, role)
    client.force_login(user)
    return user


def admin_url(name: str, *args) -> str:
    return reverse(f"admin:archive_{name}", args=args)


def action(client, model: str, name: str, objects, follow: bool = False, **data):
    """Post an admin action on the change list: the confirmation step, or the apply step when
    ``apply="yes"`` is given."""
    payload = {"action": name, "_selected_action": [obj.pk for obj in objects], **data}
    return client.post(admin_url(f"{model}_changelist"), payload, follow=follow)


def messages_of(response) -> list[str]:
    return [str(message) for message in response.context["messages"]] if response.context else []
