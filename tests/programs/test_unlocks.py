import datetime as dt
import zoneinfo

import pytest

from tests.factories import EnrollmentFactory, ProgramFactory, UserFactory

NEW_YORK = zoneinfo.ZoneInfo("America/New_York")


@pytest.fixture
def new_yorker_enrollment(db):
    user = UserFactory(time_zone="America/New_York")
    return EnrollmentFactory(user=user, program=ProgramFactory(), starts_on=dt.date(2026, 3, 1))


def test_week_one_opens_at_six_on_the_start_day(new_yorker_enrollment):
    before = dt.datetime(2026, 3, 1, 5, 59, tzinfo=NEW_YORK)
    at_six = dt.datetime(2026, 3, 1, 6, 0, tzinfo=NEW_YORK)
    assert new_yorker_enrollment.open_week_limit(before) == 0
    assert new_yorker_enrollment.open_week_limit(at_six) == 1
