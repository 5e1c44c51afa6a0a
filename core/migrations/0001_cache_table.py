"""Create the database cache table (the default cache, shared by every process).

A migration rather than a separate `createcachetable` step, so that every database that is
migrated, test databases included, has it. It does nothing when the cache is Redis.
"""

from django.core.management import call_command
from django.db import migrations


def create_cache_table(apps, schema_editor):
    call_command("createcachetable", database=schema_editor.connection.alias, verbosity=0)


class Migration(migrations.Migration):
    dependencies = []
    operations = [migrations.RunPython(create_cache_table, migrations.RunPython.noop)]
