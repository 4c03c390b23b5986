"""End to end in a real browser: what a reader and an editor see and do.

Debian's chromium, driven by Playwright, against the live server holding the seed archive.
"""

import re

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from playwright.sync_api import expect

from archive.models import Article

pytestmark = pytest.mark.browser

WAKE_COUNTY_ARTICLE = "ice-singles-out-north-carolina-county-for-shielding-illegal-alien-criminals"


@pytest.fixture
def page(browser, seeded_live_server):
    """A fresh tab with its own cookies, whose relative URLs point at the live server."""
    context = browser.new_context(base_url=seeded_live_server.url)
    page = context.new_page()
    yield page
    context.close()


def results_summary(count: int, query: str) -> re.Pattern:
    """The results heading, e.g. "2 articles matching “detainer”", for exactly this count."""
    return re.compile(rf"^\s*{count} articles? matching “{re.escape(query)}”")


def test_search_refine_by_outlet_and_read_an_article(page, artifacts_dir):
    """A reader searches from the home page, narrows by outlet and opens a marked-up result."""
    page.goto("/")
    page.get_by_role("searchbox", name="Search the archive").fill("detainer")
    page.get_by_role("button", name="Search").click()

    expect(page).to_have_url(re.compile(r"/articles/\?q=detainer$"))
    summary = page.locator("h2#results-heading")
    expect(summary).to_contain_text("matching “detainer”")
    cards = page.locator("article.card")
    expect(cards.first).to_be_visible()
    expect(page.locator(".card__snippet mark").first).to_be_visible()

    outlet = page.locator('.facet a[data-facet="outlet"]').first
    expect(outlet).to_be_visible()
    outlet_name = outlet.locator(".facet__name").inner_text().strip()
    outlet_count = int(outlet.locator(".facet__count").inner_text())
    outlet.click()

    expect(page).to_have_url(re.compile(r"[?&]outlet="))
    expect(summary).to_have_text(results_summary(outlet_count, "detainer"))
    expect(cards).to_have_count(outlet_count)
    expect(page.locator("ul.chips")).to_contain_text(outlet_name)
    expect(page.locator(".card__snippet mark").first).to_be_visible()
    page.screenshot(path=artifacts_dir / "search-results.png", full_page=True)

    headline = cards.first.locator(".card__headline a")
    headline_text = headline.inner_text()
    headline.click()

    expect(page).to_have_url(re.compile(r"/articles/[\w-]+/\?q=detainer$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(headline_text)
    expect(page.locator(".article__body mark").first).to_be_visible()
    raw_text = page.locator("details.raw-text")
    expect(raw_text.locator("summary")).to_have_text("Text as collected")
    raw_text.locator("summary").click()
    expect(raw_text.locator("pre")).to_be_visible()


def test_bad_input_is_explained_not_an_error_page(page):
    """An unknown place is reported on the page; a lone quote is an ordinary search."""
    response = page.goto("/articles/?jurisdiction=nowhere")
    assert response.status == 200
    expect(page.locator("div.errors")).to_contain_text("nowhere")
    expect(page.locator("h2#results-heading")).to_contain_text("No results")
    expect(page.locator("article.card")).to_have_count(0)

    response = page.goto("/articles/?q=%22")
    assert response.status == 200
    expect(page.locator("h2#results-heading")).to_contain_text('matching “"”')
    expect(page.get_by_role("searchbox", name="Search")).to_have_value('"')
    expect(page.locator("div.errors")).to_have_count(0)


def test_editor_tags_a_place_in_the_admin_and_the_public_pages_follow(page, artifacts_dir):
    """An editor adds a place with the autocomplete; the article then shows up under it."""
    get_user_model().objects.create_superuser("editor", "", "a-long-test-password-123")
    article = Article.objects.get(slug=WAKE_COUNTY_ARTICLE)
    place_results = "/articles/?jurisdiction=baltimore-county-md"

    page.goto(place_results)
    expect(page.locator("h2#results-heading")).to_be_visible()
    expect(page.get_by_role("link", name=article.headline, exact=True)).to_have_count(0)

    page.goto(reverse("admin:login"))
    page.get_by_label("Username").fill("editor")
    page.get_by_label("Password").fill("a-long-test-password-123")
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("button", name="Log out")).to_be_visible()

    page.goto(reverse("admin:archive_article_change", args=[article.pk]))
    places = page.locator(".field-jurisdictions")
    places.locator(".select2-selection").click()
    places.locator(".select2-search__field").fill("Baltimore")
    page.get_by_role("option", name="Baltimore County, MD", exact=True).click()
    expect(places.locator(".select2-selection__choice")).to_contain_text(["Baltimore County, MD"])
    page.screenshot(path=artifacts_dir / "admin-edit.png", full_page=True)
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator("ul.messagelist")).to_contain_text("was changed successfully")

    page.goto(place_results)
    expect(page.get_by_role("link", name=article.headline, exact=True)).to_be_visible()

    page.goto(article.get_absolute_url())
    tags = page.get_by_role("complementary", name="About this article")
    expect(tags.get_by_role("link", name="Baltimore County, MD", exact=True)).to_be_visible()


def test_a_stale_page_of_results_leads_back_to_its_first_page(page, artifacts_dir):
    """A bookmarked page of a search that has since shrunk is the archive's page, with a way on."""
    response = page.goto("/articles/?q=detainer&sort=newest&page=40")
    assert response.status == 404
    expect(page.get_by_role("heading", level=1)).to_have_text("Page not found")
    expect(page.locator("main")).to_contain_text("There is no page “40” of this list.")
    page.screenshot(path=artifacts_dir / "page-not-found.png", full_page=True)
    page.get_by_role("link", name="Go to the first page of the same list").click()

    expect(page).to_have_url(re.compile(r"/articles/\?q=detainer&sort=newest$"))
    expect(page.locator("h2#results-heading")).to_contain_text("matching “detainer”")
    expect(page.locator("article.card").first).to_be_visible()
