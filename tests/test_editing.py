"""The article change page as an editor uses it: autocomplete, adding a tag in place, validation."""

import json
import re

import pytest

from archive.models import Article, Jurisdiction, Official
from tests.desk import admin_url, logged_in
from tests.factories import place
from tests.test_admin import change_form_data

pytestmark = pytest.mark.django_db


def autocomplete(client, field: str, term: str) -> list[str]:
    response = client.get(
        "/admin/autocomplete/",
        {"app_label": "archive", "model_name": "article", "field_name": field, "term": term},
    )
    assert response.status_code == 200
    return [item["text"] for item in response.json()["results"]]


def test_autocomplete_shows_a_places_state_and_an_officials_role(client):
    logged_in(client)
    assert autocomplete(client, "jurisdictions", "wake") == ["Wake County, NC"]
    assert autocomplete(client, "officials", "baker") == ["Gerald Baker (Wake County Sheriff)"]
    assert autocomplete(client, "topics", "detainer") == ["ICE detainers"]
    assert autocomplete(client, "outlet", "fox") == ["Fox News"]


def test_the_change_page_offers_to_add_an_official_or_a_place_in_place(client):
    logged_in(client)
    html = client.get(admin_url("article_change", Article.objects.first().pk)).content.decode()
    for field in ("jurisdictions", "officials", "topics", "outlet"):
        assert f'id="add_id_{field}"' in html
    assert 'name="raw_text"' not in html


def test_adding_an_official_from_the_popup(client):
    logged_in(client)
    response = client.post(
        admin_url("official_add") + "?_to_field=id&_popup=1",
        {
            "name": "Willie Rowe",
            "slug": "willie-rowe",
            "role": "Wake County Sheriff",
            "_popup": "1",
            "jurisdiction": place("wake-county-nc").pk,
        },
    )
    assert response.status_code == 200
    data = re.search(r'data-popup-response="([^"]+)"', response.content.decode()).group(1)
    payload = json.loads(data.replace("&quot;", '"'))
    rowe = Official.objects.get(slug="willie-rowe")
    assert payload == {"value": str(rowe.pk), "obj": "Willie Rowe (Wake County Sheriff)"}


def test_adding_a_city_from_the_popup_checks_its_parent(client):
    logged_in(client)
    url = admin_url("jurisdiction_add") + "?_to_field=id&_popup=1"
    city = {
        "name": "Raleigh",
        "slug": "raleigh-nc",
        "kind": "city",
        "postal_code": "NC",
        "fips": "3755000",
        "_popup": "1",
    }
    refused = client.post(url, {**city, "parent": place("baltimore-county-md").pk})
    assert "The parent is in MD, not NC." in refused.content.decode()
    refused = client.post(url, {**city, "parent": place("hartford-ct").pk})
    assert "A city&#x27;s parent must be a county or state." in refused.content.decode()
    assert not Jurisdiction.objects.filter(slug="raleigh-nc").exists()
    accepted = client.post(url, {**city, "parent": place("wake-county-nc").pk})
    assert accepted.status_code == 200 and "data-popup-response" in accepted.content.decode()
    assert Jurisdiction.objects.get(slug="raleigh-nc").parent.slug == "wake-county-nc"


def test_line_breaks_from_a_browser_keep_the_paragraphs(client):
    logged_in(client)
    article = Article.objects.get(slug__startswith="ice-singles-out")
    paragraphs = article.body.count("\n\n") + 1
    data = change_form_data(article, body=article.body.replace("\n", "\r\n"))
    assert client.post(admin_url("article_change", article.pk), data).status_code == 302
    article.refresh_from_db()
    assert "\r" not in article.body
    html = client.get(article.get_absolute_url()).content.decode()
    assert html.count("<p>") >= paragraphs
