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
