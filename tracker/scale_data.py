"""A large, realistic and deterministic data set for the benchmarks (`manage.py generate_scale_data`).

Ten years of the committee's work: directives and commitments, tasks assigned to one, several or all
missions, and an append-only history of progress reports by each mission's head (cancellations by the
secretariat). Every status and every timeliness category is present; the same seed and the same day
give the same rows.

THIS MODULE WRITES ROWS DIRECTLY, BYPASSING `tracker.services.report_submit` AND `task_assign`. That is
acceptable ONLY here, because it is a generator for benchmarks: a million reports through the service
would take hours. To stay honest it reproduces what the service would have left behind: each report's
`previous_status` is the status before it, every move is one `tracker.transitions` allows (the
secretariat cancels, the mission does the rest), and each assignment's status, percent, completed_on (a
day in the mission's time zone), last_reported_at and version are those its last report produced
(`tests/test_scale_data.py` replays the reports to prove it). No history rows (simple_history) are
written for generated tasks and assignments.

On PostgreSQL assignments and reports go in with COPY (psycopg 3); on other databases with bulk_create
in batches.
"""

from __future__ import annotations

import bisect
import datetime
import json
import random
import time
import zoneinfo
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.core.management import call_command
from django.core.management.color import no_style
from django.db import connection, transaction
from django.db.models import Max

from missions.models import Membership, Mission, User
from tracker import options_cache
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
    Theme,
)

YEARS = 10
HEAD_USERNAME = "scale-head-{code}"
SECRETARIAT_USERNAME = "scale-secretariat"
BATCH = 2_000  # rows per bulk_create batch (SQLite and other databases)

# Plain strings (not the enum members), as COPY writes them.
NOT_STARTED_, IN_PROGRESS_, COMPLETED_, BLOCKED_, CANCELLED_ = (
    Status.NOT_STARTED.value,
    Status.IN_PROGRESS.value,
    Status.COMPLETED.value,
    Status.BLOCKED.value,
    Status.CANCELLED.value,
)
LEAD_, SUPPORT_ = Assignment.Role.LEAD.value, Assignment.Role.SUPPORT.value

# Progress callback: (what, done, total).
Progress = Callable[[str, int, int], None]


@dataclass(frozen=True)
class Result:
    directives: int
    commitments: int
    tasks: int
    assignments: int
    reports: int
    seconds: float


class RefusedError(Exception):
    """The generator will not run on this database as asked (the message says why)."""


# --- words ------------------------------------------------------------------------------------------------------------

