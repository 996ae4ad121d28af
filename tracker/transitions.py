"""The status transition rules of an assignment, written once.

`report_submit` calls `check` before it saves anything; forms and the API show its messages by field.
"""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from tracker.models import Status

CLOSED = frozenset({Status.COMPLETED, Status.CANCELLED})

# What a mission's report may move an assignment to, from each status.
MISSION_MOVES: dict[str, frozenset[str]] = {
    Status.NOT_STARTED: frozenset({Status.NOT_STARTED, Status.IN_PROGRESS, Status.BLOCKED, Status.COMPLETED}),
    Status.IN_PROGRESS: frozenset({Status.IN_PROGRESS, Status.BLOCKED, Status.COMPLETED}),
    Status.BLOCKED: frozenset({Status.IN_PROGRESS, Status.BLOCKED, Status.COMPLETED}),
    Status.COMPLETED: frozenset(),
    Status.CANCELLED: frozenset(),
}
# The committee may also cancel open work and reopen closed work.
COMMITTEE_MOVES: dict[str, frozenset[str]] = {
    Status.NOT_STARTED: MISSION_MOVES[Status.NOT_STARTED] | {Status.CANCELLED},
    Status.IN_PROGRESS: MISSION_MOVES[Status.IN_PROGRESS] | {Status.CANCELLED},
    Status.BLOCKED: MISSION_MOVES[Status.BLOCKED] | {Status.CANCELLED},
    Status.COMPLETED: frozenset({Status.IN_PROGRESS}),
    Status.CANCELLED: frozenset({Status.NOT_STARTED, Status.IN_PROGRESS}),
}


def allowed_moves(current: str, *, by_committee: bool) -> frozenset[str]:
    return (COMMITTEE_MOVES if by_committee else MISSION_MOVES)[current]


def check(*, current: str, new: str, percent: int, obstacles: str, by_committee: bool) -> int:
    """Validates a report's status and percent against the current status; returns the percent to store.

    Raises ValidationError with messages keyed by field ("status", "percent", "obstacles").
    """
    errors: dict[str, str] = {}
    if new not in Status.values:
        raise ValidationError({"status": _("Choose a valid status.")})
    if not 0 <= percent <= 100:
        errors["percent"] = _("Percent done must be between 0 and 100.")
    if new not in allowed_moves(current, by_committee=by_committee):
        if current in CLOSED and not by_committee:
            errors["status"] = _("This assignment is closed (%(status)s); only the committee can reopen it.") % {
                "status": Status(current).label
            }
        elif new == Status.CANCELLED:
            errors["status"] = _("Only the steering committee can cancel an assignment.")
        elif new == Status.NOT_STARTED:
            errors["status"] = _("Work has started; the status cannot go back to “not started”.")
        else:
            errors["status"] = _("An assignment cannot move from “%(current)s” to “%(new)s”.") % {
                "current": Status(current).label,
                "new": Status(new).label,
            }
    if new == Status.BLOCKED and not (obstacles or "").strip():
        errors["obstacles"] = _("Describe the obstacles when you report the work as blocked.")
    if new == Status.IN_PROGRESS and percent == 100:
        # xgettext:no-python-format
        errors["percent"] = _("Work that is 100% done is completed: choose “completed”.")
    if new == Status.NOT_STARTED and percent not in (0, None):
        # xgettext:no-python-format
        errors["percent"] = _("Work not started is 0% done.")
    if errors:
        raise ValidationError(errors)
    if new == Status.COMPLETED:
        return 100
    return percent
