"""Every write of the reminders: plan and claim the day's digests, send them, retry, record preferences.

The flow, the same from Celery beat and from `manage.py send_reminders`:
1. `reminders_sweep` plans, for every recipient whose local morning has come, the digest of that day
   (`tracker.reminders.policy` decides what is in it), and claims each one by inserting its row in the
   delivery log. The unique constraint makes the claim succeed once per recipient, kind and local day,
   whatever runs at the same time; what is claimed is then sent, what another run claimed is left alone.
   It also collects deliveries whose retry time has come and claims nobody sent (a worker lost).
2. `deliveries_send` takes a lease on a batch, renders and sends it over one SMTP connection, and records
   each result: sent; retrying with back-off (1, 2, 4, … 30 minutes) after a failure; failed after
   `MAX_ATTEMPTS` (visible in the admin, which can send it again with `delivery_retry`).
"""

import contextlib
import datetime
import logging
import smtplib
from dataclasses import dataclass, field

from django.conf import settings
from django.core.mail import get_connection
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone

from missions.models import Mission
from tracker.mailing import LEASE, MAX_ATTEMPTS, MAX_BACKOFF, TRANSIENT_ERRORS, backoff, describe  # noqa: F401 (re-exported)
from tracker.reminders import emails, selectors
from tracker.reminders import policy as rules
from tracker.reminders.models import (
    DigestKind,
    ItemKind,
    ReminderDelivery,
    ReminderItem,
    ReminderPolicy,
    ReminderPreference,
)

logger = logging.getLogger(__name__)

PENDING_GRACE = datetime.timedelta(minutes=10)  # a claim not sent by then is picked up by the next sweep
BATCH_SIZE = 25


@dataclass
class Recipient:
    address: str
    user: object | None
    language: str
    kinds: set[str]


@dataclass
class PlannedDigest:
    kind: str
    local_date: datetime.date
    recipient: Recipient
    mission: Mission | None
    items: list[tuple[int, str, int]]  # (assignment id, item kind, days left)
    already_claimed: bool = False
    delivery_id: int | None = None

    def key(self) -> tuple:
        return (self.recipient.address, self.mission.pk if self.mission else None, self.local_date)


@dataclass
class SweepResult:
    planned: list[PlannedDigest] = field(default_factory=list)
    claimed: list[int] = field(default_factory=list)
    due: list[int] = field(default_factory=list)

    @property
    def to_send(self) -> list[int]:
        return list(dict.fromkeys([*self.claimed, *self.due]))

    def batches(self, size: int = BATCH_SIZE) -> list[list[int]]:
        ids = self.to_send
        return [ids[i : i + size] for i in range(0, len(ids), size)]


@dataclass
class SendOutcome:
    sent: list[int] = field(default_factory=list)
    retrying: list[int] = field(default_factory=list)
    failed: list[int] = field(default_factory=list)
    skipped: list[int] = field(default_factory=list)
    retry_in: datetime.timedelta | None = None


# --- planning ------------------------------------------------------------------------------------


def _address(value: str) -> str:
    return (value or "").strip().lower()


def _mission_recipients(policy: ReminderPolicy, mission: Mission, members) -> list[Recipient]:
    """The mission's members in the notified roles with the kinds each chose, and the mission's own address."""
    by_address: dict[str, Recipient] = {}
    for membership in members:
        user = membership.user
        choices = rules.user_choices(user)
        kinds = {kind for kind in rules.MEMBER_KINDS if choices[kind]}
        address = _address(user.email)
        if address in by_address:
            by_address[address].kinds |= kinds
        else:
            by_address[address] = Recipient(address, user, user.language, kinds)
    address = _address(mission.email)
    if policy.notify_mission_address and address:
        if address in by_address:
            by_address[address].kinds |= set(rules.MEMBER_KINDS)
        else:
            by_address[address] = Recipient(address, None, settings.LANGUAGE_CODE, set(rules.MEMBER_KINDS))
    return [r for r in by_address.values() if r.kinds]


