"""Money as people read it, from an amount in the currency's smallest unit (cents, pence)."""

from decimal import Decimal

from babel.numbers import format_currency, get_currency_precision

LOCALE = "en_US"
# The currencies the instructor may sell in, as Stripe writes them (lower case).
CURRENCIES = [
    ("usd", "US dollar (USD)"),
    ("eur", "Euro (EUR)"),
    ("gbp", "Pound sterling (GBP)"),
    ("cad", "Canadian dollar (CAD)"),
    ("aud", "Australian dollar (AUD)"),
    ("nzd", "New Zealand dollar (NZD)"),
    ("chf", "Swiss franc (CHF)"),
]


def to_minor_units(amount: Decimal, currency: str) -> int:
    """Decimal("149"), "usd" → 14900: what Stripe charges."""
    return int(amount.scaleb(get_currency_precision(currency.upper())).to_integral_value())


def from_minor_units(amount: int, currency: str) -> Decimal:
    return Decimal(amount).scaleb(-get_currency_precision(currency.upper()))


def format_money(amount: int, currency: str) -> str:
    """14900, "usd" → "$149"; 14950 → "$149.50"; 14900, "eur" → "€149". Whole amounts drop the
    zero cents, as prices are written on a page."""
    code = currency.upper()
    value = from_minor_units(amount, code)
    if value == value.to_integral_value():
        return format_currency(value, code, format="¤#,##0", locale=LOCALE, currency_digits=False)
    return format_currency(value, code, locale=LOCALE)
