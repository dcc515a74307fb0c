"""The review's forms: they validate requests (filters, queries, verdicts) and never save."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils import timezone

from organisations.forms import PlaceFilterForm, with_any
from review.models import QuerySide, Verdict
from review.selectors import QUEUE_STATES, QueueFilters

MAX_TEXT = 5000


class QueueFilterForm(PlaceFilterForm):
    """The queue's filters from the query string; a bad value is reported and filters nothing."""

    field_order = ["q", "state", "region", "org_type", "sector"]

    state = forms.ChoiceField(
        label="State",
        required=False,
        choices=with_any(list(QUEUE_STATES.items()), "Any state"),
        error_messages={"invalid_choice": "Choose a state from the list"},
    )
    has_warnings = forms.ChoiceField(
        label="Warnings in the latest version",
        required=False,
        choices=[("", "Either"), ("yes", "With warnings"), ("no", "Without warnings")],
        error_messages={"invalid_choice": "Choose with or without warnings"},
    )
    reviewer = forms.ChoiceField(
        label="Reviewer",
        required=False,
        error_messages={"invalid_choice": "Choose a reviewer from the list"},
    )
    unanswered = forms.BooleanField(label="Has unanswered queries", required=False)
    late = forms.BooleanField(label="Late", required=False)
    sort = forms.ChoiceField(
        label="Sort by",
        required=False,
        choices=[
            ("action", "Needs action first"),
            ("name", "Name (A to Z)"),
            ("-name", "Name (Z to A)"),
            ("ods", "ODS code"),
            ("state", "State"),
            ("submitted", "Submitted (earliest first)"),
            ("-submitted", "Submitted (latest first)"),
            ("region", "Region"),
        ],
        error_messages={"invalid_choice": "Choose a sort order from the list"},
    )

    def __init__(self, *args: Any, reviewers: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["reviewer"].choices = [  # type: ignore[attr-defined]
            ("", "Anyone or nobody"),
            ("me", "Assigned to me"),
            ("none", "Not assigned"),
            *[(str(user.pk), user.get_full_name() or user.email) for user in reviewers],
        ]

    def filters(self) -> QueueFilters:
        """The valid filters (call after `is_valid`); a field with an error filters nothing."""
        data = getattr(self, "cleaned_data", {})
        return QueueFilters(
            state=data.get("state") or "",
            region=data.get("region") or "",
            org_type=data.get("org_type") or "",
            sector=data.get("sector") or "",
            has_warnings=data.get("has_warnings") or "",
            unanswered=bool(data.get("unanswered")),
            late=bool(data.get("late")),
            reviewer=data.get("reviewer") or "",
            query=(data.get("q") or "").strip(),
        )

    def sort_order(self) -> str:
        """The chosen order; the queue opens on what needs action (`review_queue`)."""
        return getattr(self, "cleaned_data", {}).get("sort") or "action"


class VersionForm(forms.Form):
    """The return's version as the reviewer read it (the optimistic lock)."""

    expected_version = forms.IntegerField(
        min_value=1,
        max_value=2**31 - 1,
        widget=forms.HiddenInput,
        error_messages={
            "required": "The page was out of date: reload it and try again.",
            "invalid": "The page was out of date: reload it and try again.",
            "min_value": "The page was out of date: reload it and try again.",
            "max_value": "The page was out of date: reload it and try again.",
        },
    )


class ReopenForm(VersionForm):
    reason = forms.CharField(
        label="Why are you reopening this return?",
        max_length=MAX_TEXT,
        error_messages={
            "required": "Give the reason for reopening the return",
            "max_length": f"The reason must be {MAX_TEXT:,} characters or fewer",
        },
    )


class QueryForm(VersionForm):
    """Raise a query: about which indicator, the question, and when an answer is due."""

    indicator = forms.TypedChoiceField(
        label="What is the query about?",
        coerce=int,
        empty_value=None,
        required=False,
        choices=[("", "The whole return"), *[(str(k), f"Indicator {k}") for k in range(1, 10)]],
        error_messages={"invalid_choice": "Choose an indicator from the list"},
    )
    text = forms.CharField(
        label="Your question",
        max_length=MAX_TEXT,
        error_messages={
            "required": "Write your question",
            "max_length": f"The question must be {MAX_TEXT:,} characters or fewer",
        },
    )
    needs_change = forms.TypedChoiceField(
        label="Does the organisation need to change the return?",
        choices=[
            ("yes", "Yes: it must change the return, sign it off and submit it again"),
            ("no", "No: a reply to the query is enough"),
        ],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
        error_messages={
            "required": "Choose whether the organisation needs to change the return",
            "invalid_choice": "Choose whether the organisation needs to change the return",
        },
    )
    due_day = forms.CharField(label="Day", required=False, max_length=2)
    due_month = forms.CharField(label="Month", required=False, max_length=2)
    due_year = forms.CharField(label="Year", required=False, max_length=4)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        parts = [str(data.get(f"due_{p}") or "").strip() for p in ("day", "month", "year")]
        if not any(parts):
            self.add_error("due_day", "Enter the date an answer is due")
            return data
        try:
            due = dt.date(int(parts[2]), int(parts[1]), int(parts[0]))
        except ValueError:
            self.add_error("due_day", "The date an answer is due must be a real date")
            return data
        if due < timezone.localdate():
            self.add_error("due_day", "The date an answer is due cannot be in the past")
        elif due > timezone.localdate() + dt.timedelta(days=366):
            self.add_error("due_day", "The date an answer is due must be within a year")
        data["due_on"] = due
        return data


class ReplyForm(forms.Form):
    text = forms.CharField(
        label="Your reply",
        max_length=MAX_TEXT,
        error_messages={
            "required": "Write your reply",
            "max_length": f"The reply must be {MAX_TEXT:,} characters or fewer",
        },
    )


class AssignForm(forms.Form):
    reviewer = forms.ChoiceField(
        label="Reviewer",
        required=False,
        error_messages={"invalid_choice": "Choose a reviewer from the list"},
    )

    def __init__(self, *args: Any, reviewers: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.reviewers = {str(user.pk): user for user in reviewers}
        self.fields["reviewer"].choices = [  # type: ignore[attr-defined]
            ("", "Nobody"),
            *[(pk, user.get_full_name() or user.email) for pk, user in self.reviewers.items()],
        ]

    def chosen_reviewer(self) -> Any:
        return self.reviewers.get(self.cleaned_data.get("reviewer") or "")


class VerdictForm(forms.Form):
    version_number = forms.IntegerField(min_value=1, max_value=2**31 - 1, widget=forms.HiddenInput)
    warning_key = forms.CharField(max_length=100, widget=forms.HiddenInput)
    verdict = forms.ChoiceField(
        label="Is the explanation acceptable?",
        choices=Verdict.choices,
        error_messages={
            "required": "Choose whether the explanation is accepted",
            "invalid_choice": "Choose whether the explanation is accepted",
        },
    )
    comment = forms.CharField(
        label="Comment (needed if not accepted)",
        required=False,
        max_length=2000,
        error_messages={"max_length": "The comment must be 2,000 characters or fewer"},
    )


class ReminderForm(forms.Form):
    token = forms.UUIDField(
        widget=forms.HiddenInput,
        error_messages={
            "required": "The form was out of date: reload the page and try again.",
            "invalid": "The form was out of date: reload the page and try again.",
        },
    )


__all__ = [
    "AssignForm",
    "QueryForm",
    "QuerySide",
    "QueueFilterForm",
    "ReminderForm",
    "ReopenForm",
    "ReplyForm",
    "VerdictForm",
    "VersionForm",
]
