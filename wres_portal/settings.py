"""Settings, read from environment variables (see `.env.example`).

Three shapes, chosen by the environment alone:

- nothing set: the embedded default. DEBUG on, SQLite (WAL, immediate transactions), Celery tasks
  run eagerly in process, email to the console, files in the database (as in every mode);
- `DATABASE_URL` and/or `REDIS_URL` set: full mode. PostgreSQL through psycopg 3, Redis as the
  Celery broker and the shared cache, tasks acknowledged late and sent only after commit;
- `DEBUG=false` with `SECRET_KEY` and `ALLOWED_HOSTS`: production (HTTPS only, HSTS, secure
  cookies, manifest static files).
"""

import importlib.util
import os
from pathlib import Path
from typing import Any

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP

from accounts.mfa_crypto import debug_key as mfa_debug_key
from notifications.schedule import email_beat_schedule
from review.schedule import REVIEW_BEAT_SCHEDULE
from uploads.schedule import UPLOAD_BEAT_SCHEDULE
from wres_portal.proxies import parse_trusted_proxies
from wres_portal.retention_schedule import RETENTION_BEAT_SCHEDULE

BASE_DIR = Path(__file__).resolve().parent.parent


def env_str(name: str, default: str = "") -> str:
    """The variable's value, stripped; `default` where it is unset or blank."""
    value = os.environ.get(name, "").strip()
    return value or default


def env_bool(name: str, default: bool) -> bool:
    """A yes/no variable: 1/true/yes/on or 0/false/no/off; anything else is refused."""
    value = env_str(name).lower()
    if not value:
        return default
    if value in {"1", "true", "yes", "on"}:
        return True
    if value in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {value!r}")


def env_int(name: str, default: int, *, minimum: int | None = None) -> int:
    """A whole-number variable; with `minimum`, smaller numbers are refused too."""
    value = env_str(name)
    if not value:
        return default
    try:
        number = int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {value!r}") from None
    if minimum is not None and number < minimum:
        raise ImproperlyConfigured(f"{name} must be {minimum} or more, not {number}")
    return number


def env_list(name: str, default: str = "") -> list[str]:
    """A comma-separated variable."""
    return [item.strip() for item in env_str(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG", True)
DATABASE_URL = env_str("DATABASE_URL")
REDIS_URL = env_str("REDIS_URL")

if DATABASE_URL and REDIS_URL:
    WRES_MODE = "full"
elif DATABASE_URL or REDIS_URL:
    WRES_MODE = "partial"
else:
    WRES_MODE = "embedded"

if DEBUG:
    SECRET_KEY = env_str("SECRET_KEY", "embedded-only-insecure-key-never-used-with-debug-off")
    ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost,[::1],testserver")
else:
    SECRET_KEY = env_str("SECRET_KEY")
    ALLOWED_HOSTS = env_list("ALLOWED_HOSTS")
    if len(SECRET_KEY) < 50:
        raise ImproperlyConfigured(
            "With DEBUG off, SECRET_KEY must be set (50 characters or more)."
        )
    if not ALLOWED_HOSTS:
        raise ImproperlyConfigured("With DEBUG off, ALLOWED_HOSTS must list the site's host names.")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "accounts",  # before allauth: its templates override allauth's
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "rules.apps.AutodiscoverRulesConfig",
    "organisations",
    "audit",
    "submissions",  # only the migrations that made the collection's tables (ADR 0015)
    "notifications",
    "survey",
    "returns",
    "uploads",
    "review",
    "extracts",
    "dashboards",
    "reports",
    "engagement",
    "demo",
    "filestore",
]

MIDDLEWARE = [
    "wres_portal.proxies.ClientAddressMiddleware",  # first: everything after sees the client
    "wres_portal.observability.RequestIdMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "wres_portal.cache_headers.SignedInNoStoreMiddleware",  # signed-in responses never cached
    "django.contrib.messages.middleware.MessageMiddleware",
    "accounts.middleware.SessionTimeoutMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "accounts.middleware.MfaRequiredMiddleware",
    "organisations.middleware.CurrentOrganisationMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
]

ROOT_URLCONF = "wres_portal.urls"
WSGI_APPLICATION = "wres_portal.wsgi.application"

# Jinja2 (with the NHS.UK components) first; Django templates second, for the admin.
TEMPLATES = [
    {
        "BACKEND": "django.template.backends.jinja2.Jinja2",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "environment": "wres_portal.jinja2.environment",
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.csrf",
                "django.contrib.messages.context_processors.messages",
                "wres_portal.context_processors.layout",
            ],
        },
    },
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.csp",
            ],
        },
    },
]

