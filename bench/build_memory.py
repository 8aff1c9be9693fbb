"""Where the build's memory goes: peak RSS per phase, and what holds it (tracemalloc).

    .venv/bin/python bench/build_memory.py CORPUS_ROOT [--tracemalloc] [--top 25] [--frames 6]

``CORPUS_ROOT`` is a corpus made by ``bench/gen_corpus.py`` (``build_bench.py --keep`` leaves
them in its work folder as ``corpus-<size>``). One clean build (``build_all``, no cache) runs
in this process into ``CORPUS_ROOT/memory-out``. A thread samples the resident set size
(``/proc/self/statm``) every 50 ms and notes it against the phase running (phases are marked
by wrapping the plugin entry points, as ``build_bench.py`` times them; no project code is
changed). With ``--tracemalloc``, Python's allocations are traced (slower: read the RSS
figures of a run without it) and snapshots are taken at the end of the website pages (after
the lists generator), as the kiosk step starts, at the end of its last site, and after the
machine-facing outputs; each is printed as the top allocation sites grouped by file and line,
and, for the largest ones, by their ``--frames`` innermost frames (who called the allocator).
Figures only: nothing is asserted.
"""

from __future__ import annotations

import argparse
import linecache
import os
import sys
import threading
import time
import tracemalloc
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
NOW = "2026-11-26T12:00:00+00:00"  # the build moment build_bench.py uses
PAGE = os.sysconf("SC_PAGE_SIZE")


class Sampler(threading.Thread):
    """Peak RSS per phase, sampled from ``/proc/self/statm``."""

    def __init__(self) -> None:
        super().__init__(daemon=True)
        self.phase = "start"
        self.peaks: dict[str, float] = {}
        self.child_peaks: dict[str, float] = {}  # the largest child process (Pagefind, workers)
        # the process and its children together, each shared page counted once (PSS)
        self.tree_peaks: dict[str, float] = {}
        self.count = 0
        self.order: list[str] = []
        self.running = True

    def mark(self, phase: str) -> None:
        self.sample()
        self.phase = phase
        if phase not in self.peaks:
            self.order.append(phase)
        self.sample()

    def sample(self) -> None:
        rss = _rss("self")
        self.peaks[self.phase] = max(self.peaks.get(self.phase, 0.0), rss)
        pids = _children()
        children = [_rss(pid) for pid in pids]
        if children:
            largest = max(children)
            self.child_peaks[self.phase] = max(self.child_peaks.get(self.phase, 0.0), largest)
        self.count += 1
        if self.count % 10 == 0:  # smaps_rollup walks the page tables: every 0.5 s
            total = sum(_pss(pid) for pid in ["self", *pids])
            self.tree_peaks[self.phase] = max(self.tree_peaks.get(self.phase, 0.0), total)

    def run(self) -> None:
        while self.running:
            self.sample()
            time.sleep(0.05)


def _rss(pid: str) -> float:
    try:
        with open(f"/proc/{pid}/statm", encoding="ascii") as statm:
            return int(statm.read().split()[1]) * PAGE / 1e6
    except (OSError, IndexError):
        return 0.0  # the child ended between the listing and the read


def _pss(pid: str) -> float:
    try:
        with open(f"/proc/{pid}/smaps_rollup", encoding="ascii") as rollup:
            for line in rollup:
                if line.startswith("Pss:"):
                    return int(line.split()[1]) * 1024 / 1e6
    except OSError:
        pass
    return 0.0


def _children() -> list[str]:
    found: list[str] = []
    for task in Path("/proc/self/task").iterdir():
        try:
            found += (task / "children").read_text(encoding="ascii").split()
        except OSError:
            continue
    return found


def _mb(value: float | None) -> str:
    return f"{'-':>8}" if value is None else f"{value:>8.0f}"


def show(snapshot: tracemalloc.Snapshot, title: str, top: int, frames: int) -> None:
    snapshot = snapshot.filter_traces(
        [tracemalloc.Filter(False, tracemalloc.__file__), tracemalloc.Filter(False, __file__)]
    )
    total = sum(stat.size for stat in snapshot.statistics("filename"))
    print(f"\n== {title}: {total / 1e6:.1f} MB traced", flush=True)
    print("  by file:")
    for stat in snapshot.statistics("filename")[:12]:
        print(f"    {stat.size / 1e6:8.1f} MB {stat.count:>9} blocks  {_short(stat.traceback[0])}")
    print("  by line:")
    for stat in snapshot.statistics("lineno")[:top]:
        frame = stat.traceback[0]
        code = linecache.getline(frame.filename, frame.lineno).strip()[:70]
        print(f"    {stat.size / 1e6:8.1f} MB {stat.count:>9} blocks  {_short(frame)}  {code}")
    if frames > 1:
        print(f"  by the {frames} innermost frames (top 8):")
        for stat in snapshot.statistics("traceback")[:8]:
            print(f"    {stat.size / 1e6:8.1f} MB {stat.count:>9} blocks")
            for frame in stat.traceback[:frames]:
                print(f"        {_short(frame)}")


