"""Forms of the return: a section's items and explanations, and the sign-off. They validate and
parse what people type ("1,234", " 1 234 ") and never save."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.utils import timezone

from indicators import DEFAULT_CONFIG, Issue, Item
from returns.presenters import DetailField, value_text, warning_key

#: Longest text accepted in a number box (anything longer is not a figure).
MAX_NUMBER_CHARS = 20
MAX_EXPLANATION_CHARS = 5000
#: Fields every form may carry besides its own.
ALWAYS_ALLOWED = frozenset({"csrfmiddlewaretoken", "action"})

_COUNT = re.compile(r"[0-9]{1,3}(?:,[0-9]{3})+|[0-9]+")
_DECIMAL = re.compile(r"[0-9][0-9,]*\.[0-9]*|\.[0-9]+")
_PERCENT = re.compile(r"(?:[0-9]{1,3})(?:\.[0-9]{1,2})?")
_SPACES = re.compile(r"\s+")


def field_name(code: str) -> str:
    """The HTML name of an item's box: its code with dots as hyphens (codes have no hyphens)."""
    return code.replace(".", "-")


def explanation_name(key: str) -> str:
    """The HTML name of a warning's explanation box (its key, made safe for ids)."""
    return "explain-" + key.replace(":", "-").replace(".", "-")


def _text(value: object, label: str) -> str:
    text = "" if value is None else str(value)
    if len(text) > MAX_NUMBER_CHARS:
        raise ValidationError(
            f"{label}: enter a figure of {MAX_NUMBER_CHARS} characters or fewer", code="too_long"
        )
    if "\x00" in text:
        raise ValidationError(f"{label}: enter digits only", code="null_characters")
    return _SPACES.sub("", text)


#: Indicator 3 is often published as a two-year average (such as 8.5), which is not a count.
ONE_YEARS_COUNT = " (enter this year's own count, not a two-year average)"


def parse_count(value: object, label: str, *, decimal_hint: str = "") -> int | None:
    """A headcount typed by a person: digits, with optional thousands commas and spaces.

    Blank is missing (``None``). Anything else (text, decimals, negatives, over the engine's
    maximum) is a `ValidationError` naming the item.
    """
    text = _text(value, label)
    if not text:
        return None
    if text.startswith("-"):
        raise ValidationError(f"{label}: enter 0 or more", code="negative")
    if _DECIMAL.fullmatch(text):
        raise ValidationError(
            f"{label}: enter a whole number, without decimals{decimal_hint}", code="decimal"
        )
    if not _COUNT.fullmatch(text):
        raise ValidationError(f"{label}: enter a whole number, like 1,234", code="invalid")
    count = int(text.replace(",", ""))
    if count > DEFAULT_CONFIG.max_count:
        raise ValidationError(
            f"{label}: enter a number no more than {DEFAULT_CONFIG.max_count:,}", code="too_big"
        )
    return count


def parse_percent(value: object, label: str) -> int | float | None:
    """A Staff Survey percentage from 0 to 100, with up to 2 decimal places ("%" allowed)."""
    text = _text(value, label).removesuffix("%")
    if not text:
        return None
    if text.startswith("-"):
        raise ValidationError(f"{label}: enter a percentage from 0 to 100", code="negative")
    if not _PERCENT.fullmatch(text):
        raise ValidationError(
            f"{label}: enter a percentage from 0 to 100, like 23.5", code="invalid"
        )
    number = float(text) if "." in text else int(text)
    if number > 100:
        raise ValidationError(f"{label}: enter a percentage from 0 to 100", code="too_big")
    return number


class ItemField(forms.Field):
    """One data item's box: text in, a typed value (or ``None``) out."""

    def __init__(self, *, item: Item, **kwargs: Any) -> None:
        self.item = item
        kwargs.setdefault("required", False)
        super().__init__(label=item.label, help_text=item.help_text, **kwargs)

    def to_python(self, value: Any) -> int | float | None:
        if self.item.unit == "percent":
            return parse_percent(value, self.item.label)
        hint = ONE_YEARS_COUNT if self.item.indicator == 3 else ""
        return parse_count(value, self.item.label, decimal_hint=hint)

    def prepare_value(self, value: Any) -> str:
        return value if isinstance(value, str) else value_text(value)


