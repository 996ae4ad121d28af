"""The demo data set: directives, commitments, tasks, their missions and stories, and the demo users.

Facts, dates and figures come from five 2024 Vietnamese press articles on economic diplomacy (the Minister's
conference of 22/02/2024, the Prime Minister's conference with the missions of 02/04/2024, the Prime
Minister's meeting with the heads of mission of 20/12/2024, the 2024 results, An Giang province's follow-up);
every title and description is written for this product. Two signing dates that the articles leave out are
from the public record: the Viet Nam–US joint statement (10/09/2023) and the NVIDIA agreement (05/12/2024).

Deadlines and report dates are days relative to the day the seed runs (`due_in`, `days_ago`), so that on any
day the demo shows every timeliness category; `tracker.demo.demo_seed` turns this data into rows through the
services. Stories (reports, extension requests) are attached to one mission each.
"""

import datetime
from dataclasses import dataclass

from missions.models import Membership, Mission
from tracker.models import Assignment, Commitment, Directive, Status, Task

LEAD = Assignment.Role.LEAD
SUPPORT = Assignment.Role.SUPPORT
HEAD = Membership.Role.HEAD
DEPUTY = Membership.Role.DEPUTY
OFFICER = Membership.Role.OFFICER
HIGH = Task.Priority.HIGH
NORMAL = Task.Priority.NORMAL
LOW = Task.Priority.LOW

COMMITTEE_GROUP = "Steering committee"
COMMITTEE_APPS = ("missions", "tracker")
MISSION_EMAIL_DOMAIN = "missions.example"
USER_EMAIL_DOMAIN = "example.org"
DEFAULT_PASSWORD = "demo-ngkt-2024"


# --- shapes -------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Post:
    mission: str
    role: str
    starts_on: datetime.date
    ends_on: datetime.date | None = None


@dataclass(frozen=True)
class DemoUser:
    username: str
    # Vietnamese names read family name first: first_name holds family and middle names, last_name the given
    # name, so that get_full_name() shows "Nguyễn Đức Thắng".
    first_name: str
    last_name: str
    posts: tuple[Post, ...] = ()
    committee: bool = False
    language: str = "vi"


@dataclass(frozen=True)
class DemoDirective:
    key: str
    title: str
    issued_on: datetime.date
    issued_by: str
    summary: str
    number: str = ""
    url: str = ""


@dataclass(frozen=True)
class DemoCommitment:
    key: str
    title: str
    kind: str
    partners: str
    status: str
    themes: tuple[str, ...]
    description: str
    occasion: str = ""
    signed_on: datetime.date | None = None
    value_usd: int | None = None
    partner_organisation: str = ""


@dataclass(frozen=True)
class Step:
    """One progress report, `days_ago` days before the seed runs (moved back to the mission's last working day)."""

    days_ago: int
    by: str
    status: str
    percent: int
    results: str = ""
    obstacles: str = ""
    cause: str = ""
    proposals: str = ""


@dataclass(frozen=True)
class Extension:
    by: str
    due_in: int
    reason: str


@dataclass(frozen=True)
class Assign:
    """One `task_assign` call: explicit mission codes, a region, a kind, or every active mission."""

    due_in: int
    missions: tuple[str, ...] = ()
    region: str = ""
    kind: str = ""
    all_missions: bool = False
    role: str = LEAD
    reports: tuple[Step, ...] = ()
    extension: Extension | None = None


@dataclass(frozen=True)
class DemoTask:
    title: str
    description: str
    themes: tuple[str, ...]
    assign: tuple[Assign, ...]
    directive: str = ""
    commitment: str = ""
    priority: str = NORMAL
    assigned_days_ago: int = 60


# --- people -------------------------------------------------------------------------------------------------

USERS: tuple[DemoUser, ...] = (
    DemoUser("committee", "Đặng Thu", "Trang", committee=True),
    DemoUser("us.head", "Nguyễn Đức", "Thắng", (Post("EMB-US", HEAD, datetime.date(2024, 10, 15)),)),
    DemoUser("us.officer", "Lê Hoàng", "Nam", (Post("EMB-US", OFFICER, datetime.date(2025, 3, 3)),)),
    DemoUser("sfo.officer", "Trần Khánh", "Linh", (Post("CG-US-SFO", OFFICER, datetime.date(2025, 1, 6)),)),
    DemoUser("cn.head", "Hoàng Văn", "Thành", (Post("EMB-CN", HEAD, datetime.date(2023, 8, 1)),)),
    DemoUser("cn.officer", "Vũ Thị", "Mai", (Post("EMB-CN", OFFICER, datetime.date(2024, 2, 19)),)),
    DemoUser("jp.head", "Bùi Hồng", "Nhung", (Post("EMB-JP", HEAD, datetime.date(2024, 9, 20)),)),
    DemoUser("jp.deputy", "Đỗ Minh", "Tuấn", (Post("EMB-JP", DEPUTY, datetime.date(2023, 5, 15)),)),
    # Rotated: head in Tokyo until 31/08/2024, head in Paris since 16/09/2024; the Tokyo post keeps the history.
    DemoUser(
        "fr.head",
        "Phan Anh",
        "Quân",
        (
            Post("EMB-JP", HEAD, datetime.date(2021, 8, 2), ends_on=datetime.date(2024, 8, 31)),
            Post("EMB-FR", HEAD, datetime.date(2024, 9, 16)),
        ),
    ),
    DemoUser("fr.officer", "Ngô Thanh", "Tâm", (Post("EMB-FR", OFFICER, datetime.date(2025, 9, 1)),), language="en"),
    DemoUser("ae.head", "Trịnh Quốc", "Bảo", (Post("EMB-AE", HEAD, datetime.date(2024, 11, 4)),)),
    DemoUser("sa.deputy", "Lâm Thị", "Ngọc", (Post("EMB-SA", DEPUTY, datetime.date(2024, 3, 11)),)),
    DemoUser("dk.head", "Cao Xuân", "Hiếu", (Post("EMB-DK", HEAD, datetime.date(2023, 10, 2)),)),
    DemoUser("dk.officer", "Hà Phương", "Anh", (Post("EMB-DK", OFFICER, datetime.date(2024, 6, 3)),)),
    DemoUser("la.head", "Vương Đình", "Lộc", (Post("EMB-LA", HEAD, datetime.date(2024, 1, 15)),)),
)


# --- where tasks come from ----------------------------------------------------------------------------------

MOFA_0222 = "mofa-2024-02-22"
PM_0402 = "pm-2024-04-02"
PM_1220 = "pm-2024-12-20"

