"""Loads the demo data set of `tracker.demo_data`; running it again changes nothing.

Rows are found by their natural keys (usernames, directive title and date, commitment and task titles, the
task and mission pair) and what exists is left as it is. Assignments are made by `task_assign`, memberships by
`membership_start`; reports and extension requests are filed, only on an assignment that has none yet, by
`report_submit` and `extension_request_create`, so every status moves by the rules the portal uses.
Directives, commitments and tasks are reference data with no service of their own: they are created here the
way the admin creates them.
"""

import datetime
import zoneinfo
from collections import Counter
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.auth.models import Group, Permission
from django.core.management import call_command
from django.db import transaction
from django.db.models import Value
from django.db.models.functions import Concat, Lower
from django.urls import reverse
from django.utils import timezone, translation

from missions import services as mission_services
from missions.models import Membership, Mission, User
from tracker import demo_data as data
from tracker import services, transitions
from tracker.models import Assignment, Commitment, Directive, ObstacleCause, Task, Theme

REPORT_HOUR = datetime.time(10, 0)
ASSIGN_HOUR = datetime.time(9, 0)


class DemoDataError(Exception):
    """The demo data does not fit the database (unknown mission, theme or user) or contradicts itself."""


@dataclass(frozen=True)
class Login:
    username: str
    name: str
    role: str
    mission: str
    url: str
    note: str = ""


@dataclass
class SeedResult:
    created: Counter = field(default_factory=Counter)
    skipped: list[str] = field(default_factory=list)
    logins: list[Login] = field(default_factory=list)


def demo_seed(*, password: str, now: datetime.datetime | None = None) -> SeedResult:
    """Creates whatever part of the demo data set is missing, in one transaction; returns what it did."""
    if not password:
        raise DemoDataError("The demo users need a password.")
    now = now or timezone.now()
    today = timezone.localdate(now)
    result = SeedResult()
    with transaction.atomic():
        _load_reference_data(result)
        missions = Mission.objects.in_bulk(field_name="code")
        group = _committee_group(result)
        users = _users(password=password, group=group, missions=missions, result=result)
        directives = _directives(result)
        commitments = _commitments(result)
        tasks = _tasks(
            today=today,
            missions=missions,
            users=users,
            directives=directives,
            commitments=commitments,
            result=result,
        )
        _mission_emails(tasks=tasks, users=users.values(), now=now, result=result)
        result.logins = _logins(users=users, today=today)
    return result


# --- reference data and people -------------------------------------------------------------------------------


def _load_reference_data(result: SeedResult) -> None:
    """The 94 missions and the themes, from the fixtures, when the tables are empty (a fresh database)."""
    fixtures = settings.BASE_DIR / "fixtures"
    if not Mission.objects.exists():
        call_command("loaddata", fixtures / "missions.json", verbosity=0)
        result.created["missions (fixture)"] = Mission.objects.count()
    if not Theme.objects.exists():
        call_command("loaddata", fixtures / "themes.json", verbosity=0)
        result.created["themes (fixture)"] = Theme.objects.count()


def _committee_group(result: SeedResult) -> Group:
    """The "Steering committee" group, holding every permission of the missions and tracker apps."""
    group, created = Group.objects.get_or_create(name=data.COMMITTEE_GROUP)
    result.created["groups"] += created
    missing = Permission.objects.filter(content_type__app_label__in=data.COMMITTEE_APPS).exclude(group=group)
    if missing.exists():
        group.permissions.add(*missing)
    return group


def _users(*, password: str, group: Group, missions: dict[str, Mission], result: SeedResult) -> dict[str, User]:
    users = {}
    for spec in data.USERS:
        wanted = {
            "first_name": spec.first_name,
            "last_name": spec.last_name,
            "email": f"{spec.username}@{data.USER_EMAIL_DOMAIN}",
            "language": spec.language,
            "is_staff": spec.committee,
            "is_superuser": spec.committee,
            "is_active": True,
        }
        user = User.objects.filter(username=spec.username).first()
        if user is None:
            user = User.objects.create_user(username=spec.username, password=password, **wanted)
            result.created["users"] += 1
        else:
            changed = [name for name, value in wanted.items() if getattr(user, name) != value]
            for name in changed:
                setattr(user, name, wanted[name])
            if not user.check_password(password):
                user.set_password(password)
                changed.append("password")
            if changed:
                user.save(update_fields=changed)
        if spec.committee:
            user.groups.add(group)
        for post in spec.posts:
            mission = _mission(missions, post.mission)
            existed = Membership.objects.filter(user=user, mission=mission, starts_on=post.starts_on).exists()
            membership = mission_services.membership_start(
                user=user, mission=mission, role=post.role, starts_on=post.starts_on
            )
            result.created["memberships"] += not existed
            if post.ends_on and membership.ends_on != post.ends_on:
                mission_services.membership_end(membership=membership, ends_on=post.ends_on)
        users[spec.username] = user
    return users


