"""Encrypts the two-factor secrets stored in clear before ADR 0020 (reversible: decrypts)."""

from typing import Any

from django.db import migrations

from accounts.mfa_crypto import authenticators_reencrypt


def encrypt_secrets(apps: Any, schema_editor: Any) -> None:
    authenticators_reencrypt(apps.get_model("mfa", "Authenticator"))


def decrypt_secrets(apps: Any, schema_editor: Any) -> None:
    authenticators_reencrypt(apps.get_model("mfa", "Authenticator"), decrypt=True)


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0002_user_national_role_invitation"),
        ("mfa", "0003_authenticator_type_uniq"),
    ]

    operations = [migrations.RunPython(encrypt_secrets, decrypt_secrets, elidable=False)]
