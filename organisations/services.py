"""Writes to the organisation register: the ODS import and the demo organisations."""

from dataclasses import dataclass, field

from django.db import transaction

from organisations.eric import TrustTypeRow
from organisations.models import (
    SECTOR_OF_TRUST_TYPE,
    Organisation,
    OrganisationType,
    TrustTypeRecord,
)
from organisations.names import display_name
from organisations.ods import OdsRow, infer_sector
from organisations.successions import Succession

# Copied from the register as they are. The name people read (``name``) follows the register's
# name (``register_name``) only when that changes, so a correction an admin made is kept.
_SYNCED_FIELDS = (
    "region",
    "parent_icb_code",
    "address",
    "postcode",
    "opened_on",
    "closed_on",
)


@dataclass
class ImportReport:
    """What an import did, for the command's summary."""

    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    closed: list[str] = field(default_factory=list)
    unchanged: int = 0
    skipped_outside_england: int = 0

    def summary(self) -> str:
        return (
            f"{len(self.created)} created, {len(self.updated)} updated, "
            f"{len(self.closed)} closed, {self.unchanged} unchanged, "
            f"{self.skipped_outside_england} outside England skipped"
        )


@transaction.atomic
def organisation_import_register(
    *, rows: list[OdsRow], org_type: str = OrganisationType.NHS_TRUST
) -> ImportReport:
    """Creates or updates one organisation per register row, in one transaction.

    Idempotent: a second run of the same rows changes nothing. A sector an admin set is kept.
    The register's name is kept as given (``register_name``); the name people read is its title
    case (``organisations.names.display_name``), set when the register's name is new or changed.
    Organisations missing from the file are left as they are (the register marks closures with
    a close date, not by omission).
    """
    report = ImportReport()
    english = [row for row in rows if row.in_england]
    report.skipped_outside_england = len(rows) - len(english)
    existing = Organisation.objects.in_bulk(
        [row.ods_code for row in english], field_name="ods_code"
    )
    to_create: list[Organisation] = []
    for row in english:
        values = {name: getattr(row, name) for name in _SYNCED_FIELDS}
        values["register_name"] = row.name
        organisation = existing.get(row.ods_code)
        if organisation is None:
            created = Organisation(
                ods_code=row.ods_code,
                org_type=org_type,
                sector=infer_sector(row.name),
                name=display_name(row.name),
                **values,
            )
            created.refresh_search_name()  # bulk_create does not call save()
            to_create.append(created)
            report.created.append(row.ods_code)
            continue
        if organisation.register_name != row.name:
            values["name"] = display_name(row.name)
        if not organisation.sector_set_by_admin and not organisation.trust_type:
            values["sector"] = infer_sector(row.name) or organisation.sector
        changed = [name for name, value in values.items() if getattr(organisation, name) != value]
        if not changed:
            report.unchanged += 1
            continue
        if "closed_on" in changed and organisation.closed_on is None:
            report.closed.append(row.ods_code)
        for name in changed:
            setattr(organisation, name, values[name])
        organisation.save(update_fields=[*changed, "updated_at"])
        report.updated.append(row.ods_code)
    Organisation.objects.bulk_create(to_create)
    return report


@dataclass
class TrustTypeReport:
    """What a trust type import did."""

    created: int = 0
    updated: int = 0
    unchanged: int = 0
    kept_admin: int = 0
    unknown: set[str] = field(default_factory=set)
    organisations: set[str] = field(default_factory=set)

    def summary(self) -> str:
        return (
            f"{self.created} trust type years created, {self.updated} updated, "
            f"{self.unchanged} unchanged, {self.kept_admin} kept as an admin set them; "
            f"{len(self.organisations)} organisations' current type set; "
            f"{len(self.unknown)} codes not in the register skipped"
        )


@transaction.atomic
def organisation_import_trust_types(*, rows: list[TrustTypeRow]) -> TrustTypeReport:
    """Records each organisation's ERIC trust type by year, in one transaction (idempotent).

    An organisation's current ``trust_type`` is the type of its latest year; it sets the sector,
    which stops being inferred from the name. What an admin corrected (a year's type, or the
    current type) is kept. Codes the register does not hold (closed trusts, say) are skipped and
    counted.
    """
    report = TrustTypeReport()
    organisations = Organisation.objects.in_bulk(
        sorted({row.ods_code for row in rows}), field_name="ods_code"
    )
    records = {
        (r.organisation_id, r.year): r
        for r in TrustTypeRecord.objects.filter(
            organisation__in=[o.pk for o in organisations.values()]
        )
    }
    touched: set[int] = set()
    for row in rows:
        organisation = organisations.get(row.ods_code)
        if organisation is None:
            report.unknown.add(row.ods_code)
            continue
        record = records.get((organisation.pk, row.year))
        if record is None:
            records[(organisation.pk, row.year)] = TrustTypeRecord.objects.create(
                organisation=organisation, year=row.year, trust_type=row.trust_type,
                source=row.source,
            )  # fmt: skip
            report.created += 1
        elif record.set_by_admin:
            report.kept_admin += 1
        elif (record.trust_type, record.source) == (row.trust_type, row.source):
            report.unchanged += 1
        else:
            record.trust_type, record.source = row.trust_type, row.source
            record.save(update_fields=["trust_type", "source"])
            report.updated += 1
        touched.add(organisation.pk)
    latest: dict[int, TrustTypeRecord] = {}
    for (organisation_id, _), record in sorted(records.items()):
        if organisation_id in touched:
            latest[organisation_id] = record  # sorted by year: the last is the latest
    for organisation in organisations.values():
        record = latest.get(organisation.pk)
        if record is None or organisation.trust_type_set_by_admin:
            continue
        organisation_trust_type_apply(organisation, record.trust_type, record.year)
        report.organisations.add(organisation.ods_code)
    return report


