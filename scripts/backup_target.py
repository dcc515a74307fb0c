"""Prints what `backup.sh` and `restore.sh` act on, from the portal's settings, one per line:
the database engine ("postgresql" or "sqlite3"), the database name (or SQLite file), where the
portal's files are kept ("database": in the database's own tables, so its backup holds them, ADR
0024; otherwise the storage's class) and the uploads folder older versions kept on local disk
(MEDIA_ROOT/uploads: only an old backup's uploads are put back there, for `move_files_to_store`).

Usage: ``python scripts/backup_target.py backup|restore``.
"""

import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "wres_portal.settings")

import django

django.setup()

from django.conf import settings  # noqa: E402
from django.core.files.storage import storages  # noqa: E402

from filestore.storage import DatabaseStorage  # noqa: E402

database = settings.DATABASES["default"]
in_database = all(isinstance(storages[alias], DatabaseStorage) for alias in ("default", "uploads"))
print(database["ENGINE"].rsplit(".", 1)[-1])
print(database["NAME"])
print("database" if in_database else type(storages["uploads"]).__name__)
print(Path(settings.MEDIA_ROOT) / "uploads")