DIRECTIVE_KINDS = [
    (Directive.Issuer.PRIME_MINISTER, "Chỉ thị về đẩy mạnh và nâng cao hiệu quả công tác ngoại giao kinh tế", "CT-TTg"),
    (Directive.Issuer.GOVERNMENT, "Nghị quyết về ngoại giao kinh tế phục vụ phát triển đất nước", "NQ-CP"),
    (Directive.Issuer.STEERING_COMMITTEE, "Kết luận phiên họp Ban Chỉ đạo Ngoại giao kinh tế", "KL-BCĐ"),
    (Directive.Issuer.DEPUTY_PRIME_MINISTER, "Thông báo kết luận của Phó Thủ tướng về hội nhập kinh tế", "TB-VPCP"),
    (Directive.Issuer.MINISTER, "Chỉ thị của Bộ trưởng về triển khai các thỏa thuận đã ký kết", "CT-BNG"),
]
COMMITMENT_FIELDS = [
    "thương mại và đầu tư",
    "chuyển đổi số",
    "năng lượng tái tạo",
    "nông nghiệp công nghệ cao",
    "bán dẫn và đổi mới sáng tạo",
    "lao động và đào tạo nghề",
    "du lịch",
    "tài chính và ngân hàng",
    "kinh tế tuần hoàn",
    "hợp tác Halal",
]
COMMITMENT_PREFIX = {
    Commitment.Kind.FTA: "Hiệp định thương mại tự do",
    Commitment.Kind.IPA: "Hiệp định bảo hộ đầu tư",
    Commitment.Kind.CEPA: "Hiệp định đối tác kinh tế toàn diện",
    Commitment.Kind.MOU: "Bản ghi nhớ hợp tác",
    Commitment.Kind.AGREEMENT: "Thỏa thuận hợp tác",
    Commitment.Kind.JOINT_STATEMENT: "Tuyên bố chung",
    Commitment.Kind.INVESTMENT_PLEDGE: "Cam kết đầu tư",
}
TASKS_ONE = [
    "Vận động {country} công nhận quy chế kinh tế thị trường của Việt Nam",
    "Vận động {country} mở cửa thị trường cho trái cây tươi của Việt Nam",
    "Thu hút đầu tư của {country} vào ngành bán dẫn",
    "Theo dõi triển khai các thỏa thuận ký trong chuyến thăm cấp cao tới {country}",
    "Tổ chức diễn đàn doanh nghiệp Việt Nam – {country}",
    "Thúc đẩy đường bay thẳng và quảng bá du lịch Việt Nam tại {country}",
]
TASKS_MANY = [
    "Xúc tiến xuất khẩu nông sản, thủy sản sang thị trường sở tại",
    "Kết nối doanh nghiệp về chuyển đổi xanh và năng lượng tái tạo",
    "Hỗ trợ doanh nghiệp Việt Nam tham gia hội chợ, triển lãm quốc tế",
    "Thúc đẩy hợp tác chuyển đổi số và trí tuệ nhân tạo",
    "Xúc tiến chứng nhận Halal cho sản phẩm Việt Nam",
    "Mở rộng thị trường lao động và bảo hộ người lao động Việt Nam",
    "Làm việc với đối tác về trung tâm tài chính quốc tế tại TP. Hồ Chí Minh",
    "Cập nhật thông tin chính sách kinh tế, thương mại của nước sở tại",
    "Vận động thu hút khách du lịch quốc tế đến Việt Nam",
    "Báo cáo kết quả triển khai ngoại giao kinh tế sáu tháng",
]
RESULTS = [
    "Đã làm việc với Bộ Thương mại nước sở tại về mở cửa thị trường.",
    "Đã tổ chức tọa đàm kết nối doanh nghiệp, 35 doanh nghiệp tham dự.",
    "Đã gửi công hàm đề nghị và đang chờ phía bạn phản hồi.",
    "Đã gặp lãnh đạo cơ quan xúc tiến đầu tư, thống nhất lộ trình hợp tác.",
    "Đã phối hợp với Thương vụ cung cấp thông tin thị trường cho các hiệp hội.",
    "Đã hỗ trợ đoàn doanh nghiệp trong nước khảo sát thị trường.",
    "Đã tổ chức hội thảo quảng bá du lịch tại thủ đô nước sở tại.",
    "Met the trade ministry on market access; follow-up meeting scheduled.",
    "Two investors confirmed site visits to industrial parks in Viet Nam.",
    "Đã hoàn thiện báo cáo đánh giá và gửi Ban Chỉ đạo.",
]
COMPLETED = [
    "Hoàn thành: phía bạn đã ký văn bản xác nhận.",
    "Hoàn thành nhiệm vụ; báo cáo kết quả gửi kèm.",
    "Đã hoàn thành và bàn giao hồ sơ cho bộ, ngành liên quan.",
    "Completed: the agreement entered into force.",
]
CANCELLED = [
    "Ban Chỉ đạo dừng nhiệm vụ do thay đổi ưu tiên.",
    "Nhiệm vụ được gộp vào nhiệm vụ mới theo kết luận của Ban Chỉ đạo.",
]
OBSTACLES = [
    "Phía bạn chưa bố trí được lịch làm việc.",
    "Thủ tục kiểm dịch của nước sở tại kéo dài.",
    "Chưa có kinh phí tổ chức hoạt động xúc tiến.",
    "Cần ý kiến của bộ, ngành trong nước trước khi trả lời phía bạn.",
    "The partner ministry is reorganising after the elections.",
]
PROPOSALS = [
    "Đề nghị Bộ Công Thương cử đoàn sang làm việc.",
    "Kiến nghị bổ sung kinh phí xúc tiến thương mại.",
    "Đề nghị lãnh đạo Bộ gửi thư cho người đồng cấp.",
    "Propose a video call between the two ministers.",
]


# --- reference data and people ----------------------------------------------------------------------------------------


def ensure_reference_data() -> None:
    """Loads the 94 missions and the themes from the fixtures when any of them is missing."""
    fixtures = Path(settings.BASE_DIR) / "fixtures"
    codes = {row["fields"]["code"] for row in json.loads((fixtures / "missions.json").read_text(encoding="utf-8"))}
    if set(Mission.objects.filter(code__in=codes).values_list("code", flat=True)) != codes:
        call_command("loaddata", str(fixtures / "missions.json"), verbosity=0)
    if not Theme.objects.exists():
        call_command("loaddata", str(fixtures / "themes.json"), verbosity=0)


