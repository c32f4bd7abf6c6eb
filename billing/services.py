"""Orders and their money: start a checkout, fulfil it, follow refunds and disputes.

Every decision is made from Stripe's current view of the Checkout Session (retrieved, never
read from an event's snapshot), and every change is one transaction holding the order's row
lock. So webhooks, the success page and reconciliation may call in any order, any number of
times, at once, and the order still ends in the state Stripe is in.
"""

import datetime as dt
import logging

import stripe
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from programs.models import Enrollment
from programs.services import end_access, enroll

from . import emails, plans, stripe_api
from .models import Order, Payment, StripeEvent

log = logging.getLogger(__name__)

# A 100% promotion code completes a Checkout Session without a payment.
SETTLED = ("paid", "no_payment_required")
# Stripe expires an unpaid Checkout Session after 24 hours; until then the client may go back to it.
REUSE_SESSION_FOR = dt.timedelta(hours=23)
RECONCILE_WINDOW = dt.timedelta(days=3)
SESSION_EVENTS = (
    "checkout.session.completed",
    "checkout.session.async_payment_succeeded",
    "checkout.session.async_payment_failed",
    "checkout.session.expired",
)
CHARGE_EVENTS = ("charge.refunded", "charge.dispute.created")
PLAN_EVENTS = (
    "invoice.paid",
    "invoice.payment_failed",
    "customer.subscription.updated",
    "customer.subscription.deleted",
)


@transaction.atomic
def start_checkout(user, program, *, success_url: str, cancel_url: str, plan=False) -> str:
    """Write a pending order, create its Checkout Session, and return the URL to send the client to.

    `plan` buys the program in the program's monthly payments (a subscription that ends after
    the last one, see `billing.plans`) instead of in full.

    The user's row is locked, so a double click cannot create two sessions. A session the client
    left open for the same choice is offered again rather than a second one they could also pay,
    and a client whose session is complete but not yet settled (a payment still processing) is
    sent to its success page instead of a new checkout.
    """
    if plan and not program.offers_plan:
        raise ValueError(f"{program} is not offered in monthly payments.")
    get_user_model().objects.select_for_update().filter(pk=user.pk).first()
    client = stripe_api.client()
    fresh_since = timezone.now() - REUSE_SESSION_FOR
    # Every pending order is looked at, whatever its age: a delayed payment (a bank debit) keeps
    # its completed session processing for days. A complete session wins over an open one, which
    # the client could otherwise pay as well.
    pending = Order.objects.filter(user=user, program=program, status=Order.Status.PENDING).exclude(
        stripe_session_id=None
    )
    open_url = None
    for waiting in pending:
        session = client.v1.checkout.sessions.retrieve(waiting.stripe_session_id)
        if session.status == "complete":
            # Paid or still processing: its success page settles the order and says which.
            return success_url.replace("{CHECKOUT_SESSION_ID}", session.id)
        if session.status != "open":
            continue
        if waiting.is_plan != plan:
            # The client changed their mind: the other choice's page must not be paid as well.
            client.v1.checkout.sessions.expire(session.id)
            waiting.status = Order.Status.ABANDONED
            waiting.save(update_fields=["status"])
        elif waiting.created_at >= fresh_since and open_url is None:
            open_url = session.url
    if open_url is not None:
        return open_url
    order = Order.objects.create(
        user=user,
        program=program,
        amount_total=0 if plan else program.price_amount,
        currency=program.currency,
        plan_payments=program.plan_payments if plan else 0,
    )
    metadata = {"order_id": str(order.pk), "user_id": str(user.pk), "program": program.slug}
    params = {
        "line_items": [_line_item(program, plan)],
        "client_reference_id": str(user.pk),
        "metadata": metadata,
        "allow_promotion_codes": True,
        # The program's terms and health disclaimer, accepted on Stripe's page and kept.
        "consent_collection": {"terms_of_service": "required"},
        "custom_text": {
            "terms_of_service_acceptance": {
                "message": f"I accept the [terms and health disclaimer]"
                f"({settings.SITE_URL}{reverse('billing:terms')}) of {program.title}."
            }
        },
        "success_url": success_url,
        "cancel_url": cancel_url,
    }
    customer = known_customer(user)
    params |= {"customer": customer} if customer else {"customer_email": user.email}
    if settings.STRIPE_AUTOMATIC_TAX:
        params |= {"automatic_tax": {"enabled": True}, "billing_address_collection": "required"}
        if customer:
            params["customer_update"] = {"address": "auto"}
    if plan:
        params |= {"mode": "subscription", "subscription_data": {"metadata": metadata}}
    else:
        params |= {
            "mode": "payment",
            "payment_intent_data": {"metadata": metadata},
            "invoice_creation": {"enabled": True},  # a proper receipt, with an invoice number
        }
        if not customer:
            params["customer_creation"] = "always"  # so the client can manage their card later
    session = client.v1.checkout.sessions.create(params=params)
    order.stripe_session_id = session.id
    order.livemode = session.livemode
    order.save(update_fields=["stripe_session_id", "livemode"])
    return session.url