# Databases: SQLite in embedded mode, PostgreSQL (psycopg 3) when DATABASE_URL is set.
if DATABASE_URL:
    DATABASES = {
        "default": dj_database_url.parse(
            DATABASE_URL, conn_max_age=env_int("DB_CONN_MAX_AGE", 60), conn_health_checks=True
        )
    }
else:
    SQLITE_PATH = Path(env_str("SQLITE_PATH", str(BASE_DIR / "var" / "db.sqlite3")))
    SQLITE_PATH.parent.mkdir(parents=True, exist_ok=True)
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": str(SQLITE_PATH),
            "OPTIONS": {
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
                "init_command": (
                    "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;"
                ),
            },
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Cache: Redis (shared between processes) in full mode, local memory in embedded mode.
# REDIS_CACHE_URL may put the cache in another Redis database than the broker's.
REDIS_CACHE_URL = env_str("REDIS_CACHE_URL", REDIS_URL)
if REDIS_CACHE_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_CACHE_URL,
            "TIMEOUT": 300,
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# Celery: eager in process without Redis; with Redis, acknowledged late so that a task whose
# worker dies is redelivered, and sent only after the sending transaction commits
# (`delay_on_commit`, see docs/adr/0001-skeleton.md).
CELERY_BROKER_URL = REDIS_URL or "memory://localhost/"
CELERY_RESULT_BACKEND = REDIS_URL or None
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_TIME_LIMIT = env_int("CELERY_TASK_TIME_LIMIT", 300)
CELERY_TASK_SOFT_TIME_LIMIT = env_int("CELERY_TASK_SOFT_TIME_LIMIT", 240)
# A task whose worker died outright (no process left to reject it) is redelivered once this many
# seconds have passed since it was handed out: longer than a task may run (the time limit above,
# plus one task's wait in a worker's prefetch), shorter than Redis's default hour. See ADR 0010.
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": env_int("CELERY_VISIBILITY_TIMEOUT", 900),
}
# An upload still waiting for its check after this many seconds is shown as delayed and queued
# again by the sweep (uploads/schedule.py).
WRES_UPLOAD_DELAYED_AFTER = env_int("WRES_UPLOAD_DELAYED_AFTER", 60)
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
# Every this many seconds the email outbox's sweep queues emails still unsent (notifications/).
EMAIL_SWEEP_SECONDS = env_int("EMAIL_SWEEP_SECONDS", 120)
# Beat's schedule lives in code (django-celery-beat does not support Django 6.1).
CELERY_BEAT_SCHEDULE = {**REVIEW_BEAT_SCHEDULE, **RETENTION_BEAT_SCHEDULE, **UPLOAD_BEAT_SCHEDULE}
CELERY_BEAT_SCHEDULE |= email_beat_schedule(EMAIL_SWEEP_SECONDS)
# Modules whose tasks autodiscovery (which imports `<app>.tasks` only) would not find.
CELERY_IMPORTS = ("uploads.retention", "accounts.retention")
# The portal's address, for links in emails sent by workers (no request to build them from).
PORTAL_BASE_URL = env_str("PORTAL_BASE_URL", "http://127.0.0.1:8000")

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "rules.permissions.ObjectPermissionBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "start"

