"""python manage.py export_workbook --county CODE [--year YYYY] [--format xlsx|csv|template|report] OUTPUT"""

from django.core.management.base import BaseCommand, CommandError

from core.models import Region
from workbook import exporters


class Command(BaseCommand):
    help = "导出区县数据为标准数据模板（.xlsx 或 CSV 压缩包），或导出空模板、监测报告。"

    def add_arguments(self, parser):
        parser.add_argument("output")
        parser.add_argument("--county", action="append", default=[], help="区县代码（可重复）")
        parser.add_argument("--year", type=int)
        parser.add_argument("--format", choices=["xlsx", "csv", "template", "report"], default="xlsx")

    def handle(self, output, county, year=None, format="xlsx", **options):
        if format == "template":
            exporters.write_template(output)
            return
        counties = list(Region.objects.filter(code__in=county, level="county"))
        if not counties or len(counties) != len(set(county)):
            raise CommandError("请用 --county 指定存在的区县代码")
        ids = [c.pk for c in counties]
        if format == "report":
            from indicators.selectors import county_report

            report = county_report(ids[0], year)
            if report is None:
                raise CommandError("该区县尚无计算结果")
            exporters.write_report_workbook(output, report)
        elif format == "csv":
            exporters.write_county_csv_zip(output, ids, year)
        else:
            exporters.write_county_workbook(output, ids, year)
        self.stdout.write(self.style.SUCCESS(f"已导出：{output}"))
