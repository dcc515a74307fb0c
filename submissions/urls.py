"""URLs of returns: the task list and forms (urls_forms), and uploads (urls_upload)."""

from submissions.urls_forms import urlpatterns as form_urlpatterns
from submissions.urls_review import urlpatterns as review_urlpatterns
from submissions.urls_upload import urlpatterns as upload_urlpatterns

app_name = "returns"
urlpatterns = [*review_urlpatterns, *form_urlpatterns, *upload_urlpatterns]
