"""The web engine's profiles (``shell/flags.py``) and how the player picks one, without a window
(``test_window.py`` checks that the window the player opens really runs the default one)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from p2f_player.errors import ConfigError
from p2f_player.shell import flags
from p2f_player.shell.run import engine_of, options_for
from p2f_player.shell.window import ShellSettings


def test_a_profile_adds_its_flags_after_those_already_set() -> None:
    merged = flags.chromium_flags("--lang=fr", "lean").split()
    assert merged[0] == "--lang=fr"
    assert set(flags.PROFILES["lean"].flags) <= set(merged)
    assert "--js-flags=--expose-gc" in merged  # the page's collector (window.py, GC_JS)


def test_a_flag_set_by_hand_wins_over_the_profiles() -> None:
    merged = flags.chromium_flags("--js-flags=--expose-gc --renderer-process-limit=2", "qt")
    assert merged.split() == ["--js-flags=--expose-gc", "--renderer-process-limit=2"]


def test_a_qt_variable_set_by_hand_is_kept() -> None:
    set_by_hand = {"QT_QUICK_BACKEND": "opengl", flags.ENV: "--lang=fr"}
    variables = flags.apply(set_by_hand, flags.DEFAULT)
    assert "QT_QUICK_BACKEND" not in variables  # not overwritten
    assert variables[flags.ENV].startswith("--lang=fr ")
    assert flags.apply({}, flags.DEFAULT)["QT_QUICK_BACKEND"] == "software"


def test_the_engine_comes_from_the_command_line_then_the_environment_then_the_file() -> None:
    assert engine_of({}, {}) == flags.DEFAULT
    assert engine_of({"engine": "qt"}, {}) == "qt"
    assert engine_of({"engine": "qt"}, {"P2F_ENGINE": "sandboxed"}) == "sandboxed"
    assert engine_of({"engine": "qt"}, {"P2F_ENGINE": "sandboxed"}, "lean") == "lean"


def test_an_unknown_engine_stops_the_player_naming_the_setting(tmp_path: Path) -> None:
    file = tmp_path / "p2f-player.toml"
    file.write_text('[shell]\nengine = "turbo"\n', encoding="utf-8")
    with pytest.raises(
        ConfigError, match=rf"^{re.escape(str(file))}: \[shell\] engine: 'turbo' unknown: use one"
    ):
        options_for(file)
    with pytest.raises(ConfigError, match=r"^P2F_ENGINE: 'fast' unknown"):
        engine_of({}, {"P2F_ENGINE": "fast"})
    with pytest.raises(ValueError, match="engine: 'turbo' unknown"):
        flags.chromium_flags("", "turbo")


def test_the_window_takes_only_a_known_http_cache() -> None:
    assert ShellSettings(http_cache="memory").http_cache == "memory"
    with pytest.raises(ValueError, match="http_cache: 'disk' must be 'memory' or 'none'"):
        ShellSettings(http_cache="disk")
    assert ShellSettings(pressure="critical").pressure == "critical"
    with pytest.raises(ValueError, match="pressure: 'severe' must be 'moderate', 'critical' or"):
        ShellSettings(pressure="severe")


def test_v8_flags_ride_in_one_js_flags_joined_by_tabs() -> None:
    """Qt splits the variable on spaces: V8's flags are joined by tabs, which V8 splits on."""
    assert flags.js_flag(("--expose-gc", "--lite-mode")) == ("--js-flags=--expose-gc\t--lite-mode",)
    assert flags.js_flag(()) == ()
    merged = flags.chromium_flags("", flags.DEFAULT).split(" ")
    (js,) = [flag for flag in merged if flag.startswith("--js-flags=")]
    assert js.removeprefix("--js-flags=").split("\t")[0] == "--expose-gc"


MALLOC_PROBE = """
import ctypes, sys
from p2f_player.shell import flags

libc = ctypes.CDLL("libc.so.6")
libc.malloc.restype = ctypes.c_void_p
libc.malloc.argtypes = (ctypes.c_size_t,)
libc.free.argtypes = (ctypes.c_void_p,)


def rss_kb():
    for line in open("/proc/self/status"):
        if line.startswith("VmRSS:"):
            return int(line.split()[1])


def in_heap(address):
    for line in open("/proc/self/maps"):
        if line.rstrip().endswith("[heap]"):
            start, end = (int(x, 16) for x in line.split()[0].split("-"))
            return start <= address < end
    return False


if sys.argv[1] == "trim":
    blocks = [libc.malloc(4096) for _ in range(25_000)]  # ~100 MB in the main heap
    for block in blocks:
        ctypes.memset(block, 1, 4096)
    for block in blocks[:-1]:  # the last one stays: the heap's top cannot shrink on its own
        libc.free(block)
    before = rss_kb()
    trimmed = flags.trim_malloc()
    print(before - rss_kb(), trimmed)
else:
    flags.tune_malloc(sys.argv[2])
    first = libc.malloc(1 << 20)
    libc.free(first)  # glibc's own threshold rises past 1 MB here
    second = libc.malloc(1 << 20)
    print(in_heap(second))
"""


def malloc_probe(*args: str) -> list[str]:
    import subprocess
    import sys

    done = subprocess.run(
        [sys.executable, "-c", MALLOC_PROBE, *args], capture_output=True, text=True, check=True
    )
    return done.stdout.split()


def test_trimming_gives_freed_malloc_memory_back_to_the_os() -> None:
    given_back_kb, trimmed = malloc_probe("trim")
    assert trimmed == "True"
    assert int(given_back_kb) > 50_000  # of the ~100 MB freed below a live block


def test_the_default_profile_keeps_large_blocks_out_of_the_heap() -> None:
    """A fixed mmap threshold: a freed 1 MB block does not make the next ones heap blocks."""
    assert malloc_probe("mmap", "qt") == ["True"]  # glibc's sliding threshold
    assert malloc_probe("mmap", flags.DEFAULT) == ["False"]
