from django.db import migrations, models


def fill_before_from(apps, schema_editor):
    """Each move's `before_from` is the day of the task's move before it (by day, then by
    the order they were written)."""
    DueDateChange = apps.get_model("plans", "DueDateChange")
    previous: dict[int, object] = {}
    changed = []
    moves = DueDateChange.objects.order_by("task_id", "changed_on", "id")
    for move in moves.only("id", "task_id", "changed_on").iterator(chunk_size=2000):
        move.before_from = previous.get(move.task_id)
        previous[move.task_id] = move.changed_on
        if move.before_from is not None:
            changed.append(move)
    DueDateChange.objects.bulk_update(changed, ["before_from"], batch_size=500)


class Migration(migrations.Migration):
    dependencies = [
        ("plans", "0015_task_open_by_due_index"),
    ]

    operations = [
        migrations.AddField(
            model_name="duedatechange",
            name="before_from",
            field=models.DateField(blank=True, editable=False, null=True),
        ),
        migrations.RunPython(fill_before_from, migrations.RunPython.noop),
    ]
