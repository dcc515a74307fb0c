"""Two-factor secrets encrypted at rest: the TOTP key and the recovery-code seed (ADR 0020).

allauth stores them in `Authenticator.data` through its MFA adapter's `encrypt` / `decrypt`
hooks (`accounts.adapters.MfaAdapter`), which call this module. Fernet (AES-128-CBC with an
HMAC-SHA256, from `cryptography`) with the key in `WRES_MFA_ENCRYPTION_KEY`; keys it replaced,
in `WRES_MFA_ENCRYPTION_OLD_KEYS`, still decrypt (MultiFernet) until `manage.py mfa_reencrypt`
has rewritten every row under the current key. Stored values carry a prefix, so a value written
before encryption (clear text) is still read, and the data migration can tell which is which.
"""

import base64
import hashlib
from functools import lru_cache
from typing import Any

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

PREFIX = "fernet:"
#: The keys of `Authenticator.data` that hold secrets: the TOTP key, the recovery-code seed,
#: and codes that allauth carried over from django-allauth-2fa (a list).
SECRET_FIELDS = ("secret", "seed")
SECRET_LIST_FIELDS = ("migrated_codes",)
UNREADABLE = (
    "A two-factor secret cannot be decrypted with WRES_MFA_ENCRYPTION_KEY or any of "
    "WRES_MFA_ENCRYPTION_OLD_KEYS: put the key it was written with back in "
    "WRES_MFA_ENCRYPTION_OLD_KEYS."
)


class MfaSecretUnreadable(ImproperlyConfigured):
    """A stored secret that none of the configured keys decrypts."""


def debug_key(secret_key: str) -> str:
    """A Fernet key derived from SECRET_KEY, for DEBUG (embedded) mode only."""
    digest = hashlib.sha256(f"wres-mfa-encryption:{secret_key}".encode()).digest()
    return base64.urlsafe_b64encode(digest).decode()


@lru_cache(maxsize=4)
def _fernet(key: str, old_keys: tuple[str, ...]) -> MultiFernet:
    fernets = []
    for name, value in (("WRES_MFA_ENCRYPTION_KEY", key), *(
        ("WRES_MFA_ENCRYPTION_OLD_KEYS", old) for old in old_keys
    )):  # fmt: skip
        try:
            fernets.append(Fernet(value.encode()))
        except (ValueError, TypeError):
            raise ImproperlyConfigured(
                f"{name} must be Fernet keys (32 bytes, URL-safe base64): make one with "
                '`python -c "from cryptography.fernet import Fernet; '
                'print(Fernet.generate_key().decode())"`'
            ) from None
    return MultiFernet(fernets)


def mfa_fernet() -> MultiFernet:
    """The current key first, then the old ones (settings derive a key in DEBUG mode only)."""
    key = getattr(settings, "WRES_MFA_ENCRYPTION_KEY", "")
    if not key:
        raise ImproperlyConfigured("WRES_MFA_ENCRYPTION_KEY must be set.")
    old_keys = tuple(getattr(settings, "WRES_MFA_ENCRYPTION_OLD_KEYS", ()))
    return _fernet(key, old_keys)


def is_encrypted(stored: str) -> bool:
    return stored.startswith(PREFIX)


def secret_encrypt(text: str) -> str:
    """The stored form of a secret."""
    return PREFIX + mfa_fernet().encrypt(text.encode()).decode()


def secret_decrypt(stored: str) -> str:
    """A secret from its stored form; a clear-text value from before encryption as it is."""
    if not is_encrypted(stored):
        return stored
    try:
        return mfa_fernet().decrypt(stored.removeprefix(PREFIX).encode()).decode()
    except InvalidToken:
        raise MfaSecretUnreadable(UNREADABLE) from None


def _secret_rotate(stored: str) -> str:
    """Under the current key: clear text encrypted, old keys' values re-encrypted."""
    if not is_encrypted(stored):
        return secret_encrypt(stored)
    try:
        token = mfa_fernet().rotate(stored.removeprefix(PREFIX).encode())
    except InvalidToken:
        raise MfaSecretUnreadable(UNREADABLE) from None
    return PREFIX + token.decode()


def _map_secrets(data: dict[str, Any], change: Any) -> dict[str, Any]:
    result = dict(data)
    for field in SECRET_FIELDS:
        if isinstance(result.get(field), str):
            result[field] = change(result[field])
    for field in SECRET_LIST_FIELDS:
        if isinstance(result.get(field), list):
            result[field] = [change(value) for value in result[field]]
    return result


def data_encrypt(data: dict[str, Any]) -> dict[str, Any]:
    """An authenticator's data with every secret encrypted under the current key."""
    return _map_secrets(data, _secret_rotate)


def data_decrypt(data: dict[str, Any]) -> dict[str, Any]:
    """An authenticator's data with every secret in clear (to undo the migration)."""
    return _map_secrets(data, secret_decrypt)


def authenticators_reencrypt(model: Any, *, decrypt: bool = False) -> int:
    """Rewrites every authenticator's secrets under the current key (or in clear, `decrypt`).

    `model` is `Authenticator`, or its historical version in a migration. Every row is kept;
    returns how many changed.
    """
    change = data_decrypt if decrypt else data_encrypt
    changed = 0
    for authenticator in model.objects.order_by("pk").iterator():
        data = authenticator.data if isinstance(authenticator.data, dict) else None
        if data is None:
            continue
        new = change(data)
        if new != data:
            model.objects.filter(pk=authenticator.pk).update(data=new)
            changed += 1
    return changed
