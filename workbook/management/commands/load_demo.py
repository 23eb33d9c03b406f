"""`python manage.py load_demo [--seed N] [--if-empty] [--reset]`: the demo city, its data and four demo accounts."""

import time
import unicodedata

from django.core.management import call_command, get_commands
from django.core.management.base import BaseCommand, CommandError

from accounts.models import Role
from schools.models import School
from workbook import demo


def _width(text: str) -> int:
    """Columns a terminal uses for text: Chinese characters take two."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _pad(text: str, width: int) -> str:
    return text + " " * (width - _width(text))


class Command(BaseCommand):
    help = (
        "生成演示数据：临沂市三个区县约120所学校、2023和2024学年的数据，以及四个演示账号（密码 demo12345）。"
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--seed", type=int, default=demo.DEFAULT_SEED, help="随机种子；同一种子生成完全相同的数据"
        )
        parser.add_argument("--if-empty", action="store_true", help="数据库中已有任何学校时什么也不做")
        parser.add_argument(
            "--reset", action="store_true", help="先删除演示区县已有的学校和区县数据，再重新生成"
        )
        parser.add_argument("--skip-recompute", action="store_true", help="生成后不重新计算指标")
        parser.add_argument("--url", default="http://127.0.0.1:8000/", help="提示用户打开的门户地址")

    def handle(self, *args, seed, if_empty, reset, skip_recompute, url, **options):
        if if_empty and School.objects.exists():
            self.stdout.write("数据库中已有学校数据，未生成演示数据。")
            # A second `make run` should still tell the user how to log in, if the demo accounts are there.
            self._print_accounts(url, demo.existing_accounts())
            return
        if demo.demo_counties_have_data():
            if not reset:
                raise CommandError(
                    "演示区县已有学校数据。使用 --reset 删除后重新生成，或使用 --if-empty 跳过。"
                )
            demo.clear()
        started = time.monotonic()
        summary = demo.build(seed)
        elapsed = time.monotonic() - started
        counts = "，".join(f"{name} {count}" for name, count in summary.counts.items())
        self.stdout.write(
            self.style.SUCCESS(f"演示数据已生成（种子 {seed}，用时 {elapsed:.1f} 秒）：{counts}")
        )

        if not skip_recompute and "recompute" in get_commands():
            for year in demo.YEARS:  # both years, so that trends have a past to compare with
                self.stdout.write(f"正在重新计算 {year} 学年指标……")
                call_command("recompute", year=year, stdout=self.stdout, stderr=self.stderr)

        self._print_accounts(url, summary.accounts)

    def _print_accounts(self, url: str, accounts: list[dict]) -> None:
        if not accounts:
            return
        self.stdout.write(f"\n打开 {url} ，使用以下演示账号登录：\n")
        rows = [("用户名", "密码", "角色", "区域")]
        rows += [
            (a["username"], demo.DEMO_PASSWORD, str(Role(a["role"]).label), a["region"]) for a in accounts
        ]
        widths = [max(_width(r[i]) for r in rows) + 2 for i in range(3)]
        for row in rows:
            self.stdout.write(
                "  " + "".join(_pad(cell, width) for cell, width in zip(row, widths, strict=False)) + row[3]
            )
