"""Practices are client records too: content a client practised is archived, never deleted."""

from lessons.models import Lesson, Week

from .models import Practice


def content_history(content) -> list[str]:
    if isinstance(content, Week):
        practices = Practice.objects.filter(lesson__week=content)
    elif isinstance(content, Lesson):
        practices = Practice.objects.filter(lesson=content)
    else:
        return []
    count = practices.count()
    if not count:
        return []
    return [f"clients logged {count} practice{'s' if count != 1 else ''} of it"]
