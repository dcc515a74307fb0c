"""URLs of the task list, section forms, sign-off and submission."""

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