def ensure_people(missions: list[Mission], today: datetime.date) -> tuple[dict[int, int], int]:
    """A head for every mission and a secretariat member (no usable password). Returns their ids."""
    wanted = {HEAD_USERNAME.format(code=m.code.lower()): m for m in missions}
    existing = set(User.objects.filter(username__in=[*wanted, SECRETARIAT_USERNAME]).values_list("username", flat=True))
    new = [
        User(username=name, first_name="Head", last_name=m.code, email=f"{name}@missions.example", password="")
        for name, m in wanted.items()
        if name not in existing
    ]
    if SECRETARIAT_USERNAME not in existing:
        new.append(User(username=SECRETARIAT_USERNAME, first_name="Secretariat", is_staff=True, password=""))
    for user in new:
        user.password = make_password(None)  # unusable: set one with `changepassword` to sign in
    User.objects.bulk_create(new)
    ids = dict(User.objects.filter(username__in=[*wanted, SECRETARIAT_USERNAME]).values_list("username", "id"))
    heads = {wanted[name].pk: ids[name] for name in wanted}
    starts_on = today.replace(year=today.year - YEARS - 1)
    have = set(
        Membership.objects.filter(user_id__in=heads.values(), role=Membership.Role.HEAD).values_list(
            "mission_id", "user_id"
        )
    )
    Membership.objects.bulk_create(
        Membership(user_id=user_id, mission_id=mission_id, role=Membership.Role.HEAD, starts_on=starts_on)
        for mission_id, user_id in heads.items()
        if (mission_id, user_id) not in have
    )
    return heads, ids[SECRETARIAT_USERNAME]


# --- the plan of one assignment ---------------------------------------------------------------------------------------


@dataclass(slots=True)
class Plan:
    """What happens to one assignment: its final status, when its reports fall, how many there are."""

    id: int
    task_id: int
    mission: Mission
    role: str
    deadline: datetime.date
    created: int  # epoch seconds
    status: str
    end: int  # epoch seconds of the last report (completion or cancellation), or the latest allowed
    weight: float
    top: int  # the percent done its progress reports reach
    reports: int = 0


def _place(mission: Mission) -> str:
    """Where a mission is, in Vietnamese ("Đại sứ quán Việt Nam tại Nhật Bản" → "Nhật Bản")."""
    return mission.name_vi.rpartition(" tại ")[2] or mission.country_name or mission.country


def _day_end(day: datetime.date, zone: zoneinfo.ZoneInfo) -> int:
    """The last second of a day in a time zone, as epoch seconds."""
    nxt = datetime.datetime.combine(day + datetime.timedelta(days=1), datetime.time.min, tzinfo=zone)
    return int(nxt.timestamp()) - 1


def _final_status(rng: random.Random, deadline: datetime.date, today: datetime.date) -> tuple[str, bool]:
    """The status an assignment has today, and whether a completion comes late."""
    past = (today - deadline).days
    r = rng.random()
    if past > 0:
        open_share = 0.35 if past <= 60 else 0.12 if past <= 365 else 0.03
        if r < open_share:
            o = rng.random()
            return (NOT_STARTED_ if o < 0.15 else IN_PROGRESS_ if o < 0.75 else BLOCKED_), False
        if r < open_share + 0.03:
            return CANCELLED_, False
        return COMPLETED_, rng.random() < 0.3
    if r < 0.12:
        return COMPLETED_, False
    if r < 0.14:
        return CANCELLED_, False
    o = rng.random()
    return (NOT_STARTED_ if o < 0.3 else IN_PROGRESS_ if o < 0.85 else BLOCKED_), False


# Tasks whose single assignment puts every status and timeliness category in even the smallest data set:
# (days from today to the deadline, days from today back to creation, final status, completed late).
COVERAGE = [
    (60, 30, IN_PROGRESS_, False),  # on track
    (3, 40, IN_PROGRESS_, False),  # due soon
    (-30, 120, BLOCKED_, False),  # overdue
    (-400, 600, COMPLETED_, False),  # completed on time
    (-300, 500, COMPLETED_, True),  # completed late
    (-200, 380, CANCELLED_, False),  # no timeliness
    (20, 10, NOT_STARTED_, False),  # on track, never reported
]