def _mission(missions: dict[str, Mission], code: str) -> Mission:
    try:
        return missions[code]
    except KeyError:
        raise DemoDataError(f"The demo data names a mission that does not exist: {code}.") from None


def _themes(codes) -> list[Theme]:
    themes = Theme.objects.in_bulk(list(codes), field_name="code")
    unknown = sorted(set(codes) - set(themes))
    if unknown:
        raise DemoDataError(f"The demo data names themes that do not exist: {', '.join(unknown)}.")
    return list(themes.values())


# --- directives, commitments, tasks -----------------------------------------------------------------------


def _directives(result: SeedResult) -> dict[str, Directive]:
    directives = {}
    for spec in data.DIRECTIVES:
        directive, created = Directive.objects.get_or_create(
            title=spec.title,
            issued_on=spec.issued_on,
            defaults={"issued_by": spec.issued_by, "summary": spec.summary, "number": spec.number, "url": spec.url},
        )
        result.created["directives"] += created
        directives[spec.key] = directive
    return directives


def _commitments(result: SeedResult) -> dict[str, Commitment]:
    commitments = {}
    for spec in data.COMMITMENTS:
        themes = _themes(spec.themes)
        commitment, created = Commitment.objects.get_or_create(
            title=spec.title,
            defaults={
                "kind": spec.kind,
                "partners": spec.partners,
                "partner_organisation": spec.partner_organisation,
                "signed_on": spec.signed_on,
                "occasion": spec.occasion,
                "value_usd": spec.value_usd,
                "status": spec.status,
                "description": spec.description,
            },
        )
        if created:
            commitment.themes.set(themes)
        result.created["commitments"] += created
        commitments[spec.key] = commitment
    return commitments


def _tasks(
    *,
    today: datetime.date,
    missions: dict[str, Mission],
    users: dict[str, User],
    directives: dict[str, Directive],
    commitments: dict[str, Commitment],
    result: SeedResult,
) -> list[Task]:
    hanoi = zoneinfo.ZoneInfo(settings.TIME_ZONE)
    causes = ObstacleCause.objects.in_bulk(field_name="code")
    tasks = []
    for spec in data.TASKS:
        themes = _themes(spec.themes)
        assigned_at = datetime.datetime.combine(
            today - datetime.timedelta(days=spec.assigned_days_ago), ASSIGN_HOUR, tzinfo=hanoi
        )
        task, created = Task.objects.get_or_create(
            title=spec.title,
            defaults={
                "description": spec.description,
                "directive": directives[spec.directive] if spec.directive else None,
                "commitment": commitments[spec.commitment] if spec.commitment else None,
                "priority": spec.priority,
                "default_deadline": today + datetime.timedelta(days=spec.assign[0].due_in),
                "created_by": users["committee"],
                "created_at": assigned_at,
            },
        )
        if created:
            task.themes.set(themes)
        result.created["tasks"] += created
        tasks.append(task)

        new_mission_ids = []
        for step in spec.assign:
            new = services.task_assign(
                task=task,
                missions=_targets(step, missions, result),
                deadline=today + datetime.timedelta(days=step.due_in),
                role=step.role,
            )
            new_mission_ids += [a.mission_id for a in new]
        if new_mission_ids:
            # The demo tells a story that started weeks ago: the assignments date from when the task was given.
            Assignment.objects.filter(task=task, mission_id__in=new_mission_ids).update(created_at=assigned_at)
            result.created["assignments"] += len(new_mission_ids)

        for step in spec.assign:
            if step.reports or step.extension:
                _story(
                    task=task,
                    step=step,
                    assigned_at=assigned_at,
                    today=today,
                    missions=missions,
                    users=users,
                    causes=causes,
                    result=result,
                )
    return tasks


def _targets(step: data.Assign, missions: dict[str, Mission], result: SeedResult) -> list[Mission]:
    """The active missions an `Assign` names; named missions that were deactivated are skipped and reported."""
    chosen = [bool(step.missions), bool(step.region), bool(step.kind), step.all_missions]
    if sum(chosen) != 1:
        raise DemoDataError(f"An assignment must name missions, a region, a kind or all missions: {step}.")
    if step.missions:
        targets = []
        for code in step.missions:
            mission = _mission(missions, code)
            if mission.is_active:
                targets.append(mission)
            else:
                result.skipped.append(f"{code} is inactive: not assigned")
        return targets
    active = [m for m in missions.values() if m.is_active]
    if step.region:
        return [m for m in active if m.region == step.region]
    if step.kind:
        return [m for m in active if m.kind == step.kind]
    return active