# Sign-in (django-allauth): email only, no open sign-up (people join by invitation), MFA by TOTP
# with recovery codes. Rate limits live in the cache (Redis in full mode): after 5 failed sign-ins
# for one address in 15 minutes it is locked until the window passes.
ACCOUNT_ADAPTER = "accounts.adapters.AccountAdapter"
ACCOUNT_FORMS = {  # allauth's forms with NHS.UK labels and hints (accounts/forms.py)
    "login": "accounts.forms.LoginForm",
    "add_email": "accounts.forms.AddEmailForm",
    "change_password": "accounts.forms.ChangePasswordForm",
    "set_password": "accounts.forms.SetPasswordForm",
    "reset_password": "accounts.forms.ResetPasswordForm",
    "reset_password_from_key": "accounts.forms.ResetPasswordKeyForm",
    "reauthenticate": "accounts.forms.ReauthenticateForm",
}
ACCOUNT_EMAIL_NOTIFICATIONS = True
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_CHANGE_EMAIL = True
ACCOUNT_LOGIN_ON_PASSWORD_RESET = False
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_SESSION_REMEMBER = False
ACCOUNT_PRESERVE_USERNAME_CASING = False
ACCOUNT_EMAIL_SUBJECT_PREFIX = "WRES portal: "
# A password reset asked for an address with no account sends nothing (ADR 0020).
ACCOUNT_EMAIL_UNKNOWN_ACCOUNTS = False
# Confirming it's you again: password or two-factor code, never a code by email (ADR 0016).
ACCOUNT_REAUTHENTICATION_METHODS = ["password", "mfa"]
ACCOUNT_RATE_LIMITS = {
    "login": "30/m/ip",
    "login_failed": "10/m/ip,5/15m/key",
    "reset_password": "20/m/ip,5/m/key",
    "reset_password_from_key": "20/m/ip",
    "change_password": "5/m/user",
    "manage_email": "10/m/user",
    "reauthenticate": "10/m/user",
}
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "WRES portal"
MFA_ADAPTER = "accounts.adapters.MfaAdapter"
MFA_FORMS = {
    "authenticate": "accounts.forms.MfaAuthenticateForm",
    "reauthenticate": "accounts.forms.MfaReauthenticateForm",
    "activate_totp": "accounts.forms.ActivateTotpForm",
}
# One 30-second step either side, for clocks that drift (codes are still single-use).
MFA_TOTP_TOLERANCE = 1
# Reading recovery codes or removing two-factor asks for the password or a code again, valid for
# ACCOUNT_REAUTHENTICATION_TIMEOUT seconds; a first set-up does not (AccountAdapter, ADR 0020).
MFA_REAUTHENTICATION_REQUIRED = True
ACCOUNT_REAUTHENTICATION_TIMEOUT = 300
# TOTP keys and recovery-code seeds are stored encrypted with this Fernet key (ADR 0020). To
# rotate: the new key here, the old one in WRES_MFA_ENCRYPTION_OLD_KEYS, `manage.py mfa_reencrypt`,
# then drop the old key. With DEBUG on and no key, one is derived from SECRET_KEY.
WRES_MFA_ENCRYPTION_KEY = env_str("WRES_MFA_ENCRYPTION_KEY")
WRES_MFA_ENCRYPTION_OLD_KEYS = env_list("WRES_MFA_ENCRYPTION_OLD_KEYS")
if not WRES_MFA_ENCRYPTION_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("With DEBUG off, WRES_MFA_ENCRYPTION_KEY must be set.")
    WRES_MFA_ENCRYPTION_KEY = mfa_debug_key(SECRET_KEY)

