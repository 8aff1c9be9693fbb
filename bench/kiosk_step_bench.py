"""Time the kiosk step alone (``p2f_kiosk.plugin.write_bundles``) of clean and cached builds.

    .venv/bin/python bench/kiosk_step_bench.py [--documents 5000] [--workdir /tmp/p2f-kiosk]
        [--seed 1] [--runs clean,first,edit] [--kiosk-workers N]

Generates the corpus once (``bench/gen_corpus.py``; kept in ``--workdir`` for the next run),
then builds it in fresh subprocesses with ``p2f_site.build.build_all`` as ``build_bench.py``
does, and prints, for each run, the kiosk step's wall and CPU seconds (CPU = the build process
and its children reaped meanwhile: the picture and bundle workers, and Pagefind if it ended
during the step; "own" = the build process alone), the files the bundles wrote and
linked from the current build, and the 1-minute load average (the machine is shared: read wall
times as upper bounds). Runs: ``clean`` (no cache), ``first`` (cache=True, fills the cache),
``edit`` (cache=True after one place's summary is edited, as ``build_bench.py`` edits it).
Figures only: no assertion about speed.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
BENCH = Path(__file__).resolve().parent
NOW = "2026-11-26T12:00:00+00:00"
MARK = "KIOSK_JSON "


def _cpu() -> float:
    import resource

    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return time.process_time() + children.ru_utime + children.ru_stime


class _Lines(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.INFO)
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        message = record.getMessage()
        if message.startswith("kiosk:"):
            self.lines.append(message)


def _child(mode: str, corpus_root: Path, workers: str) -> None:
    sys.path.insert(0, str(ROOT / "plugins"))
    import p2f_kiosk.plugin as kiosk
    from p2f_site.build import build_all

    spent: dict[str, float] = {}
    original = kiosk.write_bundles

    def timed(pelican: Any) -> None:
        started, cpu, own = time.perf_counter(), _cpu(), time.process_time()
        profiler = None
        if os.environ.get("KIOSK_BENCH_PROFILE"):
            import cProfile

            profiler = cProfile.Profile(time.process_time)
        try:
            if profiler is not None:
                profiler.runcall(original, pelican)
            else:
                original(pelican)
        finally:
            if profiler is not None:
                import pstats

                stats = pstats.Stats(profiler, stream=sys.stderr)
                stats.sort_stats("cumulative").print_stats(30)
            spent["wall_s"] = time.perf_counter() - started
            spent["cpu_s"] = _cpu() - cpu
            # the build's process alone: children reaped meanwhile may be Pagefind's, which
            # runs beside the kiosk step (p2f_web.search_job), not only the kiosk's workers
            spent["own_cpu_s"] = time.process_time() - own

    kiosk.write_bundles = timed  # type: ignore[assignment]
    lines = _Lines()
    logging.getLogger("p2f_kiosk").addHandler(lines)
    logging.getLogger("p2f_kiosk").setLevel(logging.INFO)
    cached = mode != "clean"
    overrides: dict[str, Any] = {"PATH": str(corpus_root / "content"),
                                 "P2F_ROOT": str(corpus_root), "P2F_NOW": NOW,
                                 "THEME": str(corpus_root / "theme")}  # fmt: skip
    if workers:
        overrides["P2F_KIOSK_WORKERS"] = int(workers)
    started = time.perf_counter()
    report = build_all(
        root=corpus_root,
        settings_file=ROOT / "pelicanconf.py",
        output=corpus_root / ("incremental" if cached else "out"),
        overrides=overrides,
        cache=cached,
    )
    result = {"build_s": time.perf_counter() - started, "unchanged": report.unchanged,
              "kiosk": spent, "log": lines.lines}  # fmt: skip
    print(MARK + json.dumps(result), flush=True)


def _measure(mode: str, corpus_root: Path, workers: str) -> dict[str, Any]:
    cmd = [sys.executable, str(Path(__file__).resolve()), "_child", mode, str(corpus_root),
           workers]  # fmt: skip
    done = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT, check=False)
    found = [line for line in done.stdout.splitlines() if line.startswith(MARK)]
    if done.returncode != 0 or not found:
        raise SystemExit(f"{mode} failed:\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}")
    result: dict[str, Any] = json.loads(found[-1][len(MARK) :])
    start = done.stderr.find("function calls")
    result["profile"] = done.stderr[max(0, start - 60) :][:6000] if start >= 0 else ""
    result["load"] = os.getloadavg()[0]
    return result


def _edit_one_summary(corpus_root: Path) -> str:
    for path in sorted((corpus_root / "content" / "lieux").glob("*.md")):
        text = path.read_text(encoding="utf-8")
        if path.name.count(".") == 1 and "\nsummary: '" in text:
            path.write_text(text.replace("\nsummary: '", "\nsummary: 'Nouveau. ", 1), "utf-8")
            return path.name
    raise SystemExit("no place with a quoted one-line summary")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--documents", type=int, default=5000)
    parser.add_argument("--workdir", type=Path, default=Path("/tmp/p2f-kiosk"))
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--runs", default="clean,first,edit")
    parser.add_argument("--kiosk-workers", default="", help="P2F_KIOSK_WORKERS for the builds")
    parser.add_argument("--profile", action="store_true", help="cProfile (CPU) of the step")
    args = parser.parse_args()
    if args.profile:
        os.environ["KIOSK_BENCH_PROFILE"] = "1"
    corpus_root = args.workdir / f"corpus-{args.documents}"
    if not (corpus_root / "content").is_dir():
        sys.path.insert(0, str(BENCH))
        import gen_corpus

        gen_corpus.generate(args.documents, corpus_root, args.seed)
    shutil.copytree(ROOT / "theme", corpus_root / "theme", dirs_exist_ok=True)
    print(f"{'run':<32} {'kiosk wall s':>12} {'kiosk cpu s':>11} {'own cpu s':>9} "
          f"{'build s':>8} {'load':>5}")  # fmt: skip
    for run in args.runs.split(","):
        label = run
        if run == "edit":
            label = f"edit ({_edit_one_summary(corpus_root)})"
        mode = "clean" if run == "clean" else "cached"
        result = _measure(mode, corpus_root, args.kiosk_workers)
        kiosk = result["kiosk"]
        print(f"{label[:32]:<32} {kiosk.get('wall_s', 0):>12.2f} {kiosk.get('cpu_s', 0):>11.2f} "
              f"{kiosk.get('own_cpu_s', 0):>9.2f} {result['build_s']:>8.2f} "
              f"{result['load']:>5.1f}")  # fmt: skip
        for line in result["log"]:
            print(f"    {line}")
        if args.profile:
            print(result.get("profile", ""))


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "_child":
        _child(sys.argv[2], Path(sys.argv[3]), sys.argv[4] if len(sys.argv) > 4 else "")
    else:
        main()
