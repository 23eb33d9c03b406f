"""A page with one chart of every kind core/charts.py builds, for the browser tests.

The numbers are made up but shaped like the portal's: schools against a threshold, class sizes around the
45/50 limits and the 56/66 bands, a trend and a plan trajectory, counties ranked by CV, the share of counties
passing against Henan's 30/80/100 % targets, and seven indicators over four years. The page is served with
`Content-Security-Policy: script-src 'self'`, so an inline script anywhere in the chart path would show up as a
console error (which fails the browser tests).
"""

from pathlib import Path

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.template import engines

from core import charts

TEMPLATE = Path(__file__).with_name("chart_demo.html")
CSP = "script-src 'self'; object-src 'none'; base-uri 'self'"

SCHOOLS = [
    ("城关一小", 5.82),
    ("城关二小", 4.61),
    ("实验小学", 6.40),
    ("北关小学", 3.95),
    ("南关小学", 4.50),
    ("东风小学", 4.49),
    ("西城小学", 5.10),
    ("柳林镇中心小学", 3.20),
    ("高庄小学", 4.98),
    ("马头镇中心小学", None),
    ("李官小学", 7.25),
    ("朱保小学", 4.05),
]
CLASS_SIZES = [38, 41, 42, 43, 44, 44, 45, 45, 45, 46, 47, 48, 50, 52, 55, 56, 57, 58, 61, 66, 67, 71] + [
    40
] * 6
COUNTIES = [
    ("兰山区", 0.412),
    ("罗庄区", 0.388),
    ("河东区", 0.497),
    ("沂南县", 0.451),
    ("郯城县", 0.45),
    ("沂水县", 0.301),
    ("兰陵县", 0.52),
    ("费县", None),
    ("平邑县", 0.439),
]
YEARS = [2021, 2022, 2023, 2024]


def demo_charts() -> list[dict]:
    return [
        charts.bar_against_threshold(
            "小学 生均教学及辅助用房面积",
            "m²",
            [(name, value, None) for name, value in SCHOOLS],
            4.5,
            threshold_label="标准",
            digits=2,
        ),
        charts.histogram(
            "小学 班额分布",
            "人",
            CLASS_SIZES,
            limits=[(45, "小学"), (50, "初中")],
            bands=[(56, 65, "大班额"), (66, None, "超大班额")],
        ),
        charts.line_against_target(
            "城乡本科学历教师比例之比",
            "",
            YEARS,
            [("小学", [1.12, 1.09, 1.07, 1.051]), ("初中", [1.04, 1.03, 1.02, None])],
            planned=[("规划", [None, None, None, 1.051, 1.04, 1.03])],
            target=1.05,
            target_label="上限",
            direction="max",
            deadline=2026,
            deadline_label="2026 目标时限",
            digits=2,
        ),
        charts.ranked_bars(
            "各区县 小学综合差异系数",
            "",
            COUNTIES,
            threshold=0.45,
            threshold_label="上限",
            direction="max",
            digits=3,
        ),
        charts.progress_against_targets(
            "达到优质均衡的区县比例",
            [(2022, 0.05), (2023, 0.10), (2024, 0.18), (2025, 0.296)],
            [(2027, 0.30), (2030, 0.80, "行动方案"), (2035, 1.00)],
            digits=0,
        ),
        charts.small_multiples(
            "实验小学 七项指标",
            YEARS,
            [
                charts.panel("高于规定学历教师数", "人/百名学生", [4.1, 4.3, 4.4, 4.6], threshold=4.2),
                charts.panel("骨干教师数", "人/百名学生", [0.9, 0.95, 1.0, 0.996], threshold=1.0),
                charts.panel("体艺教师数", "人/百名学生", [0.8, 0.85, 0.9, 0.92], threshold=0.9),
                charts.panel("生均教学及辅助用房面积", "m²", [4.2, 4.4, 4.6, 4.7], threshold=4.5),
                charts.panel("生均体育运动场馆面积", "m²", [7.1, 7.3, 7.5, 7.6], threshold=7.5),
                charts.panel("生均教学仪器设备值", "元", [1900, 2100, 2050, 2300], threshold=2000, digits=0),
                charts.panel("网络多媒体教室数", "间/百名学生", [2.0, 2.2, 2.3, 2.4], threshold=2.3),
            ],
        ),
    ]


@login_required
def chart_demo(request):
    template = engines["django"].from_string(TEMPLATE.read_text(encoding="utf-8"))
    response = HttpResponse(template.render({"charts": demo_charts()}, request))
    response["Content-Security-Policy"] = CSP
    return response
