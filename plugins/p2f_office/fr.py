"""Numbers, dates and moments as the director reads them: French (Babel, ``fr_FR``).

The dashboard, the partner PDFs and the charts are in French; the CSVs keep plain machine
values (ISO dates, decimal points) so a spreadsheet or an invoice system reads them as they
are. Pure: values in, text out.
"""

from __future__ import annotations

from datetime import date, datetime

from babel.dates import format_date, format_datetime, get_day_names, get_timezone
from babel.numbers import format_decimal

LOCALE = "fr_FR"
TIMEZONE = "Europe/Paris"
# Monday first, as ISO weekdays 1..7 ("lun.", "mar."...)
WEEKDAYS = tuple(get_day_names("abbreviated", locale=LOCALE)[n] for n in range(7))


def num(value: float | int | None, digits: int = 0) -> str:
    """``12 345`` or ``12,5`` (thin no-break space between thousands); ``–`` for nothing."""
    if value is None:
        return "–"
    pattern = "#,##0" + ("." + "0" * digits if digits else "")
    return format_decimal(round(value, digits), format=pattern, locale=LOCALE)


def pct(value: float) -> str:
    """A share as ``12,5 %`` (one decimal)."""
    return f"{num(value * 100, 1)}\u00a0%"


def day(value: date) -> str:
    """``14 juillet 2026``."""
    return format_date(value, "d MMMM y", locale=LOCALE)


def short_day(value: date) -> str:
    """``14/07`` (chart axes)."""
    return format_date(value, "dd/MM", locale=LOCALE)


def moment(value: datetime | None) -> str:
    """``14 juillet 2026 à 10:05`` in Paris time; ``jamais`` for none."""
    if value is None:
        return "jamais"
    paris = get_timezone(TIMEZONE)
    return format_datetime(value, "d MMMM y 'à' HH:mm", tzinfo=paris, locale=LOCALE)
