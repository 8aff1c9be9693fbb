"""Time the check and the build on synthetic corpora of 1,000 and 5,000 documents.

    .venv/bin/python bench/build_bench.py [--sizes 1000,5000] [--seed 1] [--keep] [--profile]

For each size: generate a corpus (bench/gen_corpus.py) into a temporary folder, then, each in
a fresh subprocess (so imports, caches and memory start cold, as with ``invoke build``):

- **check**: ``load_corpus(content)`` alone — what ``invoke check`` does;
- **build**: ``p2f_site.build.build_all`` with ``PATH``/``P2F_ROOT`` pointing at the corpus —
  a clean build (no cache): check + Pelican + kiosk bundles + swap-in;
- **incremental** (unless ``--no-incremental``): ``build_all(cache=True)`` as ``invoke build``
  and ``invoke livereload`` run it — a first build filling the cache, a rebuild with no change,
  after one place's summary is edited, after one website template (offer.html) is edited;
  wall time, CPU, peak RSS, pages rendered and reused, load average, phases.

Wall time and peak RSS are measured by this process around the subprocess (``os.wait4``).
The build subprocess also reports where the time went (inclusive timers wrapped around the
plugin entry points; only in the subprocess, no project code is changed). Figures only: no
assertion about speed. ``--profile`` adds a cProfile run per size and prints the top
functions.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
BENCH = Path(__file__).resolve().parent
PYTHON = ROOT / ".venv" / "bin" / "python"
NOW = "2026-11-26T12:00:00+00:00"  # fixed build moment: reproducible kiosk bundles
WORKERS_ENV = "P2F_BENCH_KIOSK_WORKERS"  # --kiosk-workers, passed to the build subprocesses
MARK = "BENCH_JSON "
KIOSK = "p2f_kiosk bundles (all sites)"
DIRECTORY = "  write_directory (touch directory pages)"
PICTURES = "  images.fit (Pillow resize)"
# Figures before issue 14's build work, printed next to each run's own (same sizes only).
# 5,000: as the issue reports them (quiet machine). 1,000: measured at commit dc7b6cc on
# 2026-11-30 with this script, the machine shared with other builds (wall time inflated:
# compare cpu s first).
PREVIOUS: dict[int, dict[str, float]] = {
    5000: {"wall_s": 99.0, "maxrss_mb": 589.0, KIOSK: 47.5, DIRECTORY: 33.0},
    1000: {
        "wall_s": 129.4, "cpu_s": 72.1, "maxrss_mb": 124.0, KIOSK: 98.1, DIRECTORY: 51.1,
        PICTURES: 68.4,
    },
}  # fmt: skip
# The same script at commit bf8989f (before the kiosk work of issue 14: pages rendered per
# site, pictures resized in the build process), 2026-11-30 16:27-17:30 UTC, machine loaded
# (1-min load 13-24 on 2 cores: wall inflated, compare cpu s), next to each run's own.
PREVIOUS_LOADED: dict[int, dict[str, float]] = {
    1000: {"wall_s": 166.1, "cpu_s": 37.4, "maxrss_mb": 180.0},
    5000: {"wall_s": 839.0, "cpu_s": 125.5, "maxrss_mb": 846.0},
}
# The same script at commit cf98dd9 (the end of the third session), 2026-11-30 22:14 UTC,
# machine quiet (load 1.2-1.5): the clean build, and the incremental runs by label prefix.
PREVIOUS_CF98DD9: dict[int, dict[str, float]] = {
    5000: {"wall_s": 58.9, "cpu_s": 69.8, "maxrss_mb": 226.0, KIOSK: 32.3, DIRECTORY: 20.4},
}
PREVIOUS_INCREMENTAL: dict[int, dict[str, tuple[float, float]]] = {  # label: (wall s, cpu s)
    5000: {
        "first build": (69.8, 82.0), "no change": (0.75, 0.74),
        "one summary edited": (23.5, 24.5), "one template edited": (25.6, 26.2),
    },
}  # fmt: skip
# Commit 20b4f15 (the end of the fifth session), 2026-12-01 04:11 UTC, this script, machine
# quiet (load 1.2-1.6), one run of each.
PREVIOUS_20B4F15: dict[int, dict[str, tuple[float, float]]] = {
    5000: {
        "clean build": (44.21, 55.48), "first build": (50.67, 62.11), "no change": (0.63, 0.62),
        "one summary edited": (9.56, 10.17), "edited again": (7.38, 7.95),
        "one template edited": (7.75, 7.99),
    },
}  # fmt: skip
# Commit 31131b5 (the end of the sixth session), 2026-12-01, this script, machine
# quiet (load 1.4-1.7), one run of each.
PREVIOUS_31131B5: dict[int, dict[str, tuple[float, float]]] = {
    5000: {
        "clean build": (36.7, 53.2), "first build": (43.2, 60.5), "no change": (0.52, 0.52),
        "one summary edited": (8.26, 9.14), "edited again": (6.30, 6.78),
        "one template edited": (6.34, 6.46),
    },
}  # fmt: skip


# ---------------------------------------------------------------------------------------
# Subprocess side


def _cpu() -> float:
    """CPU seconds of this process and of its finished children (Pagefind): on a loaded
    machine, a phase's CPU time says more than its wall time."""
    import resource

    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return time.process_time() + children.ru_utime + children.ru_stime


