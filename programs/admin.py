import csv
import itertools

from django import forms
from django.contrib import admin
from django.http import HttpResponse
from django.utils.formats import date_format
from django.utils.timezone import localtime

from lessons.models import Program
from lib.spreadsheet import safe_cell

from . import roster, services
from .models import Completion, Enrollment, Notice, Pause, Question


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
                    f"{user} already has an enrollment in this program "
                    f"({existing.get_status_display().lower()}). Open it to change the start "
                    "date, or select it in the list to restore access or unlock every week."
                )
        return cleaned


class ProgressFilter(admin.SimpleListFilter):
    """Where clients are, in her words; decided by the same lines the list shows."""

    title = "progress"
    parameter_name = "progress"

    def lookups(self, request, model_admin):
        return [
            ("active", "Following the program"),
            ("finished", "Finished"),
            ("inactive", "Inactive for 7+ days"),
            ("ended", "Refunded or access ended"),
        ]

    def queryset(self, request, queryset):
        if self.value() == "ended":
            return queryset.exclude(status=Enrollment.Status.ACTIVE)
        if self.value() not in ("active", "finished", "inactive"):
            return queryset
        shapes = roster.Shapes()
        enrollments = queryset.with_access().select_related("user", "program")
        lines = [shapes.line(e) for e in roster.with_activity(enrollments)]
        wanted = {
            "active": lambda line: not line.is_finished,
            "finished": lambda line: line.is_finished,
            "inactive": lambda line: not line.is_finished and line.is_inactive,
        }[self.value()]
        return queryset.filter(pk__in=[line.enrollment.pk for line in lines if wanted(line)])


class PauseFormSet(forms.BaseInlineFormSet):
    def clean(self):
        super().clean()
        kept = sorted(
            (
                Pause(
                    starts_on=form.cleaned_data["starts_on"],
                    days=form.cleaned_data["days"],
                    ended_on=form.cleaned_data.get("ended_on"),
                )
                for form in self.forms
                if form.cleaned_data and not form.cleaned_data.get("DELETE")
            ),
            key=lambda pause: pause.starts_on,
        )
        for first, second in itertools.pairwise(kept):
            if second.starts_on < first.ends_on:
                raise forms.ValidationError(
                    f"Two pauses overlap: one runs until {first.ends_on:%B} {first.ends_on.day}, "
                    f"the next starts {second.starts_on:%B} {second.starts_on.day}. Change the "
                    "days, or end the first one earlier."
                )


class PauseInline(admin.TabularInline):
    """Pauses and repeated weeks: who, when and why. Add one to pause a client for any length;
    set "resumed early on" to bring them back. Kept as history, never deleted."""

    model = Pause
    formset = PauseFormSet
    extra = 0
    fields = ["kind", "starts_on", "days", "ended_on", "reason", "created_by", "created_at"]
    readonly_fields = ["created_by", "created_at"]
    can_delete = False
    verbose_name = "pause or repeated week"
    verbose_name_plural = "pauses and repeated weeks (weeks not yet open move later)"


