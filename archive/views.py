"""Public pages. Thin: the querysets, the FilterSet and the facet counter do the work."""

from functools import cached_property

from django.conf import settings
from django.db import DatabaseError, connection
from django.http import Http404, HttpResponse, HttpResponsePermanentRedirect
from django.shortcuts import get_object_or_404, render
from django.template.loader import render_to_string
from django.utils.functional import SimpleLazyObject
from django.views.decorators.cache import never_cache
from django.views.generic import DetailView, ListView
from django.views.generic.detail import SingleObjectMixin
from django_filters.views import FilterView

from archive.caching import archive_version, cached
from archive.facets import RankedTags, active_filters, archive_place_counts, article_facets
from archive.filters import SORT_CHOICES, ArticleFilter
from archive.models import (
    Article,
    ArticleTally,
    Jurisdiction,
    Official,
    Outlet,
    RetiredSlug,
    Topic,
    article_count,
)
from archive.places import (
    PLACE_SEARCH_LIMIT,
    find_places,
    kind_label,
    place_figures,
    place_tree,
)
from archive.results import ArticleResults, EstimatingPaginator, ListPaginator
from archive.search import is_shortened, render_marked
from archive.text import paragraphs
from archive.usmap import atlas, render_map

TAG_LIST_PAGE_SIZE = 50


def busiest_tags_and_size() -> dict:
    """The home page's whole-archive figures: the busiest outlets, topics and officials, and
    how many articles there are, all read from the tally and cached until the archive
    changes. The tags come from the rankings the tag lists page through."""
    return {
        "outlets": RankedTags(Outlet)[:8],
        "topics": RankedTags(Topic)[:12],
        "officials": RankedTags(Official)[:8],
        "article_count": ArticleTally.objects.archive_size(),
    }


HOME_PLACES_PER_STATE = 3


def busiest_places_by_state() -> list[tuple]:
    """Each state with articles, its busiest few places and how many more it has: the home
    page's way in by place. Every place would be thousands of links on a large archive;
    the state's page and /jurisdictions/ list them all."""
    rows = []
    for entry in place_tree():
        if entry.count:
            busiest = sorted(entry.places, key=lambda place: (-place.count, place.name))
            rows.append(
                (entry, busiest[:HOME_PLACES_PER_STATE], len(busiest[HOME_PLACES_PER_STATE:]))
            )
    return rows


def home(request):
    context = {
        "newest": Article.objects.for_listing().newest()[:8],
        # Some 150 links drawn from every place's count: drawn for every request they took
        # about 20 of the page's 24 ms at 100,000 articles, so once per change of the archive.
        "places_html": cached(
            "home-places",
            lambda: render_to_string(
                "includes/_home_places.html", {"states": busiest_places_by_state()}
            ),
        ),
        **cached("home-figures", busiest_tags_and_size),
    }
    return render(request, "archive/home.html", context)


class ArticleListView(FilterView):
    filterset_class = ArticleFilter
    queryset = Article.objects.for_listing()
    paginate_by = settings.ARCHIVE_PAGE_SIZE
    paginator_class = ListPaginator  # past an estimated count's end, a 404
    template_name = "archive/article_list.html"

    def get(self, request, *args, **kwargs):
        # FilterView.get in strict mode, plus: an old slug in a bookmarked search answers with
        # a 301 to the same search with the current slugs.
        self.filterset = self.get_filterset(self.get_filterset_class())
        valid = self.filterset.is_valid()
        moved = self.filterset.retired_slugs() if valid else {}
        if moved:
            params = request.GET.copy()
            for name, current in moved.items():
                params.setlist(name, [current.get(v, v) for v in params.getlist(name)])
            return HttpResponsePermanentRedirect(f"{request.path}?{params.urlencode()}")
        self.results = ArticleResults(self.filterset, facets=True) if valid else None
        if self.results is not None:
            self.results.read_ahead(request.GET.get(self.page_kwarg), self.paginate_by)
        self.object_list = self.results if valid else self.filterset.queryset.none()
        context = self.get_context_data(filter=self.filterset, object_list=self.object_list)
        return self.render_to_response(context)

    def get_filterset_kwargs(self, filterset_class):
        # Bound even without parameters, so that the plain list is "valid" and gets its facets.
        return {**super().get_filterset_kwargs(filterset_class), "data": self.request.GET}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        query_text = self.filterset.query_text
        results = self.results
        context.update(
            tally=results.tally if results is not None else None,
            ranking=results.ranking if results is not None else "",
            headline_ranked=results is not None
            and results.ranking == "headline_first"
            and results.headline_matches_ranked,
            facets=article_facets(results) if results is not None else {},
            active_filters=active_filters(self.filterset),
            query_text=query_text,
            query_shortened=is_shortened(self.request.GET.get("q")),
            sort=self.filterset.order,
            sort_choices=SORT_CHOICES if query_text else SORT_CHOICES[1:],
        )
        return context


class ArticleDetailView(DetailView):
    queryset = Article.objects.select_related("outlet").prefetch_related(
        "jurisdictions", "officials", "topics"
    )
    template_name = "archive/article_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        query_text = self.request.GET.get("q", "")
        marked = Article.objects.marked(self.object.pk, query_text)
        if marked:
            headline, body = marked
            context["headline_html"] = render_marked(headline)
            context["paragraphs"] = [render_marked(p) for p in paragraphs(body)]
            context["query_text"] = query_text.replace("\x00", "")
        else:
            context["paragraphs"] = paragraphs(self.object.body)
        return context


