"""Audit action codes never reach a person raw: the trail page and its filter show plain-English
labels from one table (audit/actions.py); the CSV keeps the code and adds the label."""

import csv
import io
import re

import pytest

from accounts.adapters import MFA_EVENTS
from accounts.retention import ACTION as INACTIVE_ACTION
from audit.actions import ACTION_LABELS, action_label
from audit.services import audit_record
from tests.conftest import ROOT

#: Where services record events: every app's Python, not the tests' or benchmarks'.
SOURCES = [
    path
    for path in ROOT.glob("*/**/*.py")
    if path.relative_to(ROOT).parts[0] not in {".venv", "tests", "bench", "node_modules", "var"}
]
LITERAL_ACTION = re.compile(r"""\baction=["']([a-z_]+(?:\.[a-z_]+)*)["']""")


def _recorded_codes() -> set[str]:
    codes = {code for path in SOURCES for code in LITERAL_ACTION.findall(path.read_text("utf-8"))}
    codes.discard("store_true")  # argparse, not an audit event
    return codes | set(MFA_EVENTS.values()) | {INACTIVE_ACTION}


def test_every_action_the_portal_records_has_a_label():
    codes = _recorded_codes()

    assert len(codes) > 30  # the scan found the services' events
    assert sorted(codes - set(ACTION_LABELS)) == []


def test_action_label_reads_an_unknown_code_as_words_never_the_code():
    assert action_label("return.submitted") == "Return signed off and submitted"
    assert action_label("review.sent_back_for_change") == "Review sent back for change"
    assert action_label("") == "Unknown action"


@pytest.fixture
def events(people, orgs):
    audit_record(action="return.submitted", actor=people["approver"], organisation=orgs["RJ1"])
    audit_record(action="upload.file_deleted", system_actor="retention")
    audit_record(action="sign_in_failed", actor_email="someone@example.test")


@pytest.mark.django_db
def test_audit_trail_page_shows_labels_not_codes(people, client_for, events):
    content = client_for(people["admin"]).get("/audit/").content.decode()

    assert "Return signed off and submitted" in content
    assert "Uploaded file deleted after the retention period" in content
    assert "Sign-in failed" in content
    rendered_text = re.sub(r"<[^>]+>", " ", re.sub(r'value="[^"]*"', "", content))
    for code in ("return.submitted", "upload.file_deleted", "sign_in_failed"):
        assert code not in rendered_text


@pytest.mark.django_db
def test_audit_filter_lists_labels_and_still_filters_by_code(people, client_for, events):
    content = client_for(people["admin"]).get("/audit/?action=return.submitted").content.decode()

    assert '<option value="return.submitted" selected>Return signed off and submitted</option>' in (
        content
    )
    assert "1 events" in content


@pytest.mark.django_db
def test_audit_csv_keeps_the_code_and_adds_the_label(people, client_for, events):
    response = client_for(people["admin"]).get("/audit/events.csv?action=return.submitted")

    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert [(row["action"], row["action_label"]) for row in rows] == [
        ("return.submitted", "Return signed off and submitted")
    ]
