"""An editor at the desk, in a real browser: tag a place, see the public pages follow, revert.

Debian's chromium, driven by Playwright, against the live server holding the seed archive.
"""

import re
from importlib import import_module

import pytest
from django.contrib.auth.models import Group
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from playwright.sync_api import expect

from archive.models import Article, Official
from tests.desk import PASSWORD, staff

pytestmark = pytest.mark.browser

WAKE_COUNTY_ARTICLE = "ice-singles-out-north-carolina-county-for-shielding-illegal-alien-criminals"
COUNTY = "baltimore-county-md"
GROUPS_MIGRATION = ("archive", "0003_editor_and_viewer_groups")


@pytest.fixture
def page(browser, seeded_live_server):
    context = browser.new_context(base_url=seeded_live_server.url)
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def editor(seeded_live_server):
    """An account in the Editor group. Live-server tests empty the database after them, groups
    included; the groups are then made again by the migration's own code."""
    if not Group.objects.filter(name="Editor").exists():
        state = MigrationExecutor(connection).loader.project_state(GROUPS_MIGRATION)
        import_module(f"archive.migrations.{GROUPS_MIGRATION[1]}").create_groups(state.apps, None)
    return staff("ana", "editor")


def county_facet_count(page) -> int:
    """The number beside Baltimore County in the list's place facet."""
    page.goto("/articles/")
    link = page.locator(f'.facet a[data-facet="jurisdiction"][data-value="{COUNTY}"]')
    return int(link.locator(".facet__count").inner_text())


def test_editor_tags_a_county_then_reverts_it_from_the_history(page, editor, artifacts_dir):
    article = Article.objects.get(slug=WAKE_COUNTY_ARTICLE)
    before = county_facet_count(page)
    page.goto(f"/articles/?jurisdiction={COUNTY}")
    expect(page.get_by_role("link", name=article.headline, exact=True)).to_have_count(0)

    page.goto("/admin/login/")
    page.get_by_label("Username").fill("ana")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("button", name="Log out")).to_be_visible()

    # Open the article from the admin's list, as an editor would.
    page.get_by_role("link", name="Articles", exact=True).first.click()
    page.get_by_role("link", name=article.headline, exact=True).click()
    places = page.locator(".field-jurisdictions")
    places.locator(".select2-selection").click()
    places.locator(".select2-search__field").fill("Baltimore")
    option = page.get_by_role("option", name="Baltimore County, MD", exact=True)
    expect(page.locator(".select2-results__option")).to_have_count(2)  # the county, the city
    option.click()
    expect(places.locator(".select2-selection__choice")).to_contain_text(["Baltimore County, MD"])
    page.screenshot(path=artifacts_dir / "editor-autocomplete.png", full_page=True)
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator("ul.messagelist")).to_contain_text("was changed successfully")

    page.goto(article.get_absolute_url())
    about = page.get_by_role("complementary", name="About this article")
    expect(about.get_by_role("link", name="Baltimore County, MD", exact=True)).to_be_visible()
    page.screenshot(path=artifacts_dir / "editor-public-page-tagged.png", full_page=True)
    assert county_facet_count(page) == before + 1
    page.goto(f"/articles/?jurisdiction={COUNTY}")
    expect(page.get_by_role("link", name=article.headline, exact=True)).to_be_visible()

    # The history shows who added what; one click puts the earlier version back.
    page.goto(f"/admin/archive/article/{article.pk}/change/")
    page.get_by_role("link", name="History").click()
    latest = page.locator("tr.history-entry").first
    expect(latest).to_contain_text("ana")
    expect(latest.locator("ins")).to_have_text("+ Baltimore County, MD")
    page.screenshot(path=artifacts_dir / "editor-history.png", full_page=True)
    page.locator("tr.history-entry").nth(1).get_by_role(
        "button", name="Revert to this version"
    ).click()
    expect(page.locator("ul.messagelist")).to_contain_text("is back to its version of")
    expect(page.locator("tr.history-entry").first).to_contain_text(re.compile("Reverted"))
    expect(page.locator("tr.history-entry").first.locator("del")).to_have_text(
        "− Baltimore County, MD"
    )
    page.screenshot(path=artifacts_dir / "editor-history-reverted.png", full_page=True)

    page.goto(article.get_absolute_url())
    about = page.get_by_role("complementary", name="About this article")
    expect(about.get_by_role("link", name="Wake County, NC", exact=True)).to_be_visible()
    expect(about.get_by_role("link", name="Baltimore County, MD", exact=True)).to_have_count(0)
    assert county_facet_count(page) == before
    page.goto(f"/articles/?jurisdiction={COUNTY}")
    expect(page.get_by_role("link", name=article.headline, exact=True)).to_have_count(0)


