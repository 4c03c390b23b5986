"""Loading the founding collection (fixtures/) into the archive.

The seed texts are stored byte for byte; what a curator established about each, and the
editor's tags, come from ``fixtures/seed_archive.json``. Loading never overwrites: a tag or
an article that is already there (an editor may have changed it since) is left alone, so
loading twice changes nothing.
"""

import json
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.db import transaction

from archive.dates import PartialDate
from archive.models import Article, Jurisdiction, Official, Outlet, Topic, raw_text_sha256
from archive.text import clean_body, first_line

FIXTURES_DIR = Path(settings.BASE_DIR) / "fixtures"
SEED_MANIFEST = FIXTURES_DIR / "seed_archive.json"


@dataclass
class SeedReport:
    articles_created: int = 0
    articles_present: int = 0
    tags_created: int = 0


def _get_or_create(model, report: SeedReport, slug: str, **fields):
    obj, created = model.objects.get_or_create(slug=slug, defaults=fields)
    report.tags_created += created
    return obj


def build_article(raw_text: str, entry: dict) -> Article:
    """An unsaved Article from a collected text and what is known about it."""
    headline = entry.get("headline") or first_line(raw_text)
    article = Article(
        headline=headline,
        raw_text=raw_text,
        body=clean_body(raw_text, headline),
        byline=entry.get("byline", ""),
        source_url=entry.get("source_url", ""),
        curator_note=entry.get("curator_note", ""),
        date_uncertain=entry.get("date_uncertain", False),
        headline_uncertain=entry.get("headline_uncertain", False),
        is_excerpt=entry.get("is_excerpt", False),
    )
    if entry.get("published"):
        article.published = PartialDate.parse(entry["published"])
    return article


@transaction.atomic
def load_seed_archive(manifest: Path = SEED_MANIFEST, *, dry_run: bool = False) -> SeedReport:
    """Create whatever of the seed archive is missing; with dry_run, roll it all back."""
    data = json.loads(manifest.read_text(encoding="utf-8"))
    report = SeedReport()
    outlets = {
        o["slug"]: _get_or_create(Outlet, report, o["slug"], name=o["name"], homepage=o["homepage"])
        for o in data["outlets"]
    }
    places: dict[str, Jurisdiction] = {}
    for p in data["jurisdictions"]:  # parents come before their children
        places[p["slug"]] = _get_or_create(
            Jurisdiction,
            report,
            p["slug"],
            name=p["name"],
            kind=p["kind"],
            parent=places[p["parent"]] if p.get("parent") else None,
            postal_code=p["postal_code"],
            fips=p.get("fips", ""),
        )
    officials = {
        o["slug"]: _get_or_create(
            Official,
            report,
            o["slug"],
            name=o["name"],
            role=o["role"],
            agency=o.get("agency", ""),
            jurisdiction=places[o["jurisdiction"]] if o.get("jurisdiction") else None,
        )
        for o in data["officials"]
    }
    topics = {
        t["slug"]: _get_or_create(
            Topic, report, t["slug"], name=t["name"], description=t["description"]
        )
        for t in data["topics"]
    }
    for entry in data["articles"]:
        raw_text = (manifest.parent / "seeds" / entry["file"]).read_bytes().decode("utf-8")
        article = build_article(raw_text, entry)
        article.outlet = outlets[entry["outlet"]] if entry.get("outlet") else None
        if Article.objects.filter(sha256=raw_text_sha256(raw_text)).exists():
            report.articles_present += 1
            continue
        article.full_clean(exclude=["slug"])
        article.save()
        article.jurisdictions.set([places[s] for s in entry["jurisdictions"]])
        article.officials.set([officials[s] for s in entry["officials"]])
        article.topics.set([topics[s] for s in entry["topics"]])
        report.articles_created += 1
    if dry_run:
        transaction.set_rollback(True)
    return report
