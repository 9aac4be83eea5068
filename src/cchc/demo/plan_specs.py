"""The demo's plans as written: the shape of a plan and of its tasks, the Ministry's plan,
next year's draft, and what the progress entries say."""

from dataclasses import dataclass, field

from cchc.demo.organisation import DEPARTMENT, MINISTRY

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
