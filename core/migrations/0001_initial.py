# Regions move from the schools app to core (the bottom layer). Only Django's model state moves: the table keeps
# its name (schools_region, see Region.Meta.db_table), so nothing is copied and no foreign key changes.

import django.core.validators
import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


def _move_content_type(apps, schema_editor, old: str, new: str) -> None:
    ContentType = apps.get_model("contenttypes", "ContentType")
    if not ContentType.objects.filter(app_label=new, model="region").exists():
        ContentType.objects.filter(app_label=old, model="region").update(app_label=new)


def forwards(apps, schema_editor):
    _move_content_type(apps, schema_editor, "schools", "core")


def backwards(apps, schema_editor):
    _move_content_type(apps, schema_editor, "core", "schools")


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
        ("contenttypes", "0002_remove_content_type_name"),
        ("schools", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="Region",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        ("created_at", models.DateTimeField(auto_now_add=True, verbose_name="创建时间")),
                        ("updated_at", models.DateTimeField(auto_now=True, verbose_name="更新时间")),
                        ("code", models.CharField(max_length=6, unique=True, validators=[django.core.validators.RegexValidator("^\\d{6}$", "行政区划代码应为6位数字")], verbose_name="行政区划代码")),
                        ("name", models.CharField(max_length=100, verbose_name="名称")),
                        ("level", models.CharField(choices=[("province", "省"), ("city", "市"), ("county", "县")], max_length=10, verbose_name="层级")),
                        ("parent", models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name="children", to="core.region", verbose_name="上级")),
                        ("updated_by", models.ForeignKey(blank=True, editable=False, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name="+", to=settings.AUTH_USER_MODEL, verbose_name="最后修改人")),
                    ],
                    options={
                        "verbose_name": "行政区",
                        "verbose_name_plural": "行政区",
                        "ordering": ["code"],
                        "db_table": "schools_region",
                    },
                ),
            ],
            database_operations=[],
        ),
        migrations.RunPython(forwards, backwards),
    ]