def _mission_plans(
    policy: ReminderPolicy, *, now: datetime.datetime, mission_code: str | None, include_claimed: bool
) -> list[PlannedDigest]:
    missions = {}
    days: dict[int, datetime.date] = {}
    for mission in selectors.active_missions(code=mission_code):
        day = rules.local_morning(policy, now=now, zone=mission.zone, weekend=mission.weekend_days())
        if day is not None:
            missions[mission.pk] = mission
            days[mission.pk] = day
    if not missions:
        return []
    members: dict[int, list] = {}
    for membership in selectors.current_members(days=days, roles=rules.roles_notified(policy)):
        members.setdefault(membership.mission_id, []).append(membership)
    recipients = {pk: _mission_recipients(policy, m, members.get(pk, [])) for pk, m in missions.items()}
    claimed = selectors.claimed_keys(kind=DigestKind.MISSION, dates=days.values(), mission_ids=missions)
    horizon = max(
        rules.mission_horizon(policy, day=days[pk], weekend=m.weekend_days()) for pk, m in missions.items()
    )

    def all_claimed(pk: int) -> bool:
        return all((r.address, pk, days[pk]) in claimed for r in recipients[pk])

    # A mission whose every recipient has had today's digest costs nothing more until tomorrow.
    wanted = [pk for pk in missions if recipients[pk] and (include_claimed or not all_claimed(pk))]
    items: dict[int, list[tuple[int, str, int]]] = {}
    for pk, mission_id, deadline, status in selectors.open_deadlines(mission_ids=wanted, deadline_lte=horizon):
        mission = missions[mission_id]
        item = rules.mission_item(
            policy, status=status, deadline=deadline, day=days[mission_id], weekend=mission.weekend_days()
        )
        if item is not None:
            items.setdefault(mission_id, []).append((pk, *item))
    plans = []
    for pk in wanted:
        for recipient in recipients[pk]:
            mine = [item for item in items.get(pk, []) if item[1] in recipient.kinds]
            if mine:
                plan = PlannedDigest(DigestKind.MISSION, days[pk], recipient, missions[pk], mine)
                plan.already_claimed = plan.key() in claimed
                plans.append(plan)
    return plans


def _committee_plans(policy: ReminderPolicy, *, now: datetime.datetime) -> list[PlannedDigest]:
    day = rules.committee_morning(policy, now=now)
    weekly_day = rules.weekly_morning(policy, now=now)
    if day is None and weekly_day is None:
        return []
    users = selectors.committee_users(policy)
    plans = []
    if day is not None:
        weekend = rules.committee_weekend(policy)
        escalations = []
        for pk, _mission_id, deadline, status in selectors.open_deadlines(
            mission_ids=None, deadline_lte=rules.escalation_horizon(policy, day=day)
        ):
            item = rules.escalation_item(policy, status=status, deadline=deadline, day=day, weekend=weekend)
            if item is not None:
                escalations.append((pk, *item))
        claimed = selectors.claimed_keys(kind=DigestKind.ESCALATION, dates=[day])
        for user in users:
            choices = rules.user_choices(user)
            if not (choices["escalation"] and escalations):
                continue
            if weekly_day == day and choices["weekly"]:
                continue  # the weekly summary of the same morning lists every escalated assignment
            recipient = Recipient(_address(user.email), user, user.language, {ItemKind.ESCALATION})
            plan = PlannedDigest(DigestKind.ESCALATION, day, recipient, None, escalations)
            plan.already_claimed = plan.key() in claimed
            plans.append(plan)
    if weekly_day is not None:
        overdue = [
            (
                pk,
                ItemKind.ESCALATION
                if rules.is_escalated(policy, deadline=deadline, day=weekly_day)
                else ItemKind.OVERDUE,
                (deadline - weekly_day).days,
            )
            for pk, deadline in selectors.overdue_for_weekly(now=now)
        ]
        claimed = selectors.claimed_keys(kind=DigestKind.WEEKLY, dates=[weekly_day])
        for user in users:
            if not rules.user_choices(user)["weekly"]:
                continue
            recipient = Recipient(_address(user.email), user, user.language, {ItemKind.OVERDUE, ItemKind.ESCALATION})
            plan = PlannedDigest(DigestKind.WEEKLY, weekly_day, recipient, None, overdue)
            plan.already_claimed = plan.key() in claimed
            plans.append(plan)
    return plans


def reminders_plan(
    *,
    now: datetime.datetime,
    mission_code: str | None = None,
    policy: ReminderPolicy | None = None,
    include_claimed: bool = True,
) -> list[PlannedDigest]:
    """Who gets which digest at `now`, marking those already claimed. Writes nothing."""
    policy = policy or rules.current()
    plans = _mission_plans(policy, now=now, mission_code=mission_code, include_claimed=include_claimed)
    if not mission_code:
        plans += _committee_plans(policy, now=now)
    return plans