def _short(frame: tracemalloc.Frame) -> str:
    name = frame.filename
    for marker in ("/site-packages/", "/plugins/", "/lib/python3"):
        if marker in name:
            name = name.split(marker, 1)[1]
            break
    return f"{name}:{frame.lineno}"


def instrument(sampler: Sampler, snap: Any) -> None:
    import pelican.generators as gens

    import p2f_kiosk.bundle as bundle
    import p2f_kiosk.plugin as kiosk
    import p2f_site.lists as lists
    import p2f_site.plugin as site
    import p2f_web.plugin as web

    def wrap(owner: Any, name: str, phase: str, before: str = "", after: str = "") -> None:
        original = getattr(owner, name)

        def marked(*args: Any, **kwargs: Any) -> Any:
            sampler.mark(phase)
            if before:
                snap(before)
            result = original(*args, **kwargs)
            if after:
                snap(after)
            return result

        setattr(owner, name, marked)

    wrap(site, "load_content", "load_content (check + index)")
    wrap(gens.PagesGenerator, "generate_context", "Pelican pages: read")
    wrap(gens.PagesGenerator, "generate_output", "Pelican pages: write")
    wrap(lists.ListsGenerator, "generate_output", "p2f_site lists + fallbacks",
         after="end of the website pages")  # fmt: skip
    wrap(gens.StaticGenerator, "generate_output", "Pelican static")
    wrap(kiosk, "write_bundles", "kiosk bundles", before="kiosk step starts",
         after="kiosk step ends")  # fmt: skip
    wrap(bundle, "write_directory", "kiosk bundles", after="kiosk: after a touch directory")
    wrap(web, "write_outputs", "p2f_web outputs + Pagefind", after="after p2f_web outputs")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("corpus", type=Path)
    parser.add_argument("--tracemalloc", action="store_true")
    parser.add_argument("--top", type=int, default=25)
    parser.add_argument("--frames", type=int, default=6)
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT / "plugins"))
    from p2f_site.build import build_all

    sampler = Sampler()
    snapshots: dict[str, tracemalloc.Snapshot] = {}

    def snap(title: str) -> None:
        if args.tracemalloc:  # the last of repeated points (one directory per site) is kept
            snapshots[title] = tracemalloc.take_snapshot()

    instrument(sampler, snap)
    if args.tracemalloc:
        tracemalloc.start(args.frames)
    sampler.start()
    corpus = args.corpus.resolve()
    started = time.perf_counter()
    build_all(
        root=corpus,
        settings_file=ROOT / "pelicanconf.py",
        output=corpus / "memory-out",
        overrides={"PATH": str(corpus / "content"), "P2F_ROOT": str(corpus), "P2F_NOW": NOW},
    )
    sampler.running = False
    sampler.mark("done")
    seconds = time.perf_counter() - started
    import resource

    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    traced = "on" if args.tracemalloc else "off"
    print(f"build of {corpus.name}: {seconds:.1f} s, peak RSS {peak:.0f} MB in the build "
          f"process, {children:.0f} MB in its largest child (Pagefind, picture workers), "
          f"load {os.getloadavg()[0]:.1f}, tracemalloc {traced}")  # fmt: skip
    print("peak per phase, MB: RSS of the build process, RSS of its largest child, and the")
    print("process with its children (PSS: a page shared after fork counted once), sampled")
    print(f"  {'':<40} {'build':>8} {'child':>8} {'all PSS':>8}")
    for phase in sampler.order:
        child = sampler.child_peaks.get(phase)
        tree = sampler.tree_peaks.get(phase)
        print(f"  {phase:<40} {sampler.peaks[phase]:>8.0f} {_mb(child)} {_mb(tree)}")
    for title, snapshot in snapshots.items():
        show(snapshot, title, args.top, args.frames)
    return 0


if __name__ == "__main__":
    sys.exit(main())
