"""On PostgreSQL, a trigram index on the tasks' folded search text: the task list's search
box matches words anywhere in it (`LIKE '%word%'`), which no B-tree can serve; over ten
years of plans the search would read every task otherwise. SQLite has no such index and
reads its one file quickly enough; nothing is done there."""

from django.db import migrations

CREATE = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "CREATE INDEX IF NOT EXISTS task_search_trgm ON plans_task"
    " USING gin (search_text gin_trgm_ops)",
]
DROP = ["DROP INDEX IF EXISTS task_search_trgm"]


def _run(statements):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        for sql in statements:
            schema_editor.execute(sql)

    return run


class Migration(migrations.Migration):
    dependencies = [("plans", "0011_update_state_index")]

    operations = [migrations.RunPython(_run(CREATE), _run(DROP))]