def known_customer(user) -> str:
    """The Stripe Customer of the client's earlier payments, so they keep one."""
    earlier = Order.objects.filter(user=user).exclude(stripe_customer_id="").first()
    return earlier.stripe_customer_id if earlier else ""


def _line_item(program, plan: bool) -> dict:
    if plan:
        return {
            "price_data": {
                "currency": program.currency,
                "unit_amount": program.plan_payment_amount,
                "recurring": {"interval": "month"},
                "product_data": {"name": f"{program.title} ({program.plan_display})"},
            },
            "quantity": 1,
        }
    if settings.STRIPE_PRICE_ID:
        return {"price": settings.STRIPE_PRICE_ID, "quantity": 1}
    return {
        "price_data": {
            "currency": program.currency,
            "unit_amount": program.price_amount,
            "product_data": {"name": program.title},
        },
        "quantity": 1,
    }


def fulfil_checkout(session_id: str) -> Order | None:
    """Bring our order for Checkout Session `session_id` in line with Stripe. Idempotent.

    Called by the webhook for every event about the session or its charge, by the success page
    (the client may close the tab before Stripe's webhook arrives, or Stripe may be late) and by
    reconciliation. Returns None for a session this site did not create.
    """
    return apply_session(retrieve_session(session_id))


def retrieve_session(session_id: str):
    """Stripe's current view of a Checkout Session, with what `apply_session` reads."""
    return stripe_api.client().v1.checkout.sessions.retrieve(
        session_id, params={"expand": ["line_items", "payment_intent.latest_charge"]}
    )


@transaction.atomic
def apply_session(session) -> Order | None:
    order = (
        Order.objects.select_for_update()
        .select_related("user", "program")
        .filter(stripe_session_id=session.id)
        .first()
    )
    if order is None:
        return None
    if order.is_plan:
        if order.status == Order.Status.PENDING:
            _settle_plan(order, session)
        elif order.stripe_subscription_id:
            plans.sync(order)
        return order
    intent = session.payment_intent
    charge = intent.latest_charge if intent is not None else None
    if order.status == Order.Status.PENDING:
        _settle(order, session, intent, charge)
    if charge is not None and order.status == Order.Status.PAID:
        _follow_refunds(order, charge)
    if charge is not None and charge.disputed and order.disputed_at is None:
        _follow_dispute(order)
    return order


def _settle_plan(order: Order, session) -> None:
    """A plan's checkout completed: its first payment is made, the client is enrolled, and
    the plan follows its subscription from now on."""
    if session.status == "expired":
        order.status = Order.Status.ABANDONED
        order.save(update_fields=["status"])
        return
    if session.status != "complete":
        return
    if session.payment_status not in SETTLED:
        # A bank debit still processing, or turned down: then Stripe ends the subscription.
        subscription = stripe_api.client().v1.subscriptions.retrieve(
            stripe_api.id_of(session.subscription)
        )
        if subscription.status in ("incomplete_expired", "canceled"):
            order.status = Order.Status.FAILED
            order.save(update_fields=["status"])
            emails.queue(order, emails.PAYMENT_FAILED)
        return
    _record_checkout(order, session)
    order.stripe_subscription_id = stripe_api.id_of(session.subscription)
    order.status = Order.Status.PAID
    order.plan_status = Order.PlanStatus.ACTIVE
    order.enrollment, _ = enroll(order.user, order.program)
    order.save()
    plans.sync(order)


