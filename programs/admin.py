from django import forms
from django.contrib import admin
from django.db.models import Count
from django.urls import reverse
from django.utils.html import format_html

from lessons.models import Lesson

from . import notices, services
from .models import Enrollment, Notice, Program, Week


class WeekInline(admin.TabularInline):
    model = Week
    extra = 0
    fields = ["number", "title"]
    show_change_link = True


@admin.register(Program)
class ProgramAdmin(admin.ModelAdmin):
    list_display = ["title", "price_display", "unlock_interval_days", "unlock_hour", "is_published"]
    prepopulated_fields = {"slug": ["title"]}
    inlines = [WeekInline]
    readonly_fields = ["preview_link"]
    fieldsets = [
        (None, {"fields": ["title", "slug", "tagline", "is_published", "preview_link"]}),
        (
            "Sales page",
            {"fields": ["description", "audience", "instructor_name", "instructor_bio"]},
        ),
        ("Price", {"fields": ["price_amount", "currency"]}),
        ("Weekly unlocking", {"fields": ["unlock_interval_days", "unlock_hour"]}),
    ]

    @admin.display(description="Preview")
    def preview_link(self, obj):
        return format_html(
            '<a href="{}">Open the client dashboard and preview any day of the program</a>',
            reverse("programs:dashboard"),
        )


class LessonInline(admin.TabularInline):
    model = Lesson
    extra = 0
    fields = ["position", "title", "slug", "duration_minutes"]
    prepopulated_fields = {"slug": ["title"]}
    show_change_link = True
    ordering = ["position", "id"]


@admin.register(Week)
class WeekAdmin(admin.ModelAdmin):
    list_display = ["number", "title", "program", "class_count"]
    list_display_links = ["number", "title"]
    list_filter = ["program"]
    search_fields = ["title", "summary"]
    ordering = ["program", "number"]
    inlines = [LessonInline]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(class_count=Count("lessons"))

    @admin.display(description="Classes", ordering="class_count")
    def class_count(self, obj):
        return obj.class_count


class EnrollmentAdminForm(forms.ModelForm):
    class Meta:
        model = Enrollment
        fields = ["user", "program", "starts_on", "source", "unlocked_all"]

    def clean(self):
        cleaned = super().clean()
        user, program = cleaned.get("user"), cleaned.get("program")
        if self.instance.pk is None and user and program:
            existing = Enrollment.objects.current().filter(user=user, program=program).first()
            if existing is not None:
                raise forms.ValidationError(
                    f"{user} already has an enrolment in this program "
                    f"({existing.get_status_display().lower()}). Open it to change the start "
                    "date, or select it in the list to restore access or unlock every week."
                )
        return cleaned


@admin.register(Enrollment)
class EnrollmentAdmin(admin.ModelAdmin):
    list_display = [
        "user",
        "program",
        "starts_on",
        "status",
        "source",
        "unlocked_all",
        "created_at",
    ]
    list_filter = ["status", "source", "unlocked_all", "program"]
    search_fields = ["user__email", "user__first_name", "user__last_name"]
    date_hierarchy = "created_at"
    autocomplete_fields = ["user"]
    list_select_related = ["user", "program"]
    actions = ["unlock_all", "revoke", "restore"]
    fields = ["user", "program", "starts_on", "source", "status", "unlocked_all", "ended_at"]

    form = EnrollmentAdminForm

    def get_readonly_fields(self, request, obj=None):
        # Access is changed through the actions, which go through programs.services.
        if obj is None:
            return ["status", "ended_at"]
        return ["user", "program", "status", "unlocked_all", "ended_at"]

    def get_changeform_initial_data(self, request):
        return {"source": Enrollment.Source.COMP, "program": Program.current()}

    def save_model(self, request, obj, form, change):
        if change:
            super().save_model(request, obj, form, change)
            return
        enrollment, _ = services.enroll(
            obj.user, obj.program, source=obj.source, starts_on=obj.starts_on
        )
        if obj.unlocked_all:
            services.unlock_everything(enrollment)
        obj.pk = enrollment.pk

    @admin.action(description="Unlock every week for the selected clients")
    def unlock_all(self, request, queryset):
        for enrollment in queryset:
            services.unlock_everything(enrollment)
        self.message_user(request, f"Everything is open for {queryset.count()} client(s).")

    @admin.action(description="Revoke access")
    def revoke(self, request, queryset):
        for enrollment in queryset.current():
            services.end_access(enrollment, Enrollment.Status.REVOKED)
        self.message_user(request, "Access revoked.")

    @admin.action(description="Restore access")
    def restore(self, request, queryset):
        for enrollment in queryset.exclude(status=Enrollment.Status.ACTIVE):
            services.restore_access(enrollment)
        self.message_user(request, "Access restored where the client had no other enrolment.")


@admin.register(Notice)
class NoticeAdmin(admin.ModelAdmin):
    """Unlock emails, for finding out what a client was sent and retrying what failed."""

    list_display = ["enrollment", "kind", "week", "state", "attempts", "last_error", "sent_at"]
    list_filter = ["state", "kind"]
    search_fields = ["enrollment__user__email"]
    date_hierarchy = "created_at"
    list_select_related = ["enrollment__user", "enrollment__program"]
    actions = ["retry"]
    readonly_fields = [field.name for field in Notice._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    @admin.action(description="Retry sending the selected failed emails")
    def retry(self, request, queryset):
        count = notices.retry(queryset)
        self.message_user(request, f"{count} failed email(s) will be sent again.")
