from collections.abc import Sequence

from django.db.models import QuerySet

from .models import AuditEvent


def object_history(*, obj, extra: Sequence[tuple[str, list]] = ()) -> QuerySet[AuditEvent]:
    """Events about `obj` (and, through `extra`, about related objects: (type, ids))."""
    from django.db.models import Q

    q = Q(object_type=obj._meta.label_lower, object_id=str(obj.pk))
    for object_type, ids in extra:
        q |= Q(object_type=object_type, object_id__in=[str(i) for i in ids])
    return AuditEvent.objects.filter(q).select_related("actor").order_by("-id")
