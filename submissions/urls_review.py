"""URLs of the national review (`/returns/review/...`) and the organisation's queries page."""

from django.urls import URLPattern, path

import organisations.urls  # noqa: F401 - registers the `ods` converter
from submissions.views import review, review_queries, review_return

REVIEW = "review/<ods:ods_code>/<int:year>/"

urlpatterns: list[URLPattern] = [
    path("review/", review.review_queue_view, name="review_queue"),
    path("review/queue.csv", review.review_queue_csv_view, name="review_queue_csv"),
    path("review/completeness/", review.review_completeness_view, name="review_completeness"),
    path("review/reminders/", review.review_remind_view, name="review_remind"),
    path(REVIEW, review_return.review_return_view, name="review_return"),
    path(REVIEW + "assign/", review_return.review_assign_view, name="review_assign"),
    path(REVIEW + "query/", review_return.review_query_view, name="review_query"),
    path(REVIEW + "queries/<int:query_id>/reply/", review_return.review_reply_view,
         name="review_reply"),
    path(REVIEW + "queries/<int:query_id>/resolve/", review_return.review_resolve_view,
         name="review_resolve"),
    path(REVIEW + "verdict/", review_return.review_verdict_view, name="review_verdict"),
    path(REVIEW + "accept/", review_return.review_accept_view, name="review_accept"),
    path(REVIEW + "reopen/", review_return.review_reopen_view, name="review_reopen"),
    path("<ods:ods_code>/<int:year>/queries/", review_queries.return_queries_view, name="queries"),
]  # fmt: skip