class _StrictForm(forms.Form):
    """A form that refuses fields it does not have, instead of silently ignoring them."""

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        unknown = sorted(set(self.data) - set(self.fields) - ALWAYS_ALLOWED)
        if unknown:
            shown = ", ".join(name[:40] for name in unknown[:3])
            raise ValidationError(
                f"The form sent fields it does not have ({shown}), so nothing was saved. "
                "Reload the page and try again.",
                code="unknown_fields",
            )
        return cleaned


def _version_field() -> forms.IntegerField:
    return forms.IntegerField(
        widget=forms.HiddenInput,
        min_value=1,
        max_value=2**31 - 1,
        error_messages={
            "required": "The page was out of date. Reload it and make your change again.",
            "invalid": "The page was out of date. Reload it and make your change again.",
            "min_value": "The page was out of date. Reload it and make your change again.",
            "max_value": "The page was out of date. Reload it and make your change again.",
        },
    )


def _detail_field(detail: DetailField) -> forms.Field:
    messages = {
        "max_length": f"{detail.label}: enter {detail.max_length:,} characters or fewer",
        "null_characters_not_allowed": f"{detail.label}: remove the characters that are not "
        "allowed",
    }
    if detail.kind == "email":
        return forms.EmailField(
            label=detail.label,
            required=False,
            max_length=detail.max_length,
            help_text=detail.hint,
            error_messages={**messages, "invalid": f"{detail.label}: enter an email address, "
                            "like name@example.nhs.uk"},
        )  # fmt: skip
    if detail.kind == "url":
        return forms.URLField(
            label=detail.label,
            required=False,
            max_length=detail.max_length,
            help_text=detail.hint,
            assume_scheme="https",
            validators=[URLValidator(schemes=["https"])],
            error_messages={**messages, "invalid": f"{detail.label}: enter a web address "
                            "starting https://"},
        )  # fmt: skip
    return forms.CharField(
        label=detail.label,
        required=False,
        max_length=detail.max_length,
        help_text=detail.hint,
        widget=forms.Textarea if detail.kind == "textarea" else forms.TextInput,
        error_messages=messages,
    )


class SectionForm(_StrictForm):
    """One section of the return: its items' boxes, its details, and an explanation box for each
    of its warnings. ``expected_version`` is the version the page was drawn from."""

    def __init__(
        self,
        data: Any = None,
        *,
        items: Sequence[Item] = (),
        details: Sequence[DetailField] = (),
        warnings: Sequence[Issue] = (),
        values: dict[str, object] | None = None,
        detail_values: dict[str, str] | None = None,
        explanations: dict[str, Any] | None = None,
        version: int = 1,
    ) -> None:
        values = values or {}
        detail_values = detail_values or {}
        explanations = explanations or {}
        initial: dict[str, Any] = {"expected_version": version}
        super().__init__(data, initial=initial)
        self.fields["expected_version"] = _version_field()
        self.item_names: dict[str, str] = {}
        for item in items:
            name = field_name(item.code)
            self.fields[name] = ItemField(item=item)
            self.initial[name] = values.get(item.code)
            self.item_names[name] = item.code
        self.detail_names: dict[str, DetailField] = {}
        for detail in details:
            self.fields[detail.name] = _detail_field(detail)
            self.initial[detail.name] = detail_values.get(detail.name, "")
            self.detail_names[detail.name] = detail
        self.warning_names: dict[str, tuple[str, Issue]] = {}
        for issue in warnings:
            key = warning_key(issue)
            name = explanation_name(key)
            if name in self.warning_names:
                continue
            self.fields[name] = forms.CharField(
                label=f"Explain warning {issue.code}",
                required=False,
                max_length=MAX_EXPLANATION_CHARS,
                widget=forms.Textarea,
                error_messages={
                    "max_length": f"Explanation of {issue.code}: enter "
                    f"{MAX_EXPLANATION_CHARS:,} characters or fewer",
                    "null_characters_not_allowed": f"Explanation of {issue.code}: remove the "
                    "characters that are not allowed",
                },
            )
            self.initial[name] = str(explanations.get(key, ""))
            self.warning_names[name] = (key, issue)

    def item_values(self) -> dict[str, object]:
        """Item code -> typed value (``None`` clears it); call after `is_valid`."""
        return {code: self.cleaned_data.get(name) for name, code in self.item_names.items()}

    def explanation_values(self) -> dict[str, str]:
        """Warning key -> explanation; call after `is_valid`."""
        return {
            key: self.cleaned_data.get(name, "") for name, (key, _) in self.warning_names.items()
        }

    def detail_values(self) -> dict[str, str]:
        """Detail name -> text (contact, narrative, links); call after `is_valid`."""
        return {name: self.cleaned_data.get(name, "") or "" for name in self.detail_names}

    def bound_item(self, code: str) -> forms.BoundField:
        return self[field_name(code)]

    def explanation_field(self, issue: Issue) -> forms.BoundField | None:
        name = explanation_name(warning_key(issue))
        return self[name] if name in self.fields else None


