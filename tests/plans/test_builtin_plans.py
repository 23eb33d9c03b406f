"""The four built-in plans arrive with the migrations, transcribed from the seeds, gaps left as 待补充."""

from decimal import Decimal

import pytest

from plans import selectors
from plans.models import Plan

pytestmark = pytest.mark.django_db


def test_linyi_plan_has_twelve_tasks_in_the_seeds_order():
    plan = Plan.objects.get(slug="linyi-rural-education-2023")
    titles = list(plan.tasks.values_list("title", flat=True))
    assert len(titles) == 12
    assert titles[0] == "深入推进全环境立德树人"
    assert titles[11] == "优化乡村特殊儿童关爱服务"


def test_linyi_targets_are_ratio_at_most_1_05_and_sixty_percent_of_counties_by_2027():
    plan = Plan.objects.get(slug="linyi-rural-education-2023")
    targets = {t.indicator_code: t for t in plan.targets.all()}
    ratio = targets["urban_rural_degree_ratio"]
    assert (ratio.comparator, ratio.value, ratio.deadline.year) == ("lte", Decimal("1.05"), 2027)
    share = targets["share_counties_quality_2017"]
    assert (share.comparator, share.value, share.deadline.year, share.region_code) == (
        "gte",
        60,
        2027,
        "371300",
    )


def test_henan_plan_has_ten_actions_and_30_80_100_percent_milestones():
    plan = Plan.objects.get(slug="henan-basic-public-education-2024")
    assert plan.tasks.count() == 10
    milestones = [(t.deadline.year, t.value) for t in plan.targets.order_by("deadline")]
    assert milestones == [(2027, 30), (2030, 80), (2035, 100)]


def test_jinan_tenth_action_is_left_blank_for_later_not_invented():
    plan = Plan.objects.get(slug="jinan-strong-towns-2023")
    assert plan.tasks.count() == 10
    assert plan.tasks.get(number=10).title == ""
    assert plan.tasks.get(number=9).title == "发展评价探索行动"
    rate = plan.targets.get(indicator_code="achievement.rate_vs_urban_quality")
    assert (rate.comparator, rate.value) == ("lt", Decimal("0.15"))


def test_subei_box_8_shows_the_declared_total_beside_a_different_sum_of_items():
    plan = Plan.objects.get(slug="subei-education-14th-five-year")
    assert plan.boxes.count() == 14
    budget = selectors.box_budget(plan.boxes.get(number=8))
    assert budget["declared_total"] == Decimal("2630")
    assert budget["items_sum"] == Decimal("3130")  # 630 + 100 + 1600 + 300 + 500, as published
    assert budget["discrepancy"] == Decimal("500")
