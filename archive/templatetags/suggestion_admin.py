"""The suggestions shown on an article's admin page."""

from django import template
from django.db.models import Case, When

from archive.suggestions.admin import decide_buttons
from archive.suggestions.models import Suggestion, SuggestionStatus

register = template.Library()


@register.inclusion_tag("admin/archive/article/_suggestions.html")
def article_suggestions(article) -> dict:
    pending_first = Case(When(status=SuggestionStatus.PENDING, then=0), default=1)
    suggestions = Suggestion.objects.filter(article=article).for_review()
    rows = [
        {"suggestion": s, "decision": decide_buttons(s)}
        for s in suggestions.order_by(pending_first, "kind", "pk")
    ]
    return {
        "article": article,
        "rows": rows,
        "pending": sum(1 for r in rows if r["suggestion"].status == SuggestionStatus.PENDING),
    }
