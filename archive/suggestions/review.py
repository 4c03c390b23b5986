"""An editor's decision on a suggestion: confirming makes it a tag, rejecting sets it aside."""

from django.db import transaction
from django.utils import timezone

from archive.dates import DatePrecision, PartialDate
from archive.models import Official, Outlet, unique_slug
from archive.suggestions.models import Suggestion, SuggestionKind, SuggestionStatus
from archive.suggestions.outlets import find_outlet


def _official_for(suggestion: Suggestion) -> Official:
    if suggestion.official:
        return suggestion.official
    # Another confirmation may have created this person since the suggestion was made.
    official = Official.objects.filter(name__iexact=suggestion.proposed_name).first()
    if official is None:
        official = Official.objects.create(
            name=suggestion.proposed_name,
            slug=unique_slug(Official, suggestion.proposed_name),
            role=suggestion.proposed_role,
        )
    suggestion.official = official
    return official


def _outlet_for(suggestion: Suggestion) -> Outlet:
    if suggestion.outlet:
        return suggestion.outlet
    outlet = find_outlet(suggestion.proposed_name)
    if outlet is None:
        outlet = Outlet.objects.create(
            name=suggestion.proposed_name, slug=unique_slug(Outlet, suggestion.proposed_name)
        )
    suggestion.outlet = outlet
    return outlet


@transaction.atomic
def confirm(suggestion: Suggestion, user=None) -> None:
    """Apply the suggestion to its article, creating the official or outlet it proposes."""
    article = suggestion.article
    if suggestion.kind == SuggestionKind.JURISDICTION:
        article.jurisdictions.add(suggestion.jurisdiction)
    elif suggestion.kind == SuggestionKind.OFFICIAL:
        article.officials.add(_official_for(suggestion))
    elif suggestion.kind == SuggestionKind.OUTLET:
        article.outlet = _outlet_for(suggestion)
        article.save(update_fields=["outlet", "updated_at"])
    elif suggestion.kind == SuggestionKind.DATE:
        article.published = PartialDate(
            suggestion.proposed_date, DatePrecision(suggestion.date_precision)
        )
        article.save(update_fields=["published_on", "date_precision", "updated_at"])
    _decide(suggestion, SuggestionStatus.CONFIRMED, user)


def reject(suggestion: Suggestion, user=None) -> None:
    _decide(suggestion, SuggestionStatus.REJECTED, user)


def _decide(suggestion: Suggestion, status: SuggestionStatus, user) -> None:
    suggestion.status = status
    suggestion.decided_at = timezone.now()
    suggestion.decided_by = user if user and user.is_authenticated else None
    suggestion.save()
