"""Error pages look like the archive, say what happened and offer a way on.

A broken citation or a bookmarked page of results that has since shrunk are a reader's most
common dead ends; they get the site's own page, through Django's real error handlers.
"""

import pytest
from django.test import Client, RequestFactory
from django.views.defaults import server_error
from pytest_django.asserts import assertTemplateUsed

import archive.views
from tests.desk import logged_in
from tests.factories import make_article, topic

pytestmark = pytest.mark.django_db


def test_an_unknown_address_offers_search_and_the_browse_pages(client):
    response = client.get("/articles/no-such-article/")
    assert response.status_code == 404
    assertTemplateUsed(response, "404.html")
    html = response.content.decode()
    assert "<h1>Page not found</h1>" in html
    assert '<form class="error-search" action="/articles/"' in html
    for browse in ("/articles/", "/jurisdictions/", "/outlets/", "/officials/", "/topics/"):
        assert f'href="{browse}"' in html
    assert html.count('role="search"') == 1  # the page's own search box, not the header's too


def test_a_page_past_the_end_links_to_the_first_page_of_the_same_search(client):
    response = client.get("/articles/", {"q": "detainer", "sort": "newest", "page": "99"})
    assert response.status_code == 404
    html = response.content.decode()
    assert "There is no page “99” of this list." in html
    assert 'href="/articles/?q=detainer&amp;sort=newest">Go to the first page' in html

    first = client.get("/articles/", {"q": "detainer", "sort": "newest"})
    assert first.status_code == 200


def test_a_tag_page_past_the_end_links_to_the_tag_page(client):
    make_article("One more on sanctuary laws", topics=[topic("state-sanctuary-laws")])
    response = client.get("/topics/state-sanctuary-laws/", {"page": "7"})
    assert response.status_code == 404
    html = response.content.decode()
    assert 'href="/topics/state-sanctuary-laws/?">Go to the first page' in html


def test_a_malformed_page_number_is_shown_escaped(client):
    html = client.get("/articles/", {"page": "<b>2</b>"}).content.decode()
    assert "<b>2</b>" not in html
    assert "There is no page “&lt;b&gt;2&lt;/b&gt;” of this list." in html


def test_a_server_error_is_the_archives_page_without_details(monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("secret internals")

    monkeypatch.setattr(archive.views.ArticleDetailView, "get_context_data", broken)
    client = Client(raise_request_exception=False)
    slug = "ice-singles-out-north-carolina-county-for-shielding-illegal-alien-criminals"
    response = client.get(f"/articles/{slug}/")
    assert response.status_code == 500
    html = response.content.decode()
    assert "<h1>Something went wrong</h1>" in html
    assert "secret internals" not in html and "Traceback" not in html
    assert 'href="/articles/"' in html  # the site's navigation


def test_a_bad_host_gets_the_archives_bad_request_page(client):
    response = client.get("/", HTTP_HOST="not-this-site.example")
    assert response.status_code == 400
    html = response.content.decode()
    assert "<h1>Bad request</h1>" in html
    assert "not-this-site.example" not in html


def test_a_form_sent_without_its_token_says_how_to_send_it_again():
    client = Client(enforce_csrf_checks=True)
    response = client.post("/admin/login/", {"username": "x", "password": "y"})
    assert response.status_code == 403
    html = response.content.decode()
    assert "<h1>This form could not be sent</h1>" in html
    assert "reload the page" in html


def test_an_editor_without_the_permission_gets_the_archives_refusal(client):
    logged_in(client, "reader", role="viewer")
    response = client.get("/admin/archive/article/add/")
    assert response.status_code == 403
    assertTemplateUsed(response, "403.html")
    assert "<h1>Not allowed</h1>" in response.content.decode()


def test_the_server_error_page_reads_nothing_from_the_database(django_assert_num_queries):
    """It is also what a reader sees when the database is the thing that failed."""
    with django_assert_num_queries(0):
        response = server_error(RequestFactory().get("/articles/"))
    assert response.status_code == 500
    assert "<h1>Something went wrong</h1>" in response.content.decode()
