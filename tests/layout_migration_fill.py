"""Fills the submissions tables `seed_demo` leaves empty, on the OLD layout (one `submissions` app).

Not a test and not imported by pytest: `tests/test_layout_migration.py` runs it with the code of
commit 4cf0805 (the last commit before `submissions` was split into returns, uploads, review,
survey and notifications), in that commit's tree, after `migrate` and `seed_demo`:

    manage.py shell -c "import runpy; runpy.run_path('.../layout_migration_fill.py')"

It goes through that code's own services where they exist, so the rows are the ones the portal
makes: an upload (checked eagerly), a reviewer's assignment, a query thread with replies, a
verdict on an explanation, a reminder plan, outbox emails and a Staff Survey load. It prints the
row count of every `submissions_*` table and fails (exit status 1) if one is still empty.
"""

import datetime as dt
import sys

from django.db import connection
from django.utils import timezone
from submissions.models import (
    Collection,
    QuerySide,
    ReminderPlan,
    Return,
    ReturnVersion,
    Verdict,
)
from submissions.review.services import (
    explanation_verdict_set,
    query_raise,
    query_reply,
    review_assign,
    review_reopen,
    warning_key_of,
)
from submissions.services.uploads import upload_receive
from submissions.survey.services import survey_load

from accounts.models import User
from organisations.models import Organisation
from submissions.services import return_submit

today = timezone.localdate()
admin = User.objects.get(email="admin@demo.wres.test")
reviewer = User.objects.get(email="reviewer@demo.wres.test")
submitter = User.objects.get(email="submitter.rj1@demo.wres.test")
approver = User.objects.get(email="approver.rj1@demo.wres.test")
rj1 = Organisation.objects.get(ods_code="RJ1")
current = Collection.objects.order_by("-year").first()
assert current is not None, "seed_demo made no collection"

# submissions_upload: an item,value CSV on RJ1's current draft, checked eagerly (embedded Celery).
draft = Return.objects.get(organisation=rj1, collection=current)
upload_receive(
    return_=draft,
    actor=submitter,
    filename="figures.csv",
    data=b"item,value\ni2.shortlisted.white,120\ni2.shortlisted.bme,45\n",
)

# submissions_reminderplan.
ReminderPlan.objects.create(collection=current, days_before=[21, 7, 1], weekly_when_late=False)

# submissions_surveyload, submissions_surveyresult.
survey_load(
    actor=admin,
    filename="staff-survey.csv",
    data=(
        "ods_code,year,indicator,white_pct,bme_pct\n"
        f"RJ1,{current.year},5,27.4,30.1\n"
        f"RJ1,{current.year},6,20,25.55\n"
        f"RJ1,{current.year},7,88.2,71\n"
        f"RJ1,{current.year},8,5.1,\n"
        f"RJ2,{current.year},5,22.5,26.25\n"
    ).encode(),
)

# submissions_emailrecord (reopened, query raised, query answered), submissions_returnquery,
# submissions_querymessage, submissions_reviewassignment: last year's accepted return of RJ1 is
# reopened by a reviewer, resubmitted by its approver, assigned and queried.
last_year = Return.objects.get(organisation=rj1, collection__year=current.year - 1)
review_reopen(
    return_=last_year,
    actor=reviewer,
    expected_version=last_year.version,
    reason="Please check the shortlisting figures.",
)
last_year.refresh_from_db()
return_submit(
    return_=last_year,
    actor=approver,
    expected_version=last_year.version,
    approver=approver,
    approver_job_title="Chief People Officer",
    board_approved_on=today,
    report_url="https://example.org/wres-report",
    action_plan_url="https://example.org/wres-action-plan",
    late_reason="Reopened by NHS England after the collection closed.",
)
last_year.refresh_from_db()
review_assign(return_=last_year, actor=admin, reviewer=reviewer)
query = query_raise(
    return_=last_year,
    actor=reviewer,
    expected_version=last_year.version,
    text="Why did shortlisting fall?",
    due_on=today + dt.timedelta(days=14),
    indicator=2,
)
query_reply(
    return_=last_year,
    query_id=query.pk,
    actor=submitter,
    side=QuerySide.ORGANISATION,
    text="Fewer vacancies were advertised.",
)

# submissions_explanationverdict: on the first warning of some synthetic version that has one.
version = next(v for v in ReturnVersion.objects.order_by("pk").iterator() if v.issues)
explanation_verdict_set(
    return_=version.wres_return,
    actor=reviewer,
    version_number=version.number,
    key=warning_key_of(version.issues[0]),
    verdict=Verdict.ACCEPTED,
)

with connection.cursor() as cursor:
    tables = sorted(
        t for t in connection.introspection.table_names(cursor) if t.startswith("submissions_")
    )
    counts = {}
    for table in tables:
        cursor.execute(f'SELECT COUNT(*) FROM "{table}"')
        counts[table] = cursor.fetchone()[0]
for table, count in counts.items():
    print(f"{table:40} {count:>8}")
empty = [table for table, count in counts.items() if not count]
if empty:
    print(f"still empty after the fill: {', '.join(empty)}", file=sys.stderr)
    sys.exit(1)
