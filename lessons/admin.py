from collections import Counter
from decimal import Decimal

from adminsortable2.admin import SortableAdminBase, SortableStackedInline, SortableTabularInline
from django import forms
from django.contrib import admin
from django.contrib.admin.utils import model_ngettext
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Max
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.html import format_html
from django.utils.text import capfirst

from lib.money import from_minor_units, to_minor_units

from . import history
from .forms import ExerciseForm
from .models import Exercise, Lesson, Program, Status, Week


def _thumbnail(exercise):
    if not exercise.thumbnail:
        return "—"
    return format_html(
        '<img src="{}" alt="{}" width="80" class="exercise-thumb">',
        exercise.thumbnail.url,
        exercise.image_alt,
    )


class KeepsClientHistory:
    """Admin for content clients may have a history with (weeks, classes).

    Content that has opened for a client, or that a client marked done, cannot be deleted: it is
    archived instead (hidden from clients, kept with their progress, restorable). The form says
    why; the list offers archive, restore and draft actions in place of "delete selected".
    """

    # Only content no client has had gets this far (see has_delete_permission).
    delete_confirmation_template = "admin/lessons/content_delete_confirmation.html"

    def get_changeform_initial_data(self, request):
        # New content starts hidden from clients; the site runs one program.
        program = Program.current(for_members=True)
        return {
            "status": Status.DRAFT,
            **({"program": program.pk} if program else {}),
            **super().get_changeform_initial_data(request),
        }

    @admin.display(description="Clients")
    def client_history(self, obj):
        reasons = history.client_history(obj) if obj and obj.pk else []
        if not reasons:
            return "No client has opened it yet: you may delete it."
        return (
            f"{'; '.join(reasons).capitalize()}. It cannot be deleted: set its status to "
            "Archived to hide it from clients and keep their progress."
        )

    def has_delete_permission(self, request, obj=None):
        if obj is not None and history.client_history(obj):
            return False
        return super().has_delete_permission(request, obj)

    def get_actions(self, request):
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions

    def _set_status(self, request, queryset, status, done):
        contents = list(queryset)
        for content in contents:
            content.status = status
            # Saved one by one: the PDFs follow what clients may see (see pdf_signals).
            content.save(update_fields=["status"])
        count = len(contents)
        self.message_user(request, f"{count} {model_ngettext(self.opts, count)} {done}.")

    @admin.action(description="Archive: hide from clients, keep their progress")
    def archive(self, request, queryset):
        self._set_status(request, queryset, Status.ARCHIVED, "archived")

    @admin.action(description="Publish: show to clients")
    def publish(self, request, queryset):
        self._set_status(request, queryset, Status.PUBLISHED, "published")

    @admin.action(description="Make draft: only you can see it")
    def make_draft(self, request, queryset):
        self._set_status(request, queryset, Status.DRAFT, "moved to drafts")


class AddedAtTheEnd:
    """A class or exercise added on its own page, or moved to another week or class, goes after
    the others there: the order is set by dragging on the week's or the class's page, never
    typed."""

    siblings_share: tuple[str, ...] = ()

    def save_model(self, request, obj, form, change):
        if not change or any(field in form.changed_data for field in self.siblings_share):
            siblings = self.model.objects.filter(
                **{field: getattr(obj, field) for field in self.siblings_share}
            )
            obj.position = (siblings.aggregate(last=Max("position"))["last"] or 0) + 1
        super().save_model(request, obj, form, change)


class ExerciseInline(SortableStackedInline):
    model = Exercise
    form = ExerciseForm
    extra = 0
    fields = [
        "name",
        ("image", "thumbnail_preview", "image_alt"),
        "kept_photo",
        "cues",
        ("sets", "reps", "hold_seconds", "side"),
    ]
    readonly_fields = ["thumbnail_preview"]
    ordering = ["position", "id"]

    @admin.display(description="Current image")
    def thumbnail_preview(self, obj):
        return _thumbnail(obj)


