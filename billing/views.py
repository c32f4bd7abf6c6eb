import logging
import time

import stripe
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin.views.decorators import staff_member_required
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.db.models import Count
from django.http import HttpResponse, HttpResponseBadRequest, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from lessons.models import Program
from programs.models import Enrollment

from . import services, stripe_api
from .models import Order

log = logging.getLogger(__name__)


def enrol(request):
    """GET explains and offers the button (visitors come back here after signing up or in);
    POST sends a signed-in client to Stripe Checkout. Enrolled clients go to their program."""
    program = Program.current_or_404()
    user = request.user
    if (
        user.is_authenticated
        and Enrollment.objects.current().filter(user=user, program=program).exists()
    ):
        return redirect("programs:dashboard")
    if request.method != "POST" or not stripe_api.is_configured():
        context = {
            "program": program,
            "payments_ready": stripe_api.is_configured(),
            "grace_days": settings.PLAN_GRACE_DAYS,
        }
        return render(request, "billing/enrol.html", context)
    if not user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    try:
        url = services.start_checkout(
            user,
            program,
            plan=request.POST.get("plan") == "1" and program.offers_plan,
            success_url=request.build_absolute_uri(reverse("billing:success"))
            + "?session_id={CHECKOUT_SESSION_ID}",
            cancel_url=request.build_absolute_uri(reverse("billing:cancelled")),
        )
    except stripe.StripeError:
        log.exception("Could not create a Checkout Session")
        messages.error(
            request,
            "We could not reach our payment provider, and no payment was taken. "
            "Please try again in a minute.",
        )
        return redirect("billing:enrol")
    return HttpResponseRedirect(url, status=303)


@require_GET
def success(request):
    """Where Stripe sends the client after paying. Fulfils the order itself rather than wait
    for the webhook. A client who has not paid yet (the link opened before paying) is led back
    to the payment; one whose payment is still processing may check again."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    order = get_object_or_404(
        Order.objects.select_related("program", "enrollment"),
        stripe_session_id=request.GET.get("session_id", ""),
        user=request.user,
    )
    context = {"order": order, "unpaid_checkout_url": None}
    if order.status == Order.Status.PENDING:
        try:
            session = services.retrieve_session(order.stripe_session_id)
            context["order"] = services.apply_session(session)
        except stripe.StripeError:
            # The webhook (or reconciliation) settles the order; the client is told what to do.
            log.exception("Success page could not fulfil %s", order)
            return render(request, "billing/success_unconfirmed.html", context, status=503)
        if session.status == "open":
            context["unpaid_checkout_url"] = session.url
    return render(request, "billing/success.html", context)


@login_required
def account(request):
    """The client's payments, receipts and plan, and the way to Stripe's page for their card."""
    orders = (
        Order.objects.filter(user=request.user)
        .exclude(status__in=[Order.Status.PENDING, Order.Status.ABANDONED])
        .select_related("program")
        .prefetch_related("payments")
    )
    customer = services.known_customer(request.user)
    if request.method == "POST":
        if not customer:
            messages.error(request, "There is no card on file to manage.")
            return redirect("billing:account")
        try:
            url = services.billing_portal_url(
                customer, return_url=request.build_absolute_uri(reverse("billing:account"))
            )
        except stripe.StripeError:
            log.exception("Could not open the billing portal")
            messages.error(
                request,
                "We could not reach our payment provider just now. Please try again in a minute.",
            )
            return redirect("billing:account")
        return HttpResponseRedirect(url, status=303)
    return render(
        request,
        "billing/account.html",
        {"orders": orders, "has_customer": bool(customer)},
    )


@require_GET
def terms(request):
    return render(request, "billing/terms.html", {"program": Program.current_or_404()})


@require_GET
def cancelled(request):
    messages.info(request, "Checkout was cancelled, and no payment was taken.")
    return redirect("billing:enrol")


@csrf_exempt
@require_POST
def stripe_webhook(request):
    """Stripe's events. Anything that does not carry a valid, recent signature over this exact
    body is refused with 400 before anything is written."""
    if request.content_type != "application/json":
        return HttpResponse("Expected application/json.", status=415)
    try:
        event = stripe.Webhook.construct_event(
            request.body, request.headers.get("Stripe-Signature"), settings.STRIPE_WEBHOOK_SECRET
        )
        event.id, event.type, event.data.object  # noqa: B018 (every event has these)
    except stripe.SignatureVerificationError as exc:
        log.warning("Refused a Stripe webhook: %s", exc)
        return HttpResponseBadRequest("Invalid signature.")
    except (ValueError, TypeError, AttributeError, KeyError):
        return HttpResponseBadRequest("Invalid payload.")
    # The library refuses signatures older than its tolerance; one from further ahead of our
    # clock than that would outlive the replay window, so it is refused too.
    ahead = _signed_at(request.headers["Stripe-Signature"]) - time.time()
    if ahead > stripe.Webhook.DEFAULT_TOLERANCE:
        log.warning("Refused a Stripe webhook signed in the future.")
        return HttpResponseBadRequest("Invalid signature timestamp.")
    try:
        services.handle_event(event)
    except Exception:
        # Rolled back and recorded on the event's row; Stripe retries on a 5xx.
        log.exception("Stripe event %s (%s) failed", event.id, event.type)
        return HttpResponse("Processing failed; please retry.", status=500)
    return HttpResponse("OK")


def _signed_at(header: str) -> int:
    """The `t=` of a Stripe-Signature header the library has already verified."""
    parts = dict(part.split("=", 1) for part in header.split(",") if "=" in part)
    return int(parts["t"])


@staff_member_required
def report(request):
    """Revenue and enrollments at a glance, for the instructor."""
    with_access = Enrollment.objects.with_access().values_list("source").annotate(n=Count("id"))
    context = {
        **admin.site.each_context(request),
        "title": "Revenue and enrollments",
        "revenue": Order.objects.revenue_by_currency(),
        "orders": Order.objects.status_counts(),
        "enrollments": {Enrollment.Source(source).label: n for source, n in with_access.order_by()},
    }
    return render(request, "billing/report.html", context)
