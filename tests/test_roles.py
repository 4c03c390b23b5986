"""Roles: what an Editor and a Viewer may do in the admin, and `manage.py create_editor`."""

import io

import pytest
from django.contrib.auth import authenticate
from django.contrib.auth.models import Group, User
from django.core.management import CommandError, call_command

from archive.models import Article
from archive.suggestions.engine import ArticleText, Suggester, store
from archive.suggestions.models import Suggestion, SuggestionStatus
from tests.desk import PASSWORD, admin_url, logged_in
from tests.factories import make_article, topic
from tests.test_admin import change_form_data

pytestmark = pytest.mark.django_db


def perms(group: str) -> set[str]:
    return {
        f"{p.content_type.app_label}.{p.codename}"
        for p in Group.objects.get(name=group).permissions.select_related("content_type")
    }


def test_the_migration_made_both_groups():
    editor, viewer = perms("Editor"), perms("Viewer")
    assert {
        "archive.change_article",
        "archive.add_article",
        "archive.change_official",
        "archive.add_jurisdiction",
        "archive.view_change",
    } <= editor
    assert not any(p.startswith("auth.") for p in editor)
    assert not any(p.startswith("archive.delete_") for p in editor)
    assert viewer == {p for p in editor if ".view_" in p}
    assert len(viewer) == 9


def test_an_editor_changes_an_article(client):
    logged_in(client)
    article = Article.objects.first()
    url = admin_url("article_change", article.pk)
    response = client.post(url, change_form_data(article, headline="Edited by an editor"))
    assert response.status_code == 302
    article.refresh_from_db()
    assert article.headline == "Edited by an editor"


def test_an_editor_cannot_delete_an_article_or_manage_users(client):
    logged_in(client)
    article = Article.objects.first()
    assert client.get(admin_url("article_delete", article.pk)).status_code == 403
    assert client.post(admin_url("article_delete", article.pk), {"post": "yes"}).status_code == 403
    assert Article.objects.filter(pk=article.pk).exists()
    html = client.get(admin_url("article_changelist")).content.decode()
    assert "delete_selected" not in html
    assert client.get("/admin/auth/user/").status_code == 403
    assert client.get("/admin/auth/group/").status_code == 403
    assert client.post("/admin/auth/user/add/", {"username": "x"}).status_code == 403


def test_an_editor_cannot_delete_a_tag_either(client):
    logged_in(client)
    assert (
        client.post(admin_url("topic_delete", topic("ice-arrests").pk), {"post": "yes"}).status_code
        == 403
    )


def test_a_viewer_reads_but_gets_403_on_change(client):
    logged_in(client, "vic", role="viewer")
    article = Article.objects.first()
    url = admin_url("article_change", article.pk)
    page = client.get(url)
    assert page.status_code == 200
    assert 'name="headline"' not in page.content.decode()  # read-only
    response = client.post(url, change_form_data(article, headline="Not allowed"))
    assert response.status_code == 403
    article.refresh_from_db()
    assert article.headline != "Not allowed"
    assert client.get(admin_url("article_history", article.pk)).status_code == 200
    assert client.get(admin_url("change_changelist")).status_code == 200
    assert client.get(admin_url("article_add")).status_code == 403
    assert client.get("/admin/auth/user/").status_code == 403


def test_create_editor_reads_the_password_from_stdin(monkeypatch):
    monkeypatch.setattr("sys.stdin", io.StringIO(PASSWORD + "\n"))
    out = io.StringIO()
    call_command("create_editor", "ana", "--password-stdin", stdout=out)
    assert "Created “ana” in the Editor group." in out.getvalue()
    user = authenticate(username="ana", password=PASSWORD)
    assert user.is_staff and not user.is_superuser
    assert [g.name for g in user.groups.all()] == ["Editor"]


def test_create_editor_prompts_twice(monkeypatch):
    answers = iter([PASSWORD, PASSWORD])
    monkeypatch.setattr("getpass.getpass", lambda prompt: next(answers))
    call_command("create_editor", "vic", "--group", "viewer", stdout=io.StringIO())
    assert [g.name for g in User.objects.get(username="vic").groups.all()] == ["Viewer"]


def test_create_editor_refuses_differing_or_weak_passwords_and_existing_users(monkeypatch):
    answers = iter([PASSWORD, PASSWORD + "x"])
    monkeypatch.setattr("getpass.getpass", lambda prompt: next(answers))
    with pytest.raises(CommandError, match="The two passwords differ"):
        call_command("create_editor", "ana")
    monkeypatch.setattr("sys.stdin", io.StringIO("password\n"))
    with pytest.raises(CommandError, match="The password is refused: .*too common"):
        call_command("create_editor", "ana", "--password-stdin")
    assert not User.objects.filter(username="ana").exists()

    monkeypatch.setattr("sys.stdin", io.StringIO(PASSWORD + "\n"))
    call_command("create_editor", "ana", "--password-stdin", stdout=io.StringIO())
    monkeypatch.setattr("sys.stdin", io.StringIO(PASSWORD + "\n"))
    with pytest.raises(CommandError, match="already exists"):
        call_command("create_editor", "ana", "--password-stdin")


def test_create_editor_dry_run_creates_nothing(monkeypatch):
    monkeypatch.setattr("sys.stdin", io.StringIO(PASSWORD + "\n"))
    out = io.StringIO()
    call_command("create_editor", "ana", "--password-stdin", "--dry-run", stdout=out)
    assert "Would create “ana”" in out.getvalue()
    assert not User.objects.filter(username="ana").exists()


def test_an_editor_confirms_a_suggestion_and_a_viewer_may_not(client):
    article = make_article("Osprey story", "Wake County ended its jail agreement.")
    store(article, Suggester().suggest(ArticleText(text=article.body)))
    suggestion = Suggestion.objects.get(article=article)
    decide = admin_url("suggestion_decide", suggestion.pk)

    logged_in(client, "vic", role="viewer")
    assert client.post(decide, {"decision": "confirm"}).status_code == 403
    suggestion.refresh_from_db()
    assert suggestion.status == SuggestionStatus.PENDING

    logged_in(client)
    assert client.post(decide, {"decision": "confirm"}).status_code == 302
    suggestion.refresh_from_db()
    assert suggestion.status == SuggestionStatus.CONFIRMED
    assert article.jurisdictions.filter(slug="wake-county-nc").exists()
