"""The archive's edit history: what django-reversion keeps, made readable and undoable.

django-reversion stores a *version* (the whole serialized object, tags included) each time an
object is saved in a *revision* (who, when, a comment). A version is the state after a change, so
"undo this change" means going back to the object's previous version. Objects created outside
the admin (the seed, an import) have no version until an editor first touches them, so every
editing path calls ``record_current()`` first: the state an editor started from is always there
to go back to.
"""

import difflib
from collections import defaultdict
from dataclasses import dataclass, field

import reversion
from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, models, transaction
from django.db.models.signals import pre_save
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.timezone import localtime
from reversion.models import Revision, Version

from archive.models import Article, Jurisdiction, Official, Outlet, RetiredSlug, Topic

BASELINE_COMMENT = "As found before the next edit."
# What a reader of the history does not need to see change.
HIDDEN_FIELDS = {"created_at", "updated_at", "sha256", "raw_text"}
TAG_MODELS = (Jurisdiction, Outlet, Official, Topic)

for _model, _options in [
    # Generated columns are computed by PostgreSQL, the tag id copies by its triggers from the
    # links (recorded as tags); updated_at changes on every save.
    (
        Article,
        {
            "exclude": [
                "search_vector",
                "headline_vector",
                "word_pairs",
                "published_until",
                "place_ids",
                "official_ids",
                "topic_ids",
                "updated_at",
            ]
        },
    ),
    (Jurisdiction, {}),
    (Official, {}),
    (Outlet, {}),
    (Topic, {}),
    (RetiredSlug, {}),
]:
    if not reversion.is_registered(_model):
        # ignore_duplicates: a save that changes nothing adds no version.
        reversion.register(_model, ignore_duplicates=True, **_options)


def _stamp_raw_saves(sender, instance, raw=False, **kwargs) -> None:
    """A revert saves "raw", which skips ``auto_now``; versions do not keep ``updated_at``."""
    if raw and instance.updated_at is None:
        instance.updated_at = timezone.now()


pre_save.connect(_stamp_raw_saves, sender=Article, dispatch_uid="history-stamp-raw-saves")


class HistoryError(Exception):
    """A revert or undo that cannot be done safely; the message says why, for the editor."""


def record_current(objects) -> None:
    """Keep the present state of objects about to change, unless the history already has it.

    Recorded with no user: nobody in particular made this state (an import, the seed, or an
    edit made outside the admin).
    """
    objects = [obj for obj in objects if obj is not None and obj.pk is not None]
    if not objects:
        return
    if reversion.is_active():
        raise RuntimeError("record_current() must run before the revision of the change opens.")
    with reversion.create_revision():
        reversion.set_comment(BASELINE_COMMENT)
        for obj in objects:
            reversion.add_to_revision(obj)


def versions_of(obj: models.Model):
    return Version.objects.get_for_object(obj).select_related("revision", "revision__user")


def _successor(model: type[models.Model], pk):
    """The tag that ``pk`` was merged into, when it no longer exists; else ``pk`` itself."""
    if model._default_manager.filter(pk=pk).exists():
        return pk
    target = (
        RetiredSlug.objects.for_model(model)
        .filter(merged_id=pk)
        .values_list("target_id", flat=True)
        .first()
    )
    return target or pk


def _prepare(version: Version) -> None:
    """Point a version's tags that were merged away since at the tags they were merged into."""
    deserialized = version._object_version
    obj = deserialized.object
    for model_field in obj._meta.concrete_fields:
        if model_field.is_relation and model_field.related_model in TAG_MODELS:
            value = getattr(obj, model_field.attname)
            if value is not None:
                setattr(obj, model_field.attname, _successor(model_field.related_model, value))
    for name, pks in (deserialized.m2m_data or {}).items():
        related = obj._meta.get_field(name).related_model
        if related in TAG_MODELS:
            deserialized.m2m_data[name] = list(dict.fromkeys(_successor(related, pk) for pk in pks))


def _saved_on(revision: Revision) -> str:
    return date_format(localtime(revision.date_created), "N j, Y, H:i")


