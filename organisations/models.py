"""An organisation that submits (or oversees) WRES returns, as known to the ODS register."""

from typing import Any

from django.conf import settings
from django.db import models

from organisations.names import search_key


class OrganisationType(models.TextChoices):
    NHS_TRUST = "nhs_trust", "NHS trust"
    ICB = "icb", "Integrated care board"
    INDEPENDENT = "independent", "Independent provider"
    NATIONAL = "national", "National body"
    OTHER = "other", "Other"


class Sector(models.TextChoices):
    ACUTE = "acute", "Acute"
    MENTAL_HEALTH = "mental_health", "Mental health and learning disability"
    COMMUNITY = "community", "Community"
    AMBULANCE = "ambulance", "Ambulance"
    SPECIALIST = "specialist", "Specialist"
    COMBINED = "combined", "Combined"


class TrustType(models.TextChoices):
    """ERIC's trust types (Estates Returns Information Collection, NHS England)."""

    ACUTE_TEACHING = "acute_teaching", "Acute: teaching"
    ACUTE_LARGE = "acute_large", "Acute: large"
    ACUTE_MEDIUM = "acute_medium", "Acute: medium"
    ACUTE_SMALL = "acute_small", "Acute: small"
    ACUTE_SPECIALIST = "acute_specialist", "Acute: specialist"
    ACUTE_MULTI_SERVICE = "acute_multi_service", "Acute: multi-service"
    MENTAL_HEALTH = "mental_health_ld", "Mental health and learning disability"
    COMMUNITY = "community", "Community"
    AMBULANCE = "ambulance", "Ambulance"
    CARE_TRUST = "care_trust", "Care trust"
    INDEPENDENT = "independent", "Independent sector"


#: The sector each trust type belongs to (breakdowns and filters by sector follow ERIC).
SECTOR_OF_TRUST_TYPE: dict[str, str] = {
    TrustType.ACUTE_TEACHING: "acute",
    TrustType.ACUTE_LARGE: "acute",
    TrustType.ACUTE_MEDIUM: "acute",
    TrustType.ACUTE_SMALL: "acute",
    TrustType.ACUTE_MULTI_SERVICE: "acute",
    TrustType.ACUTE_SPECIALIST: "specialist",
    TrustType.MENTAL_HEALTH: "mental_health",
    TrustType.COMMUNITY: "community",
    TrustType.AMBULANCE: "ambulance",
    TrustType.CARE_TRUST: "combined",
    TrustType.INDEPENDENT: "",
}


class Region(models.TextChoices):
    """NHS England regions, by their ODS codes. Wales (W00) is outside the collection."""

    LONDON = "Y56", "London"
    SOUTH_WEST = "Y58", "South West"
    SOUTH_EAST = "Y59", "South East"
    MIDLANDS = "Y60", "Midlands"
    EAST_OF_ENGLAND = "Y61", "East of England"
    NORTH_WEST = "Y62", "North West"
    NORTH_EAST_AND_YORKSHIRE = "Y63", "North East and Yorkshire"


#: Room for a name's search key, which may be longer than the name ("&" reads "and").
SEARCH_NAME_LENGTH = 500


