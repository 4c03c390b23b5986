"""Tagging many articles at once: what the admin's bulk actions on the article list do.

Each call is one change in the history (undoable as a whole from "Recent changes"), and reports
how many articles it actually changed: an article that already had the tag is not counted.
"""

from collections.abc import Iterable

import reversion
from django.db import models, transaction

from archive.history import record_current
from archive.models import Article, Jurisdiction, Official, Outlet, Topic

TAG_FIELDS: dict[type[models.Model], str] = {
    Jurisdiction: "jurisdictions",
    Official: "officials",
    Topic: "topics",
}


def _names(tags: Iterable[models.Model]) -> str:
    return ", ".join(f"“{getattr(tag, 'name', tag)}”" for tag in tags)


def _by_field(tags: Iterable[models.Model]) -> dict[str, set[int]]:
    fields: dict[str, set[int]] = {}
    for tag in tags:
        fields.setdefault(TAG_FIELDS[type(tag)], set()).add(tag.pk)
    return fields


def _articles(articles) -> list[Article]:
    return list(
        Article.objects.filter(pk__in=[a.pk for a in articles]).prefetch_related(
            *TAG_FIELDS.values()
        )
    )


def _tag_ids(article: Article, field: str) -> set[int]:
    return {tag.pk for tag in getattr(article, field).all()}


@transaction.atomic
def change_tags(articles, *, add=(), remove=(), user=None) -> int:
    """Add and/or remove places, officials and topics on ``articles``; how many changed."""
    adding, removing = _by_field(add), _by_field(remove)
    articles = _articles(articles)
    record_current(articles)
    changed = 0
    with reversion.create_revision():
        reversion.set_user(user)
        for article in articles:
            touched = False
            for field, ids in adding.items():
                new = ids - _tag_ids(article, field)
                if new:
                    getattr(article, field).add(*new)
                    touched = True
            for field, ids in removing.items():
                gone = ids & _tag_ids(article, field)
                if gone:
                    getattr(article, field).remove(*gone)
                    touched = True
            changed += touched
        done = []
        if add:
            done.append(f"added {_names(add)}")
        if remove:
            done.append(f"removed {_names(remove)}")
        summary = " and ".join(done)
        reversion.set_comment(
            f"{summary[:1].upper()}{summary[1:]} on {changed} of {len(articles)} articles."
        )
    return changed


@transaction.atomic
def set_outlet(articles, outlet: Outlet | None, *, user=None) -> int:
    """Give ``articles`` this outlet; how many changed."""
    articles = [a for a in _articles(articles) if a.outlet_id != (outlet.pk if outlet else None)]
    record_current(articles)
    with reversion.create_revision():
        reversion.set_user(user)
        named = _names([outlet]) if outlet else "none"
        reversion.set_comment(f"Set the outlet of {len(articles)} articles to {named}.")
        for article in articles:
            article.outlet = outlet
            article.save(update_fields=["outlet", "updated_at"])
    return len(articles)
