"""The default validation rules, seeded by the data migration 0002 (and `services.rules_seed_defaults`).

Names are Chinese data an administrator may change; `gettext_noop` puts the default names in the English catalogue,
so an unchanged default reads in English on an English page (an edited name shows as typed).
"""

from django.utils.translation import gettext_noop

DEFAULT_RULES = [
    {
        "code": "large_class",
        "name": gettext_noop("大班额（56–65 人）"),
        "kind": "class_size",
        "severity": "warning",
        "params": {"min_students": 56, "max_students": 65},
        "description": gettext_noop("国发〔2016〕40号：56 人及以上为大班额。"),
    },
    {
        "code": "super_large_class",
        "name": gettext_noop("超大班额（66 人及以上）"),
        "kind": "class_size",
        "severity": "warning",
        "params": {"min_students": 66, "max_students": None},
        "description": gettext_noop("国发〔2016〕40号：66 人及以上为超大班额。"),
    },
    {
        "code": "boarders_within_enrolment",
        "name": gettext_noop("寄宿生数不超过在校生数"),
        "kind": "boarders_within_enrolment",
        "severity": "error",
        "params": {"tolerance_pupils": 0},
        "description": gettext_noop("寄宿生是在校生的一部分。"),
    },
    {
        "code": "classes_match_enrolment",
        "name": gettext_noop("各班学生数合计与在校生数一致"),
        "kind": "classes_match_enrolment",
        "severity": "warning",
        "params": {"tolerance_pupils": 3, "tolerance_share": 0.02},
        "description": gettext_noop(
            "每个学段各班学生数之和与该学段在校生数相差超过允许的人数和比例时提示（只检查填报了班级的学校）。"
        ),
    },
    {
        "code": "teachers_within_staff",
        "name": gettext_noop("教师名册人数不超过教职工数"),
        "kind": "teachers_within_staff",
        "severity": "error",
        "params": {"tolerance_pupils": 0},
        "description": gettext_noop("名册中的每位教师（含非专任）都是教职工。"),
    },
    {
        "code": "school_code_prefix",
        "name": gettext_noop("学校标识码不以其他区县代码开头"),
        "kind": "school_code_prefix",
        "severity": "warning",
        "params": {"prefix_length": 6},
        "description": gettext_noop(
            "学校标识码的前 6 位是另一区县的行政区划代码时，学校可能填错了所属区县。"
        ),
    },
    {
        "code": "change_from_last_year",
        "name": gettext_noop("与上年相比变化过大"),
        "kind": "change_from_last_year",
        "severity": "warning",
        "params": {
            "measures": ["enrolment", "staff", "teaching_area", "equipment_value", "books", "computers"],
            "max_change": 0.5,
            "min_base": 20,
        },
        "description": gettext_noop("学校的数据与本校上一学年相比增减超过 50% 时提示，请核对是否录入有误。"),
    },
    {
        "code": "county_zscore",
        "name": gettext_noop("与全县学校相比异常"),
        "kind": "county_zscore",
        "severity": "warning",
        "params": {
            "measures": [
                "teaching_area_per_pupil",
                "sports_ground_area_per_pupil",
                "equipment_value_per_pupil",
                "books_per_pupil",
                "computers_per_100",
                "staff_per_100",
            ],
            "z_max": 3.0,
            "min_schools": 10,
        },
        "description": gettext_noop(
            "学校的生均数据偏离全县学校平均值超过 3 个标准差（z 分数）时提示；全县至少 10 所学校填报才比较。"
        ),
    },
]
