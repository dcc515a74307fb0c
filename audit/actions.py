"""What each audit action code means, in plain English: one row per code, read by the audit
trail page, its CSV and the admin. Codes are the stored record and never change; labels may."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final


@dataclass(frozen=True)
class AuditAction:
    code: str
    label: str


ACTIONS: Final[tuple[AuditAction, ...]] = (
    # Accounts and sign-in
    AuditAction("sign_in", "Signed in"),
    AuditAction("sign_in_failed", "Sign-in failed"),
    AuditAction("sign_out", "Signed out"),
    AuditAction("mfa_totp_activated", "Authenticator app set up"),
    AuditAction("mfa_totp_deactivated", "Authenticator app removed"),
    AuditAction("mfa_recovery_codes_generated", "Recovery codes created"),
    AuditAction("invitation_sent", "Invitation sent"),
    AuditAction("invitation_revoked", "Invitation withdrawn"),
    AuditAction("invitation_accepted", "Invitation accepted"),
    AuditAction("role_changed", "Role changed"),
    AuditAction("account_disabled", "Account disabled"),
    AuditAction("account_disabled_inactive", "Account disabled after a long time unused"),
    AuditAction("organisation_switched", "Switched organisation"),
    AuditAction("mfa_code_failed", "Wrong two-factor code entered"),
    AuditAction("mfa_recovery_codes_viewed", "Recovery codes viewed"),
    AuditAction("mfa_recovery_codes_downloaded", "Recovery codes downloaded"),
    AuditAction("password_reset_requested", "Password reset link requested"),
    AuditAction("password_reset", "Password reset from an emailed link"),
    AuditAction("password_changed", "Password changed"),
    AuditAction("password_set", "Password set"),
    AuditAction("email_changed", "Email address changed"),
    AuditAction("invitation_limit_reached", "Invitation refused: daily limit reached"),
    # The Django admin (every change made there, whatever the model)
    AuditAction("admin.added", "Added in the Django admin"),
    AuditAction("admin.changed", "Changed in the Django admin"),
    AuditAction("admin.deleted", "Deleted in the Django admin"),
    AuditAction("trust_type_corrected", "Trust type corrected"),
    # Collections and returns
    AuditAction("collection.created", "Collection created"),
    AuditAction("collection.opened", "Collection opened"),
    AuditAction("collection.closed", "Collection closed"),
    AuditAction("collection.seeded", "Demonstration history created"),
    AuditAction("return.draft_saved", "Return saved"),
    AuditAction("return.approval_requested", "Approver asked to sign off the return"),
    AuditAction("return.submitted", "Return signed off and submitted"),
    AuditAction("return.queried", "Return queried"),
    AuditAction("return.accepted", "Return accepted"),
    AuditAction("return.reopened", "Return reopened"),
    # Uploads and the Staff Survey
    AuditAction("upload.template_downloaded", "Spreadsheet template downloaded"),
    AuditAction("upload.received", "Spreadsheet uploaded"),
    AuditAction("upload.applied", "Upload applied to the return"),
    AuditAction("upload.discarded", "Upload discarded"),
    AuditAction("upload.file_deleted", "Uploaded file deleted after the retention period"),
    AuditAction("upload.refused_file_deleted", "Refused upload's file deleted"),
    AuditAction("survey.loaded", "NHS Staff Survey results loaded"),
    # Review
    AuditAction("review.assigned", "Reviewer assigned"),
    AuditAction("review.query_raised", "Query raised"),
    AuditAction("review.query_answered", "Query answered"),
    AuditAction("review.query_resolved", "Query resolved"),
    AuditAction("review.queries_resolved_on_acceptance", "Open queries resolved on acceptance"),
    AuditAction("review.explanation_verdict", "Verdict given on an explanation"),
    AuditAction("review.queue_downloaded", "Review queue downloaded"),
    AuditAction("review.reminders_sent", "Reminder emails sent"),
    # Publication and data
    AuditAction("collection_published", "Collection published"),
    AuditAction("extract_downloaded_unsuppressed", "Unsuppressed data downloaded"),
    AuditAction("api_token_created", "API token created"),
    AuditAction("api_token_revoked", "API token revoked"),
    AuditAction("api_read_unsuppressed", "Unsuppressed figures read through the API"),
    AuditAction("audit_downloaded", "Audit trail downloaded"),
    # Engagement and the practice library
    AuditAction("engagement.recorded", "Engagement recorded"),
    AuditAction("engagement.changed", "Engagement changed"),
    AuditAction("engagement.action_added", "Engagement action added"),
    AuditAction("engagement.action_changed", "Engagement action changed"),
    AuditAction("engagement.action_status_changed", "Engagement action status changed"),
    AuditAction("engagement.list_downloaded", "Engagements downloaded"),
    AuditAction("engagement.case_study_recorded", "Case study recorded"),
    AuditAction("engagement.case_study_changed", "Case study changed"),
)
ACTION_LABELS: Final[dict[str, str]] = {action.code: action.label for action in ACTIONS}


def action_label(code: str) -> str:
    """The plain-English label of an action code. A code without a row (recorded by a newer or
    older version of the portal) is still made readable, never shown raw: ``return.sent_back``
    reads "Return sent back"."""
    label = ACTION_LABELS.get(code)
    if label is not None:
        return label
    words = code.replace(".", " ").replace("_", " ").split()
    return " ".join(words).capitalize() if words else "Unknown action"
