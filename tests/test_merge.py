"""Merging duplicate tags through the admin, and old slugs that keep answering (CONTRACT.md)."""

import pytest
from reversion.models import Version

from archive.filters import ArticleFilter
from archive.history import BASELINE_COMMENT
from archive.models import Article, Change, Jurisdiction, Official, Outlet, RetiredSlug, Topic
from tests.desk import action, admin_url, logged_in, messages_of
from tests.factories import make_article, official, outlet, place, topic
from tests.test_admin import result_count

pytestmark = pytest.mark.django_db


@pytest.fixture
def sheriff_baker():
    """A duplicate of Gerald Baker, as an importer might create it, on an article of its own."""
    duplicate = Official.objects.create(
        name="Sheriff Baker",
        slug="sheriff-baker",
        role="Sheriff",
        jurisdiction=place("wake-county-nc"),
    )
    make_article("Sheriff Baker speaks on detainers", officials=[duplicate])
    return duplicate


def merge(client, model: str, objects, survivor, follow=True):
    return action(
        client, model, "merge_selected", objects, apply="yes", survivor=survivor.pk, follow=follow
    )


def test_the_merge_page_asks_which_to_keep(client, sheriff_baker):
    logged_in(client)
    gerald = official("gerald-baker")
    response = action(client, "official", "merge_selected", [sheriff_baker, gerald])
    html = response.content.decode()
    assert response.status_code == 200
    assert "Merge officials" in html
    assert 'type="radio" name="survivor"' in html
    assert "Gerald Baker (Wake County Sheriff) — 1 article, /officials/gerald-baker/" in html
    assert Official.objects.filter(slug="sheriff-baker").exists()  # nothing done yet


def test_merging_officials_moves_articles_and_redirects_the_old_slug(client, sheriff_baker):
    logged_in(client)
    gerald = official("gerald-baker")
    assert result_count(client, official="gerald-baker") == 1

    response = merge(client, "official", [sheriff_baker, gerald], gerald)
    [message] = messages_of(response)
    assert message.startswith(
        "Merged “Sheriff Baker” into “Gerald Baker (Wake County Sheriff)”: 1 article"
    )

    assert not Official.objects.filter(slug="sheriff-baker").exists()
    assert result_count(client, official="gerald-baker") == 2
    old_page = client.get("/officials/sheriff-baker/?page=1")
    assert old_page.status_code == 301
    assert old_page["Location"] == "/officials/gerald-baker/?page=1"
    old_search = client.get("/articles/", {"official": ["sheriff-baker", "todd-lyons"], "q": "ice"})
    assert old_search.status_code == 301
    assert old_search["Location"] == "/articles/?official=gerald-baker&official=todd-lyons&q=ice"

    change = Change.objects.exclude(comment=BASELINE_COMMENT).first()
    assert change.comment == "Merged “Sheriff Baker” into “Gerald Baker”."
    assert change.user.username == "ana"


def test_a_merge_can_be_undone(client, sheriff_baker):
    logged_in(client)
    gerald = official("gerald-baker")
    merge(client, "official", [sheriff_baker, gerald], gerald)
    change = Change.objects.exclude(comment=BASELINE_COMMENT).first()

    confirm = client.get(admin_url("change_undo", change.pk)).content.decode()
    assert "Brought back" in confirm and "/officials/sheriff-baker/" in confirm
    client.post(admin_url("change_undo", change.pk))

    restored = Official.objects.get(slug="sheriff-baker")
    assert restored.pk == sheriff_baker.pk and restored.role == "Sheriff"
    assert client.get("/officials/sheriff-baker/").status_code == 200
    assert result_count(client, official="sheriff-baker") == 1
    assert result_count(client, official="gerald-baker") == 1
    assert not RetiredSlug.objects.exists()


