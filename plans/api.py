"""/api/v1/plans/ and /api/v1/plan-projects/: read-only, scoped like the pages (another county's project → 404).
Target status comes from the latest stored results (plans.selectors.evaluate_target)."""

from drf_spectacular.utils import extend_schema_field
from rest_framework import permissions, serializers, viewsets
from rest_framework.routers import SimpleRouter

from . import selectors
from .filters import PlanFilter, ProjectFilter
from .models import Plan, ProgrammeBox, Project, Target, TargetStatus, Task


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
    status = serializers.SerializerMethodField()
    latest_value = serializers.SerializerMethodField()

    class Meta:
        model = Target
        fields = [
            "id", "task", "description", "indicator_code", "comparator", "value", "unit", "deadline",
            "region_code", "region_name", "note", "status", "latest_value",
        ]  # fmt: skip

    def _evaluation(self, target):
        cache = self.context.setdefault("evaluations", {})
        if target.pk not in cache:
            cache[target.pk] = selectors.evaluate_target(target, user=self.context["request"].user)
        return cache[target.pk]

    @extend_schema_field(serializers.ChoiceField(choices=TargetStatus.choices))
    def get_status(self, target):
        return self._evaluation(target).status

    def get_latest_value(self, target) -> float | None:
        return self._evaluation(target).value


class ProjectSerializer(serializers.ModelSerializer):
    county = serializers.SlugRelatedField(slug_field="code", read_only=True)
    school = serializers.SlugRelatedField(slug_field="code", read_only=True)
    overdue = serializers.SerializerMethodField()

    class Meta:
        model = Project
        fields = [
            "id", "plan", "task", "box", "number", "title", "content_standard", "deadline", "deadline_note",
            "responsible_departments", "budget", "status", "progress", "evidence_note", "county", "school",
            "indicator_code", "result_year", "shortfall", "overdue",
        ]  # fmt: skip

    def get_overdue(self, project) -> bool:
        return selectors.is_overdue(project)


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


class ProjectViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = ProjectSerializer
    permission_classes = [permissions.IsAuthenticated]
    filterset_class = ProjectFilter

    def get_queryset(self):
        return selectors.project_list(user=self.request.user)


router = SimpleRouter()
router.register("plans", PlanViewSet, basename="plan")
router.register("plan-projects", ProjectViewSet, basename="plan-project")
urlpatterns = router.urls
