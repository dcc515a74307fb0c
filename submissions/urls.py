"""URLs of returns: the task list and forms (urls_forms), uploads (urls_upload), the review
(urls_review) and the national Staff Survey load (survey.urls)."""

from submissions.survey.urls import urlpatterns as survey_urlpatterns
from submissions.urls_forms import urlpatterns as form_urlpatterns
from submissions.urls_review import urlpatterns as review_urlpatterns
from submissions.urls_upload import urlpatterns as upload_urlpatterns

app_name = "returns"
urlpatterns = [*review_urlpatterns, *survey_urlpatterns, *form_urlpatterns, *upload_urlpatterns]
