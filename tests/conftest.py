"""Fixtures shared by the whole suite: service detection, a real Celery worker, Chromium with axe.

In embedded mode (`make test`) a test that needs PostgreSQL, Redis, a worker or Chromium skips
itself and says why. With `WRES_FULL=1` (CI's second run) every skip is a failure.
"""

import os
import shutil
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

# Playwright's sync API runs an event loop in the test thread; Django must not mistake the
# ORM calls of the same test for calls from async code.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

ROOT = Path(__file__).resolve().parent.parent
FULL = os.environ.get("WRES_FULL") == "1"
CHROMIUM = os.environ.get("WRES_CHROMIUM", "/usr/bin/chromium")
AXE_JS = ROOT / "node_modules" / "axe-core" / "axe.min.js"
LOG_DIR = Path(os.environ.get("WRES_TEST_LOG_DIR", ROOT / "var" / "test-logs"))
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    # Every test that drives Chromium is marked "browser", wherever it lives, so that
    # `-m "not browser"` leaves them all out (CI runs them in the full mode only).
    for item in items:
        if "browser" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.browser)
    if FULL:
        missing = [name for name in ("DATABASE_URL", "REDIS_URL") if not os.environ.get(name)]
        if missing:
            raise pytest.UsageError(f"WRES_FULL=1 needs {' and '.join(missing)} set")


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[Any]) -> Iterator[None]:
    """With WRES_FULL=1 nothing may be skipped: a skip is reported as a failure."""
    outcome = yield
    report = outcome.get_result()
    if FULL and report.skipped and not hasattr(report, "wasxfail"):
        report.outcome = "failed"
        reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else report.longrepr
        report.longrepr = f"skipped in full mode (WRES_FULL=1), which allows no skip: {reason}"


@pytest.fixture(autouse=True)
def _empty_cache() -> Iterator[None]:
    """Each test starts with an empty cache: no rate-limit counts or used TOTP codes left over."""
    from django.core.cache import cache

    cache.clear()
    yield


def _needs(condition: bool, reason: str) -> None:
    if not condition:
        pytest.skip(reason)


@pytest.fixture
def celery_conf() -> Iterator[Any]:
    """The Celery app's configuration, restored after the test (e.g. to force eager tasks)."""
    from wres_portal.celery import app

    originals = {key: app.conf[key] for key in ("task_always_eager", "broker_url")}
    yield app.conf
    app.conf.update(originals)
    # Connections are pooled per broker URL on first use: drop the test's pool.
    app._pool = None
    app.amqp._producer_pool = None


@pytest.fixture
def eager_tasks(celery_conf: Any) -> None:
    """Tasks run in process, whatever the mode."""
    celery_conf.task_always_eager = True


@pytest.fixture(scope="session")
def full_mode() -> None:
    """Skips (fails under WRES_FULL=1) unless PostgreSQL and Redis are configured."""
    _needs(
        bool(os.environ.get("DATABASE_URL")) and bool(os.environ.get("REDIS_URL")),
        "needs full mode: set DATABASE_URL and REDIS_URL (make services prints them)",
    )


def _test_database_url() -> str:
    from django.db import connection

    s = connection.settings_dict
    auth = s["USER"] + (f":{s['PASSWORD']}" if s["PASSWORD"] else "") + "@" if s["USER"] else ""
    port = f":{s['PORT']}" if s["PORT"] else ""
    return f"postgres://{auth}{s['HOST'] or 'localhost'}{port}/{s['NAME']}"