class _Timers:
    """Inclusive wall time, CPU time and call count per wrapped function."""

    def __init__(self) -> None:
        self.seconds: dict[str, float] = {}
        self.cpu: dict[str, float] = {}
        self.calls: dict[str, int] = {}
        self.order: list[str] = []

    def wrap(self, owner: Any, name: str, label: str) -> None:
        original = getattr(owner, name, None)
        if original is None:
            return  # the code moved on; time what still exists
        timers = self
        self.order.append(label)

        def timed(*args: Any, **kwargs: Any) -> Any:
            started, cpu = time.perf_counter(), _cpu()
            try:
                return original(*args, **kwargs)
            finally:
                timers.seconds[label] = (
                    timers.seconds.get(label, 0.0) + time.perf_counter() - started
                )
                timers.cpu[label] = timers.cpu.get(label, 0.0) + _cpu() - cpu
                timers.calls[label] = timers.calls.get(label, 0) + 1

        setattr(owner, name, timed)


def _instrument(timers: _Timers) -> None:
    import markdown.core
    import pelican.generators as gens
    import pelican.writers as writers

    import p2f_kiosk.bundle as bundle
    import p2f_kiosk.plugin as kiosk
    import p2f_site.lists as lists
    import p2f_site.plugin as site
    import p2f_site.reader as reader

    # Order = the order phases run in; labels nest (a reader call runs inside PagesGenerator).
    timers.wrap(site, "load_content", "plugin load_content (check + index)")
    timers.wrap(site, "load_corpus", "  load_corpus")
    timers.wrap(gens.PagesGenerator, "generate_context", "Pelican pages: read (generate_context)")
    timers.wrap(reader.ContentModelReader, "read", "  ContentModelReader.read (Markdown+nh3)")
    timers.wrap(gens.StaticGenerator, "generate_context", "Pelican static: generate_context")
    timers.wrap(gens.PagesGenerator, "generate_output", "Pelican pages: write (generate_output)")
    timers.wrap(gens.StaticGenerator, "generate_output", "Pelican static: copy (generate_output)")
    timers.wrap(lists.ListsGenerator, "generate_output", "p2f_site lists + fallbacks")
    timers.wrap(lists.ListsGenerator, "_write_fallbacks", "  fallback pages")
    timers.wrap(writers.Writer, "write_file", "  Writer.write_file (Jinja + disk), all")
    timers.wrap(kiosk, "write_bundles", KIOSK)
    timers.wrap(kiosk, "_take_pictures", "  pictures: waited for the background process")
    timers.wrap(bundle, "plan_site", "  plan_site")
    timers.wrap(bundle, "_write_slide", "  _write_slide (Jinja + Markdown + disk)")
    timers.wrap(bundle, "write_directory", DIRECTORY)
    # the kiosk's own bookkeeping: what the build before left, the manifests, the key records
    timers.wrap(kiosk, "_previous_bundles", "  current build's bundles: records read")
    timers.wrap(kiosk, "recycled_bundles", "  spare bundles: records read")
    timers.wrap(bundle, "build_manifest", "  build_manifest (12 sites)")
    timers.wrap(bundle, "keys_record", "  keys_record (12 sites)")
    timers.wrap(kiosk, "save_keys", "  save_keys")
    try:
        import p2f_web.plugin as web

        timers.wrap(web, "write_outputs", "p2f_web outputs (search index, feeds, data)")
        timers.wrap(web, "start_search_index", "  Pagefind: started (runs in the background)")
        timers.wrap(web, "finish_search_index", "  Pagefind: waited for (end of the build)")
        timers.wrap(web, "write_web_outputs", "  feeds, iCalendar, data files, landings")
    except ImportError:
        pass
    try:
        import p2f_kiosk.images as images

        timers.wrap(images, "fit", PICTURES)
    except ImportError:
        pass
    try:
        import p2f_site.build as build

        timers.wrap(build, "_count_pages", "build_all: count pages")
        timers.wrap(build, "_kiosk_figures", "build_all: kiosk figures")
        timers.wrap(build, "_swap_in", "build_all: swap in")
    except ImportError:
        pass
    timers.wrap(markdown.core.Markdown, "convert", "(all phases) Markdown.convert")


