"""The OpenAPI 3 schema (/api/v1/schema/) and its Swagger UI (/api/v1/docs/): complete, warning-free, served
without a CDN, readable by signed-in users only, and without effect on who sees what."""

import io
import re

import pytest
import yaml
from django.contrib.staticfiles import finders
from django.core.management import call_command
from django.urls import URLPattern, URLResolver
from rest_framework.test import APIClient

from config import api_urls
from indicators import runs
from indicators.serializers import REPORT_EXAMPLE, CountyReportSerializer
from tests.factories import SchoolFactory
from tests.indicators.scenes import small_county

pytestmark = pytest.mark.django_db


def api(user=None):
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client


def schema_of(user) -> dict:
    response = api(user).get("/api/v1/schema/", {"format": "json"})
    assert response.status_code == 200
    return response.json()


def api_routes() -> set[str]:
    """Every /api/v1/ route, in the schema's spelling ({code}, {id}), the schema's and docs' own left out."""

    def walk(patterns, prefix=""):
        for entry in patterns:
            route = prefix + str(entry.pattern)
            if isinstance(entry, URLResolver):
                yield from walk(entry.url_patterns, route)
            elif isinstance(entry, URLPattern) and "\\." not in route and "(?P<format>" not in route:
                yield route

    routes = set()
    for route in walk(api_urls.urlpatterns):
        route = re.sub(r"\(\?P<(\w+)>[^)]*\)", r"{\1}", route)  # the routers' regex groups
        route = re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", route)  # path() converters
        route = "/api/v1/" + route.lstrip("^").rstrip("$")
        if route not in ("/api/v1/schema/", "/api/v1/docs/"):
            routes.add(route.replace("{pk}", "{id}"))
    return routes


def test_generating_the_schema_gives_no_warning_and_no_error(tmp_path):
    err = io.StringIO()
    # --fail-on-warn raises on the first warning or error; --validate checks the result against OpenAPI 3
    call_command(
        "spectacular", "--validate", "--fail-on-warn", "--file", str(tmp_path / "schema.yml"), stderr=err
    )
    assert err.getvalue() == ""
    schema = yaml.safe_load((tmp_path / "schema.yml").read_text(encoding="utf-8"))
    assert schema["openapi"].startswith("3.")


def test_every_api_endpoint_is_in_the_schema(clerk):
    assert set(schema_of(clerk)["paths"]) == api_routes()


def test_the_report_endpoint_documents_its_document_and_shows_an_example(clerk):
    schema = schema_of(clerk)
    get = schema["paths"]["/api/v1/counties/{code}/report/"]["get"]
    ok = get["responses"]["200"]["content"]["application/json"]
    assert ok["schema"]["$ref"].endswith("/CountyReport")
    assert ok["examples"]
    assert {"400", "404"} <= set(get["responses"])
    report = schema["components"]["schemas"]["CountyReport"]["properties"]
    assert {"county", "year", "computed_at", "rule_set", "quality_2017", "urban_rural_degree_ratio"} <= set(
        report
    )
    whoami = schema["paths"]["/api/v1/auth/whoami/"]["get"]["responses"]["200"]["content"]["application/json"]
    assert whoami["schema"]["$ref"].endswith("/WhoAmI")


def test_list_filters_are_documented_with_their_types(clerk):
    paths = schema_of(clerk)["paths"]
    params = {p["name"]: p["schema"] for p in paths["/api/v1/teachers/"]["get"]["parameters"]}
    assert params["year"]["type"] == "integer"
    assert params["full_time"]["type"] == "boolean"
    assert params["school"]["type"] == "string"
    assert set(params["stage"]["enum"]) == {"primary", "junior", "senior"}
    assert "min_students" in {p["name"] for p in paths["/api/v1/classes/"]["get"]["parameters"]}


def test_a_stored_report_matches_the_documented_shape(county, clerk):
    small_county(county, "37130200")
    runs.recompute_county(county.pk, 2024)
    report = api(clerk).get(f"/api/v1/counties/{county.code}/report/").json()
    checked = CountyReportSerializer(data=report)
    assert checked.is_valid(), checked.errors
    example = CountyReportSerializer(data=REPORT_EXAMPLE.value)
    assert example.is_valid(), example.errors


def test_anonymous_visitor_gets_neither_schema_nor_docs(client):
    assert api().get("/api/v1/schema/").status_code in (401, 403)
    response = client.get("/api/v1/docs/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


@pytest.mark.parametrize("persona", ["clerk", "other_clerk", "official", "admin_user"])
def test_every_signed_in_persona_reads_the_docs(client, request, persona):
    client.force_login(request.getfixturevalue(persona))
    assert client.get("/api/v1/docs/").status_code == 200
    assert client.get("/api/v1/schema/").status_code == 200


def test_swagger_ui_is_served_from_the_vendored_files_not_a_cdn(client, clerk):
    client.force_login(clerk)
    html = client.get("/api/v1/docs/").content.decode()
    assets = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert any("swagger-ui-bundle.js" in a for a in assets)
    for asset in assets:
        assert asset.startswith("/static/drf_spectacular_sidecar/"), asset
        assert finders.find(asset.removeprefix("/static/").split("?")[0]), asset
    assert not re.search(r"https?://", "".join(assets))


def test_reading_the_schema_changes_no_ones_scope(clerk, county, other_county):
    SchoolFactory(code="3713020001", county=county)
    SchoolFactory(code="3713110001", county=other_county)
    schema_of(clerk)  # builds every list's filters once, outside any request
    own = api(clerk).get("/api/v1/schools/", {"county": county.code})
    assert [row["code"] for row in own.json()["results"]] == ["3713020001"]
    assert api(clerk).get("/api/v1/schools/", {"county": other_county.code}).status_code == 400
    assert api(clerk).get("/api/v1/schools/3713110001/").status_code == 404


def test_every_operation_documents_the_error_answers_drf_gives_it(clerk):
    """Found by the API fuzz (tests/config/test_api_fuzz.py): 404 for an id outside the region, 400 for another
    county's code in a filter and 401/403/429 were answered but not in the schema."""
    schema = schema_of(clerk)
    paths = schema["paths"]
    for path, item in paths.items():
        for method in {"get", "post", "put", "patch", "delete"} & set(item):
            assert {"401", "403", "429"} <= set(item[method]["responses"]), (method, path)
    assert "404" in paths["/api/v1/schools/{code}/"]["get"]["responses"]
    assert "404" in paths["/api/v1/schools/"]["get"]["responses"]  # a page past the last
    assert "400" in paths["/api/v1/schools/"]["get"]["responses"]  # another county's code in a filter
    assert "400" in paths["/api/v1/schools/"]["post"]["responses"]
    assert "400" not in paths["/api/v1/auth/whoami/"]["get"]["responses"]
    assert schema["components"]["schemas"]["Error"]["properties"]["detail"]["type"] == "string"


def test_the_documented_errors_are_what_the_api_answers(clerk, county, other_county):
    client = api(clerk)
    outside = client.get("/api/v1/schools/3713110001/")
    assert outside.status_code == 404 and isinstance(outside.json()["detail"], str)
    past_the_last = client.get("/api/v1/schools/", {"page": 9})
    assert past_the_last.status_code == 404 and isinstance(past_the_last.json()["detail"], str)
    other_filter = client.get("/api/v1/schools/", {"county": other_county.code})
    assert other_filter.status_code == 400 and isinstance(other_filter.json(), dict)
    assert api().get("/api/v1/schools/").status_code == 401
