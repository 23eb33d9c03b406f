"""Changes to a county's inputs, described as data ("copy-on-write" deltas over `CountyData`).

A scenario stores only its changes; `apply_changes` lays them over the real inputs and returns a new `CountyData`
for the engine. Each kind of change is a frozen dataclass with a `kind` string, JSON-serialisable through
`to_dict` / `change_from_dict`, and validated with a Chinese message that names the change and the field.

What each change does to the aggregated inputs (the counts `indicators.selectors.county_inputs` fills):

- area, ground, equipment and multimedia rooms are whole-school figures: they are added to the school's facts and
  the engine splits them between stages as it splits the reported ones;
- a hire adds full-time teachers of one stage to the school's teacher counts, with the degree, backbone, PE/art,
  title, certificate and training flags given;
- a teacher move takes those counts from one school and gives them to another (same stage); a move made as
  rotation (交流轮岗) also counts the teacher as rotated this year;
- moving pupils changes both schools' enrolment of that stage (and the class totals' pupil counts), not the
  class sizes: a class is changed by splitting it;
- splitting a class needs the class in the list of over-limit classes (the only classes whose size the inputs
  know); its parts replace it in the class counts.

Untouched parts of the input are shared with the result, never copied and never modified.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, fields
from typing import Any, ClassVar

from .engine_api import ASSOCIATE_PLUS, BACHELOR_PLUS, DEGREES, PE_ART_SUBJECTS, STAGES, CountyData

STAGE_LABELS = {"primary": "小学", "junior": "初中"}
DEGREE_LABELS = {
    "postgraduate": "研究生",
    "bachelor": "本科",
    "associate": "专科",
    "secondary": "高中阶段",
    "below_secondary": "高中阶段以下",
}
STUDENT_FIELD = {"primary": "primary_students", "junior": "junior_students"}
# Class-size thresholds when no rule-set params are given (spec §4: limits 45/50, large ≥ 56, super-large ≥ 66).
DEFAULT_CLASS_PARAMS = {
    "class_limits": {"primary": 45, "junior": 50},
    "large_class": 56,
    "super_large_class": 66,
}

FIELD_LABELS = {
    "school": "学校标识码",
    "from_school": "调出学校标识码",
    "to_school": "调入学校标识码",
    "area": "面积（m²）",
    "value": "金额（元）",
    "rooms": "教室数（间）",
    "stage": "学段",
    "count": "人数",
    "degree": "最高学历",
    "backbone": "是否县级以上骨干教师",
    "pe_art": "是否体育、艺术教师",
    "subject": "任教学科",
    "mid_title": "是否中级及以上职称",
    "certified": "是否持有教师资格证",
    "trained": "是否完成五年360学时培训",
    "teacher_id": "教师编号",
    "rotation": "是否计为交流轮岗",
    "class_name": "班级名称",
    "into": "拆分为几个班",
}


class ChangeError(ValueError):
    """A change that cannot be read or applied; the message is Chinese and names where it is wrong."""

    def __init__(self, message: str, *, index: int | None = None, field: str | None = None):
        self.index, self.field, self.detail = index, field, message
        super().__init__(message if index is None else f"第 {index + 1} 项修改：{message}")


# ---------------------------------------------------------------- field checks


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


def _check(change: Change) -> None:
    label = change.label
    for f in fields(change):
        value, name = getattr(change, f.name), FIELD_LABELS.get(f.name, f.name)
        where = f"{label}：{name}"
        if f.name in ("school", "from_school", "to_school", "class_name"):
            if not isinstance(value, str) or not value.strip():
                raise ChangeError(f"{where}不能为空", field=f.name)
        elif f.name in ("area", "value"):
            if not _is_number(value) or value <= 0:
                raise ChangeError(f"{where}应为大于 0 的数，收到 {value!r}", field=f.name)
        elif f.name in ("rooms", "count"):
            if not isinstance(value, int) or isinstance(value, bool) or value < 1:
                raise ChangeError(f"{where}应为正整数，收到 {value!r}", field=f.name)
        elif f.name == "into":
            if not isinstance(value, int) or isinstance(value, bool) or value < 2:
                raise ChangeError(f"{where}应为不小于 2 的整数，收到 {value!r}", field=f.name)
        elif f.name == "stage":
            if value not in STAGES:
                raise ChangeError(
                    f"{where}应为 primary（小学）或 junior（初中），收到 {value!r}", field=f.name
                )
        elif f.name == "degree":
            if value not in DEGREES:
                raise ChangeError(f"{where}应为 {'、'.join(DEGREES)} 之一，收到 {value!r}", field=f.name)
        elif f.name in ("backbone", "mid_title", "certified", "trained", "rotation"):
            if not isinstance(value, bool):
                raise ChangeError(f"{where}应为 true 或 false，收到 {value!r}", field=f.name)
        elif f.name == "pe_art":
            if value is not None and not isinstance(value, bool):
                raise ChangeError(f"{where}应为 true、false 或不填，收到 {value!r}", field=f.name)
        elif f.name in ("subject", "teacher_id"):
            if not isinstance(value, str):
                raise ChangeError(f"{where}应为文字，收到 {value!r}", field=f.name)
    subject, pe_art = getattr(change, "subject", ""), getattr(change, "pe_art", None)
    if subject and pe_art is not None and pe_art != (subject in PE_ART_SUBJECTS):
        raise ChangeError(
            f"{label}：任教学科“{subject}”与“是否体育、艺术教师”={pe_art} 矛盾（体育、艺术学科为："
            f"{'、'.join(PE_ART_SUBJECTS)}）",
            field="pe_art",
        )
    if getattr(change, "from_school", None) is not None and change.from_school == change.to_school:
        raise ChangeError(f"{label}：调出与调入学校相同（{change.to_school}）", field="to_school")


# ---------------------------------------------------------------- the kinds of change


@dataclass(frozen=True)
class Change:
    kind: ClassVar[str] = ""
    label: ClassVar[str] = ""

    def __post_init__(self):
        _check(self)

    def to_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, **{f.name: getattr(self, f.name) for f in fields(self)}}

    def describe(self) -> str:  # pragma: no cover - every kind overrides it
        raise NotImplementedError


class _TeacherFlags:
    """Shared reading of a teacher's attributes (hire and move)."""

    @property
    def is_pe_art(self) -> bool:
        return bool(self.pe_art) if self.pe_art is not None else self.subject in PE_ART_SUBJECTS

    def counts(self) -> dict[str, int]:
        """The teacher-count keys one such full-time teacher adds (see indicators.selectors.TEACHER_COUNTS)."""
        return {
            "full_time": 1,
            "all_staff": 1,
            "associate_plus": int(self.degree in ASSOCIATE_PLUS),
            "bachelor_plus": int(self.degree in BACHELOR_PLUS),
            "backbone": int(self.backbone),
            "pe_art": int(self.is_pe_art),
            "mid_title": int(self.mid_title),
        }

    def who(self) -> str:
        parts = [DEGREE_LABELS[self.degree]]
        if self.backbone:
            parts.append("骨干")
        if self.subject:
            parts.append(self.subject)
        elif self.is_pe_art:
            parts.append("体育艺术")
        return "、".join(parts)