DIRECTIVES: tuple[DemoDirective, ...] = (
    DemoDirective(
        key=MOFA_0222,
        title="Kết luận của Bộ trưởng Bộ Ngoại giao tại Hội nghị triển khai công tác ngoại giao kinh tế năm 2024",
        issued_on=datetime.date(2024, 2, 22),
        issued_by=Directive.Issuer.MINISTER,
        summary=(
            "Bộ trưởng Bùi Thanh Sơn chủ trì hội nghị tại Hà Nội; các trưởng cơ quan đại diện nhiệm kỳ 2024–2027 "
            "dự trực tiếp, 94 cơ quan đại diện nối mạng trực tuyến.\n\n"
            "Ba nhóm nhiệm vụ cho năm 2024:\n"
            "1. Làm mới các động lực tăng trưởng truyền thống (mở rộng xuất khẩu, thu hút đầu tư chất lượng cao) "
            "và khai thác tốt các động lực mới: bán dẫn, trí tuệ nhân tạo, kinh tế số, kinh tế tuần hoàn.\n"
            "2. Đổi mới, nâng chất lượng nghiên cứu, tham mưu, thông tin và dự báo kinh tế quốc tế.\n"
            "3. Nâng hiệu quả ngoại giao kinh tế và vai trò điều phối của Ban Chỉ đạo Ngoại giao kinh tế.\n\n"
            "Cách làm: rà soát, đôn đốc từng cam kết, thỏa thuận đã ký; gắn việc của cơ quan đại diện với nhu cầu "
            "cụ thể của các ngành, địa phương và doanh nghiệp."
        ),
    ),
    DemoDirective(
        key=PM_0402,
        title="Kết luận của Thủ tướng tại Hội nghị với các cơ quan đại diện về ngoại giao kinh tế năm 2024",
        issued_on=datetime.date(2024, 4, 2),
        issued_by=Directive.Issuer.PRIME_MINISTER,
        summary=(
            "Thủ tướng Phạm Minh Chính chủ trì, Phó Thủ tướng Trần Lưu Quang đồng chủ trì; dự hội nghị có các bộ, "
            "ngành, địa phương, hiệp hội doanh nghiệp và 94 cơ quan đại diện.\n\n"
            "Bốn trọng tâm:\n"
            "1. Mọi chương trình đối ngoại phải có nội dung, kế hoạch cụ thể và theo sát việc thực hiện thỏa thuận.\n"
            "2. Củng cố động lực truyền thống (xuất khẩu, tiêu dùng, đầu tư); bổ sung, đẩy mạnh động lực mới: "
            "kinh tế xanh, số, tuần hoàn, chia sẻ, tri thức.\n"
            "3. Tận dụng tối đa tiềm năng khác biệt, cơ hội nổi trội, lợi thế cạnh tranh của đất nước.\n"
            "4. Huy động nguồn lực của khoảng 6 triệu người Việt Nam ở nước ngoài.\n\n"
            "Số liệu năm 2023 nêu tại hội nghị: xuất nhập khẩu 683 tỷ USD, xuất siêu khoảng 28 tỷ USD; "
            "FDI đăng ký gần 36,6 tỷ USD (tăng 32,1%), FDI thực hiện gần 23,2 tỷ USD."
        ),
    ),
    DemoDirective(
        key=PM_1220,
        title="Kết luận của Thủ tướng tại Hội nghị với các Đại sứ, Trưởng cơ quan đại diện ngày 20/12/2024",
        issued_on=datetime.date(2024, 12, 20),
        issued_by=Directive.Issuer.PRIME_MINISTER,
        summary=(
            "Định hướng chung: ưu tiên ký các khuôn khổ pháp lý kinh tế (FTA, IPA, CEPA); so sánh lợi thế giữa "
            "Việt Nam và từng đối tác để chọn lĩnh vực hợp tác, bổ trợ; kết nối doanh nghiệp hai bên; xây dựng "
            "thương hiệu hàng Việt; mở rộng ngoại giao công nghệ (chuyển giao công nghệ chip bán dẫn, trí tuệ nhân "
            "tạo), hợp tác không gian vũ trụ và không gian biển; khai phá thị trường mới; tiếp tục cải cách chính "
            "sách thị thực.\n\n"
            "Nhiệm vụ giao riêng theo địa bàn, trong đó: vận động Hoa Kỳ đưa Việt Nam khỏi nhóm bị hạn chế xuất "
            "khẩu công nghệ và sớm công nhận Việt Nam là nền kinh tế thị trường; thúc đẩy kinh tế cửa khẩu với "
            "Trung Quốc; cùng các nước Trung Đông xây dựng Trung tâm tài chính quốc tế tại TP. Hồ Chí Minh.\n\n"
            "Kết quả năm 2024 được ghi nhận: gần 60 hoạt động đối ngoại cấp cao lấy kinh tế làm trọng tâm, hơn 170 "
            "thỏa thuận hợp tác, tổng số FTA lên 17."
        ),
        url="https://theleader.vn/ngoai-giao-kinh-te-la-dong-luc-moi-trong-ky-nguyen-moi-d38452.html",
    ),
)


# --- international commitments --------------------------------------------------------------------------------

NVIDIA = "nvidia-ai-centres"
US_15_FIRMS = "us-energy-tech-8bn"
DK_WIND = "dk-offshore-wind-1bn"
US_CSP = "us-csp-2023"
HU_RO = "hu-ro-visit-2024"
GULF = "ae-qa-visit-2024"
APPLE = "apple-11-plants"
INTEL = "intel-phase-2"
LG = "lg-third-rnd"

