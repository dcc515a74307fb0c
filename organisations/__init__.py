"""Organisations: the ODS register of NHS trusts, ICBs and independent providers."""
