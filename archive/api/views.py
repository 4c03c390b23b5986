"""API views. Thin: the FilterSet, the facet counter and the querysets do the work."""

from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
)
from rest_framework import generics

from archive.api.pagination import ArticlePagination, StrictPageNumberPagination
from archive.api.serializers import (
    ArticleDetailSerializer,
    ArticleSerializer,
    JurisdictionSerializer,
    OfficialSerializer,
    OutletSerializer,
    TopicSerializer,
    facets_json,
)
from archive.facets import archive_place_counts, article_facets, with_archive_counts
from archive.filters import ArticleFilter
from archive.models import Article, Jurisdiction
from archive.results import ArticleResults
from archive.search import MAX_QUERY_WORDS


def errors_response(example: dict[str, list[str]]) -> OpenApiResponse:
    return OpenApiResponse(
        response={
            "type": "object",
            "additionalProperties": {"type": "array", "items": {"type": "string"}},
            "example": example,
        },
        description="A parameter could not be used: each key names one, with what was wrong.",
    )


FILTER_ERRORS_RESPONSE = errors_response({"jurisdiction": ["There is no jurisdiction “atlantis”."]})
PAGE_ERRORS_RESPONSE = errors_response({"page": ["A page is a whole number from 1."]})
NOT_FOUND_RESPONSE = OpenApiResponse(
    response={
        "type": "object",
        "properties": {"detail": {"type": "string"}},
        "required": ["detail"],
    },
    description="No such page of results, or no such article.",
)

# Slugs and postal codes are plain strings to the schema: it can say what one looks like but
# not which exist, and an unknown one is a 400 either way. An empty value means no filter.
SLUG_SCHEMA = {"type": "array", "items": {"type": "string"}}
# A date, or empty for no date (what the list page's form sends when a date box is left blank).
DATE_SCHEMA = {"anyOf": [{"type": "string", "format": "date"}, {"type": "string", "enum": [""]}]}


def slug_parameter(name: str, what: str) -> OpenApiParameter:
    return OpenApiParameter(
        name,
        SLUG_SCHEMA,
        description=f"Slug of {what}; repeat the parameter for any of several (OR). "
        "An unknown slug is a 400.",
        explode=True,
        style="form",
    )


# The FilterSet is described to the schema by django-filter's backend; these add what a
# FilterSet cannot say (formats, meanings, examples) to the same parameters.
ARTICLE_PARAMETERS = [
    OpenApiParameter(
        "q",
        str,
        description='Keyword search in web-search syntax: words, "a phrase", `or`, -excluded. '
        f"Any text is accepted; only its first {MAX_QUERY_WORDS} words are used.",
    ),
    slug_parameter("jurisdiction", "a place (a state or county includes the places inside it)"),
    OpenApiParameter(
        "state",
        str,
        description="Two-letter postal code of a state in the archive, e.g. `MD`. Any other "
        "value is a 400.",
    ),
    slug_parameter("outlet", "an outlet"),
    slug_parameter("official", "an official"),
    slug_parameter("topic", "a topic"),
    OpenApiParameter(
        "published_after",
        DATE_SCHEMA,
        description="`YYYY-MM-DD`, inclusive. An article known only to the month or year "
        "counts if that period reaches the date.",
    ),
    OpenApiParameter(
        "published_before",
        DATE_SCHEMA,
        description="`YYYY-MM-DD`, inclusive.",
    ),
    OpenApiParameter(
        "sort",
        {"type": "string", "enum": ["relevance", "newest", "oldest", ""]},
        description="`relevance` (the default with `q`), `newest` (the default without), "
        "`oldest`; empty for the default.",
    ),
]


class ArticleFilterBackend(DjangoFilterBackend):
    """django-filter's backend, keeping the filterset on the view for facets and snippets.

    An invalid filterset is a ValidationError keyed by parameter, which DRF answers with a 400.
    """

    def get_filterset(self, request, queryset, view):
        filterset = super().get_filterset(request, queryset, view)
        view.filterset = filterset
        return filterset