COMMITMENTS: tuple[DemoCommitment, ...] = (
    DemoCommitment(
        key=NVIDIA,
        title="Thỏa thuận Chính phủ Việt Nam – NVIDIA về Trung tâm nghiên cứu và phát triển AI và Trung tâm dữ liệu AI",
        kind=Commitment.Kind.AGREEMENT,
        partners="US",
        partner_organisation="NVIDIA",
        signed_on=datetime.date(2024, 12, 5),
        occasion="Chuyến thăm Việt Nam của Chủ tịch, Tổng Giám đốc NVIDIA Jensen Huang (12/2024)",
        status=Commitment.Status.IMPLEMENTING,
        themes=("artificial-intelligence", "semiconductors", "digital-economy", "innovation"),
        description=(
            "NVIDIA cùng Chính phủ lập tại Việt Nam một trung tâm R&D về trí tuệ nhân tạo và một trung tâm dữ liệu "
            "AI. Quan hệ bắt đầu từ chuyến Thủ tướng đến trụ sở tập đoàn ở Thung lũng Silicon ngày 18/9/2023; lãnh "
            "đạo NVIDIA từng nói muốn Việt Nam thành “ngôi nhà thứ hai” của tập đoàn."
        ),
    ),
    DemoCommitment(
        key=US_15_FIRMS,
        title="15 doanh nghiệp năng lượng và công nghệ Hoa Kỳ cân nhắc đầu tư khoảng 8 tỷ USD vào Việt Nam",
        kind=Commitment.Kind.INVESTMENT_PLEDGE,
        partners="US",
        occasion="Chuyến thăm Việt Nam của Thứ trưởng Ngoại giao Hoa Kỳ Jose Fernandez (01/2024)",
        value_usd=8_000_000_000,
        status=Commitment.Status.SIGNED,
        themes=("investment", "energy-transition", "digital-economy"),
        description=(
            "Phía Hoa Kỳ thông báo danh sách 15 công ty năng lượng và công nghệ quan tâm đầu tư, tổng vốn dự kiến "
            "tới 8 tỷ USD. Chưa phải cam kết ràng buộc: cần kết nối từng doanh nghiệp với cơ quan, địa phương "
            "phù hợp để chuyển thành dự án."
        ),
    ),
    DemoCommitment(
        key=DK_WIND,
        title="Hợp đồng cung ứng vật tư và kết cấu móng điện gió ngoài khơi giữa doanh nghiệp Đan Mạch và Việt Nam",
        kind=Commitment.Kind.AGREEMENT,
        partners="DK",
        occasion="Báo cáo của Đại sứ quán tại Đan Mạch, Hội nghị ngoại giao kinh tế 22/02/2024",
        value_usd=1_000_000_000,
        status=Commitment.Status.IMPLEMENTING,
        themes=("energy-transition", "green-economy", "exports"),
        description=(
            "Các doanh nghiệp Đan Mạch đặt doanh nghiệp Việt Nam cung ứng vật tư và thi công kết cấu móng cho "
            "điện gió ngoài khơi, tổng giá trị khoảng 1 tỷ USD; Đan Mạch chủ động đưa doanh nghiệp Việt Nam vào "
            "chuỗi cung ứng năng lượng tái tạo."
        ),
    ),
    DemoCommitment(
        key=US_CSP,
        title="Tuyên bố chung nâng quan hệ Việt Nam – Hoa Kỳ lên Đối tác chiến lược toàn diện",
        kind=Commitment.Kind.JOINT_STATEMENT,
        partners="US",
        signed_on=datetime.date(2023, 9, 10),
        occasion="Chuyến thăm cấp Nhà nước của Tổng thống Hoa Kỳ (09/2023)",
        status=Commitment.Status.IMPLEMENTING,
        themes=("semiconductors", "artificial-intelligence", "innovation", "investment"),
        description=(
            "Khung quan hệ mới mở đường cho hợp tác công nghệ cao, nhất là bán dẫn và AI; từ cuối năm 2023 nhiều "
            "doanh nghiệp bán dẫn Hoa Kỳ sang khảo sát thị trường Việt Nam."
        ),
    ),
    DemoCommitment(
        key=HU_RO,
        title="Các văn kiện hợp tác ký trong chuyến thăm chính thức Hungary và Romania của Thủ tướng",
        kind=Commitment.Kind.MOU,
        partners="HU,RO",
        occasion="Chuyến công tác châu Âu của Thủ tướng, dự Hội nghị thường niên lần thứ 54 của WEF (01/2024)",
        status=Commitment.Status.IMPLEMENTING,
        themes=("investment", "exports"),
        description="Nhóm văn kiện ký với Hungary và Romania trong chuyến công tác đầu năm 2024.",
    ),
    DemoCommitment(
        key=GULF,
        title="Các thỏa thuận kinh tế ký trong chuyến thăm UAE và Qatar của Thủ tướng",
        kind=Commitment.Kind.MOU,
        partners="AE,QA",
        occasion="Chuyến thăm UAE và Qatar của Thủ tướng (2024)",
        status=Commitment.Status.SIGNED,
        themes=("investment", "halal", "energy-transition"),
        description="Thuộc hơn 170 thỏa thuận hợp tác ký trong các hoạt động đối ngoại cấp cao năm 2024.",
    ),
    DemoCommitment(
        key=APPLE,
        title="Apple chuyển 11 nhà máy sản xuất thiết bị nghe nhìn sang Việt Nam",
        kind=Commitment.Kind.INVESTMENT_PLEDGE,
        partners="US",
        partner_organisation="Apple",
        status=Commitment.Status.FULFILLED,
        themes=("investment", "exports"),
        description="Ghi nhận trong tổng kết năm 2024: việc chuyển 11 nhà máy đã hoàn tất.",
    ),
    DemoCommitment(
        key=INTEL,
        title="Intel triển khai giai đoạn hai nhà máy kiểm định chip tại TP. Hồ Chí Minh",
        kind=Commitment.Kind.INVESTMENT_PLEDGE,
        partners="US",
        partner_organisation="Intel",
        status=Commitment.Status.IMPLEMENTING,
        themes=("semiconductors", "investment"),
        description="Giai đoạn hai đang triển khai theo tổng kết năm 2024.",
    ),
    DemoCommitment(
        key=LG,
        title="LG mở trung tâm nghiên cứu và phát triển thứ ba tại Việt Nam",
        kind=Commitment.Kind.INVESTMENT_PLEDGE,
        partners="KR",
        partner_organisation="LG",
        status=Commitment.Status.SIGNED,
        themes=("innovation", "investment"),
        description="LG có kế hoạch mở trung tâm R&D thứ ba, bên cạnh trung tâm R&D của Samsung tại Việt Nam.",
    ),
)


# --- tasks, their missions and what the missions reported -----------------------------------------------------
# Timeliness the day the seed runs: on track (due in more than 8 days), due soon (1–6 days), overdue (2+ days
# ago), completed on time or late; blocked and cancelled statuses. Margins keep each category the same in
# every mission's time zone.

