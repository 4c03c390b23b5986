"""Editors import articles and confirm or reject suggested tags; viewers read both.

Permissions are made here first (rather than after migrate) so a fresh database gets complete
groups in one `migrate`, as in 0003.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

GRANTS = {
    "Editor": {"importrun": ["add", "view"], "suggestion": ["change", "view"]},
    "Viewer": {"importrun": ["view"], "suggestion": ["view"]},
}


def codenames(grants: dict[str, list[str]]) -> list[str]:
    return [f"{action}_{model}" for model, actions in grants.items() for action in actions]


def grant(apps, schema_editor):
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, grants in GRANTS.items():
        group, _ = Group.objects.get_or_create(name=name)
        group.permissions.add(
            *Permission.objects.filter(
                content_type__app_label="archive", codename__in=codenames(grants)
            )
        )


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, grants in GRANTS.items():
        group = Group.objects.filter(name=name).first()
        if group:
            group.permissions.remove(
                *Permission.objects.filter(
                    content_type__app_label="archive", codename__in=codenames(grants)
                )
            )


class Migration(migrations.Migration):
    dependencies = [("archive", "0004_imports_and_suggestions")]

    operations = [migrations.RunPython(grant, revoke)]
