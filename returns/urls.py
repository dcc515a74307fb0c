"""URLs of the task list, section forms, sign-off and submission (under `/returns/`)."""

import re

from django.urls import URLPattern, path, register_converter

import organisations.urls  # noqa: F401 - registers the `ods` converter
from returns.presenters import SECTIONS
from returns.views import sign_off, task_list


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
    path("", task_list.return_list_view, name="list"),
    path(RETURN, task_list.return_task_list_view, name="task_list"),
    path(RETURN + "check/", task_list.return_check_view, name="check"),
    path(RETURN + "sign-off/", sign_off.return_sign_off_view, name="sign_off"),
    path(RETURN + "sign-off/ask/", sign_off.return_ask_approver_view, name="ask_approver"),
    path(RETURN + "submit/", sign_off.return_submit_view, name="submit"),
    path(RETURN + "confirmation/", sign_off.return_confirmation_view, name="confirmation"),
    path(RETURN + "summary/", task_list.return_summary_view, name="summary"),
    path(RETURN + "<return_section:section>/", task_list.return_section_view, name="section"),
]
