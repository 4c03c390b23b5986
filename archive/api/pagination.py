"""Page-number pagination with ``next``/``previous`` links, strict about the ``page`` value.

DRF answers any bad page with a 404. A page that is not a whole number of at least 1 is a
mistake in the request, so it gets a 400 naming ``page``; a page past the end is still a 404,
as on the HTML list.
"""

from django.conf import settings
from rest_framework.exceptions import ValidationError
from rest_framework.pagination import PageNumberPagination

from archive.results import ListPaginator
from archive.views import TAG_LIST_PAGE_SIZE

FACET_VALUE_SCHEMA = {
    "type": "object",
    "properties": {
        "slug": {"type": "string", "description": "The value to pass to the parameter."},
        "name": {"type": "string"},
        "count": {
            "type": "integer",
            "nullable": True,
            "description": "Articles in the list with this value alone chosen in its facet; "
            "null for a chosen value outside the facet's ten busiest.",
        },
        "count_exact": {
            "type": "boolean",
            "nullable": True,
            "description": "False when the count is an estimate (the list it is drawn from "
            "has more than 10,000 articles).",
        },
        "selected": {"type": "boolean", "description": "Chosen in the request."},
    },
    "required": ["slug", "name", "count", "count_exact", "selected"],
}
FACETS_SCHEMA = {
    "type": "object",
    "description": "Per facet, its busiest values in the filtered list (the facet's own "
    "parameter left out), like the counts beside the HTML list.",
    "properties": {
        name: {"type": "array", "items": FACET_VALUE_SCHEMA}
        for name in ("outlet", "jurisdiction", "state", "official", "topic")
    },
    "required": ["outlet", "jurisdiction", "state", "official", "topic"],
}


class StrictPageNumberPagination(PageNumberPagination):
    page_size = TAG_LIST_PAGE_SIZE
    invalid_page_message = "There is no such page of results."

    def get_page_number(self, request, paginator):
        number = request.query_params.get(self.page_query_param) or 1
        if number in self.last_page_strings:
            return paginator.num_pages
        try:
            valid = int(number) >= 1
        except (TypeError, ValueError):
            valid = False
        if not valid:
            raise ValidationError({self.page_query_param: ["A page is a whole number from 1."]})
        return number

    def get_paginated_response_schema(self, schema):
        response = super().get_paginated_response_schema(schema)
        # DRF's examples point at a made-up accounts API.
        response["properties"]["next"]["example"] = (
            "https://archive.example.org/api/articles/?page=3"
        )
        response["properties"]["previous"]["example"] = (
            "https://archive.example.org/api/articles/?page=1"
        )
        return response

    def get_schema_operation_parameters(self, view):
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            if parameter["name"] == self.page_query_param:
                # Like the HTML list: empty means the first page, `last` the last one.
                parameter["schema"] = {
                    "anyOf": [
                        {"type": "integer", "minimum": 1},
                        {"type": "string", "enum": ["", "last"]},
                    ]
                }
                parameter["description"] = (
                    "1-based (empty: the first page; `last`: the last one). "
                    "A page past the last one is a 404."
                )
        return parameters


class ArticlePagination(StrictPageNumberPagination):
    """Pages as long as the HTML list's, so page N holds the same articles in both, and
    ending where they do (past an estimated count's end, a 404)."""

    page_size = settings.ARCHIVE_PAGE_SIZE
    django_paginator_class = ListPaginator

    def get_paginated_response_schema(self, schema):
        response = super().get_paginated_response_schema(schema)
        response["properties"]["facets"] = FACETS_SCHEMA
        response["properties"]["count_exact"] = {
            "type": "boolean",
            "description": "False when `count` is an estimate (more than 10,000 articles "
            "match): then it is rounded, and the last page may hold fewer articles or none.",
        }
        response["properties"]["order"] = {
            "type": "string",
            "enum": ["relevance", "headline_first", "newest", "oldest"],
            "description": "The order of the results: `relevance` — every match ranked; "
            "`headline_first` — more than 1,000 matches, so those with the words in the "
            "headline come first (best first, or newest first when there are more than "
            "2,000 of them), then the others newest first; `newest`; `oldest`.",
        }
        response["required"] = [*response.get("required", []), "facets", "count_exact", "order"]
        return response
