import pytest

from outbox.models import Email
from programs.models import Notice
from tests.factories import EmailFactory


@pytest.fixture
def told_through():
    """`told_through(enrollment, week)`: the client already got the emails up to `week`."""

    def tell(enrollment, week):
        email = EmailFactory(
            key=f"unlock:{enrollment.pk}:{week}", state=Email.State.SENT, to=enrollment.user.email
        )
        return Notice.objects.create(
            enrollment=enrollment,
            week=week,
            kind=Notice.Kind.WELCOME if week == 1 else Notice.Kind.WEEK,
            email=email,
        )

    return tell
