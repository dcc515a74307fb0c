"""URLs of the national review (`/returns/review/...`) and the organisation's queries page."""

from django.urls import URLPattern, path

import organisations.urls  # noqa: F401 - registers the `ods` converter
from review.views import queries, queue, return_review

REVIEW = "review/<ods:ods_code>/<int:year>/"

urlpatterns: list[URLPattern] = [
    path("review/", queue.review_queue_view, name="review_queue"),
    path("review/queue.csv", queue.review_queue_csv_view, name="review_queue_csv"),
    path("review/completeness/", queue.review_completeness_view, name="review_completeness"),
    path("review/reminders/", queue.review_remind_view, name="review_remind"),
    path(REVIEW, return_review.review_return_view, name="review_return"),
    path(REVIEW + "assign/", return_review.review_assign_view, name="review_assign"),
    path(REVIEW + "query/", return_review.review_query_view, name="review_query"),
    path(REVIEW + "queries/<int:query_id>/reply/", return_review.review_reply_view,
         name="review_reply"),
    path(REVIEW + "queries/<int:query_id>/resolve/", return_review.review_resolve_view,
         name="review_resolve"),
    path(REVIEW + "verdict/", return_review.review_verdict_view, name="review_verdict"),
    path(REVIEW + "accept/", return_review.review_accept_view, name="review_accept"),
    path(REVIEW + "reopen/", return_review.review_reopen_view, name="review_reopen"),
    path("<ods:ods_code>/<int:year>/queries/", queries.return_queries_view, name="queries"),
]  # fmt: skip
