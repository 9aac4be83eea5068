"""The General Political Department's plan, concretising the Ministry's for its agencies."""

from cchc.demo.organisation import DEPARTMENT
from cchc.demo.plan_specs import PlanSpec, TaskSpec

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
