"""Tag suggestions: what the suggesters find in a text, measured on the labelled set, and
what confirming or rejecting one does to the public archive."""

from pathlib import Path

import pytest

from archive.models import Article, Official, Outlet
from archive.suggestions import evaluation, review
from archive.suggestions.engine import ArticleText, Suggester, store
from archive.suggestions.models import Suggestion, SuggestionKind, SuggestionStatus
from tests.factories import make_article, place

pytestmark = pytest.mark.django_db
DATA = Path(__file__).resolve().parent / "data"


@pytest.fixture
def places():
    """The places the labelled set needs, next to the seed archive's."""
    evaluation.ensure_places(DATA / "labelled" / "places.json")
    evaluation.ensure_places(DATA / "holdout" / "places.json")


def suggest(text: str, full_text: str = "", **extra) -> dict[str, set[str]]:
    proposals = Suggester().suggest(ArticleText(text=text, full_text=full_text, **extra))
    return evaluation.proposal_values(proposals)


def test_baltimore_county_is_not_the_city_but_baltimore_alone_is():
    found = suggest("Baltimore County officials met ICE. The man was arrested in Baltimore.")
    assert found["jurisdiction"] == {"baltimore-county-md", "baltimore-md"}
    assert suggest("Baltimore County officials met ICE.")["jurisdiction"] == {"baltimore-county-md"}


def test_a_state_named_alone_is_the_state_but_not_when_it_locates_a_named_place():
    assert suggest("Deputies in Wake County, North Carolina, ended the program.")[
        "jurisdiction"
    ] == {"wake-county-nc"}
    assert suggest("ICE singled out a sanctuary county in North Carolina: Wake County.")[
        "jurisdiction"
    ] == {"wake-county-nc"}
    assert suggest("Wake County ended the program. North Carolina lawmakers objected.")[
        "jurisdiction"
    ] == {"wake-county-nc", "north-carolina"}
    # With no county of that state named, "a county in North Carolina" is about the state.
    assert suggest("ICE singled out a sanctuary county in North Carolina.")["jurisdiction"] == {
        "north-carolina"
    }


def test_a_county_name_shared_by_states_is_settled_by_the_text_or_left_alone(places):
    assert suggest("Montgomery County, Pa., commissioners voted.")["jurisdiction"] == {
        "montgomery-county-pa"
    }
    assert suggest("In Texas, Montgomery County jailers honored the detainer.")["jurisdiction"] == {
        "montgomery-county-tx",
        "texas",
    }
    # The only other place named is in Maryland, so Maryland's Montgomery County is meant.
    assert suggest("Officials in Baltimore County and Montgomery County notify ICE.")[
        "jurisdiction"
    ] == {"baltimore-county-md", "montgomery-county-md"}
    # Nothing says which of four Orange Counties: none is suggested.
    assert suggest("The Orange County jail honored the detainer.")["jurisdiction"] == set()


def test_newspapers_field_offices_institutions_and_datelines_are_not_places(places):
    text = (
        "CHICAGO (AP) — The Baltimore Sun and the Washington Post reported that the ICE "
        "Baltimore Field Office and ERO Boston asked University of Maryland researchers "
        "about Kansas City."
    )
    assert suggest(text)["jurisdiction"] == {"kansas-city-mo"}


def test_washington_alone_is_the_capital_not_the_state(places):
    assert suggest("Officials in Washington, D.C., and Washington reacted.")["jurisdiction"] == (
        set()
    )
    assert suggest("Washington state's law limits cooperation.")["jurisdiction"] == {"washington"}


def test_officials_need_a_title_or_role_and_later_mentions_are_the_same_person():
    text = (
        "County Executive Dana Whitfield said Tuesday the jail would notify ICE. "
        "Ms. Whitfield said it was overdue.\n\n"
        'Robert Kline, the county\'s police chief, agreed. "It is the law," Kline said.\n\n'
        "Maria Soto, an organizer, disagreed."
    )
    officials = Suggester().suggest(ArticleText(text=text))
    found = {p.proposed_name: p.proposed_role for p in officials if p.kind == "official"}
    assert found == {"Dana Whitfield": "County Executive", "Robert Kline": "county's police chief"}
    evidence = next(p.evidence for p in officials if p.proposed_name == "Robert Kline")
    assert evidence == "Robert Kline, the county's police chief, agreed."


def test_people_charged_with_crimes_are_not_officials():
    text = (
        "Former Sheriff Wade Hollis was indicted Tuesday. Jose Ruiz, 29, was charged with "
        "assault. Commissioner Ann Lee said the county would cooperate. Later, Lee was "
        "arrested on an unrelated warrant, and Prosecutor Tim Ng said charges against "
        "Sheriff Amy Cole were dropped."
    )
    assert suggest(text)["official"] == {"tim-ng"}


def test_a_known_official_is_found_by_surname_in_a_text_about_their_place():
    text = "Wake County declined the detainers. Baker said he wanted to focus on the community."
    assert suggest(text)["official"] == {"gerald-baker"}
    # Not in a text about somewhere else: this Baker may be anyone.
    assert suggest("Baker said he wanted to focus on the community.")["official"] == set()
    # Nor when the text names another Baker in full.
    other = "Wake County declined. Deputy Lisa Baker spoke. Baker said it was calm."
    assert suggest(other)["official"] == set()


def test_known_officials_are_matched_by_name_new_ones_are_proposed():
    proposals = Suggester().suggest(
        ArticleText(text="Acting ICE Director P.J. Lechleitner and Mayor Rosa Diaz spoke.")
    )
    officials = {p.label.split(" (")[0]: p for p in proposals if p.kind == "official"}
    lechleitner = Official.objects.get(slug="p-j-lechleitner")
    assert officials["P.J. Lechleitner"].official_id == lechleitner.pk
    assert officials["Rosa Diaz"].official_id is None
    assert (officials["Rosa Diaz"].proposed_name, officials["Rosa Diaz"].proposed_role) == (
        "Rosa Diaz",
        "Mayor",
    )


