import datetime as dt

from django.core import mail
from django.utils import timezone

from billing.models import Order
from billing.services import fulfil_checkout
from programs.models import Enrollment

from .stripe_server import post_event


def success_path(session):
    return f"/billing/checkout/success/?session_id={session['id']}"


def billing_mail():
    return [m for m in mail.outbox if m.subject.startswith(("Your payment", "Your place"))]


def test_the_completed_webhook_makes_the_order_paid_and_enrols_the_client(
    stripe_server, checkout, dave, client
):
    stripe_server.pay(checkout["id"])

    [response] = stripe_server.deliver_outbox(client)

    order = Order.objects.get()
    assert response.status_code == 200
    assert order.status == Order.Status.PAID
    assert order.stripe_payment_intent_id == checkout_intent(stripe_server, checkout)
    assert order.description == "Heal Your Hips"
    assert order.enrollment.user == dave
    assert order.enrollment.has_access
    assert order.enrollment.source == Enrollment.Source.PURCHASE


def checkout_intent(stripe_server, checkout):
    return stripe_server.sessions[checkout["id"]]["payment_intent"]


def test_the_success_page_fulfils_the_order_when_the_webhook_has_not_arrived(
    stripe_server, checkout, dave_client
):
    stripe_server.pay(checkout["id"])

    response = dave_client.get(success_path(checkout))

    assert response.status_code == 200
    assert "You’re in!" in response.text
    assert 'href="/program/week/1/"' in response.text
    assert 'href="/program/pause/#plan-heading">pick your days and a time' in response.text
    assert Enrollment.objects.with_access().filter(user__email="dave@example.com").count() == 1
    assert Order.objects.get().status == Order.Status.PAID


def test_success_page_and_webhook_both_fulfilling_leave_one_order_and_one_enrollment(
    stripe_server, checkout, dave_client, client
):
    stripe_server.pay(checkout["id"])

    dave_client.get(success_path(checkout))
    stripe_server.deliver_outbox(client)
    dave_client.get(success_path(checkout))

    assert Order.objects.filter(status=Order.Status.PAID).count() == 1
    assert Enrollment.objects.filter(user__email="dave@example.com").count() == 1


def test_the_same_event_delivered_five_times_gives_one_order_and_one_enrollment(
    stripe_server, checkout, client
):
    stripe_server.pay(checkout["id"])
    [event] = stripe_server.outbox

    responses = [post_event(client, event) for _ in range(5)]

    assert [r.status_code for r in responses] == [200] * 5
    assert Order.objects.filter(status=Order.Status.PAID).count() == 1
    assert Enrollment.objects.count() == 1


def test_fulfilling_again_changes_nothing(stripe_server, checkout):
    stripe_server.pay(checkout["id"])

    first = fulfil_checkout(checkout["id"])
    second = fulfil_checkout(checkout["id"])

    assert first.pk == second.pk
    assert second.status == Order.Status.PAID
    assert second.enrollment_id == first.enrollment_id
    assert Enrollment.objects.count() == 1


def test_another_sites_checkout_session_is_left_alone(another_sites_paid_session, dave):
    assert fulfil_checkout(another_sites_paid_session["id"]) is None
    assert not Enrollment.objects.exists()


def test_a_delayed_payment_gives_access_only_once_it_succeeds(
    stripe_server, checkout, dave, dave_client, client
):
    stripe_server.pay(checkout["id"], delayed=True)
    stripe_server.deliver_outbox(client)

    processing = dave_client.get(success_path(checkout))
    assert Order.objects.get().status == Order.Status.PENDING
    assert not Enrollment.objects.filter(user=dave).exists()
    assert "Your payment is processing" in processing.text
    assert "Check again" in processing.text
    assert "http-equiv" not in processing.text  # no page that reloads itself (WCAG 2.2.1)

    stripe_server.settle_delayed(checkout["id"], succeeded=True)
    stripe_server.deliver_outbox(client)

    done = dave_client.get(success_path(checkout))
    assert Order.objects.get().status == Order.Status.PAID
    assert Enrollment.objects.with_access().filter(user=dave).exists()
    assert "You’re in!" in done.text
    assert "refresh" not in done.text


