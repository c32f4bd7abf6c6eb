import stripe
from django.contrib import admin, messages
from django.urls import reverse
from django.utils.html import format_html

from lib.money import format_money

from . import services
from .models import Order, Payment, StripeEvent


class PaymentInline(admin.TabularInline):
    """A plan's monthly payments, as Stripe has them."""

    model = Payment
    extra = 0
    fields = ["created_at", "amount_display", "status", "attempt_count", "paid_at", "refunded"]
    readonly_fields = fields
    can_delete = False
    verbose_name = "plan payment"

    def has_add_permission(self, request, obj=None):
        return False

    @admin.display(description="Amount")
    def amount_display(self, payment):
        return payment.amount_display

    @admin.display(description="Refunded")
    def refunded(self, payment):
        return format_money(payment.amount_refunded, payment.currency)


@admin.register(Order)
class OrderAdmin(admin.ModelAdmin):
    """Orders are Stripe's record, mirrored: nothing here edits money. Refunds go through Stripe,
    and access follows when Stripe confirms them."""

    list_display = [
        "id",
        "user",
        "program",
        "status",
        "plan_status",
        "amount_display",
        "promotion_code",
        "refunded_display",
        "disputed_at",
        "created_at",
        "paid_at",
    ]
    list_filter = ["status", "plan_status", "program"]
    inlines = [PaymentInline]
    search_fields = ["user__email", "stripe_session_id", "stripe_payment_intent_id"]
    date_hierarchy = "created_at"
    list_select_related = ["user", "program"]
    actions = ["refund"]
    fieldsets = [
        (
            None,
            {
                "fields": [
                    "user", "program", "status", "description", "amount_display",
                    "refunded_display", "enrollment_link", "created_at", "paid_at", "disputed_at",
                    "terms_accepted_at",
                ]
            },
        ),
        ("Payment plan", {"fields": ["plan_status", "plan_payments", "grace_until"]}),
        ("Discount and tax", {"fields": ["promotion_code", "discount_display", "tax_display"]}),
        # Stripe's own references, for when she talks to Stripe: out of the way otherwise.
        (
            "Stripe details",
            {
                "classes": ["collapse"],
                "fields": [
                    "stripe_links", "stripe_customer_id", "stripe_subscription_id", "livemode",
                ],
            },
        ),
    ]  # fmt: skip
    readonly_fields = [field for _, options in fieldsets for field in options["fields"]]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description="Amount", ordering="amount_total")
    def amount_display(self, obj):
        return obj.amount_display

    @admin.display(description="Refunded", ordering="amount_refunded")
    def refunded_display(self, obj):
        return obj.refunded_display

    @admin.display(description="Discount")
    def discount_display(self, obj):
        return obj.discount_display

    @admin.display(description="Tax")
    def tax_display(self, obj):
        return format_money(obj.amount_tax, obj.currency)

    @admin.display(description="Enrollment")
    def enrollment_link(self, obj):
        if obj.enrollment_id is None:
            return "-"
        url = reverse("admin:programs_enrollment_change", args=[obj.enrollment_id])
        return format_html('<a href="{}">{}</a>', url, obj.enrollment.get_status_display())

    @admin.display(description="On Stripe")
    def stripe_links(self, obj):
        if not obj.stripe_dashboard_url:
            return obj.stripe_session_id or "-"
        return format_html(
            '<a href="{}" rel="noopener" target="_blank">Payment {} in the Stripe dashboard</a>',
            obj.stripe_dashboard_url,
            obj.stripe_payment_intent_id,
        )

    @admin.action(description="Refund in full on Stripe", permissions=["change"])
    def refund(self, request, queryset):
        asked = 0
        for order in queryset.filter(status=Order.Status.PAID):
            try:
                services.request_refund(order)
            except ValueError as exc:
                self.message_user(request, str(exc), messages.WARNING)
            except stripe.StripeError as exc:
                self.message_user(
                    request, f"Stripe refused to refund {order}: {exc}", messages.ERROR
                )
            else:
                asked += 1
        self.message_user(
            request,
            f"Refund requested for {asked} order(s). Access ends when Stripe confirms the refund.",
        )


@admin.register(StripeEvent)
class StripeEventAdmin(admin.ModelAdmin):
    list_display = ["stripe_id", "type", "status", "order_now", "received_at", "processed_at"]
    list_filter = ["status", "type"]
    list_select_related = ["order"]
    search_fields = ["stripe_id", "object_id"]
    readonly_fields = [
        "stripe_id",
        "type",
        "object_id",
        "livemode",
        "status",
        "order_now",
        "error",
        "received_at",
        "processed_at",
    ]

    @admin.display(description="Order now")
    def order_now(self, event):
        """What the order is today, whatever became of this one event."""
        if event.order is None:
            return "—"
        url = reverse("admin:billing_order_change", args=[event.order.pk])
        return format_html('<a href="{}">{}</a>', url, event.order)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