def organisation_trust_type_apply(organisation: Organisation, trust_type: str, year: int) -> None:
    """Sets an organisation's current trust type, and the sector it implies (unless an admin
    chose the sector)."""
    values: dict[str, object] = {"trust_type": trust_type, "trust_type_year": year}
    if not organisation.sector_set_by_admin:
        values["sector"] = SECTOR_OF_TRUST_TYPE.get(trust_type, "")
    changed = [name for name, value in values.items() if getattr(organisation, name) != value]
    for name in changed:
        setattr(organisation, name, values[name])
    if changed:
        organisation.save(update_fields=[*changed, "updated_at"])


@dataclass
class SuccessionReport:
    linked: int = 0
    unchanged: int = 0
    outside_register: int = 0

    def summary(self) -> str:
        return (
            f"{self.linked} successions linked, {self.unchanged} already linked, "
            f"{self.outside_register} with an organisation not in the register skipped"
        )


@transaction.atomic
def organisation_import_successions(*, rows: list[Succession]) -> SuccessionReport:
    """Links each successor to its predecessors where both are in the register (idempotent).

    The file covers every kind of organisation since the 1990s; only successions between
    organisations the portal holds are kept, and links are never removed by an import.
    """
    report = SuccessionReport()
    codes = {row.predecessor for row in rows} | {row.successor for row in rows}
    known = dict(Organisation.objects.filter(ods_code__in=codes).values_list("ods_code", "pk"))
    link = Organisation.predecessors.through
    existing = set(
        link.objects.filter(from_organisation_id__in=known.values()).values_list(
            "from_organisation_id", "to_organisation_id"
        )
    )
    new = []
    for row in rows:
        successor, predecessor = known.get(row.successor), known.get(row.predecessor)
        if successor is None or predecessor is None:
            report.outside_register += 1
            continue
        if (successor, predecessor) in existing:
            report.unchanged += 1
            continue
        existing.add((successor, predecessor))
        new.append(link(from_organisation_id=successor, to_organisation_id=predecessor))
        report.linked += 1
    link.objects.bulk_create(new)
    return report


@dataclass(frozen=True)
class DemoOrganisation:
    ods_code: str
    name: str
    org_type: str
    region: str
    is_demo: bool


# Real ICBs (public ODS data) and made-up independent providers: the demo attaches synthetic
# WRES figures to them, and no real company should appear to have reported those.
DEMO_ORGANISATIONS: tuple[DemoOrganisation, ...] = (
    DemoOrganisation("QMJ", "NHS North Central London Integrated Care Board", "icb", "Y56", False),
    DemoOrganisation("QKK", "NHS South East London Integrated Care Board", "icb", "Y56", False),
    DemoOrganisation("QWE", "NHS South West London Integrated Care Board", "icb", "Y56", False),
    DemoOrganisation("QOP", "NHS Greater Manchester Integrated Care Board", "icb", "Y62", False),
    DemoOrganisation(
        "QHM", "NHS North East and North Cumbria Integrated Care Board", "icb", "Y63", False
    ),
    DemoOrganisation("NDM01", "Demo Community Care Partners Ltd", "independent", "Y59", True),
    DemoOrganisation("NDM02", "Demo Surgical Hospitals Ltd", "independent", "Y60", True),
    DemoOrganisation("NDM03", "Demo Rehabilitation Services CIC", "independent", "Y58", True),
)


@transaction.atomic
def organisation_seed_demo() -> int:
    """Adds the demo ICBs and independent providers where missing; returns how many it created."""
    created = 0
    for demo in DEMO_ORGANISATIONS:
        _, was_created = Organisation.objects.get_or_create(
            ods_code=demo.ods_code,
            defaults={
                "name": demo.name,
                "org_type": demo.org_type,
                "region": demo.region,
                "is_demo": demo.is_demo,
            },
        )
        created += was_created
    return created
