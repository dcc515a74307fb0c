"""Extracts: publication, small-number suppression, national downloads and the open-data API."""