def revert_to(version: Version, *, user) -> None:
    """Bring one object back to the state of ``version`` (its tags included), as a new change."""
    obj = version.object
    if obj is None:
        raise HistoryError(f"“{version.object_repr}” is no longer in the archive.")
    record_current([obj])
    try:
        with transaction.atomic(), reversion.create_revision():
            reversion.set_user(user)
            reversion.set_comment(
                f"Reverted “{version.object_repr}” to the version of {_saved_on(version.revision)}."
            )
            _prepare(version)
            version.revert()
    except IntegrityError as error:
        raise HistoryError(
            f"“{version.object_repr}” could not be reverted: that version refers to a place, "
            "official, outlet or topic deleted since. Recover it first."
        ) from error


def recover(version: Version, *, user) -> None:
    """Bring back a deleted object as its last version had it, as a new change."""
    model = version.content_type.model_class()
    if model._default_manager.filter(pk=version.object_id).exists():
        raise HistoryError(f"“{version.object_repr}” is in the archive already.")
    try:
        with transaction.atomic(), reversion.create_revision():
            reversion.set_user(user)
            reversion.set_comment(f"Recovered “{version.object_repr}”.")
            _prepare(version)
            version.revert()
    except IntegrityError as error:
        raise HistoryError(
            f"“{version.object_repr}” could not be recovered: it refers to something deleted "
            "since, or its slug or text is now used by another."
        ) from error


@dataclass
class UndoPlan:
    """What undoing one change does, so that it can be shown before it is done."""

    revision: Revision
    restore: list[Version] = field(default_factory=list)  # earlier versions to go back to
    recover: list[Version] = field(default_factory=list)  # tags merged away, to bring back
    remove: list[RetiredSlug] = field(default_factory=list)  # redirects the change made


def plan_undo(revision: Revision) -> UndoPlan:
    """Work out how to undo ``revision``, or say (HistoryError) why it cannot be undone."""
    if revision.comment == BASELINE_COMMENT:
        raise HistoryError("This entry only records how things were; there is nothing to undo.")
    plan = UndoPlan(revision)
    versions = list(revision.version_set.select_related("content_type").order_by("pk"))
    for version in versions:
        model = version.content_type.model_class()
        same_object = Version.objects.filter(
            content_type=version.content_type, object_id=version.object_id, db=version.db
        )
        if same_object.filter(pk__gt=version.pk).exists():
            raise HistoryError(
                f"“{version.object_repr}” has changed since; revert it from its own history."
            )
        previous = same_object.filter(pk__lt=version.pk).order_by("-pk").first()
        current = model._default_manager.filter(pk=version.object_id).first()
        if current is None:
            raise HistoryError(f"“{version.object_repr}” is no longer in the archive.")
        if previous is not None:
            plan.restore.append(previous)
        elif model is RetiredSlug:
            plan.remove.append(current)
            if current.merged_id is not None:
                tag_model = current.content_type.model_class()
                if not tag_model._default_manager.filter(pk=current.merged_id).exists():
                    last = (
                        Version.objects.get_for_object_reference(tag_model, current.merged_id)
                        .order_by("-pk")
                        .first()
                    )
                    if last is None:
                        raise HistoryError(f"The history has no copy of “{current.slug}”.")
                    plan.recover.append(last)
        else:
            raise HistoryError(
                f"This change added “{version.object_repr}”; undoing an addition is not offered."
            )
    return plan


def undo(revision: Revision, *, user) -> UndoPlan:
    """Undo one change (an edit, a bulk action, a merge) as a new change of its own."""
    plan = plan_undo(revision)
    try:
        with transaction.atomic(), reversion.create_revision():
            reversion.set_user(user)
            reversion.set_comment(f"Undid: {revision.get_comment()}")
            for version in plan.recover:  # before the articles that name them
                _prepare(version)
                version.revert()
            for version in plan.restore:
                _prepare(version)
                version.revert()
            for retired in plan.remove:
                retired.delete()
    except IntegrityError as error:
        raise HistoryError(
            "This change could not be undone: it refers to something deleted since."
        ) from error
    return plan


# Reading the history.


@dataclass
class FieldChange:
    label: str
    before: str = ""
    after: str = ""
    added: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    text_diff: SafeString | None = None


@dataclass
class HistoryEntry:
    version: Version
    changes: list[FieldChange]
    is_first: bool
    is_current: bool

    @property
    def revision(self) -> Revision:
        return self.version.revision


def _display(model_field: models.Field, value, names: dict) -> str:
    if value is None or value == "":
        return "—"
    if model_field.is_relation:
        return names.get((model_field.related_model, value), f"#{value}")
    if model_field.choices:
        return str(dict(model_field.flatchoices).get(value, value))
    if isinstance(value, bool):
        return "yes" if value else "no"
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value)


