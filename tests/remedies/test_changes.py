"""Changes over a county's inputs: applied copy-on-write, JSON round trip, Chinese errors."""

import copy
import json

import pytest

from remedies.changes import (
    KINDS,
    AddEquipment,
    AddMultimediaRooms,
    AddSportsGround,
    AddTeachingArea,
    ChangeError,
    HireTeachers,
    MovePupils,
    MoveTeacher,
    SplitClass,
    apply_changes,
    change_from_dict,
    changes_from_list,
    changes_to_list,
)
from remedies.engine_api import report
from tests.remedies.counties import counts, county, school

ONE_OF_EACH = [
    AddTeachingArea("A", 120.5),
    AddSportsGround("A", 300),
    AddEquipment("B", 50000),
    AddMultimediaRooms("B", 2),
    HireTeachers("A", "primary", count=2, degree="associate", backbone=True, subject="体育"),
    MoveTeacher("A", "B", "primary", "bachelor", backbone=True, teacher_id="T001"),
    MovePupils("A", "B", "primary", 20),
    SplitClass("B", "primary", "一年级1班"),
]


def two_schools():
    data = county(
        [school("A", 500), school("B", 400)],
        {
            ("A", "primary"): counts(30, backbone=5, pe_art=4),
            ("B", "primary"): counts(20, backbone=3, pe_art=3),
        },
    )
    data.classes = {
        ("A", "primary"): {
            "classes": 12,
            "students": 500,
            "max": 44,
            "over_limit": 0,
            "large": 0,
            "super_large": 0,
        },
        ("B", "primary"): {
            "classes": 8,
            "students": 400,
            "max": 68,
            "over_limit": 1,
            "large": 1,
            "super_large": 1,
        },
    }
    data.offending_classes = [{"school_code": "B", "stage": "primary", "name": "一年级1班", "students": 68}]
    return data


def test_every_kind_of_change_survives_a_json_round_trip():
    assert set(KINDS) == {c.kind for c in ONE_OF_EACH}
    text = json.dumps(changes_to_list(ONE_OF_EACH), ensure_ascii=False)

    assert changes_from_list(json.loads(text)) == ONE_OF_EACH


def test_applying_changes_never_modifies_the_county_it_was_given():
    data = two_schools()
    before = copy.deepcopy(data)

    scenario = apply_changes(data, ONE_OF_EACH)

    assert data == before
    assert scenario != before


def test_added_area_and_hired_teachers_show_in_the_engines_figures():
    data = two_schools()
    hire = HireTeachers("A", "primary", count=2, degree="associate", backbone=True, pe_art=True)
    after = report(apply_changes(data, [AddTeachingArea("A", 100), hire]))
    now = report(data)
    a_now = next(s for s in now["quality_2017"]["primary"]["schools"] if s["code"] == "A")["values"]
    a_after = next(s for s in after["quality_2017"]["primary"]["schools"] if s["code"] == "A")["values"]

    assert a_after["Q4"] == pytest.approx(a_now["Q4"] + 100 / 500)
    for k in ("Q1", "Q2", "Q3"):  # a 专科 teacher counts for the primary Q1
        assert a_after[k] == pytest.approx(a_now[k] + 100 * 2 / 500)


def test_moving_a_bachelor_teacher_from_urban_to_rural_lowers_the_degree_ratio():
    data = two_schools()
    data.schools[0]["urban_rural_code"] = "111"
    data.teachers[("B", "primary")] = counts(20, bachelor_plus=10)
    ratio_now = report(data)["urban_rural_degree_ratio"]["ratio"]

    after = report(apply_changes(data, [MoveTeacher("A", "B", "primary", "bachelor")]))

    # urban 29/29 stay 本科, rural 11 of 21: the ratio is recomputed from the moved counts
    assert ratio_now == pytest.approx(1.0 / (10 / 20))
    assert after["urban_rural_degree_ratio"]["ratio"] == pytest.approx(1.0 / (11 / 21))


def test_splitting_a_large_class_removes_it_from_the_large_classes():
    data = two_schools()
    after = report(apply_changes(data, [SplitClass("B", "primary", "一年级1班")]))

    assert report(data)["class_size"]["primary"]["large"] == 1
    assert after["class_size"]["primary"]["large"] == 0
    assert after["class_size"]["primary"]["classes"] == 21


def test_moving_pupils_changes_both_schools_enrolment():
    data = two_schools()
    after = apply_changes(data, [MovePupils("A", "B", "primary", 20)])

    assert [s["primary_students"] for s in after.schools] == [480, 420]


@pytest.mark.parametrize(
    ("raw", "words"),
    [
        ({"kind": "build_a_pool", "school": "A"}, "未知的修改类型"),
        ({"kind": "add_teaching_area", "school": "A"}, "缺少面积"),
        ({"kind": "add_teaching_area", "school": "A", "area": -5}, "面积（m²）应为大于 0 的数"),
        ({"kind": "hire_teachers", "school": "A", "stage": "senior"}, "学段应为"),
        ({"kind": "hire_teachers", "school": "A", "stage": "primary", "count": 1.5}, "人数应为正整数"),
        (
            {"kind": "hire_teachers", "school": "A", "stage": "primary", "colour": "red"},
            "不认识的字段 colour",
        ),
        (
            {"kind": "hire_teachers", "school": "A", "stage": "primary", "subject": "数学", "pe_art": True},
            "矛盾",
        ),
        (
            {
                "kind": "move_teacher",
                "from_school": "A",
                "to_school": "A",
                "stage": "primary",
                "degree": "bachelor",
            },
            "调出与调入学校相同",
        ),
    ],
)
def test_a_malformed_change_is_refused_with_a_chinese_message_naming_the_field(raw, words):
    with pytest.raises(ChangeError) as error:
        change_from_dict(raw)

    assert words in str(error.value)


def test_a_bad_change_in_a_list_is_named_by_its_position():
    with pytest.raises(ChangeError) as error:
        changes_from_list([{"kind": "add_equipment", "school": "A", "value": 1}, {"kind": "add_equipment"}])

    assert str(error.value).startswith("第 2 项修改")


@pytest.mark.parametrize(
    ("change", "words"),
    [
        (AddEquipment("Z", 1000), "学校 Z 不在"),
        (HireTeachers("A", "junior"), "没有初中在校生"),
        (MoveTeacher("B", "A", "primary", "bachelor", count=21), "没有足够符合条件的教师"),
        (MovePupils("B", "A", "primary", 401), "只有小学在校生 400 人"),
        (SplitClass("A", "primary", "六年级9班"), "超额班级中没有"),
    ],
)
def test_a_change_that_does_not_fit_the_data_says_why_and_leaves_it_untouched(change, words):
    data = two_schools()
    before = copy.deepcopy(data)

    with pytest.raises(ChangeError) as error:
        apply_changes(data, [AddTeachingArea("A", 10), change])

    assert words in str(error.value)
    assert str(error.value).startswith("第 2 项修改")
    assert data == before


def test_adding_to_an_unreported_figure_is_refused():
    data = county([school("A", 500, equipment_value=None)])

    with pytest.raises(ChangeError, match="未填报教学仪器设备值"):
        apply_changes(data, [AddEquipment("A", 1000)])