def _record_checkout(order: Order, session) -> None:
    """What the client agreed to and paid at checkout: customer, code, discount, tax, terms."""
    order.currency = session.currency
    order.description = session.line_items.data[0].description
    order.paid_at = timezone.now()
    order.stripe_customer_id = stripe_api.id_of(session.customer)
    totals = session.total_details
    order.amount_discount = totals.amount_discount if totals else 0
    order.amount_tax = totals.amount_tax if totals else 0
    codes = [d.promotion_code for d in session.discounts or [] if d.promotion_code]
    if codes:
        code = codes[0]
        order.promotion_code = (
            code.code
            if not isinstance(code, str)
            else stripe_api.client().v1.promotion_codes.retrieve(code).code
        )
    consent = session.consent
    if consent and consent.terms_of_service == "accepted":
        order.terms_accepted_at = order.paid_at


def _settle(order: Order, session, intent, charge) -> None:
    """A pending order becomes paid (and the client enrolled), failed or abandoned."""
    if session.status == "complete" and session.payment_status in SETTLED:
        _record_checkout(order, session)
        order.amount_total = session.amount_total
        order.stripe_payment_intent_id = intent.id if intent is not None else ""
        if charge is not None and charge.refunded:
            # Stripe told us of the refund before the payment: the client never gets access.
            order.status = Order.Status.REFUNDED
            order.amount_refunded = charge.amount_refunded
        else:
            order.status = Order.Status.PAID
            # Enrolling sends the welcome email; Stripe sends the receipt.
            order.enrollment, _ = enroll(order.user, order.program)
        order.save()
    elif session.status == "expired":
        order.status = Order.Status.ABANDONED
        order.save(update_fields=["status"])
        # No "your place is still waiting" for a client who enrolled through another session.
        enrolled = Enrollment.objects.current().filter(user=order.user, program=order.program)
        if not enrolled.exists():
            emails.queue(order, emails.CHECKOUT_EXPIRED)
    elif session.status == "complete" and getattr(intent, "status", None) in (
        "requires_payment_method",
        "canceled",
    ):
        # A delayed payment (bank debit) that the bank turned down after Checkout completed.
        order.status = Order.Status.FAILED
        order.save(update_fields=["status"])
        emails.queue(order, emails.PAYMENT_FAILED)


def _follow_refunds(order: Order, charge) -> None:
    """Record refunds. Policy: a full refund ends access, a partial one (a goodwill gesture)
    keeps it."""
    refunded = min(max(order.amount_refunded, charge.amount_refunded), order.amount_total)
    if refunded == order.amount_refunded and not charge.refunded:
        return
    order.amount_refunded = refunded
    if not charge.refunded:
        order.save(update_fields=["amount_refunded"])
        return
    order.status = Order.Status.REFUNDED
    order.save(update_fields=["amount_refunded", "status"])
    enrollment = order.enrollment
    still_paid_for = enrollment.orders.filter(status=Order.Status.PAID).exclude(pk=order.pk)
    if enrollment.status != Enrollment.Status.REVOKED and not still_paid_for.exists():
        end_access(enrollment, Enrollment.Status.REVOKED)


def _follow_dispute(order: Order) -> None:
    """A dispute pauses access until the instructor has looked at it (restoring is an admin
    action on the enrollment); Stripe gives them only days to answer, so they are emailed."""
    order.disputed_at = timezone.now()
    order.save(update_fields=["disputed_at"])
    if order.enrollment is not None and order.enrollment.status == Enrollment.Status.ACTIVE:
        end_access(order.enrollment, Enrollment.Status.SUSPENDED)
    emails.queue(order, emails.DISPUTE)


