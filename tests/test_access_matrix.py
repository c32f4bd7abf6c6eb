"""Every client-facing URL, opened by every kind of person.

The list of URLs comes from the URLconf: a new URL in one of our apps that is not in MATRIX
fails `test_every_url_of_our_apps_is_in_the_matrix`.
"""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from PIL import Image

from tests.factories import ExerciseFactory, UserFactory

OUR_NAMESPACES = {"programs", "lessons", "accounts", "billing", "journal"}
PEOPLE = ["stranger", "dave", "bob", "alice", "carol", "instructor"]

# Outcomes: an HTTP status, or where the person is sent instead.
LOGIN, SALES, ADMIN_LOGIN, DASHBOARD = "→login", "→sales", "→admin-login", "→dashboard"
MEMBER_PAGE = {
    "stranger": LOGIN, "dave": SALES, "bob": 200, "alice": 200, "carol": SALES, "instructor": 200,
}  # fmt: skip
WEEK_TWO_PAGE = {**MEMBER_PAGE, "bob": 403}
SIGNED_IN_PAGE = {person: 200 for person in PEOPLE} | {"stranger": LOGIN}
STAFF_ONLY = {person: ADMIN_LOGIN for person in PEOPLE} | {"instructor": 200}
# A download link says why it failed instead of sending a signed-in client to the sales page.
WEEK_TWO_PDF = {**WEEK_TWO_PAGE, "dave": 403, "carol": 403}

# url name: (method, args builder, data, expected outcome per person)
MATRIX = {
    "programs:sales": ("get", lambda p: [], None, {person: 200 for person in PEOPLE}),
    "programs:dashboard": ("get", lambda p: [], None, MEMBER_PAGE),
    "programs:week": ("get", lambda p: [2], None, WEEK_TWO_PAGE),
    "programs:preview": (
        "post",
        lambda p: [],
        {"day": 3},
        STAFF_ONLY | {"instructor": DASHBOARD},
    ),
    "programs:lesson": ("get", lambda p: [_week_two_lesson(p).slug], None, WEEK_TWO_PAGE),
    "programs:schedule": ("get", lambda p: [], None, {**MEMBER_PAGE, "instructor": DASHBOARD}),
    "programs:calendar_download": ("get", lambda p: [], None, {**MEMBER_PAGE, "instructor": 404}),
    # The private address is the key: it answers anyone who has it, and nothing else does.
    "programs:calendar_feed": (
        "get",
        lambda p: [p.enrollments.filter(status="active").first().calendar_token],
        None,
        {person: 200 for person in PEOPLE},
    ),
    "programs:lesson_done": (
        "post",
        lambda p: [_week_two_lesson(p).slug],
        {"done": "1"},
        {**WEEK_TWO_PAGE, "alice": 302, "instructor": 302},
    ),
    "programs:lesson_pdf": (
        "get",
        lambda p: [_week_two_exercise(p).lesson.slug],
        None,
        WEEK_TWO_PDF,
    ),
    "programs:reminder_pdf": (
        "get",
        lambda p: [_week_two_exercise(p).lesson.slug],
        None,
        WEEK_TWO_PDF,
    ),
    "programs:ask": (
        "post",
        lambda p: [_week_two_lesson(p).slug],
        {"message": "Is a little soreness the next day normal?"},
        {**WEEK_TWO_PAGE, "alice": 302, "instructor": 302},
    ),
    "programs:week_pdf": (
        "get",
        lambda p: [_week_two_exercise(p).lesson.week.number],
        None,
        WEEK_TWO_PDF,
    ),
    # Exercise pictures: a class not open yet has no pictures to show.
    "programs:media": ("get", lambda p: [_week_two_picture(p)], None, {**WEEK_TWO_PDF, "bob": 404}),
    # The journal: a client's own; staff read clients' from the Clients page, and keep none.
    "journal:progress": ("get", lambda p: [], None, {**MEMBER_PAGE, "instructor": 302}),
    "journal:check": ("get", lambda p: [0], None, {**MEMBER_PAGE, "instructor": 404}),
    "journal:log_practice": (
        "post",
        lambda p: [_week_two_lesson(p).slug],
        {"pain": "2"},
        {**WEEK_TWO_PAGE, "alice": 302, "instructor": 404},
    ),
    "journal:export_csv": ("get", lambda p: [], None, SIGNED_IN_PAGE),
    "journal:export_json": ("get", lambda p: [], None, SIGNED_IN_PAGE),
    "journal:delete": ("get", lambda p: [], None, SIGNED_IN_PAGE),
    "journal:clients": ("get", lambda p: [], None, STAFF_ONLY),
    "journal:client": ("get", lambda p: [p.enrollments.first().pk], None, STAFF_ONLY),
    "accounts:settings": ("get", lambda p: [], None, SIGNED_IN_PAGE),
    "accounts:email_preferences": ("get", lambda p: [], None, SIGNED_IN_PAGE),
    # The link in every program email works without signing in; opening it only asks.
    "accounts:unsubscribe": (
        "get",
        lambda p: [_unsubscribe_token()],
        None,
        {person: 200 for person in PEOPLE},
    ),
    "accounts:unsubscribe_reminders": (
        "get",
        lambda p: [_unsubscribe_token("reminders")],
        None,
        {person: 200 for person in PEOPLE},
    ),
    "billing:enrol": (
        "get",
        lambda p: [],
        None,
        {person: 200 for person in PEOPLE} | {"alice": DASHBOARD, "bob": DASHBOARD},
    ),
    # Without a Checkout Session id there is nothing to show.
    "billing:success": ("get", lambda p: [], None, {p: 404 for p in PEOPLE} | {"stranger": LOGIN}),
    "billing:cancelled": ("get", lambda p: [], None, {person: 302 for person in PEOPLE}),
    "billing:stripe_webhook": ("get", lambda p: [], None, {person: 405 for person in PEOPLE}),
    "billing:report": ("get", lambda p: [], None, STAFF_ONLY),
    "billing:account": ("get", lambda p: [], None, SIGNED_IN_PAGE),
    "billing:terms": ("get", lambda p: [], None, {person: 200 for person in PEOPLE}),
}


