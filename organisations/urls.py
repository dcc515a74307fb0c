"""URLs of the organisation register."""

from django.urls import path, register_converter

from organisations import views


class OdsCodeConverter:
    """An ODS code: 3 to 10 letters and digits (anything else is a 404 without a query)."""

    regex = "[A-Za-z0-9]{3,10}"

    def to_python(self, value: str) -> str:
        return value.upper()

    def to_url(self, value: str) -> str:
        return value


register_converter(OdsCodeConverter, "ods")

app_name = "organisations"
urlpatterns = [
    path("", views.organisation_list_view, name="list"),
    path("switch/", views.switch_organisation_view, name="switch"),
    path("<ods:ods_code>/", views.organisation_detail_view, name="detail"),
    path("<ods:ods_code>/members/", views.organisation_members_view, name="members"),
    path(
        "<ods:ods_code>/members/<int:pk>/role/",
        views.membership_role_view,
        name="member_role",
    ),
]
