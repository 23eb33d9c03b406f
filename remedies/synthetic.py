"""A synthetic county built directly as `CountyData` plus its teacher roster, for the bench and for tests.

Deterministic for a seed, no database. Values are drawn around the 2017 minimums so that some schools fail and a
few rich "flagship" schools push some CVs over their limits, as in a county that asks the planner for help; urban
schools get more teachers with a bachelor's degree than rural ones, so the urban–rural ratio starts above 1.05.
"""

from __future__ import annotations

import math
import random
from collections.abc import Iterable, Mapping
from typing import Any

from .engine_api import ASSOCIATE_PLUS, BACHELOR_PLUS, PE_ART_SUBJECTS, CountyData

KINDS = [("primary", 0.55), ("junior", 0.22), ("nine_year", 0.12), ("teaching_point", 0.11)]
URBAN = ["111", "112"]
RURAL = ["121", "122", "210", "220"]
SUBJECTS = [
    ("语文", 0.24),
    ("数学", 0.21),
    ("英语", 0.12),
    ("科学", 0.07),
    ("道德与法治", 0.06),
    ("体育", 0.09),
    ("音乐", 0.05),
    ("美术", 0.05),
    ("信息科技", 0.06),
    ("其他", 0.05),
]


def _pick(rng: random.Random, table) -> str:
    return rng.choices([v for v, _ in table], [w for _, w in table])[0]


def teacher_counts(roster: Iterable[Mapping[str, Any]]) -> dict[tuple[str, str], dict[str, int]]:
    """The per school × stage counts `indicators.selectors.county_inputs` makes from a roster (full-time only,
    except all_staff)."""
    out: dict[tuple[str, str], dict[str, int]] = {}
    for t in roster:
        c = out.setdefault((t["school"], t["stage"]), {})
        c["all_staff"] = c.get("all_staff", 0) + 1
        if not t.get("full_time", True):
            continue
        flags = {
            "full_time": True,
            "associate_plus": t["degree"] in ASSOCIATE_PLUS,
            "bachelor_plus": t["degree"] in BACHELOR_PLUS,
            "backbone": bool(t.get("backbone")),
            "pe_art": t.get("subject") in PE_ART_SUBJECTS,
            "mid_title": bool(t.get("mid_title")),
            "certified": True,
            "certified_reported": True,
            "trained": True,
            "training_reported": True,
            "rotation_eligible": bool(t.get("eligible")),
            "rotated": False,
            "rotated_backbone": False,
        }
        for key, on in flags.items():
            c[key] = c.get(key, 0) + int(on)
    return out


def synthetic_county(
    schools: int = 120, teachers: int = 6000, seed: int = 1, year: int = 2024, flagships: int | None = None
) -> tuple[CountyData, list[dict[str, Any]]]:
    """A county of `schools` schools and about `teachers` full-time teachers: (CountyData, roster)."""
    rng = random.Random(seed)
    flagships = max(2, schools // 20) if flagships is None else flagships
    rows, roster = [], []
    for i in range(schools):
        kind = _pick(rng, KINDS)
        urban = rng.random() < 0.3
        code = f"99{seed % 100:02d}{i + 1:06d}"
        if kind == "teaching_point":
            primary, junior = rng.randint(30, 130), 0
        elif kind == "primary":
            primary, junior = rng.randint(250, 1400), 0
        elif kind == "junior":
            primary, junior = 0, rng.randint(350, 1500)
        else:
            primary, junior = rng.randint(200, 900), rng.randint(150, 700)
        pupils = primary + junior
        flagship = i < flagships
        factor = rng.uniform(0.75, 1.35) * (3.2 if flagship else 1.0)
        indoor = round(pupils * 0.5 * factor, 2)
        rows.append(
            {
                "id": i + 1,
                "code": code,
                "name": f"模拟学校{i + 1}",
                "kind": kind,
                "urban_rural_code": rng.choice(URBAN if urban or flagship else RURAL),
                "ownership": "public",
                "boarding": False,
                "urban_quality_reference": flagship,
                "primary_students": primary or None,
                "junior_students": junior or None,
                "senior_students": None,
                "boarders": 0,
                "staff": None,
                "teaching_area": round(pupils * 5.6 * factor * rng.uniform(0.85, 1.15) + indoor, 2),
                "indoor_sports_area": indoor,
                "sports_ground_area": round(pupils * 8.6 * factor * rng.uniform(0.85, 1.15), 2),
                "equipment_value": round(pupils * 2400 * factor * rng.uniform(0.85, 1.15), 2),
                "multimedia_rooms": max(1, round(pupils * 0.027 * factor * rng.uniform(0.85, 1.15))),
                "computers": round(pupils * 0.15),
                "books": round(pupils * 30),
                "music_rooms": 1,
                "art_rooms": 1,
            }
        )
    total_pupils = sum((s["primary_students"] or 0) + (s["junior_students"] or 0) for s in rows)
    per_pupil = teachers / total_pupils
    for s in rows:
        urban = s["urban_rural_code"] in URBAN
        for stage in ("primary", "junior"):
            p = s[f"{stage}_students"] or 0
            if not p:
                continue
            n = max(2, round(p * per_pupil * rng.uniform(0.85, 1.15)))
            bachelor = (0.84 if urban else 0.74) * rng.uniform(0.92, 1.08)
            for k in range(n):
                r = rng.random()
                degree = (
                    "postgraduate"
                    if r < 0.05
                    else "bachelor"
                    if r < bachelor
                    else "associate"
                    if r < 0.97
                    else "secondary"
                )
                roster.append(
                    {
                        "id": f"{s['code']}{stage[0]}{k + 1:03d}",
                        "school": s["code"],
                        "stage": stage,
                        "subject": _pick(rng, SUBJECTS),
                        "degree": degree,
                        "backbone": rng.random() < (0.22 if urban else 0.15),
                        "full_time": True,
                        "mid_title": rng.random() < 0.5,
                        "eligible": rng.random() < 0.4,
                        "years_at_school": rng.randint(0, 20),
                    }
                )
    data = CountyData(
        county_code=f"99{seed % 100:02d}00",
        county_name=f"模拟县{seed}",
        year=year,
        schools=rows,
        teachers=teacher_counts(roster),
        classes={
            (s["code"], stage): {
                "classes": math.ceil(s[f"{stage}_students"] / 42),
                "students": s[f"{stage}_students"],
                "max": 45,
                "over_limit": 0,
                "large": 0,
                "super_large": 0,
            }
            for s in rows
            for stage in ("primary", "junior")
            if s[f"{stage}_students"]
        },
    )
    return data, roster
