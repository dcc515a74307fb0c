"""The national report before anything is published: a helpful 404, never an error."""

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("path", ["/reports/national/2017/", "/reports/national/2017.pdf"])
def test_report_before_anything_is_published_is_a_404(path: str) -> None:
    response = Client().get(path)

    assert response.status_code == 404
    assert "Nothing has been published yet" in response.content.decode()
