"""The demo: an organisation, its plans and their progress, built through the real services.

Modelled on the 2023 CCHC plan of the General Political Department (Tổng cục Chính trị)
described in `shared/seed/`: the Ministry of National Defence (Bộ Quốc phòng) issues its
plan, the department issues its own plan concretising it for its agencies and units, and the
agencies report progress with evidence. Dates follow the day the demo is loaded, so that
every timeliness category appears whatever the day of the year.

Time holds as in an office: every update is dated on or after what it tells (a completion,
a paper), every paper is dated no later than the update that files it, and a task's history
runs through the year, so the quý I, 6 tháng and quý III reports each find what was true at
their own cut-off. Evidence files are real one-page PDF and Word papers in Vietnamese.

Every write goes through `orgs.services` and `plans.services` with `actor=None` (the
system) or a demo user, so the audit chain holds. Running the loader twice changes nothing:
units are found by code, users by username and plans by (issuing unit, year, title).

The demo password below exists only here, for demo data; never use it anywhere else.
"""

import datetime
import functools
import glob
import importlib.util
import io
import os
import unicodedata
import zlib
from collections import Counter
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from cchc.lib.text import fold
from cchc.orgs import services as org_services
from cchc.orgs.models import Membership, Role, Unit
from cchc.plans import services
from cchc.plans.models import Area, Plan, Section, Task, TaskStatus
from cchc.plans.timeliness import soon_days

DEMO_PASSWORD = "cchc-demo-2026"

# --- the organisation ----------------------------------------------------------------


@dataclass(frozen=True)
class UnitSpec:
    code: str
    name: str
    short_name: str
    parent: str | None
    login: str = ""  # prefix of the unit head's and focal officer's usernames


UNITS = [
    UnitSpec("BQP", "Bộ Quốc phòng", "BQP", None),
    UnitSpec("VP-BQP", "Văn phòng Bộ Quốc phòng", "Văn phòng BQP", "BQP"),
    UnitSpec("VPC-BQP", "Vụ Pháp chế Bộ Quốc phòng", "Vụ Pháp chế", "BQP"),
    UnitSpec("BTTM", "Bộ Tổng Tham mưu Quân đội nhân dân Việt Nam", "BTTM", "BQP"),
    UnitSpec("CCNTT", "Cục Công nghệ thông tin, Bộ Tổng Tham mưu", "Cục CNTT", "BTTM"),
    UnitSpec("TCHCKT", "Tổng cục Hậu cần – Kỹ thuật", "TCHC-KT", "BQP"),
    UnitSpec("CTC-BQP", "Cục Tài chính Bộ Quốc phòng", "Cục Tài chính", "BQP"),
    UnitSpec("TCCT", "Tổng cục Chính trị Quân đội nhân dân Việt Nam", "TCCT", "BQP"),
    UnitSpec("VP-TCCT", "Văn phòng Tổng cục Chính trị", "Văn phòng TCCT", "TCCT", "vp"),
    UnitSpec(
        "VP-TCCT-HC",
        "Phòng Hành chính – Tổng hợp, Văn phòng Tổng cục Chính trị",
        "P. HC-TH",
        "VP-TCCT",
    ),
    UnitSpec("CTC", "Cục Tổ chức", "Cục Tổ chức", "TCCT", "ctc"),
    UnitSpec("CCB", "Cục Cán bộ", "Cục Cán bộ", "TCCT", "ccb"),
    UnitSpec("CCB-QLCB", "Phòng Quản lý cán bộ, Cục Cán bộ", "P. QLCB", "CCB"),
    UnitSpec("CTH", "Cục Tuyên huấn", "Cục Tuyên huấn", "TCCT", "cth"),
    UnitSpec("CTH-TTCD", "Phòng Tuyên truyền – Cổ động, Cục Tuyên huấn", "P. TT-CĐ", "CTH"),
    UnitSpec("CBV", "Cục Bảo vệ an ninh Quân đội", "Cục BVANQĐ", "TCCT", "cbv"),
    UnitSpec("CCS", "Cục Chính sách", "Cục Chính sách", "TCCT", "ccs"),
    UnitSpec("CCS-NCC", "Phòng Chính sách người có công, Cục Chính sách", "P. CSNCC", "CCS"),
    UnitSpec("CDV", "Cục Dân vận", "Cục Dân vận", "TCCT", "cdv"),
    UnitSpec("BTN", "Ban Thanh niên Quân đội", "Ban TNQĐ", "TCCT", "btn"),
    UnitSpec("BPN", "Ban Phụ nữ Quân đội", "Ban PNQĐ", "TCCT", "bpn"),
    UnitSpec("QDND", "Báo Quân đội nhân dân", "Báo QĐND", "TCCT", "qdnd"),
    UnitSpec("QDND-TKTS", "Ban Thư ký tòa soạn, Báo Quân đội nhân dân", "Ban TKTS", "QDND"),
    UnitSpec("TCQPTD", "Tạp chí Quốc phòng toàn dân", "Tạp chí QPTD", "TCCT", "qptd"),
    UnitSpec("NXB-QDND", "Nhà xuất bản Quân đội nhân dân", "NXB QĐND", "TCCT", "nxb"),
    UnitSpec("THQPVN", "Truyền hình Quốc phòng Việt Nam", "Truyền hình QPVN", "TCCT", "thqp"),
    UnitSpec("BTLSQS", "Bảo tàng Lịch sử Quân sự Việt Nam", "Bảo tàng LSQS", "TCCT", "btls"),
]
UNIT_BY_CODE = {u.code: u for u in UNITS}
DEPARTMENT = "TCCT"
MINISTRY = "BQP"

# What the issuing units' documents carry: (symbol in their numbers, signer's authority,
# position, name). The department's signer is the demo's leader, who also signs its reports.
DOCUMENT_SETTINGS = {
    MINISTRY: ("BQP", "KT. Bộ trưởng", "Thứ trưởng", "Thượng tướng Lê Đức Minh"),
    DEPARTMENT: ("CT", "KT. Chủ nhiệm", "Phó Chủ nhiệm", "Trung tướng Trần Quốc Hưng"),
}


@dataclass(frozen=True)
class UserSpec:
    username: str
    full_name: str  # Vietnamese order: family name, middle names, given name
    role: str  # a Role value, or "" for the superuser
    unit: str  # unit code


# Heads and focal officers of the department's agencies and units.
_AGENCY_PEOPLE = {
    "vp": ("Vũ Đình Thắng", "Nguyễn Thị Lan"),
    "ctc": ("Bùi Văn Quyết", "Đặng Minh Khoa"),
    "ccb": ("Ngô Quang Trung", "Trịnh Thu Trang"),
    "cth": ("Lê Văn Hòa", "Phan Thị Hạnh"),
    "cbv": ("Đinh Công Sơn", "Mai Văn Toàn"),
    "ccs": ("Hà Minh Châu", "Lương Thị Mai"),
    "cdv": ("Tạ Quang Vinh", "Đoàn Thị Ngọc"),
    "btn": ("Dương Văn Kiên", "Cao Thị Hồng"),
    "bpn": ("Nguyễn Thị Hương", "Lý Thị Thảo"),
    "qdnd": ("Phạm Văn Thành", "Kiều Anh Tú"),
    "qptd": ("Trương Đức Long", "Hồ Thị Yến"),
    "nxb": ("Đỗ Văn Nam", "Vương Thị Hoa"),
    "thqp": ("Chu Văn Hải", "Lại Thu Phương"),
    "btls": ("Tô Văn Bình", "Quách Thị Liên"),
}


def _user_specs() -> list[UserSpec]:
    specs = [
        UserSpec("admin", "Đỗ Mạnh Hùng", "", MINISTRY),
        UserSpec("bqp.vanphong", "Hoàng Văn Tuấn", Role.OFFICE, MINISTRY),
        UserSpec("vanphong", "Nguyễn Thanh Phong", Role.OFFICE, DEPARTMENT),
        UserSpec("thutruong", "Trần Quốc Hưng", Role.LEADER, DEPARTMENT),
        UserSpec("thamdinh", "Lê Thị Thu Hà", Role.APPRAISER, DEPARTMENT),
        UserSpec("xem", "Phạm Minh Đức", Role.VIEWER, DEPARTMENT),
    ]
    for unit in UNITS:
        if unit.login:
            head, focal = _AGENCY_PEOPLE[unit.login]
            specs.append(UserSpec(f"{unit.login}.truong", head, Role.UNIT_HEAD, unit.code))
            specs.append(UserSpec(f"{unit.login}.daumoi", focal, Role.FOCAL, unit.code))
    return specs


USERS = _user_specs()


def split_name(full_name: str) -> tuple[str, str]:
    """(first_name, last_name): the given name, and the family and middle names.

    Vietnamese names are written family name first, so show them as
    "{last_name} {first_name}" (Django's get_full_name() puts them the other way round).
    """
    family, _, given = full_name.rpartition(" ")
    return given, family


# --- the plans ----------------------------------------------------------------------


@dataclass(frozen=True)
class TaskSpec:
    """One line of a plan's task table.

    `due` is the deadline as written, with {y} for the plan's year. When `rel` is set the
    deadline is `rel` days from the day of loading, written "Trước d/m/yyyy", so that the
    overdue, due-soon and on-track categories exist on any day of the year.

    `story` is what happened to the task by the day of loading:
      on_time  done on or before the due date once it has passed; open before
      late     done after the due date once it has passed; open before
      track    open while the due date is ahead; done on time once it has passed
      early    done a few days ago, ahead of a due date still to come
      open     open whatever the date (overdue once its due date has passed)
      soon     open, due within the due-soon window (`rel` is capped to fit it)
      idle     not started
    """

    code: str
    area: int
    title: str
    lead: str
    support: tuple[str, ...] = ()
    deliverable: str = ""
    due: str = ""
    rel: int | None = None
    story: str = "track"
    parent: str = ""  # code of the ministry task this one carries out
    section: str = ""
    result: str = ""  # the deliverable as produced, with {n} (number) and {d} (date)
    notes: str = ""
    # Days after its due date a `late` task is done (5 to 20 when unset). A long lag leaves
    # the task overdue at a period's cut-off, so that a report has something behind to say.
    lag: int | None = None


