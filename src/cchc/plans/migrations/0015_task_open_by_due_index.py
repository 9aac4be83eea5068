"""The open tasks of every plan by deadline, in a partial index that holds every column a
scope and a count read: the overdue tasks of the whole tree are counted from it alone. With
ten years of plans PostgreSQL read all 600,000 tasks for that count (108 of the page's
200 ms); the index holds only the open ones."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("orgs", "0005_unit_alias_owner"),
        ("plans", "0014_task_plan_lead_status_index"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="task",
            index=models.Index(
                condition=models.Q(status__in=["not_started", "in_progress"]),
                fields=["due_date", "is_recurring", "plan", "lead_unit", "status", "id"],
                name="task_open_by_due",
            ),
        ),
    ]
