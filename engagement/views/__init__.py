"""The engagement pages. The WRES team (``review.review_returns``) records engagements, actions
and case studies and sees every one; an organisation's members see their own organisation's
engagements (another organisation's answer 404) and its submitters and approvers update their
actions' status."""

from engagement.views.organisation import (
    case_study_create_view,
    case_study_edit_view,
    impact_view,
    organisation_engagements_view,
    practice_list_view,
)
from engagement.views.records import (
    action_add_view,
    action_edit_view,
    action_status_view,
    engagement_create_view,
    engagement_csv_view,
    engagement_detail_view,
    engagement_edit_view,
    engagement_list_view,
)

__all__ = [
    "action_add_view",
    "action_edit_view",
    "action_status_view",
    "case_study_create_view",
    "case_study_edit_view",
    "engagement_create_view",
    "engagement_csv_view",
    "engagement_detail_view",
    "engagement_edit_view",
    "engagement_list_view",
    "impact_view",
    "organisation_engagements_view",
    "practice_list_view",
]
