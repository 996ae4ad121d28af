"""Directives, commitments, tasks, each mission's assignment, and the reports that move it.

Rules that the database can hold live here as constraints. The status transitions are in
`tracker.transitions`, timeliness in `tracker.timeliness`, every write in `tracker.services`.
"""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from missions.models import Mission, TimeStampedModel


class CodeManager(models.Manager):
    def get_by_natural_key(self, code: str):
        return self.get(code=code)


class Theme(TimeStampedModel):
    """A growth driver the directives name (exports, digital economy, semiconductors, Halal, …)."""

    class Group(models.TextChoices):
        TRADITIONAL = "traditional", _("Traditional driver")
        NEW = "new", _("New driver")

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name_vi = models.CharField(_("name (Vietnamese)"), max_length=120)
    name_en = models.CharField(_("name (English)"), max_length=120)
    group = models.CharField(_("group"), max_length=12, choices=Group.choices)

    objects = CodeManager()

    class Meta:
        verbose_name = _("theme")
        verbose_name_plural = _("themes")
        ordering = ["group", "code"]

    def __str__(self) -> str:
        from django.utils.translation import get_language

        return self.name_en if (get_language() or "vi").startswith("en") else self.name_vi

    def natural_key(self) -> tuple[str]:
        return (self.code,)


class Directive(TimeStampedModel):
    """Where tasks come from: a conclusion, directive or resolution of the leadership."""

    class Issuer(models.TextChoices):
        PRIME_MINISTER = "prime_minister", _("Prime Minister")
        DEPUTY_PRIME_MINISTER = "deputy_prime_minister", _("Deputy Prime Minister")
        MINISTER = "minister", _("Minister of Foreign Affairs")
        STEERING_COMMITTEE = "steering_committee", _("Steering Committee")
        GOVERNMENT = "government", _("Government")

    title = models.CharField(_("title"), max_length=300)
    number = models.CharField(_("reference number"), max_length=60, blank=True)
    issued_on = models.DateField(_("issued on"))
    issued_by = models.CharField(_("issued by"), max_length=24, choices=Issuer.choices)
    summary = models.TextField(_("summary"), blank=True)
    url = models.URLField(_("link"), blank=True)

    class Meta:
        verbose_name = _("directive")
        verbose_name_plural = _("directives")
        ordering = ["-issued_on", "title"]

    def __str__(self) -> str:
        return f"{self.title} ({self.issued_on:%d/%m/%Y})"


class Commitment(TimeStampedModel):
    """An international agreement or pledge signed at a high-level visit."""

    class Kind(models.TextChoices):
        FTA = "fta", _("Free trade agreement")
        IPA = "ipa", _("Investment protection agreement")
        CEPA = "cepa", _("Comprehensive economic partnership agreement")
        MOU = "mou", _("Memorandum of understanding")
        AGREEMENT = "agreement", _("Cooperation agreement")
        JOINT_STATEMENT = "joint_statement", _("Joint statement")
        INVESTMENT_PLEDGE = "investment_pledge", _("Investment pledge")

    class Status(models.TextChoices):
        SIGNED = "signed", _("Signed")
        IMPLEMENTING = "implementing", _("Being implemented")
        FULFILLED = "fulfilled", _("Fulfilled")
        STALLED = "stalled", _("Stalled")

    title = models.CharField(_("title"), max_length=300)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    partners = models.CharField(
        _("partner countries"), max_length=200, help_text=_("ISO country codes separated by commas, e.g. US,DK.")
    )
    partner_organisation = models.CharField(_("partner organisation"), max_length=200, blank=True)
    signed_on = models.DateField(_("signed on"), null=True, blank=True)
    occasion = models.CharField(_("occasion"), max_length=300, blank=True)
    value_usd = models.DecimalField(_("value (USD)"), max_digits=16, decimal_places=0, null=True, blank=True)
    themes = models.ManyToManyField(Theme, blank=True, related_name="commitments", verbose_name=_("themes"))
    status = models.CharField(_("status"), max_length=14, choices=Status.choices, default=Status.SIGNED)
    description = models.TextField(_("description"), blank=True)

    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        verbose_name = _("commitment")
        verbose_name_plural = _("commitments")
        ordering = ["-signed_on", "title"]
        constraints = [
            models.CheckConstraint(condition=Q(value_usd__isnull=True) | Q(value_usd__gte=0), name="commitment_value"),
        ]

    def __str__(self) -> str:
        return self.title


