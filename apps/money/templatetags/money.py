"""Money and hours on pages, in one place: "1,234.56" for pounds and pence, rounded half up
as ``costing.to_pence`` rounds (and as ``floatformat`` shows them in en-GB)."""

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from fractions import Fraction

from django import template

register = template.Library()


def _exact(value) -> Decimal | None:
    try:
        return Decimal(value)
    except (InvalidOperation, TypeError, ValueError):
        return None


@register.filter
def pounds(value, places=2):
    """1234.5 -> "1,234.50" (places=0: "1,235"); half up, as costing.to_pence rounds."""
    amount = _exact(value)
    if amount is None:
        return ""
    places = int(places)
    return f"{amount.quantize(Decimal(1).scaleb(-places), ROUND_HALF_UP):,.{places}f}"


@register.filter
def hours(value):
    """Staff hours to two places, whole numbers without them: 2.5 -> "2.50", 3 -> "3"."""
    amount = _exact(value)
    if amount is None:
        return ""
    if amount == amount.to_integral_value():
        return f"{amount:.0f}"
    return f"{amount.quantize(Decimal('0.01'), ROUND_HALF_UP):.2f}"


@register.filter
def weeks(value):
    """School weeks to one place, whole numbers without it: 38.2, 39."""
    amount = _exact(value if not isinstance(value, Fraction) else float(value))
    if amount is None:
        return ""
    return f"{amount.quantize(Decimal('0.1'), ROUND_HALF_UP):f}".removesuffix(".0")
