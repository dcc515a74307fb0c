"""App configuration for accounts."""

from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "Accounts"

    def ready(self) -> None:
        from accounts.mfa_crypto import mfa_fernet

        # A missing or malformed two-factor key stops the start, not a sign-in later.
        mfa_fernet()
