"""The reminder policy (one row the committee edits), each user's choices, and the delivery log.

The log is also the lock: a digest is claimed by inserting its row, and the unique constraint on
(recipient, local date) makes a second claim of an address's day fail in the database, whichever process,
worker, beat or operator tries it: one reminder e-mail per address and day, whatever it holds.
"""

import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from missions.models import TimeStampedModel, validate_timezone, validate_weekend


class ItemKind(models.TextChoices):
    """Why an assignment is in a digest."""

    DUE_SOON = "due_soon", _("Due soon")
    DUE_TODAY = "due_today", _("Due today")
    OVERDUE = "overdue", _("Overdue")
    ESCALATION = "escalation", _("Escalated to the committee")


class DigestKind(models.TextChoices):
    """Which e-mail: a mission's daily digest, the committee's escalations, the committee's weekly summary."""

    MISSION = "mission", _("Mission digest")
    ESCALATION = "escalation", _("Escalations to the committee")
    WEEKLY = "weekly", _("Weekly summary to the committee")


def validate_day_list(value: str) -> None:
    try:
        days = [int(part) for part in value.split(",") if part.strip()]
    except ValueError:
        days = None
    if not days or any(d < 1 or d > 60 for d in days):
        raise ValidationError(_("Give whole numbers of days between 1 and 60, separated by commas, e.g. 7,1."))


class ReminderPolicy(TimeStampedModel):
    """When reminders go out and to whom. One row (id 1), installed by a migration, edited in the admin.

    The rule that reads it is `tracker.reminders.policy`.
    """

    send_hour = models.PositiveSmallIntegerField(
        _("sending hour"),
        default=8,
        validators=[MaxValueValidator(23)],
        help_text=_("Local hour (0–23) from which a recipient's daily digest is sent, in their own time zone."),
    )
    due_soon_days = models.CharField(
        _("due soon: days before the deadline"),
        max_length=60,
        default="7,1",
        validators=[validate_day_list],
        help_text=_("Days before the deadline on which to remind, separated by commas."),
    )
    due_today = models.BooleanField(_("remind on the deadline day"), default=True)
    overdue_first_day = models.PositiveSmallIntegerField(
        _("overdue: first reminder (days after the deadline)"), default=1, validators=[MinValueValidator(1)]
    )
    overdue_every_days = models.PositiveSmallIntegerField(
        _("overdue: then every (days)"), default=7, help_text=_("0: remind only once.")
    )
    escalation_after_days = models.PositiveSmallIntegerField(
        _("escalate when overdue more than (days)"), default=14, validators=[MinValueValidator(1)]
    )
    escalation_every_days = models.PositiveSmallIntegerField(
        _("escalation: again every (days)"), default=7, help_text=_("0: escalate only once.")
    )
    notify_heads = models.BooleanField(_("heads of mission receive the mission digest"), default=True)
    notify_deputies = models.BooleanField(_("deputy heads receive the mission digest"), default=True)
    notify_officers = models.BooleanField(_("officers receive the mission digest"), default=True)
    notify_mission_address = models.BooleanField(_("the mission's own address receives the digest"), default=True)
    committee_group = models.CharField(
        _("committee group"),
        max_length=150,
        blank=True,
        default="Steering committee",
        help_text=_(
            "Escalations and the weekly summary go to the active staff members of this group; "
            "to every active staff user when the group does not exist or is empty."
        ),
    )
    committee_timezone = models.CharField(
        _("committee time zone"), max_length=64, default="Asia/Ho_Chi_Minh", validators=[validate_timezone]
    )
    committee_weekend = models.CharField(
        _("committee weekend"),
        max_length=7,
        default="67",
        validators=[validate_weekend],
        help_text=_("ISO weekday numbers, 1 (Monday) to 7 (Sunday); 67 is Saturday–Sunday."),
    )
    weekly_summary = models.BooleanField(_("send the weekly summary to the committee"), default=True)
    weekly_weekday = models.PositiveSmallIntegerField(
        _("weekly summary day"),
        default=1,
        choices=[
            (1, _("Monday")),
            (2, _("Tuesday")),
            (3, _("Wednesday")),
            (4, _("Thursday")),
            (5, _("Friday")),
            (6, _("Saturday")),
            (7, _("Sunday")),
        ],
    )

    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        verbose_name = _("reminder policy")
        verbose_name_plural = _("reminder policy")
        constraints = [
            models.CheckConstraint(condition=Q(id=1), name="reminder_policy_single_row"),
            models.CheckConstraint(condition=Q(send_hour__lte=23), name="reminder_policy_send_hour"),
            models.CheckConstraint(
                condition=Q(weekly_weekday__gte=1, weekly_weekday__lte=7), name="reminder_policy_weekday"
            ),
        ]

    def __str__(self) -> str:
        return str(_("Reminder policy"))

    def save(self, *args, **kwargs):
        self.pk = 1  # one row
        super().save(*args, **kwargs)

    def due_soon_day_list(self) -> list[int]:
        """The days before a deadline on which to remind, largest first (parsed once per value)."""
        cached = self.__dict__.get("_due_soon_parsed")
        if cached is None or cached[0] != self.due_soon_days:
            days = sorted({int(part) for part in self.due_soon_days.split(",") if part.strip()}, reverse=True)
            cached = self.__dict__["_due_soon_parsed"] = (self.due_soon_days, days)
        return cached[1]


