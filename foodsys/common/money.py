"""Money is Decimal with a currency, never float."""

from decimal import ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")
MONEY_MAX_DIGITS = 12
MONEY_DECIMAL_PLACES = 2


def quantize_money(amount: Decimal) -> Decimal:
    """Round half-up to cents."""
    return Decimal(amount).quantize(CENT, rounding=ROUND_HALF_UP)


def to_cents(amount: Decimal) -> int:
    return int(quantize_money(amount) * 100)


def from_cents(cents: int) -> Decimal:
    return (Decimal(cents) / 100).quantize(CENT)
