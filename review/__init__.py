"""The national review: the queue, reviewing a return, queries, verdicts, completeness, reminders.

Reads are in `selectors`, writes in `services` (queries, assignment, verdicts, accept/reopen)
and `reminders`, what pages show in `presenters`, request validation in `forms`.
"""
