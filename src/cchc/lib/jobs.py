"""Background jobs that queue their own next run (the daily reminders, the look for lost
mail): one run waiting at a time, however often the worker starts."""

import datetime

from django_tasks.base import Task
from django_tasks_db.models import DBTaskResult


def enqueue_once(task: Task, run_after: datetime.datetime | None = None) -> bool:
    """Queue a run of `task` unless one is already waiting; True when one was queued."""
    if DBTaskResult.objects.filter(task_path=task.module_path, status="READY").exists():
        return False
    (task.using(run_after=run_after) if run_after else task).enqueue()
    return True