def digest_claim(*, plan: PlannedDigest) -> ReminderDelivery | None:
    """Claims a digest by inserting its log row; None when it was already claimed (by anyone, ever)."""
    try:
        with transaction.atomic():
            delivery = ReminderDelivery.objects.create(
                kind=plan.kind,
                local_date=plan.local_date,
                mission=plan.mission,
                recipient=plan.recipient.address,
                user=plan.recipient.user,
                language=plan.recipient.language,
                claimed_at=timezone.now(),
                state=ReminderDelivery.State.PENDING,
            )
            ReminderItem.objects.bulk_create(
                [
                    ReminderItem(delivery=delivery, assignment_id=pk, kind=kind, days_left=days_left)
                    for pk, kind, days_left in plan.items
                ]
            )
    except IntegrityError:
        taken = ReminderDelivery.objects.filter(
            kind=plan.kind, local_date=plan.local_date, mission=plan.mission, recipient=plan.recipient.address
        ).exists()
        if not taken:
            raise  # not a second claim: a real integrity problem, fail loudly
        return None
    return delivery


def reminders_sweep(
    *, now: datetime.datetime | None = None, mission_code: str | None = None, dry_run: bool = False
) -> SweepResult:
    """Plans and claims the digests whose local morning has come; collects deliveries due for a retry.

    Safe to run any number of times, concurrently: a digest is claimed once. With `dry_run` nothing is written.
    """
    now = now or timezone.now()
    result = SweepResult(planned=reminders_plan(now=now, mission_code=mission_code, include_claimed=dry_run))
    if dry_run:
        return result
    for plan in result.planned:
        if plan.already_claimed:
            continue
        delivery = digest_claim(plan=plan)
        if delivery is None:
            plan.already_claimed = True
        else:
            plan.delivery_id = delivery.pk
            result.claimed.append(delivery.pk)
    claimed = set(result.claimed)
    due = selectors.deliveries_due(now=now, pending_grace=PENDING_GRACE, mission_code=mission_code)
    result.due = [pk for pk in due if pk not in claimed]
    return result


# --- sending -------------------------------------------------------------------------------------


def _lease(delivery_ids: list[int], *, now: datetime.datetime):
    """Takes the unsent, unleased, due deliveries among `delivery_ids` for this sender; returns the lease."""
    real = timezone.now()
    clock = max(now, real)
    lease = ReminderDelivery.new_lease()
    ReminderDelivery.objects.unsent().filter(pk__in=delivery_ids).filter(
        Q(locked_until__isnull=True) | Q(locked_until__lt=real)
    ).filter(Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=clock)).update(
        lease=lease, locked_until=real + LEASE
    )
    return lease


def _record_sent(delivery: ReminderDelivery, message_id: str) -> None:
    ReminderDelivery.objects.filter(pk=delivery.pk, lease=delivery.lease).update(
        state=ReminderDelivery.State.SENT,
        sent_at=timezone.now(),
        attempts=F("attempts") + 1,
        last_error="",
        next_attempt_at=None,
        locked_until=None,
        lease=None,
        message_id=message_id,
    )


def _record_failure(delivery: ReminderDelivery, error: str, *, permanent: bool = False) -> str:
    attempts = delivery.attempts + 1
    final = permanent or attempts >= MAX_ATTEMPTS
    state = ReminderDelivery.State.FAILED if final else ReminderDelivery.State.RETRYING
    ReminderDelivery.objects.filter(pk=delivery.pk, lease=delivery.lease).update(
        state=state,
        attempts=attempts,
        last_error=error[:2000],
        next_attempt_at=None if final else timezone.now() + backoff(attempts),
        locked_until=None,
        lease=None,
    )
    log = logger.error if final else logger.warning
    log("reminder delivery %s to %s failed (attempt %s): %s", delivery.pk, delivery.recipient, attempts, error)
    return state


_describe = describe


