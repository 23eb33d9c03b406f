"""Writes of the remedy planner: scenarios (their changes only), planner runs (queued on commit, run by a task that
takes the run's id), a run applied as a scenario, a scenario turned into plan projects.

Who may write: the county's clerks and administrators (`core.scoping.can_edit_county`); officials read. Nothing
here changes a county's data or its stored results — a scenario is only its list of changes.
"""

from __future__ import annotations

import logging
import math
import time
from collections import defaultdict
from collections.abc import Iterable, Mapping
from datetime import timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from celery.exceptions import SoftTimeLimitExceeded
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import DatabaseError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.models import Region
from core.scoping import can_edit_county
from indicators import engine, presenter
from indicators.formulas import compute_report
from plans import services as plan_services
from plans.models import Plan, Project

from . import selectors
from .changes import KINDS, ChangeError, apply_changes, change_from_dict
from .cheapest import solve_cheapest
from .costs import CostError, cost_of_change
from .models import RemedyRun, Scenario
from .rotation import RosterError, greedy_rotation, roster_from_rows, solve_rotation
from .rule_params import rotation_rules_of

logger = logging.getLogger(__name__)

MAX_CHANGES = 10_000  # a rotation plan of a large county is a few hundred moves
TIME_LIMITS = (5, 600)  # seconds a planner run may be given
PROGRESS_EVERY = 0.5  # seconds between two progress writes of a run


def _check_edit(user, county: Region) -> None:
    if user is None or not can_edit_county(user, county.pk):
        raise PermissionDenied("no write access to this county")


# ---------------------------------------------------------------- scenarios


def _check_year(county: Region, year: int) -> None:
    if year not in selectors.data_years(county):
        raise ValidationError(
            {"year": _("%(county)s %(year)s 学年没有学校数据") % {"county": county.name, "year": year}}
        )


def scenario_create(
    *,
    user,
    county: Region,
    name: str,
    year: int,
    changes: list[dict[str, Any]] | None = None,
    source_run=None,
) -> Scenario:
    _check_edit(user, county)
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": _("请填写方案名称")})
    if len(name) > 100:
        raise ValidationError({"name": _("方案名称不能超过 100 个字")})
    _check_year(county, year)
    scenario = Scenario(
        county=county,
        year=year,
        name=name,
        created_by=user,
        updated_by=user,
        changes=list(changes or []),
        source_run=source_run,
    )
    if scenario.changes:
        _validate(scenario, scenario.changes)
    scenario.save()
    return scenario


def _validate(scenario: Scenario, changes: list[dict[str, Any]], rows: list[int] | None = None) -> None:
    """The changes read and applied over the county's real inputs (in memory): ValidationError naming the first
    one that does not fit (its position, or its row of the uploaded file)."""
    if len(changes) > MAX_CHANGES:
        raise ValidationError(_("一个方案最多 %(n)s 项修改") % {"n": MAX_CHANGES})
    read = selectors.county_inputs(scenario.county, scenario.year)
    try:
        apply_changes(read.data, changes, read.quality_params)
    except ChangeError as error:
        if rows is not None and error.index is not None and error.index >= len(changes) - len(rows):
            row = rows[error.index - (len(changes) - len(rows))]
            raise ValidationError(
                _("第 %(row)s 行：%(message)s") % {"row": row, "message": error.detail}
            ) from None
        raise ValidationError(str(error)) from None


def scenario_add_change(*, user, scenario: Scenario, raw: Mapping[str, Any]) -> dict[str, Any]:
    """One change (its JSON form: kind and fields), checked against the data, appended. Returns its dict."""
    _check_edit(user, scenario.county)
    try:
        change = change_from_dict(raw).to_dict()
    except ChangeError as error:
        raise ValidationError(str(error)) from None
    changes = [*scenario.changes, change]
    _validate(scenario, changes)
    _save_changes(scenario, changes, user)
    return change


def scenario_add_changes(*, user, scenario: Scenario, raws: list[dict[str, Any]], rows: list[int]) -> int:
    """Several changes at once (an uploaded workbook): all of them or none."""
    _check_edit(user, scenario.county)
    added = []
    for raw, row in zip(raws, rows, strict=True):
        try:
            added.append(change_from_dict(raw).to_dict())
        except ChangeError as error:
            raise ValidationError(
                _("第 %(row)s 行：%(message)s") % {"row": row, "message": error.detail}
            ) from None
    changes = [*scenario.changes, *added]
    _validate(scenario, changes, rows)
    _save_changes(scenario, changes, user)
    return len(added)


