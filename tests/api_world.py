"""A small world for the API tests: two missions, their people, work, reports and extension requests."""

import dataclasses
import datetime

from django.utils import timezone
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from missions.models import Membership, Mission
from tests.factories import CommitmentFactory, DirectiveFactory, MissionFactory, TaskFactory, UserFactory, member
from tracker import services
from tracker.models import Assignment, Theme

ROLES = ["anonymous", "officer_a", "head_a", "head_b", "committee", "nobody"]


@dataclasses.dataclass
class World:
    mission_a: Mission
    mission_b: Mission
    users: dict
    directive_a: object
    directive_b: object
    commitment_a: object
    commitment_b: object
    task_a: object
    task_b: object
    assignment_a: Assignment
    assignment_a2: Assignment
    assignment_b: Assignment
    report_a: object
    report_b: object
    extension_a: object
    extension_b: object
    tokens: dict

    def client(self, role: str) -> APIClient:
        client = APIClient()
        if role != "anonymous":
            client.credentials(HTTP_AUTHORIZATION=f"Token {self.tokens[role]}")
        return client


def build_world() -> World:
    today = timezone.localdate()
    mission_a = MissionFactory(code="EMB-TA", timezone="Asia/Tokyo")
    mission_b = MissionFactory(code="EMB-TB", timezone="America/New_York", region=Mission.Region.AMERICAS)
    users = {
        "officer_a": member(mission_a, Membership.Role.OFFICER, username="officer_a"),
        "head_a": member(mission_a, Membership.Role.HEAD, username="head_a"),
        "head_b": member(mission_b, Membership.Role.HEAD, username="head_b"),
        "committee": UserFactory(username="committee", is_staff=True),
        "nobody": UserFactory(username="nobody"),
    }
    theme, _ = Theme.objects.get_or_create(
        code="digital", defaults={"name_vi": "Kinh tế số", "name_en": "Digital economy", "group": "new"}
    )
    directive_a, directive_b = DirectiveFactory(), DirectiveFactory()
    commitment_a, commitment_b = CommitmentFactory(), CommitmentFactory()
    commitment_a.themes.add(theme)
    task_a = TaskFactory(directive=directive_a, commitment=commitment_a)
    task_a.themes.add(theme)
    task_a2 = TaskFactory(directive=directive_a)
    task_b = TaskFactory(directive=directive_b, commitment=commitment_b)
    services.task_assign(task=task_a, missions=[mission_a], deadline=today + datetime.timedelta(days=20))
    services.task_assign(task=task_a2, missions=[mission_a], deadline=today - datetime.timedelta(days=3))
    services.task_assign(task=task_b, missions=[mission_b], deadline=today + datetime.timedelta(days=3))
    assignment_a = Assignment.objects.get(task=task_a, mission=mission_a)
    assignment_a2 = Assignment.objects.get(task=task_a2, mission=mission_a)
    assignment_b = Assignment.objects.get(task=task_b, mission=mission_b)
    report_a = services.report_submit(
        assignment_id=assignment_a.pk, author=users["officer_a"], status="in_progress", percent=20, results="Met"
    )
    report_b = services.report_submit(
        assignment_id=assignment_b.pk, author=users["head_b"], status="in_progress", percent=10, results="Called"
    )
    extension_a = services.extension_request_create(
        assignment_id=assignment_a.pk,
        requested_by=users["head_a"],
        requested_deadline=today + datetime.timedelta(days=60),
        reason="Partner elections",
    )
    extension_b = services.extension_request_create(
        assignment_id=assignment_b.pk,
        requested_by=users["head_b"],
        requested_deadline=today + datetime.timedelta(days=60),
        reason="Visit postponed",
    )
    tokens = {role: Token.objects.create(user=user).key for role, user in users.items()}
    for obj in (assignment_a, assignment_a2, assignment_b):
        obj.refresh_from_db()
    return World(
        mission_a=mission_a,
        mission_b=mission_b,
        users=users,
        directive_a=directive_a,
        directive_b=directive_b,
        commitment_a=commitment_a,
        commitment_b=commitment_b,
        task_a=task_a,
        task_b=task_b,
        assignment_a=assignment_a,
        assignment_a2=assignment_a2,
        assignment_b=assignment_b,
        report_a=report_a,
        report_b=report_b,
        extension_a=extension_a,
        extension_b=extension_b,
        tokens=tokens,
    )
