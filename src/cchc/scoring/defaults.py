"""The example criteria set the office creates on demand (“Tạo bộ tiêu chí mẫu”): the
plan's seven areas on 100 points, shaped like the ministries' PAR index (Quyết định
876/QĐ-BNV: criteria under each area, some with sub-criteria, a part from a survey), with
one ratio criterion per data source. It is an example to adapt, not a rule: the ministry's
own criteria are not public."""

from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext_lazy as _

DEFAULT_BANDS = "100:1; 80:0,5; 0:0"
EXAMPLE_NOTE = _("Bộ tiêu chí mẫu — cần điều chỉnh cho phù hợp")


@dataclass(frozen=True)
class Spec:
    code: str
    title: str
    max_points: Decimal
    method: str = ""
    ratio_source: str = ""
    guidance: str = ""
    evidence_required: str = ""

    @property
    def bands(self) -> str:
        return DEFAULT_BANDS if self.method == "ratio" else ""


def _s(code, title, points, method="", source="", guidance="", evidence=""):
    return Spec(code, str(title), Decimal(points), method, source, str(guidance), str(evidence))


RATIO_GUIDE = _(
    "Tính từ số liệu tại ngày chốt của năm: đạt 100 % được điểm tối đa, từ 80 % "
    "được một nửa, dưới 80 % không có điểm."
)
YES_NO_GUIDE = _("Có, đúng quy định: điểm tối đa; không có: 0 điểm.")


