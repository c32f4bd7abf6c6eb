"""A4 or Letter: what the client chose, else what their language's region prints on."""

# Regions whose printers load Letter paper; everywhere else uses A4.
LETTER_REGIONS = {"US", "CA", "MX", "PH", "CL", "CO", "VE", "CR", "GT", "PA", "DO", "PR", "SV"}


def paper_size(request) -> str:
    chosen = request.GET.get("paper", "").lower()
    if chosen in ("a4", "letter"):
        return "A4" if chosen == "a4" else "Letter"
    return (
        "Letter" if _region(request.headers.get("Accept-Language", "")) in LETTER_REGIONS else "A4"
    )


def _region(accept_language: str) -> str:
    """ "en-US,en;q=0.9" → "US": the region of the first language that names one."""
    for part in accept_language.split(","):
        tag = part.split(";", 1)[0].strip()
        pieces = tag.replace("_", "-").split("-")
        if len(pieces) >= 2 and len(pieces[-1]) == 2:
            return pieces[-1].upper()
    return ""
