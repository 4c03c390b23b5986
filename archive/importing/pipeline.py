"""Importing sources into the archive, each article in its own transaction.

For every source: the same text already in the archive (same SHA-256 of the raw text) is
reported and left alone, or with ``update`` has its metadata refreshed; a near-duplicate of an
archived article is reported and not imported unless the editor asks for it; anything else
becomes a new article with pending tag suggestions. A failure rolls back that article only and
the run goes on. A dry run takes the same path inside a transaction that is rolled back.
"""

import logging
from collections import Counter
from collections.abc import Callable, Iterable
from contextlib import nullcontext
from dataclasses import dataclass, field
from enum import StrEnum

from django.core.exceptions import ValidationError
from django.db import DatabaseError, transaction

from archive.importing.fingerprints import ensure_fingerprints, near_duplicates, save_fingerprint
from archive.importing.sources import Failure, Item, Notice, Source, made_headline
from archive.models import Article, Outlet, raw_text_sha256, unique_slug
from archive.suggestions import engine
from archive.suggestions.outlets import canonical_name, find_outlet
from archive.text import clean_body

logger = logging.getLogger(__name__)

# The search vector of one article must stay under PostgreSQL's 1 MB tsvector limit.
MAX_ARTICLE_CHARS = 200_000


class Status(StrEnum):
    CREATED = "created"
    UPDATED = "updated"
    UNCHANGED = "unchanged"
    DUPLICATE = "duplicate"
    FAILED = "failed"
    NOTICE = "notice"


@dataclass
class Outcome:
    source: str
    status: Status
    message: str = ""
    article_id: int | None = None
    article_slug: str = ""
    headline: str = ""
    suggestions: list[str] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {
            "source": self.source,
            "status": str(self.status),
            "message": self.message,
            "article_id": self.article_id,
            "article_slug": self.article_slug,
            "headline": self.headline,
            "suggestions": self.suggestions,
        }


@dataclass
class ImportOptions:
    update: bool = False
    dry_run: bool = False
    allow_near_duplicates: bool = False


@dataclass
class ImportReport:
    outcomes: list[Outcome] = field(default_factory=list)

    @property
    def counts(self) -> Counter:
        return Counter(outcome.status for outcome in self.outcomes)

    @property
    def failed(self) -> int:
        return self.counts[Status.FAILED]

    def record(self, origin: str, update: bool, user=None):
        """Keep this run's report as an ImportRun, for the admin's list of imports."""
        from archive.importing.models import ImportRun

        counts = self.counts
        return ImportRun.objects.create(
            origin=origin,
            user=user,
            update=update,
            created=counts[Status.CREATED],
            updated=counts[Status.UPDATED],
            unchanged=counts[Status.UNCHANGED],
            duplicates=counts[Status.DUPLICATE],
            failed=counts[Status.FAILED],
            outcomes=[outcome.as_dict() for outcome in self.outcomes],
        )

    def summary(self) -> str:
        counts = self.counts
        return ", ".join(
            f"{counts[status]} {label}"
            for status, label in [
                (Status.CREATED, "created"),
                (Status.UPDATED, "updated"),
                (Status.UNCHANGED, "unchanged"),
                (Status.DUPLICATE, "duplicates"),
                (Status.FAILED, "failed"),
            ]
        )


class Refused(Exception):
    """A source that cannot become an article: the message says why."""


def import_sources(
    items: Iterable[Item],
    options: ImportOptions | None = None,
    *,
    on_outcome: Callable[[Outcome], None] | None = None,
) -> ImportReport:
    """Import every source; report what happened to each."""
    options = options or ImportOptions()
    report = ImportReport()

    def record(outcome: Outcome) -> None:
        report.outcomes.append(outcome)
        if on_outcome:
            on_outcome(outcome)

    # A dry run wraps the whole run in one transaction that is rolled back, so that what it
    # reports (a file duplicating one imported earlier in the run, say) is what a real run does.
    with transaction.atomic() if options.dry_run else nullcontext():
        ensure_fingerprints()
        suggester = engine.Suggester()
        for item in items:
            if isinstance(item, Failure):
                record(Outcome(item.name, Status.FAILED, item.reason))
            elif isinstance(item, Notice):
                record(Outcome(item.name, Status.NOTICE, item.message))
            else:
                record(_import_guarded(item, options, suggester))
        if options.dry_run:
            transaction.set_rollback(True)
    return report


def _import_guarded(source: Source, options: ImportOptions, suggester) -> Outcome:
    """One source in its own transaction; whatever goes wrong is reported, never half-written."""
    try:
        with transaction.atomic():
            return import_source(source, options, suggester)
    except Refused as error:
        return Outcome(source.name, Status.FAILED, str(error))
    except ValidationError as error:
        return Outcome(source.name, Status.FAILED, _validation_message(error))
    except DatabaseError as error:
        logger.warning("Import of %s failed in the database: %s", source.name, error)
        return Outcome(source.name, Status.FAILED, f"the database refused it: {error}".strip())
    except Exception as error:  # an unexpected bug must not stop a run of thousands
        logger.exception("Import of %s failed", source.name)
        reason = f"unexpected error ({type(error).__name__}: {error})"
        return Outcome(source.name, Status.FAILED, reason)


