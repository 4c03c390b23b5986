"""Browsing by place in a real browser: the map is clicked, the search is typed into.

Debian's chromium, driven by Playwright, against the live server holding the seed archive.
"""

import re

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

VIEWPORT = {"width": 1280, "height": 900}
# Baltimore County surrounds the city of Baltimore: its bounding box's centre is the city.
# The point clicked is one where the county itself is what the browser hits.
POINT_INSIDE = """([selector, x0, y0, width, height]) => {
  for (let i = 1; i < 24; i++) for (let j = 1; j < 24; j++) {
    const x = x0 + width * i / 24, y = y0 + height * j / 24;
    const hit = document.elementFromPoint(x, y);
    if (hit && hit.closest(selector)) return [x, y];
  }
  return null;
}"""


def open_page(browser, server, *, javascript: bool = True):
    context = browser.new_context(
        base_url=server.url, viewport=VIEWPORT, java_script_enabled=javascript
    )
    return context, context.new_page()


def test_clicking_baltimore_county_on_the_map_opens_its_page(
    browser, seeded_live_server, artifacts_dir
):
    context, page = open_page(browser, seeded_live_server)
    page.goto("/jurisdictions/")
    county = page.get_by_role("link", name="Baltimore County, MD: 2 articles")
    expect(county).to_be_visible()
    expect(page.locator(".map-legend")).to_contain_text("no articles")
    page.locator(".map-panel").screenshot(path=artifacts_dir / "places-map.png")

    box = county.bounding_box()
    selector = 'a[data-fips="24005"]'
    point = page.evaluate(POINT_INSIDE, [selector, box["x"], box["y"], box["width"], box["height"]])
    assert point is not None
    inside = {"x": point[0] - box["x"], "y": point[1] - box["y"]}
    county.click(position=inside)

    expect(page).to_have_url(re.compile(r"/jurisdictions/baltimore-county-md/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Baltimore County, MD")
    expect(page.locator("#articles-heading")).to_have_text("2 articles")
    expect(page.locator(".timeline__chart")).to_be_visible()
    expect(page.locator(".facet--map .is-current")).to_have_count(1)
    page.screenshot(path=artifacts_dir / "place-page.png", full_page=True)
    context.close()

    # The same click with scripts turned off: the map is plain SVG links.
    context, page = open_page(browser, seeded_live_server, javascript=False)
    page.goto("/jurisdictions/")
    county = page.get_by_role("link", name="Baltimore County, MD: 2 articles")
    expect(county).to_be_visible()
    county.click(position=inside)
    expect(page).to_have_url(re.compile(r"/jurisdictions/baltimore-county-md/$"))
    context.close()


def test_a_reader_finds_a_county_by_name_and_opens_its_state(browser, seeded_live_server):
    context, page = open_page(browser, seeded_live_server)
    page.goto("/jurisdictions/")
    page.get_by_role("searchbox", name="Find a place").fill("wake")
    page.get_by_role("button", name="Find").click()

    expect(page).to_have_url(re.compile(r"/jurisdictions/\?q=wake$"))
    found = page.locator(".found-list")
    expect(found.get_by_role("link").first).to_have_text("Wake County, NC")
    found.get_by_role("link", name="Wake County, NC").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Wake County, NC")
    page.get_by_role("navigation", name="Breadcrumbs").get_by_role(
        "link", name="North Carolina"
    ).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("North Carolina")
    quiet = page.locator("details.children-quiet")
    expect(quiet.locator("summary")).to_contain_text("99 more without articles")
    quiet.locator("summary").click()
    expect(quiet.get_by_role("link", name="Durham County")).to_be_visible()
    context.close()


def test_a_state_expands_to_its_places_with_articles(browser, seeded_live_server):
    context, page = open_page(browser, seeded_live_server)
    page.goto("/jurisdictions/")
    maryland = page.locator(
        "li.state-list__item", has=page.locator('a[href="/jurisdictions/maryland/"]')
    )
    places = maryland.locator(".state-list__places")
    expect(places).to_be_hidden()
    maryland.locator("summary .count").click()
    expect(places).to_be_visible()
    expect(places.get_by_role("link")).to_have_text(
        ["Baltimore County", "Montgomery County", "Baltimore"]
    )
    context.close()
