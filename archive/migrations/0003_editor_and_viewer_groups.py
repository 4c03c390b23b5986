"""The Editor and Viewer groups and their permissions.

Permissions are normally created after all migrations have run (post_migrate); they are made
here first so that a fresh database gets complete groups in one `migrate`.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

TAGS = ["jurisdiction", "official", "outlet", "topic"]

# (app label, model): the actions an editor may take. No delete anywhere: merging replaces
# deleting a tag, and an article is never deleted by an editor. No auth permissions.
EDITOR = {
    ("archive", "article"): ["add", "change", "view"],
    **{("archive", tag): ["add", "change", "view"] for tag in TAGS},
    ("archive", "change"): ["view"],
    ("archive", "retiredslug"): ["view"],
}
VIEWER = {key: ["view"] for key in EDITOR}
GROUPS = {"Editor": EDITOR, "Viewer": VIEWER}


def create_groups(apps, schema_editor):
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, grants in GROUPS.items():
        group, _ = Group.objects.get_or_create(name=name)
        for (app_label, model), actions in grants.items():
            codenames = [f"{action}_{model}" for action in actions]
            group.permissions.add(
                *Permission.objects.filter(
                    content_type__app_label=app_label, codename__in=codenames
                )
            )


def remove_groups(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=GROUPS).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("archive", "0002_retired_slugs_and_changes"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_groups, remove_groups)]
