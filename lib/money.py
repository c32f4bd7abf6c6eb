"""Money as people read it, from an amount in the currency's smallest unit (cents, pence)."""

from decimal import Decimal

from babel.numbers import format_currency, get_currency_precision

LOCALE = "en_US"


def format_money(amount: int, currency: str) -> str:
    """14900, "usd" → "$149"; 14950 → "$149.50"; 14900, "eur" → "€149". Whole amounts drop the
    zero cents, as prices are written on a page."""
    code = currency.upper()
    value = Decimal(amount).scaleb(-get_currency_precision(code))
    if value == value.to_integral_value():
        return format_currency(value, code, format="¤#,##0", locale=LOCALE, currency_digits=False)
    return format_currency(value, code, locale=LOCALE)
