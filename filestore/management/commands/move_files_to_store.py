"""``move_files_to_store [--dry-run] [--delete-local]``: files under MEDIA_ROOT into the store."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from filestore.moving import files_move_to_store


class Command(BaseCommand):
    help = (
        "Copies the files older versions kept under MEDIA_ROOT (uploads named by their rows, the "
        "release folder) into the shared file store (ADR 0024). Idempotent: a file already stored "
        "with the same SHA-256 is left alone. A missing or conflicting file is reported, not moved."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--dry-run", action="store_true", help="Only say what would move.")
        parser.add_argument(
            "--delete-local",
            action="store_true",
            help="Delete each local file once its stored copy's SHA-256 matches.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        run = files_move_to_store(dry_run=options["dry_run"], delete_local=options["delete_local"])
        verb = "would move" if run.dry_run else "moved"
        for label in run.moved:
            self.stdout.write(f"{verb}: {label}")
        for label in run.missing:
            self.stderr.write(f"missing: {label}: named by a row but not on disk nor in the store")
        for label in run.conflicting:
            self.stderr.write(f"conflict: {label}: the store holds other content under this name")
        for label in run.deleted_local:
            self.stdout.write(f"deleted the local copy: {label}")
        self.stdout.write(
            f"{len(run.moved)} {verb}, {len(run.already)} already in the store, "
            f"{len(run.missing)} missing, {len(run.conflicting)} in conflict"
            + (f", {len(run.deleted_local)} local copies deleted" if run.deleted_local else "")
        )
