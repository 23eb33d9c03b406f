"""Events that are not row changes (logins, failed logins, role changes) are stored; the retention job deletes
only entries older than the retention period, which cannot be set below six months."""

from datetime import timedelta

import pytest
from django.utils import timezone

from audit import services, tasks
from audit.models import AuditEvent
from core import hooks
from schools.models import School
from tests.factories import SchoolFactory

pytestmark = pytest.mark.django_db


def test_a_login_and_a_failed_login_are_recorded(client, clerk):
    clerk.set_password("right-password-1")
    clerk.save()

    client.post("/accounts/login/", {"username": "clerk", "password": "wrong"})
    client.post("/accounts/login/", {"username": "clerk", "password": "right-password-1"})

    kinds = list(AuditEvent.objects.order_by("pk").values_list("kind", "username", "user_id"))
    assert kinds == [("login_failed", "clerk", None), ("login", "clerk", clerk.pk)]
    assert "password" not in str(AuditEvent.objects.values_list("detail", flat=True))


def test_a_role_change_in_the_admin_is_recorded_with_who_and_from_what(
    client, admin_user, clerk, county, city
):
    client.force_login(admin_user)
    AuditEvent.objects.all().delete()
    data = {
        "username": "clerk",
        "role": "official",
        "region": city.pk,
        "is_active": "on",
        "date_joined_0": "2026-01-01",
        "date_joined_1": "00:00:00",
    }

    response = client.post(f"/admin/accounts/user/{clerk.pk}/change/", data)

    assert response.status_code == 302, response.content.decode()[:2000]
    event = AuditEvent.objects.get(kind="role_changed")
    assert (event.user, event.region_id, event.channel) == (admin_user, city.pk, "admin")
    assert event.detail == {"account": "clerk", "role": ["clerk", "official"], "region": ["371302", "371300"]}


def test_an_event_announced_through_the_hook_is_stored(official, city):
    hooks.audit_event("recompute.start", user=official, region_id=city.pk, detail={"counties": [1]})

    event = AuditEvent.objects.get(kind="recompute.start")
    assert (event.username, event.region_id, event.detail) == ("official", city.pk, {"counties": [1]})


def test_the_retention_job_deletes_only_older_entries(settings, county):
    settings.AUDIT_RETENTION_DAYS = 200
    school = SchoolFactory(county=county)
    school.name = "改名"
    school.save()
    history = School.history.model
    now = timezone.now()
    old, young = list(history.objects.order_by("history_id"))
    history.objects.filter(pk=old.pk).update(history_date=now - timedelta(days=201))
    history.objects.filter(pk=young.pk).update(history_date=now - timedelta(days=199))
    hooks.audit_event("login")
    hooks.audit_event("login")
    first, second = AuditEvent.objects.order_by("pk")
    AuditEvent.objects.filter(pk=first.pk).update(at=now - timedelta(days=201))
    AuditEvent.objects.filter(pk=second.pk).update(at=now - timedelta(days=199))

    deleted = tasks.purge_expired()

    assert deleted == {"school": 1, "events": 1}
    assert list(history.objects.values_list("pk", flat=True)) == [young.pk]
    assert list(AuditEvent.objects.values_list("pk", flat=True)) == [second.pk]


def test_retention_cannot_be_set_below_six_months(settings):
    settings.AUDIT_RETENTION_DAYS = 30
    assert services.retention_days() == services.MIN_RETENTION_DAYS >= 183


def test_the_retention_job_is_scheduled(settings):
    tasks_scheduled = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert "audit.tasks.purge_expired" in tasks_scheduled
