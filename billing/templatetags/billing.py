from django import template

from billing import stripe_api
from lib.money import format_money

register = template.Library()


@register.simple_tag
def payments_ready() -> bool:
    """Lets the sales page say plainly that payments are not set up, instead of a dead button."""
    return stripe_api.is_configured()


@register.filter
def money(amount, currency) -> str:
    return format_money(amount or 0, currency)
