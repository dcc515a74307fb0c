"""Signals other apps listen to without extracts importing them."""

from django.dispatch import Signal

#: Sent (``publication=``) once a publication's release and dashboard snapshot are built, so that
#: what is built from them (the national report's PDF) can follow.
publication_outputs_built = Signal()