def article_raw_text(request, slug):
    """The collected text, exactly as it came in, for citation and re-use."""
    article = get_object_or_404(Article.objects.only("raw_text"), slug=slug)
    return HttpResponse(article.raw_text, content_type="text/plain; charset=utf-8")


class TaggedArticlesView(SingleObjectMixin, ListView):
    """A tag's page: the tag itself, then its articles, newest first, a page at a time.

    Subclasses say which articles belong to the tag in ``tagged_articles()``.
    """

    paginate_by = settings.ARCHIVE_PAGE_SIZE
    paginator_class = EstimatingPaginator  # counts the list only when tagged_count() cannot
    filter_parameter = ""

    def get(self, request, *args, **kwargs):
        try:
            self.object = self.get_object(queryset=self.model.objects.all())
        except Http404:
            # A renamed or merged-away slug leads to the tag that holds its articles now.
            moved = RetiredSlug.objects.resolve(self.model, kwargs["slug"])
            if moved is None:
                raise
            query = f"?{request.GET.urlencode()}" if request.GET else ""
            return HttpResponsePermanentRedirect(moved.get_absolute_url() + query)
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        return self.tagged_articles().for_listing().newest()

    def tagged_count(self) -> int | None:
        """How many articles the tag has, counted in its links' index (exact, and without
        reading them); None to have the paginator count the list."""
        return article_count(self.object)

    def get_paginator(self, queryset, per_page, **kwargs):
        return super().get_paginator(queryset, per_page, known_count=self.tagged_count(), **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(
            tag=self.object, filter_parameter=self.filter_parameter, **kwargs
        )
        return {**context, "tally": context["paginator"].tally}


class TagListView(ListView):
    """Outlets, officials or topics, busiest first, fifty to a page."""

    paginate_by = TAG_LIST_PAGE_SIZE

    def get_queryset(self):
        return RankedTags(self.model)


class OutletView(TaggedArticlesView):
    model = Outlet
    filter_parameter = "outlet"
    template_name = "archive/outlet_detail.html"

    def tagged_articles(self):
        return Article.objects.filter(outlet=self.object)


class OfficialView(TaggedArticlesView):
    model = Official
    filter_parameter = "official"
    template_name = "archive/official_detail.html"

    def tagged_articles(self):
        return Article.objects.naming_officials([self.object])


class TopicView(TaggedArticlesView):
    model = Topic
    filter_parameter = "topic"
    template_name = "archive/topic_detail.html"

    def tagged_articles(self):
        return Article.objects.on_topics([self.object])


MAP_LEVELS = {"counties": "county", "states": "state"}


def place_list_summary(states: list) -> dict:
    """What /jurisdictions/ shows of the place tree outside its cached fragments: how many
    states have articles, and those the map cannot draw."""
    return {
        "states_with_articles": sum(1 for entry in states if entry.count),
        "off_map": [entry for entry in states if entry.state.fips not in atlas().states],
    }


def jurisdiction_list(request):
    """Every state with its places, a map shaded by article count, and a search by name.

    The state list and the map are fragments cached until the archive changes, so every
    place's count (some 3,000 places at 100,000 articles) is read from the cache and arranged
    only to draw one of them or to look a place up: done for every request, that was two
    thirds of the page's time.
    """
    counts = SimpleLazyObject(archive_place_counts)
    by_id = SimpleLazyObject(lambda: {place.id: place.count for place in counts})
    # Arranged at most once a request: for the summary and the list when the archive changed.
    states = SimpleLazyObject(lambda: place_tree(counts=counts))
    map_choice = request.GET.get("map") if request.GET.get("map") in MAP_LEVELS else "counties"
    query = request.GET.get("q", "").replace("\x00", "").strip()
    return render(
        request,
        "archive/jurisdiction_list.html",
        {
            "states": states,
            **cached("place-list-summary", lambda: place_list_summary(states)),
            "query": query,
            "found": find_places(query, by_id) if query else None,
            "search_limit": PLACE_SEARCH_LIMIT,
            "map": SimpleLazyObject(lambda: render_map(by_id, level=MAP_LEVELS[map_choice])),
            "archive_version": archive_version(),
            "map_choice": map_choice,
        },
    )


class JurisdictionView(TaggedArticlesView):
    model = Jurisdiction
    filter_parameter = "jurisdiction"
    template_name = "archive/jurisdiction_detail.html"

    def get_object(self, queryset=None):
        return super().get_object(queryset.select_related("parent__parent"))

    def tagged_articles(self):
        return Article.objects.in_jurisdictions([self.object])

    @cached_property
    def figures(self) -> dict:
        return place_figures(self.object, self.tagged_articles())

    def tagged_count(self) -> int | None:
        # A place's articles include those of the places inside it, so no one link index
        # counts them; its figures, kept until the archive changes, do (counting the list
        # afresh was about two thirds of a state's page). None, and the list is counted, for
        # figures kept before they held the count.
        return self.figures.get("article_count")

    def get_context_data(self, **kwargs):
        place = self.object
        return super().get_context_data(
            parent=place.parent,
            kind_label=kind_label(place),
            **self.figures,
            **kwargs,
        )


@never_cache
def healthz(request):
    """200 when the database answers a query, 503 when it does not."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except DatabaseError:
        return HttpResponse("database unavailable\n", status=503, content_type="text/plain")
    return HttpResponse("ok\n", content_type="text/plain")
