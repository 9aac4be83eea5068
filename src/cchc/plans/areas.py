"""The seven reform areas of the plan, in the plan's own order (glossary)."""

AREAS = [
    (
        1,
        "Công tác chỉ đạo, điều hành và tuyên truyền về cải cách hành chính",
        "Direction, management and communication of reform",
    ),
    (2, "Cải cách thể chế", "Institutional reform"),
    (3, "Cải cách thủ tục hành chính", "Administrative-procedure reform"),
    (4, "Cải cách tổ chức bộ máy", "Organisational reform"),
    (5, "Cải cách chế độ công vụ", "Civil-service reform"),
    (6, "Cải cách tài chính công", "Public-finance reform"),
    (7, "Xây dựng Chính phủ điện tử, Chính phủ số", "E-Government and digital Government"),
]


def seed_areas(area_model) -> None:
    """Create or refresh the seven areas (used by the data migration and by tests that
    flush the database)."""
    for code, name, name_en in AREAS:
        area_model.objects.update_or_create(code=code, defaults={"name": name, "name_en": name_en})