# Sessions: a new key on sign-in (Django), an absolute limit (the cookie's age, not renewed) and an
# idle limit (accounts.middleware.SessionTimeoutMiddleware).
SESSION_COOKIE_AGE = env_int("SESSION_ABSOLUTE_SECONDS", 12 * 3600)
SESSION_SAVE_EVERY_REQUEST = False
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
WRES_SESSION_IDLE_SECONDS = env_int("SESSION_IDLE_SECONDS", 30 * 60, minimum=60)
WRES_INVITATION_DAYS = env_int("INVITATION_DAYS", 7)
# The most invitations one person may send in 24 hours (ADR 0020).
WRES_INVITATIONS_PER_DAY = env_int("WRES_INVITATIONS_PER_DAY", 50, minimum=1)
# The WRES team's address, given wherever a page or email tells someone to contact them.
WRES_SUPPORT_EMAIL = env_str("WRES_SUPPORT_EMAIL", "england.wres@nhs.net")
# Data retention (ADR 0012): uploaded files are deleted this many days after upload (a whole
# collection cycle and its review; the parsed values and versions stay), and accounts not used
# for this many days are disabled. Both run daily by Celery beat, or `manage.py apply_retention`.
WRES_UPLOAD_RETENTION_DAYS = env_int("UPLOAD_RETENTION_DAYS", 400, minimum=1)
WRES_ACCOUNT_INACTIVE_DAYS = env_int("ACCOUNT_INACTIVE_DAYS", 365, minimum=1)
# The open-data API: requests per window (seconds), per token or client address.
WRES_API_RATE_LIMIT = env_int("WRES_API_RATE_LIMIT", 120)
WRES_API_RATE_WINDOW = env_int("WRES_API_RATE_WINDOW", 60)
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
if DEBUG:
    STATIC_ROOT.mkdir(exist_ok=True)  # whitenoise serves from the finders but expects the folder
MEDIA_URL = "/media/"
# Only read by `move_files_to_store`, which moves files kept here by older versions into the store.
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(BASE_DIR / "var" / "media")))


def file_stores(kind: str) -> dict[str, dict[str, Any]]:
    """The storages of every file the portal keeps (ADR 0024): "default" (releases, extracts,
    the dashboard snapshot) and "uploads" (uploaded files, under their own prefix). Every node
    must see the same store: the database (``database``, the default) or an S3 bucket (``s3``,
    through django-storages, which is not a locked dependency: install it to use it)."""
    if kind == "database":
        backend = "filestore.storage.DatabaseStorage"
        return {
            "default": {"BACKEND": backend},
            "uploads": {"BACKEND": backend, "OPTIONS": {"location": "uploads"}},
        }
    if kind == "s3":
        if importlib.util.find_spec("storages") is None:
            raise ImproperlyConfigured(
                "WRES_FILE_STORE=s3 needs django-storages: uv add 'django-storages[s3]'"
            )
        bucket = env_str("WRES_S3_BUCKET")
        if not bucket:
            raise ImproperlyConfigured("WRES_FILE_STORE=s3 needs WRES_S3_BUCKET")
        options: dict[str, Any] = {
            "bucket_name": bucket,
            "endpoint_url": env_str("WRES_S3_ENDPOINT_URL") or None,
            "region_name": env_str("WRES_S3_REGION") or None,
            "default_acl": "private",
            "querystring_auth": True,
            "file_overwrite": False,
        }
        backend = "storages.backends.s3.S3Storage"
        return {
            "default": {"BACKEND": backend, "OPTIONS": {**options, "location": "files"}},
            "uploads": {"BACKEND": backend, "OPTIONS": {**options, "location": "files/uploads"}},
        }
    raise ImproperlyConfigured(f"WRES_FILE_STORE must be database or s3, not {kind!r}")


WRES_FILE_STORE = env_str("WRES_FILE_STORE", "database")
STORAGES = {
    **file_stores(WRES_FILE_STORE),
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

# Email: the console in embedded mode, SMTP (configured here) otherwise.
EMAIL_BACKEND_PATH = env_str(
    "EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend"
    if DEBUG
    else "django.core.mail.backends.smtp.EmailBackend",
)
MAILERS = {
    "default": {
        "BACKEND": EMAIL_BACKEND_PATH,
        "OPTIONS": (
            {
                "host": env_str("EMAIL_HOST", "localhost"),
                "port": env_int("EMAIL_PORT", 25),
                "username": env_str("EMAIL_HOST_USER"),
                "password": env_str("EMAIL_HOST_PASSWORD"),
                "use_tls": env_bool("EMAIL_USE_TLS", False),
            }
            if EMAIL_BACKEND_PATH.endswith("smtp.EmailBackend")
            else {}
        ),
    }
}
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "WRES portal <wres.portal@nhs.invalid>")