@dataclass(frozen=True)
class AddTeachingArea(Change):
    kind: ClassVar[str] = "add_teaching_area"
    label: ClassVar[str] = "增加教学及辅助用房面积"
    school: str
    area: float

    def describe(self) -> str:
        return f"学校 {self.school} 增加教学及辅助用房 {self.area:g} m²"


@dataclass(frozen=True)
class AddSportsGround(Change):
    kind: ClassVar[str] = "add_sports_ground"
    label: ClassVar[str] = "增加运动场地面积"
    school: str
    area: float

    def describe(self) -> str:
        return f"学校 {self.school} 增加运动场地 {self.area:g} m²"


@dataclass(frozen=True)
class AddEquipment(Change):
    kind: ClassVar[str] = "add_equipment"
    label: ClassVar[str] = "增加教学仪器设备值"
    school: str
    value: float

    def describe(self) -> str:
        return f"学校 {self.school} 增加教学仪器设备 {self.value:g} 元"


@dataclass(frozen=True)
class AddMultimediaRooms(Change):
    kind: ClassVar[str] = "add_multimedia_rooms"
    label: ClassVar[str] = "增加网络多媒体教室"
    school: str
    rooms: int

    def describe(self) -> str:
        return f"学校 {self.school} 增加网络多媒体教室 {self.rooms} 间"