@dataclass(frozen=True)
class PlanSpec:
    key: str
    unit: str
    title: str
    document_number: str
    issued: tuple[int, int] | None  # (month, day) of issue in the plan's year; None = draft
    purpose: str
    requirements: str
    implementation: str
    tasks: list[TaskSpec]
    year_offset: int = 0
    parent: str = ""
    sections: dict[str, tuple[int, str]] = field(default_factory=dict)


MINISTRY_PLAN = PlanSpec(
    key="ministry",
    unit=MINISTRY,
    title="Kế hoạch cải cách hành chính năm {y} của Bộ Quốc phòng",
    document_number="125/KH-BQP",
    issued=(1, 10),
    purpose=(
        "1. Triển khai thực hiện có hiệu quả Chương trình tổng thể cải cách hành chính nhà "
        "nước giai đoạn 2021 – 2030 và Kế hoạch cải cách hành chính của Chính phủ năm {y} "
        "trong Bộ Quốc phòng.\n"
        "2. Xây dựng nền hành chính quân sự chính quy, tinh gọn, hiện đại, hoạt động hiệu "
        "lực, hiệu quả; nâng cao chất lượng phục vụ cán bộ, chiến sĩ, người dân và doanh "
        "nghiệp.\n"
        "3. Xác định cụ thể nhiệm vụ, tiến độ, sản phẩm và trách nhiệm của các cơ quan, đơn "
        "vị; làm căn cứ kiểm tra, đánh giá kết quả cải cách hành chính năm {y}."
    ),
    requirements=(
        "1. Các cơ quan, đơn vị căn cứ Kế hoạch này xây dựng kế hoạch cải cách hành chính "
        "của cơ quan, đơn vị mình, cụ thể hóa thành nhiệm vụ có sản phẩm, thời hạn hoàn "
        "thành rõ ràng.\n"
        "2. Gắn cải cách hành chính với thực hiện nhiệm vụ chính trị trung tâm, xây dựng cơ "
        "quan, đơn vị vững mạnh toàn diện “mẫu mực, tiêu biểu”.\n"
        "3. Kết quả cải cách hành chính là một tiêu chí đánh giá mức độ hoàn thành nhiệm vụ "
        "của người đứng đầu cơ quan, đơn vị và bình xét thi đua, khen thưởng hằng năm."
    ),
    implementation=(
        "1. Văn phòng Bộ Quốc phòng là cơ quan thường trực, giúp Bộ trưởng theo dõi, đôn "
        "đốc, kiểm tra, tổng hợp kết quả thực hiện Kế hoạch; báo cáo Bộ Nội vụ theo quy "
        "định.\n"
        "2. Các tổng cục, quân khu, quân chủng, binh chủng và cơ quan, đơn vị trực thuộc Bộ "
        "xây dựng kế hoạch cải cách hành chính năm {y}, gửi về Bộ (qua Văn phòng Bộ Quốc "
        "phòng) trước ngày 31/01/{y}; báo cáo định kỳ quý, 6 tháng, 9 tháng và năm.\n"
        "3. Cục Tài chính Bộ Quốc phòng bảo đảm kinh phí thực hiện Kế hoạch theo quy định."
    ),
    tasks=[
        TaskSpec(
            "1.1",
            1,
            "Ban hành Kế hoạch cải cách hành chính năm {y} của Bộ Quốc phòng; hướng dẫn các "
            "cơ quan, đơn vị xây dựng kế hoạch cải cách hành chính năm {y}",
            "VP-BQP",
            ("TCCT", "BTTM", "TCHCKT"),
            "Kế hoạch cải cách hành chính năm {y} của Bộ Quốc phòng",
            due="Tháng 1/{y}",
            story="on_time",
            result="Kế hoạch số 125/KH-BQP; Hướng dẫn số {n}/HD-BQP ngày {d}",
        ),
        TaskSpec(
            "1.2",
            1,
            "Đẩy mạnh thông tin, tuyên truyền về cải cách hành chính, Chính phủ điện tử, "
            "chuyển đổi số trong toàn quân",
            "TCCT",
            ("VP-BQP",),
            "Tin, bài, chuyên mục, phóng sự trên các phương tiện thông tin của Quân đội",
            due="Thường xuyên",
        ),
        TaskSpec(
            "1.3",
            1,
            "Kiểm tra công tác cải cách hành chính tại các cơ quan, đơn vị trong toàn quân",
            "VP-BQP",
            ("TCCT", "BTTM"),
            "Thông báo kết luận kiểm tra",
            due="Quý II/{y} – Quý IV/{y}",
        ),
        TaskSpec(
            "2.1",
            2,
            "Rà soát, hệ thống hóa văn bản quy phạm pháp luật thuộc lĩnh vực quốc phòng",
            "VPC-BQP",
            ("TCCT", "BTTM", "TCHCKT"),
            "Báo cáo kết quả rà soát, hệ thống hóa",
            due="Quý III/{y}",
        ),
        TaskSpec(
            "2.2",
            2,
            "Xây dựng, sửa đổi, bổ sung các văn bản quy định về công tác đảng, công tác chính "
            "trị trong Quân đội nhân dân Việt Nam",
            "TCCT",
            ("VPC-BQP",),
            "Văn bản được ban hành theo thẩm quyền",
            due="Năm {y}",
        ),
        TaskSpec(
            "3.1",
            3,
            "Rà soát, đơn giản hóa thủ tục hành chính thuộc phạm vi quản lý của Bộ Quốc phòng",
            "VP-BQP",
            ("TCCT", "TCHCKT"),
            "Quyết định phê duyệt phương án đơn giản hóa thủ tục hành chính",
            due="30/6/{y}",
            story="on_time",
            result="Quyết định số {n}/QĐ-BQP ngày {d}",
        ),
        TaskSpec(
            "3.2",
            3,
            "Thực hiện cơ chế một cửa, một cửa liên thông trong giải quyết chế độ, chính sách "
            "đối với quân nhân, người có công",
            "TCCT",
            ("VP-BQP",),
            "Kết quả giải quyết hồ sơ đúng hạn",
            due="Thường xuyên",
        ),
        TaskSpec(
            "4.1",
            4,
            "Tiếp tục sắp xếp, tinh gọn tổ chức Quân đội theo Nghị quyết số 05-NQ/TW ngày "
            "17/01/2022 của Bộ Chính trị",
            "BTTM",
            ("TCCT", "TCHCKT"),
            "Đề án, quyết định điều chỉnh tổ chức",
            due="Năm {y}",
        ),
        TaskSpec(
            "4.2",
            4,
            "Rà soát chức năng, nhiệm vụ, cơ cấu tổ chức của các cơ quan thuộc Tổng cục Chính trị",
            "TCCT",
            ("BTTM",),
            "Báo cáo rà soát; đề xuất điều chỉnh",
            due="Quý III/{y}",
        ),
        TaskSpec(
            "5.1",
            5,
            "Thực hiện quy định về tuyển chọn, bố trí, sử dụng, đánh giá cán bộ theo vị trí "
            "việc làm",
            "TCCT",
            ("BTTM",),
            "Báo cáo kết quả thực hiện",
            due="Quý IV/{y}",
        ),
        TaskSpec(
            "5.2",
            5,
            "Triển khai đánh giá cán bộ, công chức, viên chức quốc phòng bằng phần mềm theo "
            "kết quả thực hiện nhiệm vụ",
            "TCCT",
            ("CCNTT",),
            "Phần mềm đánh giá được triển khai; báo cáo kết quả",
            due="Quý IV/{y}",
            story="idle",
        ),
        TaskSpec(
            "6.1",
            6,
            "Thực hiện cơ chế tự chủ tài chính đối với đơn vị sự nghiệp công lập trong Quân đội",
            "CTC-BQP",
            ("TCCT", "TCHCKT"),
            "Quyết định giao quyền tự chủ tài chính",
            due="Năm {y}",
        ),
        TaskSpec(
            "7.1",
            7,
            "Triển khai Hệ thống quản lý văn bản và điều hành, chữ ký số chuyên dùng trong "
            "toàn quân",
            "CCNTT",
            ("TCCT", "VP-BQP"),
            "Hệ thống vận hành; tỷ lệ văn bản ký số",
            due="Quý III/{y}",
        ),
        TaskSpec(
            "7.2",
            7,
            "Xây dựng cơ sở dữ liệu chuyên ngành về công tác đảng, công tác chính trị",
            "TCCT",
            ("CCNTT",),
            "Cơ sở dữ liệu được đưa vào khai thác",
            due="Quý II/{y} – Quý IV/{y}",
        ),
    ],
)

_ALL_AGENCIES = ("CTC", "CCB", "CTH", "CBV", "CCS", "CDV")

