"""python manage.py import_workbook PATH [--dry-run] [--user USERNAME]"""

import json

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from audit.context import importing
from workbook.importer import import_workbook


class Command(BaseCommand):
    help = "导入标准数据模板（.xlsx、CSV 文件夹或 .zip）。整份文件校验通过才写入。"

    def add_arguments(self, parser):
        parser.add_argument("path")
        parser.add_argument("--dry-run", action="store_true", help="只校验并统计，不写入")
        parser.add_argument("--user", help="以该用户的权限导入（默认：系统，不限区县）")
        parser.add_argument("--json", action="store_true", help="以 JSON 输出结果")

    def handle(self, path, dry_run=False, user=None, json=False, **options):
        account = None
        if user:
            account = get_user_model().objects.filter(username=user).first()
            if account is None:
                raise CommandError(f"用户不存在：{user}")
        with importing(None, user=account):
            result = import_workbook(path, user=account, dry_run=dry_run)
        if json:
            self.stdout.write(_json(result.as_dict()))
        else:
            for sheet, counts in result.counts.items():
                self.stdout.write(
                    f"{result.sheet_names.get(sheet, sheet)}: 新增 {counts['created']}，更新 {counts['updated']}，"
                    f"未变 {counts['unchanged']}，删除 {counts['deleted']}"
                )
            for error in result.errors:
                where = "，".join(
                    str(x)
                    for x in (error["sheet"], error["row"] and f"第 {error['row']} 行", error["column"])
                    if x
                )
                value = f"「{error['value']}」" if error["value"] else ""
                self.stderr.write(f"{where}：{value}{error['message']}" if where else error["message"])
        if not result.ok:
            raise CommandError(
                f"导入被拒绝：共 {len(result.errors) + result.truncated_errors} 处问题，未写入任何数据。"
            )
        self.stdout.write(self.style.SUCCESS("校验通过（未写入）。" if dry_run else "导入完成。"))


def _json(data) -> str:
    return json.dumps(data, ensure_ascii=False, default=str, indent=2)
