"""Figures written the French way (« 24,7 % », « 1 234 000 € », « 137,11 € »), rounded half up.

Rounding: amounts to the cent, rates to the tenth of a percent, half up (0,05 → 0,1), on exact decimals.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from babel.numbers import format_decimal

from plugins.data import french


def _decimal(value: float) -> Decimal:
    return Decimal(repr(value))


def rate(part: float | None, whole: float | None) -> Decimal | None:
    """part / whole as a percentage rounded to the tenth, or None when a figure is missing or whole is 0."""
    if part is None or whole is None or whole == 0:
        return None
    return (_decimal(part) * 100 / _decimal(whole)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def per(amount: float | None, count: float | None) -> Decimal | None:
    """amount / count rounded to the cent, or None."""
    if amount is None or count is None or count == 0:
        return None
    return (_decimal(amount) / _decimal(count)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def euros(value: float | Decimal | None) -> str:
    """« 1 234 000 € », « 137,11 € » (cents only when there are some), « non renseigné »."""
    if value is None:
        return "non renseigné"
    amount = Decimal(str(value)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    pattern = "#,##0" if amount == amount.to_integral_value() else "#,##0.00"
    return f"{format_decimal(amount, format=pattern, locale=french.locale())} €"


def percent(value: Decimal | None) -> str:
    """« 24,7 % », « non calculable »."""
    if value is None:
        return "non calculable"
    return f"{format_decimal(value, format='#,##0.0', locale=french.locale())} %"


def count(value: int | None) -> str:
    return "non renseigné" if value is None else format_decimal(value, format="#,##0", locale=french.locale())


def index(value: Decimal | None) -> str:
    """An index to the hundredth (« 0,86 » for a Gini index), « non calculable »."""
    if value is None:
        return "non calculable"
    return format_decimal(value, format="0.00", locale=french.locale())