DEPARTMENT_PLAN = PlanSpec(
    key="department",
    unit=DEPARTMENT,
    parent="ministry",
    title="Kế hoạch cải cách hành chính năm {y} của Cơ quan Tổng cục Chính trị",
    document_number="38/KH-CT",
    issued=(1, 25),
    purpose=(
        "1. Cụ thể hóa mục đích, yêu cầu, nhiệm vụ cải cách hành chính được xác định trong "
        "Kế hoạch cải cách hành chính năm {y} của Bộ Quốc phòng thành các nội dung cụ thể để "
        "triển khai, thực hiện có hiệu quả trong Cơ quan Tổng cục Chính trị.\n"
        "2. Nâng cao hiệu lực, hiệu quả hoạt động quản lý, chỉ đạo, điều hành của chỉ huy "
        "các cấp trong Cơ quan Tổng cục Chính trị Quân đội nhân dân Việt Nam, góp phần thực "
        "hiện thắng lợi các nhiệm vụ năm {y}.\n"
        "3. Xác định rõ nội dung, sản phẩm, thời hạn và trách nhiệm của từng cơ quan, đơn vị "
        "làm căn cứ để hướng dẫn, đôn đốc, kiểm tra và đánh giá kết quả cuối năm."
    ),
    requirements=(
        "1. Các nội dung cải cách hành chính phải được tiến hành đồng bộ, thống nhất, có "
        "trọng tâm, trọng điểm, phù hợp với thực tiễn của từng cơ quan, đơn vị; gắn kết chặt "
        "chẽ cải cách hành chính với việc triển khai, thực hiện nhiệm vụ của các cơ quan, "
        "đơn vị.\n"
        "2. Bảo đảm thực hiện và hoàn thành đúng tiến độ, chất lượng các nội dung, nhiệm vụ "
        "đã được xác định trong kế hoạch.\n"
        "3. Thực hiện cải cách hành chính phải đi đôi với xây dựng cơ quan, đơn vị vững mạnh "
        "toàn diện “mẫu mực, tiêu biểu”; lấy kết quả thực hiện công tác cải cách hành chính "
        "của cơ quan, đơn vị là tiêu chí đánh giá mức độ hoàn thành nhiệm vụ, bình xét thi "
        "đua, khen thưởng năm {y}."
    ),
    implementation=(
        "1. Văn phòng Tổng cục Chính trị có nhiệm vụ giúp thủ trưởng Tổng cục hướng dẫn, đôn "
        "đốc, kiểm tra việc thực hiện của các cơ quan, đơn vị; tổng hợp tình hình, kết quả "
        "thực hiện, báo cáo thủ trưởng các cấp theo quy định.\n"
        "2. Các cục, ban, cơ quan, đơn vị trực thuộc căn cứ Kế hoạch này xây dựng kế hoạch "
        "cải cách hành chính của cơ quan, đơn vị mình; phân công cán bộ đầu mối; cập nhật "
        "tiến độ, tài liệu kiểm chứng và báo cáo kết quả quý I, 6 tháng, 9 tháng, năm trước "
        "ngày 20 của tháng cuối kỳ báo cáo.\n"
        "3. Cục Tuyên huấn chủ trì, phối hợp với Báo Quân đội nhân dân, Truyền hình Quốc "
        "phòng Việt Nam, Tạp chí Quốc phòng toàn dân, Nhà xuất bản Quân đội nhân dân làm tốt "
        "công tác thông tin, tuyên truyền về cải cách hành chính.\n"
        "4. Quá trình thực hiện, nếu có vướng mắc, các cơ quan, đơn vị báo cáo về Tổng cục "
        "Chính trị (qua Văn phòng Tổng cục) để tổng hợp, báo cáo thủ trưởng Tổng cục xem xét, "
        "quyết định."
    ),
    sections={
        "direction": (1, "Công tác chỉ đạo, điều hành"),
        "communication": (1, "Công tác thông tin, tuyên truyền"),
        "inspection": (1, "Công tác kiểm tra"),
    },
    tasks=[
        # 1. Chỉ đạo, điều hành và tuyên truyền
        TaskSpec(
            "1.1",
            1,
            "Xây dựng, ban hành Kế hoạch cải cách hành chính năm {y} của Cơ quan Tổng cục "
            "Chính trị",
            "VP-TCCT",
            ("CTC", "CCB", "CTH"),
            "Kế hoạch cải cách hành chính năm {y} được ban hành",
            due="Tháng 1/{y}",
            story="on_time",
            section="direction",
            result="Kế hoạch số 38/KH-CT; Công văn triển khai số {n}/VP-CT ngày {d}",
        ),
        TaskSpec(
            "1.2",
            1,
            "Hướng dẫn, đôn đốc các cơ quan, đơn vị xây dựng, ban hành kế hoạch cải cách hành "
            "chính năm {y} của cơ quan, đơn vị",
            "VP-TCCT",
            _ALL_AGENCIES,
            "Kế hoạch cải cách hành chính của các cơ quan, đơn vị",
            due="Quý I/{y}",
            story="late",
            section="direction",
            result="Kế hoạch của 14/14 cơ quan, đơn vị; Công văn đôn đốc số {n}/VP-CT ngày {d}",
        ),
        TaskSpec(
            "1.3",
            1,
            "Kiện toàn Ban Chỉ đạo cải cách hành chính và Chính phủ điện tử Cơ quan Tổng cục "
            "Chính trị; phân công cán bộ đầu mối cải cách hành chính ở các cơ quan, đơn vị",
            "VP-TCCT",
            ("CTC",),
            "Quyết định kiện toàn Ban Chỉ đạo; danh sách cán bộ đầu mối",
            due="Tháng 3/{y}",
            story="on_time",
            section="direction",
            result="Quyết định số {n}/QĐ-CT ngày {d}",
        ),
        TaskSpec(
            "1.4",
            1,
            "Tổ chức hội nghị tổng kết công tác cải cách hành chính năm {y}, triển khai nhiệm "
            "vụ năm {y1}",
            "VP-TCCT",
            ("CTH",),
            "Báo cáo tổng kết; Kế hoạch cải cách hành chính năm {y1}",
            due="Trước 15/12/{y}",
            section="direction",
        ),
        TaskSpec(
            "1.5",
            1,
            "Tuyên truyền, phổ biến chủ trương, chính sách về cải cách hành chính, Chính phủ "
            "điện tử, chuyển đổi số trên các phương tiện thông tin đại chúng của Quân đội",
            "CTH",
            ("QDND", "THQPVN", "TCQPTD"),
            "Tin, bài, phóng sự trên Báo QĐND, Truyền hình QPVN, Tạp chí QPTD",
            due="Thường xuyên",
            parent="1.2",
            section="communication",
        ),
        TaskSpec(
            "1.6",
            1,
            "Duy trì chuyên mục “Cải cách hành chính” trên Báo Quân đội nhân dân điện tử",
            "QDND",
            ("CTH",),
            "Chuyên mục cập nhật ít nhất 04 tin, bài mỗi tháng",
            due="Cả năm",
            parent="1.2",
            section="communication",
        ),
        TaskSpec(
            "1.7",
            1,
            "Sản xuất loạt phóng sự chuyên đề về cải cách hành chính, chuyển đổi số trong Quân đội",
            "THQPVN",
            ("CTH",),
            "05 phóng sự phát sóng trên kênh Truyền hình QPVN",
            due="Quý II/{y} – Quý IV/{y}",
            parent="1.2",
            section="communication",
        ),
        TaskSpec(
            "1.8",
            1,
            "Biên soạn, xuất bản tài liệu hỏi – đáp về cải cách hành chính trong Quân đội",
            "NXB-QDND",
            ("CTH", "VP-TCCT"),
            "Cuốn “Hỏi – đáp về cải cách hành chính” (2.000 bản)",
            rel=-9,
            story="open",
            parent="1.2",
            section="communication",
        ),
        TaskSpec(
            "1.9",
            1,
            "Tổ chức cuộc thi tìm hiểu về cải cách hành chính, chuyển đổi số trong đoàn viên "
            "thanh niên Quân đội",
            "BTN",
            ("CTH", "BPN"),
            "Kế hoạch, kết quả cuộc thi; quyết định khen thưởng",
            rel=3,
            story="soon",
            section="communication",
        ),
        TaskSpec(
            "1.10",
            1,
            "Kiểm tra công tác cải cách hành chính tại các cơ quan, đơn vị thuộc Tổng cục "
            "Chính trị",
            "VP-TCCT",
            ("CTC", "CCB"),
            "Thông báo kết luận kiểm tra tại 06 cơ quan, đơn vị",
            due="Quý II/{y} – Quý IV/{y}",
            parent="1.3",
            section="inspection",
        ),
        TaskSpec(
            "1.11",
            1,
            "Kiểm tra việc thực hiện quy chế dân chủ ở cơ sở gắn với cải cách hành chính",
            "CDV",
            ("VP-TCCT",),
            "Báo cáo kết quả kiểm tra",
            due="6 tháng đầu năm",
            story="on_time",
            section="inspection",
            result="Báo cáo số {n}/BC-DV ngày {d}",
        ),
        TaskSpec(
            "1.12",
            1,
            "Báo cáo định kỳ kết quả cải cách hành chính (quý I, 6 tháng, 9 tháng, năm) gửi "
            "Bộ Quốc phòng",
            "VP-TCCT",
            _ALL_AGENCIES,
            "Báo cáo quý I, 6 tháng, 9 tháng, năm",
            due="Theo hướng dẫn của Bộ Nội vụ",
            story="open",
            section="direction",
        ),
        # 2. Cải cách thể chế
        TaskSpec(
            "2.1",
            2,
            "Rà soát, đề xuất sửa đổi, bổ sung các văn bản quy định về công tác đảng, công tác "
            "chính trị trong Quân đội nhân dân Việt Nam",
            "CTC",
            ("CTH", "CCB"),
            "Báo cáo rà soát; dự thảo văn bản sửa đổi, bổ sung",
            due="Quý III/{y}",
            parent="2.2",
        ),
        TaskSpec(
            "2.2",
            2,
            "Xây dựng Thông tư hướng dẫn thực hiện chế độ, chính sách đối với quân nhân "
            "chuyên nghiệp, công nhân và viên chức quốc phòng",
            "CCS",
            ("VP-TCCT",),
            "Dự thảo Thông tư trình Bộ trưởng Bộ Quốc phòng",
            due="Năm {y}",
            parent="2.2",
        ),
        TaskSpec(
            "2.3",
            2,
            "Rà soát, hệ thống hóa văn bản quy phạm pháp luật do Tổng cục Chính trị chủ trì "
            "soạn thảo",
            "VP-TCCT",
            ("CTC", "CCB", "CCS"),
            "Danh mục văn bản còn hiệu lực, hết hiệu lực, cần sửa đổi",
            due="30/6/{y}",
            story="on_time",
            parent="2.1",
            result="Báo cáo số {n}/BC-CT ngày {d}",
        ),
        TaskSpec(
            "2.4",
            2,
            "Sửa đổi, bổ sung Quy chế làm việc của Cơ quan Tổng cục Chính trị",
            "VP-TCCT",
            _ALL_AGENCIES,
            "Quy chế làm việc (sửa đổi) được ban hành",
            rel=-25,
            story="late",
            result="Quyết định số {n}/QĐ-CT ngày {d} ban hành Quy chế",
        ),
        TaskSpec(
            "2.5",
            2,
            "Phổ biến, giáo dục pháp luật cho cán bộ, nhân viên Cơ quan Tổng cục Chính trị",
            "CTH",
            ("VP-TCCT",),
            "Hội nghị phổ biến; tài liệu pháp luật",
            due="Thường xuyên",
        ),
        TaskSpec(
            "2.6",
            2,
            "Theo dõi tình hình thi hành pháp luật về công tác dân vận trong Quân đội",
            "CDV",
            (),
            "Báo cáo theo dõi thi hành pháp luật",
            due="Tháng 11/{y}",
        ),
        # 3. Cải cách thủ tục hành chính
        TaskSpec(
            "3.1",
            3,
            "Rà soát, đánh giá thủ tục hành chính thuộc lĩnh vực chính sách người có công, "
            "chế độ trợ cấp đối với quân nhân",
            "CCS-NCC",
            ("VP-TCCT",),
            "Báo cáo rà soát; phương án đơn giản hóa",
            due="Quý II/{y}",
            story="on_time",
            parent="3.1",
            result="Báo cáo số {n}/BC-CS ngày {d}",
        ),
        TaskSpec(
            "3.2",
            3,
            "Thực hiện cơ chế một cửa trong tiếp nhận, giải quyết hồ sơ chế độ, chính sách cho "
            "quân nhân và người có công",
            "CCS",
            ("VP-TCCT",),
            "100% hồ sơ được tiếp nhận, trả kết quả qua bộ phận một cửa",
            due="Thường xuyên",
            parent="3.2",
        ),
        TaskSpec(
            "3.3",
            3,
            "Công khai thủ tục hành chính; tiếp nhận, xử lý phản ánh, kiến nghị về quy định "
            "hành chính trên Cổng thông tin điện tử",
            "VP-TCCT",
            ("CCS",),
            "Thủ tục hành chính được công khai đầy đủ, đúng hạn",
            rel=-4,
            story="open",
        ),
        TaskSpec(
            "3.4",
            3,
            "Cắt giảm, đơn giản hóa quy trình thẩm định, cấp phép xuất bản phẩm",
            "NXB-QDND",
            ("CTH",),
            "Quy trình thẩm định rút gọn được ban hành",
            due="Tháng 9/{y}",
        ),
        TaskSpec(
            "3.5",
            3,
            "Số hóa hồ sơ, kết quả giải quyết thủ tục hành chính về chính sách",
            "CCS",
            ("VP-TCCT",),
            "Kho hồ sơ điện tử",
            rel=1,
            story="soon",
        ),
        TaskSpec(
            "3.6",
            3,
            "Đơn giản hóa thủ tục xác nhận, cấp giấy chứng nhận hưởng chế độ ưu đãi",
            "CCS-NCC",
            (),
            "Quyết định công bố thủ tục được đơn giản hóa",
            due="Tháng 6/{y}",
            story="late",
            lag=80,
            result="Quyết định số {n}/QĐ-CS ngày {d}",
        ),
        # 4. Cải cách tổ chức bộ máy
        TaskSpec(
            "4.1",
            4,
            "Rà soát chức năng, nhiệm vụ, quyền hạn, cơ cấu tổ chức của các cơ quan thuộc "
            "Tổng cục Chính trị",
            "CTC",
            ("VP-TCCT", "CCB"),
            "Báo cáo rà soát; đề án điều chỉnh tổ chức",
            due="Quý III/{y}",
            parent="4.2",
        ),
        TaskSpec(
            "4.2",
            4,
            "Triển khai sắp xếp tổ chức theo Nghị quyết số 05-NQ/TW ngày 17/01/2022 của Bộ "
            "Chính trị trong Cơ quan Tổng cục Chính trị",
            "CTC",
            ("CCB",),
            "Quyết định điều chỉnh tổ chức, biên chế",
            due="Năm {y}",
            parent="4.1",
        ),
        TaskSpec(
            "4.3",
            4,
            "Xây dựng quy định chức trách, nhiệm vụ của cán bộ, nhân viên Văn phòng Tổng cục",
            "VP-TCCT-HC",
            ("VP-TCCT",),
            "Quy định chức trách được ban hành",
            due="Tháng 4/{y}",
            story="late",
            lag=50,
            result="Quyết định số {n}/QĐ-VP ngày {d}",
        ),
        TaskSpec(
            "4.4",
            4,
            "Kiện toàn tổ chức, biên chế khi có quyết định điều chỉnh của cấp trên",
            "CTC",
            ("CCB",),
            "Quyết định kiện toàn",
            due="Đột xuất",
            story="idle",
        ),
        TaskSpec(
            "4.5",
            4,
            "Rà soát biên chế, định biên của Báo Quân đội nhân dân, Truyền hình Quốc phòng Việt "
            "Nam theo lộ trình tinh giản",
            "CTC",
            ("QDND", "THQPVN"),
            "Báo cáo rà soát biên chế",
            rel=5,
            story="soon",
        ),
        # 5. Cải cách chế độ công vụ
        TaskSpec(
            "5.1",
            5,
            "Thực hiện quy định về tuyển chọn, bố trí, sử dụng, đánh giá cán bộ theo vị trí "
            "việc làm",
            "CCB",
            ("CTC",),
            "Danh mục vị trí việc làm; báo cáo đánh giá cán bộ",
            due="Quý IV/{y}",
            parent="5.1",
        ),
        TaskSpec(
            "5.2",
            5,
            "Rà soát, cập nhật và số hóa hồ sơ cán bộ thuộc diện Tổng cục Chính trị quản lý",
            "CCB-QLCB",
            ("VP-TCCT",),
            "Hồ sơ cán bộ được cập nhật, số hóa",
            due="Tháng 10/{y}",
            parent="5.1",
        ),
        TaskSpec(
            "5.3",
            5,
            "Bồi dưỡng kiến thức, kỹ năng cải cách hành chính, chuyển đổi số cho cán bộ đầu "
            "mối cải cách hành chính",
            "VP-TCCT",
            ("CTH",),
            "02 lớp bồi dưỡng, 120 học viên",
            rel=12,
            story="early",
            result="Báo cáo kết quả bồi dưỡng số {n}/BC-VP ngày {d}",
        ),
        TaskSpec(
            "5.4",
            5,
            "Tăng cường kỷ luật, kỷ cương hành chính; thực hiện văn hóa công sở trong Cơ quan "
            "Tổng cục Chính trị",
            "VP-TCCT",
            ("CBV",),
            "Báo cáo kiểm tra kỷ luật, kỷ cương hành chính",
            due="Thường xuyên",
        ),
        TaskSpec(
            "5.5",
            5,
            "Bảo vệ chính trị nội bộ gắn với quản lý cán bộ, đảng viên",
            "CBV",
            ("CCB",),
            "Báo cáo kết quả công tác bảo vệ chính trị nội bộ",
            due="Cả năm",
        ),
        TaskSpec(
            "5.6",
            5,
            "Đánh giá, xếp loại chất lượng cán bộ, đảng viên cuối năm gắn với kết quả cải cách "
            "hành chính",
            "CTC",
            ("CCB",),
            "Báo cáo đánh giá, xếp loại",
            due="Tháng 12/{y}",
        ),
        TaskSpec(
            "5.7",
            5,
            "Thực hiện chính sách đối với nữ cán bộ, nhân viên; bình đẳng giới trong công vụ",
            "BPN",
            ("CCS",),
            "Báo cáo kết quả thực hiện",
            due="Năm {y}",
        ),
        # 6. Cải cách tài chính công
        TaskSpec(
            "6.1",
            6,
            "Công khai tài chính, ngân sách của Cơ quan Tổng cục Chính trị",
            "VP-TCCT",
            _ALL_AGENCIES,
            "Quyết định công bố công khai dự toán, quyết toán",
            due="Tháng 6/{y}",
            story="on_time",
            parent="6.1",
            result="Quyết định số {n}/QĐ-CT ngày {d}",
        ),
        TaskSpec(
            "6.2",
            6,
            "Thực hiện cơ chế tự chủ tài chính tại Báo Quân đội nhân dân, Nhà xuất bản Quân "
            "đội nhân dân",
            "QDND",
            ("NXB-QDND", "VP-TCCT"),
            "Phương án tự chủ tài chính được phê duyệt",
            due="Năm {y}",
            parent="6.1",
        ),
        TaskSpec(
            "6.3",
            6,
            "Quản lý, sử dụng tài sản công, kinh phí bảo đảm cho hoạt động cải cách hành chính",
            "VP-TCCT",
            (),
            "Báo cáo quản lý, sử dụng kinh phí",
            due="Thường xuyên",
        ),
        TaskSpec(
            "6.4",
            6,
            "Rà soát định mức chi cho công tác tuyên truyền, xuất bản",
            "CTH",
            ("NXB-QDND",),
            "Báo cáo rà soát; đề xuất điều chỉnh định mức",
            rel=-15,
            story="open",
        ),
        # 7. Chính phủ điện tử, Chính phủ số
        TaskSpec(
            "7.1",
            7,
            "Sử dụng Hệ thống quản lý văn bản và điều hành, chữ ký số chuyên dùng trong xử lý "
            "văn bản tại Cơ quan Tổng cục Chính trị",
            "VP-TCCT",
            _ALL_AGENCIES,
            "100% văn bản đi được ký số (trừ văn bản mật)",
            due="Quý III/{y}",
            parent="7.1",
        ),
        TaskSpec(
            "7.2",
            7,
            "Xây dựng cơ sở dữ liệu đảng viên trong Quân đội",
            "CTC",
            ("CCB", "CTH"),
            "Cơ sở dữ liệu đảng viên được đưa vào khai thác",
            due="Quý II/{y} – Quý IV/{y}",
            parent="7.2",
        ),
        TaskSpec(
            "7.3",
            7,
            "Xây dựng cơ sở dữ liệu cán bộ thuộc diện Tổng cục Chính trị quản lý",
            "CCB",
            ("CCB-QLCB",),
            "Cơ sở dữ liệu cán bộ",
            rel=40,
            story="open",
            parent="7.2",
        ),
        TaskSpec(
            "7.4",
            7,
            "Nâng cấp Cổng thông tin điện tử Tổng cục Chính trị",
            "VP-TCCT-HC",
            ("QDND",),
            "Cổng thông tin được nâng cấp, bảo đảm an toàn thông tin cấp độ 3",
            due="30/9/{y}",
        ),
        TaskSpec(
            "7.5",
            7,
            "Phát triển nền tảng số của Báo Quân đội nhân dân, ứng dụng trên thiết bị di động",
            "QDND-TKTS",
            ("QDND",),
            "Ứng dụng Báo QĐND trên thiết bị di động",
            due="Cả năm",
        ),
        TaskSpec(
            "7.6",
            7,
            "Số hóa tài liệu, hiện vật của Bảo tàng Lịch sử Quân sự Việt Nam",
            "BTLSQS",
            ("THQPVN",),
            "Cơ sở dữ liệu 5.000 hiện vật được số hóa",
            due="Năm {y}",
        ),
        TaskSpec(
            "7.7",
            7,
            "Bảo đảm an toàn, an ninh mạng cho hệ thống thông tin của Cơ quan Tổng cục Chính trị",
            "CBV",
            ("VP-TCCT",),
            "Báo cáo kiểm tra an toàn thông tin",
            due="Thường xuyên",
        ),
        TaskSpec(
            "7.8",
            7,
            "Triển khai phần mềm theo dõi thực hiện kế hoạch cải cách hành chính tại các cơ "
            "quan, đơn vị",
            "VP-TCCT",
            _ALL_AGENCIES,
            "Phần mềm vận hành; 100% cơ quan, đơn vị cập nhật tiến độ trên phần mềm",
            rel=2,
            story="soon",
        ),
        TaskSpec(
            "7.9",
            7,
            "Triển khai tòa soạn điện tử của Tạp chí Quốc phòng toàn dân",
            "TCQPTD",
            (),
            "Tòa soạn điện tử đi vào hoạt động",
            due="Quý IV/{y}",
        ),
    ],
)

