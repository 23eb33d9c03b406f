# Regions moved to core and import batches to workbook (same tables): the schools app's foreign keys now point at
# core.Region, and both models leave this app's state. No database operation.

import django.db.models.deletion
from django.db import migrations, models


def county_fk(related_name: str, on_delete):
    return models.ForeignKey(limit_choices_to={"level": "county"}, on_delete=on_delete, related_name=related_name, to="core.region", verbose_name="区县")


class Migration(migrations.Migration):
    dependencies = [
        ("schools", "0001_initial"),
        ("core", "0001_initial"),
        ("workbook", "0001_initial"),
        # every other app's foreign key to the region points at core first, so the old state can go
        ("accounts", "0003_region_in_core"),
        ("indicators", "0006_region_in_core"),
        ("plans", "0003_region_in_core"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField("school", "county", county_fk("schools", django.db.models.deletion.PROTECT)),
                migrations.AlterField("countyyear", "county", county_fk("county_years", django.db.models.deletion.CASCADE)),
                migrations.AlterField("monitoring", "county", county_fk("monitoring", django.db.models.deletion.CASCADE)),
                migrations.AlterField("declaration", "county", county_fk("declarations", django.db.models.deletion.CASCADE)),
                migrations.DeleteModel("ImportBatch"),
                migrations.DeleteModel("Region"),
            ],
            database_operations=[],
        ),
    ]
