"""The last line of defence against double booking, on PostgreSQL only.

An exclusion constraint over `daterange(start_date, end_date, '[]')` for exclusive,
non-cancelled leases of the same unit. It cannot sit in `Meta.constraints`: SQLite's
`migrate` fails on EXCLUDE. So the btree_gist extension and the constraint are added here,
and only when the database is PostgreSQL; on SQLite the service's lock (IMMEDIATE
transactions) holds the rule alone.
"""

from django.contrib.postgres.constraints import ExclusionConstraint
from django.contrib.postgres.fields import DateRangeField, RangeOperators
from django.db import migrations, models
from django.db.models import Func, Q

CONSTRAINT_NAME = "lease_no_overlap"


class DateRange(Func):
    function = "DATERANGE"
    output_field = DateRangeField()


def lease_no_overlap() -> ExclusionConstraint:
    return ExclusionConstraint(
        name=CONSTRAINT_NAME,
        expressions=[
            ("unit", RangeOperators.EQUAL),
            (DateRange("start_date", "end_date", models.Value("[]")), RangeOperators.OVERLAPS),
        ],
        condition=Q(is_exclusive=True, cancelled_at__isnull=True),
        violation_error_code="unit_unavailable",
    )


def add_constraint(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS btree_gist")
    schema_editor.add_constraint(apps.get_model("park", "Lease"), lease_no_overlap())


def remove_constraint(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.remove_constraint(apps.get_model("park", "Lease"), lease_no_overlap())


class Migration(migrations.Migration):
    dependencies = [("park", "0001_initial")]
    operations = [migrations.RunPython(add_constraint, remove_constraint)]
