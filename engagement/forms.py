"""The engagement app's forms: they validate what people send (filters, engagements, actions,
case studies) and never save. Every error names its field, so the error summary can link it."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.core.validators import URLValidator
from django.utils import timezone

from engagement.models import (
    INDICATOR_NAMES,
    INDICATORS,
    RL_INDICATORS,
    ActionStatus,
    EngagementKind,
    Origin,
)
from organisations.forms import with_any
from organisations.models import Organisation, OrganisationType, Region

MAX_TEXT = 5000
INDICATOR_CHOICES = [(str(k), f"Indicator {k}: {INDICATOR_NAMES[k]}") for k in INDICATORS]
RL_INDICATOR_CHOICES = [(str(k), f"Indicator {k}: {INDICATOR_NAMES[k]}") for k in RL_INDICATORS]


def _text(label: str, *, required: bool = True, max_length: int = MAX_TEXT) -> forms.CharField:
    return forms.CharField(
        label=label,
        required=required,
        max_length=max_length,
        widget=forms.Textarea if max_length > 200 else forms.TextInput,
        error_messages={
            "required": f"{label}: enter it",
            "max_length": f"{label}: enter {max_length:,} characters or fewer",
            "null_characters_not_allowed": f"{label}: remove the characters that are not allowed",
        },
    )


def _date_part(what: str, part: str, low: int, high: int) -> forms.IntegerField:
    message = f"{what}: enter a real {part.lower()}"
    return forms.IntegerField(
        label=part,
        required=False,
        min_value=low,
        max_value=high,
        error_messages={"invalid": message, "min_value": message, "max_value": message},
    )


class DatePartsMixin:
    """A date typed as day, month and year (the NHS.UK date input): fields ``<prefix>_day``,
    ``_month``, ``_year``; the date lands in ``cleaned_data[<prefix>]``, an error on the day."""

    date_prefix = "date"
    date_label = "Date"
    date_required = True
    earliest = dt.date(2010, 1, 1)
    latest_years_ahead = 0  # how far after today the date may be, in years

    def clean_date_parts(self, cleaned: dict[str, Any]) -> None:
        prefix, what = self.date_prefix, self.date_label
        names = [f"{prefix}_{p}" for p in ("day", "month", "year")]
        errors = self.errors  # type: ignore[attr-defined]
        if any(name in errors for name in names):
            return
        parts = [cleaned.get(name) for name in names]
        if all(p is None for p in parts):
            if self.date_required:
                self.add_error(names[0], f"Enter the {what.lower()}")  # type: ignore[attr-defined]
            cleaned[prefix] = None
            return
        if None in parts:
            self.add_error(  # type: ignore[attr-defined]
                names[0], f"{what}: enter a day, a month and a year"
            )
            return
        day, month, year = parts
        try:
            value = dt.date(year, month, day)  # type: ignore[arg-type]
        except ValueError:
            self.add_error(names[0], f"{what}: enter a real date")  # type: ignore[attr-defined]
            return
        today = timezone.localdate()
        ahead = self.latest_years_ahead
        latest = dt.date(today.year + ahead, 12, 31) if ahead else today
        if value < self.earliest:
            self.add_error(  # type: ignore[attr-defined]
                names[0], f"{what}: enter a date from {self.earliest:%Y} onwards"
            )
        elif value > latest:
            message = (
                f"{what}: it cannot be in the future"
                if self.latest_years_ahead == 0
                else f"{what}: enter a date within {self.latest_years_ahead} years"
            )
            self.add_error(names[0], message)  # type: ignore[attr-defined]
        else:
            cleaned[prefix] = value


class RadioSelect(forms.RadioSelect):
    """Radios whose label id is the first radio's, so the error summary can link to it."""

    def id_for_label(self, id_: str, index: str | None = "0") -> str:
        return f"{id_}_{index or 0}" if id_ else ""


class CheckboxSelectMultiple(forms.CheckboxSelectMultiple):
    """Checkboxes whose label id is the first box's, so the error summary can link to it."""

    def id_for_label(self, id_: str, index: str | None = "0") -> str:
        return f"{id_}_{index or 0}" if id_ else ""


def organisation_field() -> forms.ModelChoiceField[Organisation]:
    return forms.ModelChoiceField(
        label="Organisation",
        queryset=Organisation.objects.filter(closed_on__isnull=True).order_by("name"),
        to_field_name="ods_code",
        empty_label="Choose an organisation",
        error_messages={
            "required": "Choose the organisation",
            "invalid_choice": "Choose an organisation from the list",
        },
    )