def _week_two_lesson(program):
    return program.lessons.filter(week__number=2).first()


def _unsubscribe_token(what="program"):
    user = UserFactory(email=f"subscriber-{what}@example.com")
    return user.unsubscribe_url_for(what).rstrip("/").rsplit("/", 1)[1]


def _week_two_exercise(program):
    return ExerciseFactory(lesson=_week_two_lesson(program))


def _week_two_picture(program):
    exercise = _week_two_exercise(program)
    exercise.image_alt = "A person on a mat"
    exercise.image = SimpleUploadedFile("bridge.png", _png(), content_type="image/png")
    exercise.save()
    return exercise.image.name


def _png():
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), "#1e6b5c").save(buffer, format="PNG")
    return buffer.getvalue()


def _our_url_names(patterns=None, namespace=None):
    for pattern in patterns if patterns is not None else get_resolver().url_patterns:
        if isinstance(pattern, URLResolver):
            inner = pattern.namespace or namespace
            yield from _our_url_names(pattern.url_patterns, inner)
        elif isinstance(pattern, URLPattern) and pattern.name and namespace in OUR_NAMESPACES:
            yield f"{namespace}:{pattern.name}"


def test_every_url_of_our_apps_is_in_the_matrix():
    assert set(_our_url_names()) - set(MATRIX) == set()


@pytest.fixture
def people(alice, bob, carol, dave, instructor):
    return {
        "stranger": None,
        "alice": alice,
        "bob": bob,
        "carol": carol,
        "dave": dave,
        "instructor": instructor,
    }


def _outcome(response):
    if response.status_code != 302:
        return response.status_code
    location = response.headers["Location"]
    if location.startswith(reverse("admin:login")):
        return ADMIN_LOGIN
    if location.startswith(reverse("account_login")):
        return LOGIN
    if location == reverse("programs:sales"):
        return SALES
    if location == reverse("programs:dashboard"):
        return DASHBOARD
    return 302


@pytest.mark.parametrize("url_name", sorted(MATRIX))
def test_each_person_gets_the_right_answer(client, program, people, url_name):
    method, build_args, data, expected = MATRIX[url_name]
    url = reverse(url_name, args=build_args(program))
    outcomes = {}
    for person in PEOPLE:
        client.logout()
        if people[person]:
            client.force_login(people[person])
        response = getattr(client, method)(url, data or {})
        outcomes[person] = _outcome(response)
        if outcomes[person] == 403:
            content = response.content
            assert (b"isn" in content and b"open yet" in content) or (
                b"This download is for enrolled clients" in content
            )
    assert outcomes == expected


def test_a_locked_class_shows_its_opening_date_and_none_of_its_content(client, bob, program):
    lesson = _week_two_lesson(program)
    lesson.notes = "Secret week two notes"
    lesson.save()
    client.force_login(bob)
    response = client.get(lesson.get_absolute_url())
    assert response.status_code == 403
    assert b"It opens" in response.content
    assert b"Secret week two notes" not in response.content
    assert lesson.title.encode() in response.content


def test_unknown_weeks_and_classes_are_404_not_500(client, alice):
    client.force_login(alice)
    assert client.get(reverse("programs:week", args=[99])).status_code == 404
    assert client.get(reverse("programs:lesson", args=["no-such-class"])).status_code == 404


def test_a_signed_in_client_without_enrollment_is_sent_to_the_sales_page(client, program):
    client.force_login(UserFactory())
    response = client.get(_week_two_lesson(program).get_absolute_url(), follow=True)
    assert response.redirect_chain[-1][0] == reverse("programs:sales")
    assert b"Enroll in the program" in response.content