def handle_event(event) -> StripeEvent:
    """Process a verified webhook event once, whatever the number of deliveries.

    The event's row is written (committed) first and then locked for processing, so concurrent
    deliveries of one event wait and then find it done. If processing raises, its changes are
    rolled back, the row says why, and the exception goes on (Stripe gets a 500 and retries),
    except when Stripe does not know what the event names: retrying cannot help, so that event
    is answered once, kept as failed and logged as an error.
    """
    obj = event.data.object
    record, _ = StripeEvent.objects.get_or_create(
        stripe_id=event.id,
        defaults={
            "type": event.type,
            "object_id": getattr(obj, "id", None) or "",
            "livemode": bool(getattr(event, "livemode", False)),
        },
    )
    session_id = obj.id if event.type in SESSION_EVENTS else None
    try:
        with transaction.atomic():
            record = StripeEvent.objects.select_for_update().get(pk=record.pk)
            if record.is_done:
                return record
            order = _process(event.type, obj)
            record.order = order
            record.status = StripeEvent.Status.PROCESSED if order else StripeEvent.Status.IGNORED
            record.error = ""
            record.processed_at = timezone.now()
            record.save(update_fields=["order", "status", "error", "processed_at"])
    except Exception as exc:
        _record_failure(record, exc, session_id)
        if isinstance(exc, stripe.InvalidRequestError) and exc.code == "resource_missing":
            # Retrying cannot help: answered once (200), kept as failed, and reported.
            log.error("Stripe event %s (%s) names something Stripe does not know: %s",
                      event.id, event.type, exc.user_message or exc)  # fmt: skip
            return record
        raise
    if record.status == StripeEvent.Status.IGNORED:
        log.info("Stripe event %s (%s) is not about an order of ours", event.id, event.type)
    return record


def _record_failure(record: StripeEvent, exc: Exception, session_id: str | None) -> None:
    """The failed event's row says why, and names its order when known, so the admin can show
    what became of the order (reconciliation may settle it later)."""
    order = Order.objects.filter(stripe_session_id=session_id).first() if session_id else None
    StripeEvent.objects.filter(pk=record.pk).update(
        status=StripeEvent.Status.FAILED, error=f"{type(exc).__name__}: {exc}"[:2000], order=order
    )


def _process(event_type: str, obj) -> Order | None:
    """Bring the order the event is about in line with Stripe; None if it is not ours."""
    if event_type in PLAN_EVENTS:
        return sync_plan(_subscription_id_for(event_type, obj))
    if event_type in CHARGE_EVENTS:
        intent_id = getattr(obj, "payment_intent", None)
        payment = Payment.objects.filter(stripe_payment_intent_id=intent_id).first()
        if intent_id and payment is not None:
            charge_id = obj.id if event_type == "charge.refunded" else obj.charge
            return _follow_plan_charge(payment, charge_id)
    session_id = _session_id_for(event_type, obj)
    return fulfil_checkout(session_id) if session_id else None


def _subscription_id_for(event_type: str, obj) -> str:
    if event_type.startswith("customer.subscription."):
        return obj.id
    # An invoice names its subscription under `parent` (older API versions: `subscription`).
    parent = getattr(obj, "parent", None)
    details = getattr(parent, "subscription_details", None) if parent else None
    return stripe_api.id_of(details.subscription if details else getattr(obj, "subscription", None))


def sync_plan(subscription_id: str) -> Order | None:
    """The plan of this subscription, in line with Stripe; None for a subscription not ours.
    A subscription whose checkout we have not settled yet settles it first."""
    if not subscription_id:
        return None
    with transaction.atomic():
        order = (
            Order.objects.select_for_update(of=("self",))
            .select_related("user", "program", "enrollment")
            .filter(stripe_subscription_id=subscription_id)
            .first()
        )
        if order is not None:
            return plans.sync(order)
    found = stripe_api.client().v1.checkout.sessions.list(
        params={"subscription": subscription_id, "limit": 1}
    )
    return fulfil_checkout(found.data[0].id) if found.data else None


@transaction.atomic
def _follow_plan_charge(payment: Payment, charge_id: str) -> Order:
    order = (
        Order.objects.select_for_update(of=("self",))
        .select_related("enrollment")
        .get(pk=payment.order_id)
    )
    payment.order = order
    charge = stripe_api.client().v1.charges.retrieve(charge_id)
    plans.follow_refunds(payment, charge)
    if charge.disputed and order.disputed_at is None:
        _follow_dispute(order)
    return order


