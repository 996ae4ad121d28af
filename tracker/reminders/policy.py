"""The reminder policy: which assignment is reminded of, to whom, on which day, and when a morning comes.

Everything here reads the one `ReminderPolicy` row the committee edits in the admin (defaults installed
by a migration: 08:00; due soon 7 and 1 days before; due today; overdue the first day after, then every
7 days; escalation to the committee when overdue more than 14 days, then every 7 days; weekly summary
on Monday; the committee in Ha Noi, weekend Saturday–Sunday).

Days are dates in the recipient's time zone: the mission's for its members and its own address, the
committee's for escalations and the weekly summary; "overdue by n days" counts from the assignment's
deadline, which is a day in its mission's time zone (see `tracker.timeliness`).

Working days. Nothing is sent on a recipient's weekend. The digest of a working day D covers:
- the *looking-back* reminders (overdue, escalation) that fall on D or on the non-working days just before
  it: what falls on the weekend is in the next working morning's digest;
- the *looking-ahead* reminders (due soon, due today) that fall on D or on the non-working days just after
  it: a warning that would fall on the weekend comes on the last working morning before it, so it still
  arrives before the deadline (a Friday–Saturday mission hears on Thursday that a task is due on Saturday,
  not on Sunday when it is already late).
So every reminder lands in exactly one working morning's digest. An item is labelled by where the
assignment stands on the digest's day (overdue, due today, due soon in n days).

Sending time. A recipient's digest for day D is due from `send_hour` (08:00) local time until the end of
D: a sweep that runs late (worker down at 08:00) catches up the same local day; the next day it is gone.
"""

import datetime
import zoneinfo
from collections.abc import Collection

from django.utils import timezone

from tracker.models import Status
from tracker.reminders.models import ItemKind, ReminderPolicy

CLOSED = frozenset({Status.COMPLETED, Status.CANCELLED})
ONE_DAY = datetime.timedelta(days=1)


def current() -> ReminderPolicy:
    """The policy in force (the defaults, unsaved, if the row is missing)."""
    return ReminderPolicy.objects.filter(pk=1).first() or ReminderPolicy(pk=1)


# --- working days ---------------------------------------------------------------------------------


def is_working_day(day: datetime.date, weekend: Collection[int]) -> bool:
    return day.isoweekday() not in weekend


def window(day: datetime.date, weekend: Collection[int]) -> tuple[list[datetime.date], list[datetime.date]]:
    """(looking-back days, looking-ahead days) covered by the digest of working day `day`."""
    back, ahead = [day], [day]
    for step in range(1, 7):
        before = day - step * ONE_DAY
        if is_working_day(before, weekend):
            break
        back.append(before)
    for step in range(1, 7):
        after = day + step * ONE_DAY
        if is_working_day(after, weekend):
            break
        ahead.append(after)
    return back, ahead


def local_morning(
    policy: ReminderPolicy, *, now: datetime.datetime, zone: zoneinfo.ZoneInfo, weekend: Collection[int]
) -> datetime.date | None:
    """The local day whose digest is due at `now` in `zone`, or None (before the sending hour, or a weekend)."""
    local = timezone.localtime(now, zone)
    if local.hour < policy.send_hour or not is_working_day(local.date(), weekend):
        return None
    return local.date()


def committee_zone(policy: ReminderPolicy) -> zoneinfo.ZoneInfo:
    return zoneinfo.ZoneInfo(policy.committee_timezone)


def committee_weekend(policy: ReminderPolicy) -> set[int]:
    return {int(c) for c in policy.committee_weekend}


def committee_morning(policy: ReminderPolicy, *, now: datetime.datetime) -> datetime.date | None:
    """The committee's working day whose escalation digest is due at `now`, or None."""
    return local_morning(policy, now=now, zone=committee_zone(policy), weekend=committee_weekend(policy))


def weekly_morning(policy: ReminderPolicy, *, now: datetime.datetime) -> datetime.date | None:
    """The committee's day whose weekly summary is due at `now` (Monday from 08:00 Ha Noi), or None."""
    if not policy.weekly_summary:
        return None
    local = timezone.localtime(now, committee_zone(policy))
    if local.hour < policy.send_hour or local.isoweekday() != policy.weekly_weekday:
        return None
    return local.date()


def weekly_reference(policy: ReminderPolicy, day: datetime.date) -> tuple[datetime.datetime, datetime.datetime]:
    """The week a weekly summary of `day` covers: from the sending hour a week before to the sending hour of `day`."""
    end = datetime.datetime.combine(day, datetime.time(policy.send_hour), tzinfo=committee_zone(policy))
    return end - datetime.timedelta(days=7), end