DRAFT_PLAN = PlanSpec(
    key="draft",
    unit=DEPARTMENT,
    year_offset=1,
    title="Dự thảo Kế hoạch cải cách hành chính năm {y} của Cơ quan Tổng cục Chính trị",
    document_number="",
    issued=None,
    purpose=(
        "Cụ thể hóa Kế hoạch cải cách hành chính năm {y} của Bộ Quốc phòng (khi được ban "
        "hành); kế thừa kết quả năm {y0}, khắc phục những hạn chế đã chỉ ra trong báo cáo "
        "tổng kết."
    ),
    requirements=(
        "Bám sát Chương trình tổng thể cải cách hành chính nhà nước giai đoạn 2021 – 2030; "
        "nhiệm vụ có sản phẩm, thời hạn cụ thể; phân công rõ cơ quan chủ trì, phối hợp."
    ),
    implementation=(
        "Văn phòng Tổng cục Chính trị tổng hợp ý kiến góp ý của các cơ quan, đơn vị, hoàn "
        "thiện dự thảo, trình thủ trưởng Tổng cục ban hành trong tháng 01/{y}."
    ),
    tasks=[
        TaskSpec(
            "1.1",
            1,
            "Ban hành Kế hoạch cải cách hành chính năm {y} của Cơ quan Tổng cục Chính trị",
            "VP-TCCT",
            (),
            "Kế hoạch được ban hành",
            due="Tháng 1/{y}",
        ),
        TaskSpec(
            "2.1",
            2,
            "Rà soát văn bản quy định về công tác đảng, công tác chính trị sau sắp xếp tổ chức",
            "CTC",
            ("CCB",),
            "Báo cáo rà soát",
            due="Quý II/{y}",
        ),
        TaskSpec(
            "3.1",
            3,
            "Cung cấp dịch vụ công trực tuyến toàn trình về chế độ, chính sách",
            "CCS",
            ("VP-TCCT",),
            "Dịch vụ công trực tuyến toàn trình",
            due="Quý III/{y}",
        ),
        TaskSpec(
            "5.1",
            5,
            "Đánh giá cán bộ theo kết quả thực hiện nhiệm vụ trên phần mềm",
            "CCB",
            (),
            "Kết quả đánh giá trên phần mềm",
            due="Tháng 12/{y}",
        ),
        TaskSpec(
            "7.1",
            7,
            "Kết nối cơ sở dữ liệu đảng viên với cơ sở dữ liệu cán bộ",
            "CTC",
            ("CCB",),
            "Hai cơ sở dữ liệu được kết nối",
            due="Năm {y}",
        ),
        TaskSpec(
            "7.2",
            7,
            "Duy trì chuyên mục chuyển đổi số trên Truyền hình Quốc phòng Việt Nam",
            "THQPVN",
            ("CTH",),
            "Chuyên mục phát sóng hằng tháng",
            due="Thường xuyên",
        ),
    ],
)