@dataclass(frozen=True)
class HireTeachers(_TeacherFlags, Change):
    kind: ClassVar[str] = "hire_teachers"
    label: ClassVar[str] = "聘任教师"
    school: str
    stage: str
    count: int = 1
    degree: str = "bachelor"
    backbone: bool = False
    pe_art: bool | None = None
    subject: str = ""
    mid_title: bool = False
    # A new teacher is assumed certified and trained unless said otherwise, so a hire does not turn the county's
    # certificate (G12) and training (G9) items incomplete.
    certified: bool = True
    trained: bool = True

    def describe(self) -> str:
        return f"学校 {self.school} 聘任{STAGE_LABELS[self.stage]}专任教师 {self.count} 人（{self.who()}）"


@dataclass(frozen=True)
class MoveTeacher(_TeacherFlags, Change):
    kind: ClassVar[str] = "move_teacher"
    label: ClassVar[str] = "调动教师"
    from_school: str
    to_school: str
    stage: str
    degree: str
    backbone: bool = False
    pe_art: bool | None = None
    subject: str = ""
    mid_title: bool = False
    teacher_id: str = ""
    count: int = 1
    rotation: bool = True

    def describe(self) -> str:
        who = (
            f"教师 {self.teacher_id}"
            if self.teacher_id
            else f"{STAGE_LABELS[self.stage]}专任教师 {self.count} 人"
        )
        return f"{who}（{self.who()}）由学校 {self.from_school} 调往学校 {self.to_school}"


@dataclass(frozen=True)
class MovePupils(Change):
    kind: ClassVar[str] = "move_pupils"
    label: ClassVar[str] = "调整学生"
    from_school: str
    to_school: str
    stage: str
    count: int

    def describe(self) -> str:
        return f"{STAGE_LABELS[self.stage]}学生 {self.count} 人由学校 {self.from_school} 转入学校 {self.to_school}"


@dataclass(frozen=True)
class SplitClass(Change):
    kind: ClassVar[str] = "split_class"
    label: ClassVar[str] = "拆分班级"
    school: str
    stage: str
    class_name: str
    into: int = 2

    def describe(self) -> str:
        return (
            f"学校 {self.school} 的{STAGE_LABELS[self.stage]}班级“{self.class_name}”拆分为 {self.into} 个班"
        )


KINDS: dict[str, type[Change]] = {
    cls.kind: cls
    for cls in (
        AddTeachingArea,
        AddSportsGround,
        AddEquipment,
        AddMultimediaRooms,
        HireTeachers,
        MoveTeacher,
        MovePupils,
        SplitClass,
    )
}


def change_from_dict(raw: Mapping[str, Any]) -> Change:
    """Read one change from its JSON form ({"kind": …, fields…}); ChangeError in Chinese when it is wrong."""
    if not isinstance(raw, Mapping):
        raise ChangeError(f"每项修改应为一个对象（字典），收到 {type(raw).__name__}")
    kind = raw.get("kind")
    cls = KINDS.get(kind) if isinstance(kind, str) else None
    if cls is None:
        raise ChangeError(f"未知的修改类型 {kind!r}，可选：{'、'.join(KINDS)}", field="kind")
    names = {f.name: f for f in fields(cls)}
    extra = sorted(set(raw) - set(names) - {"kind"})
    if extra:
        raise ChangeError(f"{cls.label}：不认识的字段 {'、'.join(extra)}", field=extra[0])
    missing = [
        n
        for n, f in names.items()
        if n not in raw and f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING
    ]
    if missing:
        labels = "、".join(FIELD_LABELS.get(n, n) for n in missing)
        raise ChangeError(f"{cls.label}：缺少{labels}", field=missing[0])
    return cls(**{n: raw[n] for n in names if n in raw})


