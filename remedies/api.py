"""/api/v1/ of the remedy planner (issue 12). Scoped as the pages: another county's county, scenario or run
answers 404 as a missing one does; officials read, clerks of the county and administrators write (403).

- POST counties/{code}/scenarios/ {name, year} → 201 {id}
- POST scenarios/{id}/changes/ one change {kind, fields…} → 201 {index, change, description}
- GET scenarios/{id}/report/ → the report of spec/report.md for the scenario, plus `changed` (the figures that
  differ from the actual report, computed now from the same inputs and rule sets) and `sentence`
- POST counties/{code}/remedies/cheapest-pass/ and counties/{code}/remedies/rotation/ {year, time_limit_s} →
  202 {id}: queued, run by a Celery task
- GET remedies/{id}/ → status, progress, the best plan so far, and when done the verified plan: actions and
  total_cost (cheapest pass) or transfers (rotation: teacher numbers, never names), bound, gap, the engine's
  report after the plan
"""

from __future__ import annotations

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction
from django.urls import path
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.decorators import api_view
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from indicators.serializers import CountyReportSerializer

from . import selectors, services
from .changes import KINDS, ChangeError, change_from_dict
from .models import RemedyRun

CODE = OpenApiParameter(
    "code", OpenApiTypes.STR, OpenApiParameter.PATH, description="county code, e.g. 371302"
)
ID = OpenApiParameter("id", OpenApiTypes.INT, OpenApiParameter.PATH, description="the scenario's or run's id")
NOT_FOUND = OpenApiResponse(description="no such county, scenario or run within your region")
FORBIDDEN = OpenApiResponse(description="your role may read but not change this county's planner data")
INVALID = OpenApiResponse(description="the body does not fit (a Chinese message names the field or change)")


def _invalid(error: DjangoValidationError) -> ValidationError:
    if hasattr(error, "error_dict"):
        return ValidationError(
            {k: [str(m) for e in v for m in e.messages] for k, v in error.error_dict.items()}
        )
    return ValidationError({"detail": [str(m) for m in error.messages]})


class CreatedSerializer(serializers.Serializer):
    id = serializers.IntegerField()


# ---------------------------------------------------------------- scenarios


class ScenarioCreateSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=100)
    year = serializers.IntegerField(min_value=1990, max_value=2100)


@extend_schema(
    summary="新建模拟方案 (create a what-if scenario of a county-year)",
    parameters=[CODE],
    request=ScenarioCreateSerializer,
    responses={201: CreatedSerializer, 400: INVALID, 403: FORBIDDEN, 404: NOT_FOUND},
)
@api_view(["POST"])
def scenario_create(request, code: str):
    county = selectors.county_get(user=request.user, code=code)
    body = ScenarioCreateSerializer(data=request.data)
    body.is_valid(raise_exception=True)
    try:
        scenario = services.scenario_create(user=request.user, county=county, **body.validated_data)
    except DjangoValidationError as error:
        raise _invalid(error) from None
    return Response({"id": scenario.pk}, status=status.HTTP_201_CREATED)


class ChangeSerializer(serializers.Serializer):
    """One change: its kind and the fields that kind reads (docs/remedies.md, remedies/changes.py)."""

    kind = serializers.ChoiceField(choices=list(KINDS))
    school = serializers.CharField(
        required=False, help_text="school code (area, equipment, rooms, hire, split)"
    )
    from_school = serializers.CharField(required=False)
    to_school = serializers.CharField(required=False)
    area = serializers.FloatField(required=False, help_text="m² (add_teaching_area, add_sports_ground)")
    value = serializers.FloatField(required=False, help_text="元 (add_equipment)")
    rooms = serializers.IntegerField(required=False, help_text="add_multimedia_rooms")
    stage = serializers.ChoiceField(choices=["primary", "junior"], required=False)
    count = serializers.IntegerField(required=False, help_text="teachers hired or moved, pupils moved")
    degree = serializers.ChoiceField(
        choices=["postgraduate", "bachelor", "associate", "secondary", "below_secondary"], required=False
    )
    backbone = serializers.BooleanField(required=False)
    pe_art = serializers.BooleanField(required=False, allow_null=True)
    subject = serializers.CharField(required=False, allow_blank=True)
    mid_title = serializers.BooleanField(required=False)
    certified = serializers.BooleanField(required=False)
    trained = serializers.BooleanField(required=False)
    teacher_id = serializers.CharField(required=False, allow_blank=True)
    rotation = serializers.BooleanField(required=False)
    class_name = serializers.CharField(required=False, help_text="split_class: an over-limit class")
    into = serializers.IntegerField(required=False, help_text="split_class: number of classes, ≥ 2")


class ChangeAddedSerializer(serializers.Serializer):
    index = serializers.IntegerField(help_text="the change's position in the scenario (0-based)")
    change = serializers.DictField()
    description = serializers.CharField()