class Task(TimeStampedModel):
    """What must be done, for a directive and/or a commitment; assigned to one or many missions."""

    class Priority(models.TextChoices):
        HIGH = "high", _("High")
        NORMAL = "normal", _("Normal")
        LOW = "low", _("Low")

    title = models.CharField(_("title"), max_length=300)
    description = models.TextField(_("description"), blank=True)
    directive = models.ForeignKey(
        Directive,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="tasks",
        verbose_name=_("directive"),
    )
    commitment = models.ForeignKey(
        Commitment,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="tasks",
        verbose_name=_("commitment"),
    )
    themes = models.ManyToManyField(Theme, blank=True, related_name="tasks", verbose_name=_("themes"))
    priority = models.CharField(_("priority"), max_length=8, choices=Priority.choices, default=Priority.NORMAL)
    default_deadline = models.DateField(_("default deadline"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )

    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        verbose_name = _("task")
        verbose_name_plural = _("tasks")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.title


class Status(models.TextChoices):
    """An assignment's status. Moved only by a report (`tracker.services.report_submit`)."""

    NOT_STARTED = "not_started", _("Not started")
    IN_PROGRESS = "in_progress", _("In progress")
    COMPLETED = "completed", _("Completed")
    BLOCKED = "blocked", _("Blocked")
    CANCELLED = "cancelled", _("Cancelled")


class Timeliness(models.TextChoices):
    """Derived, never stored: see `tracker.timeliness`."""

    ON_TRACK = "on_track", _("On track")
    DUE_SOON = "due_soon", _("Due soon")
    OVERDUE = "overdue", _("Overdue")
    COMPLETED_ON_TIME = "completed_on_time", _("Completed on time")
    COMPLETED_LATE = "completed_late", _("Completed late")


class AssignmentQuerySet(models.QuerySet):
    def with_timeliness(self, now=None) -> "AssignmentQuerySet":
        from tracker import timeliness

        return timeliness.annotate(self, now=now)

    def open(self) -> "AssignmentQuerySet":
        """Not completed nor cancelled: written as the open statuses, which PostgreSQL can find in the (status,
        deadline) index (the reminders' planning reads the open work due by a day: 14.6 → 7.5 ms at 100,000)."""
        from tracker.timeliness import OPEN_STATUSES

        return self.filter(status__in=OPEN_STATUSES)


class Assignment(TimeStampedModel):
    """One task for one mission, with its own deadline, status and progress."""

    class Role(models.TextChoices):
        LEAD = "lead", _("Leads")
        SUPPORT = "support", _("Supports")

    task = models.ForeignKey(Task, on_delete=models.PROTECT, related_name="assignments", verbose_name=_("task"))
    # Indexed with the task below (a mission's tasks read from the index alone), not on its own.
    mission = models.ForeignKey(
        Mission, on_delete=models.PROTECT, related_name="assignments", verbose_name=_("mission"), db_index=False
    )
    role = models.CharField(_("role"), max_length=8, choices=Role.choices, default=Role.LEAD)
    original_deadline = models.DateField(_("original deadline"))
    deadline = models.DateField(_("deadline"), help_text=_("A day in the mission's time zone."))
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.NOT_STARTED)
    percent = models.PositiveSmallIntegerField(_("percent done"), default=0)
    completed_on = models.DateField(_("completed on"), null=True, blank=True)
    last_reported_at = models.DateTimeField(_("last report"), null=True, blank=True)
    version = models.PositiveIntegerField(
        _("version"), default=0, help_text=_("Goes up with every report; guards against lost updates.")
    )

    history = HistoricalRecords(excluded_fields=["updated_at", "last_reported_at", "version"])
    objects = AssignmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("assignment")
        verbose_name_plural = _("assignments")
        ordering = ["deadline", "id"]
        constraints = [
            models.UniqueConstraint(fields=["task", "mission"], name="assignment_one_per_task_and_mission"),
            models.CheckConstraint(condition=Q(percent__gte=0) & Q(percent__lte=100), name="assignment_percent_0_100"),
            models.CheckConstraint(
                condition=Q(status__in=Status.values), name="assignment_status_valid"
            ),
            models.CheckConstraint(condition=Q(role__in=["lead", "support"]), name="assignment_role_valid"),
            models.CheckConstraint(
                condition=~Q(status=Status.COMPLETED) | (Q(percent=100) & Q(completed_on__isnull=False)),
                name="assignment_completed_has_date_and_100",
            ),
        ]
        indexes = [
            models.Index(fields=["mission", "status", "deadline"], name="assignment_mission_status_dl"),
            models.Index(fields=["mission", "task"], name="assignment_mission_task"),
            models.Index(fields=["status", "deadline"], name="assignment_status_deadline"),
            models.Index(fields=["deadline"], name="assignment_deadline"),
            # Completions by month (the dashboard's trend): only completed work has a completion day.
            models.Index(
                fields=["completed_on"], name="assignment_completed_on", condition=Q(status=Status.COMPLETED)
            ),
        ]

    def __str__(self) -> str:
        return f"{self.mission.code} · {self.task.title}"

    def get_timeliness(self, now=None) -> str | None:
        """Timeliness of this assignment (querysets annotate the same rule as `timeliness`)."""
        from tracker import timeliness

        return timeliness.of(self, now=now)