class EngagementForm(DatePartsMixin, forms.Form):
    """An engagement: organisation (when recording), date, kind, origin, indicators, notes."""

    date_prefix = "held_on"
    date_label = "Date of the engagement"

    organisation = organisation_field()
    held_on_day = _date_part("Date of the engagement", "Day", 1, 31)
    held_on_month = _date_part("Date of the engagement", "Month", 1, 12)
    held_on_year = _date_part("Date of the engagement", "Year", 2000, 2100)
    kind = forms.ChoiceField(
        label="Kind of engagement",
        choices=EngagementKind.choices,
        widget=RadioSelect,
        error_messages={
            "required": "Choose the kind of engagement",
            "invalid_choice": "Choose a kind of engagement from the list",
        },
    )
    origin = forms.ChoiceField(
        label="How did it come about?",
        choices=Origin.choices,
        widget=RadioSelect,
        error_messages={
            "required": "Say whether the engagement was requested or targeted by need",
            "invalid_choice": "Choose requested or targeted by need",
        },
    )
    indicators = forms.MultipleChoiceField(
        label="Indicators it addressed",
        choices=INDICATOR_CHOICES,
        widget=CheckboxSelectMultiple,
        error_messages={
            "required": "Choose at least one indicator the engagement addressed",
            "invalid_choice": "Choose indicators from the list",
            "invalid_list": "Choose indicators from the list",
        },
    )
    people_present = _text("People present (roles, not names)", required=False, max_length=2000)
    follow_up = _text("Follow-up notes", required=False)

    def __init__(self, *args: Any, with_organisation: bool = True, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not with_organisation:
            del self.fields["organisation"]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        self.clean_date_parts(cleaned)
        if "indicators" in cleaned:
            cleaned["indicators"] = sorted(int(k) for k in cleaned["indicators"])
        return cleaned


class ActionForm(DatePartsMixin, forms.Form):
    """An action agreed at an engagement (the WRES team adds and edits them)."""

    date_prefix = "due_on"
    date_label = "Due date"
    latest_years_ahead = 5
    earliest = dt.date(2010, 1, 1)

    description = _text("What is to be done", max_length=2000)
    owner_role = _text("Owner (a role, not a name)", max_length=200)
    due_on_day = _date_part("Due date", "Day", 1, 31)
    due_on_month = _date_part("Due date", "Month", 1, 12)
    due_on_year = _date_part("Due date", "Year", 2000, 2100)
    status = forms.ChoiceField(
        label="Status",
        choices=ActionStatus.choices,
        error_messages={
            "required": "Choose the action's status",
            "invalid_choice": "Choose a status from the list",
        },
    )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        self.clean_date_parts(cleaned)
        return cleaned


class ActionStatusForm(forms.Form):
    """The organisation updates an action's status."""

    status = forms.ChoiceField(
        label="Status",
        choices=ActionStatus.choices,
        error_messages={
            "required": "Choose the action's status",
            "invalid_choice": "Choose a status from the list",
        },
    )


def _url_field(label: str) -> forms.URLField:
    return forms.URLField(
        label=label,
        required=False,
        max_length=500,
        assume_scheme="https",
        help_text="Starting https:// or http://",
        validators=[URLValidator(schemes=["http", "https"])],
        error_messages={
            "invalid": f"{label}: enter a web address starting https:// or http://",
            "max_length": f"{label}: enter 500 characters or fewer",
        },
    )


class CaseStudyForm(forms.Form):
    """A sustained improver's case study for the practice library."""

    organisation = organisation_field()
    indicator = forms.TypedChoiceField(
        label="Indicator",
        choices=RL_INDICATOR_CHOICES,
        coerce=int,
        error_messages={
            "required": "Choose the indicator the organisation improved on",
            "invalid_choice": "Choose indicator 2, 3 or 4",
        },
    )
    summary = _text("What the organisation did")
    contact_role = _text("Contact (a role, not a name)", max_length=200)
    report_url = _url_field("Web address of the published WRES report")
    action_plan_url = _url_field("Web address of the published action plan")

    def __init__(self, *args: Any, with_organisation: bool = True, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not with_organisation:
            del self.fields["organisation"]


class EngagementFilterForm(forms.Form):
    """The engagement list's filters from the query string; a bad value is reported and filters
    nothing."""

    region = forms.ChoiceField(
        label="NHS England region",
        required=False,
        choices=with_any(Region.choices, "All regions"),
        error_messages={"invalid_choice": "Choose a region from the list"},
    )
    org_type = forms.ChoiceField(
        label="Organisation type",
        required=False,
        choices=with_any(OrganisationType.choices, "All types"),
        error_messages={"invalid_choice": "Choose a type from the list"},
    )
    indicator = forms.ChoiceField(
        label="Indicator addressed",
        required=False,
        choices=with_any(INDICATOR_CHOICES, "Any indicator"),
        error_messages={"invalid_choice": "Choose an indicator from the list"},
    )
    action_status = forms.ChoiceField(
        label="Status of its actions",
        required=False,
        choices=with_any([*ActionStatus.choices, ("none", "No actions")], "Any"),
        error_messages={"invalid_choice": "Choose a status from the list"},
    )

    def filters(self) -> dict[str, str]:
        """The valid filters (call after ``is_valid``); a field with an error filters nothing."""
        data = getattr(self, "cleaned_data", {})
        return {name: data.get(name) or "" for name in self.fields}
