"""An editor imports files through the admin and confirms a suggested tag, in a real browser."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from playwright.sync_api import expect

from archive.models import Article

pytestmark = pytest.mark.browser

ARTICLE = (
    "Kestrel County sheriff ends detainer holds\n\n"
    "Wake County Sheriff Gerald Baker said Tuesday the county jail will stop holding people "
    "for ICE without a judge's warrant.\n\n"
    '"We want people to call us when they need help," Baker said.\n'
)


@pytest.fixture
def page(browser, seeded_live_server):
    context = browser.new_context(base_url=seeded_live_server.url)
    page = context.new_page()
    yield page
    context.close()


def test_editor_uploads_files_and_confirms_a_suggested_place(page, tmp_path, artifacts_dir):
    get_user_model().objects.create_superuser("editor", "", "a-long-test-password-123")
    good = tmp_path / "wake.txt"
    good.write_text(ARTICLE, encoding="utf-8")
    broken = tmp_path / "sheet.csv"
    broken.write_text("headline,raw_text\n,Text without a headline\n", encoding="utf-8")

    page.goto(reverse("admin:login"))
    page.get_by_label("Username").fill("editor")
    page.get_by_label("Password").fill("a-long-test-password-123")
    page.get_by_role("button", name="Log in").click()

    page.goto(reverse("admin:archive_importrun_add"))
    page.locator('input[type="file"][name="files"]').set_input_files([good, broken])
    page.screenshot(path=artifacts_dir / "admin-import-upload.png", full_page=True)
    page.get_by_role("button", name="Import").click()

    expect(page.locator("ul.messagelist")).to_contain_text(
        "Import finished: 1 created, 0 updated, 0 unchanged, 0 duplicates, 1 failed."
    )
    report = page.locator("#import-outcomes")
    expect(report.locator("tr.import-failed")).to_contain_text("sheet.csv, row 2")
    expect(report.locator("tr.import-failed")).to_contain_text("no headline")
    expect(report.locator("tr.import-created")).to_contain_text("jurisdiction: wake-county-nc")
    page.screenshot(path=artifacts_dir / "admin-import-report.png", full_page=True)

    page.get_by_role("link", name="Review the suggested tags").click()
    expect(page.locator("#result_list")).to_contain_text("Wake County, NC")
    page.get_by_role("button", name="Confirm Wake County, NC").click()
    expect(page.locator("ul.messagelist")).to_contain_text("Confirmed Place: Wake County, NC")
    expect(page.get_by_role("button", name="Confirm Wake County, NC")).to_have_count(0)
    page.screenshot(path=artifacts_dir / "admin-suggestions.png", full_page=True)

    article = Article.objects.get(headline="Kestrel County sheriff ends detainer holds")
    page.goto(reverse("admin:archive_article_change", args=[article.pk]))
    suggestions = page.locator("#tag-suggestions")
    expect(suggestions).to_contain_text("Tag suggestions (1 pending)")
    page.get_by_role("button", name="Reject Gerald Baker").click()
    expect(page.locator("ul.messagelist")).to_contain_text("Rejected Official")
    expect(page).to_have_url(re.compile(rf"/admin/archive/article/{article.pk}/change/"))

    page.goto(article.get_absolute_url())
    tags = page.get_by_role("complementary", name="About this article")
    expect(tags.get_by_role("link", name="Wake County, NC", exact=True)).to_be_visible()
    expect(tags.get_by_role("link", name=re.compile("Gerald Baker"))).to_have_count(0)
