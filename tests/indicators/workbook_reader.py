"""A small test-side reader of the standard workbook that builds `formulas.CountyData` without the database.

It lets the golden numbers be checked through the pure pipeline independently of the importer and selectors.
"""

from collections import defaultdict
from pathlib import Path

from python_calamine import CalamineWorkbook

from indicators.engine import CountyData, class_size_counts

KINDS = {
    "小学": "primary",
    "初中": "junior",
    "九年一贯制学校": "nine_year",
    "十二年一贯制学校": "twelve_year",
    "完全中学": "complete_secondary",
    "教学点": "teaching_point",
    "特殊教育学校": "special",
}
STAGES = {"小学": "primary", "初中": "junior", "高中": "senior"}
DEGREE_RANK = {"研究生": 4, "本科": 3, "专科": 2, "高中阶段": 1, "高中阶段以下": 0}
YES = {"是", "1", "Y", "y", "true", "True", 1}
LEVELS = {"Ⅰ": 1, "Ⅱ": 2, "Ⅲ": 3, "Ⅳ": 4, "I": 1, "II": 2, "III": 3, "IV": 4}
SCHOOL_YEAR_KEYS = {
    "小学在校生数": "primary_students",
    "初中在校生数": "junior_students",
    "高中在校生数": "senior_students",
    "寄宿生数": "boarders",
    "教职工数": "staff",
    "教学及辅助用房面积": "teaching_area",
    "室内体育用房面积": "indoor_sports_area",
    "运动场地面积": "sports_ground_area",
    "教学仪器设备值": "equipment_value",
    "网络多媒体教室数": "multimedia_rooms",
    "计算机台数": "computers",
    "图书册数": "books",
    "音乐专用教室数": "music_rooms",
    "美术专用教室数": "art_rooms",
}


def _rows(wb, name):
    if name not in wb.sheet_names:
        return []
    rows = wb.get_sheet_by_name(name).to_python()
    header = rows[0]
    return [dict(zip(header, r, strict=False)) for r in rows[1:] if any(c not in ("", None) for c in r)]


def _num(value):
    return None if value in ("", None) else float(value)


def _code(value):
    return str(int(value)) if isinstance(value, float) else str(value)


def read_county(path: Path, limits=None, large=56, super_large=66) -> CountyData:
    limits = limits or {"primary": 45, "junior": 50}
    wb = CalamineWorkbook.from_path(str(path))
    region = next(r for r in _rows(wb, "区县") if r["层级"] == "县")
    schools = {}
    for r in _rows(wb, "学校"):
        schools[_code(r["学校标识码"])] = {
            "code": _code(r["学校标识码"]),
            "name": r["学校名称"],
            "kind": KINDS[r["办学类型"]],
            "urban_rural_code": _code(r["城乡分类代码"]),
            "ownership": "private" if r.get("办学性质") == "民办" else "public",
            "boarding": r.get("是否寄宿制") in YES,
            "urban_quality_reference": r.get("是否城区优质学校") in YES,
        }
    year = None
    for r in _rows(wb, "学校学年数据"):
        year = int(r["学年"])
        school = schools[_code(r["学校标识码"])]
        for zh, key in SCHOOL_YEAR_KEYS.items():
            school[key] = _num(r.get(zh))
    teachers = defaultdict(lambda: defaultdict(int))
    for r in _rows(wb, "教师"):
        if r.get("是否专任教师", "是") not in YES and r.get("是否专任教师") not in ("", None):
            continue
        c = teachers[(_code(r["学校标识码"]), STAGES[r["任教学段"]])]
        rank = DEGREE_RANK[r["最高学历"]]
        hours = _num(r.get("五年累计培训学时"))
        backbone = r.get("骨干教师级别") not in ("", None, "无")
        c["full_time"] += 1
        c["associate_plus"] += rank >= 2
        c["bachelor_plus"] += rank >= 3
        c["backbone"] += backbone
        c["pe_art"] += r.get("任教学科") in ("体育", "音乐", "美术", "艺术")
        c["mid_title"] += r.get("专业技术职务") in ("一级", "高级", "正高级")
        c["certified"] += r.get("是否持有教师资格证") in YES
        c["certified_reported"] += r.get("是否持有教师资格证") not in ("", None)
        c["trained"] += hours is not None and hours >= 360
        c["training_reported"] += hours is not None
        c["rotation_eligible"] += r.get("是否符合交流条件") in YES
        c["rotated"] += r.get("本学年是否交流轮岗") in YES
        c["rotated_backbone"] += r.get("本学年是否交流轮岗") in YES and backbone
    sizes = defaultdict(list)
    offending = []
    for r in _rows(wb, "班级"):
        stage, students = STAGES[r["学段"]], int(r["学生数"])
        sizes[(_code(r["学校标识码"]), stage)].append(students)
        if students > limits[stage]:
            offending.append(
                {
                    "school_code": _code(r["学校标识码"]),
                    "stage": stage,
                    "name": r["班级名称"],
                    "students": students,
                }
            )
    classes = {k: class_size_counts(v, limits[k[1]], large, super_large) for k, v in sizes.items()}
    funding = {
        _code(r["学校标识码"]): {
            "public_funds": _num(r.get("公用经费拨款")),
            "public_budget": _num(r.get("公用经费预算总额")),
            "training_funds": _num(r.get("教师培训经费")),
        }
        for r in _rows(wb, "经费")
    }
    achievement = [
        {
            "school_code": _code(r["学校标识码"]),
            "stage": STAGES[r["学段"]],
            "subject": r["学科"],
            "tested": int(r["参测学生数"]),
            "mean_score": float(r["平均分"]),
        }
        for r in _rows(wb, "学业质量")
    ]
    cy_rows = _rows(wb, "区县学年数据")
    county_year = None
    if cy_rows:
        r = cy_rows[0]
        county_year = {
            "teacher_pay": _num(r.get("教师年平均工资")),
            "civil_servant_pay": _num(r.get("公务员年平均工资")),
            "junior_retention": _num(r.get("初中三年巩固率")),
            "disabled_enrolment": _num(r.get("残疾儿童少年入学率")),
            "urban_nearby": _num(r.get("城区就近入学比例")),
            "town_nearby": _num(r.get("镇区就近入学比例")),
            "quota_allocation": _num(r.get("优质高中名额分配比例")),
            "migrant_public": _num(r.get("随迁子女公办就读比例")),
            "recognition": _num(r.get("社会认可度")),
        }
    monitoring = [
        {
            "stage": STAGES[r["学段"]],
            "subject": r["学科"],
            "level": LEVELS[str(r["等级"])],
            "difference_rate": float(r["校际差异率"]),
        }
        for r in _rows(wb, "质量监测")
    ]
    return CountyData(
        county_code=_code(region["行政区划代码"]),
        county_name=region["名称"],
        year=year,
        schools=sorted(schools.values(), key=lambda s: s["code"]),
        teachers={k: dict(v) for k, v in teachers.items()},
        classes=classes,
        offending_classes=offending,
        funding=funding,
        achievement=achievement,
        county_year=county_year,
        monitoring=monitoring,
    )
