"""One depth limit for the unit tree, the same on SQLite and PostgreSQL (issue 9)."""

import pytest
from django.core.exceptions import ValidationError

from cchc.orgs import services
from cchc.orgs.models import MAX_UNIT_DEPTH, Unit


def test_units_nest_to_the_limit_and_no_deeper(db):
    parent = None
    for level in range(1, MAX_UNIT_DEPTH + 1):
        parent = services.unit_create(
            actor=None, code=f"U{level}", name=f"Cấp {level}", parent=parent
        )
    deepest = Unit.objects.get(pk=parent.pk)
    assert deepest.path.count("/") - 1 == MAX_UNIT_DEPTH
    assert len(deepest.path) <= Unit._meta.get_field("path").max_length
    with pytest.raises(ValidationError) as refused:
        services.unit_create(actor=None, code="TOO-DEEP", name="Quá sâu", parent=deepest)
    assert f"cấp {MAX_UNIT_DEPTH}" in refused.value.message_dict["parent"][0]
    assert not Unit.objects.filter(code="TOO-DEEP").exists()