def _report_time(mission: Mission, today: datetime.date, days_ago: int) -> datetime.datetime:
    """10:00 in the mission's time zone, `days_ago` days back, moved back to the mission's last working day."""
    day = today - datetime.timedelta(days=days_ago)
    while not mission.is_working_day(day):
        day -= datetime.timedelta(days=1)
    return datetime.datetime.combine(day, REPORT_HOUR, tzinfo=mission.zone)


def _story(
    *,
    task: Task,
    step: data.Assign,
    assigned_at: datetime.datetime,
    today: datetime.date,
    missions: dict[str, Mission],
    users: dict[str, User],
    causes: dict[str, ObstacleCause],
    result: SeedResult,
) -> None:
    """Files the reports and the extension request of one assignment, unless it already has some."""
    if len(step.missions) != 1:
        raise DemoDataError(f"Reports and extension requests belong to exactly one mission: {task.title}.")
    mission = _mission(missions, step.missions[0])
    if not mission.is_active:
        return
    assignment = Assignment.objects.get(task=task, mission=mission)
    if step.reports and not assignment.reports.exists():
        previous = assigned_at
        for report in step.reports:
            at = _report_time(mission, today, report.days_ago)
            if at <= previous:
                raise DemoDataError(
                    f"{task.title} ({mission.code}): the report of {report.days_ago} days ago comes before the "
                    "assignment or the previous report."
                )
            services.report_submit(
                assignment_id=assignment.pk,
                author=_user(users, report.by),
                status=report.status,
                percent=report.percent,
                results=report.results,
                obstacles=report.obstacles,
                obstacle_cause=causes.get(report.cause) if report.cause else None,
                proposals=report.proposals,
                now=at,
            )
            previous = at
            result.created["reports"] += 1
    if step.extension and not assignment.extension_requests.exists():
        assignment.refresh_from_db()
        if assignment.status in transitions.CLOSED:
            return
        requested = max(
            today + datetime.timedelta(days=step.extension.due_in), assignment.deadline + datetime.timedelta(days=1)
        )
        services.extension_request_create(
            assignment_id=assignment.pk,
            requested_by=_user(users, step.extension.by),
            requested_deadline=requested,
            reason=step.extension.reason,
        )
        result.created["extension requests"] += 1


def _user(users: dict[str, User], username: str) -> User:
    try:
        return users[username]
    except KeyError:
        raise DemoDataError(f"The demo data names a user it does not create: {username}.") from None


def _mission_emails(*, tasks: list[Task], users, now: datetime.datetime, result: SeedResult) -> None:
    """Missions of the demo without an e-mail get a placeholder one, `<code>@missions.example`."""
    ids = set(Assignment.objects.filter(task__in=tasks).values_list("mission_id", flat=True).distinct())
    ids |= set(Membership.objects.filter(user__in=list(users)).values_list("mission_id", flat=True))
    result.created["mission e-mails set"] += Mission.objects.filter(pk__in=ids, email="").update(
        email=Concat(Lower("code"), Value(f"@{data.MISSION_EMAIL_DOMAIN}")), updated_at=now
    )


# --- who can log in ---------------------------------------------------------------------------------------


def _logins(*, users: dict[str, User], today: datetime.date) -> list[Login]:
    admin_url = settings.SITE_URL + reverse("admin:index")
    portal_url = settings.SITE_URL + reverse("portal:home")
    logins = []
    with translation.override("en"):
        for spec in data.USERS:
            user = users[spec.username]
            notes = []
            if spec.language == "en":
                notes.append("prefers English")
            if spec.committee:
                logins.append(Login(user.username, user.get_full_name(), "Steering committee", "all", admin_url))
                continue
            current = list(Membership.objects.current(on=today).filter(user=user).select_related("mission"))
            past = Membership.objects.filter(user=user, ends_on__lt=today).select_related("mission")
            notes += [f"{m.get_role_display()}, {m.mission.code} until {m.ends_on:%d/%m/%Y}" for m in past]
            logins.append(
                Login(
                    user.username,
                    user.get_full_name(),
                    ", ".join(m.get_role_display() for m in current) or "no current post",
                    ", ".join(m.mission.code for m in current) or "—",
                    portal_url,
                    "; ".join(notes),
                )
            )
    return logins
