"""The one place the Stripe client is built, so every call honours the same settings."""

import stripe
from django.conf import settings


def is_configured() -> bool:
    """Without a secret key there is no Checkout; the site says so instead of failing."""
    return bool(settings.STRIPE_SECRET_KEY)


def client() -> stripe.StripeClient:
    """A client for the configured account.

    `STRIPE_API_BASE` points the official library at a Stripe-compatible server (the test
    suite's); empty means Stripe itself. Retries are safe: the library sends an idempotency
    key with every POST.
    """
    base = {"api": settings.STRIPE_API_BASE} if settings.STRIPE_API_BASE else None
    return stripe.StripeClient(
        settings.STRIPE_SECRET_KEY, base_addresses=base, max_network_retries=2
    )


def id_of(reference) -> str:
    """The id of a Stripe reference, expanded into an object or not ("" for none)."""
    if reference is None:
        return ""
    return reference if isinstance(reference, str) else reference.id
