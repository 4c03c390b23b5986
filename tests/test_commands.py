"""The management commands `make run` relies on."""

import pytest
from django.contrib.auth import authenticate, get_user_model
from django.core.management import call_command

pytestmark = pytest.mark.django_db


def test_ensure_admin_makes_one_account_with_a_random_password_shown_once(capsys, monkeypatch):
    monkeypatch.delenv("ADMIN_PASSWORD", raising=False)
    call_command("ensure_admin")
    first = capsys.readouterr().out
    password = first.split("password: ")[1].split()[0]
    assert len(password) >= 16
    assert authenticate(username="admin", password=password) is not None

    call_command("ensure_admin")
    second = capsys.readouterr().out
    assert password not in second
    assert "changepassword admin" in second
    assert get_user_model().objects.filter(is_superuser=True).count() == 1


def test_ensure_admin_takes_the_password_from_the_environment(capsys, monkeypatch):
    monkeypatch.setenv("ADMIN_PASSWORD", "a-chosen-password-4321")
    call_command("ensure_admin", username="curator")
    assert "a-chosen-password-4321" in capsys.readouterr().out
    assert authenticate(username="curator", password="a-chosen-password-4321") is not None


def test_two_installs_get_different_passwords(capsys, monkeypatch):
    monkeypatch.delenv("ADMIN_PASSWORD", raising=False)
    call_command("ensure_admin", username="one")
    call_command("ensure_admin", username="two")
    out = capsys.readouterr().out
    passwords = [chunk.split()[0] for chunk in out.split("password: ")[1:]]
    assert len(passwords) == 2 and passwords[0] != passwords[1]