def _validation_message(error: ValidationError) -> str:
    if hasattr(error, "message_dict"):
        return "; ".join(
            f"{name}: {' '.join(messages)}" for name, messages in error.message_dict.items()
        )
    return " ".join(error.messages)


def read_article(source: Source) -> tuple[str, str, engine.ArticleText]:
    """The headline a source states, its cleaned body, and what the suggesters read."""
    headline = source.headline
    # clean_body drops the headline line only when the text really starts with it.
    body = clean_body(source.text, headline)
    article_text = engine.ArticleText(
        text=f"{headline}\n\n{body}" if headline else body,
        full_text=source.text,
        site_name=source.site_name,
        page_date=source.page_date,
    )
    return headline, body, article_text


def import_source(source: Source, options: ImportOptions, suggester) -> Outcome:
    """Create, update or leave alone the article this source holds (inside a transaction)."""
    if len(source.raw_text) > MAX_ARTICLE_CHARS:
        raise Refused(
            f"the text is {len(source.raw_text):,} characters; an article is at most "
            f"{MAX_ARTICLE_CHARS:,}"
        )
    existing = Article.objects.filter(sha256=raw_text_sha256(source.raw_text)).first()
    if existing:
        return _existing(existing, source, options)

    headline, body, article_text = read_article(source)
    if not body.strip():
        raise Refused("no article text: only a headline, or nothing but page furniture")
    duplicates = near_duplicates(body)
    if duplicates and not options.allow_near_duplicates:
        best = duplicates[0]
        return Outcome(
            source.name,
            Status.DUPLICATE,
            f"near-duplicate of “{best.headline}” (/articles/{best.slug}/, "
            f"{best.similarity.jaccard:.0%} of wording shared); not imported. Import it anyway "
            "with --allow-near-duplicates.",
            article_id=best.article_id,
            article_slug=best.slug,
            headline=best.headline,
        )

    article = Article(
        headline=headline or made_headline(body),
        headline_uncertain=not headline,
        raw_text=source.raw_text,
        body=body,
        byline=source.byline[:300],
        source_url=source.source_url,
    )
    article.published = source.published
    notes = []
    if source.outlet:
        article.outlet, created = _outlet_named(source.outlet)
        if created:
            notes.append(f"new outlet “{article.outlet.name}”")
    _validate(article)
    article.save()
    save_fingerprint(article)

    proposals = suggester.suggest(article_text)
    stored = engine.store(article, proposals)
    labels = {(p.kind, p.key[:300]): p.label for p in proposals}
    if not headline:
        notes.append("no headline in the file: made from the first sentence, marked uncertain")
    if duplicates:
        notes.append(f"imported although it is a near-duplicate of /articles/{duplicates[0].slug}/")
    return Outcome(
        source.name,
        Status.CREATED,
        "; ".join(notes),
        article_id=article.pk,
        article_slug=article.slug,
        headline=article.headline,
        suggestions=[f"{s.kind}: {labels[(s.kind, s.key)]}" for s in stored],
    )


def _validate(article: Article) -> None:
    article.full_clean(exclude=["slug"])


def _outlet_named(name: str) -> tuple[Outlet, bool]:
    outlet = find_outlet(name)
    if outlet:
        return outlet, False
    name = canonical_name(name)[:200]
    return Outlet.objects.create(name=name, slug=unique_slug(Outlet, name)), True


def metadata_changes(article: Article, source: Source) -> dict:
    """What ``--update`` would change: fields the source states that differ from the article.

    Named fields typed by a person overwrite; what was read from a text or a page only fills
    fields that are blank, so an editor's corrections survive re-importing the file.
    """
    changes = {}
    for key, value in source.metadata.items():
        current = {
            "headline": article.headline,
            "byline": article.byline,
            "source_url": article.source_url,
            "published": article.published,
            "outlet": article.outlet.name if article.outlet else "",
        }[key]
        if key == "outlet" and current and find_outlet(value) == article.outlet:
            continue
        if value != current and (source.stated_by_fields or not current):
            changes[key] = value
    return changes


def _existing(article: Article, source: Source, options: ImportOptions) -> Outcome:
    changes = metadata_changes(article, source)
    where = f"/articles/{article.slug}/"
    if not changes or not options.update:
        hint = f"; --update would change {', '.join(changes)}" if changes else ""
        return Outcome(
            source.name,
            Status.UNCHANGED,
            f"already in the archive as {where}{hint}",
            article_id=article.pk,
            article_slug=article.slug,
            headline=article.headline,
        )
    for key, value in changes.items():
        if key == "outlet":
            article.outlet, _ = _outlet_named(value)
        elif key == "published":
            article.published = value
        else:
            setattr(article, key, value)
    if "headline" in changes:
        article.headline_uncertain = False
    _validate(article)
    article.save()
    return Outcome(
        source.name,
        Status.UPDATED,
        f"updated {', '.join(changes)} of {where}",
        article_id=article.pk,
        article_slug=article.slug,
        headline=article.headline,
    )
