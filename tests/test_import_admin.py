"""The admin's import page and the review of suggestions, through the real admin views."""

import hashlib
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from archive.importing.models import ImportRun
from archive.models import Article
from archive.suggestions.engine import ArticleText, Suggester, store
from archive.suggestions.models import Suggestion, SuggestionStatus
from tests.factories import make_article

pytestmark = pytest.mark.django_db
SEEDS = Path(__file__).resolve().parent.parent / "fixtures" / "seeds"
UPLOAD = reverse("admin:archive_importrun_add")
SUGGESTIONS = reverse("admin:archive_suggestion_changelist")


def upload(name: str, text: str | bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, text.encode() if isinstance(text, str) else text)


def with_suggestions(headline: str, body: str) -> Article:
    article = make_article(headline, body)
    store(article, Suggester().suggest(ArticleText(text=body)))
    return article


def test_uploading_files_and_pasting_a_text_imports_them_and_shows_the_report(admin_client):
    seed = (SEEDS / "003_b7e2cc0628a419ed.txt").read_bytes()
    Article.objects.filter(sha256=hashlib.sha256(seed).hexdigest()).delete()
    response = admin_client.post(
        UPLOAD,
        {
            "files": [
                upload("wake.txt", seed),
                upload("sheet.csv", "headline,raw_text\n,No headline\n"),
                upload("photo.jpg", b"\xff\xd8\xff\xe0"),
            ],
            "text": "Hartford jail ignored detainer\n\nThe Hartford Correctional Center in "
            "Connecticut released the man, ICE said.",
        },
    )
    run = ImportRun.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("admin:archive_importrun_change", args=[run.pk])
    assert (run.origin, run.user.username) == ("admin", "admin")
    assert (run.created, run.failed) == (2, 2)

    page = admin_client.get(response.url).content.decode()
    assert "Import finished: 2 created, 0 updated, 0 unchanged, 0 duplicates, 2 failed." in page
    assert "sheet.csv, row 2" in page
    assert "no headline" in page
    assert "unsupported file type &#x27;.jpg&#x27;" in page
    assert "jurisdiction: wake-county-nc" in page
    assert "official: Matt Albence" in page
    assert 'id="review-suggestions"' in page

    pasted = Article.objects.get(headline="Hartford jail ignored detainer")
    assert pasted.raw_text.startswith("Hartford jail ignored detainer\n\nThe Hartford")
    assert {s.jurisdiction.slug for s in pasted.suggestions.all()} == {"hartford-ct"}


