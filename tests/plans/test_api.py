"""The plans API: targets with their stored status, projects created and changed in scope, progress reported with
files; all in the OpenAPI schema."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from plans import services
from plans.models import Evidence, Plan, Project, Target, TargetStatus
from tests.plans.conftest import make_report

pytestmark = pytest.mark.django_db
PDF = b"%PDF-1.4\n%%EOF\n"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def linyi(db):
    return Plan.objects.get(slug="linyi-rural-education-2023")


@pytest.fixture
def project(linyi, county):
    return Project.objects.create(plan=linyi, title="兰山区教师周转宿舍", county=county)


def test_targets_carry_the_same_stored_status_for_clerk_official_and_admin(
    client, clerk, official, admin_user, county, stored_results
):
    stored_results[(county.pk, 2024)] = make_report(urban_rural_degree_ratio__ratio=1.04)
    services.targets_judge()
    target = Target.objects.get(
        plan__slug="linyi-rural-education-2023", indicator_code="urban_rural_degree_ratio"
    )
    seen = []
    for user in (clerk, official, admin_user):
        client.force_login(user)
        row = client.get(f"/api/v1/plan-targets/{target.pk}/").json()
        seen.append((row["status"], row["judged_value"], row["judged_at"], row["indicator_name"]))
    assert len(set(seen)) == 1
    assert seen[0][0] == TargetStatus.MET and seen[0][1] == pytest.approx(1.04)


def test_outsider_of_another_province_does_not_see_a_target(client, clerk):
    henan = Target.objects.filter(plan__slug="henan-basic-public-education-2024").first()
    client.force_login(clerk)
    assert client.get(f"/api/v1/plan-targets/{henan.pk}/").status_code == 404


def test_clerk_creates_a_project_of_its_own_county_and_official_cannot(
    client, clerk, official, linyi, county
):
    client.force_login(clerk)
    response = client.post(
        "/api/v1/plan-projects/",
        {"plan": linyi.pk, "title": "兰山区实验室改造"},
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    assert response.json()["county"] == county.code
    client.force_login(official)
    response = client.post(
        "/api/v1/plan-projects/", {"plan": linyi.pk, "title": "x"}, content_type="application/json"
    )
    assert response.status_code == 403


def test_inconsistent_status_is_refused_with_the_message(client, clerk, project):
    client.force_login(clerk)
    response = client.patch(
        f"/api/v1/plan-projects/{project.pk}/",
        {"status": "not_started", "progress": 20},
        content_type="application/json",
    )
    assert response.status_code == 400
    assert "未启动" in response.json()["progress"][0]


def test_clerk_reports_progress_with_a_file_and_outsider_gets_404(client, clerk, other_clerk, project):
    client.force_login(clerk)
    payload = {
        "date": "2026-11-20",
        "text": "主体完工",
        "status": "in_progress",
        "progress": 60,
        "files": [SimpleUploadedFile("验收.pdf", PDF)],
    }
    response = client.post(f"/api/v1/plan-projects/{project.pk}/progress/", payload)
    assert response.status_code == 201, response.content
    assert response.json()["evidence"][0]["original_name"] == "验收.pdf"
    assert Evidence.objects.get().report.project == project
    project.refresh_from_db()
    assert project.progress == 60 and project.deadline is None
    client.force_login(other_clerk)
    payload["files"] = [SimpleUploadedFile("验收.pdf", PDF)]
    assert client.post(f"/api/v1/plan-projects/{project.pk}/progress/", payload).status_code == 404
    assert (
        client.patch(f"/api/v1/plan-projects/{project.pk}/", {}, content_type="application/json").status_code
        == 404
    )


def test_a_renamed_executable_is_refused_by_the_api(client, clerk, project):
    client.force_login(clerk)
    payload = {
        "date": "2026-11-20",
        "text": "x",
        "status": "in_progress",
        "progress": 10,
        "files": [SimpleUploadedFile("a.pdf", b"MZ\x90\x00" + b"\x00" * 40)],
    }
    response = client.post(f"/api/v1/plan-projects/{project.pk}/progress/", payload)
    assert response.status_code == 400
    assert "不是可接受的佐证材料" in response.json()["files"][0]


def test_the_new_endpoints_are_in_the_openapi_schema(client, clerk):
    client.force_login(clerk)
    schema = client.get("/api/v1/schema/").content.decode()
    for path in ("/api/v1/plan-targets/", "/api/v1/plan-projects/{id}/progress/", "judged_at"):
        assert path in schema


def test_a_project_of_the_whole_city_answers_null_county_and_school_as_the_schema_says(client, clerk, linyi):
    """Found by the API fuzz: the built-in plans' city-wide projects have no county and no school, the API
    answered null and the schema said a string."""
    Project.objects.create(plan=linyi, title="乡村校长轮训")
    client.force_login(clerk)
    rows = client.get("/api/v1/plan-projects/", {"page_size": 1000}).json()["results"]
    city_wide = next(row for row in rows if row["title"] == "乡村校长轮训")
    assert city_wide["county"] is None and city_wide["school"] is None
    project = client.get("/api/v1/schema/", {"format": "json"}).json()["components"]["schemas"]["Project"]
    assert project["properties"]["county"]["nullable"] is True
    assert project["properties"]["school"]["nullable"] is True
