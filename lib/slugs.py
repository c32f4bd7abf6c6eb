"""Web addresses made from titles, so nobody has to type one."""

from django.utils.text import slugify


def unique_slug(queryset, title: str, max_length: int = 50) -> str:
    """slugify(title), with -2, -3 … added when another row of `queryset` has it."""
    base = (slugify(title) or "item")[: max_length - 4].strip("-")
    taken = set(queryset.filter(slug__startswith=base).values_list("slug", flat=True))
    slug, n = base, 2
    while slug in taken:
        slug, n = f"{base}-{n}", n + 1
    return slug
