"""History and revert through the real admin views: every change kept, readable, undoable."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from reversion.models import Version

from archive.history import BASELINE_COMMENT
from archive.models import Article, Change
from tests.desk import action, admin_url, logged_in, messages_of
from tests.factories import make_article, official, place, topic
from tests.test_admin import change_form_data, result_count

pytestmark = pytest.mark.django_db

WAKE = "ice-singles-out-north-carolina-county-for-shielding-illegal-alien-criminals"


def wake() -> Article:
    return Article.objects.get(slug=WAKE)


def edit(client, article: Article, **overrides):
    return client.post(
        admin_url("article_change", article.pk), change_form_data(article, **overrides)
    )


def revert_buttons(html: str) -> list[str]:
    return re.findall(r'<form method="post" action="([^"]+/revert/)">', html)


def test_an_edit_is_kept_with_who_when_and_a_readable_diff(client):
    user = logged_in(client)
    article = wake()
    county = place("baltimore-county-md")
    places = [p.pk for p in article.jurisdictions.all()] + [county.pk]
    assert (
        edit(client, article, jurisdictions=places, headline="ICE singles out Wake").status_code
        == 302
    )

    versions = Version.objects.get_for_object(article).select_related("revision")
    assert [v.revision.comment for v in versions][1] == BASELINE_COMMENT  # the state before
    latest = versions[0]
    assert latest.revision.user == user
    assert county.pk in latest.field_dict["jurisdictions"]

    html = client.get(admin_url("article_history", article.pk)).content.decode()
    assert "ana" in html
    assert "<ins>+ Baltimore County, MD</ins>" in html
    assert "<dt>Headline</dt>" in html and "<ins>ICE singles out Wake</ins>" in html
    assert "Earliest recorded state." in html
    assert len(revert_buttons(html)) == 1  # the earlier version; the current one has none


def test_revert_brings_tags_back_and_is_itself_recorded(client):
    logged_in(client)
    article = wake()
    assert result_count(client, jurisdiction="wake-county-nc") == 1
    # Taking a place off an article is an ordinary edit, and it can be undone.
    assert edit(client, article, jurisdictions=[]).status_code == 302
    assert result_count(client, jurisdiction="wake-county-nc") == 0

    history = client.get(admin_url("article_history", article.pk)).content.decode()
    assert "<del>− Wake County, NC</del>" in history
    [revert] = revert_buttons(history)
    response = client.post(revert, follow=True)
    assert any("is back to its version of" in m for m in messages_of(response))

    assert [p.slug for p in wake().jurisdictions.all()] == ["wake-county-nc"]
    assert result_count(client, jurisdiction="wake-county-nc") == 1
    comments = [v.revision.comment for v in Version.objects.get_for_object(article)]
    assert comments[0].startswith("Reverted “ICE Singles Out")
    assert len(comments) == 3  # as found, the edit, the revert


def test_revert_needs_a_post_and_the_right_to_change(client):
    logged_in(client)
    article = wake()
    edit(client, article, headline="Changed once")
    version = Version.objects.get_for_object(article).last()
    url = admin_url("article_revert", article.pk, version.pk)
    assert client.get(url).status_code == 405
    client.logout()
    logged_in(client, "vic", role="viewer")
    assert client.post(url).status_code == 403
    assert wake().headline == "Changed once"
    html = client.get(admin_url("article_history", article.pk)).content.decode()
    assert "Changed once" in html and not revert_buttons(html)


def test_a_version_of_another_object_is_not_accepted(client):
    logged_in(client)
    article, other = wake(), Article.objects.exclude(slug=WAKE).first()
    edit(client, other, headline="Other headline")
    foreign = Version.objects.get_for_object(other).first()
    assert client.post(admin_url("article_revert", article.pk, foreign.pk)).status_code == 404


def test_history_escapes_what_was_typed(client):
    logged_in(client)
    article = wake()
    edit(client, article, headline="<script>alert(1)</script> & more", body="<b>bold</b> body")
    html = client.get(admin_url("article_history", article.pk)).content.decode()
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; more" in html
    assert "&lt;b&gt;bold&lt;/b&gt;" in html


def test_a_long_body_edit_shows_the_changed_words_in_context(client):
    logged_in(client)
    article = wake()
    words = article.body.split()
    original, words[40] = words[40], "REPLACED"
    edit(client, article, body=" ".join(words))
    html = client.get(admin_url("article_history", article.pk)).content.decode()
    diff = re.search(r'<span class="text-diff">(.*?)</span>', html, re.S).group(1)
    assert f"<del>{original}</del>" in diff
    assert "<ins>REPLACED</ins>" in diff
    assert "…" in diff and len(diff) < 600  # context, not the whole article


def test_nothing_saved_twice_when_nothing_changed(client):
    logged_in(client)
    article = wake()
    edit(client, article, headline="Once")
    edit(client, wake())
    assert Version.objects.get_for_object(article).count() == 2


def test_recent_changes_lists_edits_across_the_archive(client, django_assert_max_num_queries):
    logged_in(client)
    edit(client, wake(), headline="Edited headline")
    gerald = official("gerald-baker")
    client.post(
        admin_url("official_change", gerald.pk),
        {
            "name": "Gerald M. Baker",
            "slug": gerald.slug,
            "role": gerald.role,
            "agency": "",
            "jurisdiction": gerald.jurisdiction_id,
        },
    )
    url = admin_url("change_changelist")
    with django_assert_max_num_queries(20):
        html = client.get(url).content.decode()
    assert "Edited headline" in html and "Gerald M. Baker" in html
    assert BASELINE_COMMENT not in html  # states "as found" are in each object's history only
    assert html.count('class="button" href="/admin/archive/change/') == 2

    for n in range(15):  # more changes add no queries
        edit(client, wake(), headline=f"Headline {n}")
    with django_assert_max_num_queries(20):
        assert client.get(url).status_code == 200


def test_history_page_queries_do_not_grow_with_versions(client, django_assert_max_num_queries):
    logged_in(client)
    article = wake()
    for n in range(3):
        edit(client, wake(), headline=f"Headline {n}", topics=[topic("ice-arrests").pk])
    url = admin_url("article_history", article.pk)
    with CaptureQueriesContext(connection) as few:
        assert client.get(url).status_code == 200
    queries = len(few)  # now: the log is cleared by the next request
    assert queries <= 15
    for n in range(10):
        edit(client, wake(), headline=f"More {n}", topics=[topic("ice-detainers").pk] * (n % 2))
    with django_assert_max_num_queries(queries):
        assert "More 9" in client.get(url).content.decode()


def test_undo_a_bulk_action_from_recent_changes(client):
    logged_in(client)
    articles = list(Article.objects.all()[:3])
    topic_id = topic("state-sanctuary-laws").pk
    action(client, "article", "add_tags", articles, apply="yes", topics=[topic_id])
    assert result_count(client, topic="state-sanctuary-laws") == 3
    change = Change.objects.exclude(comment=BASELINE_COMMENT).first()
    confirm = client.get(admin_url("change_undo", change.pk)).content.decode()
    assert "Returned to how they were before" in confirm
    response = client.post(admin_url("change_undo", change.pk), follow=True)
    assert any(m.startswith("Undone: Added") for m in messages_of(response))
    assert result_count(client, topic="state-sanctuary-laws") == 1


def test_undo_is_refused_once_the_object_changed_again(client):
    logged_in(client)
    edit(client, wake(), headline="First edit")
    first = Change.objects.exclude(comment=BASELINE_COMMENT).first()
    edit(client, wake(), headline="Second edit")
    html = client.get(admin_url("change_undo", first.pk)).content.decode()
    assert "has changed since; revert it from its own history" in html
    client.post(admin_url("change_undo", first.pk))
    assert wake().headline == "Second edit"


def test_undoing_an_addition_is_not_offered(client):
    logged_in(client)
    response = client.post(
        admin_url("topic_add"), {"name": "Jail contracts", "slug": "jail-contracts"}
    )
    assert response.status_code == 302
    added = Change.objects.first()
    html = client.get(admin_url("change_undo", added.pk)).content.decode()
    assert "undoing an addition is not offered" in html


def test_a_superusers_delete_of_a_tag_is_recorded_with_the_articles_it_left(admin_client):
    article = make_article(topics=[topic("ice-arrests")])
    ice_arrests = topic("ice-arrests")
    url = admin_url("topic_delete", ice_arrests.pk)
    assert admin_client.post(url, {"post": "yes"}).status_code == 302
    assert not article.topics.exists()
    deleted = Version.objects.get_deleted(type(ice_arrests))
    assert [v.object_repr for v in deleted] == ["ICE arrests"]
    change = Change.objects.first()
    assert change.get_comment() == "Deleted “ICE arrests”."


def test_a_viewer_cannot_undo(client):
    logged_in(client)
    edit(client, wake(), headline="Edited")
    change = Change.objects.exclude(comment=BASELINE_COMMENT).first()
    client.logout()
    logged_in(client, "vic", role="viewer")
    assert client.get(admin_url("change_changelist")).status_code == 200
    assert client.post(admin_url("change_undo", change.pk)).status_code == 403
    assert wake().headline == "Edited"


def test_a_deleted_article_can_be_recovered_with_its_tags(admin_client, client):
    article = wake()
    tags = {p.slug for p in article.jurisdictions.all()}
    admin_client.post(admin_url("article_delete", article.pk), {"post": "yes"})
    assert not Article.objects.filter(slug=WAKE).exists()
    assert client.get(f"/articles/{WAKE}/").status_code == 404

    recover_list = admin_client.get(admin_url("article_recoverlist")).content.decode()
    assert article.headline in recover_list
    [version] = Version.objects.get_deleted(Article)
    confirm = admin_client.get(admin_url("article_recover", version.pk)).content.decode()
    assert "Recover it" in confirm
    response = admin_client.post(admin_url("article_recover", version.pk))
    assert response["Location"] == admin_url("article_change", article.pk)
    assert {p.slug for p in wake().jurisdictions.all()} == tags
    assert client.get(f"/articles/{WAKE}/").status_code == 200


def test_the_whole_revision_form_of_the_library_leads_to_the_history(client):
    logged_in(client)
    edit(client, wake(), headline="Edited")
    version = Version.objects.get_for_object(wake()).first()
    response = client.get(f"/admin/archive/article/{wake().pk}/history/{version.pk}/")
    assert response["Location"] == admin_url("article_history", wake().pk)
