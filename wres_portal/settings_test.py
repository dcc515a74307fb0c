"""Settings for the test suite: the environment's mode, made fast and kept off the network."""

import os
import re

from wres_portal.settings import *  # noqa: F403
from wres_portal.settings import CACHES, REDIS_CACHE_URL, REDIS_URL, STORAGES

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
# The manifest needs collectstatic; tests render pages with plain static file URLs.
STORAGES = {
    **STORAGES,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# Under pytest-xdist (CI's full run, `-n`) each test process has a PostgreSQL test database of
# its own (pytest-django adds `_gw0`, `_gw1`...) and here Redis databases of its own: broker
# 2 + 2n, cache 3 + 2n. Its Celery worker would otherwise take another process's tasks, and one
# process clearing the cache would wipe another's rate-limit counts. The environment carries the
# choice to the processes tests start (the Celery worker, management commands).
_XDIST_WORKER = os.environ.get("PYTEST_XDIST_WORKER", "")
if REDIS_URL and re.fullmatch(r"gw\d+", _XDIST_WORKER):
    _index = int(_XDIST_WORKER[2:])
    _server = re.sub(r"/\d*$", "", REDIS_URL)
    REDIS_URL = f"{_server}/{2 + 2 * _index}"
    REDIS_CACHE_URL = f"{_server}/{3 + 2 * _index}"
    os.environ["REDIS_URL"] = REDIS_URL
    os.environ["REDIS_CACHE_URL"] = REDIS_CACHE_URL
    CELERY_BROKER_URL = REDIS_URL
    CELERY_RESULT_BACKEND = REDIS_URL
    CACHES = {"default": {**CACHES["default"], "LOCATION": REDIS_CACHE_URL}}
# Tests clear the cache between tests (rate limits, used TOTP codes): in full mode keep it in
# its own Redis database, so that clearing it never touches the Celery broker's queues.
elif REDIS_URL and REDIS_CACHE_URL == REDIS_URL:
    CACHES = {"default": {**CACHES["default"], "LOCATION": re.sub(r"/\d*$", "", REDIS_URL) + "/1"}}

# Readiness is worked out afresh on each request, so that a test sees a dependency it just
# stopped; the caching test sets a period of its own.
WRES_READINESS_CACHE_SECONDS = 0

# Publishing does not render the national report PDFs in the tests (seconds each); the tests of
# the PDF build them on request or turn this on.
WRES_REPORT_PREBUILD = False
