"""manage.py generate_scale --counties 120: a synthetic province for benchmarks (see schools/scale.py)."""

import time

from django.core.management.base import BaseCommand, CommandError

from workbook.scale import ScaleSpec, delete_province, generate


class Command(BaseCommand):
    help = "生成模拟省份数据（区县、学校、班级、教师），用于性能测试。Generate a synthetic province for benchmarks."

    def add_arguments(self, parser):
        parser.add_argument("--counties", type=int, required=True, help="number of counties")
        parser.add_argument("--schools-per-county", type=int, default=125)
        parser.add_argument(
            "--teachers-per-school", type=int, default=40, help="mean; each school varies ±50 %%"
        )
        parser.add_argument(
            "--classes-per-school", type=int, default=20, help="mean; each school varies ±50 %%"
        )
        parser.add_argument("--counties-per-city", type=int, default=10)
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--year", type=int, default=2024)
        parser.add_argument(
            "--province-code", default="980000", help="six digits ending in 0000 (default 980000)"
        )
        parser.add_argument("--replace", action="store_true", help="delete this province first if it exists")

    def handle(self, *args, **options):
        try:
            spec = ScaleSpec(
                counties=options["counties"],
                schools_per_county=options["schools_per_county"],
                teachers_per_school=options["teachers_per_school"],
                classes_per_school=options["classes_per_school"],
                counties_per_city=options["counties_per_city"],
                seed=options["seed"],
                year=options["year"],
                province_code=options["province_code"],
            )
        except ValueError as error:
            raise CommandError(str(error)) from error
        started = time.perf_counter()
        if options["replace"]:
            removed = delete_province(spec.province_code)
            if removed:
                self.stdout.write(f"removed the previous province {spec.province_code} ({removed} schools)")

        def progress(message: str) -> None:
            self.stdout.write(f"[{time.perf_counter() - started:7.1f}s] {message}")

        try:
            counts = generate(spec, progress)
        except ValueError as error:
            raise CommandError(str(error)) from error
        summary = ", ".join(f"{name} {count}" for name, count in counts.items())
        self.stdout.write(self.style.SUCCESS(f"done in {time.perf_counter() - started:.1f}s: {summary}"))
