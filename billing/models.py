from django.conf import settings
from django.db import models
from django.db.models import Count, F, Q, Sum
from django.utils import timezone

from lib.money import format_money


class OrderQuerySet(models.QuerySet):
    def revenue_by_currency(self):
        """Money kept: paid orders (and refunded ones, for what was not refunded), per currency."""
        return (
            self.filter(status__in=[Order.Status.PAID, Order.Status.REFUNDED])
            .values("currency")
            .annotate(
                orders=Count("id"),
                gross=Sum("amount_total"),
                refunded=Sum("amount_refunded"),
                net=Sum(F("amount_total") - F("amount_refunded")),
            )
            .order_by("currency")
        )

    def paid_since(self, since):
        return self.filter(paid_at__gte=since)

    def status_counts(self) -> dict:
        counts = dict(self.values_list("status").annotate(n=Count("id")).order_by())
        return {label: counts.get(value, 0) for value, label in Order.Status.choices}


class Order(models.Model):
    """One attempt to buy a program through one Stripe Checkout Session.

    Statuses only move forward (pending → paid/failed/abandoned, paid → refunded), so a stale
    view of Stripe applied late can never undo a newer one.
    """

    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        PAID = "paid", "Paid"
        FAILED = "failed", "Payment failed"
        ABANDONED = "abandoned", "Abandoned (checkout expired)"
        REFUNDED = "refunded", "Refunded in full"

    class PlanStatus(models.TextChoices):
        """Where a payment plan stands (see `billing.plans`); blank for a payment in full."""

        ACTIVE = "active", "Paying on time"
        PAST_DUE = "past_due", "A payment failed (grace period, then new weeks wait)"
        PAID_IN_FULL = "paid_in_full", "Paid in full: the program is theirs"
        CANCELED = "canceled", "Cancelled before the last payment: access ended"

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="orders"
    )
    program = models.ForeignKey("lessons.Program", on_delete=models.PROTECT, related_name="orders")
    enrollment = models.ForeignKey(
        "programs.Enrollment",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="orders",
        help_text="The access this payment gave.",
    )
    status = models.CharField(max_length=16, choices=Status, default=Status.PENDING)
    description = models.CharField(
        max_length=255, blank=True, help_text="What Stripe charged for, as on the receipt."
    )
    amount_total = models.PositiveIntegerField(
        help_text="In the smallest unit of the currency, after any promotion code."
    )
    amount_refunded = models.PositiveIntegerField(default=0)
    currency = models.CharField(max_length=3)
    stripe_session_id = models.CharField(
        "Checkout Session", max_length=255, unique=True, null=True, blank=True
    )
    stripe_payment_intent_id = models.CharField(
        "PaymentIntent", max_length=255, blank=True, db_index=True
    )
    livemode = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    paid_at = models.DateTimeField(null=True, blank=True)
    disputed_at = models.DateTimeField(null=True, blank=True)
    stripe_customer_id = models.CharField("Customer", max_length=255, blank=True)
    amount_discount = models.PositiveIntegerField(
        default=0, help_text="Taken off by a promotion code, in the smallest unit."
    )
    promotion_code = models.CharField(max_length=255, blank=True)
    amount_tax = models.PositiveIntegerField(default=0)
    terms_accepted_at = models.DateTimeField(
        null=True, blank=True, help_text="When the client accepted the terms in Checkout."
    )
    # A payment plan: a subscription that ends by itself after `plan_payments` payments.
    plan_payments = models.PositiveSmallIntegerField(default=0)
    plan_status = models.CharField(max_length=16, choices=PlanStatus, blank=True)
    stripe_subscription_id = models.CharField(
        "Subscription", max_length=255, unique=True, null=True, blank=True
    )
    grace_until = models.DateTimeField(null=True, blank=True)

    objects = OrderQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(amount_refunded__lte=F("amount_total")),
                name="refund_at_most_the_amount_paid",
            ),
        ]

    def __str__(self):
        return f"Order {self.pk} ({self.get_status_display()})"

    @property
    def amount_display(self) -> str:
        return format_money(self.amount_total, self.currency)

    @property
    def refunded_display(self) -> str:
        return format_money(self.amount_refunded, self.currency)

    @property
    def is_plan(self) -> bool:
        return self.plan_payments > 0

    @property
    def grace_ended(self) -> bool:
        return self.grace_until is not None and self.grace_until <= timezone.now()

    @property
    def paid_count(self) -> int:
        return sum(payment.is_paid for payment in self.payments.all())

    @property
    def plan_status_for_client(self) -> str:
        return {
            self.PlanStatus.ACTIVE: "Paying monthly, every payment on time",
            self.PlanStatus.PAST_DUE: "A payment is missing",
            self.PlanStatus.PAID_IN_FULL: "Paid in full: the program is yours",
            self.PlanStatus.CANCELED: "Cancelled before the last payment",
        }.get(self.plan_status, "")

    @property
    def discount_display(self) -> str:
        return format_money(self.amount_discount, self.currency)

    @property
    def stripe_dashboard_url(self) -> str:
        if not self.stripe_payment_intent_id:
            return ""
        mode = "" if self.livemode else "test/"
        return f"https://dashboard.stripe.com/{mode}payments/{self.stripe_payment_intent_id}"


