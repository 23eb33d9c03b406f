"""Qualitative items (定性指标) and their evidence (佐证材料) in the portal's own pages: the county's clerk declares
and uploads, the city official above reviews, an administrator does both; another county's clerk finds nothing;
files are judged by their content and stored under random names; the names are the report's, never the codes."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from indicators.presenter.labels import INDICATORS
from schools.choices import DECLARATION_ITEMS
from schools.models import Declaration
from signoff import services as signoff_services
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
EXE = b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 64


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def list_url(county, year=2024):
    return reverse("schools:declaration_list", args=[county.code, year])


def edit_url(county, item="G1", year=2024):
    return reverse("schools:declaration_edit", args=[county.code, year, item])


def file_url(county, item="G1", year=2024):
    return reverse("schools:declaration_evidence", args=[county.code, year, item])


def declare(client, county, item="G1", **data):
    payload = {"met": "yes", "note": "已印发布局规划", **data}
    return client.post(edit_url(county, item), payload)


def test_the_items_are_named_as_the_report_names_them():
    assert {code: str(name) for code, name in DECLARATION_ITEMS.items()} == {
        code: str(INDICATORS[code]) for code in ("G1", "G2", "G10", "E3", "E5", "E6", "E7", "E8")
    }


def test_clerk_declares_an_item_with_a_pdf_stored_under_a_random_name(client, clerk, county, media):
    client.force_login(clerk)
    upload = SimpleUploadedFile("../../布局规划.pdf", PDF, content_type="application/pdf")
    response = declare(client, county, evidence=upload)
    assert response.status_code == 302
    declaration = Declaration.objects.get(county=county, year=2024, item_code="G1")
    assert (declaration.met, declaration.note, declaration.updated_by) == (True, "已印发布局规划", clerk)
    name = declaration.evidence.name
    assert name.startswith("evidence/") and name.endswith(".pdf") and "布局" not in name and ".." not in name
    assert (media / name).resolve().is_relative_to(media.resolve())
    page = client.get(list_url(county)).content.decode()
    assert "县域义务教育学校规划布局" in page and "已达到" in page and "已印发布局规划" in page
    assert "待审核" in page and ">G1<" not in page
    download = client.get(file_url(county))
    assert download.status_code == 200 and b"".join(download.streaming_content) == PDF
    assert download["Content-Type"] == "application/pdf" and "attachment" in download["Content-Disposition"]


def test_the_county_year_page_links_to_the_items(client, clerk, county):
    client.force_login(clerk)
    assert (
        list_url(county)
        in client.get(reverse("schools:county_year", args=[county.code, 2024])).content.decode()
    )


def test_official_of_the_city_above_reviews_but_cannot_declare(client, clerk, official, county):
    client.force_login(clerk)
    declare(client, county, evidence=SimpleUploadedFile("a.png", PNG))
    client.force_login(official)
    page = client.get(edit_url(county)).content.decode()
    assert 'name="review_state"' in page and 'name="met"' not in page
    assert declare(client, county, met="no").status_code == 403
    assert client.get(file_url(county)).status_code == 200
    response = client.post(
        edit_url(county), {"review_state": "needs_revision", "review_comment": "请补充文件"}
    )
    assert response.status_code == 302
    declaration = Declaration.objects.get(county=county, item_code="G1")
    assert (declaration.review_state, declaration.review_comment) == ("needs_revision", "请补充文件")
    assert declaration.reviewed_by == official and declaration.reviewed_at is not None
    assert declaration.met is True  # a review changes no declaration
    assert "需修改" in client.get(list_url(county)).content.decode()


def test_a_revision_without_a_comment_is_refused(client, clerk, official, county):
    client.force_login(clerk)
    declare(client, county)
    client.force_login(official)
    response = client.post(edit_url(county), {"review_state": "needs_revision", "review_comment": ""})
    assert response.status_code == 400 and "请写明审核意见" in response.content.decode()
    assert Declaration.objects.get(county=county).review_state == ""


def test_a_new_declaration_awaits_a_new_review(client, clerk, official, county):
    client.force_login(clerk)
    declare(client, county)
    client.force_login(official)
    client.post(edit_url(county), {"review_state": "reviewed", "review_comment": ""})
    client.force_login(clerk)
    assert (
        client.post(edit_url(county), {"review_state": "reviewed"}).status_code == 403
    )  # a clerk cannot review
    declare(client, county, met="no", note="尚在修订")
    declaration = Declaration.objects.get(county=county)
    assert (declaration.met, declaration.review_state, declaration.reviewed_by) == (False, "", None)


def test_admin_declares_and_reviews(client, admin_user, county):
    client.force_login(admin_user)
    assert declare(client, county, "E5", evidence=SimpleUploadedFile("a.pdf", PDF)).status_code == 302
    assert client.post(edit_url(county, "E5"), {"review_state": "reviewed"}).status_code == 302
    declaration = Declaration.objects.get(county=county, item_code="E5")
    assert (declaration.met, declaration.review_state, declaration.reviewed_by) == (
        True,
        "reviewed",
        admin_user,
    )


def test_another_countys_clerk_finds_nothing(client, clerk, other_clerk, county):
    client.force_login(clerk)
    declare(client, county, evidence=SimpleUploadedFile("a.pdf", PDF))
    client.force_login(other_clerk)
    assert client.get(list_url(county)).status_code == 404
    assert client.get(edit_url(county)).status_code == 404
    assert declare(client, county, met="no").status_code == 404
    assert client.post(edit_url(county), {"review_state": "reviewed"}).status_code == 404
    assert client.get(file_url(county)).status_code == 404
    assert Declaration.objects.get(county=county).met is True


def test_an_official_of_another_city_finds_nothing(client, county):
    elsewhere = UserFactory(username="jinan", role="official", region=None)
    client.force_login(elsewhere)
    assert client.get(list_url(county)).status_code == 404


def test_an_unknown_item_is_not_found(client, clerk, county):
    client.force_login(clerk)
    assert client.get(edit_url(county, "Q1")).status_code == 404
    assert client.get(file_url(county, "G2")).status_code == 404  # nothing uploaded


def test_a_renamed_executable_is_refused_by_its_content(client, clerk, county):
    client.force_login(clerk)
    response = declare(client, county, note="附规划文本", evidence=SimpleUploadedFile("规划.pdf", EXE))
    assert response.status_code == 400
    page = response.content.decode()
    assert "不是可接受的佐证材料" in page
    assert (
        "附规划文本" in page
        and 'value="yes" checked' in page.replace("\n", " ").replace("  ", " ")
        or ("checked" in page)
    )
    assert not Declaration.objects.exists()


def test_an_oversize_file_is_refused_with_the_limit_in_chinese(client, clerk, county, settings):
    settings.EVIDENCE_MAX_FILE_BYTES = 1024
    client.force_login(clerk)
    response = declare(client, county, evidence=SimpleUploadedFile("扫描件.png", PNG + b"\x00" * 2048))
    assert response.status_code == 400
    assert "文件过大" in response.content.decode() and "佐证材料上限" in response.content.decode()
    assert not Declaration.objects.exists()


def test_the_pages_read_in_english(client, clerk, county):
    client.force_login(clerk)
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    declare(client, county)
    page = client.get(list_url(county)).content.decode() + client.get(edit_url(county)).content.decode()
    assert "Qualitative items and evidence" in page and "Awaiting review" in page
    for text in (
        "定性指标与佐证材料",
        "县域义务教育学校规划布局",
        "已达到",
        "待审核",
        "申报结果",
        "保存申报",
    ):
        assert text not in page


def test_a_submitted_county_year_refuses_a_new_declaration(client, clerk, county):
    signoff_services.submit(user=clerk, county=county, year=2024)
    client.force_login(clerk)
    response = declare(client, county, evidence=SimpleUploadedFile("a.pdf", PDF))
    assert response.status_code == 400 and "提交审核" in response.content.decode()
    assert not Declaration.objects.exists()
