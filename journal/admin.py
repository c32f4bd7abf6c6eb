from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html

from .models import Answer, Practice, ProgressCheck, Wording


class ReadOnly:
    """A client's own records: staff read them here, nobody edits or deletes them (the client
    can delete theirs from their settings)."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Practice)
class PracticeAdmin(ReadOnly, admin.ModelAdmin):
    list_display = ["practised_at", "user", "lesson", "pain", "effort"]
    list_filter = ["effort", "lesson__week"]
    search_fields = ["user__email", "user__first_name"]
    list_select_related = ["user", "lesson"]
    date_hierarchy = "practised_at"


class AnswerInline(ReadOnly, admin.TabularInline):
    model = Answer
    fields = ["measure", "item", "value"]
    readonly_fields = fields


@admin.register(ProgressCheck)
class ProgressCheckAdmin(ReadOnly, admin.ModelAdmin):
    list_display = ["taken_at", "user", "week", "chart"]
    list_filter = ["week"]
    search_fields = ["user__email", "user__first_name"]
    list_select_related = ["user"]
    inlines = [AnswerInline]

    @admin.display(description="progress")
    def chart(self, obj):
        enrollment = obj.user.enrollments.current().first()
        if enrollment is None:
            return "—"
        return format_html(
            '<a href="{}">See their progress</a>', reverse("journal:client", args=[enrollment.pk])
        )


@admin.register(Wording)
class WordingAdmin(admin.ModelAdmin):
    """What the journal pages say to clients in her words, e.g. the gentle safety message."""

    list_display = ["label", "text"]
    fields = ["label", "text"]
    readonly_fields = ["label"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
