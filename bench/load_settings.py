"""Settings of the load benchmarks: production settings, served over plain HTTP on 127.0.0.1.

The runners set DEBUG=false (so templates are cached and no query log is kept, as in
production) with SECURE_SSL_REDIRECT=false. Two things differ from production, both only
because locust talks plain HTTP to gunicorn with no TLS proxy in front: cookies are not marked
Secure (an HTTP client would not send them back), and static files are collected into the run's
own folder (``WRES_LOAD_DIR``), not the shared ``staticfiles/``.
"""

import os
from pathlib import Path

from wres_portal.settings import *  # noqa: F403

SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
STATIC_ROOT = Path(os.environ["WRES_LOAD_DIR"]) / "static"
# Every simulated user signs in from 127.0.0.1: the per-address sign-in limit (30 a minute) would
# refuse a deadline-day crowd that, in life, arrives from many addresses. Per-account limits stay.
ACCOUNT_RATE_LIMITS = {**ACCOUNT_RATE_LIMITS, "login": "6000/m/ip"}  # noqa: F405