def _search_index_lines() -> list[str]:
    """The build's "search index: ..." log lines (shards made and reused, Pagefind's CPU, time
    in the background and waited): Pagefind runs beside the kiosk step, so no phase holds it;
    and the kiosk's "files written, linked" line (what the bundles made again)."""
    import logging

    lines: list[str] = []

    class Keep(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            message = record.getMessage()
            if "search index" in message or "files written" in message:
                lines.append(message)

    for name in ("p2f_web.plugin", "p2f_kiosk.plugin"):
        logger = logging.getLogger(name)
        logger.addHandler(Keep(logging.INFO))
        logger.setLevel(logging.INFO)
    return lines


def _run(mode: str, corpus_root: Path, profile: Path | None) -> None:
    import resource

    sys.path.insert(0, str(ROOT / "plugins"))
    result: dict[str, Any] = {}
    started = time.perf_counter()
    if mode == "check":
        from p2f_model.load import load_corpus

        t0 = time.perf_counter()
        corpus = load_corpus(corpus_root / "content")
        result["load_corpus_s"] = time.perf_counter() - t0
        result["problems"] = len(corpus.problems)
        result["items"] = len(corpus.items)
        result["first_problems"] = [str(p) for p in sorted(corpus.problems)[:10]]
    else:
        from p2f_site.build import build_all

        timers = _Timers()
        if profile is None:
            _instrument(timers)
        searched = _search_index_lines()
        cached = mode == "cached"  # the incremental build, on its own output and theme copy
        overrides = {"PATH": str(corpus_root / "content"), "P2F_ROOT": str(corpus_root),
                     "P2F_NOW": NOW}  # fmt: skip
        if cached:
            overrides["THEME"] = str(corpus_root / "theme")
        if os.environ.get(WORKERS_ENV):  # --kiosk-workers
            overrides["P2F_KIOSK_WORKERS"] = int(os.environ[WORKERS_ENV])
        call = lambda: build_all(  # noqa: E731
            root=corpus_root,
            settings_file=ROOT / "pelicanconf.py",
            output=corpus_root / ("incremental" if cached else "out"),
            overrides=overrides,
            measure_memory=False,
            cache=cached,
        )
        try:
            if profile is not None:
                import cProfile

                profiler = cProfile.Profile()
                report = profiler.runcall(call)
                profiler.dump_stats(str(profile))
            else:
                report = call()
        except Exception as error:  # BuildError and anything else: report, do not hide
            result["error"] = f"{type(error).__name__}: {error}"[:4000]
        else:
            result["build_s"] = report.seconds
            result["rendered"] = getattr(report, "rendered", None)
            result["reused"] = getattr(report, "reused", None)
            result["unchanged"] = getattr(report, "unchanged", False)
            result["pages"] = report.pages
            result["pages_by_lang"] = report.pages_by_lang
            result["kiosk_slides"] = sum(k["slides"] for k in report.kiosks.values())
            result["kiosk_files"] = sum(k["files"] for k in report.kiosks.values())
            result["kiosk_bytes"] = sum(k["bytes"] for k in report.kiosks.values())
            result["phases"] = [
                (label, timers.seconds[label], timers.calls[label])
                for label in timers.order
                if label in timers.seconds
            ]
            result["phases_cpu"] = timers.cpu
            result["search_index"] = searched  # Pagefind's own figures (p2f_web's log line)
    result["in_process_s"] = time.perf_counter() - started
    result["self_maxrss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(MARK + json.dumps(result), flush=True)


# ---------------------------------------------------------------------------------------
# Parent side


def _python() -> str:
    return str(PYTHON) if PYTHON.exists() else sys.executable


def measure(mode: str, corpus_root: Path, profile: Path | None = None) -> dict[str, Any]:
    """Run one subprocess; return its JSON plus wall time and peak RSS seen from outside."""
    cmd = [_python(), str(Path(__file__).resolve()), "_run", mode, str(corpus_root)]
    if profile is not None:
        cmd += ["--profile-out", str(profile)]
    started = time.perf_counter()
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        proc = subprocess.Popen(cmd, stdout=out, stderr=err, cwd=ROOT)
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - started
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        stdout, stderr = out.read().decode(errors="replace"), err.read().decode(errors="replace")
    lines = [line for line in stdout.splitlines() if line.startswith(MARK)]
    if proc.returncode != 0 or not lines:
        raise SystemExit(
            f"{mode} subprocess failed (exit {proc.returncode}):\n"
            f"{stdout[-3000:]}\n{stderr[-3000:]}"
        )
    result = json.loads(lines[-1][len(MARK) :])
    result["wall_s"] = wall
    result["maxrss_mb"] = usage.ru_maxrss / 1024  # KiB on Linux
    result["load"] = os.getloadavg()[0]  # the machine is shared: read times as upper bounds
    result["cpu_s"] = usage.ru_utime + usage.ru_stime  # less sensitive to other load than wall
    result["log_warnings"] = sum(1 for line in (stdout + stderr).splitlines() if "WARNING" in line)
    return result


def bench_incremental(corpus_root: Path) -> list[tuple[str, dict[str, Any]]]:
    """The incremental build (``build_all(cache=True)``, as ``invoke build``/``livereload``
    run it): a first build that fills the cache, then a rebuild with no change, after one
    item's summary is edited, and after one website template is edited."""
    shutil.copytree(ROOT / "theme", corpus_root / "theme", dirs_exist_ok=True)
    runs = [("first build (empty cache)", measure("cached", corpus_root))]
    runs.append(("no change", measure("cached", corpus_root)))
    item = _item_with_summary(corpus_root / "content" / "lieux")
    text = item.read_text(encoding="utf-8")
    item.write_text(text.replace("\nsummary: '", "\nsummary: 'Nouveau. ", 1), encoding="utf-8")
    runs.append((f"one summary edited ({item.name})", measure("cached", corpus_root)))
    # A reporter saves again a few seconds later: by then the detached remover has emptied
    # the replaced build's website folders (build/.spare-site), and that build's kiosk
    # bundles are kept (build/.spare-kiosk): the next build recycles both (p2f_site.spare).
    waited = _wait_for_spare(corpus_root / "incremental")
    text = item.read_text(encoding="utf-8")
    item.write_text(text.replace("summary: 'Nouveau. ", "summary: 'Nouveau, encore. ", 1), "utf-8")
    again = measure("cached", corpus_root)
    again["spare_wait_s"] = waited
    runs.append((f"edited again, {waited:.1f} s later (spares recycled)", again))
    template = corpus_root / "theme" / "templates" / "offer.html"
    template.write_text(template.read_text(encoding="utf-8") + "{# edited #}\n", "utf-8")
    runs.append(("one template edited (offer.html)", measure("cached", corpus_root)))
    for label, run in runs:
        if "error" in run:
            raise SystemExit(f"incremental build ({label}) failed:\n{run['error']}")
    return runs


def _wait_for_spare(output: Path, timeout: float = 60.0) -> float:
    """Seconds until the replaced build's website folders are ready to be recycled."""
    started = time.perf_counter()
    while not (output / ".spare-site").is_dir() and time.perf_counter() - started < timeout:
        time.sleep(0.2)
    return time.perf_counter() - started


def _item_with_summary(folder: Path) -> Path:
    for path in sorted(folder.glob("*.md")):
        if path.name.count(".") == 1 and "\nsummary: '" in path.read_text(encoding="utf-8"):
            return path
    raise SystemExit(f"no item with a quoted one-line summary in {folder}")


def bench_size(
    documents: int, seed: int, workdir: Path, profile: bool, incremental: bool = True
) -> dict[str, Any]:
    sys.path.insert(0, str(BENCH))
    import gen_corpus

    corpus_root = workdir / f"corpus-{documents}"
    started = time.perf_counter()
    counts = gen_corpus.generate(documents, corpus_root, seed)
    gen_s = time.perf_counter() - started
    check = measure("check", corpus_root)
    if check["problems"]:
        raise SystemExit(
            f"generated corpus has {check['problems']} problem(s):\n"
            + "\n".join(check["first_problems"])
        )
    build = measure("build", corpus_root)
    if "error" in build:
        raise SystemExit(f"build of {documents} documents failed:\n{build['error']}")
    row: dict[str, Any] = {
        "documents": documents,
        "items": check["items"],
        "counts": counts,
        "gen_s": gen_s,
        "check": check,
        "build": build,
    }
    if incremental:
        row["incremental"] = bench_incremental(corpus_root)
    if profile:
        prof = workdir / f"build-{documents}.prof"
        measure("build", corpus_root, profile=prof)
        row["profile"] = str(prof)
    return row


def print_table(rows: list[dict[str, Any]]) -> None:
    print()
    print(
        f"{'docs':>6} {'items':>6} | {'check s':>8} {'RSS MB':>7} | "
        f"{'build s':>8} {'wall s':>7} {'cpu s':>7} "
        f"{'RSS MB':>7} | {'site pages':>10} {'pages/s':>8} {'docs/s':>7} | {'slides':>7} "
        f"{'kiosk MB':>8}"
    )
    print("-" * 126)
    for row in rows:
        c, b = row["check"], row["build"]
        print(
            f"{row['documents']:>6} {row['items']:>6} | {c['load_corpus_s']:>8.2f} "
            f"{c['maxrss_mb']:>7.0f} | {b['build_s']:>8.2f} {b['wall_s']:>7.2f} {b['cpu_s']:>7.2f} "
            f"{b['maxrss_mb']:>7.0f} | {b['pages']:>10} {b['pages'] / b['build_s']:>8.0f} "
            f"{row['documents'] / b['build_s']:>7.0f} | {b['kiosk_slides']:>7} "
            f"{b['kiosk_bytes'] / 1e6:>8.1f}"
        )
    print()
    for row in rows:
        b = row["build"]
        print(
            f"phases, {row['documents']} documents (inclusive wall and CPU seconds, "
            f"load {b.get('load', 0):.1f}; indented = inside the phase above):"
        )
        cpu = b.get("phases_cpu", {})
        for label, seconds, calls in b["phases"]:
            used = f"{cpu[label]:>7.2f} s cpu" if label in cpu else ""
            print(f"  {label:<48} {seconds:>7.2f} s  {used}  {calls:>7} call(s)")
        print()
    if len(rows) >= 2:
        small, large = rows[0], rows[-1]
        print("linearity (time per document, largest vs smallest size; 1.00 = linear):")
        for name, key in (
            ("check", ("check", "load_corpus_s")),
            ("build", ("build", "build_s")),
            ("build cpu", ("build", "cpu_s")),
        ):
            per_small = small[key[0]][key[1]] / small["documents"] * 1000
            per_large = large[key[0]][key[1]] / large["documents"] * 1000
            print(
                f"  {name}: {per_small:.2f} ms/doc at {small['documents']}, "
                f"{per_large:.2f} ms/doc at {large['documents']} "
                f"-> ratio {per_large / per_small:.2f}"
            )
        small_phases = {label: s for label, s, _ in small["build"]["phases"]}
        print(f"  per phase (x{large['documents'] / small['documents']:.0f} documents):")
        for label, seconds, _ in large["build"]["phases"]:
            base = small_phases.get(label)
            if base and base > 0.005:
                ratio = (seconds / large["documents"]) / (base / small["documents"])
                print(f"    {label.strip():<46} ratio {ratio:.2f}")
    print_previous(rows)
    print_incremental(rows)
    for row in rows:
        if "profile" in row:
            _print_profile(Path(row["profile"]), row["documents"])


def print_previous(rows: list[dict[str, Any]]) -> None:
    """Before issue 14 and now, side by side, for the sizes with earlier figures."""
    _print_before(rows, PREVIOUS, "before issue 14")
    _print_before(rows, PREVIOUS_LOADED, "at bf8989f (before the kiosk work, loaded machine)")
    _print_before(rows, PREVIOUS_CF98DD9, "at cf98dd9 (end of the third session, quiet)")


def _print_before(rows: list[dict[str, Any]], figures: dict[int, dict[str, float]],
                  title: str) -> None:  # fmt: skip
    for row in rows:
        before = figures.get(row["documents"])
        if before is None:
            continue
        build = row["build"]
        phases = {label: seconds for label, seconds, _ in build["phases"]}
        now = {"wall_s": build["wall_s"], "cpu_s": build["cpu_s"],
               "maxrss_mb": build["maxrss_mb"], **phases}  # fmt: skip
        print(f"\n{title} and now, {row['documents']} documents (load {build['load']:.1f}):")
        print(f"  {'':<44} {'before':>9} {'now':>9} {'now/before':>10}")
        for key, value in before.items():
            if key in now:
                name = {"wall_s": "build wall s", "cpu_s": "build cpu s",
                        "maxrss_mb": "peak RSS MB"}.get(key, key.strip() + " s")  # fmt: skip
                print(f"  {name:<44} {value:>9.1f} {now[key]:>9.1f} {now[key] / value:>10.2f}")


def print_incremental(rows: list[dict[str, Any]]) -> None:
    """The incremental builds next to the clean build of the same corpus."""
    for row in rows:
        if "incremental" not in row:
            continue
        clean = row["build"]
        print(f"\nincremental build, {row['documents']} documents (load = 1-min load average):")
        print(
            f"  {'':<44} {'wall s':>8} {'cpu s':>7} {'RSS MB':>7} {'rendered':>9} "
            f"{'reused':>7} {'load':>5} | {'cf98dd9 wall':>12} {'cpu':>6} "
            f"| {'20b4f15 wall':>12} {'cpu':>6} | {'31131b5 wall':>12} {'cpu':>6}"
        )
        runs = [("clean build (no cache)", clean), *row["incremental"]]
        latest = (PREVIOUS_20B4F15, PREVIOUS_31131B5)
        earlier = PREVIOUS_INCREMENTAL.get(row["documents"], {})
        clean_before = PREVIOUS_CF98DD9.get(row["documents"])
        if clean_before is not None:
            earlier = {"clean build": (clean_before["wall_s"], clean_before["cpu_s"]), **earlier}
        for label, run in runs:
            rendered = "-" if run.get("rendered") is None else str(run["rendered"])
            reused = "-" if run.get("reused") is None else str(run["reused"])
            if run.get("unchanged"):
                rendered, reused = "0", "all"
            then = " | ".join(
                _then(figures, label)
                for figures in (earlier, *(f.get(row["documents"], {}) for f in latest))
            )
            print(
                f"  {label:<44} {run['wall_s']:>8.2f} {run['cpu_s']:>7.2f} "
                f"{run['maxrss_mb']:>7.0f} {rendered:>9} {reused:>7} {run['load']:>5.1f} | {then}"
            )
            for line in run.get("search_index", []):
                print(f"    {line}")
        for label, run in row["incremental"][2:]:
            print(f"  phases, {label}:")
            for phase, seconds, calls in run.get("phases", []):
                if seconds >= 0.05:
                    print(f"    {phase:<48} {seconds:>7.2f} s  {calls:>7} call(s)")


def _then(figures: dict[str, tuple[float, float]], label: str) -> str:
    """The earlier (wall s, cpu s) whose label begins ``label``, as two columns."""
    before = next((v for k, v in figures.items() if label.startswith(k)), None)
    return f"{before[0]:>12.2f} {before[1]:>6.2f}" if before else f"{'-':>12} {'-':>6}"


def _print_profile(path: Path, documents: int) -> None:
    import pstats

    print(f"\ncProfile, build of {documents} documents (top 25 by cumulative time): {path}")
    pstats.Stats(str(path)).sort_stats("cumulative").print_stats(25)
    print(f"\ncProfile, build of {documents} documents (top 20 by own time): {path}")
    pstats.Stats(str(path)).sort_stats("tottime").print_stats(20)


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv and argv[0] == "_run":
        profile = None
        if "--profile-out" in argv:
            profile = Path(argv[argv.index("--profile-out") + 1])
        _run(argv[1], Path(argv[2]), profile)
        return 0
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--sizes", default="1000,5000", help="documents per corpus, comma-separated"
    )
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--kiosk-workers", type=int, help="P2F_KIOSK_WORKERS of the builds (default: the setting's)"
    )
    parser.add_argument("--workdir", type=Path, help="where corpora go (default: a temp dir)")
    parser.add_argument("--keep", action="store_true", help="keep the corpora and outputs")
    parser.add_argument("--profile", action="store_true", help="also run each build under cProfile")
    parser.add_argument("--json", type=Path, help="also write the raw figures to this file")
    parser.add_argument(
        "--no-incremental", action="store_true", help="skip the incremental build runs"
    )
    args = parser.parse_args(argv)
    if args.kiosk_workers is not None:
        os.environ[WORKERS_ENV] = str(args.kiosk_workers)
    sizes = [int(s) for s in args.sizes.split(",") if s.strip()]
    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="p2f-bench-"))
    workdir.mkdir(parents=True, exist_ok=True)
    print(f"build_bench: sizes {sizes}, seed {args.seed}, {os.cpu_count()} CPU(s), in {workdir}")
    rows = []
    try:
        for size in sizes:
            print(f"  {size} documents: generating, checking, building...", flush=True)
            rows.append(bench_size(size, args.seed, workdir, args.profile, not args.no_incremental))
        print_table(rows)
        if args.json:
            args.json.write_text(json.dumps(rows, indent=1))
    finally:
        if not args.keep and args.workdir is None:
            shutil.rmtree(workdir, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
