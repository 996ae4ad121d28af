"""Every write of the reminders: plan and claim the day's digests, send them, retry, record preferences.

The flow, the same from Celery beat and from `manage.py send_reminders`:
1. `reminders_sweep` plans, for every address whose local morning has come, the one digest of its day
   (`tracker.reminders.policy` decides what is in it; an address that follows several missions, or the
   committee and a mission, gets them all in that one e-mail), and claims them by inserting their rows in
   the delivery log. The unique constraint makes a claim succeed once per address and local day, whatever
   runs at the same time; what is claimed is then sent, what another run claimed is left alone.
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
from django.db import connection as db_connection
from django.db.models import Q
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


ROLE_RANK = {"head": 0, "deputy": 1, "officer": 2}


@dataclass
class Recipient:
    """One address and everything it is sent: the missions it follows (with the item kinds of each) and,
    for the committee's people, escalations and the weekly summary. It gets one e-mail a day at most, on
    its own calendar (`home`: the mission it belongs to first, or None for the committee's)."""

    address: str
    user: object | None
    language: str
    follows: dict[int, set[str]] = field(default_factory=dict)  # mission id -> item kinds
    home: Mission | None = None
    committee: bool = False
    escalation: bool = False
    weekly: bool = False
    home_rank: tuple = (9,)

    def follow(self, mission: Mission, kinds, *, rank: tuple) -> None:
        self.follows.setdefault(mission.pk, set()).update(kinds)
        if not self.committee and rank < self.home_rank:
            self.home, self.home_rank = mission, rank


Item = tuple[int, str, int]  # (assignment id, item kind, days left)


@dataclass
class PlannedDigest:
    kind: str
    local_date: datetime.date
    recipient: Recipient
    mission: Mission | None  # the one mission a mission digest is about; None for several, or the committee's
    items: list[Item]  # the recipient's own missions' assignments
    committee_items: list[Item] = field(default_factory=list)  # escalated, or the weekly summary's overdue list
    already_claimed: bool = False
    delivery_id: int | None = None

    def key(self) -> tuple:
        return (self.recipient.address, self.local_date)

    def all_items(self) -> list[tuple[int, str, int, bool]]:
        """(assignment id, kind, days left, listed for the committee), each assignment once."""
        seen: set[int] = set()
        rows = []
        for items, for_committee in ((self.committee_items, True), (self.items, False)):
            for pk, kind, days_left in items:
                if pk not in seen:
                    seen.add(pk)
                    rows.append((pk, kind, days_left, for_committee))
        return rows


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


def _recipients(policy: ReminderPolicy, *, now: datetime.datetime, missions: dict[int, Mission]) -> list[Recipient]:
    """Every address reminders go to, merged: the committee's people, the members in the notified roles
    (with the kinds each chose) and the missions' own addresses. Whoever is in the committee reads on its
    calendar; anyone else on that of the mission they belong to first (the mission's own address, then the
    highest role, then the mission's code)."""
    by_address: dict[str, Recipient] = {}

    def recipient(address: str, user, language: str) -> Recipient:
        if address not in by_address:
            by_address[address] = Recipient(address, user, language)
        found = by_address[address]
        if found.user is None and user is not None:
            found.user, found.language = user, language
        return found

    for user in selectors.committee_users(policy):
        choices = rules.user_choices(user)
        if choices["escalation"] or choices["weekly"]:
            found = recipient(_address(user.email), user, user.language)
            found.committee, found.home, found.home_rank = True, None, ()
            found.escalation, found.weekly = choices["escalation"], choices["weekly"]
    days = {pk: timezone.localtime(now, mission.zone).date() for pk, mission in missions.items()}
    for membership in selectors.current_members(days=days, roles=rules.roles_notified(policy)):
        user = membership.user
        choices = rules.user_choices(user)
        kinds = {kind for kind in rules.MEMBER_KINDS if choices[kind]}
        if kinds:
            mission = missions[membership.mission_id]
            recipient(_address(user.email), user, user.language).follow(
                mission, kinds, rank=(1, ROLE_RANK.get(membership.role, 9), mission.code)
            )
    if policy.notify_mission_address:
        for mission in missions.values():
            address = _address(mission.email)
            if address:
                recipient(address, None, settings.LANGUAGE_CODE).follow(
                    mission, rules.MEMBER_KINDS, rank=(0, mission.code)
                )
    return [r for r in by_address.values() if r.follows or r.committee]


def _calendar(policy: ReminderPolicy, recipient: Recipient) -> tuple:
    if recipient.home is None:
        return rules.committee_zone(policy), frozenset(rules.committee_weekend(policy))
    return recipient.home.zone, frozenset(recipient.home.weekend_days())


def reminders_plan(
    *,
    now: datetime.datetime,
    mission_code: str | None = None,
    policy: ReminderPolicy | None = None,
    include_claimed: bool = True,
) -> list[PlannedDigest]:
    """Who gets which digest at `now`, marking those already claimed. Writes nothing.

    One digest per address and day: a person in two missions gets both missions' items in one e-mail, a
    committee member who also serves in a mission gets their mission's items in the committee's e-mail.
    With `mission_code`, only the addresses that follow that mission (their whole digest).
    """
    policy = policy or rules.current()
    missions = {m.pk: m for m in selectors.active_missions()}
    recipients = _recipients(policy, now=now, missions=missions)
    if mission_code:
        wanted_mission = next((pk for pk, m in missions.items() if m.code == mission_code), None)
        recipients = [r for r in recipients if wanted_mission in r.follows]
    weekly_day = rules.weekly_morning(policy, now=now)
    morning: dict[str, tuple] = {}  # address -> (day, weekend)
    for recipient in recipients:
        zone, weekend = _calendar(policy, recipient)
        day = rules.local_morning(policy, now=now, zone=zone, weekend=weekend)
        if recipient.committee and weekly_day is not None and recipient.weekly:
            day = weekly_day
        if day is not None:
            morning[recipient.address] = (day, weekend)
    if not morning:
        return []
    claimed = selectors.claimed_keys(dates={day for day, _weekend in morning.values()})
    # An address that has had today's digest costs nothing more until tomorrow.
    wanted = [
        r
        for r in recipients
        if r.address in morning and (include_claimed or (r.address, morning[r.address][0]) not in claimed)
    ]
    if not wanted:
        return []

    followed = {pk for r in wanted for pk in r.follows}
    deadlines: dict[int, list[tuple]] = {}
    mission_of: dict[int, int] = {}
    if followed:
        horizon = max(rules.mission_horizon(policy, day=day, weekend=weekend) for day, weekend in morning.values())
        for row in selectors.open_deadlines(mission_ids=followed, deadline_lte=horizon):
            deadlines.setdefault(row[1], []).append(row)
            mission_of[row[0]] = row[1]
    mission_items: dict[tuple, list[Item]] = {}

    def items_of(mission_id: int, day: datetime.date, weekend: frozenset) -> list[Item]:
        key = (mission_id, day, weekend)
        if key not in mission_items:
            found = []
            for pk, _mission_id, deadline, status in deadlines.get(mission_id, []):
                item = rules.mission_item(policy, status=status, deadline=deadline, day=day, weekend=weekend)
                if item is not None:
                    found.append((pk, *item))
            mission_items[key] = found
        return mission_items[key]

    committee_day = rules.committee_morning(policy, now=now)
    escalations: list[Item] = []
    if committee_day is not None and any(r.committee and r.escalation for r in wanted):
        weekend = rules.committee_weekend(policy)
        for pk, _mission_id, deadline, status in selectors.open_deadlines(
            mission_ids=None, deadline_lte=rules.escalation_horizon(policy, day=committee_day)
        ):
            item = rules.escalation_item(policy, status=status, deadline=deadline, day=committee_day, weekend=weekend)
            if item is not None:
                escalations.append((pk, *item))
    overdue: list[Item] = []
    if weekly_day is not None and any(r.committee and r.weekly for r in wanted):
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

    plans = []
    for recipient in wanted:
        day, weekend = morning[recipient.address]
        own = [
            item
            for mission_id in sorted(recipient.follows, key=lambda pk: missions[pk].code)
            for item in items_of(mission_id, day, weekend)
            if item[1] in recipient.follows[mission_id]
        ]
        if recipient.committee and recipient.weekly and day == weekly_day:
            # the weekly summary of the same morning lists every escalated assignment
            plan = PlannedDigest(DigestKind.WEEKLY, day, recipient, None, own, overdue)
        elif recipient.committee and recipient.escalation and escalations and day == committee_day:
            plan = PlannedDigest(DigestKind.ESCALATION, day, recipient, None, own, escalations)
        elif own:
            about = {mission_of[pk] for pk, _kind, _days in own}
            single = missions[about.pop()] if len(about) == 1 else None
            plan = PlannedDigest(DigestKind.MISSION, day, recipient, single, own)
        else:
            continue
        plan.already_claimed = plan.key() in claimed
        plans.append(plan)
    return plans


def digests_claim(*, plans: list[PlannedDigest]) -> dict[tuple, int]:
    """Claims digests by inserting their log rows; returns {plan key: delivery id} of those this call claimed.

    The unique (recipient, local date) lets one claim of an address's day in, whoever else inserts at the same
    time (they wait for this transaction, then find the row taken); the rows this call inserted carry its token.
    """
    if not plans:
        return {}
    token = ReminderDelivery.new_lease()
    claimed_at = timezone.now()
    with transaction.atomic():
        ReminderDelivery.objects.bulk_create(
            [
                ReminderDelivery(
                    kind=plan.kind,
                    local_date=plan.local_date,
                    mission=plan.mission,
                    recipient=plan.recipient.address,
                    user=plan.recipient.user,
                    language=plan.recipient.language,
                    claimed_at=claimed_at,
                    claim=token,
                    state=ReminderDelivery.State.PENDING,
                )
                for plan in plans
            ],
            ignore_conflicts=True,
        )
        ours = {
            (recipient, day): pk
            for pk, recipient, day in ReminderDelivery.objects.filter(claim=token).values_list(
                "pk", "recipient", "local_date"
            )
        }
        lost = {plan.key() for plan in plans} - set(ours)
        if lost:
            dates = {day for _address, day in lost}
            taken = set(ReminderDelivery.objects.filter(local_date__in=dates).values_list("recipient", "local_date"))
            if lost - taken:  # not a second claim: a real integrity problem, fail loudly
                raise IntegrityError(f"reminder claims neither inserted nor taken: {sorted(lost - taken)}")
        ReminderItem.objects.bulk_create(
            [
                ReminderItem(
                    delivery_id=ours[plan.key()],
                    assignment_id=pk,
                    kind=kind,
                    days_left=days_left,
                    for_committee=for_committee,
                )
                for plan in plans
                if plan.key() in ours
                for pk, kind, days_left, for_committee in plan.all_items()
            ],
            batch_size=1000,
        )
    return ours


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
    ours = digests_claim(plans=[plan for plan in result.planned if not plan.already_claimed])
    for plan in result.planned:
        plan.delivery_id = ours.get(plan.key())
        if plan.delivery_id is None:
            plan.already_claimed = True
        else:
            result.claimed.append(plan.delivery_id)
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


# Run once per e-mail, right after the server took it, before the next is handed over: written out once, as Django's
# update() builds the statement anew on every call (0.35 ms, as long as the statement and its commit take).
_SENT = (
    "UPDATE tracker_reminderdelivery SET state = %s, sent_at = %s, attempts = attempts + 1, last_error = '', "
    "next_attempt_at = NULL, locked_until = NULL, lease = NULL, message_id = %s WHERE id = %s AND lease = %s"
)


def _record_sent(delivery: ReminderDelivery, message_id: str) -> None:
    lease = ReminderDelivery._meta.get_field("lease").get_db_prep_value(delivery.lease, db_connection)
    sent_at = db_connection.ops.adapt_datetimefield_value(timezone.now())
    with db_connection.cursor() as cursor:
        cursor.execute(_SENT, [ReminderDelivery.State.SENT, sent_at, message_id, delivery.pk, lease])


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
