"""Every change to entered data is recorded with who, when, what changed from what and the channel: a form, an API
PATCH, an import (set-wise, per batch) and the admin; and the import's record lists exactly the batch's rows."""

import pytest
from rest_framework.test import APIClient

from audit.context import importing
from audit.selectors import changes, entries_for
from tests.factories import SchoolFactory, SchoolYearFactory
from workbook.importer import import_workbook

from ..workbook.workbook_files import basic_sheets, teacher_row, write_xlsx

pytestmark = pytest.mark.django_db

CODE = "3713020001"


def history(viewer, **filters):
    return entries_for(list(changes(viewer, **filters)))


@pytest.fixture
def school(county):
    return SchoolFactory(code=CODE, name="兰山第一小学", county=county)


def test_a_form_edit_is_recorded_with_user_channel_and_old_and_new(client, clerk, admin_user, school):
    SchoolYearFactory(school=school, year=2024, primary_students=500)
    client.force_login(clerk)

    response = client.post(f"/schools/{CODE}/years/2024/", {"primary_students": "612", "books": ""})

    assert response.status_code == 302, response.content
    entry = history(admin_user, school=school)[0]
    assert (entry.kind, entry.user, entry.channel, entry.type) == ("school_year", "clerk", "web", "changed")
    assert entry.changes["primary_students"] == [500, 612]
    assert entry.key == f"{CODE} 2024"


def test_an_api_patch_is_recorded_as_api(clerk, admin_user, school):
    api = APIClient()
    api.force_authenticate(clerk)

    assert api.patch(f"/api/v1/schools/{CODE}/", {"name": "兰山实验小学"}, format="json").status_code == 200

    entry = history(admin_user, school=school)[0]
    assert (entry.kind, entry.user, entry.channel) == ("school", "clerk", "api")
    assert entry.changes == {"name": ["兰山第一小学", "兰山实验小学"]}


def test_an_import_records_its_rows_set_wise_with_the_batch(tmp_path, clerk, admin_user, county):
    with importing(41, user=clerk):
        first = import_workbook(write_xlsx(tmp_path / "a.xlsx", basic_sheets()), user=clerk)
    assert first.ok
    created = history(admin_user, batch=41)
    assert sorted((e.kind, e.type, e.key) for e in created) == [
        ("school", "created", CODE),
        ("teacher", "created", "T001 2024"),
        ("teacher", "created", "T002 2024"),
    ]
    assert {(e.user, e.channel, e.batch) for e in created} == {("clerk", "import", 41)}

    changed = basic_sheets(teachers=[teacher_row("T001", 最高学历="研究生")])
    with importing(42, user=admin_user):
        second = import_workbook(write_xlsx(tmp_path / "b.xlsx", changed), user=admin_user)
    assert second.counts["teachers"] == {"created": 0, "updated": 1, "unchanged": 0, "deleted": 1}

    batch = {e.key: e for e in history(admin_user, batch=42)}
    assert set(batch) == {"T001 2024", "T002 2024"}
    assert batch["T001 2024"].type == "changed"
    assert batch["T001 2024"].changes == {"degree": ["本科", "研究生"]}
    assert batch["T002 2024"].type == "deleted"
    assert batch["T002 2024"].changes["teacher_id"] == ["T002", None]
    assert {(e.user, e.channel) for e in batch.values()} == {("admin", "import")}


def test_importing_the_same_file_again_records_nothing(tmp_path, clerk, admin_user, county):
    path = write_xlsx(tmp_path / "a.xlsx", basic_sheets())
    with importing(1, user=clerk):
        assert import_workbook(path, user=clerk).ok
    with importing(2, user=clerk):
        assert import_workbook(path, user=clerk).ok
    assert history(admin_user, batch=2) == []
    assert len(history(admin_user, batch=1)) == 3


def test_an_admin_change_is_recorded_as_admin(client, admin_user, school):
    client.force_login(admin_user)
    data = {
        "code": CODE,
        "name": "兰山第二小学",
        "county": school.county_id,
        "kind": school.kind,
        "urban_rural_code": school.urban_rural_code,
        "ownership": school.ownership,
    }

    response = client.post(f"/admin/schools/school/{school.pk}/change/", data)

    assert response.status_code == 302, response.content.decode()[:3000]
    entry = history(admin_user, school=school)[0]
    assert (entry.user, entry.channel, entry.changes) == (
        "admin",
        "admin",
        {"name": ["兰山第一小学", "兰山第二小学"]},
    )
