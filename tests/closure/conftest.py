import pytest


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def open_case(make_case, work_calendar):
    return make_case()


@pytest.fixture
def awaiting(open_case):
    from tests.closure.factories import record_result

    return record_result(open_case)
