"""People: the user model (email as the identifier), and later invitations, sign-in and MFA."""
