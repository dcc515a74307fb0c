"""Settings for the test suite: the environment's mode, made fast and kept off the network."""

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

# Tests clear the cache between tests (rate limits, used TOTP codes): in full mode keep it in
# its own Redis database, so that clearing it never touches the Celery broker's queues.
if REDIS_URL and REDIS_CACHE_URL == REDIS_URL:
    CACHES = {"default": {**CACHES["default"], "LOCATION": re.sub(r"/\d*$", "", REDIS_URL) + "/1"}}

# Readiness is worked out afresh on each request, so that a test sees a dependency it just
# stopped; the caching test sets a period of its own.
WRES_READINESS_CACHE_SECONDS = 0

# Publishing does not render the national report PDFs in the tests (seconds each); the tests of
# the PDF build them on request or turn this on.
WRES_REPORT_PREBUILD = False
