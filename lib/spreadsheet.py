"""Cells for CSV files people open in a spreadsheet."""

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value) -> str:
    """The value as text, never read as a formula: a client's name like "=HYPERLINK(...)" stays
    text (OWASP's CSV injection advice: prefix a quote)."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text