PLANS = [MINISTRY_PLAN, DEPARTMENT_PLAN, DRAFT_PLAN]

# --- what the progress entries say ---------------------------------------------------

NOTES_STARTED = [
    "Đã xây dựng kế hoạch triển khai, phân công cán bộ thực hiện.",
    "Đã tổ chức họp triển khai; đang thu thập, tổng hợp số liệu từ các đơn vị.",
    "Đã hoàn thành dự thảo lần 1, đang lấy ý kiến góp ý của các cơ quan phối hợp.",
    "Đang tiếp thu ý kiến góp ý, hoàn thiện dự thảo.",
    "Đã trình thủ trưởng cho ý kiến; đang chỉnh sửa theo kết luận.",
    "Đang phối hợp với các cơ quan liên quan thống nhất nội dung.",
]
NOTES_LATE = [
    "Chậm tiến độ do chờ ý kiến thống nhất của cơ quan phối hợp; dự kiến hoàn thành trong "
    "tháng tới.",
    "Chưa hoàn thành đúng hạn do phải điều chỉnh nội dung theo chỉ đạo mới của cấp trên.",
    "Vướng mắc về kinh phí thực hiện; đã báo cáo Văn phòng Tổng cục đề xuất tháo gỡ.",
]
NOTES_RECURRING = [
    "Duy trì thực hiện theo kế hoạch tháng {m}; kết quả đạt yêu cầu.",
    "Thực hiện đầy đủ nội dung tháng {m}; không phát sinh vướng mắc.",
    "Tháng {m}: hoàn thành các nội dung theo kế hoạch, đã tổng hợp báo cáo.",
]
NOTE_SUPPORT = "Đơn vị phối hợp đã cung cấp số liệu, tư liệu theo đề nghị của cơ quan chủ trì."


# --- small generated evidence files ---------------------------------------------------


@dataclass(frozen=True)
class Paper:
    """A small paper of the demo (a signed decision's scan, a draft, minutes), laid out as
    Decree 30/2020/NĐ-CP has it: parent body and issuer left, national motto right, place
    and date, a bold title, then the body."""

    parent_body: str
    issuer: str
    when: datetime.date
    title: str
    body: list[str]
    place: str = "Hà Nội"

    @property
    def dateline(self) -> str:
        w = self.when
        return f"{self.place}, ngày {w.day} tháng {w.month} năm {w.year}"


NATIONAL_TITLE = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
NATIONAL_MOTTO = "Độc lập - Tự do - Hạnh phúc"
# Letters that Liberation Serif 1.x lacks and 2.x has: a font without them would print the
# Vietnamese text with holes.
_VIETNAMESE_SAMPLE = "ẠạẢảẶặỆệỈịỌọỢợỤụỰựỲỳĐđƠơƯư"


# Where Debian and most systems keep fonts.
FONT_DIRS = ["/usr/share/fonts", "/usr/local/share/fonts", os.path.expanduser("~/.fonts")]


@functools.cache
def serif_fonts() -> dict[str, str]:
    """Font files (regular, bold, italic) of a Times-like serif that covers Vietnamese:
    Liberation Serif 2 when installed, else the DejaVu Serif that matplotlib (a dependency)
    ships. A pure function of the installed files, so caching it per process shares no
    state."""
    from fontTools.ttLib import TTFont

    def covers(path: str) -> bool:
        cmap = TTFont(path, lazy=True).getBestCmap()
        return all(ord(ch) in cmap for ch in _VIETNAMESE_SAMPLE)

    found = {}
    for style in ("Regular", "Bold", "Italic"):
        name = f"LiberationSerif-{style}.ttf"
        paths = sorted(p for d in FONT_DIRS for p in glob.glob(f"{d}/**/{name}", recursive=True))
        path = next((p for p in paths if covers(p)), None)
        if path is None:
            break
        found[style.lower()] = path
    else:
        return found
    # Found without importing matplotlib, which would read its whole font cache.
    bundled = os.path.join(
        importlib.util.find_spec("matplotlib").submodule_search_locations[0],
        "mpl-data",
        "fonts",
        "ttf",
    )
    names = {"regular": "DejaVuSerif", "bold": "DejaVuSerif-Bold", "italic": "DejaVuSerif-Italic"}
    return {style: os.path.join(bundled, f"{name}.ttf") for style, name in names.items()}


