"""The email outbox: every email the portal sends."""