def changes_from_list(raw: Iterable[Mapping[str, Any]]) -> list[Change]:
    """Read a list of changes; the error names the position of the first bad one."""
    out = []
    for i, item in enumerate(raw):
        try:
            out.append(change_from_dict(item))
        except ChangeError as e:
            raise ChangeError(e.detail, index=i, field=e.field) from None
    return out


def changes_to_list(changes: Iterable[Change]) -> list[dict[str, Any]]:
    return [c.to_dict() for c in changes]


# ---------------------------------------------------------------- applying changes


class _Draft:
    """Copy-on-write view of a CountyData: a school dict or a count dict is copied the first time it changes."""

    def __init__(self, data: CountyData, params: Mapping[str, Any]):
        self.data, self.params = data, params
        self.schools = list(data.schools)
        self.position = {s["code"]: i for i, s in enumerate(self.schools)}
        self.teachers = dict(data.teachers)
        self.classes = dict(data.classes)
        self.offending = list(data.offending_classes)
        self._copied: set[Any] = set()

    def school(self, code: str) -> dict[str, Any]:
        if code not in self.position:
            raise ChangeError(f"学校 {code} 不在 {self.data.county_name}（{self.data.year} 学年）的数据中")
        i = self.position[code]
        if ("school", code) not in self._copied:
            self.schools[i] = dict(self.schools[i])
            self._copied.add(("school", code))
        return self.schools[i]

    def stage_school(self, code: str, stage: str, what: str) -> dict[str, Any]:
        school = self.school(code)
        if not school.get(STUDENT_FIELD[stage]):
            raise ChangeError(f"学校 {code} 没有{STAGE_LABELS[stage]}在校生，不能{what}")
        return school

    def counts(self, table: str, key: tuple[str, str]) -> dict[str, Any]:
        store = self.teachers if table == "teachers" else self.classes
        if (table, key) not in self._copied:
            store[key] = dict(store.get(key) or {})
            self._copied.add((table, key))
        return store[key]

    def build(self) -> CountyData:
        return dataclasses.replace(
            self.data,
            schools=self.schools,
            teachers=self.teachers,
            classes=self.classes,
            offending_classes=self.offending,
        )


def _add_fact(draft: _Draft, code: str, key: str, amount: float, label: str) -> None:
    school = draft.school(code)
    if school.get(key) is None:
        raise ChangeError(f"学校 {code} 未填报{label}，不能在未知数上增加（请先在学校数据中填报）")
    school[key] = school[key] + amount


def _add_teachers(draft: _Draft, code: str, stage: str, delta: Mapping[str, int], sign: int) -> None:
    counts = draft.counts("teachers", (code, stage))
    for key, n in delta.items():
        if not n:
            continue
        value = (counts.get(key) or 0) + sign * n
        if value < 0:
            raise ChangeError(
                f"学校 {code} 的{STAGE_LABELS[stage]}专任教师中没有足够符合条件的教师可调出"
                f"（{key} 现有 {counts.get(key) or 0}，需调出 {n}）"
            )
        counts[key] = value


def _class_flags(size: int, limit: int, params: Mapping[str, Any]) -> dict[str, int]:
    return {
        "over_limit": int(size > limit),
        "large": int(size >= params["large_class"]),
        "super_large": int(size >= params["super_large_class"]),
    }


