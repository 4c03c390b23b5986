"""Small builders for test data beyond the seed archive."""

import itertools

from archive.bulk import NewArticle
from archive.dates import PartialDate
from archive.models import Article, Jurisdiction, Official, Outlet, Topic

_numbers = itertools.count(1)


def make_article(
    headline: str = "",
    body: str = "Text of a test article.",
    *,
    published: str | None = "2025-01-15",
    outlet: Outlet | None = None,
    jurisdictions=(),
    officials=(),
    topics=(),
    **fields,
) -> Article:
    """An article whose raw text is its headline and body, as a collected file would have it."""
    n = next(_numbers)
    headline = headline or f"Test article number {n}"
    article = Article(
        headline=headline,
        raw_text=f"{headline}\n\n{body}\n[test {n}]",
        body=body,
        outlet=outlet,
        **fields,
    )
    article.published = PartialDate.parse(published) if published else None
    article.save()
    article.jurisdictions.set(jurisdictions)
    article.officials.set(officials)
    article.topics.set(topics)
    return article


def place(slug: str) -> Jurisdiction:
    return Jurisdiction.objects.get(slug=slug)


def outlet(slug: str) -> Outlet:
    return Outlet.objects.get(slug=slug)


def official(slug: str) -> Official:
    return Official.objects.get(slug=slug)


def topic(slug: str) -> Topic:
    return Topic.objects.get(slug=slug)


def make_detainer_stories(count: int) -> list[Article]:
    """Articles matching "detainer" in Maryland, each with two places, an official and two
    topics: enough tags per row that an N+1 query would show in a query count."""
    return [
        make_article(
            f"Detainer story {n}",
            "A detainer was ignored.",
            outlet=outlet("fox-news"),
            jurisdictions=[place("baltimore-county-md"), place("baltimore-md")],
            officials=[official("marc-elrich")],
            topics=[topic("ice-detainers"), topic("ice-arrests")],
        )
        for n in range(count)
    ]


def bulk_rows(count: int) -> list[NewArticle]:
    """Rows for the bulk loader with a place, an official and a topic each, on tags of their
    own."""
    state, _ = Jurisdiction.objects.get_or_create(
        slug="bulk-test-state",
        defaults={"name": "Bulk Test State", "kind": "state", "postal_code": "QQ"},
    )
    bulk_outlet, _ = Outlet.objects.get_or_create(
        slug="bulk-test-outlet", defaults={"name": "Bulk Outlet"}
    )
    bulk_topic, _ = Topic.objects.get_or_create(
        slug="bulk-test-topic", defaults={"name": "Bulk topic"}
    )
    bulk_official, _ = Official.objects.get_or_create(
        slug="bulk-test-official", defaults={"name": "Bulk Official", "role": "Sheriff"}
    )
    return [
        NewArticle(
            headline=f"Loaded story {n} about wombats",
            slug=f"loaded-story-{n}",
            raw_text=f"Loaded story {n}\n\nWombats held on detainers, take {n}.",
            body=f"Wombats held on detainers, take {n}.",
            published=PartialDate.parse("2024"),
            outlet_id=bulk_outlet.pk,
            jurisdiction_ids=[state.pk],
            official_ids=[bulk_official.pk],
            topic_ids=[bulk_topic.pk],
        )
        for n in range(count)
    ]