def scenario_remove_change(*, user, scenario: Scenario, index: int) -> None:
    _check_edit(user, scenario.county)
    if not 0 <= index < len(scenario.changes):
        raise ValidationError(_("没有第 %(n)s 项修改") % {"n": index + 1})
    changes = [c for i, c in enumerate(scenario.changes) if i != index]
    _save_changes(scenario, changes, user)


def scenario_clear(*, user, scenario: Scenario) -> None:
    _check_edit(user, scenario.county)
    _save_changes(scenario, [], user)


def _save_changes(scenario: Scenario, changes: list[dict[str, Any]], user) -> None:
    scenario.changes = changes
    scenario.updated_by = user
    scenario.save(update_fields=["changes", "updated_by", "updated_at"])


def scenario_delete(*, user, scenario: Scenario) -> None:
    _check_edit(user, scenario.county)
    scenario.delete()


# ---------------------------------------------------------------- planner runs


def run_request(
    *,
    user,
    county: Region,
    kind: str,
    year: int,
    time_limit_s: int = 60,
    options: dict[str, Any] | None = None,
) -> RemedyRun:
    """Queue a planner run; the task starts when the transaction commits and gets only the run's id."""
    _check_edit(user, county)
    if kind not in RemedyRun.Kind.values:
        raise ValidationError({"kind": _("未知的测算类型")})
    _check_year(county, year)
    low, high = TIME_LIMITS
    if not low <= int(time_limit_s) <= high:
        raise ValidationError(
            {"time_limit_s": _("时限应在 %(low)s–%(high)s 秒之间") % {"low": low, "high": high}}
        )
    run = RemedyRun.objects.create(
        kind=kind,
        county=county,
        year=year,
        requested_by=user,
        time_limit_s=int(time_limit_s),
        options=options or {},
        message=_("排队等待计算"),
    )
    from . import tasks

    transaction.on_commit(lambda: tasks.enqueue(run))
    return run


class _Reporter:
    """Writes a run's progress and best plan so far, at most every PROGRESS_EVERY seconds (and always the last)."""

    def __init__(self, run_id: int):
        self.run_id, self.last = run_id, 0.0

    def progress(self, fraction: float, message: str) -> None:
        now = time.monotonic()
        if fraction < 1.0 and now - self.last < PROGRESS_EVERY:
            return
        self.last = now
        RemedyRun.objects.filter(pk=self.run_id).update(
            progress=max(0.0, min(1.0, fraction)), message=message[:300]
        )

    def best(self, plan: dict[str, Any]) -> None:
        # called from inside the solver (HiGHS's callback): a failed write must not stop the solve
        try:
            RemedyRun.objects.filter(pk=self.run_id).update(best={k: _finite(v) for k, v in plan.items()})
        except DatabaseError:
            logger.warning("remedy run %s: the best plan so far could not be written", self.run_id)


def _finite(value: Any) -> float | None:
    """A number JSON can hold (HiGHS reports an unknown bound as −inf)."""
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return number if math.isfinite(number) else None


def run_claim(run_id: int) -> RemedyRun | None:
    """Mark a queued run running and return it; None when it is finished, gone, or running elsewhere (a second
    delivery of the task). A run left running past its time limit (its worker died) is taken over."""
    with transaction.atomic():
        run = RemedyRun.objects.select_for_update().select_related("county").filter(pk=run_id).first()
        if run is None or run.finished:
            return None
        now = timezone.now()
        if run.status == RemedyRun.Status.RUNNING and run.started_at is not None:
            if now - run.started_at < timedelta(seconds=run.time_limit_s + 120):
                return None
        run.status, run.started_at, run.progress, run.best = RemedyRun.Status.RUNNING, now, 0.0, {}
        run.message = _("读取数据")
        run.save(update_fields=["status", "started_at", "progress", "best", "message"])
        return run