class ArticleListView(generics.ListAPIView):
    """Articles, filtered, searched and ordered exactly as on /articles/, with facet counts."""

    queryset = Article.objects.for_listing().prefetch_related("officials", "topics")
    serializer_class = ArticleSerializer
    filter_backends = [ArticleFilterBackend]
    filterset_class = ArticleFilter
    pagination_class = ArticlePagination

    @extend_schema(
        parameters=ARTICLE_PARAMETERS,
        responses={
            200: ArticleSerializer(many=True),
            400: FILTER_ERRORS_RESPONSE,
            404: NOT_FOUND_RESPONSE,
        },
    )
    def get(self, request, *args, **kwargs):
        self.filter_queryset(self.get_queryset())  # validates the parameters: a 400 if not
        results = ArticleResults(self.filterset, facets=True)
        pages = self.paginator
        results.read_ahead(request.query_params.get(pages.page_query_param), pages.page_size)
        articles = self.paginate_queryset(results)  # with their snippets, as on the HTML list
        response = self.get_paginated_response(
            ArticleSerializer(articles, many=True, context=self.get_serializer_context()).data
        )
        response.data["count_exact"] = results.tally.exact
        response.data["order"] = results.ranking or results.order
        response.data["facets"] = facets_json(article_facets(results))
        return response


class ArticleDetailView(generics.RetrieveAPIView):
    """One article with its body, byline, original URL and the text exactly as collected."""

    queryset = Article.objects.select_related("outlet").prefetch_related(
        "jurisdictions", "officials", "topics"
    )
    serializer_class = ArticleDetailSerializer
    lookup_field = "slug"

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "slug",
                {"type": "string", "pattern": r"^[-a-zA-Z0-9_]+$"},
                OpenApiParameter.PATH,
            )
        ],
        responses={200: ArticleDetailSerializer, 404: NOT_FOUND_RESPONSE},
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)


def list_schema(serializer_class, description: str):
    """The schema of a paginated tag list: its items, and its answers to a bad ``page``."""
    return extend_schema_view(
        get=extend_schema(
            description=description,
            responses={
                200: serializer_class(many=True),
                400: PAGE_ERRORS_RESPONSE,
                404: NOT_FOUND_RESPONSE,
            },
        )
    )


class TagListView(generics.ListAPIView):
    """Outlets, officials or topics in alphabetical order, each with its article count."""

    pagination_class = StrictPageNumberPagination

    def get_queryset(self):
        # Alphabetical rather than busiest first: a new article must not reshuffle the pages
        # a script is walking through. The slug settles two officials of the same name.
        tags = self.serializer_class.Meta.model.objects.order_by("name", "slug")
        return tags.select_related(*self.related) if self.related else tags

    def paginate_queryset(self, queryset):
        return with_archive_counts(super().paginate_queryset(queryset))

    related: tuple[str, ...] = ()


@list_schema(OutletSerializer, "Outlets alphabetically, each with its article count.")
class OutletListView(TagListView):
    serializer_class = OutletSerializer


@list_schema(OfficialSerializer, "Officials alphabetically, with their role and article count.")
class OfficialListView(TagListView):
    serializer_class = OfficialSerializer
    related = ("jurisdiction",)


@list_schema(TopicSerializer, "Topics alphabetically, each with its article count.")
class TopicListView(TagListView):
    serializer_class = TopicSerializer


@list_schema(
    JurisdictionSerializer,
    "States, counties and cities alphabetically; a place's count includes the articles "
    "about the places inside it.",
)
class JurisdictionListView(generics.ListAPIView):
    queryset = Jurisdiction.objects.select_related("parent").order_by("name", "slug")
    serializer_class = JurisdictionSerializer
    pagination_class = StrictPageNumberPagination

    def get_serializer_context(self):
        counts = {p.id: p.count for p in archive_place_counts()}
        return {**super().get_serializer_context(), "place_counts": counts}
