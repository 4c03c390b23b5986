"""The editors' list benchmark (bench/desk.py) on the seed archive, so that it cannot rot."""

import pytest
from django.contrib.auth import get_user_model

import bench.desk

pytestmark = pytest.mark.django_db


def test_every_class_is_measured_on_both_lists_and_the_editor_is_removed():
    table = bench.desk.run(rounds=2)
    names = [name for name, _, _ in bench.desk.classes("maryland")]
    assert [row["class"] for row in table] == names
    for row in table:
        assert row["desk"].startswith("/admin/archive/article/?")
        assert row["readers"].startswith("/articles/?")
        assert 0 < row["desk_median_ms"] <= row["desk_p90_ms"]
        assert row["ratio"] == pytest.approx(row["desk_median_ms"] / row["readers_median_ms"], 0.05)
    assert not get_user_model().objects.filter(username=bench.desk.EDITOR).exists()
    assert "| search rare |" in bench.desk.report(table)


def test_a_page_that_does_not_answer_stops_the_run(client, admin_user):
    client.force_login(admin_user)
    with pytest.raises(SystemExit, match="answered 302"):  # the admin's answer to a bad filter
        bench.desk.measure(client, [("broken", "no_such_field=1", "")], rounds=1)
