"""``manage.py apply_retention [--dry-run]``: the retention policy's daily run, by hand.

Deletes the stored files of finished uploads older than `UPLOAD_RETENTION_DAYS` and disables
accounts not used for `ACCOUNT_INACTIVE_DAYS`, as Celery beat does each night (ADR 0012), and
prints what it did. With ``--dry-run`` nothing changes: it prints what it would do. Exit status 1
if a file could not be deleted (it is tried again on the next run).
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from accounts.retention import accounts_apply_retention
from uploads.retention import uploads_apply_retention

ACTOR = "manage.py apply_retention"


class Command(BaseCommand):
    help = "Delete old uploaded files and disable inactive accounts (the retention policy)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--dry-run", action="store_true", help="Change nothing; print what would be done."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        dry_run = bool(options["dry_run"])
        now = timezone.now()
        uploads = uploads_apply_retention(dry_run=dry_run, now=now, actor=ACTOR)
        accounts = accounts_apply_retention(dry_run=dry_run, now=now, actor=ACTOR)

        would = "would be " if dry_run else ""
        before = timezone.localtime(uploads.cutoff).strftime("%d %B %Y %H:%M")
        self.stdout.write(
            f"Uploads made before {before}: {len(uploads.deleted)} file(s) {would}deleted"
            + (f" (upload ids {_ids(uploads.deleted)})" if uploads.deleted else "")
        )
        if uploads.kept_pending:
            self.stdout.write(
                f"  {len(uploads.kept_pending)} old upload(s) kept: still received, checking or "
                f"ready to apply (ids {_ids(uploads.kept_pending)})"
            )
        inactive = timezone.localtime(accounts.cutoff).strftime("%d %B %Y %H:%M")
        self.stdout.write(
            f"Accounts not used since {inactive}: {len(accounts.disabled)} {would}disabled"
        )
        for email in accounts.disabled:
            self.stdout.write(f"  {email}")
        if not dry_run and accounts.sessions_ended:
            self.stdout.write(f"  {accounts.sessions_ended} session(s) ended")
        if dry_run:
            self.stdout.write("Dry run: nothing was changed.")
        if uploads.failed:
            raise CommandError(
                f"The files of {len(uploads.failed)} upload(s) could not be deleted "
                f"(ids {_ids(uploads.failed)}); see the log. The next run tries again."
            )


def _ids(ids: list[int]) -> str:
    return ", ".join(str(pk) for pk in ids)
