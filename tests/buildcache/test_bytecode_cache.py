"""Compiled templates kept between builds (``p2f_build.templates``).

A template whose source, environment options and filters are unchanged is loaded from the
folder without compiling; an edited template, a filter with another calling convention or
other compile options is compiled again, never served from the old bytecode; the files of
another code digest go when the cache is opened.
"""

from __future__ import annotations

from pathlib import Path

import jinja2
import pytest

from p2f_build.cache import INPUTS as INPUTS_SETTING
from p2f_build.cache import OPENED, BuildCache, Inputs
from p2f_build.templates import FOLDER, KeyedBytecodeCache, bytecode_cache

SOURCE = "<p>{{ name | shout }}</p>"


def shout(value: str) -> str:
    return value.upper()


@jinja2.pass_context
def shout_in_context(context: object, value: str) -> str:
    return value.upper() + "!"


def environment(
    folder: Path, source: str = SOURCE, code: str = "code-1", **options: object
) -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.DictLoader({"page.html": source}),
        bytecode_cache=KeyedBytecodeCache(str(folder), code),
        **options,  # type: ignore[arg-type]
    )
    env.filters["shout"] = shout
    return env


def kept(env: jinja2.Environment, source: str = SOURCE) -> bool:
    """Whether ``env``'s cache holds compiled code for ``page.html`` with ``source``."""
    cache = env.bytecode_cache
    assert isinstance(cache, KeyedBytecodeCache)
    return cache.get_bucket(env, "page.html", None, source).code is not None


def test_a_template_is_compiled_once_and_loaded_by_the_next_environment(tmp_path: Path) -> None:
    first = environment(tmp_path)
    assert not kept(first)
    assert first.get_template("page.html").render(name="gare") == "<p>GARE</p>"
    assert len(list(tmp_path.iterdir())) == 1
    second = environment(tmp_path)  # a new build: a new environment, the same folder
    assert kept(second)
    assert second.get_template("page.html").render(name="gare") == "<p>GARE</p>"


def test_an_edited_template_is_compiled_again(tmp_path: Path) -> None:
    environment(tmp_path).get_template("page.html").render(name="gare")
    edited = "<h1>{{ name | shout }}</h1>"
    env = environment(tmp_path, edited)
    assert not kept(env, edited)
    assert env.get_template("page.html").render(name="gare") == "<h1>GARE</h1>"
    assert kept(environment(tmp_path, edited), edited)
    assert len(list(tmp_path.iterdir())) == 1  # written over, not beside


def test_a_filter_with_another_calling_convention_is_compiled_again(tmp_path: Path) -> None:
    environment(tmp_path).get_template("page.html").render(name="gare")
    env = environment(tmp_path)
    env.filters["shout"] = shout_in_context  # compiled code passes the context first
    assert not kept(env)
    assert env.get_template("page.html").render(name="gare") == "<p>GARE!</p>"


@pytest.mark.parametrize(
    "options",
    [{"autoescape": True}, {"trim_blocks": True}, {"variable_start_string": "[["}],
    ids=["autoescape", "trim_blocks", "delimiters"],
)
def test_other_compile_options_use_other_files(tmp_path: Path, options: dict[str, object]) -> None:
    environment(tmp_path).get_template("page.html").render(name="gare")
    assert not kept(environment(tmp_path, **options))


def test_opening_the_build_cache_removes_other_codes_files(tmp_path: Path) -> None:
    (tmp_path / "build" / ".cache" / FOLDER).mkdir(parents=True)
    environment(tmp_path / "build" / ".cache" / FOLDER).get_template("page.html")
    assert len(list((tmp_path / "build" / ".cache" / FOLDER).iterdir())) == 1
    opened = BuildCache(tmp_path / "build" / ".cache")
    inputs = Inputs(code="code-2", globals="g", content="c", others="o")
    settings = {OPENED: opened, INPUTS_SETTING: inputs}
    cache = bytecode_cache(settings)
    assert cache is not None and bytecode_cache(settings) is cache  # one per build
    assert list((tmp_path / "build" / ".cache" / FOLDER).iterdir()) == []
    opened.close()


def test_a_folder_removed_meanwhile_costs_a_compile_not_the_build(tmp_path: Path) -> None:
    env = environment(tmp_path / "gone")
    assert env.get_template("page.html").render(name="gare") == "<p>GARE</p>"


def test_no_bytecode_cache_without_the_build_cache() -> None:
    assert bytecode_cache({}) is None
