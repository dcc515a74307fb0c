"""Settings for the test suite: the environment's mode, made fast and kept off the network."""

from wres_portal.settings import *  # noqa: F403
from wres_portal.settings import STORAGES

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
# The manifest needs collectstatic; tests render pages with plain static file URLs.
STORAGES = {
    **STORAGES,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
