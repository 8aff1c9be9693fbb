"""One file cannot hang or exhaust ``invoke check``, and invisible characters are refused.

Each hostile input gets an ordinary ``file:line: field: message`` problem. Nothing here is
timed (the figures live in bench/check_adversarial.py); before the fixes these inputs took
seconds to hours (the raw-HTML scan) or gigabytes (the alias bomb).
"""

from __future__ import annotations

import pytest

from p2f_model import checks, frontmatter
from p2f_model.corpus import validate_corpus
from p2f_model.load import load_corpus
from tests.conftest import PLACE, WriteContent

# "Billion laughs": 9 levels of 9 aliases, ~300 bytes, 9^9 values once expanded.
ALIAS_BOMB = (
    "---\n"
    + "".join(
        f"{name}: &{name} [{','.join([f'*{prev}'] * 9)}]\n"
        for prev, name in zip("abcdefgh", "bcdefghi", strict=True)
    ).replace("b: &b [*a", "a: &a [x,x,x,x,x,x,x,x,x]\nb: &b [*a", 1)
    + "title: x\n---\nbody\n"
)


def problems_of(content: object) -> list[str]:
    return [str(p) for p in sorted(load_corpus(content).problems)]  # type: ignore[arg-type]


def check_one(path: str, text: str) -> list[str]:
    return [str(p) for p in sorted(validate_corpus([(path, text)], set()).problems)]


def test_alias_bomb_is_a_problem_line_not_memory_error() -> None:
    assert len(ALIAS_BOMB) < 400
    assert check_one("content/lieux/bomb.md", ALIAS_BOMB) == [
        "content/lieux/bomb.md:3: b[2]: the header uses more than 20 YAML aliases (*name); "
        "write each value out instead"
    ]


def test_few_aliases_still_work() -> None:
    parsed = frontmatter.parse("---\ntags: &t [plage, famille]\nmore: *t\n---\n")
    assert parsed.fields["more"] == ["plage", "famille"]


def test_a_self_referencing_alias_is_refused() -> None:
    with pytest.raises(frontmatter.FrontMatterError) as error:
        frontmatter.parse("---\nrules: &r {sites: [*r]}\n---\n")
    assert error.value.line == 2
    assert "more than 20 YAML aliases" in error.value.message


def test_deep_nesting_is_refused() -> None:
    with pytest.raises(frontmatter.FrontMatterError) as error:
        frontmatter.parse("---\nrules: " + "[" * 25 + "]" * 25 + "\n---\n")
    assert (error.value.line, error.value.field) == (2, "rules" + "[0]" * 20)
    assert "more than 20 levels deep" in error.value.message


def test_too_many_values_in_the_header() -> None:
    text = "---\ntags: [" + ", ".join(["plage"] * 6000) + "]\n---\n"
    with pytest.raises(frontmatter.FrontMatterError) as error:
        frontmatter.parse(text)
    assert (error.value.line, error.value.field) == (2, "tags[4997]")
    assert "more than 5,000 values" in error.value.message


def test_a_huge_header_value_is_refused() -> None:
    text = "---\nopening_hours: " + "Mo-Fr 08:00-19:00; " * 1000 + "\n---\n"
    assert check_one("content/lieux/long.md", text) == [
        "content/lieux/long.md:2: opening_hours: the value holds 18,999 characters, more than "
        "10,000; put long text in the body"
    ]


