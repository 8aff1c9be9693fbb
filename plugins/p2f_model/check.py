"""``invoke check``: validate all content, print one line per problem, exit non-zero if any.

Usable without invoke: ``python -m p2f_model.check [CONTENT_DIR]``.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import TextIO

from p2f_model.load import load_corpus
from p2f_model.territory import ENV, Territory, TerritoryError, from_environ


def run(
    content_dir: Path,
    out: TextIO | None = None,
    territory: Territory | None = None,
    given: str = "",
) -> int:
    """Print every problem (sorted by file and line) and a summary; return the exit code.

    ``territory``: the one coordinates must fall in (default: ``given``, the text of
    ``--territory lat1,lon1,lat2,lon2``, else ``P2F_TERRITORY`` in the environment, else
    ``p2f_model.territory.DEFAULT``)."""
    out = out or sys.stdout  # looked up now, not at import: tests capture it
    try:
        area = territory or from_environ(os.environ, given)
    except TerritoryError as error:
        print(f"check: {error} (in {'--territory' if given else ENV})", file=out)
        return 2
    corpus = load_corpus(content_dir, territory=area)
    for problem in sorted(corpus.problems):
        print(problem, file=out)
    count = len(corpus.problems)
    kinds: dict[str, int] = {}
    for item in corpus.items.values():
        kinds[item.kind] = kinds.get(item.kind, 0) + 1
    summary = ", ".join(f"{n} {kind}s" for kind, n in sorted(kinds.items()))
    translations = sum(len(item.texts) - 1 for item in corpus.items.values())
    if count:
        print(f"check: {count} problem(s) in {content_dir} — fix them and run again", file=out)
        return 1
    print(f"check: ok — {summary}; {translations} translations", file=out)
    return 0


def main() -> None:
    content = Path(sys.argv[1]) if len(sys.argv) > 1 else Path("content")
    sys.exit(run(content))


if __name__ == "__main__":
    main()