def test_editor_tags_several_articles_merges_a_duplicate_and_undoes_it(page, editor, artifacts_dir):
    """The bulk action's autocomplete, a merge's confirmation page, and undo in recent changes."""
    baker = Official.objects.create(name="Sheriff Baker", slug="sheriff-baker", role="Sheriff")
    page.goto("/admin/login/")
    page.get_by_label("Username").fill("ana")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()

    page.goto("/admin/archive/article/")
    page.locator("#action-toggle").check()
    page.locator("select[name=action]").select_option("add_tags")
    page.get_by_role("button", name="Run").click()
    expect(page.get_by_role("heading", name="Add tags to the selected articles")).to_be_visible()
    topics = page.locator(".field-topics")
    topics.locator(".select2-selection").click()
    topics.locator(".select2-search__field").fill("state")
    page.get_by_role("option", name="State sanctuary laws", exact=True).click()
    page.screenshot(path=artifacts_dir / "editor-bulk-add.png", full_page=True)
    page.get_by_role("button", name="Add to these articles").click()
    expect(page.locator("ul.messagelist")).to_contain_text("4 of 5 selected articles changed")

    page.goto("/admin/archive/official/?q=baker")
    page.locator("#action-toggle").check()
    page.locator("select[name=action]").select_option("merge_selected")
    page.get_by_role("button", name="Run").click()
    page.get_by_role("radio", name=re.compile("Gerald Baker")).check()
    page.screenshot(path=artifacts_dir / "editor-merge.png", full_page=True)
    page.get_by_role("button", name="Merge").click()
    expect(page.locator("ul.messagelist")).to_contain_text("Merged “Sheriff Baker” into")
    response = page.goto("/officials/sheriff-baker/")
    assert response.url.endswith("/officials/gerald-baker/")

    page.goto("/admin/archive/change/")
    expect(page.locator("#result_list tbody tr")).to_have_count(2)
    page.screenshot(path=artifacts_dir / "editor-recent-changes.png", full_page=True)
    page.locator("#result_list tbody tr").first.get_by_role("link", name="Undo…").click()
    expect(page.get_by_role("heading", name="Brought back")).to_be_visible()
    page.get_by_role("button", name="Undo this change").click()
    expect(page.locator("ul.messagelist")).to_contain_text("Undone: Merged “Sheriff Baker”")
    assert page.goto("/officials/sheriff-baker/").status == 200
    assert Official.objects.get(slug="sheriff-baker").pk == baker.pk


def test_editor_finds_an_article_by_search_then_narrows_by_state_and_year(
    page, editor, artifacts_dir
):
    """The desk's search box takes the public search's syntax; the filters are a click each."""
    page.goto("/admin/login/")
    page.get_by_label("Username").fill("ana")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()

    page.goto("/admin/archive/article/")
    page.locator("#searchbar").fill('ice -"shielding illegal"')
    page.get_by_role("button", name="Search").click()
    expect(page.locator("#result_list tbody tr")).to_have_count(4)
    page.locator("#searchbar").fill("shielding")
    page.get_by_role("button", name="Search").click()
    rows = page.locator("#result_list tbody tr")
    expect(rows).to_have_count(1)
    expect(rows).to_contain_text("ICE Singles Out North Carolina County")

    filters = page.locator("#changelist-filter")
    filters.get_by_role("link", name="North Carolina", exact=True).click()
    expect(rows).to_have_count(1)
    expect(page.locator(".paginator")).to_contain_text("1 article")
    filters.get_by_role("link", name="2024", exact=True).click()
    expect(page.locator("#result_list")).to_have_count(0)  # the admin's "0 articles" page
    expect(page.locator(".paginator")).to_contain_text("0 articles")
    filters.get_by_role("link", name="2019", exact=True).click()
    expect(rows).to_have_count(1)
    assert "q=shielding" in page.url and "jurisdiction=north-carolina" in page.url
    page.screenshot(path=artifacts_dir / "editor-finds-an-article.png", full_page=True)
