"""Submissions: collections, returns and their versions, workflow, uploads, review and queries."""
