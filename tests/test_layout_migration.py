"""The split of `submissions` into returns, uploads, review, survey and notifications keeps data.

A database migrated on the old layout (commit 4cf0805, the last with one `submissions` app),
filled by that code's `seed_demo` and by `tests/layout_migration_fill.py` (a row in every
`submissions_*` table the demo leaves empty), is migrated by the current code's `migrate`. Every
table it had must still be there with exactly as many rows and at least the same columns (the
moved models keep their `db_table`; `SeparateDatabaseAndState` moves only Django's state), and
no migration may be left to apply. Only the tables Django itself writes on `migrate`
(`django_migrations`, `django_content_type`, `auth_permission`) may grow; they must not shrink.

Both codes run as `manage.py` subprocesses with this venv's Python: the old one in its tree
exported by `git archive` (skipped, so failed under WRES_FULL=1, where the commit is missing, as in
a shallow clone), the current one in the repository, both without Redis (Celery eager). On the
suite's engine: SQLite in the embedded mode, a scratch PostgreSQL database beside DATABASE_URL's
when that is PostgreSQL (full mode). Slow: over a minute, most of it the old `seed_demo`.
"""

from __future__ import annotations

import io
import os
import shutil
import sqlite3
import subprocess
import sys
import tarfile
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from tests.conftest import ROOT

OLD_COMMIT = "4cf0805be98d79858206fb04d2731afd7fa1ba7d"
FILL_SCRIPT = Path(__file__).with_name("layout_migration_fill.py")
#: Tables Django writes on every `migrate` (applied migrations, new content types and their
#: permissions; a moved model's content type may be relabelled in place): they may grow.
MAY_GROW = frozenset({"django_migrations", "django_content_type", "auth_permission"})
#: Environment the subprocesses must not inherit from the test run: the mode (set per database
#: below), pytest-django's settings module, and anything that could import the current tree's
#: code into the old one.
NOT_INHERITED = (
    "DATABASE_URL",
    "REDIS_URL",
    "REDIS_CACHE_URL",
    "DJANGO_SETTINGS_MODULE",
    "PYTHONPATH",
    "PYTHONDONTWRITEBYTECODE",
)
COMMAND_TIMEOUT = 900
#: The code that must migrate the old database forward: this checkout.
NEW_CODE = ROOT

#: Each table's row count and column names.
Snapshot = dict[str, tuple[int, frozenset[str]]]


@dataclass(frozen=True)
class Database:
    """Where both codes put their data: SQLite (SQLITE_PATH) or PostgreSQL (DATABASE_URL)."""

    env: dict[str, str]
    sqlite_path: Path | None = None
    postgres_url: str = ""

    def snapshot(self) -> Snapshot:
        """Every table's row count and columns (SQLite's own tables left out)."""
        if self.sqlite_path is not None:
            return _sqlite_snapshot(self.sqlite_path)
        return _postgres_snapshot(self.postgres_url)


def _sqlite_snapshot(path: Path) -> Snapshot:
    connection = sqlite3.connect(path)
    try:
        tables = [
            name
            for (name,) in connection.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
            )
        ]
        return {
            table: (
                connection.execute(f'SELECT COUNT(*) FROM "{table}"').fetchone()[0],
                frozenset(row[1] for row in connection.execute(f'PRAGMA table_info("{table}")')),
            )
            for table in tables
        }
    finally:
        connection.close()


def _postgres_snapshot(url: str) -> Snapshot:
    import psycopg
    from psycopg import sql

    with psycopg.connect(url) as connection:
        columns: dict[str, set[str]] = {}
        for table, column in connection.execute(
            "SELECT c.table_name, c.column_name FROM information_schema.columns c"
            " JOIN information_schema.tables t"
            "   ON t.table_schema = c.table_schema AND t.table_name = c.table_name"
            " WHERE c.table_schema = 'public' AND t.table_type = 'BASE TABLE'"
        ):
            columns.setdefault(table, set()).add(column)
        snapshot: Snapshot = {}
        for table, names in columns.items():
            query = sql.SQL("SELECT COUNT(*) FROM {}").format(sql.Identifier("public", table))
            row = connection.execute(query).fetchone()
            assert row is not None
            snapshot[table] = (row[0], frozenset(names))
        return snapshot


def _subprocess_env(tmp: Path, pycache: Path, database_env: dict[str, str]) -> dict[str, str]:
    """No Redis (Celery eager, local-memory cache), the given database, emails kept in memory,
    bytecode cached in `pycache` (never written into the repository or the venv)."""
    env = {key: value for key, value in os.environ.items() if key not in NOT_INHERITED}
    return {
        **env,
        "DEBUG": "true",  # seed_demo refuses to run otherwise
        "MEDIA_ROOT": str(tmp / "media"),
        "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
        "PYTHONPYCACHEPREFIX": str(pycache),
        **database_env,
    }


def manage(code: Path, *args: str, env: dict[str, str]) -> str:
    """`manage.py ARGS` of the code in `code`, with this venv's Python; fails with its output."""
    done = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=code, env=env, capture_output=True, text=True, timeout=COMMAND_TIMEOUT,
    )  # fmt: skip
    if done.returncode != 0:
        pytest.fail(
            f"`manage.py {' '.join(args)}` in {code} exited with {done.returncode}\n"
            f"--- stdout (end) ---\n{done.stdout[-4000:]}\n--- stderr (end) ---\n"
            f"{done.stderr[-6000:]}",
            pytrace=False,
        )
    return done.stdout


