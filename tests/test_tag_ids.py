"""The tag ids copied onto each article (migration 0009) follow the links whatever changes
them, and nothing else can set them."""

import pytest

from archive.models import Article, Jurisdiction, JurisdictionKind, Official, Topic
from tests.factories import make_article

pytestmark = pytest.mark.django_db


def place(slug: str) -> Jurisdiction:
    return Jurisdiction.objects.get(slug=slug)


def ids_of(article: Article) -> tuple[list[int], list[int], list[int]]:
    article.refresh_from_db()
    return article.place_ids, article.official_ids, article.topic_ids


def city_in(county: Jurisdiction, name: str) -> Jurisdiction:
    return Jurisdiction.objects.create(
        name=name,
        slug=f"{name.lower()}-{county.postal_code.lower()}",
        kind=JurisdictionKind.CITY,
        parent=county,
        postal_code=county.postal_code,
    )


def test_a_city_brings_its_county_and_state():
    county = place("baltimore-county-md")
    city = city_in(county, "Towson")
    article = make_article(jurisdictions=[city])
    assert ids_of(article)[0] == sorted([city.pk, county.pk, county.parent_id])


def test_links_added_and_removed_through_the_orm_are_followed():
    article = make_article()
    official, topic = Official.objects.first(), Topic.objects.first()
    article.officials.add(official)
    article.topics.add(topic)
    assert ids_of(article)[1:] == ([official.pk], [topic.pk])
    article.officials.remove(official)
    Article.topics.through.objects.filter(article=article).delete()
    assert ids_of(article)[1:] == ([], [])


def test_a_place_moved_to_another_parent_moves_its_articles():
    city = city_in(place("wake-county-nc"), "Testville")
    article = make_article(jurisdictions=[city])
    other = place("durham-county-nc")
    city.parent = other
    city.save()
    assert ids_of(article)[0] == sorted([city.pk, other.pk, other.parent_id])


def test_saving_a_stale_copy_of_an_article_keeps_the_current_ids():
    article = make_article()
    stale = Article.objects.get(pk=article.pk)
    article.jurisdictions.add(place("wake-county-nc"))
    stale.headline = "Edited elsewhere"
    stale.save()
    assert place("wake-county-nc").pk in ids_of(article)[0]


def test_a_direct_update_cannot_set_the_ids():
    article = make_article(topics=[Topic.objects.first()])
    Article.objects.filter(pk=article.pk).update(topic_ids=[999], place_ids=[999])
    assert ids_of(article)[2] == [Topic.objects.first().pk]
    assert ids_of(article)[0] == []
