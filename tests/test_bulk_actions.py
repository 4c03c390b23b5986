"""Bulk actions on the admin's article list: a confirmation page, then a count of what changed."""

import pytest

from archive.history import BASELINE_COMMENT
from archive.models import Article, Change
from tests.desk import action, logged_in, messages_of
from tests.factories import make_article, official, outlet, place, topic
from tests.test_admin import facet_count, result_count

pytestmark = pytest.mark.django_db


def test_the_confirmation_page_lists_the_articles_and_offers_autocomplete(client):
    logged_in(client)
    articles = list(Article.objects.all()[:2])
    response = action(client, "article", "add_tags", articles)
    html = response.content.decode()
    assert response.status_code == 200
    assert "Add tags to the selected articles" in html
    assert "2 selected" in html
    for article in articles:
        assert f'name="_selected_action" value="{article.pk}"' in html
    assert 'data-field-name="topics"' in html and "admin-autocomplete" in html
    assert 'name="apply" value="yes"' in html
    assert not Change.objects.exists()  # nothing happened yet


def test_adding_a_topic_counts_only_the_articles_that_changed(client):
    logged_in(client)
    laws = topic("state-sanctuary-laws")
    articles = list(Article.objects.all())
    assert result_count(client, topic=laws.slug) == 1
    response = action(
        client, "article", "add_tags", articles, follow=True, apply="yes", topics=[laws.pk]
    )
    assert messages_of(response) == [
        "Added State sanctuary laws: 4 of 5 selected articles changed."
    ]
    assert result_count(client, topic=laws.slug) == 5
    assert facet_count(client, "topic", laws.slug) == 5
    [change] = Change.objects.exclude(comment=BASELINE_COMMENT)
    assert change.comment == "Added “State sanctuary laws” on 4 of 5 articles."
    assert change.version_set.count() == 4


def test_adding_places_and_officials_together(client):
    logged_in(client)
    article = make_article()
    county, lyons = place("suffolk-county-ma"), "todd-lyons"
    action(
        client,
        "article",
        "add_tags",
        [article],
        apply="yes",
        jurisdictions=[county.pk],
        officials=[official(lyons).pk],
    )
    assert {p.slug for p in article.jurisdictions.all()} == {"suffolk-county-ma"}
    assert {o.slug for o in article.officials.all()} == {lyons}
    assert result_count(client, official=lyons) == 2
    assert result_count(client, jurisdiction="massachusetts", official=lyons) == 1


def test_removing_a_place(client):
    logged_in(client)
    articles = list(Article.objects.all())
    county = place("baltimore-county-md")
    assert result_count(client, jurisdiction=county.slug) == 2
    response = action(
        client,
        "article",
        "remove_tags",
        articles,
        follow=True,
        apply="yes",
        jurisdictions=[county.pk],
    )
    [message] = messages_of(response)
    assert message.startswith("Removed Baltimore County, MD: 2 of 5 selected articles changed.")
    assert result_count(client, jurisdiction=county.slug) == 0
    assert client.get(county.get_absolute_url()).status_code == 200  # the place itself stays


def test_setting_the_outlet(client):
    logged_in(client)
    fox = outlet("fox-news")
    articles = list(Article.objects.all())
    response = action(
        client, "article", "set_outlet_action", articles, follow=True, apply="yes", outlet=fox.pk
    )
    assert messages_of(response) == ["Outlet set to Fox News: 4 of 5 selected articles changed."]
    assert result_count(client, outlet="fox-news") == 5


def test_choosing_nothing_is_explained_and_changes_nothing(client):
    logged_in(client)
    articles = list(Article.objects.all()[:2])
    response = action(client, "article", "add_tags", articles, apply="yes")
    assert response.status_code == 200
    assert "Choose at least one place, official or topic to add." in response.content.decode()
    response = action(client, "article", "add_tags", articles, apply="yes", topics=["999999"])
    assert "Select a valid choice." in response.content.decode()
    assert not Change.objects.exists()


def test_a_viewer_has_no_bulk_actions(client):
    logged_in(client, "vic", role="viewer")
    articles = list(Article.objects.all())
    html = client.get("/admin/archive/article/").content.decode()
    assert "add_tags" not in html
    action(client, "article", "add_tags", articles, apply="yes", topics=[topic("ice-arrests").pk])
    assert result_count(client, topic="ice-arrests") == 4
    assert not Change.objects.exists()