def _apply_one(draft: _Draft, change: Change) -> None:
    if isinstance(change, AddTeachingArea):
        _add_fact(draft, change.school, "teaching_area", change.area, "教学及辅助用房面积")
    elif isinstance(change, AddSportsGround):
        _add_fact(draft, change.school, "sports_ground_area", change.area, "运动场地面积")
    elif isinstance(change, AddEquipment):
        _add_fact(draft, change.school, "equipment_value", change.value, "教学仪器设备值")
    elif isinstance(change, AddMultimediaRooms):
        _add_fact(draft, change.school, "multimedia_rooms", change.rooms, "网络多媒体教室数")
    elif isinstance(change, HireTeachers):
        draft.stage_school(change.school, change.stage, "聘任该学段教师")
        delta = {k: v * change.count for k, v in change.counts().items()}
        delta["certified_reported"] = delta["training_reported"] = change.count
        delta["certified"] = change.count if change.certified else 0
        delta["trained"] = change.count if change.trained else 0
        _add_teachers(draft, change.school, change.stage, delta, +1)
    elif isinstance(change, MoveTeacher):
        draft.school(change.from_school)
        draft.stage_school(change.to_school, change.stage, "调入该学段教师")
        delta = {k: v * change.count for k, v in change.counts().items()}
        _add_teachers(draft, change.from_school, change.stage, delta, -1)
        if change.rotation:
            delta["rotated"] = change.count
            delta["rotated_backbone"] = change.count if change.backbone else 0
        _add_teachers(draft, change.to_school, change.stage, delta, +1)
    elif isinstance(change, MovePupils):
        field = STUDENT_FIELD[change.stage]
        source = draft.stage_school(change.from_school, change.stage, "调出该学段学生")
        if source[field] < change.count:
            raise ChangeError(
                f"学校 {change.from_school} 只有{STAGE_LABELS[change.stage]}在校生 {source[field]} 人，"
                f"不能调出 {change.count} 人"
            )
        target = draft.school(change.to_school)
        source[field] -= change.count
        target[field] = (target.get(field) or 0) + change.count
        for code, sign in ((change.from_school, -1), (change.to_school, +1)):
            if (code, change.stage) in draft.classes:
                counts = draft.counts("classes", (code, change.stage))
                counts["students"] = (counts.get("students") or 0) + sign * change.count
    elif isinstance(change, SplitClass):
        _split_class(draft, change)
    else:  # pragma: no cover - KINDS lists every class
        raise ChangeError(f"未知的修改类型 {change!r}")


def _split_class(draft: _Draft, change: SplitClass) -> None:
    draft.school(change.school)
    matches = [
        i
        for i, c in enumerate(draft.offending)
        if c["school_code"] == change.school and c["stage"] == change.stage and c["name"] == change.class_name
    ]
    if not matches:
        raise ChangeError(
            f"学校 {change.school} 的{STAGE_LABELS[change.stage]}超额班级中没有“{change.class_name}”"
            "（只能拆分超过班额上限的班级，其人数才在数据中）"
        )
    old = draft.offending.pop(matches[0])
    size, n = int(old["students"]), change.into
    if size < n:
        raise ChangeError(f"班级“{change.class_name}”只有 {size} 人，不能拆分为 {n} 个班")
    parts = [size // n + (1 if i < size % n else 0) for i in range(n)]
    limit = draft.params["class_limits"][change.stage]
    counts = draft.counts("classes", (change.school, change.stage))
    counts["classes"] = (counts.get("classes") or 0) + n - 1
    for key, v in _class_flags(size, limit, draft.params).items():
        counts[key] = (counts.get(key) or 0) - v
    for i, part in enumerate(parts):
        for key, v in _class_flags(part, limit, draft.params).items():
            counts[key] = (counts.get(key) or 0) + v
        if part > limit:
            draft.offending.append({**old, "name": f"{old['name']}（拆{i + 1}）", "students": part})
    # The class's own size is gone; the largest class left is the largest still over the limit, or else (all the
    # rest being within the limit and of unknown size) at least the largest part: a lower bound.
    still = [
        c["students"]
        for c in draft.offending
        if c["school_code"] == change.school and c["stage"] == change.stage
    ]
    counts["max"] = max(still) if still else max(parts)


def apply_changes(
    data: CountyData, changes: Sequence[Change | Mapping[str, Any]], params: Mapping[str, Any] | None = None
) -> CountyData:
    """A new CountyData with the changes applied in order; `data` itself is never modified.

    changes: Change objects or their dicts. params: the 2017 rule set's params (only the class-size limits are
    read, for split classes). ChangeError (Chinese, naming the position of the change) when a change does not
    fit the data.
    """
    draft = _Draft(data, params or DEFAULT_CLASS_PARAMS)
    for i, change in enumerate(changes):
        try:
            _apply_one(draft, change if isinstance(change, Change) else change_from_dict(change))
        except ChangeError as e:
            raise ChangeError(e.detail, index=i, field=e.field) from None
    return draft.build()
