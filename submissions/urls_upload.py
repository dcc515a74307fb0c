"""URLs of the spreadsheet template download and uploads."""

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
