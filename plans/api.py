"""/api/v1/plans/ and /api/v1/plan-projects/: read-only, scoped like the pages (another county's project → 404).
A target's status is its stored judgement (plans.judging), the same for every user."""

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.urls import reverse
from drf_spectacular.utils import extend_schema
from rest_framework import permissions, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.routers import SimpleRouter

from . import results, selectors, services
from .filters import PlanFilter, ProjectFilter
from .models import Evidence, Plan, ProgrammeBox, ProgressReport, Project, Target, TargetStatus, Task


class TaskSerializer(serializers.ModelSerializer):
    class Meta:
        model = Task
        fields = ["id", "number", "title", "description"]


class BoxSerializer(serializers.ModelSerializer):
    items_sum = serializers.SerializerMethodField()
    discrepancy = serializers.SerializerMethodField()

    class Meta:
        model = ProgrammeBox
        fields = ["id", "number", "title", "task", "content", "declared_total", "items_sum", "discrepancy"]

    def get_items_sum(self, box) -> str | None:
        value = selectors.box_budget(box)["items_sum"]
        return None if value is None else str(value)

    def get_discrepancy(self, box) -> str | None:
        value = selectors.box_budget(box)["discrepancy"]
        return None if value is None else str(value)


class TargetSerializer(serializers.ModelSerializer):
    """A target with its stored judgement (the same for every user): `status`, the `judged_value` of the
    `judged_year` it was judged on, `judged_at` and the `rule_version` of plans.judging."""

    status = serializers.ChoiceField(choices=TargetStatus.choices, read_only=True)
    indicator_name = serializers.SerializerMethodField()

    class Meta:
        model = Target
        fields = [
            "id", "plan", "task", "description", "indicator_code", "indicator_name", "comparator", "value", "unit",
            "deadline", "region_code", "region_name", "note", "status", "judged_value", "judged_year", "judged_at",
            "rule_version",
        ]  # fmt: skip
        read_only_fields = fields

    def get_indicator_name(self, target) -> str:
        return results.indicator_label(target.indicator_code) if target.indicator_code else ""


class ProjectSerializer(serializers.ModelSerializer):
    """A project; written through plans.services (a clerk's project is always of its own county)."""

    county = serializers.SlugRelatedField(slug_field="code", read_only=True, allow_null=True)
    school = serializers.SlugRelatedField(slug_field="code", read_only=True, allow_null=True)
    overdue = serializers.SerializerMethodField()
    plan = serializers.PrimaryKeyRelatedField(queryset=Plan.objects.none())

    class Meta:
        model = Project
        fields = [
            "id", "plan", "task", "box", "number", "title", "content_standard", "deadline", "deadline_note",
            "responsible_departments", "budget", "status", "progress", "evidence_note", "county", "school",
            "indicator_code", "result_year", "shortfall", "overdue",
        ]  # fmt: skip

        read_only_fields = ["indicator_code", "result_year", "shortfall"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        if request is not None:
            self.fields["plan"].queryset = selectors.plan_list(user=request.user)
            tasks = Task.objects.filter(plan__in=selectors.plan_list(user=request.user))
            self.fields["task"].queryset = tasks
            self.fields["box"].queryset = ProgrammeBox.objects.filter(
                plan__in=selectors.plan_list(user=request.user)
            )

    def get_overdue(self, project) -> bool:
        return selectors.is_overdue(project)


class EvidenceSerializer(serializers.ModelSerializer):
    url = serializers.SerializerMethodField()

    class Meta:
        model = Evidence
        fields = ["id", "original_name", "kind", "size", "url"]

    def get_url(self, item) -> str:
        return reverse("plans:evidence_download", args=[item.pk])


class ProgressReportSerializer(serializers.ModelSerializer):
    """A progress report (multipart): date, text, status, progress and any number of `files`."""

    files = serializers.ListField(
        child=serializers.FileField(), write_only=True, required=False, help_text="佐证材料（可多个）"
    )
    evidence = EvidenceSerializer(source="files", many=True, read_only=True)

    class Meta:
        model = ProgressReport
        fields = ["id", "date", "text", "status", "progress", "files", "evidence", "created_at"]
        read_only_fields = ["created_at"]


class PlanSerializer(serializers.ModelSerializer):
    tasks = TaskSerializer(many=True, read_only=True)
    boxes = BoxSerializer(many=True, read_only=True)
    targets = TargetSerializer(many=True, read_only=True)

    class Meta:
        model = Plan
        fields = [
            "id", "slug", "title", "issuer", "document_number", "region_code", "region_name", "year", "period",
            "source_seed", "summary", "structure_note", "status", "built_in", "tasks", "boxes", "targets",
        ]  # fmt: skip


class PlanViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = PlanSerializer
    permission_classes = [permissions.IsAuthenticated]
    filterset_class = PlanFilter

    def get_queryset(self):
        return selectors.plan_list(user=self.request.user).prefetch_related(
            "tasks", "boxes__projects", "targets"
        )


def _api_errors(error: DjangoValidationError) -> dict:
    if not hasattr(error, "error_dict"):
        return {"non_field_errors": error.messages}
    return {("non_field_errors" if k == "__all__" else k): v for k, v in error.message_dict.items()}


class ProjectViewSet(viewsets.ModelViewSet):
    """Projects the user sees (another county's → 404); a clerk creates and changes its county's projects, officials
    read. `POST /plan-projects/{id}/progress/` reports progress with evidence files."""

    serializer_class = ProjectSerializer
    permission_classes = [permissions.IsAuthenticated]
    filterset_class = ProjectFilter
    http_method_names = ["get", "post", "put", "patch", "head", "options"]

    def get_queryset(self):
        return selectors.project_list(user=self.request.user)

    def _service(self, function, **kwargs):
        try:
            return function(**kwargs)
        except DjangoValidationError as error:
            raise serializers.ValidationError(_api_errors(error)) from error
        except DjangoPermissionDenied as error:
            raise PermissionDenied() from error

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        plan = data.pop("plan")
        serializer.instance = self._service(
            services.project_create, user=self.request.user, plan=plan, **data
        )

    def perform_update(self, serializer):
        data = dict(serializer.validated_data)
        data.pop("plan", None)
        serializer.instance = self._service(
            services.project_update, user=self.request.user, project=serializer.instance, **data
        )

    @extend_schema(
        request={"multipart/form-data": ProgressReportSerializer}, responses={201: ProgressReportSerializer}
    )
    @action(detail=True, methods=["post"], parser_classes=[MultiPartParser, FormParser, JSONParser])
    def progress(self, request, pk=None):
        project = self.get_object()
        serializer = ProgressReportSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        files = request.FILES.getlist("files") if hasattr(request, "FILES") else data.get("files", [])
        report = self._service(
            services.report_create,
            user=request.user,
            project=project,
            date=data["date"],
            text=data["text"],
            status=data["status"],
            progress=data["progress"],
            files=files,
        )
        return Response(ProgressReportSerializer(report).data, status=status.HTTP_201_CREATED)


class TargetViewSet(viewsets.ReadOnlyModelViewSet):
    """Targets of the plans the user sees, with their stored status."""

    serializer_class = TargetSerializer
    permission_classes = [permissions.IsAuthenticated]

    def get_queryset(self):
        return selectors.target_list(user=self.request.user).order_by("plan_id", "pk")


router = SimpleRouter()
router.register("plans", PlanViewSet, basename="plan")
router.register("plan-projects", ProjectViewSet, basename="plan-project")
router.register("plan-targets", TargetViewSet, basename="plan-target")
urlpatterns = router.urls
