"""The last line of defence against double booking a meeting room, on PostgreSQL only.

An exclusion constraint over `tstzrange(starts_at, ends_at, '[)')` for confirmed bookings of
the same unit: half-open, so one booking may start when another ends. It cannot sit in
`Meta.constraints` (SQLite's `migrate` fails on EXCLUDE), so it is added here and only on
PostgreSQL; on SQLite the service's lock (IMMEDIATE transactions) holds the rule alone.
`BtreeGistExtension` does nothing on other databases; park's lease constraint needs the
extension too, so undoing this migration leaves it installed.
"""

from django.contrib.postgres.constraints import ExclusionConstraint
from django.contrib.postgres.fields import DateTimeRangeField, RangeOperators
from django.contrib.postgres.operations import BtreeGistExtension
from django.db import migrations, models
from django.db.models import Func, Q

CONSTRAINT_NAME = "booking_no_overlap"


class TsTzRange(Func):
    function = "TSTZRANGE"
    output_field = DateTimeRangeField()


class KeepBtreeGist(BtreeGistExtension):
    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        pass  # park's lease_no_overlap uses it as well


def booking_no_overlap() -> ExclusionConstraint:
    return ExclusionConstraint(
        name=CONSTRAINT_NAME,
        expressions=[
            ("unit", RangeOperators.EQUAL),
            (TsTzRange("starts_at", "ends_at", models.Value("[)")), RangeOperators.OVERLAPS),
        ],
        condition=Q(status="confirmed"),
        violation_error_code="unit_unavailable",
    )


def add_constraint(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.add_constraint(apps.get_model("bookings", "Booking"), booking_no_overlap())


def remove_constraint(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.remove_constraint(apps.get_model("bookings", "Booking"), booking_no_overlap())


class Migration(migrations.Migration):
    dependencies = [("bookings", "0001_initial")]
    operations = [
        KeepBtreeGist(),
        migrations.RunPython(add_constraint, remove_constraint),
    ]
