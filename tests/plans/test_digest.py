"""The daily digest: one e-mail per user per day, only when something needs attention and it changed."""

import datetime

import pytest
from django.core import mail

from plans import digest
from plans.models import Plan, Project

pytestmark = pytest.mark.django_db
TODAY = datetime.date(2026, 12, 3)


@pytest.fixture
def overdue(county):
    linyi = Plan.objects.get(slug="linyi-rural-education-2023")
    return Project.objects.create(
        plan=linyi, title="兰山区教师周转宿舍", county=county, deadline=datetime.date(2026, 6, 30)
    )


@pytest.fixture
def mailed(clerk, official, other_clerk):
    for user, address in (
        (clerk, "clerk@example.cn"),
        (official, "official@example.cn"),
        (other_clerk, "x@example.cn"),
    ):
        user.email = address
        user.save(update_fields=["email"])


def test_digest_is_sent_once_and_only_to_those_concerned(mailed, overdue):
    assert digest.send_digests(TODAY) == 2
    assert sorted(m.to[0] for m in mail.outbox) == ["clerk@example.cn", "official@example.cn"]
    body = mail.outbox[0].body
    assert "兰山区教师周转宿舍" in body and "2026年6月30日" in body
    assert "371302" not in body and "urban_rural" not in body
    # the same day, or a later day with nothing changed: nothing more
    assert digest.send_digests(TODAY) == 0
    assert digest.send_digests(TODAY + datetime.timedelta(days=1)) == 0
    assert len(mail.outbox) == 2


def test_a_change_sends_a_new_digest_the_next_day(mailed, overdue, county):
    digest.send_digests(TODAY)
    Project.objects.create(
        plan=overdue.plan,
        title="兰山区实验室改造",
        county=county,
        deadline=TODAY + datetime.timedelta(days=10),
    )
    assert digest.send_digests(TODAY) == 0  # one a day
    assert digest.send_digests(TODAY + datetime.timedelta(days=1)) == 2
    assert "兰山区实验室改造" in mail.outbox[-1].body


def test_nothing_to_report_sends_nothing(mailed):
    assert digest.send_digests(TODAY) == 0
    assert mail.outbox == []
