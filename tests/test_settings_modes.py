"""The settings switch: embedded by default, full with DATABASE_URL/REDIS_URL, production."""

import os
import runpy
import subprocess
import sys

import pytest
from django.core.exceptions import ImproperlyConfigured

from tests.conftest import ROOT

VARIABLES = (
    "DEBUG", "SECRET_KEY", "ALLOWED_HOSTS", "DATABASE_URL", "REDIS_URL", "EMAIL_BACKEND",
    "SQLITE_PATH", "CSRF_TRUSTED_ORIGINS", "SECURE_SSL_REDIRECT", "WRES_MFA_ENCRYPTION_KEY",
    "WRES_FILE_STORE", "WRES_S3_BUCKET",
)  # fmt: skip
PRODUCTION = {
    "DEBUG": "false",
    "SECRET_KEY": "k" * 30 + "-production-secret-for-tests-only-0123456789",
    "ALLOWED_HOSTS": "wres.example.nhs.uk",
    "DATABASE_URL": "postgres://wres:secret@db.internal:5432/wres",
    "REDIS_URL": "redis://cache.internal:6379/0",
    "WRES_MFA_ENCRYPTION_KEY": "dGVzdHMtb25seS1mZXJuZXQta2V5LTMyLWJ5dGVzISE=",
}


def load_settings(monkeypatch, **env: str) -> dict:
    """The settings module's values as it computes them under exactly this environment."""
    for name in VARIABLES:
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    return runpy.run_path(str(ROOT / "wres_portal" / "settings.py"))


def test_settings_no_variables_is_embedded_mode(monkeypatch):
    s = load_settings(monkeypatch)

    assert s["WRES_MODE"] == "embedded"
    assert s["DEBUG"] is True
    database = s["DATABASES"]["default"]
    assert database["ENGINE"] == "django.db.backends.sqlite3"
    assert database["OPTIONS"]["transaction_mode"] == "IMMEDIATE"
    assert "journal_mode=WAL" in database["OPTIONS"]["init_command"]
    assert s["CELERY_TASK_ALWAYS_EAGER"] is True
    assert s["MAILERS"]["default"]["BACKEND"].endswith("console.EmailBackend")
    assert s["CACHES"]["default"]["BACKEND"].endswith("LocMemCache")
    assert s["STORAGES"]["default"]["BACKEND"] == "filestore.storage.DatabaseStorage"
    assert s["STORAGES"]["uploads"]["OPTIONS"] == {"location": "uploads"}


@pytest.mark.parametrize("env", [{}, {"DATABASE_URL": "postgres://w:p@h/wres"}, PRODUCTION])
def test_settings_every_mode_keeps_files_in_the_database(monkeypatch, env):
    s = load_settings(monkeypatch, **env)

    assert {s["STORAGES"][alias]["BACKEND"] for alias in ("default", "uploads")} == {
        "filestore.storage.DatabaseStorage"
    }


def test_settings_s3_file_store_needs_django_storages_and_a_bucket(monkeypatch):
    import importlib.util

    if importlib.util.find_spec("storages") is None:
        with pytest.raises(ImproperlyConfigured, match="django-storages"):
            load_settings(monkeypatch, WRES_FILE_STORE="s3", WRES_S3_BUCKET="b")
    else:  # pragma: no cover - not a locked dependency
        with pytest.raises(ImproperlyConfigured, match="WRES_S3_BUCKET"):
            load_settings(monkeypatch, WRES_FILE_STORE="s3")
    with pytest.raises(ImproperlyConfigured, match="database or s3"):
        load_settings(monkeypatch, WRES_FILE_STORE="ftp")


def test_settings_database_and_redis_urls_switch_to_full_mode(monkeypatch):
    s = load_settings(
        monkeypatch,
        DATABASE_URL="postgres://wres:pw@127.0.0.1:5433/wres",
        REDIS_URL="redis://127.0.0.1:6380/1",
    )

    assert s["WRES_MODE"] == "full"
    database = s["DATABASES"]["default"]
    assert database["ENGINE"] == "django.db.backends.postgresql"
    assert (database["NAME"], database["PORT"]) == ("wres", 5433)
    assert database["CONN_HEALTH_CHECKS"] is True
    assert s["CELERY_BROKER_URL"] == "redis://127.0.0.1:6380/1"
    assert s["CELERY_TASK_ALWAYS_EAGER"] is False
    assert s["CELERY_TASK_ACKS_LATE"] is True
    assert s["CELERY_TASK_REJECT_ON_WORKER_LOST"] is True
    assert s["CACHES"]["default"]["BACKEND"] == "django.core.cache.backends.redis.RedisCache"
    assert s["CACHES"]["default"]["LOCATION"] == "redis://127.0.0.1:6380/1"


def test_settings_debug_off_is_production(monkeypatch):
    s = load_settings(monkeypatch, **PRODUCTION)

    assert s["DEBUG"] is False
    assert s["ALLOWED_HOSTS"] == ["wres.example.nhs.uk"]
    assert s["SECURE_SSL_REDIRECT"] is True
    assert s["SECURE_HSTS_SECONDS"] >= 31_536_000
    assert s["SESSION_COOKIE_SECURE"] and s["CSRF_COOKIE_SECURE"]
    assert s["STORAGES"]["staticfiles"]["BACKEND"].endswith("CompressedManifestStaticFilesStorage")
    assert s["MAILERS"]["default"]["BACKEND"].endswith("smtp.EmailBackend")
    assert "'unsafe-inline'" not in str(s["SECURE_CSP"])


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"DEBUG": "false", "ALLOWED_HOSTS": "x.nhs.uk"}, "SECRET_KEY must be set"),
        ({"DEBUG": "false", "SECRET_KEY": "short", "ALLOWED_HOSTS": "x"}, "SECRET_KEY must be set"),
        ({"DEBUG": "false", "SECRET_KEY": "s" * 60}, "ALLOWED_HOSTS must list"),
        ({"DEBUG": "maybe"}, "DEBUG must be true or false"),
        ({"EMAIL_PORT": "twenty-five", "DEBUG": "false", "SECRET_KEY": "s" * 60,
          "ALLOWED_HOSTS": "x", "WRES_MFA_ENCRYPTION_KEY": PRODUCTION["WRES_MFA_ENCRYPTION_KEY"]},
         "EMAIL_PORT must be a whole number"),
    ],
)  # fmt: skip
def test_settings_bad_configuration_is_refused_with_a_clear_message(monkeypatch, env, message):
    monkeypatch.delenv("EMAIL_PORT", raising=False)
    with pytest.raises(ImproperlyConfigured, match=message):
        load_settings(monkeypatch, **env)


def test_check_deploy_passes_with_production_settings():
    env = {
        k: v for k, v in os.environ.items() if k not in {*VARIABLES, "DJANGO_ALLOW_ASYNC_UNSAFE"}
    }
    env.update(PRODUCTION, DJANGO_SETTINGS_MODULE="wres_portal.settings")

    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=120,
    )  # fmt: skip

    assert result.returncode == 0, result.stdout + result.stderr
