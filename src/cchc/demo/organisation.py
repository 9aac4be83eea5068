"""The demo's organisation: the Ministry, the General Political Department and its agencies,
their people, and the demo password (for demo data only; never use it anywhere else)."""

from dataclasses import dataclass

from cchc.orgs.models import Role

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
