"""Test data. Assignments are made through `task_assign`, reports through `report_submit`."""

import datetime

import factory
from django.utils import timezone

from missions.models import Membership, Mission, User
from tracker import services
from tracker.models import Commitment, Directive, Task


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ["username"]

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda o: f"{o.username}@example.org")
    first_name = "Test"
    last_name = factory.Sequence(lambda n: f"Person {n}")
    password = factory.django.Password("secret-pass-123")


class MissionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Mission
        django_get_or_create = ["code"]

    code = factory.Sequence(lambda n: f"EMB-T{n}")
    kind = Mission.Kind.EMBASSY
    name_vi = factory.LazyAttribute(lambda o: f"Đại sứ quán thử {o.code}")
    name_en = factory.LazyAttribute(lambda o: f"Test embassy {o.code}")
    city = "Testville"
    country = "AU"
    country_name = "Australia"
    timezone = "Asia/Tokyo"
    region = Mission.Region.ASIA_PACIFIC
    email = factory.LazyAttribute(lambda o: f"{o.code.lower()}@missions.example")


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    mission = factory.SubFactory(MissionFactory)
    role = Membership.Role.HEAD
    starts_on = datetime.date(2020, 1, 1)


class DirectiveFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Directive

    title = factory.Sequence(lambda n: f"Directive {n}")
    number = factory.Sequence(lambda n: f"{n}/CT-TTg")
    issued_on = datetime.date(2024, 4, 2)
    issued_by = Directive.Issuer.PRIME_MINISTER


class CommitmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Commitment

    title = factory.Sequence(lambda n: f"Commitment {n}")
    kind = Commitment.Kind.MOU
    partners = "US"
    signed_on = datetime.date(2023, 9, 10)


class TaskFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Task

    title = factory.Sequence(lambda n: f"Task {n}")
    description = "Test task"
    directive = factory.SubFactory(DirectiveFactory)
    default_deadline = factory.LazyFunction(lambda: timezone.localdate() + datetime.timedelta(days=30))


def make_assignment(*, mission=None, task=None, deadline=None, role="lead"):
    """One assignment, made the way the committee makes them."""
    mission = mission or MissionFactory()
    task = task or TaskFactory()
    services.task_assign(task=task, missions=[mission], deadline=deadline or task.default_deadline, role=role)
    return task.assignments.select_related("mission", "task").get(mission=mission)


def member(mission, role=Membership.Role.HEAD, **user_fields):
    """A user holding a post in a mission."""
    user = UserFactory(**user_fields)
    MembershipFactory(user=user, mission=mission, role=role)
    return user