@extend_schema(
    summary="向模拟方案加入一项修改 (add one change to a scenario)",
    parameters=[ID],
    request=ChangeSerializer,
    responses={201: ChangeAddedSerializer, 400: INVALID, 403: FORBIDDEN, 404: NOT_FOUND},
    examples=[
        OpenApiExample(
            "增加教学及辅助用房",
            value={"kind": "add_teaching_area", "school": "3713021014", "area": 500},
            request_only=True,
        ),
        OpenApiExample(
            "聘任教师",
            value={
                "kind": "hire_teachers",
                "school": "3713021014",
                "stage": "primary",
                "count": 2,
                "degree": "bachelor",
                "backbone": True,
            },
            request_only=True,
        ),
    ],
)
@api_view(["POST"])
def scenario_change(request, pk: int):
    scenario = selectors.scenario_get(user=request.user, pk=pk)
    if not isinstance(request.data, dict):
        raise ValidationError({"detail": ["每项修改应为一个 JSON 对象"]})
    try:
        change = services.scenario_add_change(user=request.user, scenario=scenario, raw=dict(request.data))
    except DjangoValidationError as error:
        raise _invalid(error) from None
    return Response(
        {
            "index": len(scenario.changes) - 1,
            "change": change,
            "description": change_from_dict(change).describe(),
        },
        status=status.HTTP_201_CREATED,
    )


class ChangedFigureSerializer(serializers.Serializer):
    id = serializers.CharField(
        help_text="the figure's stable id (its JSON path, school codes for list indexes)"
    )
    label = serializers.CharField()
    actual = serializers.JSONField(allow_null=True)
    scenario = serializers.JSONField(allow_null=True)
    actual_text = serializers.CharField()
    scenario_text = serializers.CharField()


class ScenarioReportSerializer(CountyReportSerializer):
    changed = ChangedFigureSerializer(many=True, help_text="the figures that differ from the actual report")
    sentence = serializers.CharField(help_text="the verdict difference in one sentence")
    scenario = serializers.DictField(help_text="{id, name, year, changes}")


@extend_schema(
    summary="模拟方案的监测报告 (the scenario's report beside the actual one)",
    parameters=[ID],
    responses={200: ScenarioReportSerializer, 400: INVALID, 404: NOT_FOUND},
)
@api_view(["GET"])
def scenario_report(request, pk: int):
    scenario = selectors.scenario_get(user=request.user, pk=pk)
    try:
        outcome = selectors.scenario_outcome(scenario)
    except ChangeError as error:
        raise ValidationError({"detail": [str(error)]}) from None
    body = outcome.scenario.to_json()
    body["changed"] = [c.as_dict() for c in outcome.changed]
    body["sentence"] = outcome.sentence
    body["scenario"] = {
        "id": scenario.pk,
        "name": scenario.name,
        "year": scenario.year,
        "changes": scenario.changes,
    }
    return Response(body)


# ---------------------------------------------------------------- planner runs


class RunRequestSerializer(serializers.Serializer):
    year = serializers.IntegerField(
        min_value=1990,
        max_value=2100,
        required=False,
        help_text="the county's latest year of data when left out",
    )
    time_limit_s = serializers.IntegerField(
        min_value=services.TIME_LIMITS[0], max_value=services.TIME_LIMITS[1], default=60
    )


class CheapestRequestSerializer(RunRequestSerializer):
    cost_cap = serializers.FloatField(
        min_value=0, required=False, help_text="元; infeasible (with why) below the need"
    )


class DistanceSerializer(serializers.Serializer):
    # "from" is a Python keyword: declared below
    to = serializers.CharField()
    km = serializers.FloatField(min_value=0)


DistanceSerializer._declared_fields["from"] = serializers.CharField()


class RotationRequestSerializer(RunRequestSerializer):
    school_targets = serializers.ChoiceField(
        choices=["reach", "keep"], required=False, help_text="the rule set's setting when left out"
    )
    distances = DistanceSerializer(many=True, required=False, help_text="km between schools (either order)")
    max_distance_km = serializers.FloatField(min_value=0, required=False)


def _run_request(request, code: str, kind: str, serializer_class):
    county = selectors.county_get(user=request.user, code=code)
    body = serializer_class(data=request.data)
    body.is_valid(raise_exception=True)
    data = dict(body.validated_data)
    year = data.pop("year", None) or next(iter(selectors.data_years(county)), None)
    if year is None:
        raise ValidationError({"year": ["该区县没有学校数据"]})
    time_limit = data.pop("time_limit_s")
    try:
        with transaction.atomic():
            run = services.run_request(
                user=request.user, county=county, kind=kind, year=year, time_limit_s=time_limit, options=data
            )
    except DjangoValidationError as error:
        raise _invalid(error) from None
    return Response({"id": run.pk}, status=status.HTTP_202_ACCEPTED)


@extend_schema(
    summary="达标最低成本测算 (queue the cheapest way to pass)",
    parameters=[CODE],
    request=CheapestRequestSerializer,
    responses={202: CreatedSerializer, 400: INVALID, 403: FORBIDDEN, 404: NOT_FOUND},
)
@api_view(["POST"])
def cheapest_request(request, code: str):
    return _run_request(request, code, RemedyRun.Kind.CHEAPEST, CheapestRequestSerializer)


