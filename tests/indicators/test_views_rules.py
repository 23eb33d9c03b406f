"""Rule sets in the portal: everyone reads them in Chinese with their history; administrators revise them, which
adds a version that results take only after a recompute."""

import json

import pytest
from django.urls import reverse
from django.utils.html import escape

from indicators import runs, selectors, services
from indicators.forms import RuleSetForm
from indicators.models import CountyResult, RuleSet
from indicators.rules import BASIC_2012, QUALITY_2017, effective_params
from tests.indicators.scenes import small_county

pytestmark = pytest.mark.django_db

Q4_PRIMARY = "p__thresholds__primary__Q4"


def detail_url(code=QUALITY_2017):
    return reverse("indicators:rule_detail", args=[code])


def edit_url(code=QUALITY_2017):
    return reverse("indicators:rule_edit", args=[code])


def versions(code=QUALITY_2017):
    return list(RuleSet.objects.filter(code=code).order_by("version").values_list("version", flat=True))


def form_data(code=QUALITY_2017, **changes) -> dict:
    """What the browser submits from the edit page: every field as shown (the current values), then `changes`."""
    # the page shows the latest version's params as the engine reads them (settings added since: their defaults)
    form = RuleSetForm(effective_params(code, RuleSet.objects.filter(code=code).latest("version").params))
    data = {"mode": "fields", "note": "按省厅文件调整"}
    for name, field in form.fields.items():
        if name in ("mode", "note"):
            continue
        value = form[name].value()
        if getattr(field.widget, "input_type", "") == "checkbox":
            if value:
                data[name] = "on"
        else:
            data[name] = "" if value is None else str(value)
    data.update(changes)
    return data


def q4_primary(county):
    return selectors.county_report(county.pk)["quality_2017"]["primary"]["indicators"]["Q4"]


def test_admin_raises_a_threshold_and_results_take_the_new_version_only_after_the_recompute_button(
    client, admin_user, county, django_capture_on_commit_callbacks
):
    small_county(county, "37130200")
    runs.recompute_county(county.pk, 2024)
    client.force_login(admin_user)

    response = client.post(edit_url(), form_data(**{Q4_PRIMARY: "6"}))

    assert response.status_code == 302
    assert versions() == [1, 2]
    v1, v2 = (
        RuleSet.objects.get(code=QUALITY_2017, version=1),
        RuleSet.objects.get(code=QUALITY_2017, version=2),
    )
    assert v1.params["thresholds"]["primary"]["Q4"] == 4.5  # the old version is kept as it was
    assert v2.params["thresholds"]["primary"]["Q4"] == 6
    assert v2.note == "按省厅文件调整" and v2.created_by == admin_user
    # stored results still name version 1 and its threshold
    assert CountyResult.objects.get(county=county).rule_set == v1
    assert q4_primary(county)["threshold"] == 4.5
    page = client.get(detail_url()).content.decode()
    assert "重新计算后" in page and "重新计算全部区县" in page

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("indicators:recompute_all"), {"year": "2024"})

    assert response.status_code == 302
    assert CountyResult.objects.get(county=county).rule_set == v2
    assert q4_primary(county)["threshold"] == 6


def test_detail_page_reads_the_params_in_chinese_and_shows_what_a_revision_changed(client, clerk):
    v1 = RuleSet.objects.get(code=QUALITY_2017, version=1)
    params = json.loads(json.dumps(v1.params))
    params["thresholds"]["junior"]["Q1"] = 5.8
    params["include_private"] = False
    services.rule_set_revise(v1, params, note="初中学历教师标准提高")
    client.force_login(clerk)

    page = client.get(detail_url()).content.decode()

    assert "资源配置指标标准值 · 初中 · Q1 每百名学生拥有高于规定学历教师数" in page
    assert "差异系数上限 · 小学" in page and "0.5" in page
    assert "纳入民办学校" in page and "生均公用经费基准定额 · 分年度定额 · 第1项 · 东部 · 小学" in page
    assert "城镇学校的城乡分类代码" in page and "111、112" in page
    # the difference between v1 and v2, with both values
    diff = page.split('id="diff"')[1].split("</section>")[0]
    assert "第 1 版 → 第 2 版" in diff
    assert "初中 · Q1" in diff and "5.3" in diff and "5.8" in diff
    assert "纳入民办学校" in diff and "差异系数上限" not in diff
    assert "初中学历教师标准提高" in page  # the history shows the note


def test_any_two_versions_can_be_compared_and_an_old_version_shown(client, official):
    v1 = RuleSet.objects.get(code=BASIC_2012, version=1)
    v2 = services.rule_set_revise(v1, {**v1.params, "include_private": True}, note="a")
    services.rule_set_revise(
        v2, {**v2.params, "composite_cv_limits": {"primary": 0.6, "junior": 0.55}}, note="b"
    )
    client.force_login(official)

    page = client.get(detail_url(BASIC_2012), {"a": 1, "b": 3}).content.decode()
    diff = page.split('id="diff"')[1].split("</section>")[0]
    assert "纳入民办学校" in diff and "综合差异系数上限 · 小学" in diff and "0.65" in diff

    old = client.get(detail_url(BASIC_2012), {"version": 1}).content.decode()
    assert 'data-version="1"' in old and "历史版本" in old