@admin.register(Lesson)
class LessonAdmin(AddedAtTheEnd, KeepsClientHistory, SortableAdminBase, admin.ModelAdmin):
    siblings_share = ("program", "week")
    list_display = [
        "title", "week", "status", "duration_minutes", "exercise_count", "updated_at",
    ]  # fmt: skip
    list_filter = ["status", "program", "week", ("week", admin.EmptyFieldListFilter)]
    list_select_related = ["week"]
    search_fields = ["title", "summary", "notes", "exercises__name"]
    ordering = ["week__number", "position"]
    inlines = [ExerciseInline]
    readonly_fields = ["client_history", "video_preview"]
    actions = ["publish", "make_draft", "archive"]
    fieldsets = [
        (
            None,
            {"fields": ["program", "week", "title", "status", "summary"]},
        ),
        ("Video", {"fields": ["video_url", "video_preview", "captions", "duration_minutes"]}),
        ("Notes", {"fields": ["notes"]}),
        ("Clients", {"fields": ["client_history"]}),
    ]

    class Media:
        js = ["js/video.js"]  # the click-to-load player, as on the class page

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(exercise_count=Count("exercises"))

    @admin.display(description="As clients see it")
    def video_preview(self, obj):
        if obj is None or obj.video is None:
            return "No video yet: paste a link above and save to see it here."
        return render_to_string("includes/video.html", {"lesson": obj})

    @admin.display(description="Exercises", ordering="exercise_count")
    def exercise_count(self, obj):
        return obj.exercise_count


@admin.register(Exercise)
class ExerciseAdmin(AddedAtTheEnd, admin.ModelAdmin):
    siblings_share = ("lesson",)
    form = ExerciseForm
    list_display = ["name", "thumbnail_preview", "lesson", "dose", "side"]
    list_filter = ["lesson__week", "lesson", "side"]
    list_select_related = ["lesson"]
    search_fields = ["name", "cues", "lesson__title"]
    ordering = ["lesson", "position"]

    @admin.display(description="Image")
    def thumbnail_preview(self, obj):
        return _thumbnail(obj)


class LabelledTabularInline(admin.TabularInline):
    """A tabular inline whose fields carry their column's name, so a screen reader names them
    (the table header alone is not a label)."""

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        field = super().formfield_for_dbfield(db_field, request, **kwargs)
        if field is not None:
            field.widget.attrs.setdefault("aria-label", capfirst(db_field.verbose_name))
        return field


class StartsAsDraft:
    """A week or class added in a list starts as a draft: clients see it once she publishes."""

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        formset.form.base_fields["status"].initial = Status.DRAFT
        return formset


class WeekFormSet(forms.BaseInlineFormSet):
    """The program's weeks, numbered in one list: two weeks may trade numbers in one save."""

    def clean(self):
        numbers = Counter(form.cleaned_data.get("number") for form in self.forms)
        shared = sorted(number for number, rows in numbers.items() if number and rows > 1)
        if shared:
            raise ValidationError(
                f"Two weeks cannot both be week {shared[0]}. Give each week its own number."
            )
        super().clean()

    def save(self, commit=True):
        with transaction.atomic():
            if commit:
                self._move_renumbered_weeks_aside()
            return super().save(commit)

    def _move_renumbered_weeks_aside(self):
        """Weeks that change number first step past the last week, so that no save meets a
        number another week is about to give up."""
        renumbered = [
            form.instance.pk for form in self.initial_forms if "number" in form.changed_data
        ]
        if not renumbered:
            return
        last = self.instance.weeks.aggregate(last=Max("number"))["last"]
        for step, pk in enumerate(renumbered, start=1):
            Week.objects.filter(pk=pk).update(number=last + step)


class WeekInline(StartsAsDraft, LabelledTabularInline):
    model = Week
    formset = WeekFormSet
    extra = 0
    fields = ["number", "title", "status"]
    show_change_link = True
    # Deleting goes through the week's own page, which says what goes or archives instead.
    can_delete = False


class LessonInline(StartsAsDraft, SortableTabularInline, LabelledTabularInline):
    """The week's classes in the order clients follow them: drag a row to move it."""

    model = Lesson
    extra = 0
    fields = ["title", "status", "duration_minutes"]
    show_change_link = True
    ordering = ["position", "id"]
    can_delete = False


