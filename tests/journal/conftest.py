import pytest


@pytest.fixture(autouse=True)
def _journal_data(request):
    """Every journal test sees the measures, whatever ran before it (see `journal_data`)."""
    if request.node.get_closest_marker("django_db") or {"db", "transactional_db"} & set(
        request.fixturenames
    ):
        request.getfixturevalue("journal_data")
