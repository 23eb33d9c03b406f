"""The daily digest of alerts mailed to every clerk and official with an e-mail address: off-track targets, overdue
projects, projects due within 30 days and counties whose verdict fails, in their regions. One e-mail per user per
day at most, and none when the list is empty or unchanged since the last one (DigestSent keeps its fingerprint)."""

import datetime
import hashlib

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from . import selectors
from .models import DigestSent


def _fingerprint(alerts: dict) -> str:
    parts = [
        *(f"t{e.target.pk}" for e in alerts["off_track_targets"]),
        *(f"o{p.pk}" for p in alerts["overdue_projects"]),
        *(f"s{p.pk}" for p in alerts["due_soon_projects"]),
        *(f"c{c['code']}:{c['year']}" for c in alerts["failing_counties"]),
    ]
    return hashlib.sha256(" ".join(sorted(parts)).encode()).hexdigest() if parts else ""


def recipients():
    User = get_user_model()
    return (
        User.objects.filter(is_active=True, region__isnull=False, role__in=["clerk", "official"])
        .exclude(email="")
        .select_related("region")
        .order_by("pk")
    )


def send_digests(today: datetime.date | None = None) -> int:
    """Mail each recipient its digest when due; returns how many e-mails were sent."""
    today = today or timezone.localdate()
    sent = 0
    for user in recipients():
        alerts = selectors.alerts(user=user, today=today)
        fingerprint = _fingerprint(alerts)
        last = DigestSent.objects.filter(user=user).first()
        if not fingerprint or (last and (last.sent_on >= today or last.fingerprint == fingerprint)):
            continue
        with translation.override(settings.LANGUAGE_CODE):
            context = {"user": user, "alerts": alerts, "today": today}
            body = render_to_string("plans/digest_email.txt", context)
            subject = _("均衡：%(region)s 规划提醒（%(date)s）") % {
                "region": user.region.name,
                "date": f"{today.year}年{today.month}月{today.day}日",
            }
        with transaction.atomic():
            DigestSent.objects.update_or_create(
                user=user, defaults={"sent_on": today, "fingerprint": fingerprint}
            )
            send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [user.email])
        sent += 1
    return sent
