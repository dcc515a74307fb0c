"""App configuration for accounts."""

from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "Accounts"

    def ready(self) -> None:
        from allauth.mfa.signals import authenticator_added
        from django.conf import settings
        from django.core.exceptions import ImproperlyConfigured

        from accounts.mfa_crypto import mfa_fernet
        from accounts.middleware import LAST_SEEN_GRANULARITY
        from accounts.signals import fresh_totp_counts_as_confirming

        authenticator_added.connect(fresh_totp_counts_as_confirming, dispatch_uid="fresh_totp")

        # A missing or malformed two-factor key stops the start, not a sign-in later.
        mfa_fernet()
        # Last-seen is written once a minute: a shorter idle limit would sign out active people.
        if settings.WRES_SESSION_IDLE_SECONDS < LAST_SEEN_GRANULARITY:
            raise ImproperlyConfigured(
                f"The session idle limit must be {LAST_SEEN_GRANULARITY} seconds or more, not "
                f"{settings.WRES_SESSION_IDLE_SECONDS}: activity is noted once a minute, so a "
                "shorter limit would sign out people who are using the portal."
            )
