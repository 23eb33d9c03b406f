"""The built-in plans (Linyi 12 tasks, Henan ten actions, Jinan, Subei …): data files under plans/data/, and the
small loader that writes them.

Each directory of plans/data/ is named after the data migration that loads it (`0002_builtin_plans/`: one YAML
file per plan, loaded in file-name order). A migration must do on a fresh database years from now exactly what it
did when it was written, so a directory, once shipped, is frozen: its files are never edited in place (a test
compares them with the fingerprint recorded in their migration). To correct or add a built-in plan, add a
directory named after a new data migration and have that migration apply it; existing databases then get the
change too, which an edit in place would never give them.

The loader is kept stable for the same reason: it writes through the historical models a migration hands it
(`apps`), only the fields those models have had since plans/0001, and `load` is idempotent on the plan slug. What
a seed does not say stays empty (shown as 待补充); budgets and totals are recorded as published, even where a
declared total differs from the sum of its items (Subei 专栏8: declared 2630 万元, items sum to 3130 万元).
"""

import functools
import hashlib
from decimal import Decimal, InvalidOperation
from pathlib import Path

import yaml

DATA_DIR = Path(__file__).resolve().parent / "data"

PLAN_FIELDS = {
    "title", "issuer", "document_number", "region_code", "region_name", "year", "period", "source_seed",
    "summary", "structure_note",
}  # fmt: skip
SECTIONS = {"tasks", "boxes", "projects", "targets"}
FIELDS = {
    "tasks": {"number", "title", "description"},
    "boxes": {"number", "task", "title", "content", "declared_total"},
    "projects": {
        "task",
        "box",
        "number",
        "title",
        "content_standard",
        "deadline",
        "deadline_note",
        "responsible_departments",
        "budget",
    },  # fmt: skip
    "targets": {"task", "description", "indicator_code", "comparator", "value", "unit", "deadline", "note"},
}
DECIMALS = {"declared_total", "budget", "value"}


class BuiltinDataError(ValueError):
    """A data file that does not say what the loader expects; the message names the file and the place."""


def files(snapshot: str) -> list[Path]:
    return sorted((DATA_DIR / snapshot).glob("*.yaml"))


def fingerprint(snapshot: str) -> str:
    """SHA-256 over the snapshot's file names and bytes: what its migration records to keep it frozen."""
    digest = hashlib.sha256()
    for path in files(snapshot):
        digest.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


def _decimal(value, where: str) -> Decimal | None:
    if value is None:
        return None
    try:
        return Decimal(str(value))
    except InvalidOperation as exc:
        raise BuiltinDataError(f"{where}: {value!r} is not a number") from exc


def _check_keys(item, allowed: set[str], where: str) -> None:
    if not isinstance(item, dict):
        raise BuiltinDataError(f"{where}: expected a mapping, found {type(item).__name__}")
    unknown = sorted(set(item) - allowed)
    if unknown:
        raise BuiltinDataError(f"{where}: unknown key(s) {', '.join(unknown)}")


def read_plan(path: Path) -> dict:
    """One plan file, checked: only known keys, decimals exact. Raises BuiltinDataError naming file and place."""
    with path.open(encoding="utf-8") as stream:
        plan = yaml.safe_load(stream)
    _check_keys(plan, {"slug", *PLAN_FIELDS, *SECTIONS}, path.name)
    for key in ("slug", "title", "region_code", "region_name"):
        if not plan.get(key):
            raise BuiltinDataError(f"{path.name}: {key} is missing")
    for section in SECTIONS:
        items = plan[section] = plan.get(section) or []
        for index, item in enumerate(items, start=1):
            where = f"{path.name}: {section}[{index}]"
            _check_keys(item, FIELDS[section], where)
            for key in DECIMALS & set(item):
                item[key] = _decimal(item[key], f"{where}.{key}")
    return plan


def read_plans(snapshot: str) -> list[dict]:
    paths = files(snapshot)
    if not paths:
        raise BuiltinDataError(f"plans/data/{snapshot}/ has no plan files")
    return [read_plan(path) for path in paths]


def load(apps, schema_editor=None, *, snapshot: str) -> None:
    Plan = apps.get_model("plans", "Plan")
    Task = apps.get_model("plans", "Task")
    ProgrammeBox = apps.get_model("plans", "ProgrammeBox")
    Project = apps.get_model("plans", "Project")
    Target = apps.get_model("plans", "Target")
    for spec in read_plans(snapshot):
        if Plan.objects.filter(slug=spec["slug"]).exists():
            continue
        plan = Plan.objects.create(
            slug=spec["slug"], built_in=True, **{k: spec[k] for k in PLAN_FIELDS if k in spec}
        )
        tasks = {item["number"]: Task.objects.create(plan=plan, **item) for item in spec["tasks"]}
        boxes = {}
        for item in spec["boxes"]:
            item = dict(item)
            task = tasks.get(item.pop("task", None))
            boxes[item["number"]] = ProgrammeBox.objects.create(plan=plan, task=task, **item)
        for item in spec["projects"]:
            item = dict(item)
            task, box = tasks.get(item.pop("task", None)), boxes.get(item.pop("box", None))
            Project.objects.create(plan=plan, task=task, box=box, **item)
        for item in spec["targets"]:
            item = dict(item)
            task = tasks.get(item.pop("task", None))
            Target.objects.create(
                plan=plan,
                task=task,
                region_code=spec["region_code"],
                region_name=spec["region_name"],
                **item,
            )


def unload(apps, schema_editor=None, *, snapshot: str) -> None:
    slugs = [plan["slug"] for plan in read_plans(snapshot)]
    apps.get_model("plans", "Plan").objects.filter(slug__in=slugs, built_in=True).delete()


def operations(snapshot: str) -> tuple:
    """(forward, backward) for a data migration's RunPython."""
    return functools.partial(load, snapshot=snapshot), functools.partial(unload, snapshot=snapshot)
