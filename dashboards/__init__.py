"""Dashboards: national figures, charts and organisation profiles."""
