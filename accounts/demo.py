"""Demo users for every role, with stable addresses (only ever created with DEBUG on)."""

from dataclasses import dataclass

from allauth.account.models import EmailAddress
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import TOTP
from django.db import transaction

from accounts.models import NationalRole, User
from organisations.models import Membership, Organisation, Role

DEMO_PASSWORD = "wres-demo-2026-portal"  # noqa: S105 - demo only, printed on purpose
# A fixed TOTP secret (base32) so that a demo can finish two-factor sign-in with any app.
DEMO_TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"  # noqa: S105 - demo only, printed on purpose


@dataclass(frozen=True)
class DemoUser:
    email: str
    full_name: str
    national_role: str = ""
    memberships: tuple[tuple[str, str], ...] = ()


DEMO_USERS: tuple[DemoUser, ...] = (
    DemoUser("admin@demo.wres.test", "Ada Admin", NationalRole.ADMIN),
    DemoUser("reviewer@demo.wres.test", "Rita Reviewer", NationalRole.REVIEWER),
    DemoUser("analyst@demo.wres.test", "Arun Analyst", NationalRole.ANALYST),
    DemoUser(
        "submitter.rj1@demo.wres.test", "Sam Submitter", memberships=(("RJ1", Role.SUBMITTER),)
    ),
    DemoUser(
        "approver.rj1@demo.wres.test",
        "Priya Approver",
        memberships=(("RJ1", Role.APPROVER), ("RJ2", Role.APPROVER)),
    ),
    DemoUser("viewer.rj1@demo.wres.test", "Victor Viewer", memberships=(("RJ1", Role.VIEWER),)),
)


@transaction.atomic
def seed_demo_users() -> int:
    """Creates the demo users where missing (verified email, demo password, MFA for national).

    Returns how many it created. Existing demo users are left as they are.
    """
    created = 0
    organisations = Organisation.objects.in_bulk(
        [code for demo in DEMO_USERS for code, _ in demo.memberships], field_name="ods_code"
    )
    for demo in DEMO_USERS:
        user = User.objects.filter(email=demo.email).first()
        if user is not None:
            continue
        is_admin = demo.national_role == NationalRole.ADMIN
        user = User.objects.create_user(
            demo.email,
            DEMO_PASSWORD,
            full_name=demo.full_name,
            national_role=demo.national_role,
            is_staff=is_admin,
            is_superuser=is_admin,
        )
        EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
        if demo.national_role:
            TOTP.activate(user, DEMO_TOTP_SECRET)
            RecoveryCodes.activate(user)
        for code, role in demo.memberships:
            if code in organisations:
                Membership.objects.create(user=user, organisation=organisations[code], role=role)
        created += 1
    return created