# --- the generator ----------------------------------------------------------------------------------------------------


class Generator:
    def __init__(self, *, seed: int, today: datetime.date, progress: Progress | None = None):
        self.rng = random.Random(seed)
        self.today = today
        self.progress = progress or (lambda what, done, total: None)
        hanoi = zoneinfo.ZoneInfo(settings.TIME_ZONE)
        # Every generated moment is before the start of `today` in Ha Noi, so never in the future.
        self.latest = int(datetime.datetime.combine(today, datetime.time.min, tzinfo=hanoi).timestamp()) - 1
        self.hanoi = hanoi
        self.task_count = 0

    # Ids are handed out here, after the largest in the table, so rows can refer to each other before insertion.
    @staticmethod
    def _next_id(model) -> int:
        return (model.objects.aggregate(m=Max("id"))["m"] or 0) + 1

    def _moment(self, day: datetime.date) -> int:
        """A working-hours moment on a day in Ha Noi, as epoch seconds."""
        start = datetime.datetime.combine(day, datetime.time(8), tzinfo=self.hanoi)
        return int(start.timestamp()) + int(self.rng.random() * 9 * 3600)

    def directives(self, count: int) -> list[tuple[int, datetime.date]]:
        rng, first = self.rng, self._next_id(Directive)
        rows, made = [], []
        for i in range(count):
            issuer, title, suffix = DIRECTIVE_KINDS[int(rng.random() * len(DIRECTIVE_KINDS))]
            issued = self.today - datetime.timedelta(days=30 + int(rng.random() * 365 * YEARS))
            number = f"{10 + int(rng.random() * 280)}/{suffix}"
            rows.append(
                Directive(
                    id=first + i,
                    title=f"{title} năm {issued.year}",
                    number=number,
                    issued_on=issued,
                    issued_by=issuer,
                    summary=f"{title} ({number}, {issued:%d/%m/%Y}).",
                    created_at=datetime.datetime.fromtimestamp(self._moment(issued), tz=datetime.UTC),
                )
            )
            made.append((first + i, issued))
        Directive.objects.bulk_create(rows, batch_size=BATCH)
        return sorted(made, key=lambda pair: pair[1])

    def commitments(self, count: int, missions: list[Mission]) -> list[tuple[int, datetime.date]]:
        rng, first = self.rng, self._next_id(Commitment)
        kinds = list(COMMITMENT_PREFIX)
        rows, made = [], []
        for i in range(count):
            kind = kinds[int(rng.random() * len(kinds))]
            mission = missions[int(rng.random() * len(missions))]
            signed = self.today - datetime.timedelta(days=45 + int(rng.random() * 365 * YEARS))
            age = (self.today - signed).days
            status = (
                Commitment.Status.FULFILLED
                if age > 1500 and rng.random() < 0.7
                else Commitment.Status.STALLED
                if rng.random() < 0.1
                else Commitment.Status.IMPLEMENTING
                if age > 90
                else Commitment.Status.SIGNED
            )
            field = COMMITMENT_FIELDS[int(rng.random() * len(COMMITMENT_FIELDS))]
            rows.append(
                Commitment(
                    id=first + i,
                    title=f"{COMMITMENT_PREFIX[kind]} Việt Nam – {_place(mission)} về {field}",
                    kind=kind,
                    partners=mission.country,
                    signed_on=signed,
                    occasion=f"Chuyến thăm cấp cao tháng {signed:%m/%Y}",
                    value_usd=(1_000_000 * (1 + int(rng.random() * 2000))) if kind == "investment_pledge" else None,
                    status=status,
                    created_at=datetime.datetime.fromtimestamp(self._moment(signed), tz=datetime.UTC),
                )
            )
            made.append((first + i, signed))
        Commitment.objects.bulk_create(rows, batch_size=BATCH)
        return sorted(made, key=lambda pair: pair[1])

    def plans(
        self,
        *,
        assignments: int,
        missions: list[Mission],
        directives: list[tuple[int, datetime.date]],
        commitments: list[tuple[int, datetime.date]],
        theme_ids: list[int],
    ) -> list[Plan]:
        """Makes the tasks (saved) and the plan of every assignment (not yet saved)."""
        rng, today = self.rng, self.today
        task_id, assignment_id = self._next_id(Task), self._next_id(Assignment)
        directive_days = [day for _, day in directives]
        commitment_days = [day for _, day in commitments]
        tasks: list[Task] = []
        task_themes: list[tuple[int, int]] = []
        plans: list[Plan] = []
        n = 0
        while len(plans) < assignments:
            if n < len(COVERAGE):
                deadline_in, created_ago, forced, late = COVERAGE[n]
                chosen = [missions[(n * 37) % len(missions)]]
                created_day = today - datetime.timedelta(days=created_ago)
                deadline = today + datetime.timedelta(days=deadline_in)
            else:
                forced = None
                scope = rng.random()
                if scope < 0.5:
                    chosen = [missions[int(rng.random() * len(missions))]]
                elif scope < 0.9:
                    chosen = rng.sample(missions, min(len(missions), 2 + int(rng.random() * 14)))
                else:
                    chosen = missions
                created_day = today - datetime.timedelta(days=1 + int(365 * YEARS * rng.random() ** 1.6))
                duration = rng.choice((30, 45, 60, 90, 120, 180, 270, 365)) + int(rng.random() * 11) - 5
                deadline = created_day + datetime.timedelta(days=duration)
            chosen = chosen[: assignments - len(plans)]
            created = self._moment(created_day)
            # The directive and/or commitment the task serves: one issued before the task.
            directive = commitment = None
            d = bisect.bisect_right(directive_days, created_day)
            c = bisect.bisect_right(commitment_days, created_day)
            if d and (rng.random() < 0.8 or not c):
                directive = directives[int(rng.random() * d)][0]
            if c and (directive is None or rng.random() < 0.3):
                commitment = commitments[int(rng.random() * c)][0]
            if len(chosen) == 1:
                title = TASKS_ONE[int(rng.random() * len(TASKS_ONE))].format(country=_place(chosen[0]))
            else:
                title = TASKS_MANY[int(rng.random() * len(TASKS_MANY))]
            r = rng.random()
            tasks.append(
                Task(
                    id=task_id,
                    title=f"{title} ({created_day.year})",
                    description=f"{title}. Báo cáo tiến độ hằng tháng cho Ban Chỉ đạo.",
                    directive_id=directive,
                    commitment_id=commitment,
                    priority=Task.Priority.HIGH if r < 0.2 else Task.Priority.LOW if r < 0.3 else Task.Priority.NORMAL,
                    default_deadline=deadline,
                    created_at=datetime.datetime.fromtimestamp(created, tz=datetime.UTC),
                )
            )
            if theme_ids:
                for theme in rng.sample(theme_ids, min(len(theme_ids), 1 + int(rng.random() * 3))):
                    task_themes.append((task_id, theme))
            for i, mission in enumerate(chosen):
                if forced is None:
                    status, late = _final_status(rng, deadline, today)
                else:
                    status = forced
                role = LEAD_ if i == 0 or rng.random() < 0.6 else SUPPORT_
                plans.append(self._plan(assignment_id, task_id, mission, role, deadline, created, status, late))
                assignment_id += 1
            task_id += 1
            n += 1
        Task.objects.bulk_create(tasks, batch_size=BATCH)
        Through = Task.themes.through
        Through.objects.bulk_create(
            [Through(task_id=t, theme_id=th) for t, th in task_themes], batch_size=BATCH * 5
        )
        self.task_count = len(tasks)
        return plans

    def _plan(self, pk, task_id, mission, role, deadline, created, status, late) -> Plan:
        rng, zone = self.rng, mission.zone
        deadline_end = _day_end(deadline, zone)
        if status == COMPLETED_:
            if late and deadline_end + 1 < self.latest:
                start, stop = deadline_end + 1, min(self.latest, deadline_end + 200 * 86400)
            else:
                start, stop = created + 3600, min(self.latest, deadline_end)
            end = start + int(rng.random() * max(0, stop - start))
        elif status == CANCELLED_:
            end = created + 3600 + int(rng.random() * max(0, self.latest - created - 3600))
        else:
            end = self.latest
        end = max(end, created + 60)
        months = (end - created) / (30 * 86400)
        weight = 0.0 if status == NOT_STARTED_ else min(36.0, 1.0 + months) * (0.5 + rng.random())
        if status in (COMPLETED_, CANCELLED_):
            top = 50 + int(rng.random() * 46)
        else:  # open work is about as far along as its time is, give or take
            elapsed = (self.latest - created) / max(1, deadline_end - created)
            top = max(5, min(95, int(100 * elapsed * (0.4 + 0.6 * rng.random()))))
        return Plan(pk, task_id, mission, role, deadline, created, status, end, weight, top)

    def share_reports(self, plans: list[Plan], total: int) -> None:
        """Gives each reported assignment at least one report and shares `total` by weight, exactly."""
        reported = [p for p in plans if p.weight > 0]
        if total < len(reported):
            # Too few reports for every assignment that moved: the last ones stay "not started".
            for p in reported[total:]:
                p.status, p.weight = NOT_STARTED_, 0.0
            reported = reported[:total]
        if not reported:
            return
        spare = total - len(reported)
        weights = sum(p.weight for p in reported)
        given = 0
        for p in reported:
            p.reports = 1 + int(spare * p.weight / weights)
            given += p.reports
        order = list(range(len(reported)))
        self.rng.shuffle(order)
        for i in order[: total - given]:
            reported[i].reports += 1

    def rows(
        self,
        plans: list[Plan],
        *,
        heads: dict[int, int],
        secretariat: int,
        causes: list[int],
        first_report: int,
        total: int,
    ) -> Iterator[tuple[str, tuple]]:
        """Yields ("report", row) for every report and then ("assignment", row) once its reports are out.

        Each assignment's status, percent, completed_on, last_reported_at and version are those its last
        report leaves, as `report_submit` would have set them.
        """
        rng = self.rng
        rnd = rng.random
        utc = datetime.UTC
        fromts = datetime.datetime.fromtimestamp
        report_id = first_report
        n_results, n_obstacles, n_proposals = len(RESULTS), len(OBSTACLES), len(PROPOSALS)
        for p in plans:
            author = heads[p.mission.pk]
            k = p.reports
            previous, percent = NOT_STARTED_, 0
            completed_on = None
            last = None
            if k:
                span = p.end - p.created
                if p.status in (COMPLETED_, CANCELLED_):
                    times = sorted(p.created + int(rnd() * span) for _ in range(k - 1))
                    times.append(p.end)  # the completion or cancellation
                else:
                    times = sorted(p.created + int(rnd() * span) for _ in range(k))
                for j, ts in enumerate(times):
                    final = j == k - 1
                    results = obstacles = proposals = ""
                    cause = None
                    who = author
                    if final and p.status == COMPLETED_:
                        status, percent = COMPLETED_, 100
                        results = COMPLETED[int(rnd() * len(COMPLETED))]
                    elif final and p.status == CANCELLED_:
                        status, who = CANCELLED_, secretariat
                        results = CANCELLED[int(rnd() * len(CANCELLED))]
                    else:
                        blocked = p.status == BLOCKED_ if final else rnd() < 0.08
                        status = BLOCKED_ if blocked else IN_PROGRESS_
                        # Percent grows with the reports up to the plan's figure, never 100 while open.
                        steps = k if p.status not in (COMPLETED_, CANCELLED_) else max(1, k - 1)
                        percent = min(99, max(percent, 5 + ((p.top - 5) * (j + 1)) // steps + int(rnd() * 3)))
                        results = RESULTS[int(rnd() * n_results)]
                        if blocked:
                            obstacles = OBSTACLES[int(rnd() * n_obstacles)]
                            if causes and rnd() < 0.7:
                                cause = causes[int(rnd() * len(causes))]
                    if rnd() < 0.15:
                        proposals = PROPOSALS[int(rnd() * n_proposals)]
                    last = fromts(ts, utc)
                    yield "report", (
                        report_id, p.id, who, last, previous, status, percent, results, obstacles, cause, proposals
                    )
                    report_id += 1
                    previous = status
                if previous == COMPLETED_:
                    completed_on = fromts(times[-1], p.mission.zone).date()
            created = fromts(p.created, utc)
            yield "assignment", (
                p.id, p.task_id, p.mission.pk, p.role, p.deadline, p.deadline, previous, percent, completed_on,
                last, k, created, last or created,
            )
            self.progress("reports", report_id - first_report, total)


REPORT_FIELDS = [
    "id", "assignment_id", "author_id", "created_at", "previous_status", "status", "percent", "results", "obstacles",
    "obstacle_cause_id", "proposals",
]
ASSIGNMENT_FIELDS = [
    "id", "task_id", "mission_id", "role", "original_deadline", "deadline", "status", "percent", "completed_on",
    "last_reported_at", "version", "created_at", "updated_at",
]


def _columns(model, fields: list[str]) -> str:
    return ", ".join(connection.ops.quote_name(model._meta.get_field(f.removesuffix("_id")).column) for f in fields)


@contextmanager
def _bulk_load(cursor, models, progress: Progress):
    """PostgreSQL's advice for loading many rows ("Populating a Database" in its manual): drop the plain
    indexes and the foreign keys, load, then build the indexes in one pass and check each foreign key with one
    query, all inside the caller's transaction (an error puts everything back). Primary keys, unique and check
    constraints stay in force while loading."""
    indexes: list[str] = []
    foreign_keys: list[tuple[str, str, str]] = []
    for model in models:
        table = model._meta.db_table
        cursor.execute(
            "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint WHERE conrelid = %s::regclass "
            "AND contype = 'f' ORDER BY conname",
            [table],
        )
        for name, definition in cursor.fetchall():
            foreign_keys.append((table, name, definition))
        cursor.execute(
            "SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid) FROM pg_index i "
            "WHERE i.indrelid = %s::regclass AND NOT i.indisprimary AND NOT i.indisunique "
            "AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid) ORDER BY 1",
            [table],
        )
        indexes.extend(definition for _, definition in cursor.fetchall())
    quote = connection.ops.quote_name
    cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # checks the rows made so far, so the tables can be altered
    for table, name, _ in foreign_keys:
        cursor.execute(f"ALTER TABLE {quote(table)} DROP CONSTRAINT {quote(name)}")
    for definition in indexes:
        name = definition.split(" INDEX ", 1)[1].split(" ON ", 1)[0]
        cursor.execute(f"DROP INDEX {name}")
    yield
    cursor.execute("SET LOCAL maintenance_work_mem = '256MB'")
    steps = len(indexes) + len(foreign_keys)
    for done, definition in enumerate(indexes, start=1):
        cursor.execute(definition)
        progress("indexes", done, steps)
    for done, (table, name, definition) in enumerate(foreign_keys, start=len(indexes) + 1):
        cursor.execute(f"ALTER TABLE {quote(table)} ADD CONSTRAINT {quote(name)} {definition}")
        progress("indexes", done, steps)


class _CopyWriter:
    """PostgreSQL: reports stream through COPY; assignments follow in a second COPY."""

    def __init__(self, progress: Progress):
        self.assignments: list[tuple] = []
        self.progress = progress

    @contextmanager
    def open(self):
        with connection.cursor() as cursor, _bulk_load(cursor, [Assignment, Report], self.progress):
            raw = cursor.cursor  # psycopg 3's own cursor under Django's wrapper
            table = connection.ops.quote_name(Report._meta.db_table)
            with raw.copy(f"COPY {table} ({_columns(Report, REPORT_FIELDS)}) FROM STDIN") as copy:  # noqa: S608
                self._copy = copy
                yield self
            table = connection.ops.quote_name(Assignment._meta.db_table)
            with raw.copy(f"COPY {table} ({_columns(Assignment, ASSIGNMENT_FIELDS)}) FROM STDIN") as copy:  # noqa: S608
                for row in self.assignments:
                    copy.write_row(row)

    def report(self, row: tuple) -> None:
        self._copy.write_row(row)

    def assignment(self, row: tuple) -> None:
        self.assignments.append(row)


class _BulkWriter:
    """Other databases: bulk_create in batches (assignments first, so foreign keys hold at every step)."""

    def __init__(self):
        self.assignments: list[Assignment] = []
        self.reports: list[Report] = []

    @contextmanager
    def open(self):
        yield self
        Assignment.objects.bulk_create(self.assignments, batch_size=BATCH)
        for start in range(0, len(self.reports), BATCH):
            Report.objects.bulk_create(self.reports[start : start + BATCH])

    def report(self, row: tuple) -> None:
        self.reports.append(Report(**dict(zip(REPORT_FIELDS, row, strict=True))))

    def assignment(self, row: tuple) -> None:
        self.assignments.append(Assignment(**dict(zip(ASSIGNMENT_FIELDS, row, strict=True))))


def flush() -> None:
    """Deletes all tracker work: reports, extension requests, assignments, tasks, directives, commitments.

    Missions, users, memberships, themes and obstacle causes stay. On PostgreSQL tables that refer to
    assignments (e.g. reminder logs) are emptied with them (TRUNCATE … CASCADE).
    """
    models = [ReportAttachment, Report, ExtensionRequest, Assignment, Task, Commitment, Directive]
    history = [m.history.model for m in (ExtensionRequest, Assignment, Task, Commitment)]
    through = [Task.themes.through, Commitment.themes.through]
    with transaction.atomic():
        if connection.vendor == "postgresql":
            tables = ", ".join(connection.ops.quote_name(m._meta.db_table) for m in [*models, *history, *through])
            with connection.cursor() as cursor:
                cursor.execute(f"TRUNCATE {tables} RESTART IDENTITY CASCADE")  # noqa: S608 (our table names)
        else:
            for model in [ReportAttachment, Report, ExtensionRequest, *history, *through, Assignment, Task]:
                model.objects.all().delete()
            Commitment.objects.all().delete()
            Directive.objects.all().delete()
        options_cache.bump()  # TRUNCATE sends no signal


def generate(
    *,
    assignments: int,
    reports: int,
    seed: int,
    today: datetime.date | None = None,
    append: bool = False,
    progress: Progress | None = None,
) -> Result:
    """Adds `assignments` assignments and exactly `reports` reports, in one transaction.

    Refuses (RefusedError) when assignments already exist and `append` is not set.
    """
    if assignments < 0 or reports < 0:
        raise RefusedError("Counts cannot be negative.")
    if reports and not assignments:
        raise RefusedError("Reports need assignments to report on.")
    started = time.perf_counter()
    today = today or datetime.datetime.now(tz=zoneinfo.ZoneInfo(settings.TIME_ZONE)).date()
    gen = Generator(seed=seed, today=today, progress=progress)
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:  # no other writer while ids are handed out
                locked = (Directive, Commitment, Task, Assignment, Report)
                tables = ", ".join(connection.ops.quote_name(m._meta.db_table) for m in locked)
                cursor.execute(f"LOCK TABLE {tables} IN EXCLUSIVE MODE")  # noqa: S608 (our table names)
        if Assignment.objects.exists() and not append:
            raise RefusedError(
                "The database already holds assignments: use --append to add to them, "
                "or --flush to delete all tracker work first."
            )
        ensure_reference_data()
        missions = list(Mission.objects.active().order_by("code"))
        if not missions:
            raise RefusedError("There is no active mission to assign tasks to.")
        heads, secretariat = ensure_people(missions, today)
        causes = list(
            ObstacleCause.objects.filter(is_active=True).order_by("position", "code").values_list("id", flat=True)
        )
        theme_ids = list(Theme.objects.order_by("code").values_list("id", flat=True))
        expected_tasks = max(1, round(assignments / 13))
        directives = gen.directives(max(3, expected_tasks // 12))
        commitments = gen.commitments(max(2, expected_tasks // 20), missions)
        plans = gen.plans(
            assignments=assignments,
            missions=missions,
            directives=directives,
            commitments=commitments,
            theme_ids=theme_ids,
        )
        gen.share_reports(plans, reports)
        first_report = gen._next_id(Report)  # before COPY starts: the connection runs nothing else during it
        writer = _CopyWriter(gen.progress) if connection.vendor == "postgresql" else _BulkWriter()
        with writer.open():
            add = {"report": writer.report, "assignment": writer.assignment}
            rows = gen.rows(
                plans,
                heads=heads,
                secretariat=secretariat,
                causes=causes,
                first_report=first_report,
                total=reports,
            )
            for kind, row in rows:
                add[kind](row)
        with connection.cursor() as cursor:
            for sql in connection.ops.sequence_reset_sql(no_style(), [Directive, Commitment, Task, Assignment, Report]):
                cursor.execute(sql)
        options_cache.bump()  # COPY and bulk inserts send no signal: the portal's filter options are read again
    if connection.vendor == "postgresql":
        # Fresh statistics for the planner; outside a transaction also the visibility map, as autovacuum
        # would leave it (index-only scans then skip the table).
        # Every table written (a small one left unanalysed gets the planner's default guess of its size).
        written = (User, Membership, Directive, Commitment, Task, Task.themes.through, Assignment, Report)
        tables = ", ".join(connection.ops.quote_name(m._meta.db_table) for m in written)
        with connection.cursor() as cursor:
            cursor.execute(("ANALYZE " if connection.in_atomic_block else "VACUUM (ANALYZE) ") + tables)
    return Result(
        directives=len(directives),
        commitments=len(commitments),
        tasks=gen.task_count,
        assignments=len(plans),
        reports=sum(p.reports for p in plans),
        seconds=time.perf_counter() - started,
    )
