"""Every change of tracker state. Each function is keyword-only, validates, then saves in one transaction."""

import datetime
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history

from missions.models import Mission
from tracker import attachments as attachment_rules
from tracker import notifications, options_cache, permissions, transitions
from tracker.models import (
    Assignment,
    Commitment,
    Directive,
    ExtensionRequest,
    ObstacleCause,
    Report,
    ReportAttachment,
    Status,
    Task,
)


def _locked_assignment(assignment_id: int) -> Assignment:
    """The assignment, its row locked until the transaction ends (only that row, not its mission's)."""
    return Assignment.objects.select_for_update(of=("self",)).select_related("mission").get(pk=assignment_id)


class StaleReport(ValidationError):
    """Someone reported on the assignment after the form was opened; nothing was saved."""

    def __init__(self, latest: Report | None):
        self.latest = latest
        super().__init__(
            _(
                "Someone else reported on this assignment after you opened the form. "
                "Nothing was saved: read their report below, then send yours again."
            ),
            code="stale",
        )


def report_submit(
    *,
    assignment_id: int,
    author,
    status: str,
    percent: int,
    results: str = "",
    obstacles: str = "",
    obstacle_cause: ObstacleCause | None = None,
    proposals: str = "",
    expected_version: int | None = None,
    attachments: Sequence[UploadedFile] = (),
    now: datetime.datetime | None = None,
) -> Report:
    """Files a progress report and moves the assignment to its status, in one transaction.

    The assignment row is locked for the transaction, so two people reporting at once are serialised and
    neither report is lost; with `expected_version` (the version shown on the form) a report based on a
    stale view is refused with StaleReport. Attachments are checked (`tracker.attachments`) before
    anything is saved and stored with the report: a refused file means no report either.
    """
    with transaction.atomic():
        try:
            assignment = _locked_assignment(assignment_id)
        except Assignment.DoesNotExist:
            raise ValidationError(_("This assignment does not exist.")) from None
        # Taken under the row lock, so reports are timestamped in the order they change the assignment.
        now = now or timezone.now()
        if not permissions.can_report(author, assignment):
            raise PermissionDenied
        if expected_version is not None and expected_version != assignment.version:
            raise StaleReport(assignment.reports.select_related("author").first())
        if obstacle_cause is not None and not (obstacles or "").strip():
            raise ValidationError({"obstacles": _("Describe the obstacle whose cause you chose.")})
        errors: dict[str, list[str]] = {}
        stored_percent = percent
        try:
            stored_percent = transitions.check(
                current=assignment.status,
                new=status,
                percent=percent,
                obstacles=obstacles,
                by_committee=permissions.is_committee(author),
            )
        except ValidationError as exc:
            errors = exc.update_error_dict(errors)
        attachment_problems = attachment_rules.check_all(list(attachments))
        if attachment_problems:
            errors["attachments"] = attachment_problems
        if errors:
            raise ValidationError(errors)
        report = Report.objects.create(
            assignment=assignment,
            author=author,
            created_at=now,
            previous_status=assignment.status,
            status=status,
            percent=stored_percent,
            results=results,
            obstacles=obstacles,
            obstacle_cause=obstacle_cause,
            proposals=proposals,
        )
        assignment.status = status
        assignment.percent = stored_percent
        assignment.completed_on = assignment.mission.local_today(now) if status == Status.COMPLETED else None
        assignment.last_reported_at = now
        assignment.version += 1
        assignment._history_user = author  # the audit trail names the reporter, from any entry point
        assignment.save(
            update_fields=["status", "percent", "completed_on", "last_reported_at", "version", "updated_at"]
        )
        _attachments_store(report=report, uploads=attachments)
    return report


def _attachments_store(*, report: Report, uploads: Sequence[UploadedFile]) -> list[ReportAttachment]:
    """Writes already-checked files under random names; removes the written files if anything fails."""
    stored: list[ReportAttachment] = []
    try:
        for upload in uploads:
            kind = attachment_rules.check(upload)
            attachment = ReportAttachment(
                report=report,
                original_name=attachment_rules.clean_name(upload.name),
                content_type=kind.content_type,
                size=upload.size,
            )
            upload.seek(0)
            attachment.file.save(attachment_rules.storage_name(upload), upload, save=False)
            stored.append(attachment)
        ReportAttachment.objects.bulk_create(stored)
    except BaseException:
        for attachment in stored:
            if attachment.file.name:
                attachment.file.storage.delete(attachment.file.name)
        raise
    return stored


