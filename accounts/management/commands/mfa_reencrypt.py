"""`manage.py mfa_reencrypt`: rewrites every two-factor secret under the current key (ADR 0020).

Run it after putting a new key in WRES_MFA_ENCRYPTION_KEY and the one it replaces in
WRES_MFA_ENCRYPTION_OLD_KEYS; once it has run, the old key can be removed.
"""

from typing import Any

from allauth.mfa.models import Authenticator
from django.core.management.base import BaseCommand
from django.db import transaction

from accounts.mfa_crypto import authenticators_reencrypt


class Command(BaseCommand):
    help = "Re-encrypt every TOTP key and recovery-code seed with WRES_MFA_ENCRYPTION_KEY."

    def handle(self, *args: Any, **options: Any) -> None:
        with transaction.atomic():
            changed = authenticators_reencrypt(Authenticator)
        self.stdout.write(f"{changed} authenticators re-encrypted with the current key.")