# The characters the demo's PDFs can show: ASCII, every Vietnamese letter, a few marks.
_TONES = ["", "\u0300", "\u0301", "\u0303", "\u0309", "\u0323"]
PDF_CHARSET = "".join(
    sorted(
        {chr(c) for c in range(0x20, 0x7F)}
        | {unicodedata.normalize("NFC", b + t) for b in "aăâeêioôơuưy" for t in _TONES}
        | {unicodedata.normalize("NFC", b + t).upper() for b in "aăâeêioôơuưy" for t in _TONES}
        | set("đĐ–—“”‘’…•№")
    )
)


@dataclass(frozen=True)
class PdfFont:
    """A TrueType font cut down to PDF_CHARSET, ready to embed as a CID font."""

    name: str  # PostScript name, with the subset tag
    data: bytes  # the subset font file, compressed
    length: int  # its size uncompressed
    glyphs: dict[str, int]  # character -> glyph id
    widths: list[int]  # advance per glyph id, in thousandths of the font size
    bbox: tuple[int, int, int, int]
    ascent: int
    descent: int
    cap_height: int
    italic_angle: float


@functools.cache
def pdf_font(path: str) -> PdfFont:
    """The font at `path` cut down once per process (fontTools, which matplotlib brings):
    every demo PDF then embeds the same small file instead of subsetting its own."""
    from fontTools import subset
    from fontTools.ttLib import TTFont

    font = TTFont(path)
    options = subset.Options()
    options.layout_features = []  # the writer places every glyph itself
    options.hinting = False  # for the screen at small sizes: not worth its bytes here
    options.drop_tables = [*options.drop_tables, "FFTM"]  # FontForge's stamp
    options.name_IDs = [1, 2, 4, 6]
    subsetter = subset.Subsetter(options)
    subsetter.populate(text=PDF_CHARSET)
    subsetter.subset(font)
    out = io.BytesIO()
    font.save(out)
    scale = 1000 / font["head"].unitsPerEm
    order = font.getGlyphOrder()
    glyph_id = {name: gid for gid, name in enumerate(order)}
    cmap = font.getBestCmap()
    hmtx = font["hmtx"]
    head, os2 = font["head"], font["OS/2"]
    postscript = font["name"].getDebugName(6) or "Serif"
    return PdfFont(
        name=f"CCHCDM+{postscript}",
        data=zlib.compress(out.getvalue(), 9),
        length=len(out.getvalue()),
        glyphs={chr(code): glyph_id[name] for code, name in cmap.items()},
        widths=[round(hmtx[name][0] * scale) for name in order],
        bbox=tuple(round(v * scale) for v in (head.xMin, head.yMin, head.xMax, head.yMax)),
        ascent=round(font["hhea"].ascent * scale),
        descent=round(font["hhea"].descent * scale),
        cap_height=round(getattr(os2, "sCapHeight", 700) * scale) or 700,
        italic_angle=float(font["post"].italicAngle),
    )