def text_diff(before: str, after: str, context: int = 8) -> SafeString:
    """Changed words struck through and inserted, with a little unchanged text around them."""
    old, new = before.split(), after.split()
    parts: list[str] = []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(
        None, old, new, autojunk=False
    ).get_opcodes():
        if tag == "equal":
            words = old[i1:i2]
            if len(words) > 2 * context:
                head = " ".join(words[:context]) if parts else ""
                tail = " ".join(words[-context:]) if i2 < len(old) or j2 < len(new) else ""
                words_html = f"{escape(head)} … {escape(tail)}".strip()
            else:
                words_html = escape(" ".join(words))
            parts.append(words_html)
            continue
        if i2 > i1:
            parts.append(str(format_html("<del>{}</del>", " ".join(old[i1:i2]))))
        if j2 > j1:
            parts.append(str(format_html("<ins>{}</ins>", " ".join(new[j1:j2]))))
    # Every part above is escaped or built with format_html.
    return mark_safe(" ".join(p for p in parts if p))


def _relation_names(model: type[models.Model], dicts: list[dict]) -> dict:
    """Names for every tag a list of versions refers to, a query per related model; tags gone
    since are named from their last version."""
    wanted: dict[type[models.Model], set] = defaultdict(set)
    for model_field in model._meta.concrete_fields + tuple(model._meta.many_to_many):
        if not model_field.is_relation:
            continue
        for data in dicts:
            value = data.get(model_field.attname)
            if value is None:
                continue
            values = value if model_field.many_to_many else [value]
            wanted[model_field.related_model].update(values)
    names = {}
    for related, pks in wanted.items():
        for obj in related._default_manager.filter(pk__in=pks):
            names[(related, obj.pk)] = str(obj)
        missing = [str(pk) for pk in pks if (related, pk) not in names]
        if missing:
            gone = (
                Version.objects.get_for_model(related)
                .filter(object_id__in=missing)
                .order_by("object_id", "-pk")
                .distinct("object_id")
                .values_list("object_id", "object_repr")
            )
            for object_id, label in gone:
                names[(related, int(object_id))] = f"{label} (merged or deleted)"
    return names


def diff(model: type[models.Model], before: dict, after: dict, names: dict) -> list[FieldChange]:
    """What changed between two versions of an object, field by field, in reading order."""
    changes = []
    for model_field in model._meta.concrete_fields + tuple(model._meta.many_to_many):
        key = model_field.attname
        if key in HIDDEN_FIELDS or key not in after or before.get(key) == after.get(key):
            continue
        label = str(model_field.verbose_name).capitalize()
        if model_field.many_to_many:
            old, new = set(before.get(key) or []), set(after.get(key) or [])
            changes.append(
                FieldChange(
                    label,
                    added=sorted(_display(model_field, pk, names) for pk in new - old),
                    removed=sorted(_display(model_field, pk, names) for pk in old - new),
                )
            )
        elif isinstance(model_field, models.TextField):
            old, new = before.get(key) or "", after[key] or ""
            if old.split() == new.split():
                changes.append(FieldChange(label, text_diff=mark_safe("<i>spacing only</i>")))
            else:
                changes.append(FieldChange(label, text_diff=text_diff(old, new)))
        else:
            changes.append(
                FieldChange(
                    label,
                    before=_display(model_field, before.get(key), names),
                    after=_display(model_field, after[key], names),
                )
            )
    return changes


def object_history(obj: models.Model, limit: int = 100) -> list[HistoryEntry]:
    """The object's recorded versions, newest first, each with what it changed."""
    versions = list(versions_of(obj).order_by("-pk")[: limit + 1])
    dicts = [version.field_dict for version in versions]
    names = _relation_names(type(obj), dicts)
    entries = []
    for index, version in enumerate(versions[:limit]):
        older = dicts[index + 1] if index + 1 < len(dicts) else None
        entries.append(
            HistoryEntry(
                version=version,
                changes=diff(type(obj), older, dicts[index], names) if older is not None else [],
                is_first=older is None,
                is_current=index == 0,
            )
        )
    return entries


def content_type_for(obj: models.Model) -> ContentType:
    return ContentType.objects.get_for_model(obj)
