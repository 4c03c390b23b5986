"""What the import pipeline keeps: a record of each run and each article's text fingerprint."""

from django.conf import settings
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
    """That an article's text has been fingerprinted, and how many shingles it has."""

    article = models.OneToOneField(
        "archive.Article", on_delete=models.CASCADE, primary_key=True, related_name="fingerprint"
    )
    shingle_count = models.PositiveIntegerField()

    class Meta:
        ordering = ["article"]

    def __str__(self) -> str:
        return f"Fingerprint of article {self.article_id}"

    def get_absolute_url(self) -> str:
        return reverse("admin:archive_article_change", args=[self.article_id])


class FingerprintBand(models.Model):
    """One LSH band hash of an article's text, a row each, keyed by the hash.

    Two texts that share most of their five-word shingles very likely share a band hash, so
    near-duplicate candidates come from a B-tree probe per band (``band IN (...)``) on the
    primary key. One row per hash, rather than an array per article, gives PostgreSQL exact
    statistics: with an array it has none for never-repeating elements, overestimates the
    matches and scans the whole table.
    """

    pk = models.CompositePrimaryKey("band", "fingerprint")
    band = models.BigIntegerField()
    fingerprint = models.ForeignKey(TextFingerprint, on_delete=models.CASCADE, related_name="bands")

    class Meta:
        ordering = ["band"]

    def __str__(self) -> str:
        return f"Band {self.band} of article {self.fingerprint_id}"

    def get_absolute_url(self) -> str:
        return reverse("admin:archive_article_change", args=[self.fingerprint_id])
