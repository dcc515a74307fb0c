"""Prints what `backup.sh` and `restore.sh` act on, from the portal's settings, one per line:
the database engine ("postgresql" or "sqlite3"), the database name (or SQLite file) and the
uploads folder. Refuses (exit status 1, one line) when uploads are not on local disk.

Usage: ``python scripts/backup_target.py backup|restore`` (the word starts the message).
"""

import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "wres_portal.settings")

import django

django.setup()

from django.conf import settings  # noqa: E402
from django.core.files.storage import FileSystemStorage  # noqa: E402

from uploads.models import upload_storage  # noqa: E402

command = sys.argv[1] if len(sys.argv) > 1 else "backup"
database = settings.DATABASES["default"]
storage = upload_storage()
if not isinstance(storage, FileSystemStorage):
    raise SystemExit(
        f"{command}: uploads are not kept on local disk; {command} them with their storage"
    )
print(database["ENGINE"].rsplit(".", 1)[-1])
print(database["NAME"])
print(storage.location)
