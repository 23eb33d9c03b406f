import pytest

from tests.factories import SchoolFactory, SchoolYearFactory, UserFactory


@pytest.fixture
def approver(official):
    """The city's official, with a name (lock messages name who approved)."""
    official.first_name = "王芳"
    official.save()
    return official


@pytest.fixture
def province_official(city):
    return UserFactory(username="province", role="official", region=city.parent)


@pytest.fixture
def school(county):
    return SchoolFactory(code="3713020001", name="兰山第一小学", county=county)


@pytest.fixture
def facts(school):
    return SchoolYearFactory(school=school, year=2024, primary_students=600)