def test_merging_outlets_moves_the_articles_outlet(client):
    logged_in(client)
    epoch = outlet("the-epoch-times")
    copy = Outlet.objects.create(name="Epoch Times", slug="epoch-times")
    article = make_article(outlet=copy)
    merge(client, "outlet", [epoch, copy], epoch)
    article.refresh_from_db()
    assert article.outlet == epoch
    assert client.get("/outlets/epoch-times/")["Location"] == "/outlets/the-epoch-times/"


def test_merging_places_moves_their_children_and_officials(client):
    logged_in(client)
    wake = place("wake-county-nc")
    typo = Jurisdiction.objects.create(
        name="Wake Co.",
        slug="wake-co-nc",
        kind="county",
        parent=place("north-carolina"),
        postal_code="NC",
    )
    raleigh = Jurisdiction.objects.create(
        name="Raleigh", slug="raleigh-nc", kind="city", parent=typo, postal_code="NC"
    )
    clerk = Official.objects.create(name="A Clerk", slug="a-clerk", jurisdiction=typo)
    make_article(jurisdictions=[raleigh])
    merge(client, "jurisdiction", [wake, typo], wake)
    raleigh.refresh_from_db()
    clerk.refresh_from_db()
    assert raleigh.parent == wake and clerk.jurisdiction == wake
    assert result_count(client, jurisdiction="wake-county-nc") == 2
    assert client.get("/jurisdictions/wake-co-nc/")["Location"] == "/jurisdictions/wake-county-nc/"


def test_places_of_different_kinds_or_states_are_not_merged(client):
    logged_in(client)
    response = merge(
        client,
        "jurisdiction",
        [place("wake-county-nc"), place("baltimore-county-md")],
        place("wake-county-nc"),
    )
    [message] = messages_of(response)
    assert "only places of one kind in one state can be merged" in message
    assert Jurisdiction.objects.filter(slug="baltimore-county-md").exists()


def test_one_tag_alone_is_not_merged(client):
    logged_in(client)
    response = action(client, "topic", "merge_selected", [topic("ice-arrests")], follow=True)
    assert messages_of(response) == ["Select two or more to merge."]


def test_merges_chain_and_old_versions_follow_them(client):
    """A merged into B, then B into C: A's links lead to C, and an old version of an article
    naming A reverts to naming C."""
    logged_in(client)
    a = Topic.objects.create(name="Detainer requests", slug="detainer-requests")
    b = Topic.objects.create(name="Detainer holds", slug="detainer-holds")
    c = topic("ice-detainers")
    article = make_article(topics=[a])
    client.post(
        admin_url("article_change", article.pk),
        {
            "headline": "Renamed",
            "topics": [a.pk],
            "body": article.body,
            "date_precision": "day",
            "published_on": "2025-01-15",
        },
    )
    merge(client, "topic", [a, b], b)
    merge(client, "topic", [b, c], c)
    assert client.get("/topics/detainer-requests/")["Location"] == "/topics/ice-detainers/"
    assert client.get("/topics/detainer-holds/")["Location"] == "/topics/ice-detainers/"
    assert [t.slug for t in Article.objects.get(pk=article.pk).topics.all()] == ["ice-detainers"]

    oldest = Version.objects.get_for_object(article).last()
    client.post(admin_url("article_revert", article.pk, oldest.pk))
    article.refresh_from_db()
    assert article.headline != "Renamed"
    assert [t.slug for t in article.topics.all()] == ["ice-detainers"]


def test_renaming_a_slug_keeps_the_old_one_answering(client):
    logged_in(client)
    gerald = official("gerald-baker")
    data = {
        "name": gerald.name,
        "slug": "gerald-m-baker",
        "role": gerald.role,
        "agency": "",
        "jurisdiction": gerald.jurisdiction_id,
    }
    assert client.post(admin_url("official_change", gerald.pk), data).status_code == 302
    assert client.get("/officials/gerald-m-baker/").status_code == 200
    response = client.get("/officials/gerald-baker/")
    assert (response.status_code, response["Location"]) == (301, "/officials/gerald-m-baker/")
    # And back again: the live slug answers, the other one redirects.
    data["slug"] = "gerald-baker"
    client.post(admin_url("official_change", gerald.pk), data)
    assert client.get("/officials/gerald-baker/").status_code == 200
    assert client.get("/officials/gerald-m-baker/")["Location"] == "/officials/gerald-baker/"


