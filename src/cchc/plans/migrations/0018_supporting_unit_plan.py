"""The supporting units become a model of their own (`SupportingUnit`, the same table) that
carries the task's plan, indexed by (unit, plan, task): a focal officer's tasks of one plan
were found among the tasks their units supported in every year (with ten years of plans
the list of this year's plan read ten times the links it needed). The new index replaces
the (unit, task) one of 0013, which it covers."""

import django.db.models.deletion
from django.db import migrations, models

FILL_PLAN = (
    "UPDATE plans_task_supporting_units SET plan_id = "
    "(SELECT plan_id FROM plans_task WHERE plans_task.id = plans_task_supporting_units.task_id)"
)


class Migration(migrations.Migration):
    dependencies = [
        ("orgs", "0005_unit_alias_owner"),
        ("plans", "0017_task_list_order"),
    ]

    operations = [
        # The table, its columns and their indexes stay as Django made them for the field.
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="SupportingUnit",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        (
                            "task",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE, to="plans.task"
                            ),
                        ),
                        (
                            "unit",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE, to="orgs.unit"
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "cơ quan phối hợp",
                        "verbose_name_plural": "cơ quan phối hợp",
                        "db_table": "plans_task_supporting_units",
                        "unique_together": {("task", "unit")},
                    },
                ),
                migrations.AlterField(
                    model_name="task",
                    name="supporting_units",
                    field=models.ManyToManyField(
                        blank=True,
                        related_name="supported_tasks",
                        through="plans.SupportingUnit",
                        to="orgs.unit",
                        verbose_name="cơ quan phối hợp",
                    ),
                ),
            ],
            database_operations=[],
        ),
        # First, and made again last on the way back: SQLite rebuilds the table when a column
        # is added or made required, and a rebuilt table keeps only the indexes the model
        # declares, not this one made in SQL.
        migrations.RunSQL(
            "DROP INDEX IF EXISTS supporting_unit_task",
            "CREATE INDEX supporting_unit_task ON plans_task_supporting_units (unit_id, task_id)",
        ),
        migrations.AddField(
            model_name="supportingunit",
            name="plan",
            field=models.ForeignKey(
                db_index=False,
                editable=False,
                null=True,
                on_delete=django.db.models.deletion.CASCADE,
                to="plans.plan",
            ),
        ),
        migrations.RunSQL(FILL_PLAN, migrations.RunSQL.noop),
        migrations.AlterField(
            model_name="supportingunit",
            name="plan",
            field=models.ForeignKey(
                db_index=False,
                editable=False,
                on_delete=django.db.models.deletion.CASCADE,
                to="plans.plan",
            ),
        ),
        migrations.AddIndex(
            model_name="supportingunit",
            index=models.Index(fields=["unit", "plan", "task"], name="supporting_unit_plan"),
        ),
    ]
