"""The table of the default cache (settings.CACHES: the database unless CACHE_URL names
another), made by `migrate` so that a fresh installation needs no `createcachetable`. It
is made whatever the cache in use, so that switching to it later needs nothing either."""

from django.conf import settings
from django.core.management.commands.createcachetable import Command as CreateCacheTable
from django.db import migrations


def create(apps, schema_editor):
    command = CreateCacheTable()
    command.verbosity = 0
    command.create_table(schema_editor.connection.alias, settings.CCHC_CACHE_TABLE, False)


def drop(apps, schema_editor):
    name = schema_editor.connection.ops.quote_name(settings.CCHC_CACHE_TABLE)
    schema_editor.execute(f"DROP TABLE IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [("api", "0002_idempotency_created")]

    operations = [migrations.RunPython(create, drop)]
