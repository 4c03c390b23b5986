"""Merging duplicate tags: "Sheriff Baker" into "Gerald Baker", two spellings of one outlet.

Everything that points at a merged tag moves to the survivor (article links, an official's
place, a place's children), the merged tag's slug keeps answering with a 301 to the survivor
(``archive.slugs``), and the whole merge is one change in the history, which can be undone.
The relations are found from the model's metadata, so a relation added later moves too.
"""

from dataclasses import dataclass

import reversion
from django.db import models, transaction

from archive.history import record_current
from archive.models import Article, Jurisdiction, RetiredSlug
from archive.slugs import TAG_MODELS, retire_slug


class MergeError(ValueError):
    """A merge that would make no sense; the message says why, for the editor."""


@dataclass
class MergeReport:
    survivor: models.Model
    merged: list[str]
    articles: int


def _label(obj: models.Model) -> str:
    return getattr(obj, "name", None) or str(obj)


def check_mergeable(survivor: models.Model, others) -> None:
    model = type(survivor)
    if model not in TAG_MODELS:
        raise MergeError(f"{model._meta.verbose_name_plural} cannot be merged.")
    if not others:
        raise MergeError("Choose at least two to merge.")
    if any(type(other) is not model for other in others):
        raise MergeError("Only tags of one kind can be merged.")
    if any(other.pk == survivor.pk for other in others):
        raise MergeError("The tag to keep cannot also be merged away.")
    if model is Jurisdiction:
        for other in others:
            if (other.kind, other.postal_code) != (survivor.kind, survivor.postal_code):
                raise MergeError(
                    f"“{other}” is a {other.kind} in {other.postal_code} and “{survivor}” a "
                    f"{survivor.kind} in {survivor.postal_code}: only places of one kind in "
                    "one state can be merged."
                )


def _relations(model: type[models.Model]):
    """The reverse relations that point at a tag model: (relation, is many-to-many)."""
    for relation in model._meta.related_objects:
        if relation.many_to_many and relation.through._meta.auto_created:
            yield relation, True
        elif relation.one_to_many or relation.one_to_one:
            yield relation, False


@transaction.atomic
def merge_tags(survivor: models.Model, others, *, user=None) -> MergeReport:
    """Merge ``others`` into ``survivor``: their links move, their slugs redirect, they go."""
    others = list(others)
    check_mergeable(survivor, others)
    model = type(survivor)

    # Everything the merge will change, recorded first so that the merge can be undone.
    linked: list[tuple[models.Model, list[int]]] = []
    pointing: list[tuple[models.Field, list[models.Model]]] = []
    for relation, many in _relations(model):
        if many:
            source = relation.field.m2m_field_name()
            target = relation.field.m2m_reverse_field_name()
            owner_ids = set(
                relation.through.objects.filter(**{f"{target}__in": others}).values_list(
                    f"{source}_id", flat=True
                )
            )
            linked.append((relation, sorted(owner_ids)))
        else:
            objects = list(
                relation.related_model._default_manager.filter(
                    **{f"{relation.field.name}__in": others}
                )
            )
            pointing.append((relation.field, objects))
    redirects = list(
        RetiredSlug.objects.for_model(model).filter(target_id__in=[o.pk for o in others])
    )
    owner_objects = [
        obj
        for relation, ids in linked
        for obj in relation.related_model._default_manager.filter(pk__in=ids)
    ]
    record_current(
        [survivor, *others, *owner_objects, *(o for _, objs in pointing for o in objs), *redirects]
    )

    with reversion.create_revision():
        reversion.set_user(user)
        names = ", ".join(f"“{_label(other)}”" for other in others)
        reversion.set_comment(f"Merged {names} into “{_label(survivor)}”.")
        for relation, ids in linked:
            source = relation.field.m2m_field_name()
            target = relation.field.m2m_reverse_field_name()
            relation.through.objects.bulk_create(
                [relation.through(**{f"{source}_id": pk, target: survivor}) for pk in ids],
                ignore_conflicts=True,
            )
            relation.through.objects.filter(**{f"{target}__in": others}).delete()
            for owner in relation.related_model._default_manager.filter(pk__in=ids):
                if reversion.is_registered(type(owner)):
                    reversion.add_to_revision(owner)
        for model_field, objects in pointing:
            for obj in objects:
                setattr(obj, model_field.name, survivor)
                obj.save()
        for redirect in redirects:
            redirect.target_id = survivor.pk
            redirect.save()
        for other in others:
            slug, pk = other.slug, other.pk
            other.delete()
            retire_slug(survivor, slug, merged_id=pk)

    articles = {pk for relation, ids in linked if relation.related_model is Article for pk in ids}
    articles.update(obj.pk for _, objects in pointing for obj in objects if type(obj) is Article)
    return MergeReport(survivor, [_label(other) for other in others], len(articles))
