"""Charts as SVG files (matplotlib, no JavaScript): the dashboard and the PDFs embed them.

Each chart comes with the data it draws in a table next to it, so its ``alt`` text can stay
short. The SVGs are reproducible (fixed hash salt, no date), so an unchanged report writes the
same bytes.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import matplotlib

matplotlib.use("Agg")  # files only: no display, no GUI toolkit

import matplotlib.pyplot as plt

from p2f_office import fr
from p2f_office.reports import ProofOfPlay

_STYLE: dict[str, Any] = {
    "svg.hashsalt": "p2f-office",
    "font.size": 9,
    "font.family": "DejaVu Sans",
}
BLUE, ORANGE = "#1f5f99", "#b35900"  # 4.5:1 or more on white


def _save(figure: plt.Figure, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    figure.tight_layout()
    figure.savefig(path, format="svg", metadata={"Date": None})
    plt.close(figure)


def campaign_chart(proof: ProofOfPlay, path: Path) -> None:
    """Seconds delivered per day (bars) against the seconds booked (line)."""
    days: dict[str, list[float]] = {}
    for row in proof.days:
        label = fr.short_day(row.day)
        delivered, booked = days.setdefault(label, [0.0, 0.0])
        days[label] = [delivered + row.seconds, booked + proof.booked_share * row.measured_seconds]
    with plt.rc_context(_STYLE):  # type: ignore[arg-type]
        figure, axes = plt.subplots(figsize=(7, 2.6))
        labels = list(days)
        axes.bar(labels, [v[0] / 60 for v in days.values()], color=BLUE, label="diffusé")
        axes.plot(
            labels, [v[1] / 60 for v in days.values()], color=ORANGE, marker="o", label="réservé"
        )
        axes.set_ylabel("minutes à l'écran")
        axes.yaxis.set_major_formatter(lambda value, _: fr.num(value))
        axes.legend(frameon=False)
        axes.tick_params(axis="x", labelrotation=45 if len(labels) > 10 else 0)
        _save(figure, path)


def bar_chart(labels: Sequence[str], values: Sequence[float], ylabel: str, path: Path) -> None:
    with plt.rc_context(_STYLE):  # type: ignore[arg-type]
        figure, axes = plt.subplots(figsize=(7, 2.4))
        axes.bar(list(labels), list(values), color=BLUE)
        axes.set_ylabel(ylabel)
        axes.yaxis.set_major_formatter(lambda value, _: fr.num(value))
        _save(figure, path)
