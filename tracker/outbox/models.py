"""One e-mail to one recipient, recorded with the action that caused it, then sent by a worker."""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class OutboxQuerySet(models.QuerySet):
    def unsent(self) -> "OutboxQuerySet":
        return self.filter(state__in=[OutboxMessage.State.PENDING, OutboxMessage.State.RETRYING])


class OutboxMessage(models.Model):
    """A message waiting to be sent, sent, waiting for a retry, or failed (shown in the admin)."""

    class Kind(models.TextChoices):
        EXTENSION_DECIDED = "extension_decided", _("Extension decision")

    class State(models.TextChoices):
        PENDING = "pending", _("Pending")
        RETRYING = "retrying", _("Retrying")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")

    kind = models.CharField(_("kind"), max_length=40, choices=Kind.choices)
    reference = models.CharField(
        _("about"), max_length=100, help_text=_("What the message is about, e.g. extension-request:12.")
    )
    recipient = models.EmailField(_("recipient"))
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="outbox_messages",
        verbose_name=_("user"),
    )
    subject = models.CharField(_("subject"), max_length=255)
    body = models.TextField(_("text"))
    html = models.TextField(_("HTML"), blank=True)
    message_id = models.CharField(_("Message-ID"), max_length=200, unique=True)
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.PENDING)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("error"), blank=True)
    created_at = models.DateTimeField(_("written at"))
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    next_attempt_at = models.DateTimeField(_("next attempt"), null=True, blank=True)
    locked_until = models.DateTimeField(_("being sent until"), null=True, blank=True, editable=False)
    lease = models.UUIDField(_("lease"), null=True, blank=True, editable=False)

    objects = OutboxQuerySet.as_manager()

    class Meta:
        verbose_name = _("outgoing e-mail")
        verbose_name_plural = _("outbox")
        ordering = ["-created_at", "-id"]
        constraints = [
            # One message per recipient for each event: a second write of the same event fails in the database.
            models.UniqueConstraint(fields=["kind", "reference", "recipient"], name="outbox_once_per_event_recipient"),
            models.CheckConstraint(
                condition=Q(state__in=["pending", "retrying", "sent", "failed"]), name="outbox_state_valid"
            ),
            models.CheckConstraint(condition=~Q(state="sent") | Q(sent_at__isnull=False), name="outbox_sent_has_time"),
        ]
        indexes = [
            models.Index(fields=["state", "next_attempt_at"], name="outbox_state_next_attempt"),
            models.Index(fields=["state", "created_at"], name="outbox_state_created"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.recipient}"

    @staticmethod
    def new_lease() -> uuid.UUID:
        return uuid.uuid4()
