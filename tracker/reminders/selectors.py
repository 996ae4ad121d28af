"""Reads for reminders: recipients, candidate assignments, claims already taken, the weekly summary."""

import datetime
from collections.abc import Iterable

from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils import timezone

from missions.models import Membership, Mission, User
from tracker import timeliness
from tracker.models import Assignment, ExtensionRequest, Report, Status, Timeliness
from tracker.reminders import policy as rules
from tracker.reminders.models import ReminderDelivery, ReminderItem, ReminderPolicy

WEEKLY_LIST_LIMIT = 100


def active_missions(*, code: str | None = None) -> QuerySet:
    qs = Mission.objects.active().order_by("code")
    return qs.filter(code=code) if code else qs


def current_members(*, days: dict[int, datetime.date], roles: Iterable[str]) -> list[Membership]:
    """Memberships in force on each mission's own local day (one query per distinct day: at most three)."""
    by_day: dict[datetime.date, list[int]] = {}
    for mission_id, day in days.items():
        by_day.setdefault(day, []).append(mission_id)
    members: list[Membership] = []
    for day, mission_ids in by_day.items():
        members.extend(
            Membership.objects.current(on=day)
            .filter(mission_id__in=mission_ids, role__in=list(roles))
            .exclude(user__email="")
            .select_related("user", "user__reminder_preference")
            .order_by("mission_id", "role", "user_id")
        )
    return members


def committee_users(policy: ReminderPolicy) -> list[User]:
    """Who receives escalations and the weekly summary: the committee group's active staff, else all active staff."""
    qs = User.objects.filter(is_active=True, is_staff=True).exclude(email="")
    if policy.committee_group:
        in_group = qs.filter(groups__name=policy.committee_group)
        if in_group.exists():
            qs = in_group
    return list(qs.select_related("reminder_preference").order_by("pk").distinct())


def claimed_keys(*, dates: Iterable[datetime.date]) -> set:
    """(recipient, local date) of the digests already claimed on those days."""
    return set(ReminderDelivery.objects.filter(local_date__in=list(set(dates))).values_list("recipient", "local_date"))


def open_deadlines(*, mission_ids: Iterable[int] | None, deadline_lte: datetime.date) -> list[tuple]:
    """(id, mission id, deadline, status) of the open assignments up to a deadline, active missions only."""
    qs = Assignment.objects.open().filter(deadline__lte=deadline_lte, mission__is_active=True)
    if mission_ids is not None:
        qs = qs.filter(mission_id__in=list(mission_ids))
    return list(qs.order_by("deadline", "id").values_list("id", "mission_id", "deadline", "status"))


def overdue_for_weekly(*, now: datetime.datetime, limit: int = WEEKLY_LIST_LIMIT) -> list[tuple]:
    """(id, deadline) of the open assignments overdue in their mission's time zone, oldest deadline first."""
    return list(
        Assignment.objects.filter(timeliness.filter_q(Timeliness.OVERDUE, now=now), mission__is_active=True)
        .order_by("deadline", "id")
        .values_list("id", "deadline")[:limit]
    )


# What an e-mail shows of each item (`tracker.reminders.emails.item_row`); nothing more is read for it.
ITEM_COLUMNS = (
    "delivery_id",
    "kind",
    "days_left",
    "for_committee",
    "assignment__deadline",
    "assignment__status",
    "assignment__percent",
    "assignment__task__title",
    "assignment__mission__code",
    "assignment__mission__name_vi",
    "assignment__mission__name_en",
)


def deliveries_for_sending(*, lease) -> list[ReminderDelivery]:
    """The deliveries a sender holds the lease on, with their mission and person, and their items (each with its
    assignment, task and mission) in one joined query of the columns the e-mail shows: two queries a batch."""
    items = ReminderItem.objects.select_related("assignment__task", "assignment__mission").only(*ITEM_COLUMNS)
    return list(
        ReminderDelivery.objects.filter(lease=lease)
        .select_related("mission", "user")
        .prefetch_related(Prefetch("items", queryset=items))
        .order_by("pk")
    )


def deliveries_due(*, now: datetime.datetime, pending_grace: datetime.timedelta, mission_code: str | None = None):
    """Ids of deliveries the sweep should (re)send: retries whose time has come, and claims nobody sent."""
    real = timezone.now()
    clock = max(now, real)
    qs = ReminderDelivery.objects.filter(
        Q(state=ReminderDelivery.State.RETRYING, next_attempt_at__lte=clock)
        | Q(state=ReminderDelivery.State.PENDING, claimed_at__lte=clock - pending_grace)
    ).filter(Q(locked_until__isnull=True) | Q(locked_until__lt=real))
    if mission_code:  # its digests, and the digests of several missions that list its work
        qs = qs.filter(
            Q(mission__code=mission_code)
            | Q(mission__isnull=True, kind="mission", items__assignment__mission__code=mission_code)
        ).distinct()
    return list(qs.order_by("pk").values_list("pk", flat=True))


def weekly_summary(*, policy: ReminderPolicy, day: datetime.date) -> dict:
    """The figures of the committee's weekly summary for `day` (the week before its sending hour)."""
    start, end = rules.weekly_reference(policy, day)
    zones = timeliness.mission_timezones()
    active = Assignment.objects.filter(mission__is_active=True)
    by_timeliness = dict(
        timeliness.annotate(active, now=end, zones=zones)
        .order_by()
        .values("timeliness")
        .annotate(n=Count("id"))
        .values_list("timeliness", "n")
    )
    totals = [(Timeliness(value).label, by_timeliness.get(value, 0)) for value in Timeliness.values]
    week_reports = Report.objects.filter(created_at__gte=start, created_at__lt=end)
    decided = ExtensionRequest.objects.filter(decided_at__gte=start, decided_at__lt=end)
    changes = {
        "reports": week_reports.count(),
        "completed": week_reports.filter(status=Status.COMPLETED).exclude(previous_status=Status.COMPLETED).count(),
        "blocked": week_reports.filter(status=Status.BLOCKED).exclude(previous_status=Status.BLOCKED).count(),
        "assigned": active.filter(created_at__gte=start, created_at__lt=end).count(),
        "extensions_approved": decided.filter(state=ExtensionRequest.State.APPROVED).count(),
        "extensions_rejected": decided.filter(state=ExtensionRequest.State.REJECTED).count(),
        "extensions_asked": ExtensionRequest.objects.filter(created_at__gte=start, created_at__lt=end).count(),
    }
    overdue_total = active.filter(timeliness.filter_q(Timeliness.OVERDUE, now=end, zones=zones)).count()
    pending = ExtensionRequest.objects.filter(state=ExtensionRequest.State.PENDING)
    return {
        "week_start": start,
        "week_end": end,
        "total": sum(by_timeliness.values()),
        "totals": totals,
        "changes": changes,
        "overdue_total": overdue_total,
        "pending_extensions_total": pending.count(),
        "pending_extensions": list(
            pending.select_related("assignment__task", "assignment__mission", "requested_by").order_by("created_at")[
                :WEEKLY_LIST_LIMIT
            ]
        ),
    }
