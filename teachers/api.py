"""/api/v1/teachers/: the yearly roster, scoped to the user's counties; writes through teachers/services.py."""

from rest_framework.routers import SimpleRouter

from schools.api import ScopedViewSet

from . import services
from .filters import TeacherFilter
from .models import Teacher
from .serializers import TeacherSerializer


class TeacherViewSet(ScopedViewSet):
    queryset = Teacher.objects.none()
    serializer_class = TeacherSerializer
    filterset_class = TeacherFilter

    def create_row(self, user, school, year, **data):
        return services.teacher_create(user=user, school=school, year=year, **data)

    def update_row(self, user, teacher, **data):
        return services.teacher_update(user=user, teacher=teacher, **data)

    def delete_row(self, user, teacher):
        services.teacher_delete(user=user, teacher=teacher)


router = SimpleRouter()
router.register("teachers", TeacherViewSet, basename="api-teacher")

urlpatterns = router.urls
