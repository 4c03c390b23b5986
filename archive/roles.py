"""Who may do what in the admin: the Editor and Viewer groups, and accounts in them.

The groups themselves, with their permissions, are made by a data migration
(``0003_editor_and_viewer_groups``): an editor changes articles and every tag, merges and
reverts, but deletes nothing and manages no accounts; a viewer reads. A model added later that
editors work with grants its permissions to the groups in its own migration.
"""

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.contrib.auth.password_validation import validate_password
from django.db import transaction

EDITOR = "Editor"
VIEWER = "Viewer"
ROLES = {"editor": EDITOR, "viewer": VIEWER}


class RoleError(ValueError):
    """An account that cannot be made; the message says why."""


@transaction.atomic
def create_staff_user(username: str, password: str, role: str = "editor", email: str = ""):
    """A staff account (it can log in to the admin) in the Editor or Viewer group."""
    user_model = get_user_model()
    if role not in ROLES:
        raise RoleError(f"Unknown role “{role}”: choose {' or '.join(ROLES)}.")
    if not username.strip():
        raise RoleError("The user name is empty.")
    if user_model.objects.filter(username=username).exists():
        raise RoleError(
            f"The user “{username}” already exists; change their password with "
            f"`manage.py changepassword {username}`."
        )
    group = Group.objects.filter(name=ROLES[role]).first()
    if group is None:
        raise RoleError(f"The group “{ROLES[role]}” is missing: run `manage.py migrate`.")
    user = user_model(username=username, email=email, is_staff=True)
    validate_password(password, user)  # raises ValidationError with the validators' messages
    user.set_password(password)
    user.save()
    user.groups.add(group)
    return user
