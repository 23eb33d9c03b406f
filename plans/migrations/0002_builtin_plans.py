"""Load the four built-in plans transcribed from the seeds: the data files of plans/data/0002_builtin_plans/.

The data are frozen rather than read from whatever plans/data holds today: this migration must give a fresh
database the same plans in 2030 as it did when it was written, and a change made by editing the files in place
would reach fresh databases only, never the ones already migrated. So the directory belongs to this migration,
SNAPSHOT_SHA256 records its content (tests/plans/test_builtin_data.py compares them), and a correction goes in a
new directory loaded by a new data migration. plans.builtin.load is kept stable for the same reason (see there).
"""

from django.db import migrations

from plans import builtin

SNAPSHOT = "0002_builtin_plans"
SNAPSHOT_SHA256 = "960b07fcbcaa1a5876819da2f0fe732ade527300897eacf1d37633d98612b2cf"


class Migration(migrations.Migration):
    dependencies = [
        ("plans", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(*builtin.operations(SNAPSHOT)),
    ]
