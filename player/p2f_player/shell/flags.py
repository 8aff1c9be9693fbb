"""The web engine's start-up flags: named profiles, merged into ``QTWEBENGINE_CHROMIUM_FLAGS``.

Qt WebEngine reads its Chromium flags from that variable once, when the engine starts (before
the first window), splitting it on spaces. ``chromium_flags`` adds a profile's flags to what the
environment already has: a flag set there by hand wins over the profile's (same name), so a
technician can still try a flag without a new release.

Profiles (``bench/kiosk_bench.py --engine NAME``; figures in docs/player.md, "Memory"):

- ``qt``: Qt's own process model (the player's process with Chromium's browser side and GPU
  thread, a zygote, a renderer forked from it) plus ``--expose-gc`` (the page collects every 2 s,
  ``window.py``): what the player ran until issue 14.
- ``lean`` (default): the whole engine in the player's process (``--single-process``: Qt's and
  Chromium's libraries mapped once, not in two processes), no GPU and no OpenGL at all (Qt's
  scene graph in software, no Mesa/llvmpipe driver loaded: kiosk boards and Xvfb have no GPU
  worth it), Chromium's low-end-device mode (small caches of decoded images: without it they
  grew past 400 MB on the 96 slides of the gare bundle), no HTTP cache (the slides come from
  127.0.0.1), the hidden slide frame blanked once a cross-fade is over, two malloc arenas;
  and, every 30 s, malloc's free pages handed back to the OS (``malloc_trim``) and Chromium
  told that memory is critically short (window.py: it drops the decoded images and raster
  tiles it keeps to go faster), large blocks always mmapped (a fixed mmap threshold).
  Cost: no OS sandbox around the renderer (the frames stay sandboxed, on their own origin, by
  the web engine itself), and a renderer crash takes the player down (systemd restarts it).
- ``lean-trim``: ``lean`` without the pressure signal; ``lean-plain``: without either (the
  default until issue 14's wave 3), for comparison.
- ``sandboxed``: ``lean-plain`` without ``--single-process`` (the renderer in a process of its
  own, sandboxed by the OS when not root): about as much real memory (PSS), more RSS.
- ``single-process``: ``--single-process`` and no GPU only, for comparison.

V8's flags (``js_flags``; the page needs ``--expose-gc``) travel in one ``--js-flags`` joined by
tabs (``js_flag``). V8's lite mode, ``--optimize-for-size`` and a small young generation were
measured and not kept (no difference: the page's V8 heap is ~10 MB).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

ENV = "QTWEBENGINE_CHROMIUM_FLAGS"
GC = "--expose-gc"  # V8: the page's collector (window.py, GC_JS)
JS = "--js-flags"
NO_GPU = ("--disable-gpu", "--disable-gpu-compositing")
SOFTWARE = {"QT_QUICK_BACKEND": "software"}  # Qt draws the view without OpenGL (no llvmpipe)
NO_GL = {**SOFTWARE, "QT_XCB_GL_INTEGRATION": "none"}  # and loads no GL driver at all
LOW_END = "--enable-low-end-device-mode"  # smaller caches: decoded images, tiles
SINGLE = "--single-process"


@dataclass(frozen=True)
class Profile:
    flags: tuple[str, ...]
    env: Mapping[str, str] = field(default_factory=dict)  # Qt's own variables
    single_frame: bool = False  # the page blanks the hidden slide frame once a fade is over
    http_cache: str = "memory"  # the profile's HTTP cache: "memory" (Qt's default) or "none"
    malloc_arenas: int = 0  # glibc's malloc arenas for the threads to come (0: glibc's choice)
    js_flags: tuple[str, ...] = (GC,)  # V8's flags, in one --js-flags (see chromium_flags)
    trim_s: float = 0.0  # give free malloc memory back to the OS every trim_s seconds (0: never)
    mmap_threshold: int = 0  # malloc: blocks from this size mmapped (0: glibc's sliding threshold)
    pressure: str = ""  # memory pressure signalled to the engine: "moderate", "critical", "" none
    pressure_s: float = 0.0  # every pressure_s seconds


LEAN = ((SINGLE, *NO_GPU, LOW_END), NO_GL, True, "none", 2)  # flags to malloc arenas
PROFILES: dict[str, Profile] = {
    # Qt's own process model and settings: what the player ran until issue 14
    "qt": Profile(()),
    # the engine in the player's process, no GPU, Qt drawing with OpenGL (llvmpipe) still
    "single-process": Profile((SINGLE, *NO_GPU), SOFTWARE),
    # lean's engine settings with the renderer in a process of its own (Chromium's sandbox)
    "sandboxed": Profile((*NO_GPU, LOW_END), NO_GL, True, "none", malloc_arenas=2),
    # lean's engine settings without the periodic release of memory (lean until wave 3)
    "lean-plain": Profile(*LEAN),
    # lean-plain + malloc's free pages handed back every 30 s, large blocks always mmapped
    "lean-trim": Profile(*LEAN, trim_s=30, mmap_threshold=1 << 17),
    # lean-trim + Chromium told every 30 s that memory is critically short
    "lean": Profile(*LEAN, trim_s=30, mmap_threshold=1 << 17, pressure="critical", pressure_s=30),
}
DEFAULT = "lean"


def flag_name(flag: str) -> str:
    return flag.split("=", 1)[0]


def profile(name: str) -> Profile:
    """The profile called ``name``; raises ``ValueError`` naming the known ones."""
    if name not in PROFILES:
        raise ValueError(f"engine: {name!r} unknown (known: {', '.join(sorted(PROFILES))})")
    return PROFILES[name]


def js_flag(js_flags: tuple[str, ...]) -> tuple[str, ...]:
    """V8's flags as one Chromium flag. Qt splits the variable on spaces only, and V8 splits
    ``--js-flags`` on any white space: V8's flags are joined with tabs. (The application's
    arguments after ``--webEngineArgs`` do not reach V8 under ``--single-process``.)"""
    return (f"{JS}={chr(9).join(js_flags)}",) if js_flags else ()


def chromium_flags(existing: str, name: str) -> str:
    """``existing`` (the variable's value) with profile ``name``'s flags added after it."""
    present = {flag_name(flag) for flag in existing.split()}
    chosen = profile(name)
    flags = (*js_flag(chosen.js_flags), *chosen.flags)
    added = [flag for flag in flags if flag_name(flag) not in present]
    return " ".join([*existing.split(), *added])


def _libc() -> Any:
    import ctypes
    import ctypes.util

    try:
        return ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
    except OSError:
        return None


def tune_malloc(name: str) -> None:
    """glibc's malloc for profile ``name``, before the engine starts its threads (Qt WebEngine
    allocates with the process's malloc). Arenas (``M_ARENA_MAX``): each thread that allocates
    may otherwise get an arena of its own (up to 8 per core), and memory freed in one is not
    handed to another. A fixed mmap threshold (``M_MMAP_THRESHOLD``): glibc otherwise raises it
    (up to 32 MB) each time a large block is freed, so later large blocks land in the heap,
    where they pin the pages around them. No-op off glibc or for a profile without them."""
    chosen = profile(name)
    settings = [(-8, chosen.malloc_arenas), (-3, chosen.mmap_threshold)]  # M_ARENA_MAX, M_MMAP_
    libc = _libc() if any(value > 0 for _, value in settings) else None
    for option, value in settings:
        if libc is not None and value > 0:
            try:
                libc.mallopt(option, value)
            except AttributeError:
                return


def trim_malloc() -> bool:
    """Hand the free pages of every malloc arena back to the OS (``malloc_trim(0)``): Chromium
    and Qt free much more than they keep at each slide; glibc keeps it otherwise. False off
    glibc."""
    libc = _libc()
    try:
        return libc is not None and bool(libc.malloc_trim(0))
    except AttributeError:
        return False


def apply(environ: Mapping[str, str], name: str) -> dict[str, str]:
    """The variables to set before the engine starts (``os.environ.update`` them); a variable
    already set in ``environ`` keeps its value."""
    extra = {k: v for k, v in profile(name).env.items() if k not in environ}
    return {ENV: chromium_flags(environ.get(ENV, ""), name), **extra}
