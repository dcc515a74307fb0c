"""URLs of the organisation register."""

from django.urls import path

from organisations import views

app_name = "organisations"
urlpatterns = [
    path("", views.organisation_list_view, name="list"),
    path("<str:ods_code>/", views.organisation_detail_view, name="detail"),
]