class Payment(models.Model):
    """One invoice of a payment plan, as Stripe has it."""

    order = models.ForeignKey(Order, on_delete=models.PROTECT, related_name="payments")
    stripe_invoice_id = models.CharField("Invoice", max_length=255, unique=True)
    stripe_payment_intent_id = models.CharField(
        "PaymentIntent", max_length=255, blank=True, db_index=True
    )
    status = models.CharField(max_length=16, help_text="Stripe's invoice status.")
    amount_due = models.PositiveIntegerField(default=0)
    amount_paid = models.PositiveIntegerField(default=0)
    amount_refunded = models.PositiveIntegerField(default=0)
    currency = models.CharField(max_length=3)
    attempt_count = models.PositiveSmallIntegerField(default=0)
    invoice_url = models.URLField(max_length=500, blank=True)
    created_at = models.DateTimeField()
    paid_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at"]

    def __str__(self):
        return f"{format_money(self.amount_paid, self.currency)} ({self.status})"

    @property
    def amount_display(self) -> str:
        """What was paid, or for a payment not made yet, what is due."""
        return format_money(self.amount_paid if self.is_paid else self.amount_due, self.currency)

    @property
    def is_paid(self) -> bool:
        return self.status == "paid"


class StripeEvent(models.Model):
    """Every webhook event Stripe sent us, recorded once by its id.

    The row is what makes redelivery harmless: an event already processed (or ignored) is
    answered 200 and not looked at again; a failed one is retried when Stripe sends it again.
    """

    class Status(models.TextChoices):
        RECEIVED = "received", "Received"
        PROCESSED = "processed", "Processed"
        IGNORED = "ignored", "Ignored"
        FAILED = "failed", "Failed"
        SETTLED = "settled", "Failed, then settled by reconciliation"

    stripe_id = models.CharField("event id", max_length=255, unique=True)
    type = models.CharField(max_length=100)
    object_id = models.CharField(max_length=255, blank=True)
    order = models.ForeignKey(
        Order,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="stripe_events",
        help_text="The order this event is about, when it is one of ours.",
    )
    livemode = models.BooleanField(default=False)
    status = models.CharField(max_length=16, choices=Status, default=Status.RECEIVED)
    error = models.TextField(blank=True)
    received_at = models.DateTimeField(auto_now_add=True)
    processed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-received_at"]
        verbose_name = "Stripe event"

    def __str__(self):
        return f"{self.type} {self.stripe_id}"

    @property
    def is_done(self) -> bool:
        return self.status in (self.Status.PROCESSED, self.Status.IGNORED, self.Status.SETTLED)