def test_rule_list_shows_each_standard_with_its_current_version_author_and_history(
    client, admin_user, other_clerk
):
    v1 = RuleSet.objects.get(code=QUALITY_2017, version=1)
    services.rule_set_revise(v1, v1.params | {"school_floor": 0.9}, admin_user, note="学校达标比例提高")
    client.force_login(other_clerk)

    page = client.get(reverse("indicators:rule_list")).content.decode()

    assert "县域义务教育优质均衡（2017）" in page and "县域义务教育基本均衡（2012）" in page
    assert "当前版本：第 2 版" in page and "admin" in page and "学校达标比例提高" in page
    assert reverse("indicators:rule_edit", args=[QUALITY_2017]) not in page  # no edit link for a clerk


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({Q4_PRIMARY: "-1"}, "不能为负数"),
        ({Q4_PRIMARY: "abc"}, "应为数字"),
        ({"p__cv_limits__junior": "1.5"}, "不能大于 1"),
        ({"p__funding_rates__schedule": "[{"}, "不是有效的 JSON"),
        ({"p__funding_rates__schedule": '[{"from_year": 2016, "east": 1}]'}, "应为一组设置"),
        ({"note": ""}, "请填写修订说明"),
    ],
)
def test_invalid_field_is_named_in_chinese_keeps_the_input_and_saves_nothing(
    client, admin_user, changes, message
):
    client.force_login(admin_user)

    response = client.post(edit_url(), form_data(**changes))

    assert response.status_code == 200
    page = response.content.decode()
    assert message in page and "has-error" in page
    assert versions() == [1]
    typed = next(iter(changes.values()))
    if typed:  # shown again as typed, in its input or its text box
        assert f'value="{escape(typed)}"' in page or f">\n{escape(typed)}</textarea>" in page


def test_unchanged_params_save_no_new_version(client, admin_user):
    client.force_login(admin_user)
    page = client.post(edit_url(), form_data()).content.decode()
    assert "参数没有任何改动" in page and versions() == [1]


def test_json_revision_with_a_new_threshold_saves_a_version(client, admin_user):
    params = RuleSet.objects.get(code=BASIC_2012, version=1).params
    client.force_login(admin_user)

    response = client.post(
        edit_url(BASIC_2012),
        {
            "mode": "json",
            "params": json.dumps({**params, "split_weights": "enrolment"}),
            "note": "按在校生数分摊",
        },
    )

    assert response.status_code == 302
    assert RuleSet.objects.get(code=BASIC_2012, version=2).params["split_weights"] == "enrolment"


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (lambda p: "{not json", "参数不是有效的 JSON"),
        (lambda p: json.dumps({**p, "secret_switch": 1}), "未知参数：secret_switch"),
        (lambda p: json.dumps({k: v for k, v in p.items() if k != "cv_limits"}), "缺少参数：差异系数上限"),
        (
            lambda p: json.dumps(
                {
                    **p,
                    "thresholds": {**p["thresholds"], "primary": {**p["thresholds"]["primary"], "Q1": -4.2}},
                }
            ),
            "“资源配置指标标准值 · 小学 · Q1 每百名学生拥有高于规定学历教师数”不能为负数",
        ),
        (lambda p: json.dumps({**p, "include_private": "yes"}), "“纳入民办学校”应为 true 或 false"),
        (lambda p: json.dumps({**p, "urban_codes": "111"}), "应为列表"),
        (lambda p: json.dumps([1, 2]), "参数应为一组设置"),
    ],
)
def test_invalid_json_revision_is_refused_with_a_chinese_message_and_the_text_kept(
    client, admin_user, edit, message
):
    params = RuleSet.objects.get(code=QUALITY_2017, version=1).params
    typed = edit(params)
    client.force_login(admin_user)

    response = client.post(edit_url(), {"mode": "json", "params": typed, "note": "试改"})

    assert response.status_code == 200
    page = response.content.decode()
    assert message in page
    assert f">\n{escape(typed)}</textarea>" in page and "试改" in page  # what was typed is still there
    assert versions() == [1]


def test_clerk_reads_rules_but_cannot_open_the_edit_form_or_post(client, clerk):
    client.force_login(clerk)

    page = client.get(detail_url()).content.decode()

    assert "资源配置指标标准值" in page and edit_url() not in page
    assert client.get(edit_url()).status_code == 403
    assert client.post(edit_url(), form_data(**{Q4_PRIMARY: "6"})).status_code == 403
    assert versions() == [1]


def test_official_and_outsider_cannot_post_a_revision_or_start_a_recompute(client, official, other_clerk):
    for user in (official, other_clerk):
        client.force_login(user)
        assert client.get(detail_url()).status_code == 200
        assert client.post(edit_url(), form_data(**{Q4_PRIMARY: "6"})).status_code == 403
        assert client.post(reverse("indicators:recompute_all"), {"year": "2024"}).status_code == 403
    assert versions() == [1]


def test_unknown_rule_set_is_404_and_anonymous_is_sent_to_login(client, admin_user):
    assert client.get(detail_url()).status_code == 302
    client.force_login(admin_user)
    assert client.get(detail_url("nope_2099")).status_code == 404
    assert client.get(detail_url(), {"version": 99}).status_code == 404