class _PdfWriter:
    """One page of text in embedded fonts: enough for a demo paper, nothing more."""

    PAGE = (595.28, 841.89)  # A4, in points

    def __init__(self, fonts: dict[str, PdfFont]):
        self.fonts = fonts
        self.keys = {style: f"F{n}" for n, style in enumerate(fonts, start=1)}
        self.ops: list[str] = []

    def width(self, text: str, style: str, size: float) -> float:
        font = self.fonts[style]
        return sum(font.widths[font.glyphs.get(ch, 0)] for ch in text) * size / 1000

    def wrap(self, text: str, style: str, size: float, limit: float) -> list[str]:
        lines, line = [], ""
        for word in text.split():
            candidate = f"{line} {word}" if line else word
            if line and self.width(candidate, style, size) > limit:
                lines.append(line)
                line = word
            else:
                line = candidate
        return [*lines, line]

    def text(self, x: float, top: float, text: str, style: str, size: float, align="left"):
        """`text` on the baseline `size` below `top` (points from the page's top edge)."""
        font = self.fonts[style]
        if align == "center":
            x -= self.width(text, style, size) / 2
        hexed = "".join(f"{font.glyphs.get(ch, 0):04X}" for ch in text)
        y = self.PAGE[1] - top - size
        self.ops.append(f"BT /{self.keys[style]} {size:g} Tf {x:.2f} {y:.2f} Td <{hexed}> Tj ET")

    def bytes(self, title: str) -> bytes:
        objects: list[bytes] = []

        def add(body: bytes) -> int:
            objects.append(body)
            return len(objects)

        def stream(data: bytes, extra: str = "") -> bytes:
            head = f"<< /Length {len(data)} /Filter /FlateDecode{extra} >>\nstream\n"
            return head.encode() + data + b"\nendstream"

        font_refs = {}
        for style, font in self.fonts.items():
            file = add(stream(font.data, f" /Length1 {font.length}"))
            flags = 34 + (64 if font.italic_angle else 0)  # serif, non-symbolic, italic
            descriptor = add(
                (
                    f"<< /Type /FontDescriptor /FontName /{font.name} /Flags {flags} "
                    f"/FontBBox [{' '.join(map(str, font.bbox))}] /ItalicAngle "
                    f"{font.italic_angle:g} /Ascent {font.ascent} /Descent {font.descent} "
                    f"/CapHeight {font.cap_height} /StemV 80 /FontFile2 {file} 0 R >>"
                ).encode()
            )
            widths = " ".join(map(str, font.widths))
            cid = add(
                (
                    f"<< /Type /Font /Subtype /CIDFontType2 /BaseFont /{font.name} "
                    "/CIDSystemInfo << /Registry (Adobe) /Ordering (Identity) /Supplement 0 >> "
                    f"/FontDescriptor {descriptor} 0 R /W [0 [{widths}]] "
                    "/CIDToGIDMap /Identity >>"
                ).encode()
            )
            unicode = add(stream(zlib.compress(_to_unicode(font).encode())))
            font_refs[style] = add(
                (
                    f"<< /Type /Font /Subtype /Type0 /BaseFont /{font.name} /Encoding "
                    f"/Identity-H /DescendantFonts [{cid} 0 R] /ToUnicode {unicode} 0 R >>"
                ).encode()
            )
        content = add(stream(zlib.compress("\n".join(self.ops).encode())))
        resources = " ".join(f"/{self.keys[s]} {ref} 0 R" for s, ref in font_refs.items())
        pages = len(objects) + 2
        page = add(
            (
                f"<< /Type /Page /Parent {pages} 0 R /MediaBox [0 0 {self.PAGE[0]} "
                f"{self.PAGE[1]}] /Contents {content} 0 R /Resources << /Font << {resources} "
                ">> >> >>"
            ).encode()
        )
        add(f"<< /Type /Pages /Kids [{page} 0 R] /Count 1 >>".encode())
        catalog = add(f"<< /Type /Catalog /Pages {pages} 0 R >>".encode())
        info = add(
            f"<< /Title <FEFF{title.encode('utf-16-be').hex().upper()}> "
            "/Producer (CCHC demo) >>".encode()
        )
        out = io.BytesIO()
        out.write(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
        offsets = []
        for number, body in enumerate(objects, start=1):
            offsets.append(out.tell())
            out.write(f"{number} 0 obj\n".encode() + body + b"\nendobj\n")
        xref = out.tell()
        out.write(f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode())
        out.write("".join(f"{o:010d} 00000 n \n" for o in offsets).encode())
        out.write(
            f"trailer\n<< /Size {len(objects) + 1} /Root {catalog} 0 R /Info {info} 0 R >>\n"
            f"startxref\n{xref}\n%%EOF\n".encode()
        )
        return out.getvalue()


def _to_unicode(font: PdfFont) -> str:
    """The CMap that lets a viewer copy and search the text: glyph id -> character."""
    pairs = sorted({gid: ch for ch, gid in font.glyphs.items() if gid}.items())
    blocks = []
    for start in range(0, len(pairs), 100):
        chunk = pairs[start : start + 100]
        lines = "\n".join(f"<{g:04X}> <{ch.encode('utf-16-be').hex().upper()}>" for g, ch in chunk)
        blocks.append(f"{len(chunk)} beginbfchar\n{lines}\nendbfchar")
    return (
        "/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n"
        "/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n"
        "/CMapName /Adobe-Identity-UCS def\n/CMapType 2 def\n"
        "1 begincodespacerange\n<0000> <FFFF>\nendcodespacerange\n"
        + "\n".join(blocks)
        + "\nendcmap\nCMapName currentdict /CMap defineresource pop\nend\nend\n"
    )


def pdf_bytes(paper: Paper) -> bytes:
    """A one-page A4 PDF of the paper in a serif face that covers Vietnamese, embedded, so
    that any viewer shows (and a search finds) the text. Written directly: matplotlib took a
    quarter of a second a page, this takes a millisecond. The same paper gives the same
    bytes."""
    files = serif_fonts()
    pdf = _PdfWriter({style: pdf_font(files[style]) for style in ("regular", "bold", "italic")})
    mm = 72 / 25.4
    page_width = pdf.PAGE[0]
    left_axis, right_axis, top = 50 * mm, 145 * mm, 20 * mm
    # The header's two columns, each centred on its own axis.
    pdf.text(left_axis, top, paper.parent_body.upper(), "regular", 12, "center")
    for n, line in enumerate(pdf.wrap(paper.issuer.upper(), "bold", 12, 80 * mm), start=1):
        pdf.text(left_axis, top + 15 * n, line, "bold", 12, "center")
    pdf.text(right_axis, top, NATIONAL_TITLE, "bold", 12, "center")
    pdf.text(right_axis, top + 15, NATIONAL_MOTTO, "bold", 13, "center")
    pdf.text(right_axis, top + 45, paper.dateline, "italic", 13, "center")
    y = top + 90
    for line in pdf.wrap(paper.title, "bold", 14, 150 * mm):
        pdf.text(page_width / 2, y, line, "bold", 14, "center")
        y += 19
    y += 14
    margin, measure = 30 * mm, page_width - 45 * mm
    for paragraph in paper.body:
        for line in pdf.wrap(paragraph, "regular", 13, measure):
            pdf.text(margin, y, line, "regular", 13)
            y += 18
        y += 6
    return pdf.bytes(paper.title)


def blank_docx():
    """An empty Word document (python-docx): A4, the margins of Decree 30/2020/NĐ-CP, Times
    New Roman 13 pt."""
    from docx import Document
    from docx.shared import Mm, Pt

    document = Document()
    section = document.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin = section.bottom_margin = Mm(20)
    section.left_margin, section.right_margin = Mm(30), Mm(15)
    normal = document.styles["Normal"]
    normal.font.name, normal.font.size = "Times New Roman", Pt(13)
    return document


def docx_bytes(paper: Paper, document=None) -> bytes:
    """The paper as a Word document, the header in a borderless two-column table.
    `document`: a blank_docx() to write into again; emptying its body is quicker than
    opening python-docx's template once more for each paper."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml.ns import qn
    from docx.shared import Mm, Pt

    document = blank_docx() if document is None else document
    body = document.element.body
    for child in list(body):
        if child.tag != qn("w:sectPr"):
            body.remove(child)
    center = WD_ALIGN_PARAGRAPH.CENTER

    def line(paragraph, text, *, bold=False, italic=False, size=13, align=None):
        paragraph.alignment = align
        paragraph.paragraph_format.space_after = Pt(0)
        run = paragraph.add_run(text)
        run.bold, run.italic, run.font.size = bold, italic, Pt(size)

    table = document.add_table(rows=1, cols=2)
    table.autofit = False
    left, right = table.rows[0].cells
    # The national title holds one line only in the wider column (165 mm between margins);
    # Word reads the cells' widths, LibreOffice the grid's.
    for column, cell, width in zip(table.columns, (left, right), (Mm(71), Mm(94)), strict=True):
        column.width = cell.width = width
    line(left.paragraphs[0], paper.parent_body.upper(), size=11, align=center)
    line(left.add_paragraph(), paper.issuer.upper(), bold=True, size=12, align=center)
    line(right.paragraphs[0], NATIONAL_TITLE, bold=True, size=12, align=center)
    line(right.add_paragraph(), NATIONAL_MOTTO, bold=True, align=center)
    line(document.add_paragraph(), paper.dateline, italic=True, align=WD_ALIGN_PARAGRAPH.RIGHT)
    document.add_paragraph()
    line(document.add_paragraph(), paper.title, bold=True, size=14, align=center)
    document.add_paragraph()
    for text in paper.body:
        line(document.add_paragraph(), text, align=WD_ALIGN_PARAGRAPH.JUSTIFY)
    document.core_properties.title = paper.title
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def _slug(text: str, limit: int = 60) -> str:
    words = "".join(ch if ch.isalnum() else " " for ch in fold(text)).split()
    return "-".join(words)[:limit].strip("-") or "tai-lieu"


def _document(kind: str, name: str, paper: Paper, docx=None) -> ContentFile:
    """kind: pdf (the scan of a signed paper) or docx (a draft still being written, written
    into `docx`, a blank_docx() to reuse, when given)."""
    data = pdf_bytes(paper) if kind == "pdf" else docx_bytes(paper, docx)
    return ContentFile(data, name=f"{_slug(name)}.{kind}")


# How a unit is named in a document's header where its full name is longer.
HEADER_NAMES = {"TCCT": "Tổng cục Chính trị", "BTTM": "Bộ Tổng Tham mưu"}


def _header_name(code: str) -> str:
    # “Phòng Hành chính – Tổng hợp, Văn phòng Tổng cục Chính trị”: the header names the
    # room alone; the body it belongs to is the line above it.
    return HEADER_NAMES.get(code) or UNIT_BY_CODE[code].name.split(",")[0]


def paper_for(unit_code: str, when: datetime.date, title: str, body: list[str]) -> Paper:
    """A paper the unit issues on `when`, the body it belongs to named above it."""
    spec = UNIT_BY_CODE[unit_code]
    return Paper(
        parent_body=_header_name(spec.parent) if spec.parent else "",
        issuer=_header_name(unit_code),
        when=when,
        title=title,
        body=body,
    )


# --- the loader ------------------------------------------------------------------------


def _vn_date(day: datetime.date) -> str:
    return f"{day.day}/{day.month}/{day.year}"


def _pick(seq, key: str, salt: int = 0):
    return seq[(zlib.crc32(key.encode()) + salt) % len(seq)]


def _jitter(key: str, low: int, high: int) -> int:
    return low + zlib.crc32(key.encode()) % (high - low + 1)


@dataclass
class Login:
    username: str
    full_name: str
    role: str
    unit: str
    password: str = DEMO_PASSWORD


class DemoLoader:
    """Builds what is missing of the demo; returns what it created."""

    def __init__(self, *, today: datetime.date | None = None):
        self.today = today or timezone.localdate()
        self.year = self.today.year
        self.created: Counter = Counter()
        self.units: dict[str, Unit] = {}
        self.users: dict[str, object] = {}
        self._password_hash = ""
        self._docx = None  # one blank Word document, written into for each draft

    # entry point
    def run(self) -> Counter:
        with transaction.atomic():
            self.areas = {a.code: a for a in Area.objects.all()}
            self.build_units()
            self.build_document_settings()
            self.build_users()
            plans: dict[str, Plan] = {}
            for spec in PLANS:
                plans[spec.key] = self.build_plan(spec, plans)
        return self.created

    # organisation
    def build_units(self) -> None:
        existing = {u.code: u for u in Unit.objects.filter(code__in=UNIT_BY_CODE)}
        order: Counter = Counter()
        for spec in UNITS:
            order[spec.parent] += 1
            unit = existing.get(spec.code)
            if unit is None:
                unit = org_services.unit_create(
                    actor=None,
                    code=spec.code,
                    name=spec.name,
                    short_name=spec.short_name,
                    parent=self.units[spec.parent] if spec.parent else None,
                    order=order[spec.parent],
                )
                self.created["units"] += 1
            self.units[spec.code] = unit

    def build_document_settings(self) -> None:
        for code, (symbol, authority, title, name) in DOCUMENT_SETTINGS.items():
            unit = self.units[code]
            # Set once: what the office has since typed is theirs, and a rerun keeps it.
            if unit.symbol or unit.signer_authority or unit.signer_title or unit.signer_name:
                continue
            self.units[code] = org_services.unit_document_settings_update(
                actor=None,
                unit=unit,
                symbol=symbol,
                signer_authority=authority,
                signer_title=title,
                signer_name=name,
            )
            self.created["unit signers"] += 1

    def build_users(self) -> None:
        User = get_user_model()
        existing = {
            u.username: u for u in User.objects.filter(username__in=[s.username for s in USERS])
        }
        for spec in USERS:
            user = existing.get(spec.username)
            if user is None:
                if not self._password_hash:
                    self._password_hash = make_password(DEMO_PASSWORD)
                first, last = split_name(spec.full_name)
                user = User(
                    username=spec.username,
                    first_name=first,
                    last_name=last,
                    email=f"{spec.username}@cchc.example",
                    password=self._password_hash,
                    is_staff=not spec.role,
                    is_superuser=not spec.role,
                )
                user.save()
                self.created["users"] += 1
            self.users[spec.username] = user
            if (
                spec.role
                and not Membership.objects.filter(
                    user=user, unit=self.units[spec.unit], role=spec.role
                ).exists()
            ):
                org_services.membership_grant(
                    actor=None, user=user, unit=self.units[spec.unit], role=spec.role
                )
                self.created["memberships"] += 1

    # plans
    def _fmt(self, text: str, year: int) -> str:
        return text.format(y=year, y1=year + 1, y0=year - 1)

    def _issue_date(self, spec: PlanSpec, year: int) -> datetime.date | None:
        if spec.issued is None:
            return None
        return min(datetime.date(year, *spec.issued), self.today)

    def build_plan(self, spec: PlanSpec, plans: dict[str, Plan]) -> Plan:
        year = self.year + spec.year_offset
        unit = self.units[spec.unit]
        title = self._fmt(spec.title, year)
        plan = Plan.objects.filter(issuing_unit=unit, year=year, title=title).first()
        if plan is not None:
            return plan
        parent = plans.get(spec.parent) if spec.parent else None
        plan = services.plan_create(
            actor=None,
            year=year,
            title=title,
            issuing_unit=unit,
            parent=parent,
            purpose=self._fmt(spec.purpose, year),
            requirements=self._fmt(spec.requirements, year),
            implementation=self._fmt(spec.implementation, year),
        )
        self.created["plans"] += 1
        sections: dict[str, Section] = {}
        for order, (key, (area, section_title)) in enumerate(spec.sections.items(), start=1):
            sections[key] = services.section_create(
                actor=None, plan=plan, area=self.areas[area], title=section_title, order=order
            )
        parent_tasks = {t.code: t for t in parent.tasks.all()} if parent else {}
        tasks: list[tuple[TaskSpec, Task]] = []
        for order, task_spec in enumerate(spec.tasks, start=1):
            tasks.append((task_spec, self._task(plan, task_spec, order, sections, parent_tasks)))
        issued_on = self._issue_date(spec, year)
        if issued_on is not None:
            plan = services.plan_issue(
                actor=None, plan=plan, document_number=spec.document_number, issued_on=issued_on
            )
            for task_spec, task in tasks:
                self._progress(plan, task_spec, task)
        return plan

    def _task(self, plan, spec: TaskSpec, order, sections, parent_tasks) -> Task:
        year = plan.year
        due_text, due_date = self._fmt(spec.due, year), None
        if spec.rel is not None:
            offset = spec.rel
            if spec.story == "soon":
                offset = min(offset, soon_days())
            due_date = self.today + datetime.timedelta(days=offset)
            due_text = f"Trước {_vn_date(due_date)}"
        task = services.task_create(
            actor=None,
            plan=plan,
            area=self.areas[spec.area],
            section=sections.get(spec.section),
            code=spec.code,
            order=order,
            title=self._fmt(spec.title, year),
            lead_unit=self.units[spec.lead],
            supporting_units=[self.units[c] for c in spec.support],
            due_text=due_text,
            due_date=due_date,
            deliverable=self._fmt(spec.deliverable, year),
            notes=spec.notes,
            parent_task=parent_tasks.get(spec.parent),
        )
        self.created["tasks"] += 1
        return task

    # progress
    def _author(self, plan: Plan, task: Task):
        """Who reports on a task: the focal officer of its agency, else the office above it."""
        code = task.lead_unit.code
        while code in UNIT_BY_CODE:
            spec = UNIT_BY_CODE[code]
            if spec.login:
                return self.users[f"{spec.login}.daumoi"]
            if code == DEPARTMENT:
                return self.users["vanphong"]
            code = spec.parent
        return self.users["bqp.vanphong"]

    def _post(self, author, task, *, on, files=(), **kwargs):
        services.task_update_post(actor=author, task=task, reported_on=on, files=files, **kwargs)
        self.created["updates"] += 1
        self.created["evidence"] += len(files)

    def _evidence(self, kind, name, paper: Paper, description: str) -> services.EvidenceFile:
        # A paper is in force from the day it bears, never before the update citing it.
        if kind == "docx" and self._docx is None:
            self._docx = blank_docx()
        return services.EvidenceFile(
            file=_document(kind, name, paper, self._docx),
            effective_on=paper.when,
            description=description,
        )

    def _progress(self, plan: Plan, spec: TaskSpec, task: Task) -> None:
        today, start = self.today, plan.issued_on
        self.start = start
        key = f"{plan.year}-{plan.issuing_unit.code}-{spec.code}"
        author = self._author(plan, task)
        due = task.due_date

        def clamp(day: datetime.date) -> datetime.date:
            return min(today, max(start, day))

        if spec.story == "idle":
            return
        if task.is_recurring:
            self._recurring(task, author, key, start)
        elif spec.story == "early":
            self._done(task, author, key, spec, clamp(today - datetime.timedelta(days=4)))
        elif due is not None and due < today and spec.story in ("on_time", "track"):
            completed = due - datetime.timedelta(days=_jitter(key, 2, 12))
            self._done(task, author, key, spec, max(completed, min(start, due)))
        elif due is not None and due < today and spec.story == "late":
            lag = spec.lag if spec.lag is not None else _jitter(key, 5, 20)
            completed = min(due + datetime.timedelta(days=lag), today)
            self._done(task, author, key, spec, completed, late=True)
        else:
            self._open(task, author, key, spec, start)
        if spec.code == "1.5" and plan.issuing_unit.code == DEPARTMENT:
            # A supporting unit adds a note and its own evidence, without moving the task.
            helper = self.users["qdnd.daumoi"]
            on = clamp(today - datetime.timedelta(days=6))
            paper = paper_for(
                "QDND",
                on,
                "DANH MỤC TIN, BÀI VỀ CẢI CÁCH HÀNH CHÍNH ĐÃ ĐĂNG",
                [
                    f"Thực hiện nhiệm vụ {task.code}: {task.title}.",
                    "1. Chuyên mục “Cải cách hành chính” trên Báo Quân đội nhân dân điện tử.",
                    "2. Tin, bài phản ánh kết quả cải cách thủ tục hành chính trong Quân đội.",
                    "3. Bài phỏng vấn cán bộ đầu mối cải cách hành chính các cơ quan, đơn vị.",
                    "Nơi nhận: Cục Tuyên huấn; Lưu: VT.",
                ],
            )
            files = [
                self._evidence(
                    "pdf", "Danh muc tin bai CCHC Bao QDND", paper, "Danh mục tin, bài đã đăng"
                )
            ]
            self._post(helper, task, on=on, note=NOTE_SUPPORT, files=files)

    def _open(self, task, author, key, spec, start):
        today, due = self.today, task.due_date
        elapsed = (today - start).days
        if due is not None and due > start:
            fraction = elapsed / (due - start).days
        else:
            fraction = elapsed / 365
        # Units move at different speeds: between 55% and 100% of the time elapsed.
        fraction *= _jitter(key, 55, 100) / 100
        progress = max(0, min(90, round(fraction * 10) * 10))
        if spec.story == "soon":
            progress = max(progress, 70)
        elif due is not None and due < today:
            progress = max(progress, 50)
        elif spec.story == "open" and due is None:
            progress = max(progress, 30)
        if progress == 0:
            if elapsed < 10:
                return
            progress = 10
        on = min(today, max(start, today - datetime.timedelta(days=_jitter(key, 1, 9))))
        if progress >= 30 and (on - start).days >= 60:
            # Work began well before the latest entry: its first step is history too, so an
            # earlier period's report sees the task under way rather than untouched.
            first = start + datetime.timedelta(days=(on - start).days // 2)
            self._post(
                author,
                task,
                on=first,
                progress=progress // 20 * 10,
                status="in_progress",
                note=NOTES_STARTED[0],
            )
        late = due is not None and due < today
        note = _pick(NOTES_LATE, key) if late else _pick(NOTES_STARTED, key)
        files = []
        if late or zlib.crc32(key.encode()) % 2 == 0:
            paper = paper_for(
                task.lead_unit.code,
                on,
                f"DỰ THẢO: {task.deliverable}",
                [f"Nhiệm vụ {task.code}: {task.title}.", note],
            )
            files.append(
                self._evidence("docx", f"Du thao {task.deliverable}", paper, "Dự thảo sản phẩm")
            )
        self._post(
            author, task, on=on, progress=progress, status="in_progress", note=note, files=files
        )

    def _done(self, task, author, key, spec, completed, late=False):
        start = self.start
        interim = completed - datetime.timedelta(days=_jitter(key, 10, 25))
        if interim > start:
            self._post(
                author,
                task,
                on=interim,
                progress=50,
                status="in_progress",
                note=_pick(NOTES_STARTED, key),
            )
        number = _jitter(key, 12, 480)
        template = spec.result or "{deliverable} (văn bản số {n}/BC ngày {d})"
        result = template.format(n=number, d=_vn_date(completed), deliverable=task.deliverable)
        note = "Đã hoàn thành nhiệm vụ" + (", chậm so với thời hạn." if late else " đúng thời hạn.")
        # The signed paper bears the completion date: the day the update reports.
        paper = paper_for(
            task.lead_unit.code,
            completed,
            result.upper(),
            [
                f"Về việc: {task.title}.",
                f"Sản phẩm: {task.deliverable}.",
                "Nơi nhận: Như trên; Lưu: VT.",
            ],
        )
        files = [self._evidence("pdf", result, paper, "Bản chụp văn bản đã ký")]
        self._post(
            author,
            task,
            on=completed,
            status=TaskStatus.DONE,
            deliverable=result,
            completed_on=completed,
            note=note,
            files=files,
        )
        if zlib.crc32(key.encode()) % 3 == 0:
            services.evidence_add(
                actor=author,
                task=task,
                item=self._evidence(
                    "pdf",
                    f"Bien ban hop {task.code}",
                    paper_for(
                        task.lead_unit.code,
                        completed,
                        "BIÊN BẢN HỌP",
                        [
                            f"Thống nhất kết quả nhiệm vụ {task.code}: {task.title}.",
                            f"Kết quả: {result}.",
                            "Biên bản lập xong hồi 16 giờ 30 cùng ngày, các thành viên dự họp "
                            "thống nhất ký tên.",
                        ],
                    ),
                    "Biên bản họp thống nhất kết quả",
                ),
            )
            self.created["evidence"] += 1

    def _recurring(self, task, author, key, start):
        today = self.today
        # A task carried on all year reports at the end of each month. The demo keeps the
        # last three months that have ended, and the month before each period's cut-off
        # (14/3, 14/6, 14/9), so that every period's report finds the task reported on.
        ends = set()
        day = datetime.date(today.year, today.month, 1) - datetime.timedelta(days=1)
        while day >= start and len(ends) < 3:
            ends.add(day)
            day = day.replace(day=1) - datetime.timedelta(days=1)
        for month in (2, 5, 8):
            day = datetime.date(today.year, month + 1, 1) - datetime.timedelta(days=1)
            if start <= day < today:
                ends.add(day)
        if not ends:
            ends = {today}
        ends = sorted(ends)
        for index, on in enumerate(ends):
            progress = min(90, max(10, round(on.timetuple().tm_yday / 366 * 10) * 10))
            note = _pick(NOTES_RECURRING, key, index).format(m=f"{on.month}/{on.year}")
            files = []
            if index == len(ends) - 1:
                paper = paper_for(
                    task.lead_unit.code,
                    on,
                    f"BÁO CÁO KẾT QUẢ THỰC HIỆN THÁNG {on.month}/{on.year}",
                    [f"Nhiệm vụ {task.code}: {task.title}.", note],
                )
                name = f"Bao cao thang {on.month} nhiem vu {task.code}"
                files.append(self._evidence("docx", name, paper, f"Báo cáo tháng {on.month}"))
            self._post(
                author, task, on=on, progress=progress, status="in_progress", note=note, files=files
            )


def logins() -> list[Login]:
    """The demo's logins, for the command to print."""
    rows = []
    for spec in USERS:
        role = str(Role(spec.role).label) if spec.role else "Quản trị hệ thống"
        unit = UNIT_BY_CODE[spec.unit]
        rows.append(Login(spec.username, spec.full_name, role, unit.short_name or unit.name))
    return rows
