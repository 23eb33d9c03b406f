"""/api/v1/plans/ and /api/v1/plan-projects/: read-only, scoped like the pages (another county's project → 404).
A target's status is its stored judgement (plans.judging), the same for every user."""

from rest_framework import permissions, serializers, viewsets
from rest_framework.routers import SimpleRouter

from . import results, selectors
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
