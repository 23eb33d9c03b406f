# Import batches move from the schools app to workbook. Only Django's model state moves: the tables keep their
# names (schools_importbatch and its counties table), so nothing is copied.

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


def _move_content_type(apps, schema_editor, old: str, new: str) -> None:
    ContentType = apps.get_model("contenttypes", "ContentType")
    if not ContentType.objects.filter(app_label=new, model="importbatch").exists():
        ContentType.objects.filter(app_label=old, model="importbatch").update(app_label=new)


def forwards(apps, schema_editor):
    _move_content_type(apps, schema_editor, "schools", "workbook")


def backwards(apps, schema_editor):
    _move_content_type(apps, schema_editor, "workbook", "schools")


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
        ("contenttypes", "0002_remove_content_type_name"),
        ("core", "0001_initial"),
        ("schools", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="ImportBatch",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        ("created_at", models.DateTimeField(auto_now_add=True, verbose_name="上传时间")),
                        ("finished_at", models.DateTimeField(blank=True, null=True, verbose_name="完成时间")),
                        ("file", models.FileField(upload_to="imports/%Y/%m/", verbose_name="文件")),
                        ("file_name", models.CharField(max_length=255, verbose_name="文件名")),
                        ("sha256", models.CharField(max_length=64, verbose_name="文件哈希")),
                        ("status", models.CharField(choices=[("pending", "等待中"), ("validating", "校验中"), ("preview", "待确认"), ("running", "导入中"), ("done", "已完成"), ("rejected", "已拒绝"), ("failed", "失败")], default="pending", max_length=12, verbose_name="状态")),
                        ("counts", models.JSONField(blank=True, default=dict, verbose_name="各表行数")),
                        ("errors", models.JSONField(blank=True, default=list, verbose_name="错误")),
                        ("error_report", models.FileField(blank=True, upload_to="imports/errors/%Y/%m/", verbose_name="错误报告")),
                        ("rows_total", models.PositiveIntegerField(default=0, verbose_name="总行数")),
                        ("rows_done", models.PositiveIntegerField(default=0, verbose_name="已处理行数")),
                        ("current_sheet", models.CharField(blank=True, max_length=50, verbose_name="当前工作表")),
                        ("message", models.TextField(blank=True, verbose_name="信息")),
                        ("created_by", models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name="+", to=settings.AUTH_USER_MODEL, verbose_name="导入人")),
                        ("counties", models.ManyToManyField(blank=True, related_name="+", to="core.region", verbose_name="涉及区县")),
                    ],
                    options={
                        "verbose_name": "导入批次",
                        "verbose_name_plural": "导入批次",
                        "ordering": ["-created_at"],
                        "db_table": "schools_importbatch",
                    },
                ),
            ],
            database_operations=[],
        ),
        migrations.RunPython(forwards, backwards),
    ]