# --- which kind on which day ----------------------------------------------------------------------


def events_on(policy: ReminderPolicy, *, deadline: datetime.date, day: datetime.date) -> set[str]:
    """The reminders an open assignment with this deadline has on `day` (before moving weekends)."""
    kinds: set[str] = set()
    left = (deadline - day).days
    if left in policy.due_soon_day_list():
        kinds.add(ItemKind.DUE_SOON)
    if left == 0 and policy.due_today:
        kinds.add(ItemKind.DUE_TODAY)
    late = -left
    first, every = policy.overdue_first_day, policy.overdue_every_days
    if late == first or (every and late > first and (late - first) % every == 0):
        kinds.add(ItemKind.OVERDUE)
    start, again = policy.escalation_after_days + 1, policy.escalation_every_days
    if late == start or (again and late > start and (late - start) % again == 0):
        kinds.add(ItemKind.ESCALATION)
    return kinds


LOOKING_AHEAD = frozenset({ItemKind.DUE_SOON, ItemKind.DUE_TODAY})
LOOKING_BACK = frozenset({ItemKind.OVERDUE})


def standing(deadline: datetime.date, day: datetime.date) -> str:
    """How an open assignment stands on `day`: the label of its item in that day's digest."""
    if deadline < day:
        return ItemKind.OVERDUE
    if deadline == day:
        return ItemKind.DUE_TODAY
    return ItemKind.DUE_SOON


def mission_item(
    policy: ReminderPolicy,
    *,
    status: str,
    deadline: datetime.date,
    day: datetime.date,
    weekend: Collection[int],
) -> tuple[str, int] | None:
    """(kind, days left) if the assignment is in its mission's digest of working day `day`, else None."""
    if status in CLOSED or not is_working_day(day, weekend):
        return None
    back, ahead = window(day, weekend)
    hit = any(events_on(policy, deadline=deadline, day=d) & LOOKING_AHEAD for d in ahead) or any(
        events_on(policy, deadline=deadline, day=d) & LOOKING_BACK for d in back
    )
    if not hit:
        return None
    return standing(deadline, day), (deadline - day).days


def escalation_item(
    policy: ReminderPolicy,
    *,
    status: str,
    deadline: datetime.date,
    day: datetime.date,
    weekend: Collection[int],
) -> tuple[str, int] | None:
    """(ESCALATION, days left) if the assignment is in the committee's escalation digest of `day`, else None."""
    if status in CLOSED or not is_working_day(day, weekend):
        return None
    back, _ahead = window(day, weekend)
    if any(ItemKind.ESCALATION in events_on(policy, deadline=deadline, day=d) for d in back):
        return ItemKind.ESCALATION, (deadline - day).days
    return None


def mission_horizon(policy: ReminderPolicy, *, day: datetime.date, weekend: Collection[int]) -> datetime.date:
    """No assignment with a later deadline is in the digest of `day` (for filtering in the database)."""
    _back, ahead = window(day, weekend)
    return max(ahead) + datetime.timedelta(days=max(policy.due_soon_day_list(), default=0))


def escalation_horizon(policy: ReminderPolicy, *, day: datetime.date) -> datetime.date:
    """No assignment with a later deadline is escalated on `day`."""
    return day - datetime.timedelta(days=policy.escalation_after_days + 1)


def is_escalated(policy: ReminderPolicy, *, deadline: datetime.date, day: datetime.date) -> bool:
    """Overdue by more than the escalation threshold on `day`."""
    return (day - deadline).days > policy.escalation_after_days


# --- who receives which kinds ----------------------------------------------------------------------

MEMBER_KINDS = (ItemKind.DUE_SOON, ItemKind.DUE_TODAY, ItemKind.OVERDUE)


def roles_notified(policy: ReminderPolicy) -> set[str]:
    from missions.models import Membership

    roles = set()
    if policy.notify_heads:
        roles.add(Membership.Role.HEAD)
    if policy.notify_deputies:
        roles.add(Membership.Role.DEPUTY)
    if policy.notify_officers:
        roles.add(Membership.Role.OFFICER)
    return roles


def user_choices(user) -> dict[str, bool]:
    """The kinds a person chose to receive (everything when they never chose)."""
    from tracker.reminders.models import ReminderPreference

    try:
        return user.reminder_preference.as_dict()
    except ReminderPreference.DoesNotExist:
        return dict.fromkeys(ReminderPreference.KINDS, True)
