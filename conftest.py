"""Root fixtures: the three personas every view test needs (own clerk, another county's clerk, the city official)."""

import pytest

from tests.factories import CountyFactory, RegionFactory, UserFactory


@pytest.fixture
def city(db):
    return RegionFactory(
        code="371300",
        name="临沂市",
        level="city",
        parent=RegionFactory(code="370000", name="山东省", level="province"),
    )


@pytest.fixture
def county(city):
    return CountyFactory(code="371302", name="兰山区", parent=city)


@pytest.fixture
def other_county(city):
    return CountyFactory(code="371311", name="罗庄区", parent=city)


@pytest.fixture
def clerk(county):
    return UserFactory(username="clerk", role="clerk", region=county)


@pytest.fixture
def other_clerk(other_county):
    return UserFactory(username="outsider", role="clerk", region=other_county)


@pytest.fixture
def official(city):
    return UserFactory(username="official", role="official", region=city)


@pytest.fixture
def admin_user(db):
    return UserFactory(username="admin", role="admin", is_staff=True, is_superuser=True)
