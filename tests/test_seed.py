"""The founding collection: stored exactly, with the curator's facts and nothing invented."""

import hashlib
from pathlib import Path

import pytest
from django.core.management import call_command

from archive.models import Article, Jurisdiction, Official, Outlet, Topic
from archive.seed import load_seed_archive

pytestmark = pytest.mark.django_db
SEEDS = Path(__file__).resolve().parent.parent / "fixtures" / "seeds"
EPOCH = "https://www.theepochtimes.com"


def article_from(file_prefix: str) -> Article:
    raw = next(SEEDS.glob(f"{file_prefix}_*.txt")).read_bytes()
    return Article.objects.get(sha256=hashlib.sha256(raw).hexdigest())


def test_every_seed_file_is_stored_byte_for_byte():
    files = sorted(SEEDS.glob("*.txt"))
    assert len(files) == 5
    for path in files:
        raw = path.read_bytes()
        article = Article.objects.get(sha256=hashlib.sha256(raw).hexdigest())
        assert article.raw_text.encode("utf-8") == raw


@pytest.mark.parametrize(
    ("prefix", "outlet", "byline", "published", "url_start", "date_uncertain"),
    [
        ("000", "the-daily-caller", "", "2024-06", "", False),
        ("001", None, "", "2024-07", "", True),
        (
            "002",
            "the-epoch-times",
            "Chase Smith",
            "2024-03",
            "https://www.theepochtimes.com/us/",
            False,
        ),
        (
            "003",
            "the-epoch-times",
            "Zachary Stieber",
            "2019-11-01",
            "https://www.theepochtimes.com/ice-",
            False,
        ),
        ("004", "fox-news", "", "2024-04", "", False),
    ],
)
def test_seed_facts_match_the_curator(prefix, outlet, byline, published, url_start, date_uncertain):
    article = article_from(prefix)
    assert (article.outlet.slug if article.outlet else None) == outlet
    assert article.byline == byline
    assert article.published.iso() == published
    assert article.date_uncertain is date_uncertain
    assert article.source_url.startswith(url_start)
    assert bool(article.source_url) == bool(url_start)


def test_headlines_come_from_the_first_line_or_the_curator():
    assert article_from("000").headline.startswith("Deep Blue County Walks Back Sanctuary Policy")
    assert article_from("001").headline == (
        "Buckling under migrant invasion, sanctuary cities now work with ICE"
    )
    assert article_from("002").headline.startswith("Maryland County Reverses Sanctuary Policy")
    fox = article_from("004")
    assert fox.headline.startswith("'Significant threat'")
    assert fox.headline_uncertain
    assert article_from("003").is_excerpt


def test_every_tagged_place_is_in_the_hierarchy_with_a_fips_code():
    places = Jurisdiction.objects.filter(articles__isnull=False).distinct()
    assert places.count() >= 10
    for place in places:
        assert place.fips, place
        if place.kind != "state":
            assert place.parent is not None, place
            assert place.parent.postal_code == place.postal_code


def test_baltimore_county_and_the_city_of_baltimore_are_two_places():
    county = Jurisdiction.objects.get(slug="baltimore-county-md")
    city = Jurisdiction.objects.get(slug="baltimore-md")
    assert (county.kind, county.fips) == ("county", "24005")
    assert (city.kind, city.fips) == ("city", "24510")


def test_people_charged_with_crimes_are_not_officials():
    names = set(Official.objects.values_list("name", flat=True))
    assert "Raul Calderon-Interiano" not in names
    assert {"Marc Elrich", "Matt Albence", "Johnny Olszewski", "Todd Lyons"} <= names


def test_loading_twice_changes_nothing():
    before = [m.objects.count() for m in (Article, Outlet, Jurisdiction, Official, Topic)]
    report = load_seed_archive()
    assert (report.articles_created, report.articles_present, report.tags_created) == (0, 5, 0)
    assert [m.objects.count() for m in (Article, Outlet, Jurisdiction, Official, Topic)] == before


def test_loading_keeps_an_editors_change():
    article = article_from("002")
    article.headline = "Edited by an editor"
    article.save()
    load_seed_archive()
    article.refresh_from_db()
    assert article.headline == "Edited by an editor"


def test_load_seed_command_if_empty_leaves_a_populated_archive_alone(capsys):
    call_command("load_seed", "--if-empty", verbosity=2)
    assert "seed archive not loaded" in capsys.readouterr().out
    assert Article.objects.count() == 5


def test_load_seed_into_an_empty_archive_and_dry_run(capsys):
    Article.objects.all().delete()
    call_command("load_seed", "--dry-run")
    assert "would have loaded 5 articles" in capsys.readouterr().out
    assert Article.objects.count() == 0
    call_command("load_seed", "--if-empty")
    assert Article.objects.count() == 5