@pytest.fixture(scope="session")
def celery_worker_process(
    full_mode: None, django_db_setup: None, django_db_blocker: Any
) -> Iterator[str]:
    """A real `celery worker` process on Redis, using the test database. Yields its node name.

    Tests that give it work must use `transactional_db`, so that their rows are committed and the
    worker (another process, another connection) can see them.
    """
    from wres_portal.celery import app

    with django_db_blocker.unblock():
        database_url = _test_database_url()
    node = f"test-{uuid.uuid4().hex[:8]}@localhost"
    LOG_DIR.mkdir(parents=True, exist_ok=True)
    log_path = LOG_DIR / "celery-worker.log"
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "DJANGO_SETTINGS_MODULE": "wres_portal.settings_test",
    }
    with log_path.open("ab") as log:
        worker = subprocess.Popen(
            [
                sys.executable, "-m", "celery", "-A", "wres_portal", "worker",
                "--hostname", node, "--concurrency", "2", "--loglevel", "INFO",
                "--without-gossip", "--without-mingle",
            ],
            cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
        )  # fmt: skip
    try:
        deadline = time.monotonic() + 60
        while not app.control.ping(destination=[node], timeout=0.5):
            if worker.poll() is not None:
                pytest.fail(f"the Celery worker exited with {worker.returncode}: see {log_path}")
            if time.monotonic() > deadline:
                pytest.fail(f"the Celery worker did not answer within 60 s: see {log_path}")
        yield node
    finally:
        worker.terminate()
        try:
            worker.wait(timeout=20)
        except subprocess.TimeoutExpired:
            worker.kill()
            worker.wait()


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """Debian's Chromium, headless, driven by Playwright (its own browser download cannot work)."""
    _needs(
        Path(CHROMIUM).exists() or shutil.which(CHROMIUM) is not None,
        f"needs Chromium at {CHROMIUM} (apt-get install chromium)",
    )
    _needs(AXE_JS.exists(), "needs axe-core from npm (make setup)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


class AxePage:
    """A Playwright page that runs axe on every page it opens and fails on any violation."""

    def __init__(self, page: Any, base_url: str) -> None:
        self.page = page
        self.base_url = base_url
        self.visited: list[str] = []
        self.checked: list[str] = []
        page.on("framenavigated", self._navigated)

    def _navigated(self, frame: Any) -> None:
        if frame == self.page.main_frame:
            self.visited.append(frame.url)

    def unchecked(self) -> list[str]:
        """Pages the test reached (by link, form or redirect) without an axe check."""
        return sorted(set(self.visited) - set(self.checked))

    def goto(self, path: str) -> Any:
        response = self.page.goto(self.base_url + path)
        self.check_accessibility()
        return response

    def check_accessibility(self) -> None:
        """Runs axe-core (WCAG 2.2 AA tags) on the current page; fails listing each violation."""
        self.page.wait_for_load_state("load")
        if not self.page.evaluate("() => typeof window.axe !== 'undefined'"):
            self.page.add_script_tag(content=AXE_JS.read_text(encoding="utf-8"))
        result = self.page.evaluate(
            "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", AXE_TAGS
        )
        self.checked.append(self.page.url)
        violations = [
            f"{v['id']} ({v['impact']}): {v['help']} at "
            + ", ".join(str(node["target"]) for node in v["nodes"][:3])
            for v in result["violations"]
        ]
        assert not violations, f"axe found violations on {self.page.url}:\n" + "\n".join(violations)


@pytest.fixture
def axe_page(browser: Any, live_server: Any) -> Iterator[AxePage]:
    """A fresh browser context per test (CSP bypassed so that axe can be injected)."""
    context = browser.new_context(bypass_csp=True, base_url=live_server.url)
    context.set_default_timeout(15_000)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    try:
        axe = AxePage(page, live_server.url)
        yield axe
        assert not errors, f"JavaScript errors in the page: {errors}"
        assert not axe.unchecked(), f"pages visited without an axe check: {axe.unchecked()}"
    finally:
        context.close()


REGISTER_FILE = ROOT / "organisations" / "data" / "etr.csv"


@pytest.fixture
def register(db: None) -> None:
    """The real ODS trust register (207 trusts in England), loaded as `import_ods` loads it."""
    from organisations.ods import parse_ods_register
    from organisations.services import organisation_import_register

    result = parse_ods_register(REGISTER_FILE.read_bytes())
    assert not result.problems
    organisation_import_register(rows=result.rows)


TEST_PASSWORD = "correct-horse-battery-staple-42"
TEST_TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"


def totp_now(secret: str = TEST_TOTP_SECRET, offset: int = 0) -> str:
    """The current TOTP code for a secret (offset in 30-second steps)."""
    from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value

    counter = int(time.time()) // 30 + offset
    return format_hotp_value(hotp_value(secret, counter))


@pytest.fixture
def make_user(db: None) -> Any:
    """Creates a user with a verified email and the test password.

    `memberships` is a list of (Organisation, role); national users get a TOTP authenticator
    unless `totp=False`.
    """
    from allauth.account.models import EmailAddress
    from allauth.mfa.totp.internal.auth import TOTP

    from accounts.models import User
    from organisations.models import Membership

    def make(
        email: str,
        *,
        national_role: str = "",
        memberships: tuple[tuple[Any, str], ...] = (),
        totp: bool = True,
        **extra: Any,
    ) -> Any:
        is_admin = national_role == "admin"
        user = User.objects.create_user(
            email,
            TEST_PASSWORD,
            national_role=national_role,
            is_staff=is_admin,
            is_superuser=is_admin,
            **extra,
        )
        EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
        if national_role and totp:
            TOTP.activate(user, TEST_TOTP_SECRET)
        for organisation, role in memberships:
            Membership.objects.create(user=user, organisation=organisation, role=role)
        return user

    return make


@pytest.fixture
def orgs(db: None) -> dict[str, Any]:
    """Three trusts: RJ1 and RJ2 (the demo approver's), RJ3 (nobody's in the fixtures)."""
    from organisations.models import Organisation

    return {
        code: Organisation.objects.create(ods_code=code, name=f"{code} NHS TRUST", region="Y56")
        for code in ("RJ1", "RJ2", "RJ3")
    }


@pytest.fixture
def people(make_user: Any, orgs: dict[str, Any]) -> dict[str, Any]:
    """One user per role: organisation roles at RJ1 (the approver also at RJ2), national roles."""
    return {
        "submitter": make_user("submitter@rj1.test", memberships=((orgs["RJ1"], "submitter"),)),
        "approver": make_user(
            "approver@rj1.test",
            memberships=((orgs["RJ1"], "approver"), (orgs["RJ2"], "approver")),
        ),
        "viewer": make_user("viewer@rj1.test", memberships=((orgs["RJ1"], "viewer"),)),
        "reviewer": make_user("reviewer@nhse.test", national_role="reviewer"),
        "analyst": make_user("analyst@nhse.test", national_role="analyst"),
        "admin": make_user("admin@nhse.test", national_role="admin"),
        "nobody": make_user("nobody@nowhere.test"),
    }


@pytest.fixture
def client_for(client: Any) -> Any:
    """A test client signed in as the given user (or anonymous for None)."""

    def sign_in(user: Any) -> Any:
        from django.test import Client

        fresh = Client()
        if user is not None:
            fresh.force_login(user)
            record_mfa(fresh, user)
        return fresh

    return sign_in


def record_mfa(client: Any, user: Any, *, reauthenticated: bool = False) -> None:
    """Records in the client's session the two-factor step that a real sign-in of someone with an
    authenticator includes (the Django admin asks for it; allauth's pages that read or remove
    two-factor want it `reauthenticated` in the last few minutes). Nothing for someone without."""
    from allauth.account.internal.flows.login import AUTHENTICATION_METHODS_SESSION_KEY
    from allauth.mfa.models import Authenticator

    authenticator = Authenticator.objects.filter(user=user).order_by("type").last()
    if authenticator is None:
        return
    session = client.session
    step = {"method": "mfa", "at": time.time(), "id": authenticator.pk, "type": authenticator.type}
    if reauthenticated:
        step["reauthenticated"] = True
    session[AUTHENTICATION_METHODS_SESSION_KEY] = [
        *session.get(AUTHENTICATION_METHODS_SESSION_KEY, []),
        step,
    ]
    session["account_authentication_methods_user"] = str(user.pk)
    session.save()


def complete_mfa(page: Any, secret: str = TEST_TOTP_SECRET) -> None:
    """Answers the two-factor page as a person would: if a code is refused (the 30-second step
    turned between reading and sending it, which a loaded machine makes likely), the next one."""
    for offset in (0, 1, -1):
        page.get_by_label("Code").fill(totp_now(secret, offset))
        page.get_by_role("button", name="Sign in").click()
        page.wait_for_load_state("load")
        if page.get_by_role("button", name="Sign out").count():
            return
    raise AssertionError("no two-factor code was accepted")
