"""What an error report may say about a request: the method and the route, nothing a person
sent or could be recognised by (their note, their address, a token in a link)."""

import re

# Secrets that travel in paths: calendar feed tokens, unsubscribe and password-reset links.
TOKEN_IN_PATH = re.compile(r"/(calendar|unsubscribe(?:/reminders)?|password/reset/key)/[^/?#]+")


def without_personal_data(event, hint):
    request = event.get("request")
    if request:
        url = request.get("url", "")
        event["request"] = {
            "method": request.get("method"),
            "url": TOKEN_IN_PATH.sub(r"/\1/[removed]", url.split("?", 1)[0]),
        }
    event.pop("user", None)
    return event


def without_sql(crumb, hint):
    """Queries are left out of the trail before an error: their values may be a client's."""
    return None if crumb.get("category") == "query" else crumb
