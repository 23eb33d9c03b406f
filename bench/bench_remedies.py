"""Benchmark: the remedy planner on a 120-school county with about 6 000 teachers (issue 12).

    .venv/bin/python bench/bench_remedies.py [--repeat 5] [--time-limit 60] [--seed 1]

No database: the county is synthesised directly as CountyData with its roster (`remedies.synthetic`), the
planner's own input. Measured in one run:

- a scenario recompute: `apply_changes` of a 46-change scenario (areas, equipment, rooms, hires, moves, pupils)
  + `compute_report`, warm-up then N repeats (median, min); target ≤ 1 s;
- the cheapest way to pass: `solve_cheapest` with the default unit costs, time limit 60 s; its status, verified
  flag, cost, proven bound and gap, and the greedy heuristic's cost for comparison; target ≤ 60 s;
- teacher rotation: `solve_rotation` and `greedy_rotation` under the default rules (10 % of eligible, 20 %
  backbone, same subject and stage), with school targets "keep", then with no minimum share (so the number of
  moves is what the targets need); moves, bound, time; target ≤ 60 s.

Prints a Markdown table and writes bench/out/remedies.json.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from remedies.changes import (  # noqa: E402
    AddEquipment,
    AddMultimediaRooms,
    AddTeachingArea,
    HireTeachers,
    MovePupils,
    MoveTeacher,
    apply_changes,
)
from remedies.cheapest import solve_cheapest  # noqa: E402
from remedies.engine_api import report  # noqa: E402
from remedies.rotation import RotationRules, greedy_rotation, roster_from_rows, solve_rotation  # noqa: E402
from remedies.synthetic import synthetic_county  # noqa: E402
from remedies.units import resource_problems  # noqa: E402


def scenario(data, roster):
    codes = [s["code"] for s in data.schools]
    by_stage = {s["code"]: s for s in data.schools}
    changes = []
    for i, code in enumerate(codes[:10]):
        changes += [AddTeachingArea(code, 100 + i), AddEquipment(code, 50_000), AddMultimediaRooms(code, 1)]
        stage = "primary" if by_stage[code]["primary_students"] else "junior"
        changes.append(HireTeachers(code, stage, count=2, degree="bachelor", backbone=i % 2 == 0))
    moved = 0
    for t in roster:
        target = next((c for c in codes if c != t["school"] and by_stage[c][f"{t['stage']}_students"]), None)
        if target and moved < 5:
            changes.append(MoveTeacher(t["school"], target, t["stage"], t["degree"], teacher_id=t["id"]))
            moved += 1
    primary = [c for c in codes if by_stage[c]["primary_students"] and by_stage[c]["primary_students"] > 100]
    changes.append(MovePupils(primary[0], primary[1], "primary", 30))
    return changes


def timed(fn, repeat):
    fn()
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times), min(times)


def write_results(rows: list[tuple[str, str, str]], out: dict, name: str) -> None:
    """Print the rows (measurement, result, target) as a Markdown table and write out as bench/out/<name>.json."""
    print()
    print("| measurement | result | target |")
    print("|---|---|---|")
    for row in rows:
        print("| " + " | ".join(row) + " |")
    folder = ROOT / "bench" / "out"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{name}.json").write_text(
        json.dumps(out, ensure_ascii=False, indent=2, default=str), encoding="utf-8"
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--time-limit", type=float, default=60.0)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()

    data, roster = synthetic_county(schools=120, teachers=6000, seed=args.seed)
    rows, out = (
        [],
        {"machine": platform.platform(), "python": platform.python_version(), "cpus": os.cpu_count()},
    )
    before = report(data)
    out["county"] = {
        "schools": len(data.schools),
        "teachers": len(roster),
        "units": {s: before["quality_2017"][s]["units"] for s in ("primary", "junior")},
        "resource_problems": len(resource_problems(before)),
        "degree_ratio": before["urban_rural_degree_ratio"]["ratio"],
    }
    print(f"county: {out['county']}", flush=True)

    changes = scenario(data, roster)
    median, best = timed(lambda: report(apply_changes(data, changes)), args.repeat)
    out["scenario"] = {"changes": len(changes), "median_s": median, "min_s": best}
    rows.append(
        (
            "scenario: apply 46 changes + compute_report",
            f"{median * 1000:.0f} / {best * 1000:.0f} ms",
            "≤ 1 s",
        )
    )

    t = time.perf_counter()
    cheap = solve_cheapest(data, time_limit=args.time_limit)
    seconds = time.perf_counter() - t
    out["cheapest"] = {
        "status": cheap.status,
        "verified": cheap.verified,
        "objective": cheap.objective,
        "bound": cheap.bound,
        "gap": cheap.gap,
        "seconds": seconds,
        "iterations": cheap.iterations,
        "rows_added": cheap.cuts,
        "actions": len(cheap.actions),
        "notes": cheap.notes,
    }
    rows.append(
        (
            "cheapest pass (`solve_cheapest`)",
            f"{seconds:.1f} s: {cheap.status}, verified {cheap.verified}, {cheap.objective:,.0f} 元, "
            f"bound {cheap.bound:,.0f}, gap {cheap.gap:.3%}; {cheap.notes[0] if cheap.notes else ''}",
            "≤ 60 s, verified",
        )
    )
    print(rows[-1], flush=True)

    people = roster_from_rows(roster)
    for label, rules in (
        (
            "rotation, default rules (≥ 10 %, ≥ 20 % backbone, same subject), targets keep",
            RotationRules(school_targets="keep"),
        ),
        (
            "rotation, no minimum share (moves the targets need)",
            RotationRules(school_targets="keep", min_share=0.0),
        ),
    ):
        t = time.perf_counter()
        rot = solve_rotation(data, people, rules, time_limit=args.time_limit)
        seconds = time.perf_counter() - t
        t = time.perf_counter()
        greedy = greedy_rotation(data, people, rules)
        greedy_seconds = time.perf_counter() - t
        out[label] = {
            "milp": {
                "status": rot.status,
                "verified": rot.verified,
                "moves": rot.moves,
                "bound": rot.bound,
                "gap": rot.gap,
                "seconds": seconds,
                "required": rot.required_moves,
                "eligible": rot.eligible,
                "ratio_after": rot.after.get("ratio"),
                "reason": rot.reason,
            },
            "greedy": {
                "verified": greedy.verified,
                "moves": greedy.moves,
                "seconds": greedy_seconds,
                "reason": greedy.reason,
            },
        }
        rows.append(
            (
                label,
                f"MILP {seconds:.1f} s: {rot.status}, verified {rot.verified}, {rot.moves} moves (bound "
                f"{rot.bound}, required {rot.required_moves} of {rot.eligible} eligible), ratio "
                f"{before['urban_rural_degree_ratio']['ratio']:.3f} → {rot.after.get('ratio') or 0:.3f}; greedy "
                f"{greedy_seconds:.1f} s: verified {greedy.verified}, {greedy.moves} moves",
                "≤ 60 s, verified",
            )
        )
        print(rows[-1], flush=True)

    write_results(rows, out, "remedies")


if __name__ == "__main__":
    main()