@extend_schema(
    summary="教师交流轮岗方案 (queue a teacher-rotation plan)",
    parameters=[CODE],
    request=RotationRequestSerializer,
    responses={202: CreatedSerializer, 400: INVALID, 403: FORBIDDEN, 404: NOT_FOUND},
)
@api_view(["POST"])
def rotation_request(request, code: str):
    return _run_request(request, code, RemedyRun.Kind.ROTATION, RotationRequestSerializer)


class ActionSerializer(serializers.Serializer):
    school = serializers.CharField()
    stage = serializers.CharField(allow_null=True)
    what = serializers.CharField()
    quantity = serializers.FloatField()
    unit = serializers.CharField()
    cost = serializers.FloatField(help_text="元")
    indicators = serializers.ListField(child=serializers.CharField())
    description = serializers.CharField()
    change = serializers.DictField()


class TransferSerializer(serializers.Serializer):
    teacher_id = serializers.CharField(
        help_text="the teacher number (names are only in the page and the xlsx)"
    )
    from_school = serializers.CharField()
    to_school = serializers.CharField()
    stage = serializers.CharField()
    subject = serializers.CharField(allow_blank=True)
    degree = serializers.CharField()
    backbone = serializers.BooleanField()
    distance = serializers.FloatField(allow_null=True)
    why = serializers.CharField()


class RunSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    kind = serializers.ChoiceField(choices=RemedyRun.Kind.values)
    county = serializers.CharField()
    year = serializers.IntegerField()
    status = serializers.ChoiceField(choices=RemedyRun.Status.values)
    progress = serializers.FloatField(help_text="0–1")
    message = serializers.CharField(allow_blank=True)
    best = serializers.DictField(help_text="the best plan so far: objective, bound (and moves or actions)")
    reason = serializers.CharField(allow_blank=True, help_text="why (in Chinese) when infeasible or failed")
    objective = serializers.FloatField(allow_null=True, help_text="元 (cheapest pass) or moves (rotation)")
    bound = serializers.FloatField(allow_null=True, help_text="a proven lower bound of the objective")
    gap = serializers.FloatField(allow_null=True)
    verified = serializers.BooleanField(help_text="the engine passes the plan (docs/remedies.md)")
    report = serializers.DictField(allow_null=True, help_text="the engine's report with the plan applied")
    actions = ActionSerializer(many=True, required=False)
    total_cost = serializers.FloatField(allow_null=True, required=False)
    cost_by_school = serializers.DictField(child=serializers.FloatField(), required=False)
    cost_by_indicator = serializers.DictField(child=serializers.FloatField(), required=False)
    transfers = TransferSerializer(many=True, required=False)
    moves = serializers.IntegerField(required=False)
    greedy = serializers.DictField(required=False, help_text="the greedy baseline's moves, for comparison")
    problems = serializers.ListField(child=serializers.CharField())
    rule_set = serializers.DictField(allow_null=True)


def run_json(run: RemedyRun) -> dict:
    result = run.result or {}
    body = {
        "id": run.pk,
        "kind": run.kind,
        "county": run.county.code,
        "year": run.year,
        "status": run.status,
        "progress": run.progress,
        "message": run.message,
        "best": run.best or {},
        "reason": run.reason,
        "objective": result.get("objective"),
        "bound": result.get("bound"),
        "gap": result.get("gap"),
        "verified": bool(result.get("verified")),
        "report": run.report,
        "problems": result.get("problems") or [],
        "rule_set": {"code": run.rule_set.code, "version": run.rule_set.version} if run.rule_set else None,
    }
    if run.kind == RemedyRun.Kind.CHEAPEST:
        body.update(
            actions=result.get("actions") or [],
            total_cost=result.get("total_cost"),
            cost_by_school=result.get("cost_by_school") or {},
            cost_by_indicator=result.get("cost_by_indicator") or {},
        )
    else:
        body.update(
            transfers=result.get("transfers") or [],
            moves=result.get("moves") or 0,
            greedy=result.get("greedy") or {},
        )
    return body


@extend_schema(
    summary="补短板测算的进度与结果 (a planner run: progress, best plan so far, the verified plan)",
    parameters=[ID],
    responses={200: RunSerializer, 404: NOT_FOUND},
)
@api_view(["GET"])
def run_detail(request, pk: int):
    return Response(run_json(selectors.run_get(user=request.user, pk=pk)))


urlpatterns = [
    path("counties/<str:code>/scenarios/", scenario_create, name="scenario-create"),
    path("scenarios/<int:pk>/changes/", scenario_change, name="scenario-changes"),
    path("scenarios/<int:pk>/report/", scenario_report, name="scenario-report"),
    path("counties/<str:code>/remedies/cheapest-pass/", cheapest_request, name="remedy-cheapest-pass"),
    path("counties/<str:code>/remedies/rotation/", rotation_request, name="remedy-rotation"),
    path("remedies/<int:pk>/", run_detail, name="remedy-detail"),
]
