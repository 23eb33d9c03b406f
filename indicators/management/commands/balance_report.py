import json

from django.core.management.base import BaseCommand, CommandError
from django.core.serializers.json import DjangoJSONEncoder

from core.choices import RegionLevel
from core.models import Region
from indicators import selectors
from indicators.report_text import render


class Command(BaseCommand):
    help = "输出区县均衡发展监测报告（读取最近一次重算的结果）"

    def add_arguments(self, parser):
        parser.add_argument("--county", required=True, help="区县行政区划代码（6位）")
        parser.add_argument("--year", type=int, help="学年，默认最新已计算学年")
        parser.add_argument("--format", choices=["json", "text"], default="text")

    def handle(self, *args, county, year=None, format="text", **options):
        region = Region.objects.filter(level=RegionLevel.COUNTY, code=county).first()
        if region is None:
            raise CommandError(f"区县 {county} 不存在")
        report = selectors.county_report(region.pk, year)
        if report is None:
            raise CommandError(f"区县 {county} {year or ''} 尚无计算结果，请先运行 manage.py recompute")
        if format == "json":
            self.stdout.write(json.dumps(report, ensure_ascii=False, indent=1, cls=DjangoJSONEncoder))
        else:
            self.stdout.write(render(report), ending="")
