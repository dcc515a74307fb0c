"""The engagement app's permissions (django-rules, discovered at start-up).

The WRES team (reviewers and national admins, ``review.review_returns``) records and changes
everything; an organisation's submitters and approvers update the status of their own
organisation's actions; its viewers only read them (``organisations.view_organisation_data``).
"""

import rules

from organisations.rules import is_editor, is_national_admin, is_reviewer

rules.add_perm("engagement.update_action_status", is_editor | is_reviewer | is_national_admin)