def test_a_dry_run_upload_shows_what_would_happen_and_writes_nothing(admin_client):
    articles = Article.objects.count()
    response = admin_client.post(
        UPLOAD,
        {
            "text": "Wake County ends holds\n\nWake County Sheriff Gerald Baker spoke.",
            "dry_run": "on",
        },
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "Dry run, nothing written: would be 1 created" in page
    assert "jurisdiction: wake-county-nc" in page
    assert Article.objects.count() == articles
    assert not ImportRun.objects.exists()


def test_the_upload_form_asks_for_something_to_import(admin_client):
    page = admin_client.get(UPLOAD).content.decode()
    assert 'type="file" name="files"' in page
    assert "multiple" in page
    response = admin_client.post(UPLOAD, {"text": "   "})
    assert response.status_code == 200
    assert "Choose at least one file or paste a text." in response.content.decode()


def test_importing_needs_the_right_to_add_articles(client):
    assert client.get(UPLOAD).status_code == 302  # to the login page
    editor = get_user_model().objects.create_user("viewer", password="x", is_staff=True)
    editor.user_permissions.add(Permission.objects.get(codename="view_importrun"))
    client.force_login(editor)
    assert client.get(UPLOAD).status_code == 403
    assert client.post(UPLOAD, {"text": "A text"}).status_code == 403
    assert not ImportRun.objects.exists()


def test_a_suggestion_is_confirmed_from_its_row_and_the_editor_returns_to_the_list(
    admin_client, client
):
    article = with_suggestions("Kestrel holds end", "Wake County Sheriff Gerald Baker spoke.")
    wake = article.suggestions.get(kind="jurisdiction")
    decide = reverse("admin:archive_suggestion_decide", args=[wake.pk])

    page = admin_client.get(SUGGESTIONS).content.decode()
    assert f'formaction="{decide}"' in page
    assert "Wake County, NC" in page

    back = f"http://testserver{SUGGESTIONS}?kind__exact=jurisdiction"
    response = admin_client.post(decide, {"decision": "confirm"}, HTTP_REFERER=back)
    assert response.status_code == 302
    assert response.url == back
    wake.refresh_from_db()
    assert wake.status == SuggestionStatus.CONFIRMED
    assert wake.decided_by.username == "admin"
    listing = client.get("/articles/", {"jurisdiction": "wake-county-nc"}).content.decode()
    assert "Kestrel holds end" in listing

    baker = article.suggestions.get(kind="official")
    response = admin_client.post(
        reverse("admin:archive_suggestion_decide", args=[baker.pk]),
        {"decision": "reject"},
        HTTP_REFERER="https://elsewhere.example/",
    )
    assert response.url == SUGGESTIONS  # never sent off-site
    baker.refresh_from_db()
    assert baker.status == SuggestionStatus.REJECTED
    assert not article.officials.exists()


def test_deciding_needs_a_post_and_a_pending_suggestion(admin_client):
    article = with_suggestions("Kestrel", "Wake County ended it.")
    suggestion = article.suggestions.get()
    url = reverse("admin:archive_suggestion_decide", args=[suggestion.pk])
    assert admin_client.get(url).status_code == 405
    admin_client.post(url, {"decision": "reject"})
    response = admin_client.post(url, {"decision": "confirm"}, follow=True)
    assert "was already rejected" in response.content.decode()
    assert not article.jurisdictions.exists()
    response = admin_client.post(
        reverse("admin:archive_suggestion_decide", args=[999999]), {"decision": "confirm"}
    )
    assert response.status_code == 404


def test_suggestions_are_confirmed_or_rejected_in_bulk(admin_client):
    first = with_suggestions("Kestrel one", "Wake County Sheriff Gerald Baker spoke.")
    second = with_suggestions("Kestrel two", "Baltimore County and Hartford acted.")
    suggestions = Suggestion.objects.filter(article__in=[first, second]).order_by("pk")
    ids = list(suggestions.values_list("pk", flat=True))  # Wake, Baker, Baltimore County, Hartford
    response = admin_client.post(
        SUGGESTIONS, {"action": "confirm_selected", "_selected_action": ids[:3]}, follow=True
    )
    assert "Confirmed 3 suggestions." in response.content.decode()
    response = admin_client.post(
        SUGGESTIONS, {"action": "reject_selected", "_selected_action": ids}, follow=True
    )
    assert "Rejected 1 suggestion." in response.content.decode()
    assert [p.slug for p in first.jurisdictions.all()] == ["wake-county-nc"]
    assert [p.slug for p in second.jurisdictions.all()] == ["baltimore-county-md"]
    assert first.officials.count() == 1
    statuses = list(Suggestion.objects.filter(pk__in=ids).values_list("status", flat=True))
    assert statuses.count("confirmed") == 3
    assert statuses.count("rejected") == 1


def test_the_review_list_shows_pending_first_and_filters_by_status(admin_client):
    article = with_suggestions("Kestrel", "Wake County and Hartford acted.")
    hartford = article.suggestions.get(jurisdiction__slug="hartford-ct")
    admin_client.post(
        reverse("admin:archive_suggestion_decide", args=[hartford.pk]),
        {"decision": "reject"},
        follow=True,  # the confirmation message is shown, and done with
    )
    pending = admin_client.get(SUGGESTIONS).content.decode()
    assert "Wake County, NC" in pending
    assert "Hartford, CT" not in pending
    rejected = admin_client.get(SUGGESTIONS, {"status": "rejected"}).content.decode()
    assert "Hartford, CT" in rejected
    assert "Wake County, NC" not in rejected
    everything = admin_client.get(SUGGESTIONS, {"status": "all"}).content.decode()
    assert "Hartford, CT" in everything and "Wake County, NC" in everything
    mine = admin_client.get(SUGGESTIONS, {"article__id__exact": article.pk, "status": "all"})
    assert mine.status_code == 200


def test_the_article_page_lists_its_suggestions_and_still_saves_as_before(admin_client):
    article = with_suggestions("Kestrel", "Wake County Sheriff Gerald Baker spoke.")
    url = reverse("admin:archive_article_change", args=[article.pk])
    page = admin_client.get(url).content.decode()
    assert 'id="tag-suggestions"' in page
    assert "Tag suggestions (2 pending)" in page
    assert "Wake County Sheriff Gerald Baker spoke." in page


def test_evidence_is_escaped(admin_client):
    article = with_suggestions("Kestrel", "Wake County <script>alert(1)</script> ended it.")
    page = admin_client.get(SUGGESTIONS).content.decode()
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    article_page = admin_client.get(
        reverse("admin:archive_article_change", args=[article.pk])
    ).content.decode()
    assert "<script>alert(1)</script>" not in article_page


def count_queries(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries.captured_queries)


def test_review_and_run_lists_take_a_fixed_number_of_queries(admin_client):
    lists = [SUGGESTIONS, reverse("admin:archive_importrun_changelist")]
    with_suggestions("Kestrel 0", "Wake County Sheriff Gerald Baker spoke.")
    admin_client.post(UPLOAD, {"text": "Hartford story\n\nHartford, Connecticut acted."})
    before = [count_queries(admin_client, url) for url in lists]
    for n in range(1, 30):
        with_suggestions(f"Kestrel {n}", "Wake County Sheriff Gerald Baker and Mayor Ann Lee.")
        admin_client.post(UPLOAD, {"text": f"Story {n}\n\nHartford, Connecticut acted, {n}."})
    assert Suggestion.objects.count() > 60
    after = [count_queries(admin_client, url) for url in lists]
    assert after == before
    assert max(after) <= 12
