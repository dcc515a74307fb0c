"""Publications (frozen sets of accepted versions made public) and personal API tokens."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class Publication(models.Model):
    """One (re)publication of a collection: which accepted versions became public, and when.

    ``number`` counts 1, 2, ... within the collection; the highest is the one the public sees.
    ``changes`` says what differs from the previous publication of the same collection.
    Each publication also builds the *release*: every collection's current publication as one
    wide table (``release_file``) with its suppression mask, and the national aggregates, so
    that downloads and the API read stored figures, not drafts and not per-request sums.
    """

    collection = models.ForeignKey(
        "returns.Collection", on_delete=models.PROTECT, related_name="publications"
    )
    number = models.PositiveIntegerField()
    published_at = models.DateTimeField()
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    system_actor = models.CharField(max_length=100, blank=True)
    return_count = models.PositiveIntegerField(default=0)
    changes = models.JSONField(default=dict, help_text="What changed since the previous one.")
    release_file = models.CharField(max_length=255, blank=True, editable=False)
    release_sha256 = models.CharField(max_length=64, blank=True, editable=False)
    aggregates = models.JSONField(default=dict, blank=True, editable=False)
    aggregates_from = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        editable=False,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="The earlier publication whose returns this year's public aggregates still "
        "use (fewer than 3 organisations differ); empty when they use this one's.",
    )

    class Meta:
        ordering = ("-published_at", "-pk")
        constraints = [
            models.UniqueConstraint(
                fields=("collection", "number"), name="publication_number_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.collection} publication {self.number}"

    @property
    def aggregates_basis(self) -> Publication:
        """The publication whose returns the year's public aggregates are pooled from."""
        return self.aggregates_from or self


class PublishedReturn(models.Model):
    """One organisation's version as published: the frozen snapshot, one row per organisation."""

    publication = models.ForeignKey(
        Publication, on_delete=models.PROTECT, related_name="published_returns"
    )
    organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.PROTECT, related_name="+"
    )
    version = models.ForeignKey("returns.ReturnVersion", on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ("publication", "organisation")
        constraints = [
            models.UniqueConstraint(
                fields=("publication", "organisation"), name="one_published_return_per_organisation"
            )
        ]

    def __str__(self) -> str:
        return f"{self.publication}: {self.organisation_id} v{self.version_id}"


class ApiToken(models.Model):
    """A personal API token: only its SHA-256 is stored; the token is shown once."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField(max_length=100)
    prefix = models.CharField(max_length=12, help_text="The first characters, to recognise it.")
    key_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ("-created_at", "-pk")

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}...)"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None