TASKS: tuple[DemoTask, ...] = (
    # Minister's conference, 22/02/2024 -------------------------------------------------------------------------
    DemoTask(
        title="Rà soát các thỏa thuận kinh tế đã ký với nước sở tại và lập danh mục việc còn chậm",
        description=(
            "Thuộc nhóm nhiệm vụ thứ nhất và thứ ba theo kết luận ngày 22/02/2024. Mỗi cơ quan đại diện thống kê "
            "các cam kết, thỏa thuận kinh tế ký với nước sở tại trong các hoạt động cấp cao từ năm 2023, ghi rõ cơ "
            "quan chủ trì trong nước, tiến độ, vướng mắc và việc cần đôn đốc; gửi Ban Chỉ đạo theo mẫu chung."
        ),
        directive=MOFA_0222,
        themes=("investment", "exports"),
        priority=HIGH,
        assigned_days_ago=70,
        assign=(
            Assign(
                45,
                ("EMB-DK",),
                reports=(
                    Step(20, "dk.officer", Status.IN_PROGRESS, 50, "Đã lập danh mục, phân loại theo cơ quan chủ trì."),
                    Step(
                        5,
                        "dk.head",
                        Status.COMPLETED,
                        100,
                        "Đã gửi danh mục kèm đánh giá tiến độ từng thỏa thuận và ba việc cần đôn đốc ngay.",
                    ),
                ),
            ),
            Assign(
                45,
                ("EMB-JP",),
                reports=(Step(12, "jp.deputy", Status.IN_PROGRESS, 40, "Đã đối chiếu với các bộ chủ trì phía Nhật."),),
            ),
            Assign(
                45,
                ("EMB-US",),
                reports=(Step(9, "us.officer", Status.IN_PROGRESS, 55, "Đã hoàn thành phần thương mại, đầu tư."),),
            ),
            Assign(45, all_missions=True),
        ),
    ),
    DemoTask(
        title=(
            "Tổng hợp kiến nghị của doanh nghiệp Hoa Kỳ về chiến lược bán dẫn, AI và cơ chế một cửa cho công nghệ cao"
        ),
        description=(
            "Tại hội nghị 22/02/2024, Đại sứ quán tại Hoa Kỳ đánh giá năm 2024 là thời điểm thuận lợi để hợp tác "
            "bán dẫn và AI, nhưng nhà đầu tư còn chờ Việt Nam có chiến lược ngành bán dẫn và AI, một đầu mối một "
            "cửa cho doanh nghiệp công nghệ cao, và cân nhắc việc tham gia Hiệp định Công nghệ thông tin (ITA). "
            "Nhiệm vụ: lấy ý kiến hiệp hội, doanh nghiệp bán dẫn Hoa Kỳ và tổng hợp thành kiến nghị chính sách "
            "(thuế tối thiểu toàn cầu, nhân lực, hạ tầng) gửi Ban Chỉ đạo và các bộ liên quan."
        ),
        directive=MOFA_0222,
        commitment=US_CSP,
        themes=("semiconductors", "artificial-intelligence", "investment"),
        priority=HIGH,
        assigned_days_ago=90,
        assign=(
            Assign(
                -25,
                ("EMB-US",),
                reports=(
                    Step(60, "us.head", Status.IN_PROGRESS, 30, "Đã làm việc với hai hiệp hội ngành bán dẫn."),
                    Step(35, "us.officer", Status.IN_PROGRESS, 70, "Đã có ý kiến bằng văn bản của 12 doanh nghiệp."),
                    Step(
                        12,
                        "us.head",
                        Status.COMPLETED,
                        100,
                        "Đã gửi báo cáo kiến nghị; trễ hạn do chờ ý kiến bổ sung về ưu đãi thuế.",
                    ),
                ),
            ),
            Assign(
                -25,
                ("CG-US-SFO",),
                role=SUPPORT,
                reports=(
                    Step(
                        30,
                        "sfo.officer",
                        Status.COMPLETED,
                        100,
                        "Đã gửi Đại sứ quán bản tổng hợp ý kiến doanh nghiệp vùng vịnh San Francisco.",
                    ),
                ),
            ),
        ),
    ),
    DemoTask(
        title="Báo cáo phân tích và dự báo kinh tế, thương mại của địa bàn cho sáu tháng tới",
        description=(
            "Thực hiện nhóm nhiệm vụ thứ hai (đổi mới nghiên cứu, tham mưu, dự báo). Báo cáo ngắn, không quá năm "
            "trang: diễn biến kinh tế, chính sách thương mại và đầu tư mới của nước sở tại, tác động tới Việt Nam, "
            "cơ hội cho doanh nghiệp và kiến nghị cụ thể."
        ),
        directive=MOFA_0222,
        themes=("exports", "investment"),
        assigned_days_ago=40,
        assign=(
            Assign(
                5,
                ("EMB-FR",),
                reports=(
                    Step(15, "fr.officer", Status.IN_PROGRESS, 60, "Đã có bản thảo phần thương mại."),
                    Step(4, "fr.head", Status.IN_PROGRESS, 85, "Đang hoàn thiện phần kiến nghị."),
                ),
            ),
            Assign(5, region=Mission.Region.EUROPE),
        ),
    ),
    DemoTask(
        title=(
            "Đề xuất thành lập Ủy ban liên Chính phủ Việt Nam – Đan Mạch về kinh tế, thương mại, đầu tư và "
            "khoa học công nghệ"
        ),
        description=(
            "Theo kiến nghị của Đại sứ quán tại Đan Mạch tại hội nghị 22/02/2024 (nhóm nhiệm vụ thứ ba): xây dựng "
            "đề án ủy ban liên Chính phủ, kèm cơ chế đầu mối rà soát định kỳ các lĩnh vực hợp tác và cách phối hợp "
            "giữa các bộ, ngành trong nước."
        ),
        directive=MOFA_0222,
        themes=("investment", "green-economy", "innovation"),
        assigned_days_ago=45,
        assign=(
            Assign(
                60,
                ("EMB-DK",),
                reports=(
                    Step(
                        10,
                        "dk.head",
                        Status.IN_PROGRESS,
                        20,
                        "Đã trao đổi sơ bộ với Bộ Ngoại giao Đan Mạch; phía bạn ủng hộ về nguyên tắc.",
                        proposals="Đề nghị Ban Chỉ đạo chỉ định bộ chủ trì phía Việt Nam.",
                    ),
                ),
            ),
        ),
    ),
    DemoTask(
        title="Tháo gỡ vướng mắc cho các dự án đầu tư lớn của doanh nghiệp Việt Nam tại Lào",
        description=(
            "Vốn đầu tư của Việt Nam tại Lào đã vượt 5 tỷ USD nhưng hợp tác chưa tương xứng tiềm năng và doanh "
            "nghiệp còn gặp nhiều khó khăn. Đại sứ quán chủ trì, các Tổng Lãnh sự quán tại Pakse và Savannakhet "
            "phối hợp: lập danh sách dự án đang vướng, làm việc với các bộ, ngành Lào, đề xuất điều chỉnh các hiệp "
            "định thương mại song phương hiện hành."
        ),
        directive=MOFA_0222,
        themes=("investment", "exports"),
        priority=HIGH,
        assigned_days_ago=75,
        assign=(
            Assign(
                -8,
                ("EMB-LA",),
                reports=(
                    Step(40, "la.head", Status.IN_PROGRESS, 30, "Đã lập danh sách các dự án lớn đang vướng thủ tục."),
                    Step(
                        9,
                        "la.head",
                        Status.BLOCKED,
                        45,
                        "Đã họp với các bộ liên quan của Lào về hai dự án trọng điểm.",
                        obstacles=(
                            "Phía bạn chưa hoàn tất thủ tục giao đất và cấp phép môi trường; họp liên ngành bị lùi."
                        ),
                        cause="partner-side",
                        proposals=(
                            "Đưa nội dung vào kỳ họp Ủy ban liên Chính phủ Việt Nam – Lào; xem xét điều chỉnh hiệp "
                            "định thương mại song phương."
                        ),
                    ),
                ),
                extension=Extension(
                    "la.head", 40, "Chờ phía Lào hoàn tất thủ tục đất đai, môi trường cho hai dự án trọng điểm."
                ),
            ),
            Assign(-8, ("CG-LA-PKZ", "CG-LA-ZVK"), role=SUPPORT),
        ),
    ),
    DemoTask(
        title="Hỗ trợ tỉnh An Giang kêu gọi nhà đầu tư vào các khu công nghiệp Xuân Tô, Hội An và Bình Hòa mở rộng",
        description=(
            "Gắn ngoại giao kinh tế với nhu cầu của địa phương. Năm 2024 An Giang ước đạt kim ngạch xuất nhập khẩu "
            "1,4 tỷ USD (tăng 1,4%); tỉnh có 36 dự án FDI còn hiệu lực, vốn đăng ký 261 triệu USD, đã thực hiện "
            "178 triệu USD (68,19%). Năm 2025 tỉnh muốn làm sâu quan hệ với Campuchia, Lào, Ấn Độ, Nhật Bản, Hàn "
            "Quốc, Trung Quốc, Hoa Kỳ, Australia, Indonesia, Thụy Điển, Pháp và mời nhà đầu tư có tiềm lực vào hạ "
            "tầng khu công nghiệp. Cơ quan đại diện chuyển thông tin dự án tới doanh nghiệp sở tại, giới thiệu nhà "
            "đầu tư phù hợp và báo cáo kết quả kết nối."
        ),
        directive=MOFA_0222,
        themes=("investment",),
        assigned_days_ago=50,
        assign=(
            Assign(30, ("EMB-KH",)),
            Assign(
                30,
                ("EMB-JP",),
                role=SUPPORT,
                reports=(
                    Step(7, "jp.deputy", Status.IN_PROGRESS, 25, "Đã gửi hồ sơ ba khu công nghiệp tới các hiệp hội."),
                ),
            ),
            Assign(
                30,
                ("EMB-LA", "EMB-IN", "EMB-KR", "EMB-CN", "EMB-US", "EMB-AU", "EMB-ID", "EMB-SE", "EMB-FR"),
                role=SUPPORT,
            ),
        ),
    ),
    # Prime Minister's conference with the missions, 02/04/2024 --------------------------------------------------
    DemoTask(
        title="Đôn đốc thực hiện các thỏa thuận kinh tế ký trong các chuyến thăm cấp cao năm 2024 tại địa bàn",
        description=(
            "Trọng tâm thứ nhất của kết luận ngày 02/04/2024: chương trình đối ngoại nào cũng phải có kế hoạch "
            "triển khai cụ thể. Năm 2024 Thủ tướng thăm Ấn Độ, Australia, New Zealand, Hàn Quốc, UAE, Qatar và "
            "làm việc tại Trung Quốc, Nga. Cơ quan đại diện tại các nước này lập bảng theo dõi từng thỏa thuận "
            "(cơ quan chủ trì hai bên, mốc thực hiện, vướng mắc) và cập nhật hằng quý."
        ),
        directive=PM_0402,
        themes=("investment", "exports"),
        priority=HIGH,
        assigned_days_ago=60,
        assign=(
            Assign(
                20,
                ("EMB-AE",),
                reports=(Step(15, "ae.head", Status.IN_PROGRESS, 50, "Bảng theo dõi đã có; đang cập nhật mốc."),),
            ),
            Assign(
                20,
                ("EMB-CN",),
                reports=(Step(20, "cn.officer", Status.IN_PROGRESS, 60, "Đã cập nhật tiến độ với các bộ chủ trì."),),
            ),
            Assign(20, ("EMB-IN", "EMB-AU", "EMB-NZ", "EMB-KR", "EMB-QA", "EMB-RU")),
        ),
    ),
    DemoTask(
        title="Mở rộng thị trường cho nông sản Việt Nam và tháo gỡ rào cản kỹ thuật",
        description=(
            "Trọng tâm thứ hai (củng cố động lực xuất khẩu). Cùng cơ quan thương vụ và các bộ chuyên ngành thúc "
            "đẩy mở cửa thị trường cho trái cây, thủy sản còn chờ cấp phép; giúp doanh nghiệp đáp ứng yêu cầu kiểm "
            "dịch, truy xuất nguồn gốc; báo cáo các rào cản mới phát sinh."
        ),
        directive=PM_0402,
        themes=("exports", "consumption"),
        priority=HIGH,
        assigned_days_ago=80,
        assign=(
            Assign(
                -15,
                ("EMB-CN",),
                reports=(
                    Step(50, "cn.officer", Status.IN_PROGRESS, 40, "Đã nộp hồ sơ kỹ thuật cho các mặt hàng ưu tiên."),
                    Step(
                        18,
                        "cn.head",
                        Status.COMPLETED,
                        100,
                        "Cơ quan kiểm dịch nước bạn đã chấp thuận hồ sơ; kết quả đã chuyển các bộ chuyên ngành.",
                    ),
                ),
            ),
            Assign(-15, ("CG-CN-CAN", "CG-CN-KMG"), role=SUPPORT),
            Assign(35, ("EMB-JP", "EMB-KR", "EMB-AU")),
        ),
    ),
    DemoTask(
        title=(
            "Giới thiệu đối tác và dự án về kinh tế xanh, kinh tế tuần hoàn, kinh tế số cho các bộ, ngành, địa phương"
        ),
        description=(
            "Trọng tâm thứ hai: bổ sung các động lực tăng trưởng mới. Mỗi cơ quan đại diện chọn ít nhất ba doanh "
            "nghiệp, quỹ hoặc viện nghiên cứu của nước sở tại mạnh về năng lượng tái tạo, xử lý và tái chế chất "
            "thải hoặc chuyển đổi số, giới thiệu cho đối tác trong nước kèm đề xuất hình thức hợp tác."
        ),
        directive=PM_0402,
        themes=("green-economy", "circular-economy", "digital-economy"),
        assigned_days_ago=70,
        assign=(
            Assign(
                -10,
                ("EMB-DK",),
                reports=(
                    Step(30, "dk.officer", Status.IN_PROGRESS, 40, "Đã chọn được hai đối tác về tái chế."),
                    Step(3, "dk.head", Status.COMPLETED, 100, "Đã giới thiệu bốn đối tác cho ba địa phương."),
                ),
            ),
            Assign(
                -10,
                ("EMB-FR",),
                reports=(
                    Step(
                        25,
                        "fr.head",
                        Status.IN_PROGRESS,
                        50,
                        "Đã giới thiệu hai đối tác về chuyển đổi số.",
                        obstacles="Một số đối tác chưa phản hồi vì đang tái cơ cấu.",
                    ),
                ),
            ),
            Assign(-10, ("EMB-NL", "EMB-DE", "EMB-SE", "EMB-FI", "EMB-NO")),
        ),
    ),
    DemoTask(
        title="Huy động nguồn lực cộng đồng người Việt Nam ở nước ngoài: danh sách chuyên gia, doanh nhân kiều bào",
        description=(
            "Trọng tâm thứ tư: phát huy nguồn lực của khoảng 6 triệu người Việt Nam ở nước ngoài. Mỗi cơ quan đại "
            "diện lập danh sách chuyên gia, trí thức, doanh nhân người Việt tại địa bàn sẵn sàng tham gia chương "
            "trình trong nước (bán dẫn, AI, tài chính, nông nghiệp công nghệ cao), ghi rõ lĩnh vực và cách liên "
            "hệ, khi người được giới thiệu đồng ý."
        ),
        directive=PM_0402,
        themes=("knowledge-economy", "investment", "innovation"),
        assigned_days_ago=60,
        assign=(
            Assign(
                75,
                ("EMB-US",),
                reports=(Step(25, "us.officer", Status.IN_PROGRESS, 20, "Đã liên hệ các hội chuyên gia người Việt."),),
            ),
            Assign(
                75,
                ("EMB-FR",),
                reports=(Step(11, "fr.officer", Status.IN_PROGRESS, 35, "Danh sách đầu tiên gồm 18 chuyên gia."),),
            ),
            Assign(75, all_missions=True),
        ),
    ),
    DemoTask(
        title="Đánh giá lợi thế cạnh tranh và lĩnh vực bổ trợ giữa Việt Nam và nước sở tại",
        description=(
            "Trọng tâm thứ ba của kết luận ngày 02/04/2024, được nhắc lại ngày 20/12/2024: xác định tiềm năng khác "
            "biệt và lợi thế của ta so với nước sở tại, chỉ ra lĩnh vực hai bên có thể hợp tác, bổ trợ và lĩnh vực "
            "cạnh tranh nhau; đề xuất mặt hàng, ngành cần ưu tiên."
        ),
        directive=PM_0402,
        themes=("exports", "investment"),
        priority=LOW,
        assigned_days_ago=30,
        assign=(Assign(50, region=Mission.Region.AMERICAS),),
    ),
    # Prime Minister's meeting with the heads of mission, 20/12/2024 ----------------------------------------------
    DemoTask(
        title="Vận động Hoa Kỳ đưa Việt Nam ra khỏi nhóm bị hạn chế xuất khẩu công nghệ",
        description=(
            "Nhiệm vụ Thủ tướng giao riêng cho Đại sứ quán tại Hoa Kỳ ngày 20/12/2024. Lập kế hoạch vận động cơ "
            "quan hành pháp, Quốc hội và giới doanh nghiệp Hoa Kỳ; chuẩn bị luận cứ dựa trên hợp tác bán dẫn, AI "
            "trong khuôn khổ Đối tác chiến lược toàn diện; báo cáo định kỳ phản hồi của phía Hoa Kỳ. Các Tổng Lãnh "
            "sự quán vận động doanh nghiệp công nghệ trên địa bàn."
        ),
        directive=PM_1220,
        commitment=US_CSP,
        themes=("semiconductors", "artificial-intelligence", "exports"),
        priority=HIGH,
        assigned_days_ago=100,
        assign=(
            Assign(
                3,
                ("EMB-US",),
                reports=(
                    Step(50, "us.head", Status.IN_PROGRESS, 30, "Đã gửi thư và gặp các cơ quan hành pháp liên quan."),
                    Step(
                        20,
                        "us.head",
                        Status.IN_PROGRESS,
                        55,
                        "Đã làm việc với nhóm nghị sĩ quan tâm đến Việt Nam và ba hiệp hội công nghệ.",
                        obstacles="Phía Hoa Kỳ chưa xác định thời điểm xem xét lại danh sách.",
                        cause="partner-side",
                        proposals="Lồng ghép nội dung vào các cuộc tiếp xúc cấp cao sắp tới.",
                    ),
                ),
                extension=Extension(
                    "us.head",
                    60,
                    "Quy trình xem xét của phía Hoa Kỳ kéo dài; cần thêm thời gian cho các cuộc tiếp xúc đã hẹn.",
                ),
            ),
            Assign(3, ("CG-US-SFO", "CG-US-HOU"), role=SUPPORT),
        ),
    ),
    DemoTask(
        title="Vận động Hoa Kỳ sớm công nhận Việt Nam là nền kinh tế thị trường",
        description=(
            "Nhiệm vụ giao Đại sứ quán tại Hoa Kỳ ngày 20/12/2024. Cùng Bộ Công Thương cập nhật hồ sơ cải cách "
            "kinh tế của Việt Nam; vận động nghị sĩ, hiệp hội ngành hàng và doanh nghiệp Hoa Kỳ có lợi ích tại "
            "Việt Nam ủng hộ; theo dõi, báo cáo kịp thời các động thái của phía Hoa Kỳ."
        ),
        directive=PM_1220,
        themes=("exports",),
        priority=HIGH,
        assigned_days_ago=100,
        assign=(
            Assign(
                -6,
                ("EMB-US",),
                reports=(Step(30, "us.head", Status.IN_PROGRESS, 70, "Đã gửi hồ sơ cập nhật và gặp các hiệp hội."),),
            ),
        ),
    ),
    DemoTask(
        title="Thúc đẩy hợp tác phát triển kinh tế cửa khẩu với Trung Quốc",
        description=(
            "Nhiệm vụ Thủ tướng giao ngày 20/12/2024. Đại sứ quán tại Trung Quốc và các Tổng Lãnh sự quán tại Nam "
            "Ninh (Quảng Tây), Côn Minh (Vân Nam) làm việc với chính quyền hai tỉnh giáp biên về nâng cấp cửa khẩu, "
            "thông quan thông minh, kết nối hạ tầng và khu hợp tác kinh tế qua biên giới; tổng hợp đề xuất gửi các "
            "tỉnh biên giới phía Việt Nam."
        ),
        directive=PM_1220,
        themes=("exports", "investment"),
        priority=HIGH,
        assigned_days_ago=90,
        assign=(
            Assign(
                6,
                ("EMB-CN",),
                reports=(
                    Step(40, "cn.officer", Status.IN_PROGRESS, 25, "Đã thống nhất danh mục cửa khẩu ưu tiên."),
                    Step(12, "cn.head", Status.IN_PROGRESS, 50, "Đã làm việc với chính quyền Quảng Tây."),
                ),
            ),
            Assign(6, ("CG-CN-NNG", "CG-CN-KMG")),
        ),
    ),
    DemoTask(
        title="Phối hợp với các đối tác Trung Đông xây dựng Trung tâm tài chính quốc tế tại TP. Hồ Chí Minh",
        description=(
            "Nhiệm vụ giao ngày 20/12/2024. Giới thiệu mô hình và kinh nghiệm của các trung tâm tài chính vùng "
            "Vịnh; tìm quỹ đầu tư, ngân hàng, nhà vận hành sẵn sàng tham gia; đề xuất cơ chế hợp tác để các bộ và "
            "TP. Hồ Chí Minh xem xét."
        ),
        directive=PM_1220,
        themes=("investment",),
        priority=HIGH,
        assigned_days_ago=90,
        assign=(
            Assign(
                40,
                ("EMB-AE",),
                reports=(Step(18, "ae.head", Status.IN_PROGRESS, 35, "Đã làm việc với hai quỹ đầu tư nhà nước."),),
            ),
            Assign(40, ("EMB-QA",)),
            Assign(40, ("EMB-SA",), role=SUPPORT),
            Assign(
                40,
                ("EMB-KW",),
                role=SUPPORT,
                reports=(
                    Step(
                        10,
                        "committee",
                        Status.CANCELLED,
                        0,
                        "Ban Chỉ đạo điều chỉnh phân công: nhiệm vụ tập trung tại các Đại sứ quán ở UAE và Qatar.",
                    ),
                ),
            ),
        ),
    ),
    DemoTask(
        title="Thúc đẩy hợp tác phát triển ngành công nghiệp Halal và mở thị trường Halal",
        description=(
            "Khai phá thị trường mới theo kết luận ngày 20/12/2024, tiếp nối hướng đi về Halal đã được ghi nhận "
            "tại hội nghị ngày 02/04/2024. Làm việc với cơ quan quản lý Halal nước sở tại về công nhận chứng nhận "
            "Halal của Việt Nam; giới thiệu nhà nhập khẩu, hội chợ chuyên ngành cho doanh nghiệp Việt Nam."
        ),
        directive=PM_1220,
        themes=("halal", "exports"),
        priority=HIGH,
        assigned_days_ago=85,
        assign=(
            Assign(
                -12,
                ("EMB-SA",),
                reports=(
                    Step(40, "sa.deputy", Status.IN_PROGRESS, 40, "Đã giới thiệu năm nhà nhập khẩu thực phẩm."),
                    Step(
                        10,
                        "sa.deputy",
                        Status.BLOCKED,
                        40,
                        obstacles=(
                            "Việt Nam chưa có tổ chức chứng nhận Halal được cơ quan quản lý nước bạn công nhận; "
                            "các lô hàng thử nghiệm chưa thông quan được."
                        ),
                        cause="legal-framework",
                        proposals="Đề nghị các bộ liên quan sớm hoàn tất thủ tục công nhận tổ chức chứng nhận Halal.",
                    ),
                ),
            ),
            Assign(45, ("EMB-AE", "EMB-ID", "EMB-MY", "EMB-TR", "EMB-EG"), role=SUPPORT),
        ),
    ),
    DemoTask(
        title="Ngoại giao công nghệ: thúc đẩy chuyển giao công nghệ chip bán dẫn và trí tuệ nhân tạo",
        description=(
            "Theo kết luận ngày 20/12/2024. NVIDIA, Apple, Intel, Google, Samsung, LG, Cadence, Qorvo, Marvell, "
            "Siemens đã mở rộng đầu tư tại Việt Nam. Cơ quan đại diện ở các trung tâm công nghệ vận động doanh "
            "nghiệp đầu ngành chuyển giao công nghệ, mở trung tâm R&D và chương trình đào tạo nhân lực bán dẫn, AI "
            "tại Việt Nam; báo cáo danh sách dự án tiềm năng."
        ),
        directive=PM_1220,
        themes=("semiconductors", "artificial-intelligence", "innovation"),
        priority=HIGH,
        assigned_days_ago=80,
        assign=(
            Assign(
                8,
                ("EMB-JP",),
                reports=(Step(6, "jp.deputy", Status.IN_PROGRESS, 30, "Đã gặp bốn doanh nghiệp thiết bị bán dẫn."),),
            ),
            Assign(
                25,
                ("CG-US-SFO",),
                reports=(Step(16, "sfo.officer", Status.IN_PROGRESS, 45, "Đã có danh sách dự án tiềm năng đầu tiên."),),
            ),
            Assign(25, ("EMB-KR", "EMB-DE")),
            Assign(25, ("EMB-US",), role=SUPPORT),
        ),
    ),
    DemoTask(
        title="Đề xuất tiếp tục cải cách chính sách thị thực để thu hút đầu tư và du lịch",
        description=(
            "Theo kết luận ngày 20/12/2024. Mỗi Đại sứ quán tổng hợp phản hồi của nhà đầu tư, hãng lữ hành và "
            "khách du lịch nước sở tại về thủ tục thị thực của Việt Nam (miễn thị thực, thị thực điện tử, thời hạn "
            "lưu trú), so sánh với các nước trong khu vực và đề xuất điều chỉnh."
        ),
        directive=PM_1220,
        themes=("tourism", "investment"),
        assigned_days_ago=40,
        assign=(
            Assign(
                15,
                ("EMB-DK",),
                reports=(Step(3, "dk.officer", Status.COMPLETED, 100, "Đã gửi bản tổng hợp và ba đề xuất."),),
            ),
            Assign(
                15,
                ("EMB-FR",),
                reports=(Step(8, "fr.officer", Status.IN_PROGRESS, 60, "Đã khảo sát 20 hãng lữ hành."),),
            ),
            Assign(15, kind=Mission.Kind.EMBASSY),
        ),
    ),
    DemoTask(
        title="Rà soát khả năng đàm phán, ký kết FTA, IPA hoặc CEPA với nước sở tại",
        description=(
            "Thủ tướng yêu cầu tập trung ký các khuôn khổ pháp lý kinh tế. Cơ quan đại diện tại Trung Đông – châu "
            "Phi đánh giá mức độ sẵn sàng của nước sở tại, nội dung hai bên cùng quan tâm, lộ trình có thể và khó "
            "khăn dự kiến; Ban Chỉ đạo tổng hợp đề xuất lên Chính phủ."
        ),
        directive=PM_1220,
        themes=("exports", "investment"),
        assigned_days_ago=35,
        assign=(
            Assign(
                90,
                ("EMB-AE",),
                reports=(Step(5, "ae.head", Status.IN_PROGRESS, 15, "Đã trao đổi sơ bộ với Bộ Kinh tế nước bạn."),),
            ),
            Assign(90, region=Mission.Region.MIDDLE_EAST_AFRICA),
        ),
    ),
    DemoTask(
        title="Quảng bá thương hiệu sản phẩm Việt Nam: ngoại giao trà, ngoại giao tôm",
        description=(
            "Hội nghị 20/12/2024 đề cao các hình thức ngoại giao gắn với sản phẩm như trà và tôm. Cơ quan đại diện "
            "tổ chức ít nhất một sự kiện giới thiệu trà, tôm và đặc sản Việt Nam với nhà nhập khẩu, chuỗi bán lẻ "
            "sở tại, kèm đánh giá nhu cầu thị trường."
        ),
        directive=PM_1220,
        themes=("exports", "consumption"),
        priority=LOW,
        assigned_days_ago=30,
        assign=(Assign(55, ("EMB-JP", "EMB-GB", "EMB-DE", "EMB-AU", "EMB-FR")),),
    ),
    # Commitments signed at high-level visits ---------------------------------------------------------------------
    DemoTask(
        title="Phối hợp với NVIDIA triển khai Trung tâm nghiên cứu và phát triển AI và Trung tâm dữ liệu AI",
        description=(
            "Thực hiện thỏa thuận giữa Chính phủ và NVIDIA. Tổng Lãnh sự quán tại San Francisco làm đầu mối với "
            "trụ sở tập đoàn: nắm kế hoạch, tiến độ, nhu cầu về nhân lực, địa điểm, điện và hạ tầng dữ liệu; chuyển "
            "kịp thời vướng mắc về nước. Đại sứ quán tại Hoa Kỳ phối hợp."
        ),
        directive=PM_1220,
        commitment=NVIDIA,
        themes=("artificial-intelligence", "semiconductors", "digital-economy"),
        priority=HIGH,
        assigned_days_ago=70,
        assign=(
            Assign(
                2,
                ("CG-US-SFO",),
                reports=(Step(14, "sfo.officer", Status.IN_PROGRESS, 60, "Đã nhận kế hoạch nhân sự giai đoạn đầu."),),
            ),
            Assign(2, ("EMB-US",), role=SUPPORT),
        ),
    ),
    DemoTask(
        title="Kết nối 15 doanh nghiệp năng lượng, công nghệ Hoa Kỳ quan tâm đầu tư khoảng 8 tỷ USD",
        description=(
            "Theo thông tin phía Hoa Kỳ đưa ra khi Thứ trưởng Ngoại giao Jose Fernandez thăm Việt Nam tháng "
            "01/2024. Lập hồ sơ từng doanh nghiệp (lĩnh vực, quy mô, địa điểm quan tâm), tổ chức làm việc với các "
            "bộ, ngành, địa phương phù hợp và theo dõi đến khi có quyết định đầu tư."
        ),
        commitment=US_15_FIRMS,
        themes=("investment", "energy-transition", "digital-economy"),
        priority=HIGH,
        assigned_days_ago=75,
        assign=(
            Assign(
                30,
                ("EMB-US",),
                reports=(Step(8, "us.officer", Status.IN_PROGRESS, 45, "Đã có hồ sơ của 11 trên 15 doanh nghiệp."),),
            ),
            Assign(30, ("CG-US-HOU",), role=SUPPORT),
        ),
    ),
    DemoTask(
        title=(
            "Theo dõi thực hiện các hợp đồng cung ứng điện gió ngoài khơi với doanh nghiệp Đan Mạch (khoảng 1 tỷ USD)"
        ),
        description=(
            "Doanh nghiệp Đan Mạch đã ký với doanh nghiệp Việt Nam các hợp đồng cung ứng vật tư và thi công kết "
            "cấu móng cho điện gió ngoài khơi, tổng giá trị khoảng 1 tỷ USD. Đại sứ quán theo dõi tiến độ giao "
            "hàng, thanh toán và giúp doanh nghiệp Việt Nam giữ chỗ đứng trong chuỗi cung ứng năng lượng tái tạo."
        ),
        directive=MOFA_0222,
        commitment=DK_WIND,
        themes=("energy-transition", "green-economy", "exports"),
        assigned_days_ago=90,
        assign=(
            Assign(
                -20,
                ("EMB-DK",),
                reports=(
                    Step(45, "dk.officer", Status.IN_PROGRESS, 50, "Các lô vật tư đầu tiên đã giao đúng hạn."),
                    Step(25, "dk.head", Status.COMPLETED, 100, "Đã gửi báo cáo tiến độ các hợp đồng cho Ban Chỉ đạo."),
                ),
            ),
        ),
    ),
    DemoTask(
        title="Đôn đốc các văn kiện ký trong chuyến thăm chính thức Hungary và Romania của Thủ tướng",
        description=(
            "Chuyến thăm tháng 01/2024, ngay sau Hội nghị thường niên lần thứ 54 của Diễn đàn Kinh tế thế giới. "
            "Hai Đại sứ quán lập bảng theo dõi từng văn kiện, chỉ ra việc còn chậm và kiến nghị biện pháp."
        ),
        commitment=HU_RO,
        themes=("investment", "exports"),
        assigned_days_ago=100,
        assign=(Assign(-30, ("EMB-HU", "EMB-RO")),),
    ),
    DemoTask(
        title="Cụ thể hóa hợp tác bán dẫn trong quan hệ Đối tác chiến lược toàn diện Việt Nam – Hoa Kỳ",
        description=(
            "Từ cuối năm 2023 nhiều doanh nghiệp bán dẫn Hoa Kỳ sang khảo sát thị trường. Đại sứ quán tìm nguồn "
            "hỗ trợ của Hoa Kỳ (chính phủ, trường đại học, doanh nghiệp) cho đào tạo kỹ sư bán dẫn, AI và đầu tư "
            "hạ tầng; đề xuất chương trình cụ thể."
        ),
        commitment=US_CSP,
        themes=("semiconductors", "artificial-intelligence", "knowledge-economy"),
        assigned_days_ago=60,
        assign=(Assign(90, ("EMB-US",)),),
    ),
    DemoTask(
        title="Theo dõi các thỏa thuận kinh tế ký trong chuyến thăm UAE và Qatar của Thủ tướng",
        description=(
            "Lập danh mục văn kiện đã ký trong chuyến thăm năm 2024, xác định cơ quan chủ trì hai bên và mốc thực "
            "hiện; ưu tiên các thỏa thuận về đầu tư, năng lượng và Halal."
        ),
        commitment=GULF,
        themes=("investment", "halal", "energy-transition"),
        assigned_days_ago=60,
        assign=(Assign(12, ("EMB-AE", "EMB-QA")),),
    ),
    DemoTask(
        title="Hỗ trợ Intel triển khai giai đoạn hai nhà máy kiểm định chip tại TP. Hồ Chí Minh",
        description=(
            "Giữ liên lạc với trụ sở Intel, nắm nhu cầu về nhân lực, thủ tục và hạ tầng của giai đoạn hai; chuyển "
            "vướng mắc cho TP. Hồ Chí Minh và các bộ liên quan."
        ),
        commitment=INTEL,
        themes=("semiconductors", "investment"),
        assigned_days_ago=50,
        assign=(Assign(40, ("CG-US-SFO",)), Assign(40, ("EMB-US",), role=SUPPORT)),
    ),
    DemoTask(
        title="Thúc đẩy LG sớm mở trung tâm nghiên cứu và phát triển thứ ba tại Việt Nam",
        description="Nắm kế hoạch của LG, giới thiệu địa phương và trường đại học có thể hợp tác về nhân lực R&D.",
        commitment=LG,
        themes=("innovation", "investment"),
        priority=LOW,
        assigned_days_ago=45,
        assign=(Assign(35, ("EMB-KR",)),),
    ),
)
