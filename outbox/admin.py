from django.contrib import admin

from . import kinds, services
from .models import Email


@admin.register(Email)
class EmailAdmin(admin.ModelAdmin):
    """Every email the site sends: what went out, what is waiting, and what it gave up on."""

    list_display = ["kind_label", "to", "state", "attempts", "last_error", "created_at", "sent_at"]
    list_filter = ["state", "kind"]
    search_fields = ["to"]
    date_hierarchy = "created_at"
    actions = ["retry"]
    # The payload can hold a sign-in code: it is never shown.
    fields = [
        "kind_label", "to", "state", "attempts", "last_error",
        "created_at", "due_at", "expires_at", "sent_at",
    ]  # fmt: skip
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    @admin.display(description="email", ordering="kind")
    def kind_label(self, obj):
        return kinds.label(obj.kind)

    @admin.action(description="Try again to send the selected emails it gave up on")
    def retry(self, request, queryset):
        count = services.retry(queryset)
        self.message_user(request, f"{count} email(s) will be sent again.")
