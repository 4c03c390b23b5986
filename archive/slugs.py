"""Old tag addresses keep working: a renamed or merged-away slug leads to the tag that holds it now.

CONTRACT.md promises that links never break. Every tag page, and every list filter given a tag
slug, consults the retired slugs when the slug names no live tag. A rename is recorded whatever
saves it (the admin, a revert, a script), by a ``pre_save`` hook on the tag models.
"""

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models.signals import pre_save

from archive.models import Jurisdiction, Official, Outlet, RetiredSlug, Topic

TAG_MODELS: tuple[type[models.Model], ...] = (Jurisdiction, Outlet, Official, Topic)


def retire_slug(obj: models.Model, slug: str, *, merged_id: int | None = None) -> RetiredSlug:
    """From now on, ``slug`` (no longer ``obj``'s own, or a merged tag's) leads to ``obj``."""
    retired, _ = RetiredSlug.objects.update_or_create(
        content_type=ContentType.objects.get_for_model(obj),
        slug=slug,
        defaults={"target_id": obj.pk, "merged_id": merged_id},
    )
    return retired


def retired_elsewhere(obj: models.Model, slug: str) -> RetiredSlug | None:
    """The retired-slug record that ``slug`` would shadow if ``obj`` took it, when it leads
    to another tag (taking it would silently break that tag's old links)."""
    retired = RetiredSlug.objects.for_model(type(obj)).filter(slug=slug).first()
    if retired is None or retired.target_id == obj.pk:
        return None
    return retired


def record_rename(sender, instance, raw=False, update_fields=None, **kwargs) -> None:
    """Keep a tag's old slug answering when its slug changes."""
    if instance.pk is None or (instance._state.adding and not raw):
        return
    if update_fields is not None and "slug" not in update_fields:
        return
    old = sender._default_manager.filter(pk=instance.pk).values_list("slug", flat=True).first()
    if old is None or old == instance.slug:
        return
    retire_slug(instance, old)
    # Taking back a slug of its own: the live tag answers, the record is no longer needed.
    RetiredSlug.objects.for_model(sender).filter(slug=instance.slug, target_id=instance.pk).delete()


def connect_signals() -> None:
    for model in TAG_MODELS:
        pre_save.connect(record_rename, sender=model, dispatch_uid=f"retire-slug-{model.__name__}")