def criteria_specs() -> list[Spec]:
    """The example tree below the areas (the areas' titles come from plans.Area)."""
    return [
        _s(
            "1.1",
            _("Ban hành kế hoạch CCHC năm đúng hạn"),
            "2",
            "yes_no",
            "",
            YES_NO_GUIDE,
            _("Kế hoạch CCHC năm đã ký"),
        ),
        _s("1.2", _("Thực hiện kế hoạch CCHC năm"), "6"),
        _s(
            "1.2.1",
            _("Tỷ lệ nhiệm vụ hoàn thành đúng hạn"),
            "4",
            "ratio",
            "tasks_on_time",
            RATIO_GUIDE,
            _("Tính từ dữ liệu nhiệm vụ"),
        ),
        _s(
            "1.2.2",
            _("Tỷ lệ nhiệm vụ được xác nhận hoàn thành ngay lần đầu"),
            "2",
            "ratio",
            "first_time_confirmed",
            RATIO_GUIDE,
            _("Tính từ dữ liệu xác nhận hoàn thành"),
        ),
        _s(
            "1.3",
            _("Báo cáo CCHC định kỳ gửi đúng hạn"),
            "2",
            "ratio",
            "reports_on_time",
            RATIO_GUIDE,
            _("Tính từ dữ liệu kỳ báo cáo"),
        ),
        _s("1.4", _("Kiểm tra CCHC"), "2"),
        _s(
            "1.4.1",
            _("Ban hành và thực hiện kế hoạch kiểm tra"),
            "1",
            "yes_no",
            "",
            YES_NO_GUIDE,
            _("Kế hoạch kiểm tra, biên bản kiểm tra"),
        ),
        _s(
            "1.4.2",
            _("Tỷ lệ kiến nghị sau kiểm tra được xử lý xong đúng hạn"),
            "1",
            "ratio",
            "findings_closed",
            RATIO_GUIDE,
            _("Tính từ dữ liệu kiểm tra"),
        ),
        _s(
            "1.5",
            _("Tuyên truyền CCHC"),
            "2",
            "manual",
            "",
            _("Chấm theo số hình thức và mức độ thường xuyên."),
            _("Tin, bài, kế hoạch tuyên truyền"),
        ),
        _s("2.1", _("Xây dựng, ban hành văn bản theo kế hoạch"), "4", "manual"),
        _s(
            "2.2",
            _("Rà soát, hệ thống hóa văn bản"),
            "3",
            "yes_no",
            "",
            YES_NO_GUIDE,
            _("Báo cáo kết quả rà soát"),
        ),
        _s("2.3", _("Kiểm tra, xử lý văn bản trái quy định"), "3", "manual"),
        _s("2.4", _("Theo dõi thi hành pháp luật"), "3", "manual"),
        _s("3.1", _("Công bố, công khai thủ tục hành chính"), "3", "yes_no", "", YES_NO_GUIDE),
        _s("3.2", _("Thực hiện cơ chế một cửa, một cửa liên thông"), "6"),
        _s("3.2.1", _("Tổ chức bộ phận một cửa đúng quy định"), "3", "manual"),
        _s("3.2.2", _("Tỷ lệ hồ sơ giải quyết đúng hạn"), "3", "manual"),
        _s("3.3", _("Tiếp nhận, xử lý phản ánh, kiến nghị"), "2", "manual"),
        _s("3.4", _("Mức độ hài lòng về giải quyết thủ tục hành chính"), "4", "survey"),
        _s("4.1", _("Sắp xếp tổ chức bộ máy theo quy định"), "4", "manual"),
        _s("4.2", _("Thực hiện quy định về biên chế"), "3", "yes_no", "", YES_NO_GUIDE),
        _s("4.3", _("Phân cấp, ủy quyền"), "3", "manual"),
        _s("4.4", _("Đánh giá về tổ chức bộ máy"), "2", "survey"),
        _s("5.1", _("Xác định và thực hiện vị trí việc làm"), "3", "yes_no", "", YES_NO_GUIDE),
        _s("5.2", _("Tuyển dụng, bổ nhiệm đúng quy định"), "3", "manual"),
        _s("5.3", _("Đào tạo, bồi dưỡng cán bộ"), "3", "manual"),
        _s("5.4", _("Kỷ luật, kỷ cương hành chính"), "3", "manual"),
        _s("5.5", _("Đánh giá về đội ngũ cán bộ"), "2", "survey"),
        _s("6.1", _("Quản lý tài chính, ngân sách"), "6"),
        _s("6.1.1", _("Lập, giao dự toán đúng hạn"), "2", "yes_no", "", YES_NO_GUIDE),
        _s("6.1.2", _("Công khai ngân sách"), "2", "yes_no", "", YES_NO_GUIDE),
        _s("6.1.3", _("Thực hành tiết kiệm, chống lãng phí"), "2", "manual"),
        _s("6.2", _("Quản lý, sử dụng tài sản công"), "3", "manual"),
        _s("6.3", _("Thực hiện cơ chế tự chủ"), "3", "manual"),
        _s("7.1", _("Hạ tầng, nền tảng số"), "6"),
        _s("7.1.1", _("Hạ tầng kỹ thuật, nền tảng dùng chung"), "3", "manual"),
        _s("7.1.2", _("Bảo đảm an toàn thông tin"), "3", "yes_no", "", YES_NO_GUIDE),
        _s("7.2", _("Cung cấp dịch vụ công trực tuyến"), "5", "manual"),
        _s("7.3", _("Quản lý văn bản điện tử, chữ ký số"), "5"),
        _s("7.3.1", _("Tỷ lệ văn bản gửi, nhận điện tử"), "3", "manual"),
        _s("7.3.2", _("Sử dụng chữ ký số"), "2", "yes_no", "", YES_NO_GUIDE),
        _s("7.4", _("Mức độ hài lòng về dịch vụ số"), "4", "survey"),
    ]


def example_specs(area_names: dict[int, str]) -> list[Spec]:
    """The whole example tree: each area on the sum of its criteria, then the criteria."""
    below = criteria_specs()
    areas = [
        Spec(
            str(code),
            name,
            sum(
                (
                    s.max_points
                    for s in below
                    if s.code.count(".") == 1 and s.code.startswith(f"{code}.")
                ),
                Decimal("0"),
            ),
        )
        for code, name in sorted(area_names.items())
    ]
    return areas + below
