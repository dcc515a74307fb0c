"""Audit: an append-only record of every sensitive act, written by services, never by signals."""
