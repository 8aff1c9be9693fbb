"""Fuzz the front-matter reader and the per-file check: no input makes them raise anything
but ``FrontMatterError`` (the reader) or anything at all (the check returns problems).

Bounded and reproducible: a fixed number of examples, derandomized, no deadline (the
machine is shared; time is measured in bench/check_adversarial.py, not here).
"""

from __future__ import annotations

import re

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from p2f_model import checks, frontmatter
from p2f_model.corpus import validate_corpus
from p2f_model.problems import Problem
from tests.conftest import EVENT, OFFER, PLACE, SITE

FUZZ = settings(
    max_examples=300,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow],
)

# Pieces that mean something to YAML, to Markdown or to our own rules.
TOKENS = [
    "---", "...", "\n", "  ", "- ", ": ", ":", "[", "]", "{", "}", ",", "&a ", "*a", "&b ", "*b",
    "<<: ", "? ", "|", ">", "!!str ", "!!python/object:os.system ", "!!binary ", "%YAML 1.1",
    "#", "'", '"', "\\0", "\\x07", "\\u0000", "\t", "\r", "\x00", "\x1b", "\x7f", "\x85",
    "\ufeff", "\ufffe", "\u2028", "é", "title", "images", "src", "alt", "rules", "hours",
    "from", "until", "sites", "geo", "lat", "lon", "starts", "2026-07-14T21:30", "18:00",
    "0x1F", "1e400", ".nan", "-.inf", "null", "~", "yes", "images/x.png", "images/../x.png",
    "<script>", "<a ", "<!--", "`", "```", "](javascript:", "9" * 40,
]  # fmt: skip
yamlish = st.lists(st.sampled_from(TOKENS) | st.text(max_size=8), max_size=60).map("".join)
any_text = st.text(max_size=400) | st.binary(max_size=400).map(
    lambda data: data.decode("utf-8", "surrogateescape")
)
BASES = {
    "content/lieux/veto-pinede.md": PLACE,
    "content/agenda/marche-nocturne.md": EVENT,
    "content/bons-plans/velos-hiver.md": OFFER,
    "content/sites/gare.md": SITE,
    "content/lieux/veto-pinede.en.md": "---\ntitle: T\nalt: [a]\n---\nbody\n",
}


def check_parse(text: str) -> None:
    try:
        parsed = frontmatter.parse(text)
    except frontmatter.FrontMatterError as error:
        assert 1 <= error.line <= text.count("\n") + 2
        assert isinstance(error.field, str) and error.message
        return
    assert isinstance(parsed.fields, dict)
    assert all(isinstance(line, int) and line >= 2 for line in parsed.lines.values())


def check_file(path: str, text: str) -> None:
    corpus = validate_corpus([(path, text)], {"images/veto.png"})
    assert all(isinstance(p, Problem) and p.line >= 1 for p in corpus.problems)
    for problem in corpus.problems:
        assert str(problem).startswith(f"{path}:{problem.line}: ")


@FUZZ
@given(any_text)
def test_reader_on_arbitrary_text(text: str) -> None:
    check_parse(text)
    check_parse("---\n" + text)
    check_parse("---\n" + text + "\n---\n" + text)


@FUZZ
@given(yamlish, yamlish)
def test_reader_on_yaml_like_headers(header: str, body: str) -> None:
    check_parse(f"---\n{header}\n---\n{body}")


@FUZZ
@given(st.sampled_from(sorted(BASES)), st.integers(0, 30), yamlish)
def test_check_of_one_file_with_a_fragment_inserted(path: str, at: int, fragment: str) -> None:
    lines = BASES[path].split("\n")
    at = min(at, len(lines))
    check_file(path, "\n".join([*lines[:at], fragment, *lines[at:]]))


@FUZZ
@given(st.sampled_from(sorted(BASES)), any_text)
def test_check_of_one_file_with_arbitrary_text(path: str, text: str) -> None:
    check_file(path, text)
    check_file(path, BASES[path].replace("---\n", "---\n" + text + "\n", 1))


# The linear raw-HTML scan answers exactly as the old (quadratic) pattern did.
_OLD_HTML = re.compile(
    r"<(?:!--|/?[A-Za-z][A-Za-z0-9-]*(?:\s[^>]*)?/?>|/?(?:script|iframe|style)\b)", re.I
)
html_tokens = st.lists(
    st.sampled_from(["<", ">", "/", "a", "B", "-", "1", " ", "\t", "!--", "script", "_", "x"]),
    max_size=30,
).map("".join)


@FUZZ
@given(html_tokens)
def test_raw_html_scan_matches_the_old_pattern(text: str) -> None:
    old = _OLD_HTML.search(text)
    new = checks.raw_html(text)
    assert (old is None) == (new is None)
    if old is not None and new is not None:
        assert text.index(new) == old.start()