@pytest.fixture(scope="module")
def old_code(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The old layout's tree (`git archive` of OLD_COMMIT), exported once for the module."""
    if shutil.which("git") is None:
        pytest.skip("needs git, to export the old layout's code (commit 4cf0805)")
    found = subprocess.run(
        ["git", "-C", str(ROOT), "cat-file", "-e", f"{OLD_COMMIT}^{{commit}}"],
        capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    if found.returncode != 0:
        pytest.skip(
            f"commit {OLD_COMMIT[:7]} (the old layout) is not in this clone's history "
            "(a shallow clone? `git fetch --unshallow`)"
        )
    archive = subprocess.run(
        ["git", "-C", str(ROOT), "archive", "--format=tar", OLD_COMMIT],
        capture_output=True, timeout=300, check=True,
    )  # fmt: skip
    tree = tmp_path_factory.mktemp("layout") / "old-code"
    with tarfile.open(fileobj=io.BytesIO(archive.stdout)) as tar:
        tar.extractall(tree, filter="data")
    return tree


@pytest.fixture
def sqlite_database(tmp_path: Path) -> Database:
    path = tmp_path / "db.sqlite3"
    return Database(env={"SQLITE_PATH": str(path)}, sqlite_path=path)


@pytest.fixture
def postgres_database() -> Iterator[Database]:
    """An empty scratch database beside DATABASE_URL's, dropped afterwards."""
    base = os.environ.get("DATABASE_URL", "")
    if not base.startswith(("postgres://", "postgresql://")):
        pytest.skip("needs PostgreSQL: set DATABASE_URL (make services prints it)")
    import psycopg

    name = f"wres_layout_{uuid.uuid4().hex[:8]}"
    url = urlsplit(base)._replace(path=f"/{name}").geturl()
    with psycopg.connect(base, autocommit=True) as connection:
        connection.execute(f'CREATE DATABASE "{name}"')
    try:
        yield Database(env={"DATABASE_URL": url}, postgres_url=url)
    finally:
        with psycopg.connect(base, autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def compare(before: Snapshot, after: Snapshot) -> tuple[list[str], list[str]]:
    """The table-by-table listing, and what in it is wrong (rows or columns lost)."""
    listing = [f"{'table':45} {'before':>8} {'after':>8}  verdict"]
    problems = []
    for table in sorted(before.keys() | after.keys()):
        if table not in before:
            listing.append(f"{table:45} {'-':>8} {after[table][0]:>8}  new")
            continue
        rows, columns = before[table]
        if table not in after:
            listing.append(f"{table:45} {rows:>8} {'-':>8}  TABLE GONE")
            problems.append(f"{table}: the table is gone")
            continue
        rows_after, columns_after = after[table]
        verdict = "ok"
        if rows_after < rows or (rows_after != rows and table not in MAY_GROW):
            verdict = "ROWS CHANGED"
            problems.append(f"{table}: {rows} rows before, {rows_after} after")
        lost = sorted(columns - columns_after)
        if lost:
            verdict = "COLUMNS LOST" if verdict == "ok" else f"{verdict}, COLUMNS LOST"
            problems.append(f"{table}: columns lost: {', '.join(lost)}")
        listing.append(f"{table:45} {rows:>8} {rows_after:>8}  {verdict}")
    return listing, problems


# On the suite's own engine: SQLite in the embedded mode, PostgreSQL when DATABASE_URL is one
# (full mode), so CI's two suites cover both without each paying for both.
_ON_POSTGRES = os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://"))


@pytest.mark.parametrize(
    "database_fixture",
    [pytest.param("postgres_database", id="postgresql", marks=pytest.mark.full)]
    if _ON_POSTGRES
    else [pytest.param("sqlite_database", id="sqlite")],
)
def test_layout_migration_keeps_every_row_of_every_table(
    database_fixture: str, old_code: Path, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    database: Database = request.getfixturevalue(database_fixture)
    env = _subprocess_env(tmp_path, old_code.parent / "pycache", database.env)

    # The old layout: migrated, demo data, then a row in every submissions table still empty.
    manage(old_code, "migrate", "--no-input", env=env)
    manage(old_code, "seed_demo", env=env)
    manage(old_code, "shell", "-c", f"import runpy; runpy.run_path({str(FILL_SCRIPT)!r})", env=env)
    before = database.snapshot()
    old_tables = sorted(table for table in before if table.startswith("submissions_"))
    assert len(old_tables) >= 12, f"expected the old layout's submissions tables, got {old_tables}"
    empty = [table for table in old_tables if before[table][0] == 0]
    assert not empty, f"the fill left old tables empty, so they prove nothing: {empty}"

    # The current code migrates the same database forward.
    manage(NEW_CODE, "migrate", "--no-input", env=env)
    after = database.snapshot()

    listing, problems = compare(before, after)
    assert not problems, (
        f"the current code's migrate lost data ({database_fixture}):\n"
        + "\n".join(problems)
        + "\n\n"
        + "\n".join(listing)
    )
    plan = manage(NEW_CODE, "showmigrations", "--plan", env=env).splitlines()
    unapplied = [line.strip() for line in plan if line.lstrip().startswith("[ ]")]
    assert not unapplied, f"migrations left to apply after migrate: {unapplied}"
