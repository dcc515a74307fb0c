"""URLs of the task list, section forms, sign-off and submission."""

import re

from django.urls import URLPattern, path, register_converter

import organisations.urls  # noqa: F401 - registers the `ods` converter
from submissions.presenters import SECTIONS
from submissions.views import returns, signoff


class SectionConverter:
    """Only the task list's section slugs, so that other paths under a return (uploads) are free."""

    regex = "|".join(re.escape(section.slug) for section in SECTIONS)

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(SectionConverter, "return_section")

RETURN = "<ods:ods_code>/<int:year>/"

urlpatterns: list[URLPattern] = [
    path("", returns.return_list_view, name="list"),
    path(RETURN, returns.return_task_list_view, name="task_list"),
    path(RETURN + "check/", returns.return_check_view, name="check"),
    path(RETURN + "sign-off/", signoff.return_sign_off_view, name="sign_off"),
    path(RETURN + "sign-off/ask/", signoff.return_ask_approver_view, name="ask_approver"),
    path(RETURN + "submit/", signoff.return_submit_view, name="submit"),
    path(RETURN + "confirmation/", signoff.return_confirmation_view, name="confirmation"),
    path(RETURN + "summary/", returns.return_summary_view, name="summary"),
    path(RETURN + "<return_section:section>/", returns.return_section_view, name="section"),
]
