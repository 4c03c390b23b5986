"""Measuring the suggesters against a labelled set: precision and recall per kind of tag.

Used by ``bench/suggestions.py`` and by the tests. The labelled set is a folder of ``.txt``
articles with ``labels.json`` (the tags a curator gives each) and ``places.json`` (the places
and known officials it needs, created when missing so it works with or without the gazetteer).
A naive matcher, which tags every place, official and outlet whose exact name appears in the
text, is measured beside the suggesters as the baseline.
"""

import json
import re
from dataclasses import dataclass, field
from pathlib import Path

from django.utils.text import slugify

from archive.importing.pipeline import read_article
from archive.importing.sources import Source, read_bytes
from archive.models import Jurisdiction, Official, Outlet
from archive.suggestions.engine import ArticleText, Proposal, Suggester
from archive.suggestions.models import SuggestionKind

KINDS = ["jurisdiction", "official", "outlet", "date"]


@dataclass
class LabelledArticle:
    name: str
    text: ArticleText
    expected: dict[str, set[str]]


def ensure_places(places_file: Path) -> None:
    """Create the places and officials the set needs, leaving any that exist as they are."""
    data = json.loads(places_file.read_text(encoding="utf-8"))
    for entry in data["jurisdictions"]:
        parent = Jurisdiction.objects.get(slug=entry["parent"]) if entry.get("parent") else None
        Jurisdiction.objects.get_or_create(
            slug=entry["slug"],
            defaults={
                "name": entry["name"],
                "kind": entry["kind"],
                "parent": parent,
                "postal_code": entry["postal_code"],
                "fips": entry.get("fips", ""),
            },
        )
    for entry in data.get("officials", []):
        place = entry.get("jurisdiction")
        Official.objects.get_or_create(
            slug=entry["slug"],
            defaults={
                "name": entry["name"],
                "role": entry.get("role", ""),
                "jurisdiction": Jurisdiction.objects.get(slug=place) if place else None,
            },
        )


def load_labelled(folder: Path) -> list[LabelledArticle]:
    labels = json.loads((folder / "labels.json").read_text(encoding="utf-8"))["articles"]
    articles = []
    for name, label in sorted(labels.items()):
        source = next(read_bytes(name, (folder / name).read_bytes()))
        assert isinstance(source, Source), f"{name}: {source}"
        _, _, text = read_article(source)
        expected = {
            "jurisdiction": set(label["places"]),
            "official": {slugify(n) for n in label["officials"]},
            "outlet": {slugify(label["outlet"])} if label["outlet"] else set(),
            "date": {label["date"]} if label["date"] else set(),
        }
        articles.append(LabelledArticle(name, text, expected))
    return articles


def proposal_values(proposals: list[Proposal]) -> dict[str, set[str]]:
    """What was proposed, comparable with the labels: slugs for tags, ISO dates."""
    found: dict[str, set[str]] = {kind: set() for kind in KINDS}
    for proposal in proposals:
        kind = str(proposal.kind)
        if kind == SuggestionKind.OUTLET and proposal.outlet_id:
            found[kind].add(Outlet.objects.get(pk=proposal.outlet_id).slug)
        elif kind == SuggestionKind.OUTLET:
            found[kind].add(slugify(proposal.proposed_name))
        else:
            found[kind].add(proposal.key)
    return found


@dataclass
class Score:
    true_positives: int = 0
    false_positives: int = 0
    false_negatives: int = 0
    errors: list[str] = field(default_factory=list)

    @property
    def precision(self) -> float:
        found = self.true_positives + self.false_positives
        return self.true_positives / found if found else 1.0

    @property
    def recall(self) -> float:
        expected = self.true_positives + self.false_negatives
        return self.true_positives / expected if expected else 1.0


def evaluate(suggest, articles: list[LabelledArticle]) -> dict[str, Score]:
    """Precision and recall per kind for ``suggest(ArticleText) -> list[Proposal]``."""
    scores = {kind: Score() for kind in KINDS}
    for article in articles:
        found = proposal_values(suggest(article.text))
        for kind in KINDS:
            expected, got = article.expected[kind], found[kind]
            score = scores[kind]
            score.true_positives += len(expected & got)
            score.false_positives += len(got - expected)
            score.false_negatives += len(expected - got)
            score.errors += [f"{article.name}: extra {kind} {v}" for v in sorted(got - expected)]
            score.errors += [f"{article.name}: missed {kind} {v}" for v in sorted(expected - got)]
    return scores


class NaiveMatcher:
    """The baseline: every place, official and outlet whose exact name appears in the text."""

    def __init__(self):
        self.places = list(Jurisdiction.objects.values_list("id", "slug", "name"))
        self.officials = list(Official.objects.values_list("id", "name"))
        self.outlets = list(Outlet.objects.values_list("id", "name"))

    @staticmethod
    def _named(name: str, text: str) -> bool:
        return re.search(rf"(?<!\w){re.escape(name)}(?!\w)", text) is not None

    def suggest(self, article_text: ArticleText) -> list[Proposal]:
        text, full = article_text.text, article_text.full_text or article_text.text
        proposals = [
            Proposal(SuggestionKind.JURISDICTION, slug, slug, "", jurisdiction_id=pk)
            for pk, slug, name in self.places
            if self._named(name, text)
        ]
        proposals += [
            Proposal(SuggestionKind.OFFICIAL, slugify(name), name, "", official_id=pk)
            for pk, name in self.officials
            if self._named(name, text)
        ]
        proposals += [
            Proposal(SuggestionKind.OUTLET, slugify(name), name, "", outlet_id=pk)
            for pk, name in self.outlets
            if self._named(name, full)
        ][:1]
        return proposals


def suggester() -> Suggester:
    return Suggester()
