"""A small fixed data set whose dashboard figures are worked out by hand in the tests.

NOW is 15/06/2024 02:00 UTC: 15 June in Tokyo (11:00) and Paris (04:00), still 14 June in New York (22:00).

Missions: AA Tokyo (Asia–Pacific), BB Paris (Europe), CC New York (Americas), DD Nairobi (Middle East–Africa,
no work), EE Lisbon (Europe, inactive, no work).
Themes: exports, digital. Directives: D1, D2. Commitments: C1 (served by K1), C2 (no task).
Tasks: K1 (D1, exports, C1), K2 (D2, digital), K3 (D1, exports + digital), K4 (no directive, no theme).

    id   task mission deadline     what happened (reports at 12:00 UTC)                 timeliness at NOW
    A1   K1   AA      31/03/2024   in progress 10/02, completed 20/03                   completed on time
    A2   K1   BB      30/04/2024   completed 10/05                                      completed late
    A3   K1   CC      31/05/2024   in progress 05/05; extension asked 20/05, rejected   overdue
    A4   K2   AA      10/06/2024   blocked 01/06                                        overdue (and blocked)
    A5   K2   CC      14/06/2024   nothing                                              due soon (14/06 in NY)
    A6   K2   BB      14/06/2024   nothing                                              overdue (15/06 in Paris)
    A7   K3   AA      20/06/2024   in progress 01/04; extension asked 10/06, pending    due soon
    A8   K3   BB      30/06/2024   nothing                                              on track
    A9   K3   CC      15/05/2024   cancelled by the committee 16/05                     (left out)
    A10  K4   AA      31/08/2024   completed 05/06                                      completed on time
    A11  K4   BB      29/02/2024   completed 29/02                                      completed on time
"""

import datetime

from missions.models import Mission
from tests.factories import CommitmentFactory, DirectiveFactory, MissionFactory, TaskFactory, UserFactory, member
from tracker import services
from tracker.models import Assignment, ExtensionRequest, Theme

UTC = datetime.UTC
NOW = datetime.datetime(2024, 6, 15, 2, 0, tzinfo=UTC)
H1_START = datetime.date(2024, 1, 1)
H1_END = datetime.date(2024, 6, 30)


def at(day: str, hour: int = 12) -> datetime.datetime:
    return datetime.datetime.fromisoformat(day).replace(hour=hour, tzinfo=UTC)


def build() -> dict:
    missions = {
        "AA": MissionFactory(code="EMB-AA", timezone="Asia/Tokyo", region=Mission.Region.ASIA_PACIFIC),
        "BB": MissionFactory(code="EMB-BB", timezone="Europe/Paris", region=Mission.Region.EUROPE),
        "CC": MissionFactory(code="EMB-CC", timezone="America/New_York", region=Mission.Region.AMERICAS),
        "DD": MissionFactory(code="EMB-DD", timezone="Africa/Nairobi", region=Mission.Region.MIDDLE_EAST_AFRICA),
        "EE": MissionFactory(code="EMB-EE", timezone="Europe/Lisbon", region=Mission.Region.EUROPE, is_active=False),
    }
    heads = {code: member(m, username=f"head-{code.lower()}") for code, m in missions.items() if code != "EE"}
    committee = UserFactory(username="secretariat", is_staff=True, is_superuser=True)
    exports = Theme.objects.create(code="exports", name_vi="Xuất khẩu", name_en="Exports", group="traditional")
    digital = Theme.objects.create(code="digital", name_vi="Kinh tế số", name_en="Digital economy", group="new")
    d1 = DirectiveFactory(title="D1", number="1/CT-TTg", issued_on=datetime.date(2024, 1, 10))
    d2 = DirectiveFactory(title="D2", number="2/KL-BCĐ", issued_on=datetime.date(2024, 2, 20))
    c1 = CommitmentFactory(title="C1", partners="US", signed_on=datetime.date(2023, 9, 10))
    c2 = CommitmentFactory(title="C2", partners="AU", signed_on=datetime.date(2024, 3, 7))
    k1 = TaskFactory(title="K1", directive=d1, commitment=c1)
    k2 = TaskFactory(title="K2", directive=d2)
    k3 = TaskFactory(title="K3", directive=d1)
    k4 = TaskFactory(title="K4", directive=None)
    k1.themes.set([exports])
    k2.themes.set([digital])
    k3.themes.set([exports, digital])

    plan = {
        "A1": (k1, "AA", "2024-03-31"),
        "A2": (k1, "BB", "2024-04-30"),
        "A3": (k1, "CC", "2024-05-31"),
        "A4": (k2, "AA", "2024-06-10"),
        "A5": (k2, "CC", "2024-06-14"),
        "A6": (k2, "BB", "2024-06-14"),
        "A7": (k3, "AA", "2024-06-20"),
        "A8": (k3, "BB", "2024-06-30"),
        "A9": (k3, "CC", "2024-05-15"),
        "A10": (k4, "AA", "2024-08-31"),
        "A11": (k4, "BB", "2024-02-29"),
    }
    a = {}
    for name, (task, code, deadline) in plan.items():
        services.task_assign(task=task, missions=[missions[code]], deadline=datetime.date.fromisoformat(deadline))
        a[name] = Assignment.objects.get(task=task, mission=missions[code])

    def report(name, status, percent, day, author=None, **extra):
        author = author or heads[a[name].mission.code.removeprefix("EMB-")]
        services.report_submit(
            assignment_id=a[name].pk, author=author, status=status, percent=percent, now=at(day), **extra
        )

    report("A1", "in_progress", 40, "2024-02-10")
    report("A1", "completed", 100, "2024-03-20")
    report("A2", "completed", 100, "2024-05-10")
    report("A3", "in_progress", 30, "2024-05-05")
    report("A4", "blocked", 10, "2024-06-01", obstacles="Partner ministry reorganised")
    report("A7", "in_progress", 50, "2024-04-01")
    report("A9", "cancelled", 0, "2024-05-16", author=committee)
    report("A10", "completed", 100, "2024-06-05")
    report("A11", "completed", 100, "2024-02-29")

    rejected = services.extension_request_create(
        assignment_id=a["A3"].pk,
        requested_by=heads["CC"],
        requested_deadline=datetime.date(2024, 7, 31),
        reason="Partner elections",
    )
    services.extension_decide(extension_id=rejected.pk, decided_by=committee, approve=False, now=at("2024-05-22"))
    pending = services.extension_request_create(
        assignment_id=a["A7"].pk,
        requested_by=heads["AA"],
        requested_deadline=datetime.date(2024, 7, 20),
        reason="Waiting for the partner's answer",
    )
    # The service stamps requests with the real clock; move them to the day the story says.
    ExtensionRequest.objects.filter(pk=rejected.pk).update(created_at=at("2024-05-20"))
    ExtensionRequest.objects.filter(pk=pending.pk).update(created_at=at("2024-06-10"))

    for obj in a.values():
        obj.refresh_from_db()
    return {
        "missions": missions,
        "heads": heads,
        "committee": committee,
        "themes": {"exports": exports, "digital": digital},
        "directives": {"D1": d1, "D2": d2},
        "commitments": {"C1": c1, "C2": c2},
        "tasks": {"K1": k1, "K2": k2, "K3": k3, "K4": k4},
        "assignments": a,
    }
