# Regions moved to the core app (same table): only the state of the foreign keys changes.

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("indicators", "0005_results_json_with_orjson"),
        ("core", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="countyresult",
                    name="county",
                    field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="indicator_results", to="core.region", verbose_name="区县"),
                ),
                migrations.AlterField(
                    model_name="regionrollup",
                    name="region",
                    field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="indicator_rollups", to="core.region"),
                ),
            ],
            database_operations=[],
        ),
    ]
