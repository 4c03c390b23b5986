"""From an article's text to stored suggestions: the one entry point every import path uses."""

from dataclasses import dataclass, field
from datetime import date

from django.utils.text import slugify

from archive.dates import PartialDate
from archive.models import Article
from archive.suggestions.dates import find_date
from archive.suggestions.models import Suggestion, SuggestionKind, SuggestionStatus
from archive.suggestions.outlets import find_outlet_signature
from archive.suggestions.people import KnownOfficials, find_officials
from archive.suggestions.places import Gazetteer, find_places


@dataclass(frozen=True)
class Proposal:
    """A suggestion before it is stored: what, why, and (for reports) how to say it."""

    kind: SuggestionKind
    key: str
    label: str
    evidence: str
    jurisdiction_id: int | None = None
    official_id: int | None = None
    outlet_id: int | None = None
    proposed_name: str = ""
    proposed_role: str = ""
    proposed_date: date | None = None
    date_precision: str = ""


@dataclass
class ArticleText:
    """What the suggesters read.

    ``text`` is the headline (when the source gives one) and the cleaned body: places and
    officials come from it. ``full_text`` is everything as collected, page furniture included,
    because that is where outlets sign (newswire notices, "… on Fox News Read More").
    """

    text: str
    full_text: str = ""
    site_name: str = ""
    page_date: PartialDate | None = None


@dataclass
class Suggester:
    """Loads the gazetteer and the known officials once, then reads any number of articles."""

    gazetteer: Gazetteer = field(default_factory=Gazetteer.load)
    officials: KnownOfficials = field(default_factory=KnownOfficials.load)

    def suggest(self, article_text: ArticleText) -> list[Proposal]:
        text = article_text.text
        proposals = []
        places = find_places(text, self.gazetteer)
        for finding in places:
            place = finding.place
            proposals.append(
                Proposal(
                    SuggestionKind.JURISDICTION,
                    key=place.slug,
                    label=place.slug,
                    evidence=finding.evidence,
                    jurisdiction_id=place.id,
                )
            )
        place_ids = {f.place.id for f in places}
        # The places inside or around the ones named: a county sheriff in a text about the city.
        for finding in places:
            place_ids.update(p.id for p in self.gazetteer.ancestors(finding.place))
        for finding in find_officials(text, self.officials, place_ids):
            known = finding.known
            proposals.append(
                Proposal(
                    SuggestionKind.OFFICIAL,
                    key=slugify(finding.name),
                    label=finding.name if known else f"{finding.name} (new: {finding.role})",
                    evidence=finding.evidence,
                    official_id=known.id if known else None,
                    proposed_name="" if known else finding.name,
                    proposed_role="" if known else finding.role[:300],
                )
            )
        outlet = find_outlet_signature(article_text.full_text or text, article_text.site_name)
        if outlet:
            proposals.append(
                Proposal(
                    SuggestionKind.OUTLET,
                    key=slugify(outlet.name),
                    label=outlet.outlet.name if outlet.outlet else f"{outlet.name} (new)",
                    evidence=outlet.evidence,
                    outlet_id=outlet.outlet.pk if outlet.outlet else None,
                    proposed_name="" if outlet.outlet else outlet.name[:200],
                )
            )
        published = find_date(article_text.full_text or text, article_text.page_date)
        if published:
            proposals.append(
                Proposal(
                    SuggestionKind.DATE,
                    key=published.date.iso(),
                    label=published.date.iso(),
                    evidence=published.evidence,
                    proposed_date=published.date.start,
                    date_precision=published.date.precision,
                )
            )
        return proposals


def needed(article: Article, proposals: list[Proposal]) -> list[Proposal]:
    """The proposals that would change something: not already tags or facts of the article."""
    places = set(article.jurisdictions.values_list("pk", flat=True)) if article.pk else set()
    officials = set(article.officials.values_list("pk", flat=True)) if article.pk else set()
    kept = []
    for proposal in proposals:
        if proposal.kind == SuggestionKind.JURISDICTION and proposal.jurisdiction_id in places:
            continue
        if proposal.kind == SuggestionKind.OFFICIAL and proposal.official_id in officials:
            continue
        if proposal.kind == SuggestionKind.OUTLET and article.outlet_id:
            continue
        if proposal.kind == SuggestionKind.DATE and article.published_on:
            continue
        kept.append(proposal)
    return kept


def store(article: Article, proposals: list[Proposal]) -> list[Suggestion]:
    """Save the proposals an article does not have yet (a rejected one is never made again)."""
    existing = set(article.suggestions.values_list("kind", "key"))
    new = [
        Suggestion(
            article=article,
            kind=p.kind,
            key=p.key[:300],
            evidence=p.evidence,
            jurisdiction_id=p.jurisdiction_id,
            official_id=p.official_id,
            outlet_id=p.outlet_id,
            proposed_name=p.proposed_name,
            proposed_role=p.proposed_role,
            proposed_date=p.proposed_date,
            date_precision=p.date_precision,
            status=SuggestionStatus.PENDING,
        )
        for p in needed(article, proposals)
        if (p.kind, p.key[:300]) not in existing
    ]
    return Suggestion.objects.bulk_create(new)