def test_a_slug_still_leading_elsewhere_cannot_be_taken(client, sheriff_baker):
    logged_in(client)
    gerald = official("gerald-baker")
    merge(client, "official", [sheriff_baker, gerald], gerald)
    response = client.post(
        admin_url("official_add"), {"name": "Someone Else", "slug": "sheriff-baker"}
    )
    assert response.status_code == 200
    assert "is an old address of “Gerald Baker (Wake County Sheriff)” and still leads there" in (
        response.content.decode()
    )


def test_a_slug_must_be_unique(client):
    logged_in(client)
    response = client.post(
        admin_url("topic_add"), {"name": "Detainers again", "slug": "ice-detainers"}
    )
    assert response.status_code == 200
    assert "Topic with this Slug already exists." in response.content.decode()


def test_unknown_slugs_still_get_a_clear_answer(client):
    assert client.get("/officials/nobody-at-all/").status_code == 404
    response = client.get("/articles/", {"official": "nobody-at-all"})
    assert response.status_code == 200
    assert "There is no official “nobody-at-all”." in response.content.decode()


def test_retired_slugs_are_listed_for_editors(client, sheriff_baker, django_assert_max_num_queries):
    logged_in(client)
    merge(client, "official", [sheriff_baker, official("gerald-baker")], official("gerald-baker"))
    with django_assert_max_num_queries(12):
        html = client.get(admin_url("retiredslug_changelist")).content.decode()
    assert "/officials/sheriff-baker/" in html and "merged" in html


def test_every_view_of_the_list_resolves_an_old_slug(client, sheriff_baker):
    """The API, CSV and feed share ArticleFilter: a retired slug filters by its successor."""
    logged_in(client)
    gerald = official("gerald-baker")
    merge(client, "official", [sheriff_baker, gerald], gerald)
    old = ArticleFilter({"official": ["sheriff-baker"]}, queryset=Article.objects.all())
    new = ArticleFilter({"official": ["gerald-baker"]}, queryset=Article.objects.all())
    assert old.is_valid()
    assert old.retired_slugs() == {"official": {"sheriff-baker": "gerald-baker"}}
    assert list(old.qs) == list(new.qs) and len(new.qs) == 2


def test_an_old_slug_whose_tag_was_deleted_is_a_404(admin_client, client):
    gerald = official("gerald-baker")
    admin_client.post(
        admin_url("official_change", gerald.pk),
        {"name": gerald.name, "slug": "gerald-m-baker", "role": gerald.role},
    )
    assert client.get("/officials/gerald-baker/").status_code == 301
    Article.objects.filter(officials=gerald).delete()
    gerald.delete()
    assert client.get("/officials/gerald-baker/").status_code == 404
    response = client.get("/articles/", {"official": "gerald-baker"})
    assert response.status_code == 200
    assert "There is no official “gerald-baker”." in response.content.decode()


def test_undoing_a_rename_brings_the_old_slug_back(client):
    logged_in(client)
    gerald = official("gerald-baker")
    data = {"name": gerald.name, "slug": "gerald-m-baker", "role": gerald.role}
    client.post(admin_url("official_change", gerald.pk), data)
    change = Change.objects.exclude(comment=BASELINE_COMMENT).first()
    client.post(admin_url("change_undo", change.pk))
    assert client.get("/officials/gerald-baker/").status_code == 200
    assert client.get("/officials/gerald-m-baker/")["Location"] == "/officials/gerald-baker/"
    assert list(RetiredSlug.objects.values_list("slug", flat=True)) == ["gerald-m-baker"]
