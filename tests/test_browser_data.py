"""In a real browser: a reader takes a search away as a feed, a CSV and JSON, and a developer
reads the API docs and tries a request from them.

Debian's chromium, driven by Playwright, against the live server holding the seed archive.
"""

import csv
import io
import re

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


@pytest.fixture
def page(browser, seeded_live_server):
    context = browser.new_context(base_url=seeded_live_server.url, accept_downloads=True)
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def problems(page) -> list[str]:
    """What went wrong while the page loaded: a script error, a resource refused by the
    Content-Security-Policy, or one that failed to load (the browser's own /favicon.ico
    request aside: the archive has none)."""
    found: list[str] = []

    def on_console(message):
        if message.type == "error" and "Content Security Policy" in message.text:
            found.append(message.text)

    def on_response(response):
        if response.status >= 400 and not response.url.endswith("/favicon.ico"):
            found.append(f"{response.status} {response.url}")

    page.on("console", on_console)
    page.on("pageerror", lambda error: found.append(str(error)))
    page.on("response", on_response)
    return found


def test_a_search_taken_away_as_csv_feed_and_json(page, artifacts_dir, problems):
    page.goto("/articles/?q=detainer&jurisdiction=maryland")
    summary = page.locator("h2#results-heading")
    count = int(re.match(r"\s*(\d+)", summary.inner_text()).group(1))
    assert count > 0
    headlines = page.locator("article.card .card__headline a").all_inner_texts()

    links = page.locator("p.data-links")
    expect(links).to_be_visible()
    page.screenshot(path=artifacts_dir / "data-links.png", full_page=True)

    with page.expect_download() as download_info:
        links.get_by_role("link", name=re.compile("CSV")).click()
    download = download_info.value
    assert download.suggested_filename == "articles.csv"
    text = download.path().read_bytes().decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text, newline="")))
    assert [row["headline"] for row in rows] == headlines

    feed_link = links.get_by_role("link", name="a feed of new articles")
    alternate = page.locator('head link[rel="alternate"][type="application/atom+xml"]')
    assert alternate.get_attribute("href") == feed_link.get_attribute("href")
    feed = page.request.get(feed_link.get_attribute("href"))
    assert feed.ok and feed.headers["content-type"].startswith("application/atom+xml")
    assert feed.text().count("<entry>") == count

    links.get_by_role("link", name="JSON").click()
    body = page.locator("body").inner_text()
    assert f'"count":{count}' in body.replace(" ", "") or f'"count": {count}' in body
    assert problems == []


def test_the_api_docs_page_runs_a_request(page, artifacts_dir, problems):
    page.goto("/articles/?q=detainer")
    page.locator("p.data-links").get_by_role("link", name="API").click()
    expect(page).to_have_url(re.compile(r"/api/docs/$"))
    expect(page.locator(".swagger-ui .title")).to_contain_text(
        "Immigration Enforcement News Archive API"
    )

    operation = page.locator("#operations-articles-articles_list")
    expect(operation).to_be_visible()
    operation.locator(".opblock-summary").click()
    operation.get_by_role("button", name="Try it out").click()
    operation.locator('tr[data-param-name="q"] input').fill("detainer")
    operation.get_by_role("button", name="Execute").click()
    status = operation.locator(".live-responses-table tbody .response-col_status")
    expect(status.first).to_contain_text("200")
    expect(
        operation.locator(".live-responses-table .response-col_description pre").first
    ).to_contain_text('"facets"')
    page.screenshot(path=artifacts_dir / "api-docs.png", full_page=True)
    assert problems == []
