"""What the suggester proposed for an article, and what an editor decided about it."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse

from archive.dates import DatePrecision, PartialDate


class SuggestionKind(models.TextChoices):
    JURISDICTION = "jurisdiction", "Place"
    OFFICIAL = "official", "Official"
    OUTLET = "outlet", "Outlet"
    DATE = "date", "Date"


class SuggestionStatus(models.TextChoices):
    PENDING = "pending", "Pending"
    CONFIRMED = "confirmed", "Confirmed"
    REJECTED = "rejected", "Rejected"


class SuggestionQuerySet(models.QuerySet):
    def pending(self) -> "SuggestionQuerySet":
        return self.filter(status=SuggestionStatus.PENDING)

    def for_review(self) -> "SuggestionQuerySet":
        """Everything a row of the review list shows, in a fixed number of queries."""
        return self.select_related("article", "jurisdiction", "official", "outlet")


class Suggestion(models.Model):
    """One proposed tag with the sentence it came from.

    It points at an existing place, official or outlet when the archive has one; otherwise
    ``proposed_name`` (and ``proposed_role`` for an official) say what confirming creates.
    """

    article = models.ForeignKey(
        "archive.Article", on_delete=models.CASCADE, related_name="suggestions"
    )
    kind = models.CharField(max_length=12, choices=SuggestionKind.choices)
    jurisdiction = models.ForeignKey(
        "archive.Jurisdiction", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    official = models.ForeignKey(
        "archive.Official", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    outlet = models.ForeignKey(
        "archive.Outlet", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    proposed_name = models.CharField(
        max_length=200, blank=True, help_text="An official or outlet not yet in the archive."
    )
    proposed_role = models.CharField(max_length=300, blank=True)
    proposed_date = models.DateField(null=True, blank=True)
    date_precision = models.CharField(max_length=5, choices=DatePrecision.choices, blank=True)
    key = models.CharField(
        max_length=300,
        editable=False,
        help_text="What is proposed, normalised: an article gets each proposal once, so a "
        "rejected suggestion is not made again.",
    )
    evidence = models.TextField(help_text="The sentence the suggestion came from.")
    status = models.CharField(
        max_length=10, choices=SuggestionStatus.choices, default=SuggestionStatus.PENDING
    )
    created_at = models.DateTimeField(auto_now_add=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    objects = SuggestionQuerySet.as_manager()

    class Meta:
        ordering = ["article", "kind", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["article", "kind", "key"], name="suggestion_once_per_article"
            ),
            models.CheckConstraint(
                condition=~Q(kind=SuggestionKind.JURISDICTION) | Q(jurisdiction__isnull=False),
                name="suggestion_place_has_place",
            ),
            models.CheckConstraint(
                condition=~Q(kind=SuggestionKind.OFFICIAL)
                | Q(official__isnull=False)
                | ~Q(proposed_name=""),
                name="suggestion_official_has_target",
            ),
            models.CheckConstraint(
                condition=~Q(kind=SuggestionKind.OUTLET)
                | Q(outlet__isnull=False)
                | ~Q(proposed_name=""),
                name="suggestion_outlet_has_target",
            ),
            models.CheckConstraint(
                condition=~Q(kind=SuggestionKind.DATE)
                | (Q(proposed_date__isnull=False) & ~Q(date_precision="")),
                name="suggestion_date_has_date",
            ),
        ]
        indexes = [models.Index(fields=["status", "kind"], name="suggestion_status_kind")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.target_label}"

    def get_absolute_url(self) -> str:
        return reverse("admin:archive_suggestion_change", args=[self.pk])

    @property
    def target_label(self) -> str:
        """What the suggestion proposes, in words an editor reads."""
        if self.kind == SuggestionKind.JURISDICTION and self.jurisdiction:
            return str(self.jurisdiction)
        if self.kind == SuggestionKind.OFFICIAL:
            if self.official:
                return str(self.official)
            role = f" ({self.proposed_role})" if self.proposed_role else ""
            return f"{self.proposed_name}{role} — new"
        if self.kind == SuggestionKind.OUTLET:
            return str(self.outlet) if self.outlet else f"{self.proposed_name} — new"
        if self.kind == SuggestionKind.DATE and self.proposed_date:
            return PartialDate(self.proposed_date, DatePrecision(self.date_precision)).display()
        return self.key