class AskApproverForm(_StrictForm):
    """A submitter asks the organisation's approvers to sign the return off (no fields but the
    version the page was drawn from)."""

    expected_version = _version_field()


def _date_part(label: str, low: int, high: int) -> forms.IntegerField:
    message = f"Board approval date: enter a real {label.lower()}"
    return forms.IntegerField(
        label=label,
        required=False,
        min_value=low,
        max_value=high,
        error_messages={"invalid": message, "min_value": message, "max_value": message},
    )


class SignOffForm(_StrictForm):
    """The approver's sign-off: job title, board approval date, publication links and (after the
    deadline) the reason for lateness. The approver's name is their account's."""

    expected_version = _version_field()
    job_title = forms.CharField(
        label="Your job title",
        max_length=200,
        error_messages={
            "required": "Enter your job title",
            "max_length": "Job title: enter 200 characters or fewer",
            "null_characters_not_allowed": "Job title: remove the characters that are not allowed",
        },
    )
    board_day = _date_part("Day", 1, 31)
    board_month = _date_part("Month", 1, 12)
    board_year = _date_part("Year", 2000, 2100)
    report_url = forms.URLField(
        label="Web address of the published WRES report",
        help_text="Starting https://",
        max_length=500,
        assume_scheme="https",
        validators=[URLValidator(schemes=["https"])],
        error_messages={
            "required": "Enter the web address of the published WRES report",
            "invalid": "WRES report: enter a web address starting https://",
            "max_length": "WRES report: enter 500 characters or fewer",
        },
    )
    action_plan_url = forms.URLField(
        label="Web address of the published action plan",
        help_text="Starting https://",
        max_length=500,
        assume_scheme="https",
        validators=[URLValidator(schemes=["https"])],
        error_messages={
            "required": "Enter the web address of the published action plan",
            "invalid": "Action plan: enter a web address starting https://",
            "max_length": "Action plan: enter 500 characters or fewer",
        },
    )
    declaration = forms.BooleanField(
        label=(
            "I have read the whole return on this page, and it is the return the board (or its "
            "committee) approved"
        ),
        error_messages={
            "required": "Confirm that you have read the whole return and that the board approved it"
        },
    )
    late_reason = forms.CharField(
        label="Why is the return late?",
        required=False,
        max_length=MAX_EXPLANATION_CHARS,
        widget=forms.Textarea,
        error_messages={
            "max_length": f"Reason for lateness: enter {MAX_EXPLANATION_CHARS:,} characters or "
            "fewer",
            "null_characters_not_allowed": "Reason for lateness: remove the characters that "
            "are not allowed",
        },
    )

    def __init__(self, data: Any = None, *, late: bool, **kwargs: Any) -> None:
        super().__init__(data, **kwargs)
        self.late = late
        if not late:
            del self.fields["late_reason"]
        else:
            self.fields["late_reason"].required = True
            self.fields["late_reason"].error_messages["required"] = (
                "The deadline has passed: give the reason the return is late"
            )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        parts = [cleaned.get(f"board_{p}") for p in ("day", "month", "year")]
        if any(f"board_{p}" in self.errors for p in ("day", "month", "year")):
            return cleaned
        if None in parts:
            self.add_error(
                "board_day", "Enter the date the board or its committee approved the report"
            )
            return cleaned
        import datetime as dt

        day, month, year = parts
        try:
            approved = dt.date(year, month, day)  # type: ignore[arg-type]
        except ValueError:
            self.add_error("board_day", "Board approval date: enter a real date")
            return cleaned
        if approved > timezone.localdate():
            self.add_error("board_day", "Board approval date: it cannot be in the future")
            return cleaned
        cleaned["board_approved_on"] = approved
        return cleaned