def _session_id_for(event_type: str, obj) -> str | None:
    """The Checkout Session an event is about: every event we handle comes down to one."""
    if event_type in SESSION_EVENTS:
        return obj.id
    if event_type not in CHARGE_EVENTS:
        return None
    # Charges and disputes both name the PaymentIntent, which belongs to exactly one session.
    intent_id = getattr(obj, "payment_intent", None)
    if not intent_id:
        return None
    known = Order.objects.filter(stripe_payment_intent_id=intent_id).first()
    if known is not None:
        return known.stripe_session_id
    # The charge event came before (or without) the session's own events.
    found = stripe_api.client().v1.checkout.sessions.list(
        params={"payment_intent": intent_id, "limit": 1}
    )
    return found.data[0].id if found.data else None


def reconcile_checkouts(page_size: int = 100) -> tuple[list[Order], list[str]]:
    """Fulfil the paid Checkout Sessions of the last three days that no webhook told us about.

    Stripe retries webhooks for three days, so this is the safety net for a webhook endpoint
    that was down, misconfigured or answering errors for longer. Each session is settled on its
    own: one that fails is logged and listed, and the others are still settled. Every plan not
    yet final is brought in line with Stripe too. Returns the orders fulfilled and the ids of
    the sessions (or subscriptions) that failed.
    """
    since = timezone.now() - RECONCILE_WINDOW
    sessions = stripe_api.client().v1.checkout.sessions.list(
        params={
            "created": {"gte": int(since.timestamp())},
            "status": "complete",
            "limit": page_size,
        }
    )
    repaired, failed = [], []
    for session in sessions.auto_paging_iter():
        if session.payment_status not in SETTLED:
            continue
        if not Order.objects.filter(
            stripe_session_id=session.id, status=Order.Status.PENDING
        ).exists():
            continue
        try:
            order = fulfil_checkout(session.id)
        except Exception:
            log.exception("Reconciliation could not settle Checkout Session %s", session.id)
            failed.append(session.id)
            continue
        # Its failed webhook events are settled now: the admin no longer shows them as open.
        order.stripe_events.filter(status=StripeEvent.Status.FAILED).update(
            status=StripeEvent.Status.SETTLED, processed_at=timezone.now()
        )
        log.warning("Reconciliation fulfilled %s, which no webhook had", order)
        repaired.append(order)
    unsettled_plans = Order.objects.filter(
        plan_status__in=[Order.PlanStatus.ACTIVE, Order.PlanStatus.PAST_DUE]
    ).values_list("stripe_subscription_id", flat=True)
    for subscription_id in unsettled_plans:
        try:
            sync_plan(subscription_id)
        except Exception:
            log.exception("Reconciliation could not bring plan %s up to date", subscription_id)
            failed.append(subscription_id)
    return repaired, failed


def billing_portal_url(customer_id: str, *, return_url: str) -> str:
    """Stripe's page where a client updates their card and finds their invoices."""
    session = stripe_api.client().v1.billing_portal.sessions.create(
        params={"customer": customer_id, "return_url": return_url}
    )
    return session.url


def request_refund(order: Order) -> None:
    """Ask Stripe to refund `order` in full.

    Access ends when Stripe confirms with `charge.refunded`, not here: the refund may still fail,
    and the webhook is the one path that changes access for every refund, including those made
    in the Stripe dashboard. The idempotency key makes a second click harmless.
    """
    if order.is_plan:
        raise ValueError(
            f"{order} is a payment plan: refund its payments one by one in the Stripe dashboard."
        )
    if order.status != Order.Status.PAID or not order.stripe_payment_intent_id:
        raise ValueError(f"{order} is not a paid order with a payment to refund.")
    stripe_api.client().v1.refunds.create(
        params={
            "payment_intent": order.stripe_payment_intent_id,
            "reason": "requested_by_customer",
            "metadata": {"order_id": str(order.pk)},
        },
        options={"idempotency_key": f"refund-{order.stripe_payment_intent_id}"},
    )
