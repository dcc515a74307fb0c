"""What changed between two states of a return: a submitted version and the next, or the last
submitted version and the draft now being signed off. Anything with ``values``, ``explanations``
and ``details`` (a `ReturnVersion` or a `Return`) can be compared."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol

from indicators import ITEM_BY_CODE
from returns.presenters import DETAIL_BY_NAME, value_text


class ReturnState(Protocol):
    values: Any
    explanations: Any
    details: Any


@dataclass(slots=True)
class Change:
    code: str
    label: str
    before: str
    after: str


def version_changes(older: ReturnState, newer: ReturnState) -> list[Change]:
    """Field by field, what changed from one version to the next: values, then explanations,
    then details (contact, narrative, links), each labelled as the forms label it."""
    changes = []
    old_values, new_values = older.values, newer.values
    for code in sorted(set(old_values) | set(new_values), key=_item_order):
        before, after = old_values.get(code), new_values.get(code)
        if before != after:
            item = ITEM_BY_CODE.get(code)
            changes.append(
                Change(
                    code,
                    item.label if item else code,
                    value_text(before) or "Empty",
                    value_text(after) or "Empty",
                )
            )
    for key in sorted(set(older.explanations) | set(newer.explanations)):
        before, after = str(older.explanations.get(key, "")), str(newer.explanations.get(key, ""))
        if before != after:
            changes.append(
                Change(key, f"Explanation of {key}", before or "Empty", after or "Empty")
            )
    for name in sorted(set(older.details) | set(newer.details), key=_detail_order):
        before, after = str(older.details.get(name, "")), str(newer.details.get(name, ""))
        if before != after:
            detail = DETAIL_BY_NAME.get(name)
            label = detail.label if detail is not None else name.replace("_", " ").capitalize()
            changes.append(Change(name, label, before or "Empty", after or "Empty"))
    return changes


_ITEM_INDEX = {code: index for index, code in enumerate(ITEM_BY_CODE)}


def _item_order(code: str) -> tuple[int, str]:
    return (_ITEM_INDEX.get(code, len(_ITEM_INDEX)), code)


_DETAIL_INDEX = {name: index for index, name in enumerate(DETAIL_BY_NAME)}


def _detail_order(name: str) -> tuple[int, str]:
    """The task list's order (contact, narrative, links); unknown names last."""
    return (_DETAIL_INDEX.get(name, len(_DETAIL_INDEX)), name)