class Organisation(models.Model):
    """One organisation, keyed by its ODS code."""

    ods_code = models.CharField("ODS code", max_length=10, unique=True)
    name = models.CharField(
        max_length=255,
        help_text="As people read it (title case). The ODS import sets it from the register's "
        "name when that changes; an admin may correct it.",
    )
    register_name = models.CharField(
        "name in the ODS register",
        max_length=255,
        blank=True,
        # A database default too: code from before this field (a rolling deploy, an old
        # migration's state) can still insert an organisation.
        default="",
        db_default="",
        help_text="Exactly as the register gives it (in capitals), for reconciliation. "
        "Empty for organisations not in the register.",
    )
    search_name = models.CharField(
        max_length=SEARCH_NAME_LENGTH,
        blank=True,
        default="",
        db_default="",
        editable=False,
        help_text="The name reduced for searching (organisations.names.search_key), kept on save.",
    )
    org_type = models.CharField(
        "type", max_length=20, choices=OrganisationType.choices, default=OrganisationType.NHS_TRUST
    )
    sector = models.CharField(
        max_length=20,
        choices=Sector.choices,
        blank=True,
        help_text="For NHS trusts. Inferred from the name where it is plain; an admin may set it.",
    )
    sector_set_by_admin = models.BooleanField(
        default=False, help_text="Set when an admin chose the sector; the ODS import keeps it."
    )
    trust_type = models.CharField(
        max_length=20,
        choices=TrustType.choices,
        blank=True,
        db_default="",  # rows written by code from before the column keep working
        help_text="ERIC's trust type, for NHS trusts (the latest year known); sets the sector.",
    )
    trust_type_year = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        help_text="The financial year of the trust type, by its first year (2023: 2023/24).",
    )
    trust_type_set_by_admin = models.BooleanField(
        default=False,
        db_default=False,
        help_text="Set when an admin corrected the trust type; imports keep it.",
    )
    region = models.CharField("NHS England region", max_length=3, choices=Region.choices)
    parent_icb_code = models.CharField("ICB code", max_length=10, blank=True)
    address = models.CharField(max_length=500, blank=True)
    postcode = models.CharField(max_length=10, blank=True)
    opened_on = models.DateField("open date", null=True, blank=True)
    closed_on = models.DateField("close date", null=True, blank=True)
    predecessors = models.ManyToManyField(
        "self",
        symmetrical=False,
        related_name="successors",
        blank=True,
        help_text="Organisations this one took over (mergers keep time series joined).",
    )
    is_demo = models.BooleanField(
        default=False, help_text="Made up for the demonstration; not in the ODS register."
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ("name",)
        indexes = [
            models.Index(fields=("region", "org_type", "sector")),
            models.Index(fields=("name",)),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(closed_on__isnull=True)
                | models.Q(opened_on__isnull=True)
                | models.Q(closed_on__gte=models.F("opened_on")),
                name="organisation_closes_after_opening",
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.ods_code})"

    def save(self, *args: Any, **kwargs: Any) -> None:
        # The search key follows the name however the name is saved (admin, import, demo).
        self.refresh_search_name()
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "name" in update_fields:
            kwargs["update_fields"] = {*update_fields, "search_name"}
        super().save(*args, **kwargs)

    def refresh_search_name(self) -> None:
        """Sets ``search_name`` from ``name`` (``save`` does it; ``bulk_create`` does not)."""
        self.search_name = search_key(self.name)[:SEARCH_NAME_LENGTH]

    @property
    def is_open(self) -> bool:
        return self.closed_on is None


class TrustTypeRecord(models.Model):
    """An organisation's ERIC trust type in one financial year (the history behind
    ``Organisation.trust_type``)."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="trust_type_records"
    )
    year = models.PositiveSmallIntegerField(
        help_text="The financial year, by its first year (2023 for 2023/24)."
    )
    trust_type = models.CharField(max_length=20, choices=TrustType.choices)
    source = models.CharField(max_length=300, blank=True)
    set_by_admin = models.BooleanField(default=False)

    class Meta:
        ordering = ("organisation", "year")
        constraints = [
            models.UniqueConstraint(
                fields=("organisation", "year"), name="one_trust_type_per_organisation_year"
            )
        ]

    def __str__(self) -> str:
        return f"{self.organisation_id} {self.year}: {self.trust_type}"


class Role(models.TextChoices):
    """What a member may do for an organisation."""

    SUBMITTER = "submitter", "Submitter"
    APPROVER = "approver", "Approver"
    VIEWER = "viewer", "Viewer"


class Membership(models.Model):
    """A person acting for an organisation, with one role."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(max_length=20, choices=Role.choices)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ("organisation__name",)
        constraints = [
            models.UniqueConstraint(
                fields=("user", "organisation"), name="one_membership_per_user_and_organisation"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user}: {self.get_role_display()} of {self.organisation.ods_code}"