class ObstacleCause(TimeStampedModel):
    """Why work is held up; the committee keeps the list, so it can count why work is late."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name_vi = models.CharField(_("name (Vietnamese)"), max_length=120)
    name_en = models.CharField(_("name (English)"), max_length=120)
    is_active = models.BooleanField(_("active"), default=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    objects = CodeManager()

    class Meta:
        verbose_name = _("obstacle cause")
        verbose_name_plural = _("obstacle causes")
        ordering = ["position", "code"]

    def __str__(self) -> str:
        from django.utils.translation import get_language

        return self.name_en if (get_language() or "vi").startswith("en") else self.name_vi


class Report(models.Model):
    """An append-only progress report. The only way an assignment's status changes."""

    assignment = models.ForeignKey(
        Assignment, on_delete=models.PROTECT, related_name="reports", verbose_name=_("assignment")
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="reports", verbose_name=_("author")
    )
    created_at = models.DateTimeField(_("submitted at"))
    previous_status = models.CharField(_("previous status"), max_length=12, choices=Status.choices)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices)
    percent = models.PositiveSmallIntegerField(_("percent done"))
    results = models.TextField(_("results"), blank=True)
    obstacles = models.TextField(_("obstacles"), blank=True)
    obstacle_cause = models.ForeignKey(
        ObstacleCause,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="reports",
        verbose_name=_("cause of obstacle"),
    )
    proposals = models.TextField(_("proposals"), blank=True)

    class Meta:
        verbose_name = _("report")
        verbose_name_plural = _("reports")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(percent__gte=0) & Q(percent__lte=100), name="report_percent_0_100"),
            models.CheckConstraint(condition=Q(status__in=Status.values), name="report_status_valid"),
        ]
        indexes = [
            models.Index(fields=["assignment", "created_at"], name="report_assignment_created"),
            models.Index(fields=["created_at"], name="report_created"),
        ]

    def __str__(self) -> str:
        return f"{self.assignment_id} · {self.get_status_display()} · {self.percent}%"


class ReportAttachment(models.Model):
    """A file attached to a report, stored under a random name, served only after a permission check."""

    report = models.ForeignKey(Report, on_delete=models.PROTECT, related_name="attachments", verbose_name=_("report"))
    file = models.FileField(_("file"), upload_to="attachments/%Y/%m/")
    original_name = models.CharField(_("file name"), max_length=255)
    content_type = models.CharField(_("content type"), max_length=100)
    size = models.PositiveIntegerField(_("size (bytes)"))

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")

    def __str__(self) -> str:
        return self.original_name


class ExtensionRequest(TimeStampedModel):
    """A mission asks for a new deadline; the committee approves or rejects. History is kept."""

    class State(models.TextChoices):
        PENDING = "pending", _("Pending")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")

    assignment = models.ForeignKey(
        Assignment, on_delete=models.PROTECT, related_name="extension_requests", verbose_name=_("assignment")
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("requested by")
    )
    current_deadline = models.DateField(_("deadline when asked"))
    requested_deadline = models.DateField(_("requested deadline"))
    reason = models.TextField(_("reason"))
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.PENDING)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("decided by"),
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decision_note = models.TextField(_("decision note"), blank=True)

    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        verbose_name = _("extension request")
        verbose_name_plural = _("extension requests")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["assignment"], condition=Q(state="pending"), name="extension_one_pending_per_assignment"
            ),
            models.CheckConstraint(
                condition=Q(requested_deadline__gt=F("current_deadline")), name="extension_later_than_current"
            ),
            models.CheckConstraint(condition=Q(state__in=["pending", "approved", "rejected"]), name="extension_state"),
        ]

    def __str__(self) -> str:
        return f"{self.assignment} → {self.requested_deadline:%d/%m/%Y}"


class DataVersion(models.Model):
    """The version of the data the portal's filter options are drawn from (one row, "filter_options").

    Bumped in the writer's own transaction (`tracker.options_cache`), so a reader never caches old options under
    a new version: whoever reads the new number reads the new data with it.
    """

    name = models.CharField(max_length=40, primary_key=True)
    version = models.PositiveBigIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.name} · {self.version}"



class SettledWork(models.Model):
    """Tokens of what the dashboard keeps counted of settled work: "deadline:YYYY-MM" for the completed and cancelled
    assignments due that month, "structure" for how tasks sum into directives, commitments and themes, "reports" for
    the reports of closed months. Database triggers (PostgreSQL, migration 0011) replace a token in the transaction
    of every write that changes what it stands for, however the write is made; the dashboard keeps those counts
    under the tokens (`tracker.dashboard`), so a report on open work leaves them valid.
    """

    name = models.CharField(max_length=40, primary_key=True)
    token = models.UUIDField()

    def __str__(self) -> str:
        return f"{self.name} · {self.token}"

# The committee's action log in the admin (a proxy of Django's LogEntry), the outbox of e-mail that people's
# actions trigger, and the reminder policy, preferences and delivery log, each living with its own code.
from tracker.audit import AdminAction  # noqa: E402,F401
from tracker.outbox.models import OutboxMessage  # noqa: E402,F401
from tracker.reminders.models import ReminderDelivery, ReminderItem, ReminderPolicy, ReminderPreference  # noqa: E402,F401
