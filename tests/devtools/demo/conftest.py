import pytest

from tests import factories


@pytest.fixture
def other_county(db):
    return factories.CountyFactory(code="360731", name="于都县")
