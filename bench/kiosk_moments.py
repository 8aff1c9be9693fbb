"""Share of useful slides at a screen over an evening: the right information at the right moment.

    .venv/bin/python bench/kiosk_moments.py [--root DIR] [--site gare] [--day 2026-12-08]
                                            [--hours 21:00-23:00] [--build DIR]

Builds the sample content of ``--root`` (default: this repository; give a ``git worktree`` of
an older commit to measure *before*) with that checkout's own code, runs that checkout's
scheduler slide after slide over the hours, and judges every second played against what is true
then, with *this* checkout's content and opening-hours-py (French public holidays), the same
judge for every version:

- **useful**: a place open at that moment (its ``opening_hours`` and ``season``), an event that
  has not ended and starts within 48 hours, an offer inside its validity;
- **alerts**: alert slides (useful too, but counted apart: one notice should not fill a screen);
- **not useful**: a closed or out-of-season place, an event over or days away, an offer not
  valid, the default card.

Figures only, no assertion. The build takes a minute or two per checkout.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import opening_hours

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "player"), str(ROOT / "plugins")]

from p2f_model import schema  # noqa: E402
from p2f_model.corpus import Corpus  # noqa: E402
from p2f_model.load import load_corpus  # noqa: E402
from p2f_player.contract.rules import PARIS  # noqa: E402

# Runs inside the measured checkout (its PYTHONPATH): build, then play slide after slide.
PLAY = """
import json, sys
from datetime import datetime, timedelta, UTC
from pathlib import Path
root, out, site, start, end, now, modules = sys.argv[1:8]
from p2f_site.build import build_all
overrides = {"P2F_NOW": now, "P2F_NODE_MODULES": modules}  # a worktree has no node_modules
build_all(Path(root), Path(root) / "pelicanconf.py", Path(out), overrides=overrides)
import p2f_player
from p2f_player.scheduler import Plan, Play, select_slide
doc = json.loads((Path(out) / "kiosk" / site / "manifest.json").read_text())
plan = Plan.from_manifest(doc)
moment, stop = datetime.fromisoformat(start).astimezone(UTC), datetime.fromisoformat(end)
recent, plays = [], []
while moment < stop:
    d = select_slide(plan, recent[-500:], moment)
    until = min(d.until, stop)
    seconds = (until - moment).total_seconds()
    recent.append(Play(d.slide_id, d.slide.sponsor if d.slide else None, moment, seconds))
    plays.append([d.slide_id, moment.isoformat(), seconds])
    moment = until
print(json.dumps({"player": p2f_player.__file__, "plays": plays}))
"""


def play(root: Path, site: str, start: datetime, end: datetime, build: Path) -> dict[str, Any]:
    env = {**os.environ, "PYTHONPATH": f"{root / 'player'}{os.pathsep}{root / 'plugins'}"}
    now = start.replace(hour=12, minute=0).isoformat()  # the day's build, as published at noon
    args = [str(root), str(build), site, start.isoformat(), end.isoformat(), now]
    args.append(str(ROOT / "node_modules"))
    done = subprocess.run(
        [sys.executable, "-c", PLAY, *args], cwd=root, env=env, capture_output=True, text=True
    )
    if done.returncode != 0:
        raise SystemExit(f"build or play failed in {root}:\n{done.stderr[-3000:]}")
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def open_at(expression: str | None, moment: datetime) -> bool:
    if not expression:
        return True
    local = moment.astimezone(PARIS).replace(tzinfo=None)
    state = opening_hours.OpeningHours(expression, country="FR").state(local)[0]
    return bool(state == opening_hours.State.OPEN)


def judge(corpus: Corpus, slide_id: str, moment: datetime) -> str:
    item = corpus.items.get(slide_id)
    if item is None:
        return "not useful" if slide_id == "default" else "unknown"
    data = item.data
    if isinstance(data, schema.Alert):
        return "alerts"
    if isinstance(data, schema.Place):
        useful = open_at(data.opening_hours, moment) and open_at(data.season, moment)
        return "useful" if useful else "not useful"
    if isinstance(data, schema.Event):
        soon = data.ends > moment and data.starts <= moment + timedelta(hours=48)
        return "useful" if soon else "not useful"
    if isinstance(data, schema.Offer):
        return "useful" if data.valid_from <= moment < data.valid_until else "not useful"
    return "unknown"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--root", type=Path, default=ROOT, help="checkout to measure")
    parser.add_argument("--site", default="gare")
    parser.add_argument("--day", default="2026-12-08", help="a weekday in the roadworks period")
    parser.add_argument("--hours", default="21:00-23:00")
    parser.add_argument("--build", type=Path, help="build folder (default: a temporary one)")
    args = parser.parse_args()
    first, last = args.hours.split("-")
    start = datetime.fromisoformat(f"{args.day}T{first}").replace(tzinfo=PARIS)
    end = datetime.fromisoformat(f"{args.day}T{last}").replace(tzinfo=PARIS)
    with tempfile.TemporaryDirectory() as scratch:
        result = play(args.root.resolve(), args.site, start, end, args.build or Path(scratch))
    corpus = load_corpus(ROOT / "content")  # the judge: this checkout's content
    seconds: dict[str, float] = {}
    by_kind: dict[str, dict[str, float]] = {}
    for slide_id, at, duration in result["plays"]:
        verdict = judge(corpus, slide_id, datetime.fromisoformat(at))
        seconds[verdict] = seconds.get(verdict, 0.0) + duration
        kind = corpus.items[slide_id].kind if slide_id in corpus.items else slide_id
        row = by_kind.setdefault(kind, {})
        row[verdict] = row.get(verdict, 0.0) + duration
    total = sum(seconds.values()) or 1.0
    print(f"{args.site} {args.day} {args.hours}, code from {result['player']}")
    for verdict in ("useful", "alerts", "not useful", "unknown"):
        if verdict in seconds:
            print(f"  {verdict:12s} {seconds[verdict] / total:6.1%}  ({seconds[verdict]:.0f} s)")
    for kind, row in sorted(by_kind.items()):
        parts = ", ".join(f"{v} {s / total:.1%}" for v, s in sorted(row.items()))
        print(f"    {kind:8s} {parts}")


if __name__ == "__main__":
    main()
