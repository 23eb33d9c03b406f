"""Small hand-built counties for the remedy planner's tests (CountyData directly, no database)."""

from remedies.engine_api import CountyData
from remedies.synthetic import teacher_counts


def school(code, students=500, *, kind="primary", urban_rural_code="210", **facts):
    """A primary school of `students` pupils whose facts meet every 2017 primary minimum with room to spare,
    unless overridden (per pupil: 6 m² teaching area net of 1 m² indoor sports, 9 m² sports, 2 400 元, 2.6 rooms
    per hundred)."""
    row = {
        "code": code,
        "name": f"学校{code}",
        "kind": kind,
        "urban_rural_code": urban_rural_code,
        "ownership": "public",
        "primary_students": students if kind != "junior" else None,
        "junior_students": students if kind == "junior" else None,
        "senior_students": None,
        "teaching_area": 7.0 * students,
        "indoor_sports_area": 1.0 * students,
        "sports_ground_area": 8.0 * students,
        "equipment_value": 2400.0 * students,
        "multimedia_rooms": round(0.026 * students),
    }
    row.update(facts)
    return row


def county(schools, teachers=None, roster=None):
    if roster is not None:
        teachers = teacher_counts(roster)
    return CountyData(
        county_code="990100", county_name="测试县", year=2024, schools=schools, teachers=teachers or {}
    )


def counts(full_time, associate_plus=None, bachelor_plus=None, backbone=0, pe_art=0):
    """Teacher counts of one school-stage (all full-time)."""
    associate_plus = full_time if associate_plus is None else associate_plus
    bachelor_plus = associate_plus if bachelor_plus is None else bachelor_plus
    return {
        "full_time": full_time,
        "all_staff": full_time,
        "associate_plus": associate_plus,
        "bachelor_plus": bachelor_plus,
        "backbone": backbone,
        "pe_art": pe_art,
        "mid_title": 0,
        "certified": full_time,
        "certified_reported": full_time,
        "trained": full_time,
        "training_reported": full_time,
        "rotation_eligible": 0,
        "rotated": 0,
        "rotated_backbone": 0,
    }
