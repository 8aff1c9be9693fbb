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
  127.0.0.1), the hidden slide frame blanked once a cross-fade is over, two malloc arenas.
  Cost: no OS sandbox around the renderer (the frames stay sandboxed, on their own origin, by
  the web engine itself), and a renderer crash takes the player down (systemd restarts it).
- ``sandboxed``: the same without ``--single-process`` (the renderer in a process of its own,
  sandboxed by the OS when not root): about as much real memory (PSS), more RSS.
- ``single-process``: ``--single-process`` and no GPU only, for comparison.

The page only needs ``--expose-gc`` among V8's flags; Qt splits the variable on spaces, so one
``--js-flags`` value can carry only one V8 flag: a V8 heap cap (``--max-old-space-size``) cannot
ride along and is not used.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

ENV = "QTWEBENGINE_CHROMIUM_FLAGS"
GC = "--js-flags=--expose-gc"
NO_GPU = ("--disable-gpu", "--disable-gpu-compositing")
SOFTWARE = {"QT_QUICK_BACKEND": "software"}  # Qt draws the view without OpenGL (no llvmpipe)
NO_GL = {**SOFTWARE, "QT_XCB_GL_INTEGRATION": "none"}  # and loads no GL driver at all
LOW_END = "--enable-low-end-device-mode"  # smaller caches: decoded images, tiles


@dataclass(frozen=True)
class Profile:
    flags: tuple[str, ...]
    env: Mapping[str, str] = field(default_factory=dict)  # Qt's own variables
    single_frame: bool = False  # the page blanks the hidden slide frame once a fade is over
    http_cache: str = "memory"  # the profile's HTTP cache: "memory" (Qt's default) or "none"
    malloc_arenas: int = 0  # glibc's malloc arenas for the threads to come (0: glibc's choice)


PROFILES: dict[str, Profile] = {
    # Qt's own process model and settings: what the player ran until issue 14
    "qt": Profile((GC,)),
    # the engine in the player's process, no GPU, Qt drawing with OpenGL (llvmpipe) still
    "single-process": Profile((GC, "--single-process", *NO_GPU), SOFTWARE),
    # the default's settings with the renderer in a process of its own (Chromium's sandbox)
    "sandboxed": Profile((GC, *NO_GPU, LOW_END), NO_GL, True, "none", malloc_arenas=2),
    "lean": Profile(
        (GC, "--single-process", *NO_GPU, LOW_END), NO_GL, True, "none", malloc_arenas=2
    ),
}
DEFAULT = "lean"


def flag_name(flag: str) -> str:
    return flag.split("=", 1)[0]


def profile(name: str) -> Profile:
    """The profile called ``name``; raises ``ValueError`` naming the known ones."""
    if name not in PROFILES:
        raise ValueError(f"engine: {name!r} unknown (known: {', '.join(sorted(PROFILES))})")
    return PROFILES[name]


def chromium_flags(existing: str, name: str) -> str:
    """``existing`` (the variable's value) with profile ``name``'s flags added after it."""
    present = {flag_name(flag) for flag in existing.split()}
    added = [flag for flag in profile(name).flags if flag_name(flag) not in present]
    return " ".join([*existing.split(), *added])


def limit_malloc_arenas(name: str) -> None:
    """Cap glibc's malloc arenas (``mallopt(M_ARENA_MAX)``) before the engine starts its threads:
    each thread that allocates may otherwise get an arena of its own (up to 8 per core), and
    memory freed in one is not handed to another. No-op off glibc or for a profile without it."""
    arenas = profile(name).malloc_arenas
    if arenas <= 0:
        return
    import ctypes
    import ctypes.util

    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        libc.mallopt(-8, arenas)  # M_ARENA_MAX
    except (OSError, AttributeError):
        pass


def apply(environ: Mapping[str, str], name: str) -> dict[str, str]:
    """The variables to set before the engine starts (``os.environ.update`` them); a variable
    already set in ``environ`` keeps its value."""
    extra = {k: v for k, v in profile(name).env.items() if k not in environ}
    return {ENV: chromium_flags(environ.get(ENV, ""), name), **extra}
