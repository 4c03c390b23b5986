"""What the import pipeline keeps: a record of each run and each article's text fingerprint."""

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex
from django.db import models
from django.urls import reverse


class ImportOrigin(models.TextChoices):
    COMMAND = "command", "import_articles command"
    ADMIN = "admin", "Admin upload"


class ImportRun(models.Model):
    """One import, as it was reported: who ran it, the counts, and what happened to each source."""

    started_at = models.DateTimeField(auto_now_add=True)
    origin = models.CharField(max_length=10, choices=ImportOrigin.choices)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    update = models.BooleanField(
        "updated existing articles", default=False, help_text="Run with --update."
    )
    created = models.PositiveIntegerField(default=0)
    updated = models.PositiveIntegerField(default=0)
    unchanged = models.PositiveIntegerField(default=0)
    duplicates = models.PositiveIntegerField(
        default=0, help_text="Near-duplicates of articles already in the archive, not imported."
    )
    failed = models.PositiveIntegerField(default=0)
    outcomes = models.JSONField(
        default=list, help_text="One entry per source: its name, what happened and why."
    )

    class Meta:
        ordering = ["-started_at", "-pk"]

    def __str__(self) -> str:
        return f"Import of {self.started_at:%Y-%m-%d %H:%M} ({self.summary})"

    def get_absolute_url(self) -> str:
        return reverse("admin:archive_importrun_change", args=[self.pk])

    @property
    def summary(self) -> str:
        return (
            f"{self.created} created, {self.updated} updated, {self.unchanged} unchanged, "
            f"{self.duplicates} duplicates, {self.failed} failed"
        )


class TextFingerprint(models.Model):
    """LSH band hashes of an article's word shingles, for finding near-duplicates by index.

    Two texts that share most of their five-word shingles very likely share at least one band
    hash, so candidates come from one GIN-indexed overlap query (``bands && ARRAY[...]``)
    instead of a comparison with every body in the archive.
    """

    article = models.OneToOneField(
        "archive.Article", on_delete=models.CASCADE, primary_key=True, related_name="fingerprint"
    )
    bands = ArrayField(models.BigIntegerField())
    shingle_count = models.PositiveIntegerField()

    class Meta:
        ordering = ["article"]
        indexes = [GinIndex(fields=["bands"], name="fingerprint_bands")]

    def __str__(self) -> str:
        return f"Fingerprint of article {self.article_id}"

    def get_absolute_url(self) -> str:
        return reverse("admin:archive_article_change", args=[self.article_id])