# Content Security Policy: no inline script or style anywhere; the one inline script of the
# NHS.UK page template carries the request's nonce. NHS fonts come from assets.nhs.uk.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF, "https://assets.nhs.uk"],
    "connect-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
}
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"

if not DEBUG:
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31_536_000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")
    # /healthz and /readyz are probed over plain HTTP by the load balancer inside the network.
    SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]

LOG_LEVEL = env_str("LOG_LEVEL", "INFO")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "wres_portal.observability.RequestIdFilter"}},
    "formatters": {
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "fmt": "%(asctime)s %(levelname)s %(name)s %(message)s %(request_id)s",
            "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"},
        }
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "json",
            "filters": ["request_id"],
        }
    },
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {
        "django": {"handlers": ["console"], "level": LOG_LEVEL, "propagate": False},
        "celery": {"handlers": ["console"], "level": LOG_LEVEL, "propagate": False},
    },
}

# The portal's own settings.
WRES_SERVICE_NAME = "Workforce Race Equality Standard"
try:
    WRES_HEALTH_TIMEOUT = float(env_str("WRES_HEALTH_TIMEOUT", "1.0"))
except ValueError:
    raise ImproperlyConfigured("WRES_HEALTH_TIMEOUT must be a number of seconds") from None

# The reverse proxies (addresses or CIDR networks) whose X-Forwarded-For and X-Request-ID are
# believed; from anyone else the connection's own address is the client's (ADR 0021). Empty (the
# default): no proxy is trusted. Behind the documented proxy on the same host: 127.0.0.1,::1.
WRES_TRUSTED_PROXIES = env_list("WRES_TRUSTED_PROXIES")
parse_trusted_proxies(WRES_TRUSTED_PROXIES)  # a typo stops the portal starting, naming it
# /readyz (database, cache, broker, worker) works its answer out at most once per this many
# seconds in each web process; /healthz (liveness) checks nothing (ADR 0021).
WRES_READINESS_CACHE_SECONDS = env_int("WRES_READINESS_CACHE_SECONDS", 5, minimum=0)
# Anonymous downloads of published extracts (/data/wres-*.csv|xlsx, each built once per release):
# this many per window of seconds per client address, then 429 saying how long to wait.
WRES_DOWNLOAD_RATE_LIMIT = env_int("WRES_DOWNLOAD_RATE_LIMIT", 20, minimum=1)
# How long a download waits for another request building the same extract file (ADR 0021).
WRES_EXTRACT_BUILD_WAIT_SECONDS = env_int("WRES_EXTRACT_BUILD_WAIT_SECONDS", 30, minimum=0)
WRES_DOWNLOAD_RATE_WINDOW = env_int("WRES_DOWNLOAD_RATE_WINDOW", 600, minimum=1)
# Uploads per organisation (ADR 0021): at most this many an hour, and at most this many MB of
# stored files (a file with errors is deleted once checked and no longer counts). A template
# is well under 1 MB and a file at most 5 MB.
WRES_UPLOADS_PER_HOUR = env_int("WRES_UPLOADS_PER_HOUR", 20, minimum=1)
WRES_UPLOAD_QUOTA_BYTES = env_int("WRES_UPLOAD_QUOTA_MB", 200, minimum=5) * 1024 * 1024
# Parser processes each web or worker process keeps started ahead for uploads (uploads/sandbox.py).
WRES_PARSER_POOL_SIZE = env_int("WRES_PARSER_POOL_SIZE", 1, minimum=0)
# The national report PDFs (ADR 0025): built by a task after each publication; a request that
# comes first builds it and another waits this long for it before a 503 page.
WRES_REPORT_PREBUILD = env_bool("WRES_REPORT_PREBUILD", True)
WRES_REPORT_BUILD_WAIT_SECONDS = env_int("WRES_REPORT_BUILD_WAIT_SECONDS", 30, minimum=0)