class BonusClassInline(LessonInline):
    """Bonus classes belong to the program, not to a week: open to every client from day one."""

    verbose_name = "bonus class"
    verbose_name_plural = "bonus classes (open from day one)"

    def get_queryset(self, request):
        return super().get_queryset(request).filter(week__isnull=True)


class ProgramAdminForm(forms.ModelForm):
    """The price in money ("149" or "149.00"), never in cents: stored as Stripe charges it."""

    price = forms.DecimalField(
        min_value=Decimal("0.50"),
        max_digits=8,
        decimal_places=2,
        help_text="What a client pays for the whole program, for example 149 or 149.00.",
    )

    plan_payment = forms.DecimalField(
        label="each monthly payment",
        required=False,
        min_value=Decimal("0.50"),
        max_digits=8,
        decimal_places=2,
        help_text="What a client on the plan pays each month, for example 55.",
    )

    class Meta:
        model = Program
        fields = [
            "title", "tagline", "is_published", "description", "audience",
            "instructor_name", "instructor_bio", "currency", "plan_payments",
            "unlock_interval_days", "unlock_hour",
        ]  # fmt: skip

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.initial["price"] = from_minor_units(
                self.instance.price_amount, self.instance.currency
            )
            if self.instance.plan_payment_amount:
                self.initial["plan_payment"] = from_minor_units(
                    self.instance.plan_payment_amount, self.instance.currency
                )

    def clean(self):
        cleaned = super().clean()
        payments, amount = cleaned.get("plan_payments"), cleaned.get("plan_payment")
        if payments == 1:
            self.add_error("plan_payments", "A plan is 2 payments or more; 0 offers no plan.")
        elif payments and not amount:
            self.add_error("plan_payment", "Say what each monthly payment is.")
        elif amount and not payments:
            self.add_error(
                "plan_payments", "Say how many monthly payments, or clear the monthly amount."
            )
        return cleaned

    def save(self, commit=True):
        program = super().save(commit=False)
        program.price_amount = to_minor_units(self.cleaned_data["price"], program.currency)
        plan_payment = self.cleaned_data.get("plan_payment")
        program.plan_payment_amount = (
            to_minor_units(plan_payment, program.currency)
            if program.plan_payments and plan_payment
            else 0
        )
        if commit:
            program.save()
        return program


@admin.register(Program)
class ProgramAdmin(SortableAdminBase, admin.ModelAdmin):
    form = ProgramAdminForm
    list_display = ["title", "price", "unlock_interval_days", "unlock_hour", "is_published"]
    inlines = [WeekInline, BonusClassInline]
    readonly_fields = ["preview_link"]
    fieldsets = [
        (None, {"fields": ["title", "tagline", "is_published", "preview_link"]}),
        (
            "Sales page",
            {"fields": ["description", "audience", "instructor_name", "instructor_bio"]},
        ),
        ("Price", {"fields": ["price", "currency", "plan_payments", "plan_payment"]}),
        ("Weekly unlocking", {"fields": ["unlock_interval_days", "unlock_hour"]}),
    ]

    @admin.display(description="Price")
    def price(self, obj):
        return obj.price_display

    def has_delete_permission(self, request, obj=None):
        # The program holds every client's enrollment and order: it is taken off sale, never
        # deleted.
        return False

    @admin.display(description="Preview")
    def preview_link(self, obj):
        return format_html(
            '<a href="{}">Open the client dashboard and preview any day of the program</a>',
            reverse("programs:dashboard"),
        )


@admin.register(Week)
class WeekAdmin(KeepsClientHistory, SortableAdminBase, admin.ModelAdmin):
    list_display = ["number", "title", "status", "program", "class_count"]
    list_display_links = ["number", "title"]
    list_filter = ["status", "program"]
    search_fields = ["title", "summary"]
    ordering = ["program", "number"]
    inlines = [LessonInline]
    fields = ["program", "number", "title", "status", "summary", "client_history"]
    readonly_fields = ["client_history"]
    actions = ["publish", "make_draft", "archive"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(class_count=Count("lessons"))

    @admin.display(description="Classes", ordering="class_count")
    def class_count(self, obj):
        return obj.class_count
