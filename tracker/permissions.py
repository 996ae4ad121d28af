"""Who may see and do what: the one permission rule every view, API endpoint and service calls.

- Committee members (staff users) see every mission and act in the admin.
- Members of a mission (head, deputy, officer; membership in force today) see and report on their own
  mission's assignments; only the head or deputy asks for a deadline extension.
- A mission's scorecard: the committee sees every mission's, a head only their own mission's.
- Nobody else sees anything; another mission's objects are answered as if they did not exist (404).
- In the portal the committee only reads: it reports and decides in the admin (`portal_can_report`).
"""

from django.db.models import Exists, OuterRef, QuerySet
from django.http import Http404

from missions.models import Membership, Mission
from tracker import options_cache, timeliness
from tracker.models import Assignment, Commitment, Directive, ExtensionRequest, Report, ReportAttachment, Task

EXTENSION_ROLES = frozenset({Membership.Role.HEAD, Membership.Role.DEPUTY})


def is_committee(user) -> bool:
    return bool(user and user.is_authenticated and user.is_active and user.is_staff)


def _roles(user) -> dict[int, set[str]]:
    """{mission id: roles} of the user's memberships in force today, cached on the user object."""
    if not (user and user.is_authenticated and user.is_active):
        return {}
    cached = getattr(user, "_mission_roles", None)
    if cached is None:
        cached, zones = {}, []
        # With the version of the portal's filter options (tracker.options_cache), which a member's list needs
        # next: read here, it costs the list no query of its own.
        memberships = Membership.objects.current().filter(user=user).annotate(options_version=options_cache.version_q())
        rows = list(memberships.values_list("mission_id", "role", "mission__timezone", "options_version"))
        for mission_id, role, zone, _version in rows:
            cached.setdefault(mission_id, set()).add(role)
            zones.append((zone, mission_id))
        user._mission_roles, user._mission_zones = cached, timeliness.zones_of(zones)
        user._options_version = rows[0][3] if rows else None  # the same on every row
    return cached


def mission_ids(user) -> list[int]:
    """The missions whose work the user may see as a member."""
    return sorted(_roles(user))


def visible_timezones(user) -> dict[str, list[int]]:
    """The time zones of the work the user sees, with their missions' ids, for telling its timeliness: a member's
    own missions' (`member_timezones`); every mission's for the committee, read once a request with the version of
    the portal's filter options, which is kept on the user as the memberships keep it (so the list reads no version
    of its own, nor the committee's memberships, which its list does not need)."""
    if not is_committee(user):
        return member_timezones(user)
    zones = getattr(user, "_all_zones", None)
    if zones is None:
        rows = list(
            Mission.objects.annotate(options_version=options_cache.version_q())
            .order_by("timezone", "id")
            .values_list("timezone", "id", "options_version")
        )
        zones = user._all_zones = timeliness.zones_of((zone, pk) for zone, pk, _version in rows)
        user._options_version = rows[0][2] if rows else None  # the same on every row
    return zones


def member_timezones(user) -> dict[str, list[int]]:
    """The time zones of the user's own missions, with their ids (read with the memberships, no query of their
    own): all a member's visible work needs to tell its timeliness."""
    _roles(user)
    return getattr(user, "_mission_zones", {})


def visible_assignments(user, queryset: QuerySet | None = None) -> QuerySet:
    qs = Assignment.objects.all() if queryset is None else queryset
    if is_committee(user):
        return qs
    return qs.filter(mission_id__in=mission_ids(user))


def visible_reports(user, queryset: QuerySet | None = None) -> QuerySet:
    qs = Report.objects.all() if queryset is None else queryset
    if is_committee(user):
        return qs
    return qs.filter(assignment__mission_id__in=mission_ids(user))


def visible_extension_requests(user, queryset: QuerySet | None = None) -> QuerySet:
    qs = ExtensionRequest.objects.all() if queryset is None else queryset
    if is_committee(user):
        return qs
    return qs.filter(assignment__mission_id__in=mission_ids(user))


def can_view(user, assignment: Assignment) -> bool:
    return is_committee(user) or assignment.mission_id in _roles(user)