def run_execute(run_id: int) -> str:
    """The task's work: solve, verify with the engine (the solvers do), store. Idempotent: a finished run, or one
    another worker is running, is left alone. Returns the run's status."""
    run = run_claim(run_id)
    if run is None:
        current = RemedyRun.objects.filter(pk=run_id).values_list("status", flat=True).first()
        return current or "missing"
    try:
        fields = _solve(run, _Reporter(run.pk))
    except (ChangeError, CostError, RosterError) as error:
        fields = {"status": RemedyRun.Status.FAILED, "reason": str(error), "message": str(error)[:300]}
    except SoftTimeLimitExceeded:
        run_fail(run.pk, _("超过任务时限，计算已停止；请加长时限后重试"))
        return RemedyRun.Status.FAILED
    except Exception as error:  # noqa: BLE001 - recorded on the run and logged; the page shows the failure
        logger.exception("remedy run %s (%s, county %s) failed", run.pk, run.kind, run.county_id)
        run_fail(run.pk, _("计算出错（%(kind)s），请稍后重试或联系管理员") % {"kind": type(error).__name__})
        return RemedyRun.Status.FAILED
    RemedyRun.objects.filter(pk=run.pk).update(finished_at=timezone.now(), progress=1.0, **fields)
    logger.info(
        "remedy run %s (%s, county %s) finished: %s", run.pk, run.kind, run.county_id, fields["status"]
    )
    return fields["status"]


def run_fail(run_id: int, reason: str) -> None:
    RemedyRun.objects.filter(pk=run_id).exclude(status__in=RemedyRun.FINISHED).update(
        status=RemedyRun.Status.FAILED, reason=reason, finished_at=timezone.now(), message=reason[:300]
    )


def _status(solver_status: str, verified: bool) -> str:
    if solver_status == "infeasible":
        return RemedyRun.Status.INFEASIBLE
    if solver_status in ("optimal", "feasible") and verified:
        return RemedyRun.Status.DONE
    return RemedyRun.Status.FAILED


def _solve(run: RemedyRun, reporter: _Reporter) -> dict[str, Any]:
    read = selectors.county_inputs(run.county, run.year)
    RemedyRun.objects.filter(pk=run.pk).update(rule_set=read.quality)
    before = compute_report(read.data, read.quality_params, read.basic_params)
    if run.kind == RemedyRun.Kind.CHEAPEST:
        result = solve_cheapest(
            read.data,
            read.costs(),
            quality=read.quality_params,
            basic=read.basic_params,
            cost_cap=run.options.get("cost_cap"),
            time_limit=run.time_limit_s,
            progress=reporter.progress,
            on_plan=reporter.best,
        )
        extra: dict[str, Any] = {}
    else:
        options = run.options
        distances = {(d["from"], d["to"]): float(d["km"]) for d in options.get("distances") or []}
        rules = rotation_rules_of(
            read.quality_params,
            school_targets=options.get("school_targets"),
            distances=distances,
            max_distance=options.get("max_distance_km"),
        )
        roster = roster_from_rows(selectors.roster_rows(run.county, run.year))
        result = solve_rotation(
            read.data,
            roster,
            rules,
            quality=read.quality_params,
            basic=read.basic_params,
            time_limit=run.time_limit_s,
            progress=reporter.progress,
            on_plan=reporter.best,
        )
        extra = {"rules": _rules_dict(rules, read.quality_params, distances)}
        if result.status in ("optimal", "feasible"):
            reporter.progress(0.99, _("计算贪心基线方案以作比较"))
            greedy = greedy_rotation(
                read.data, roster, rules, quality=read.quality_params, basic=read.basic_params
            )
            extra["greedy"] = {"moves": greedy.moves, "verified": greedy.verified, "reason": greedy.reason}
    data = result.to_dict()
    report = data.pop("report", None)
    data.update(extra)
    return {
        "status": _status(result.status, result.verified),
        "result": data,
        "report": report,
        "report_before": before,
        "reason": result.reason,
        "message": result.reason[:300] if result.reason else _("完成"),
    }


def _rules_dict(rules, quality: dict[str, Any], distances: dict) -> dict[str, Any]:
    notes = []
    if quality.get("rotation_max_distance_km") is not None and not distances:
        notes.append(_("规则设置了最大交流距离，但本次未提供学校间距离，未按距离限制"))
    return {
        "min_share": rules.min_share,
        "backbone_share": rules.backbone_share,
        "eligibility": rules.eligibility,
        "balance": rules.balance,
        "school_targets": rules.school_targets,
        "objective": rules.objective,
        "max_distance": rules.max_distance,
        "notes": notes,
    }


