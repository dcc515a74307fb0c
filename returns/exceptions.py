"""The errors the returns services raise, each with a plain-English message for the user."""

from __future__ import annotations

from collections.abc import Sequence

from indicators import Issue


class WorkflowError(Exception):
    """Base of every refusal by a collection service; ``str(error)`` is fit to show a user."""


class TransitionNotAllowed(WorkflowError):
    """The return (or collection) is not in a state from which this action is allowed."""


class SubmissionBlocked(TransitionNotAllowed):
    """The return cannot be submitted yet: every reason is listed, with the engine's issues."""

    def __init__(self, reasons: Sequence[str], issues: Sequence[Issue] = ()) -> None:
        self.reasons = list(reasons)
        self.issues = list(issues)
        super().__init__("This return cannot be submitted yet: " + " ".join(self.reasons))


class ReturnConflict(WorkflowError):
    """Someone else changed the return since the version the caller read (optimistic lock)."""

    def __init__(self, *, expected_version: int, current_version: int | None = None) -> None:
        self.expected_version = expected_version
        self.current_version = current_version
        super().__init__(
            "Someone else changed this return while you were working on it, so your change was "
            "not saved. Reload the return to see the latest figures, then make your change again."
        )


class InvalidValues(WorkflowError):
    """Values refused before saving (unknown item, not a number, negative, out of range)."""

    def __init__(self, problems: Sequence[Issue]) -> None:
        self.problems = list(problems)
        messages = " ".join(problem.message for problem in self.problems[:5])
        more = len(self.problems) - 5
        suffix = f" (and {more} more)" if more > 0 else ""
        super().__init__(f"Nothing was saved. {messages}{suffix}")