def test_file_size_cap(write_content: WriteContent) -> None:
    content = write_content(
        {"lieux/veto-pinede.md": PLACE + "Texte. " * (frontmatter.MAX_FILE_BYTES // 7 + 10)}
    )
    size = (content / "lieux" / "veto-pinede.md").stat().st_size
    # the file is not read; what named it (its translation, an event) says so too
    assert (
        f"content/lieux/veto-pinede.md:1: file: weighs {size:,} bytes, more than the "
        "1,000,000 a content file may; shorten it or split it"
    ) in problems_of(content)


def test_file_size_cap_in_the_reader_itself() -> None:
    with pytest.raises(frontmatter.FrontMatterError) as error:
        frontmatter.parse("---\ntitle: x\n---\n" + "x" * frontmatter.MAX_FILE_BYTES)
    assert (error.value.line, error.value.field) == (1, "file")


def test_raw_html_scan_on_many_unclosed_tags() -> None:
    """``"<a " * 8000`` (quadratic before): not HTML, since no ">" closes any of them."""
    assert list(checks.body_problems("<a " * 8000)) == []
    assert list(checks.body_problems("<a " * 8000 + ">")) == [
        (
            0,
            'raw HTML "<a <a <a <a <a <a <a <a <a <a <a <a <a <" is not allowed in the text; '
            "write Markdown (e.g. **bold**, [link](https://...), ![alt](images/x.jpg))",
        )
    ]


def test_raw_html_scan_on_a_one_megabyte_line() -> None:
    line = "x" * 1_000_000
    assert list(checks.body_problems(line)) == []
    assert [n for n, _ in checks.body_problems(line + "<div>")] == [0]
    assert [n for n, _ in checks.body_problems("<a " * 333_333 + "\n<b>")] == [1]


@pytest.mark.parametrize(
    ("line", "tag"),
    [
        ("<div>", "<div>"),
        ('texte <a href="x">lien</a>', '<a href="x">'),
        ("<br/>", "<br/>"),
        ("</p>", "</p>"),
        ("<!-- caché -->", "<!-- caché -->"),
        ("<script", "<script"),
        ("< /script>", None),
        ("1 < 2 et 3 > 2", None),
        ("<https://example.org>", None),
        ("a <b and no close", None),
        ("<b\tclass=x>", "<b\tclass=x>"),
    ],
)
def test_raw_html_scan_finds_what_it_found_before(line: str, tag: str | None) -> None:
    assert checks.raw_html(line) == tag


@pytest.mark.parametrize("char", ["\x00", "\x01", "\x08", "\x0b", "\x0c", "\x1b", "\x1f", "\x7f"])
def test_control_character_in_the_body(write_content: WriteContent, char: str) -> None:
    content = write_content({"lieux/veto-pinede.md": PLACE + f"Ligne deux\nfin{char}de ligne\n"})
    assert problems_of(content) == [
        f"content/lieux/veto-pinede.md:16: body: contains the invisible control character "
        f"U+{ord(char):04X}{frontmatter._CONTROL_NAMES.get(char, '')} "
        "(often pasted from another program); delete it"
    ]


def test_tabs_and_windows_line_ends_are_fine(write_content: WriteContent) -> None:
    content = write_content({"lieux/veto-pinede.md": PLACE.replace("\n", "\r\n") + "a\tb\r\n"})
    assert problems_of(content) == []


def test_nul_written_raw_in_a_field(write_content: WriteContent) -> None:
    content = write_content(
        {"lieux/veto-pinede.md": PLACE.replace("summary: Urgences", "summary: Urg\x00ences")}
    )
    assert problems_of(content) == [
        "content/lieux/veto-pinede.md:3: summary: contains the invisible control character "
        "U+0000 (NUL) (often pasted from another program); delete it"
    ]


@pytest.mark.parametrize(("escape", "code"), [("\\0", "U+0000 (NUL)"), ("\\e", "U+001B (ESC)")])
def test_control_character_escaped_in_a_quoted_field(
    write_content: WriteContent, escape: str, code: str
) -> None:
    content = write_content(
        {
            "lieux/veto-pinede.md": PLACE.replace(
                "address: 12 avenue", f'address: "12{escape} avenue'
            ).replace("Pinède-sur-Mer\nphone", 'Pinède-sur-Mer"\nphone')
        }
    )
    assert problems_of(content) == [
        f"content/lieux/veto-pinede.md:7: address: contains the invisible control character "
        f"{code} (often pasted from another program); delete it"
    ]


def test_control_character_in_a_nested_value() -> None:
    with pytest.raises(frontmatter.FrontMatterError) as error:
        frontmatter.parse('---\nimages:\n  - {src: images/x.png, alt: "a\\x07b"}\n---\n')
    assert (error.value.line, error.value.field) == (3, "images[0].alt")


def test_character_yaml_refuses_is_a_problem_not_a_crash() -> None:
    with pytest.raises(frontmatter.FrontMatterError) as error:
        frontmatter.parse("---\ntitle: ok\nsummary: a\x85\x9fb\n---\n")
    assert error.value.line == 3
    assert "not valid YAML" in error.value.message


def test_a_huge_header_is_refused_before_yaml_reads_it() -> None:
    text = "---\ntags: [" + "a," * 400_000 + "a]\n---\n"
    assert check_one("content/lieux/big.md", text) == [
        "content/lieux/big.md:2: the header holds 800,009 characters, more than 50,000; "
        "put long text in the body"
    ]