def task_assign(
    *,
    task: Task,
    missions: Iterable[Mission],
    deadline: datetime.date | None = None,
    role: str = Assignment.Role.LEAD,
) -> list[Assignment]:
    """Assigns a task to missions; missions that already carry it are left as they are. Returns the new ones."""
    deadline = deadline or task.default_deadline
    if deadline is None:
        raise ValidationError({"deadline": _("Give a deadline (the task has no default deadline).")})
    if role not in Assignment.Role.values:
        raise ValidationError({"role": _("Choose a valid role.")})
    missions = list(missions)
    inactive = [m.code for m in missions if not m.is_active]
    if inactive:
        raise ValidationError(
            {"missions": _("These missions are inactive: %(codes)s.") % {"codes": ", ".join(inactive)}}
        )
    with transaction.atomic():
        taken = set(Assignment.objects.filter(task=task, mission__in=missions).values_list("mission_id", flat=True))
        new = [
            Assignment(task=task, mission=m, role=role, deadline=deadline, original_deadline=deadline)
            for m in missions
            if m.pk not in taken
        ]
        # With their "created" records in the audit trail (by the request's user, when there is one).
        bulk_create_with_history(new, Assignment)
        if new:  # a bulk insert sends no signal: the missions' filter options are read again
            options_cache.bump()
    return new


def extension_request_create(
    *, assignment_id: int, requested_by, requested_deadline: datetime.date, reason: str
) -> ExtensionRequest:
    """A head or deputy asks for a later deadline. One pending request per assignment."""
    with transaction.atomic():
        try:
            assignment = _locked_assignment(assignment_id)
        except Assignment.DoesNotExist:
            raise ValidationError(_("This assignment does not exist.")) from None
        if not permissions.can_request_extension(requested_by, assignment):
            raise PermissionDenied
        if assignment.status in transitions.CLOSED:
            raise ValidationError(_("This assignment is closed; its deadline cannot be extended."))
        if not (reason or "").strip():
            raise ValidationError({"reason": _("Give the reason for the extension.")})
        if requested_deadline <= assignment.deadline:
            raise ValidationError(
                {
                    "requested_deadline": _("The new deadline must be later than the current one (%(date)s).")
                    % {"date": assignment.deadline.strftime("%d/%m/%Y")}
                }
            )
        if assignment.extension_requests.filter(state=ExtensionRequest.State.PENDING).exists():
            raise ValidationError(_("An extension request for this assignment is already waiting for a decision."))
        request = ExtensionRequest(
            assignment=assignment,
            requested_by=requested_by,
            current_deadline=assignment.deadline,
            requested_deadline=requested_deadline,
            reason=reason.strip(),
        )
        request._history_user = requested_by
        request.save()
        return request


class AlreadyDecided(ValidationError):
    def __init__(self, request: ExtensionRequest):
        self.request = request
        super().__init__(
            _("This request was already %(state)s by %(user)s.")
            % {"state": request.get_state_display().lower(), "user": request.decided_by},
            code="already_decided",
        )


def extension_decide(
    *, extension_id: int, decided_by, approve: bool, note: str = "", now: datetime.datetime | None = None
) -> ExtensionRequest:
    """The committee approves (the assignment takes the new deadline) or rejects a pending request.

    The request row is locked, so when two members decide at once one wins and the other gets AlreadyDecided.
    """
    if not permissions.can_decide_extension(decided_by):
        raise PermissionDenied
    now = now or timezone.now()
    with transaction.atomic():
        request = ExtensionRequest.objects.select_for_update().get(pk=extension_id)
        if request.state != ExtensionRequest.State.PENDING:
            raise AlreadyDecided(request)
        request.state = ExtensionRequest.State.APPROVED if approve else ExtensionRequest.State.REJECTED
        request.decided_by = decided_by
        request.decided_at = now
        request.decision_note = note
        request._history_user = decided_by
        request.save(update_fields=["state", "decided_by", "decided_at", "decision_note", "updated_at"])
        if approve:
            assignment = Assignment.objects.select_for_update().get(pk=request.assignment_id)
            assignment.deadline = request.requested_deadline
            assignment._history_user = decided_by
            assignment.save(update_fields=["deadline", "updated_at"])
        # The e-mails to the mission are written to the outbox in this transaction and sent once it commits:
        # a decision that is rolled back leaves no e-mail and no outbox row.
        notifications.extension_decided(extension_id=request.pk)
    return request