def test_a_delayed_payment_that_fails_marks_the_order_failed_and_tells_the_client(
    stripe_server, checkout, dave, dave_client, client, django_capture_on_commit_callbacks
):
    stripe_server.pay(checkout["id"], delayed=True)
    stripe_server.settle_delayed(checkout["id"], succeeded=False)

    with django_capture_on_commit_callbacks(execute=True):
        responses = stripe_server.deliver_outbox(client)

    assert [r.status_code for r in responses] == [200, 200]
    assert Order.objects.get().status == Order.Status.FAILED
    assert not Enrollment.objects.filter(user=dave).exists()
    [email] = billing_mail()
    assert email.subject == "Your payment for Heal Your Hips did not go through"
    assert email.to == ["dave@example.com"]
    assert "http://127.0.0.1:8000/billing/enrol/" in email.body
    assert "did not go through" in dave_client.get(success_path(checkout)).text


def test_an_expired_checkout_abandons_the_order_and_invites_the_client_back(
    stripe_server, checkout, dave, client, django_capture_on_commit_callbacks
):
    stripe_server.expire(checkout["id"])

    with django_capture_on_commit_callbacks(execute=True):
        stripe_server.deliver_outbox(client)

    assert Order.objects.get().status == Order.Status.ABANDONED
    assert not Enrollment.objects.filter(user=dave).exists()
    [email] = billing_mail()
    assert email.to == ["dave@example.com"]
    assert email.subject == "Your place in Heal Your Hips is still waiting"


def test_a_100_percent_promotion_code_enrols_without_a_payment(stripe_server, checkout, dave):
    stripe_server.pay(checkout["id"], free=True)

    order = fulfil_checkout(checkout["id"])

    assert order.status == Order.Status.PAID
    assert order.amount_total == 0
    assert Enrollment.objects.with_access().filter(user=dave).exists()


def test_completed_events_for_unpaid_sessions_arriving_late_do_not_undo_a_payment(
    stripe_server, checkout, client
):
    stripe_server.pay(checkout["id"], delayed=True)
    stripe_server.settle_delayed(checkout["id"], succeeded=True)
    completed, succeeded = stripe_server.outbox

    post_event(client, succeeded)
    post_event(client, completed)

    assert Order.objects.get().status == Order.Status.PAID
    assert Enrollment.objects.with_access().count() == 1


def test_the_success_page_is_only_for_the_buyer(stripe_server, checkout, alice, client):
    stripe_server.pay(checkout["id"])
    client.force_login(alice)

    response = client.get(success_path(checkout))

    assert response.status_code == 404
    assert Order.objects.get().status == Order.Status.PENDING


def test_an_expired_checkout_sends_no_invitation_to_a_client_who_enrolled_through_another(
    stripe_server, checkout, dave, dave_client, client, django_capture_on_commit_callbacks
):
    # A day later the first session is stale, so Enrol opens a second one, which Dave pays.
    Order.objects.update(created_at=timezone.now() - dt.timedelta(hours=23, minutes=30))
    second = dave_client.post("/billing/enrol/")["Location"].rsplit("/", 1)[-1]
    stripe_server.pay(second)
    stripe_server.expire(checkout["id"])

    with django_capture_on_commit_callbacks(execute=True):
        responses = stripe_server.deliver_outbox(client)

    assert [r.status_code for r in responses] == [200, 200]
    assert Order.objects.get(stripe_session_id=second).status == Order.Status.PAID
    assert Order.objects.get(stripe_session_id=checkout["id"]).status == Order.Status.ABANDONED
    assert Enrollment.objects.with_access().filter(user=dave).exists()
    assert not [m for m in billing_mail() if m.subject.startswith("Your place")]


def test_opening_the_success_link_before_paying_says_nothing_was_paid_and_leads_back(
    stripe_server, checkout, dave, dave_client
):
    page = dave_client.get(success_path(checkout))

    assert page.status_code == 200
    assert "You have not paid yet" in page.text
    assert f'href="{checkout["url"]}"' in page.text
    assert "processing" not in page.text
    assert Order.objects.get().status == Order.Status.PENDING


def test_an_unexpected_answer_from_stripe_on_the_success_page_says_what_to_do(
    stripe_server, checkout, dave_client
):
    stripe_server.pay(checkout["id"])
    stripe_server.broken_paths.add("/v1/")

    page = dave_client.get(success_path(checkout))

    assert page.status_code == 503
    assert "We could not confirm your payment yet" in page.text
    assert "Check again" in page.text
    assert Order.objects.get().status == Order.Status.PENDING
