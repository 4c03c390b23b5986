"""Atom feeds of the newest articles matching any search, for feed readers.

``/feeds/articles/?…`` takes the parameters of ``/articles/`` and runs the same FilterSet, so
"new articles about Wake County mentioning detainers" is the list page's URL with the path
changed. A feed is always newest first, whatever ``sort`` says, and ignores ``page``: a reader
polling it must see an article when it arrives, not when it ranks high enough.
"""

import re
from datetime import UTC, datetime, time

from django.contrib.syndication.views import Feed
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.html import escape
from django.utils.text import Truncator

from archive.dates import DatePrecision
from archive.exports import bad_parameters
from archive.facets import active_filters
from archive.filters import ArticleFilter
from archive.models import Article, finish_snippets

FEED_SIZE = 50
SITE_NAME = "Immigration Enforcement News Archive"

# XML 1.0 has no way to write these; Django refuses them rather than write a broken feed, so
# they are dropped from anything a request or a stored text brings in.
_NOT_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def xml_safe(text: str) -> str:
    return _NOT_XML.sub("", text)


class InvalidParameters(Exception):
    def __init__(self, filterset: ArticleFilter):
        super().__init__("invalid feed parameters")
        self.filterset = filterset


class ArticleFeed(Feed):
    feed_type = Atom1Feed
    author_name = SITE_NAME

    def __call__(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        try:
            return super().__call__(request, *args, **kwargs)
        except InvalidParameters as error:
            return bad_parameters(error.filterset)

    def get_object(self, request: HttpRequest) -> ArticleFilter:
        filterset = ArticleFilter(
            request.GET,
            queryset=Article.objects.for_listing(body=True).prefetch_related("topics"),
            request=request,
        )
        if not filterset.is_valid():
            raise InvalidParameters(filterset)
        return filterset

    def title(self, filterset: ArticleFilter) -> str:
        title = "New articles"
        if filterset.query_text:
            title += f" matching “{filterset.query_text}”"
        chips = [f"{chip.label}: {chip.name}" for chip in active_filters(filterset)]
        if chips:
            title += f" ({'; '.join(chips)})"
        return xml_safe(f"{title} — {SITE_NAME}")

    def subtitle(self, filterset: ArticleFilter) -> str:
        return f"The {FEED_SIZE} newest articles in the archive that this search finds."

    def link(self, filterset: ArticleFilter) -> str:
        """The same search on the list page."""
        params = filterset.request.GET.copy()
        params.pop("page", None)
        query = params.urlencode()
        return reverse("archive:article-list") + (f"?{query}" if query else "")

    def feed_url(self, filterset: ArticleFilter) -> str:
        return filterset.request.get_full_path()

    def items(self, filterset: ArticleFilter) -> list[Article]:
        # Highlighted passages in the rows' own statement, drawn for these articles only.
        text = filterset.query_text
        articles = list(filterset.qs.newest().with_snippets(text)[:FEED_SIZE])
        finish_snippets(articles, text)
        return articles

    def item_title(self, article: Article) -> str:
        return xml_safe(article.headline)

    def item_description(self, article: Article) -> str:
        """HTML: where and when, then the matching passage (or the opening words)."""
        facts = [article.outlet.name if article.outlet else "Outlet unknown"]
        if article.published:
            facts.append(article.published.display())
        facts += [str(place) for place in article.listed_places]
        text = getattr(article, "snippet", None) or escape(Truncator(article.body).words(60))
        return xml_safe(f"<p>{escape(' · '.join(facts))}</p><p>{text}</p>")

    def item_author_name(self, article: Article) -> str | None:
        author = article.byline or (article.outlet.name if article.outlet else "")
        return xml_safe(author) or None

    def item_pubdate(self, article: Article) -> datetime | None:
        # Atom's <published> is a moment; an article known only to the month or the year has
        # none, and inventing the first of the month would mislead.
        if article.published_on and article.date_precision == DatePrecision.DAY:
            return datetime.combine(article.published_on, time.min, tzinfo=UTC)
        return None

    def item_updateddate(self, article: Article) -> datetime:
        return article.updated_at

    def item_categories(self, article: Article) -> list[str]:
        places = [str(place) for place in article.listed_places]
        return [xml_safe(name) for name in (*places, *(t.name for t in article.topics.all()))]