@admin.register(Enrollment)
class EnrollmentAdmin(admin.ModelAdmin):
    list_filter = [ProgressFilter, "status", "source", "unlocked_all", "program"]
    search_fields = ["user__email", "user__first_name", "user__last_name"]
    date_hierarchy = "created_at"
    autocomplete_fields = ["user"]
    list_select_related = ["user", "program"]
    actions = ["export_csv", "unlock_all", "revoke", "restore"]
    inlines = [PauseInline]

    def save_formset(self, request, form, formset, change):
        pauses = formset.save(commit=False)
        for pause in pauses:
            if pause.pk is None:
                pause.created_by = request.user
            pause.save()
        formset.save_m2m()

    fields = ["user", "program", "starts_on", "source", "status", "unlocked_all", "ended_at"]

    form = EnrollmentAdminForm

    def get_queryset(self, request):
        return roster.with_activity(super().get_queryset(request))

    def get_list_display(self, request):
        """Each client's week, classes done of those open and last activity, read with one
        query for every program's shape per page, not one per client."""
        shapes = roster.Shapes()

        @admin.display(description="week")
        def week(enrollment):
            line = shapes.line(enrollment)
            if line.is_finished:
                return "Finished"
            return f"Week {line.week}" if line.week else "Not started"

        @admin.display(description="classes done", ordering="classes_done")
        def classes_done(enrollment):
            return f"{enrollment.classes_done} of {shapes.line(enrollment).open_classes} open"

        @admin.display(description="last active")
        def last_active(enrollment):
            last = shapes.line(enrollment).last_activity
            return date_format(localtime(last), "M j, Y") if last else "Not yet"

        return ["user", week, classes_done, last_active, "source", "status", "starts_on"]

    @admin.action(description="Export the selected clients as a spreadsheet (CSV)")
    def export_csv(self, request, queryset):
        shapes = roster.Shapes()
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = 'attachment; filename="clients.csv"'
        writer = csv.writer(response)
        writer.writerow(
            ["email", "first name", "how they joined", "access", "starts on", "week",
             "classes done", "classes open", "last active"]
        )  # fmt: skip
        for enrollment in queryset.select_related("user", "program"):
            line = shapes.line(enrollment)
            writer.writerow(
                safe_cell(cell)
                for cell in [
                    enrollment.user.email,
                    enrollment.user.first_name,
                    enrollment.get_source_display(),
                    enrollment.get_status_display(),
                    enrollment.starts_on.isoformat(),
                    "finished"
                    if line.is_finished
                    else f"week {line.week}"
                    if line.week
                    else "not started",
                    enrollment.classes_done,
                    line.open_classes,
                    date_format(localtime(line.last_activity), "Y-m-d H:i")
                    if line.last_activity
                    else "",
                ]
            )
        return response

    def has_delete_permission(self, request, obj=None):
        # An enrollment is what a client paid for and holds their history: "Revoke access"
        # ends it and keeps the record.
        return False

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
        self.message_user(request, "Access restored where the client had no other enrollment.")


@admin.register(Notice)
class NoticeAdmin(admin.ModelAdmin):
    """What each client was told about their weeks; the emails themselves are under Emails."""

    list_display = ["enrollment", "kind", "week", "email_state", "created_at"]
    list_filter = ["kind", "email__state"]
    search_fields = ["enrollment__user__email"]
    date_hierarchy = "created_at"
    list_select_related = ["enrollment__user", "enrollment__program", "email"]
    readonly_fields = [field.name for field in Notice._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        # A notice records how far the client has been told: without it the sweep would owe
        # them the same email again.
        return False

    @admin.display(description="email", ordering="email__state")
    def email_state(self, obj):
        return obj.email.get_state_display()


@admin.register(Completion)
class CompletionAdmin(admin.ModelAdmin):
    list_display = ["user", "lesson", "completed_at"]
    list_filter = ["lesson__week"]
    search_fields = ["user__email", "lesson__title"]
    list_select_related = ["user", "lesson"]
    readonly_fields = ["user", "lesson", "completed_at"]

    def has_add_permission(self, request):
        # Clients mark classes done themselves; "unlock all" opens weeks without faking records.
        return False


@admin.register(Question)
class QuestionAdmin(admin.ModelAdmin):
    """Clients' questions about classes. Each was emailed to you with the client as reply-to;
    tick "replied" once answered."""

    list_display = ["created_at", "user", "lesson_title", "short_message", "replied"]
    list_display_links = ["created_at", "short_message"]
    list_editable = ["replied"]
    list_filter = ["replied", "lesson__week"]
    search_fields = ["user__email", "user__first_name", "lesson_title", "message"]
    list_select_related = ["user"]
    date_hierarchy = "created_at"
    fields = ["user", "lesson", "lesson_title", "message", "created_at", "replied"]
    readonly_fields = ["user", "lesson", "lesson_title", "message", "created_at"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        # What a client wrote stays on record.
        return False

    @admin.display(description="question")
    def short_message(self, obj):
        return obj.message if len(obj.message) <= 80 else f"{obj.message[:79]}…"
