"""Questions a client asks the instructor about a class: kept, and emailed to her once with the
client as the reply-to address, so answering is replying."""

import datetime as dt

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from lib.emails import build_email
from outbox import services as outbox

from .models import Question

EMAIL_KIND = "client-question"
# An unanswered client is worse than a late email: kept for a week through a mail outage.
USEFUL_LIFE = dt.timedelta(days=7)
DAILY_LIMIT = 5


class TooManyQuestions(Exception):
    pass


def can_ask(user, now: dt.datetime | None = None) -> bool:
    since = (now or timezone.now()) - dt.timedelta(days=1)
    return Question.objects.filter(user=user, created_at__gte=since).count() < DAILY_LIMIT


@transaction.atomic
def ask(user, lesson, message: str) -> Question:
    # The user row is locked so that two quick submissions cannot both pass the daily limit.
    get_user_model().objects.select_for_update().filter(pk=user.pk).first()
    if not can_ask(user):
        raise TooManyQuestions
    question = Question.objects.create(
        user=user, lesson=lesson, lesson_title=lesson.title, message=message
    )
    question.email = outbox.queue(EMAIL_KIND, f"{EMAIL_KIND}:{question.pk}")
    question.save(update_fields=["email"])
    return question


def build_question_email(email):
    question = Question.objects.select_related("user", "lesson").get(pk=email.key.rsplit(":", 1)[1])
    message = build_email(EMAIL_KIND, settings.INSTRUCTOR_EMAIL, {"question": question})
    message.reply_to = [question.user.email]
    return message