def can_report(user, assignment: Assignment) -> bool:
    """Members of the assignment's mission report; the committee may too (to cancel or reopen)."""
    return is_committee(user) or assignment.mission_id in _roles(user)


def is_member(user, mission_id: int) -> bool:
    """Holds a post in the mission today."""
    return mission_id in _roles(user)


def portal_can_report(user, assignment: Assignment) -> bool:
    """In the portal only the mission's own members report; committee members read there and act in the admin."""
    return is_member(user, assignment.mission_id) and can_report(user, assignment)


def can_request_extension(user, assignment: Assignment) -> bool:
    return bool(_roles(user).get(assignment.mission_id, set()) & EXTENSION_ROLES)


def can_decide_extension(user) -> bool:
    return is_committee(user)


def get_visible_assignment(user, pk, queryset: QuerySet | None = None) -> Assignment:
    """The assignment if the user may see it, else 404 (never 403: another mission's work does not exist)."""
    try:
        return visible_assignments(user, queryset).get(pk=pk)
    except (Assignment.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


# Reference data reached through the work: a member sees their own missions, and the tasks assigned to them
# with the directives and commitments those tasks serve; the committee sees everything and alone may write it.


def visible_missions(user, queryset: QuerySet | None = None) -> QuerySet:
    qs = Mission.objects.all() if queryset is None else queryset
    if is_committee(user):
        return qs
    return qs.filter(pk__in=mission_ids(user))


def visible_tasks(user, queryset: QuerySet | None = None) -> QuerySet:
    qs = Task.objects.all() if queryset is None else queryset
    if is_committee(user):
        return qs
    return qs.filter(Exists(Assignment.objects.filter(task=OuterRef("pk"), mission_id__in=mission_ids(user))))


def visible_directives(user, queryset: QuerySet | None = None) -> QuerySet:
    qs = Directive.objects.all() if queryset is None else queryset
    if is_committee(user):
        return qs
    return qs.filter(
        Exists(Assignment.objects.filter(task__directive=OuterRef("pk"), mission_id__in=mission_ids(user)))
    )


def visible_commitments(user, queryset: QuerySet | None = None) -> QuerySet:
    qs = Commitment.objects.all() if queryset is None else queryset
    if is_committee(user):
        return qs
    return qs.filter(
        Exists(Assignment.objects.filter(task__commitment=OuterRef("pk"), mission_id__in=mission_ids(user)))
    )


def can_manage_tasks(user) -> bool:
    """Directives, commitments and tasks are recorded, changed and assigned by the committee."""
    return is_committee(user)


def _get_or_404(queryset: QuerySet, pk):
    try:
        return queryset.get(pk=pk)
    except (queryset.model.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def get_visible_report(user, pk, queryset: QuerySet | None = None) -> Report:
    return _get_or_404(visible_reports(user, queryset), pk)


def get_visible_extension_request(user, pk, queryset: QuerySet | None = None) -> ExtensionRequest:
    return _get_or_404(visible_extension_requests(user, queryset), pk)


def visible_attachments(user, queryset: QuerySet | None = None) -> QuerySet:
    qs = ReportAttachment.objects.all() if queryset is None else queryset
    if is_committee(user):
        return qs
    return qs.filter(report__assignment__mission_id__in=mission_ids(user))


def get_visible_attachment(user, pk, queryset: QuerySet | None = None) -> ReportAttachment:
    """An attachment is seen exactly by those who see its assignment; anyone else gets 404."""
    return _get_or_404(visible_attachments(user, queryset), pk)


SCORECARD_ROLES = frozenset({Membership.Role.HEAD})


def scorecard_missions(user) -> QuerySet:
    """The missions whose scorecard the user may see: all for the committee, the missions they head for a head."""
    if is_committee(user):
        return Mission.objects.all()
    return Mission.objects.filter(pk__in=[pk for pk, roles in _roles(user).items() if roles & SCORECARD_ROLES])


def get_scorecard_mission(user, *, pk=None, code: str | None = None) -> Mission:
    """The mission if the user may see its scorecard, else 404."""
    lookup = {"pk": pk} if pk is not None else {"code": code}
    try:
        return scorecard_missions(user).get(**lookup)
    except (Mission.DoesNotExist, ValueError, TypeError):
        raise Http404 from None