@pytest.mark.parametrize(
    ("full_text", "outlet"),
    [
        (
            "Text.\n\nAll content created by the Daily Caller News Foundation, an independent "
            "and nonpartisan newswire service, is available without charge.",
            "the-daily-caller",
        ),
        ("ICE told Fox News Digital in a statement.", "fox-news"),
        ("WASHINGTON (Reuters) - The department sued.", "reuters"),
        ("The Epoch Times has reached out to ICE for comment.", "the-epoch-times"),
        ("Copyright 2024 The Associated Press. All rights reserved.", "the-associated-press"),
        ("The director told NBC News last week that it was working.", None),
    ],
)
def test_the_outlet_comes_from_its_own_signature(full_text, outlet):
    found = suggest("Body.", full_text=full_text)["outlet"]
    assert found == ({outlet} if outlet else set())


def test_a_saved_pages_site_name_is_the_outlet_when_the_text_has_no_signature():
    assert suggest("Body.", site_name="Fox News")["outlet"] == {"fox-news"}
    assert suggest("Body.", full_text="ICE told Fox News Digital.", site_name="Yahoo News")[
        "outlet"
    ] == {"fox-news"}


@pytest.mark.parametrize(
    ("full_text", "date"),
    [
        ("Headline\n\nPublished March 14, 2024\n\nText on Feb. 27.", "2024-03-14"),
        ("Headline\n\nPosted on 2025-02-06\n\nText.", "2025-02-06"),
        ("Headline\n\nJanuary 9, 2025\n\nText.", "2025-01-09"),
        ("Headline\n\nThe meeting, held on Feb. 27, 2024, went well.", None),
        ("Headline\n\nPublished February 30, 2024", None),
    ],
)
def test_a_date_is_suggested_only_when_stated_as_the_publication_date(full_text, date):
    assert suggest("Body.", full_text=full_text)["date"] == ({date} if date else set())


def test_the_labelled_set_meets_the_precision_and_recall_aims(places):
    articles = evaluation.load_labelled(DATA / "labelled")
    assert len(articles) >= 20
    scores = evaluation.evaluate(Suggester().suggest, articles)
    for kind in ("jurisdiction", "official"):
        assert scores[kind].precision >= 0.9, scores[kind].errors
        assert scores[kind].recall >= 0.8, scores[kind].errors


def test_the_held_out_set_meets_the_aims_too(places):
    scores = evaluation.evaluate(Suggester().suggest, evaluation.load_labelled(DATA / "holdout"))
    for kind in ("jurisdiction", "official"):
        assert scores[kind].precision >= 0.9, scores[kind].errors
        assert scores[kind].recall >= 0.8, scores[kind].errors


def test_suggestions_are_stored_once_and_a_rejected_one_is_not_made_again():
    article = make_article("Wake story", "Wake County Sheriff Gerald Baker said no.")
    proposals = Suggester().suggest(ArticleText(text=article.body))
    assert len(store(article, proposals)) == 2
    wake = article.suggestions.get(kind=SuggestionKind.JURISDICTION)
    review.reject(wake)
    assert store(article, proposals) == []
    assert article.suggestions.count() == 2


def test_suggestions_stay_off_public_pages_until_confirmed(client):
    article = make_article(
        "Kestrel jail story", "Wake County Sheriff Gerald Baker spoke to Rosa Quill, the mayor."
    )
    store(article, Suggester().suggest(ArticleText(text=article.body)))
    official_count = Official.objects.count()

    def shown() -> tuple[bool, bool, bool]:
        page = client.get(article.get_absolute_url()).content.decode()
        listing = client.get("/articles/", {"jurisdiction": "wake-county-nc"}).content.decode()
        return (
            "/jurisdictions/wake-county-nc/" in page,
            "Kestrel jail story" in listing,
            "/officials/rosa-quill/" in page,
        )

    assert shown() == (False, False, False)
    for suggestion in article.suggestions.all():
        review.confirm(suggestion)
    assert shown() == (True, True, True)
    quill = Official.objects.get(slug="rosa-quill")
    assert (quill.name, quill.role) == ("Rosa Quill", "mayor")
    assert Official.objects.count() == official_count + 1
    assert set(article.suggestions.values_list("status", flat=True)) == {SuggestionStatus.CONFIRMED}


def test_confirming_an_outlet_or_a_date_sets_it_on_the_article():
    article = make_article("Undated story", "Text.", published=None)
    store(
        article,
        Suggester().suggest(
            ArticleText(
                text="Text.",
                full_text="Published June 3, 2025\n\nThe Kestrel Courier "
                "has reached out to ICE for comment.",
            )
        ),
    )
    for suggestion in article.suggestions.all():
        review.confirm(suggestion)
    article.refresh_from_db()
    assert article.published.iso() == "2025-06-03"
    assert article.outlet == Outlet.objects.get(name="The Kestrel Courier")


def test_a_place_suggestion_points_at_the_gazetteer_row():
    article = make_article("Story", "Wake County ended it.")
    store(article, Suggester().suggest(ArticleText(text=article.body)))
    suggestion = Suggestion.objects.get(article=article)
    assert suggestion.jurisdiction == place("wake-county-nc")
    assert suggestion.evidence == "Wake County ended it."
    assert str(suggestion) == "Place: Wake County, NC"
    assert Article.objects.get(pk=article.pk).jurisdictions.count() == 0
