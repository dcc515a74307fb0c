"""App configuration for engagement: engagements, actions, the practice library and impact."""

from django.apps import AppConfig


class EngagementConfig(AppConfig):
    name = "engagement"
    verbose_name = "Engagement and impact"
