from django.core.management.base import BaseCommand, CommandError

from core.choices import RegionLevel
from core.models import Region
from indicators import runs


class Command(BaseCommand):
    help = "重算区县均衡指标（默认全部区县、各自最新学年）"

    def add_arguments(self, parser):
        parser.add_argument("--county", help="区县行政区划代码（6位）")
        parser.add_argument("--year", type=int, help="学年，默认各区县最新学年")

    def handle(self, *args, county=None, year=None, **options):
        counties = Region.objects.filter(level=RegionLevel.COUNTY).order_by("code")
        if county:
            counties = counties.filter(code=county)
            if not counties.exists():
                raise CommandError(f"区县 {county} 不存在")
        run = runs.recompute_many(counties.values_list("pk", flat=True), year, trigger=runs.Trigger.COMMAND)
        codes = dict(counties.values_list("pk", "code"))
        for county_id, outcome in sorted(run.counties.items()):
            code = codes.get(int(county_id), county_id)
            self.stdout.write(
                f"{code}: {outcome['status']}" + (f" — {outcome['error']}" if "error" in outcome else "")
            )
        self.stdout.write(f"重算记录 #{run.pk}：{run.get_status_display()}")
        if run.status == run.Status.FAILED:
            raise CommandError("重算失败")
