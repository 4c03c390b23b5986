"""The parts of a list page drawn once per row: article cards, facet values, dates, places.

A page of results draws twenty cards and some fifty facet values, and the template language
spent about 0.2 ms on each card (its variables, its filters, an include for the date and a
loop for the places) and as much again on the facets: 8 ms of a rare word's 30 ms page
(docs/PERFORMANCE.md, item 31). Even ``format_html`` costs some 100 µs a card, most of
it in the checks for lazy strings that wrap ``escape`` and ``conditional_escape``; a card is
plain text escaped once with the standard library's ``html.escape`` (which Django's
``escape`` calls) and joined. The snippet is the one piece not escaped here: it is already
safe (escaped, with only ``<mark>`` let through, ``archive.search.render_marked``), and is
escaped like the rest if it ever comes as a plain string.
"""

from html import escape

from django import template
from django.template.defaultfilters import urlencode
from django.utils.safestring import SafeString, mark_safe

from archive.dates import PartialDate

register = template.Library()

UNCERTAIN_BADGE = (
    ' <span class="badge badge--uncertain" title="The date is inferred, not stated by the '
    'source">date uncertain</span>'
)


@register.simple_tag
def published_date(published: PartialDate | None, uncertain: bool = False) -> SafeString:
    """A date as precise as it is known, marked when it is inferred rather than stated."""
    if published is None:
        return mark_safe('<span class="muted">Undated</span>')
    html = f'<time datetime="{escape(published.iso())}">{escape(published.display())}</time>'
    return mark_safe(html + UNCERTAIN_BADGE if uncertain else html)


@register.simple_tag
def article_card(article, query_text: str = "") -> SafeString:
    """One article in a list: headline (linked, carrying the search to the article page),
    outlet, date, the page's snippet when there is one, and the places it is tagged with."""
    link = article.get_absolute_url()
    if query_text:
        link += f"?q={urlencode(query_text)}"
    outlet = article.outlet
    if outlet is not None:
        outlet_html = f'<a href="{escape(outlet.get_absolute_url())}">{escape(outlet.name)}</a>'
    else:
        outlet_html = '<span class="muted">Outlet unknown</span>'
    html = [
        '<article class="card">\n'
        f'  <h3 class="card__headline"><a href="{escape(link)}">{escape(article.headline)}</a>'
        "</h3>\n"
        '  <p class="card__meta">\n'
        f"    {outlet_html}\n"
        f"    · {published_date(article.published, article.date_uncertain)}\n"
        "  </p>"
    ]
    snippet = getattr(article, "snippet", None)
    if snippet:
        safe = snippet if isinstance(snippet, SafeString) else escape(snippet)
        html.append(f'\n  <p class="card__snippet">{safe}</p>')
    places = article.listed_places
    if places:
        items = "".join(
            f'<li><a href="{escape(place.get_absolute_url())}">{escape(str(place))}</a></li>'
            for place in places
        )
        html.append(f'\n  <ul class="tags tags--places" aria-label="Places">\n    {items}\n  </ul>')
    html.append("\n</article>\n")
    return mark_safe("".join(html))


SELECTED_ITEM = ' class="is-selected"'
SELECTED_LINK = ' aria-current="true" title="Remove this filter"'


@register.simple_tag
def facet_list(key: str, label: str, values) -> SafeString:
    """One facet beside a list: its values, each a link that adds it to the search or, when
    chosen, takes it off, with how many articles it has (nothing when it has no values)."""
    if not values:
        return mark_safe("")
    key = escape(key)
    items = []
    for value in values:
        selected = value.selected
        name = escape(str(value.name))
        if value.detail:
            name += f", {escape(str(value.detail))}"
        count = ""
        if value.count is not None:
            count = f'<span class="facet__count">{escape(str(value.count))}</span>'
        items.append(
            f"    <li{SELECTED_ITEM if selected else ''}>\n"
            f'      <a href="{escape(value.query)}" data-facet="{key}"'
            f' data-value="{escape(str(value.slug))}"{SELECTED_LINK if selected else ""}>\n'
            f'        <span class="facet__name">{"✓ " if selected else ""}{name}</span>\n'
            f"        {count}\n"
            "      </a>\n"
            "    </li>\n"
        )
    return mark_safe(
        f'<section class="facet" aria-labelledby="facet-{key}">\n'
        f'  <h3 id="facet-{key}">{escape(label)}</h3>\n'
        f"  <ul>\n{''.join(items)}  </ul>\n"
        "</section>\n"
    )


@register.simple_tag
def place_items(places) -> SafeString:
    """A state's places on /jurisdictions/, each linked, with its kind and its articles.

    At 1,000,000 articles the page lists 3,249 places, and their four variables apiece through
    the template language were most of the page drawn afresh after a change of the archive
    (docs/PERFORMANCE.md, item 67)."""
    return mark_safe(
        "".join(
            f'<li><a href="{escape(place.get_absolute_url())}">{escape(place.name)}</a> '
            f'<span class="muted">{escape(place.kind)}</span> '
            f'<span class="count">{place.count:,}</span></li>'
            for place in places
        )
    )