def deliveries_send(*, delivery_ids: list[int], now: datetime.datetime | None = None) -> SendOutcome:
    """Sends the given deliveries that are still unsent and due, over one SMTP connection, recording each result.

    Safe to call twice with the same ids and from several workers at once: a lease in the database lets one
    sender have each delivery, and a sent one is never sent again.
    """
    now = now or timezone.now()
    outcome = SendOutcome()
    lease = _lease(list(delivery_ids), now=now)
    deliveries = selectors.deliveries_for_sending(lease=lease)
    taken = {d.pk for d in deliveries}
    outcome.skipped = [pk for pk in delivery_ids if pk not in taken]
    if not deliveries:
        return outcome

    def fail(delivery, error, permanent=False):
        state = _record_failure(delivery, error, permanent=permanent)
        (outcome.failed if state == ReminderDelivery.State.FAILED else outcome.retrying).append(delivery.pk)

    connection = get_connection(fail_silently=False)
    try:
        connection.open()
    except TRANSIENT_ERRORS as exc:
        for delivery in deliveries:
            fail(delivery, _describe(exc))
        deliveries = []
    cache: dict = {}
    for index, delivery in enumerate(deliveries):
        try:
            message = emails.build(delivery, connection=connection, cache=cache)
        except Exception as exc:  # a programming or data error: never retried blindly, shown in the admin
            logger.exception("reminder delivery %s could not be rendered", delivery.pk)
            fail(delivery, _describe(exc), permanent=True)
            continue
        try:
            if connection.send_messages([message]) != 1:
                raise smtplib.SMTPException("the mail server accepted no message")
        except TRANSIENT_ERRORS as exc:
            fail(delivery, _describe(exc))
            with contextlib.suppress(*TRANSIENT_ERRORS):  # it may be broken: open a new one for the rest
                connection.close()
            try:
                connection.open()
            except TRANSIENT_ERRORS as again:
                for rest in deliveries[index + 1 :]:
                    fail(rest, _describe(again))
                break
            continue
        _record_sent(delivery, message.extra_headers["Message-ID"])
        outcome.sent.append(delivery.pk)
    with contextlib.suppress(*TRANSIENT_ERRORS):
        connection.close()
    if outcome.retrying:
        waits = ReminderDelivery.objects.filter(pk__in=outcome.retrying).values_list("next_attempt_at", flat=True)
        outcome.retry_in = max(max(waits) - timezone.now(), datetime.timedelta(seconds=1))
    return outcome


def delivery_retry(*, delivery_ids: list[int]) -> list[int]:
    """An operator sends failed (or waiting) deliveries again now. Returns the ids put back in line."""
    with transaction.atomic():
        ids = list(
            ReminderDelivery.objects.filter(
                pk__in=delivery_ids, state__in=[ReminderDelivery.State.FAILED, ReminderDelivery.State.RETRYING]
            ).values_list("pk", flat=True)
        )
        ReminderDelivery.objects.filter(pk__in=ids).update(
            state=ReminderDelivery.State.RETRYING, next_attempt_at=timezone.now(), locked_until=None, lease=None
        )
    return ids


def reminders_run(
    *, now: datetime.datetime | None = None, mission_code: str | None = None, dry_run: bool = False
) -> tuple[SweepResult, SendOutcome]:
    """The sweep and the sending in this process (the `send_reminders` command)."""
    result = reminders_sweep(now=now, mission_code=mission_code, dry_run=dry_run)
    total = SendOutcome()
    if dry_run:
        return result, total
    for batch in result.batches():
        outcome = deliveries_send(delivery_ids=batch, now=now)
        total.sent += outcome.sent
        total.retrying += outcome.retrying
        total.failed += outcome.failed
        total.skipped += outcome.skipped
    return result, total


# --- preferences ---------------------------------------------------------------------------------


def reminder_preference_update(*, user, **choices: bool) -> ReminderPreference:
    """Records which kinds of reminder a person receives (unknown kinds are refused)."""
    unknown = set(choices) - set(ReminderPreference.KINDS)
    if unknown:
        raise ValueError(f"unknown reminder kinds: {sorted(unknown)}")
    with transaction.atomic():
        preference, _created = ReminderPreference.objects.select_for_update().get_or_create(user=user)
        changed = [kind for kind, value in choices.items() if getattr(preference, kind) != bool(value)]
        for kind in changed:
            setattr(preference, kind, bool(choices[kind]))
        if changed:
            preference.save(update_fields=[*changed, "updated_at"])
    return preference