# ---------------------------------------------------------------- from a run to a scenario to plan projects


def scenario_from_run(*, user, run: RemedyRun, name: str = "") -> Scenario:
    """ "Apply as scenario": the run's plan (its changes) as a new scenario of the same county and year."""
    _check_edit(user, run.county)
    if run.status != RemedyRun.Status.DONE or not run.verified:
        raise ValidationError(_("只有经引擎验证的方案才能转为模拟方案"))
    default = _("%(kind)s #%(pk)s 的方案") % {"kind": run.get_kind_display(), "pk": run.pk}
    return scenario_create(
        user=user,
        county=run.county,
        name=name or default,
        year=run.year,
        changes=list(run.result.get("changes") or []),
        source_run=run,
    )


# the indicator a change serves (the project it belongs to); a hire serves the first of its indicators
_INDICATOR_OF = {
    "add_teaching_area": "Q4",
    "add_sports_ground": "Q5",
    "add_equipment": "Q6",
    "add_multimedia_rooms": "Q7",
    "move_teacher": "urban_rural_degree_ratio",
    "move_pupils": "G5",
    "split_class": "G5",
}


def _indicator_of(change: Mapping[str, Any]) -> str:
    kind = change["kind"]
    if kind != "hire_teachers":
        return _INDICATOR_OF[kind]
    hire = KINDS[kind](**{k: v for k, v in change.items() if k != "kind"})
    counts = hire.counts()
    above = counts["associate_plus"] if hire.stage == "primary" else counts["bachelor_plus"]
    if above:
        return "Q1"
    if counts["backbone"]:
        return "Q2"
    return "Q3" if counts["pe_art"] else "Q1"


def projects_from_scenario(*, user, scenario: Scenario, plan: Plan) -> list[Project]:
    """One project per indicator the scenario's changes serve: its changes as the content (school names, no
    teachers' names), the shortfall worded as the report page words it (the presenter's prefill), the priced
    changes as the budget (万元). All or none."""
    _check_edit(user, scenario.county)
    if not scenario.changes:
        raise ValidationError(_("方案中还没有修改，无法生成项目"))
    read = selectors.county_inputs(scenario.county, scenario.year)
    actual = engine.compute_report(read.data, read.quality_params, read.basic_params).stamped(read.stamp())
    names = selectors.school_names(scenario.county)
    costs = read.costs()
    groups: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for change in scenario.changes:
        groups[_indicator_of(change)].append(change)
    created = []
    with transaction.atomic():
        for code, changes in groups.items():
            prices = [cost_of_change(c, costs) for c in changes]
            priced = [p for p in prices if p is not None]
            budget = None
            if priced:
                budget = (Decimal(str(sum(priced))) / Decimal(10000)).quantize(Decimal("0.01"), ROUND_HALF_UP)
            created.append(
                plan_services.project_create(
                    user=user,
                    plan=plan,
                    county=scenario.county,
                    title=_("补短板：%(label)s（方案“%(name)s”）")
                    % {"label": presenter.plan_indicator_label(code), "name": scenario.name},
                    content_standard=_content(changes, names),
                    indicator_code=code,
                    result_year=scenario.year,
                    shortfall=presenter.prefill(actual, code),
                    budget=budget,
                )
            )
    return created


def _content(changes: Iterable[Mapping[str, Any]], names: Mapping[str, str]) -> str:
    """The changes in words, schools by name; teacher moves counted per pair of schools, never named."""
    lines, moves = [], defaultdict(int)
    for raw in changes:
        change = change_from_dict(raw)
        if raw["kind"] == "move_teacher":
            moves[(raw["from_school"], raw["to_school"])] += int(raw.get("count", 1))
            continue
        text = change.describe()
        for code, name in names.items():
            text = text.replace(f"学校 {code}", name)
        lines.append(text)
    for (a, b), n in sorted(moves.items()):
        lines.append(
            _("%(from)s → %(to)s 交流教师 %(n)s 人")
            % {"from": names.get(a, a), "to": names.get(b, b), "n": n}
        )
    return "\n".join(lines)
