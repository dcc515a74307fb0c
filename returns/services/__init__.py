"""Every write to collections and returns: services named `<noun>_<verb>`, each in a transaction."""

from returns.services.collections import collection_close, collection_create, collection_open
from returns.services.returns import (
    return_check,
    return_request_check,
    return_save_draft,
    values_problems,
)
from returns.services.rows import Actor, return_advance
from returns.services.workflow import (
    return_accept,
    return_query,
    return_reopen,
    return_submit,
)

__all__ = [
    "Actor",
    "collection_close",
    "collection_create",
    "collection_open",
    "return_accept",
    "return_advance",
    "return_check",
    "return_query",
    "return_reopen",
    "return_request_check",
    "return_save_draft",
    "return_submit",
    "values_problems",
]
