from django.contrib import admin
from django.db.models import Count
from django.utils.html import format_html

from .models import Completion, Exercise, Lesson


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


@admin.register(Completion)
class CompletionAdmin(admin.ModelAdmin):
    list_display = ["user", "lesson", "completed_at"]
    list_filter = ["lesson__week"]
    search_fields = ["user__email", "lesson__title"]
    list_select_related = ["user", "lesson"]
    readonly_fields = ["user", "lesson", "completed_at"]
