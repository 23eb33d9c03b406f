# Regions moved to the core app (same table): only the state of the foreign key changes.

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("plans", "0002_builtin_plans"),
        ("core", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="project",
                    name="county",
                    field=models.ForeignKey(blank=True, limit_choices_to={"level": "county"}, null=True, on_delete=django.db.models.deletion.PROTECT, related_name="plan_projects", to="core.region", verbose_name="实施区县"),
                ),
            ],
            database_operations=[],
        ),
    ]
