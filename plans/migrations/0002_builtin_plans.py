"""Load the four built-in plans transcribed from the seeds (plans/builtin.py)."""

from django.db import migrations

from plans import builtin


class Migration(migrations.Migration):
    dependencies = [
        ("plans", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(builtin.load, builtin.unload),
    ]