# Directives, commitments and tasks: recorded and changed by the committee (the admin, and the API for the
# ministry's other systems). Each validates the model's own rules (`full_clean`) before saving.

DIRECTIVE_FIELDS = frozenset({"title", "number", "issued_on", "issued_by", "summary", "url"})
COMMITMENT_FIELDS = frozenset(
    {"title", "kind", "partners", "partner_organisation", "signed_on", "occasion", "value_usd", "status"}
    | {"description", "themes"}
)
TASK_FIELDS = frozenset({"title", "description", "directive", "commitment", "priority", "default_deadline", "themes"})


def _check_manager(user) -> None:
    if not permissions.can_manage_tasks(user):
        raise PermissionDenied


def _normalise_partners(value: str) -> str:
    codes = [code.strip().upper() for code in (value or "").split(",") if code.strip()]
    if not codes or any(len(code) != 2 or not code.isascii() or not code.isalpha() for code in codes):
        raise ValidationError({"partners": _("Give ISO country codes separated by commas, e.g. US,DK.")})
    return ",".join(dict.fromkeys(codes))


def _write(instance, *, changes: Mapping[str, Any], allowed: frozenset[str], creating: bool):
    """Sets the allowed fields, validates the row, saves only what changed; many-to-many `themes` last."""
    unknown = set(changes) - allowed
    if unknown:
        raise ValidationError(_("These fields cannot be changed: %(fields)s.") % {"fields": ", ".join(sorted(unknown))})
    themes = changes.get("themes")
    changed = []
    for name, value in changes.items():
        if name == "themes":
            continue
        if name == "partners":
            value = _normalise_partners(value)
        if creating or getattr(instance, name) != value:
            setattr(instance, name, value)
            changed.append(name)
    instance.full_clean()
    if creating:
        instance.save()
    elif changed:
        instance.save(update_fields=[*changed, "updated_at"])
    if themes is not None:
        instance.themes.set(themes)
    return instance


def directive_create(*, created_by, **fields: Any) -> Directive:
    """Records a directive (title, number, issued_on, issued_by, summary, url)."""
    _check_manager(created_by)
    with transaction.atomic():
        return _write(Directive(), changes=fields, allowed=DIRECTIVE_FIELDS, creating=True)


def directive_update(*, directive_id: int, updated_by, changes: Mapping[str, Any]) -> Directive:
    _check_manager(updated_by)
    with transaction.atomic():
        directive = Directive.objects.select_for_update().get(pk=directive_id)
        return _write(directive, changes=changes, allowed=DIRECTIVE_FIELDS, creating=False)


def commitment_create(*, created_by, **fields: Any) -> Commitment:
    """Records an international commitment; `partners` is normalised to upper-case ISO codes."""
    _check_manager(created_by)
    with transaction.atomic():
        return _write(Commitment(), changes=fields, allowed=COMMITMENT_FIELDS, creating=True)


def commitment_update(*, commitment_id: int, updated_by, changes: Mapping[str, Any]) -> Commitment:
    _check_manager(updated_by)
    with transaction.atomic():
        commitment = Commitment.objects.select_for_update().get(pk=commitment_id)
        return _write(commitment, changes=changes, allowed=COMMITMENT_FIELDS, creating=False)


def task_create(*, created_by, **fields: Any) -> Task:
    """Records a task; assign it to missions with `task_assign`."""
    _check_manager(created_by)
    with transaction.atomic():
        return _write(Task(created_by=created_by), changes=fields, allowed=TASK_FIELDS, creating=True)


def task_update(*, task_id: int, updated_by, changes: Mapping[str, Any]) -> Task:
    """Changes a task's own fields; its assignments' deadlines move only through extension decisions."""
    _check_manager(updated_by)
    with transaction.atomic():
        task = Task.objects.select_for_update().get(pk=task_id)
        return _write(task, changes=changes, allowed=TASK_FIELDS, creating=False)
