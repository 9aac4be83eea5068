from django.apps import AppConfig, apps
from django.db.models.signals import post_migrate

from cchc.lib.dbstats import statistics_refresh


class OpsConfig(AppConfig):
    name = "cchc.ops"
    label = "ops"
    verbose_name = "Vận hành"

    def ready(self) -> None:
        # Once per migrate (for one app that has models: ops has none), after every app's
        # migrations ran.
        post_migrate.connect(
            after_migrate, sender=apps.get_app_config("plans"), dispatch_uid="cchc.ops.stats"
        )


def after_migrate(*, plan=None, using: str = "default", **kwargs) -> None:
    """A migration that ran may have added an index or changed a table: read the planner's
    statistics again (SQLite's documentation asks for it after a schema change). Not after
    `flush` (no plan) nor when nothing was migrated."""
    if plan:
        statistics_refresh(using=using)
