from django.contrib import admin
from django.db.models import Count
from django.urls import reverse
from django.utils.html import format_html

from .models import Exercise, Lesson, Program, Week


def _thumbnail(exercise):
    if not exercise.thumbnail:
        return "—"
    return format_html(
        '<img src="{}" alt="{}" width="80" class="exercise-thumb">',
        exercise.thumbnail.url,
        exercise.image_alt,
    )


class ExerciseInline(admin.StackedInline):
    model = Exercise
    extra = 0
    fields = [
        ("position", "name"),
        ("image", "thumbnail_preview", "image_alt"),
        "cues",
        ("sets", "reps", "hold_seconds", "side"),
    ]
    readonly_fields = ["thumbnail_preview"]
    ordering = ["position", "id"]

    @admin.display(description="Current image")
    def thumbnail_preview(self, obj):
        return _thumbnail(obj)


@admin.register(Lesson)
class LessonAdmin(admin.ModelAdmin):
    list_display = ["title", "week", "position", "duration_minutes", "exercise_count", "updated_at"]
    list_filter = ["program", "week", ("week", admin.EmptyFieldListFilter)]
    list_select_related = ["week"]
    search_fields = ["title", "summary", "notes", "exercises__name"]
    prepopulated_fields = {"slug": ["title"]}
    ordering = ["week__number", "position"]
    inlines = [ExerciseInline]
    fieldsets = [
        (None, {"fields": ["program", "week", "title", "slug", "position", "summary"]}),
        ("Video", {"fields": ["video_url", "captions", "duration_minutes"]}),
        ("Notes", {"fields": ["notes"]}),
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(exercise_count=Count("exercises"))

    @admin.display(description="Exercises", ordering="exercise_count")
    def exercise_count(self, obj):
        return obj.exercise_count


@admin.register(Exercise)
class ExerciseAdmin(admin.ModelAdmin):
    list_display = ["name", "thumbnail_preview", "lesson", "position", "dose", "side"]
    list_filter = ["lesson__week", "lesson", "side"]
    list_select_related = ["lesson"]
    search_fields = ["name", "cues", "lesson__title"]
    ordering = ["lesson", "position"]

    @admin.display(description="Image")
    def thumbnail_preview(self, obj):
        return _thumbnail(obj)


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
