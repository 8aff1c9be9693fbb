"""How long ``invoke check`` takes on hostile content files (issue 9, finding 4).

Prints one line per input: its size and the time to check it as one file of the content,
with the problems it produced. Nothing is asserted: the tests check the answers
(tests/model/test_hostile_input.py); this shows the times, which the tests must not.

    .venv/bin/python bench/check_adversarial.py [--repeat 3]

Before the fix: ``"<a " * 8000`` took ~1.3 s, a 1 MB line of ``"<a "`` would take hours, and
the ~300-byte alias bomb died with MemoryError after taking ~2 GB.
"""

from __future__ import annotations

import argparse
import time

from p2f_model.corpus import validate_corpus

HEADER = (
    "---\ntitle: Essai\norder: 1\n"
    "provenance: {source: essai, verified_by: Bench, verified_on: 2026-10-01}\n---\n"
)
ALIAS_BOMB = (
    "---\na: &a [x,x,x,x,x,x,x,x,x]\n"
    + "".join(
        f"{name}: &{name} [{','.join([f'*{prev}'] * 9)}]\n"
        for prev, name in zip("abcdefgh", "bcdefghi", strict=True)
    )
    + "---\n"
)
CASES = {
    '"<a " x 8000 in the body': HEADER + "<a " * 8000,
    '"<a " x 333,000 (1 MB line)': HEADER + "<a " * 333_000,
    '"<" x 1,000,000 (1 MB line)': HEADER + "<" * 999_000,
    "1 MB line of text, closed by <b>": HEADER + "x" * 999_000 + "<b>",
    "NUL bytes x 100,000 in the body": HEADER + "\x00" * 100_000,
    "alias bomb (9 levels x 9)": ALIAS_BOMB,
    "header with 24,000 values (48 kB)": "---\ntags: [" + "a," * 24_000 + "a]\n---\n",
    "header with 400,000 values (800 kB)": "---\ntags: [" + "a," * 400_000 + "a]\n---\n",
    "header nested 1,000 deep": "---\nrules: " + "[" * 1000 + "]" * 1000 + "\n---\n",
    "file over the size cap (2 MB)": HEADER + "x" * 2_000_000,
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeat", type=int, default=3, help="best of N runs (default 3)")
    args = parser.parse_args()
    print(f"{'input':<40} {'bytes':>10} {'best s':>8}  first problem")
    for name, text in CASES.items():
        best = float("inf")
        problems: list[str] = []
        for _ in range(args.repeat):
            started = time.perf_counter()
            corpus = validate_corpus([("content/pratique/essai.md", text)], set())
            best = min(best, time.perf_counter() - started)
            problems = [str(p) for p in sorted(corpus.problems)]
        first = problems[0][:90] if problems else "(none)"
        print(f"{name:<40} {len(text.encode()):>10,} {best:>8.3f}  {first}")


if __name__ == "__main__":
    main()