class ReminderPreference(TimeStampedModel):
    """Which kinds of reminder a person receives. No row means everything."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="reminder_preference",
        verbose_name=_("user"),
    )
    due_soon = models.BooleanField(_("due soon"), default=True)
    due_today = models.BooleanField(_("due today"), default=True)
    overdue = models.BooleanField(_("overdue"), default=True)
    escalation = models.BooleanField(_("escalations (committee)"), default=True)
    weekly = models.BooleanField(_("weekly summary (committee)"), default=True)

    KINDS = ("due_soon", "due_today", "overdue", "escalation", "weekly")

    class Meta:
        verbose_name = _("reminder preference")
        verbose_name_plural = _("reminder preferences")

    def __str__(self) -> str:
        return str(self.user)

    def as_dict(self) -> dict[str, bool]:
        return {kind: getattr(self, kind) for kind in self.KINDS}


class DeliveryQuerySet(models.QuerySet):
    def unsent(self) -> "DeliveryQuerySet":
        return self.filter(state__in=[ReminderDelivery.State.PENDING, ReminderDelivery.State.RETRYING])


class ReminderDelivery(models.Model):
    """One digest for one recipient on one local day: claimed before sending, then sent, retried or failed.

    `mission` is the mission a mission digest is about; empty for the committee's digests and for a digest
    that covers several missions (a person serving in two)."""

    class State(models.TextChoices):
        PENDING = "pending", pgettext_lazy("reminder delivery", "Pending")
        RETRYING = "retrying", _("Retrying")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")

    kind = models.CharField(_("kind"), max_length=12, choices=DigestKind.choices)
    local_date = models.DateField(_("local date"), help_text=_("The recipient's day, in their time zone."))
    mission = models.ForeignKey(
        "missions.Mission",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="reminder_deliveries",
        verbose_name=_("mission"),
    )
    recipient = models.EmailField(_("recipient"))
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="reminder_deliveries",
        verbose_name=_("user"),
    )
    language = models.CharField(_("language"), max_length=8)
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.PENDING)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("error"), blank=True)
    claimed_at = models.DateTimeField(_("claimed at"))
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    next_attempt_at = models.DateTimeField(_("next attempt"), null=True, blank=True)
    locked_until = models.DateTimeField(_("being sent until"), null=True, blank=True, editable=False)
    lease = models.UUIDField(_("lease"), null=True, blank=True, editable=False)
    claim = models.UUIDField(_("claim"), null=True, blank=True, editable=False, db_index=True)
    message_id = models.CharField(_("Message-ID"), max_length=200, blank=True)
    assignments = models.ManyToManyField(
        "tracker.Assignment", through="ReminderItem", related_name="reminder_deliveries", verbose_name=_("items")
    )

    objects = DeliveryQuerySet.as_manager()

    class Meta:
        verbose_name = _("reminder delivery")
        verbose_name_plural = _("reminders log")
        ordering = ["-local_date", "-claimed_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["recipient", "local_date"], name="reminder_once_per_recipient_day"),
            models.CheckConstraint(condition=Q(kind__in=DigestKind.values), name="reminder_delivery_kind_valid"),
            models.CheckConstraint(
                condition=Q(state__in=["pending", "retrying", "sent", "failed"]), name="reminder_delivery_state_valid"
            ),
            models.CheckConstraint(
                condition=~Q(state="sent") | Q(sent_at__isnull=False), name="reminder_delivery_sent_has_time"
            ),
            models.CheckConstraint(
                condition=Q(kind="mission") | Q(mission__isnull=True),
                name="reminder_delivery_committee_digest_no_mission",
            ),
        ]
        indexes = [
            models.Index(fields=["state", "next_attempt_at"], name="reminder_delivery_retry"),
            models.Index(fields=["local_date", "kind"], name="reminder_delivery_day"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.recipient} · {self.local_date:%d/%m/%Y}"

    @staticmethod
    def new_lease() -> uuid.UUID:
        return uuid.uuid4()


class ReminderItem(models.Model):
    """One assignment in a digest, with why it is there and how many days it had left (negative: overdue)."""

    delivery = models.ForeignKey(
        ReminderDelivery, on_delete=models.CASCADE, related_name="items", verbose_name=_("delivery")
    )
    assignment = models.ForeignKey(
        "tracker.Assignment", on_delete=models.PROTECT, related_name="reminder_items", verbose_name=_("assignment")
    )
    kind = models.CharField(_("kind"), max_length=12, choices=ItemKind.choices)
    days_left = models.IntegerField(_("days left"), help_text=_("Days to the deadline on the digest's day."))
    for_committee = models.BooleanField(
        _("for the committee"),
        default=False,
        help_text=_("Listed as the committee's (escalated, or overdue in the weekly summary), not as one's own."),
    )

    class Meta:
        verbose_name = _("reminder item")
        verbose_name_plural = _("reminder items")
        ordering = ["days_left", "id"]
        constraints = [
            models.UniqueConstraint(fields=["delivery", "assignment"], name="reminder_item_once_per_delivery"),
            models.CheckConstraint(condition=Q(kind__in=ItemKind.values), name="reminder_item_kind_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.assignment_id}"
