"""Page weight of the website: bytes a phone downloads for a page (HTML + CSS + JS), gzip -6.

    .venv/bin/python bench/web_budget.py [--site build/site] [--build] [--json out.json]

For each page: the HTML, every stylesheet (``<link rel=stylesheet>``) and every script
(``<script src>``) it references on this site, each compressed as a CDN would serve it.
Map tiles, photos, the Pagefind index (fetched only when someone searches) and
``import()``-ed modules are left out, as the issue's budget says. Target: under 100 KB
compressed for the home page and a place page. Figures only, no assertion; ``--build``
builds the sample site first (into a temporary folder).
"""

from __future__ import annotations

import argparse
import gzip
import json
import sys
import tempfile
from html.parser import HTMLParser
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "plugins"), str(ROOT / "player")]

PAGES = {
    "home (fr)": "index.html",
    "place (fr)": "lieux/veto-pinede/index.html",
    "home (en)": "en/index.html",
    "place (en)": "en/lieux/veto-pinede/index.html",
    "places directory": "lieux/index.html",
    "map": "carte/index.html",
    "agenda": "agenda/index.html",
    "search": "recherche/index.html",
}
BUDGET_KB = 100


class _Assets(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.css: list[str] = []
        self.js: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "link" and a.get("rel") == "stylesheet" and a.get("href"):
            self.css.append(a["href"] or "")
        elif tag == "script" and a.get("src"):
            self.js.append(a["src"] or "")


def gz(data: bytes) -> int:
    return len(gzip.compress(data, compresslevel=6))


def weigh(site: Path, page: str) -> dict[str, int]:
    html = (site / page).read_bytes()
    assets = _Assets()
    assets.feed(html.decode("utf-8"))
    figures = {"html": gz(html), "css": 0, "js": 0, "raw": len(html)}
    for kind, urls in (("css", assets.css), ("js", assets.js)):
        for url in urls:
            if not url.startswith("/") or url.startswith("//"):
                continue  # another origin: not ours to count (there are none)
            data = (site / url.lstrip("/").split("?")[0]).read_bytes()
            figures[kind] += gz(data)
            figures["raw"] += len(data)
    figures["total"] = figures["html"] + figures["css"] + figures["js"]
    return figures


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--site", type=Path, default=ROOT / "build" / "site")
    parser.add_argument("--build", action="store_true", help="build the sample site first")
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    site = args.site
    if args.build:
        from p2f_site.build import build_all

        output = Path(tempfile.mkdtemp(prefix="p2f-budget-"))
        build_all(ROOT, ROOT / "pelicanconf.py", output)
        site = output / "site"
    results = {name: weigh(site, page) for name, page in PAGES.items()}
    print(f"{'page':<18}{'HTML':>8}{'CSS':>8}{'JS':>8}{'total':>9}   (KB gzip; raw KB)")
    for name, f in results.items():
        flag = "" if f["total"] <= BUDGET_KB * 1024 else f"  over {BUDGET_KB} KB"
        print(
            f"{name:<18}{f['html'] / 1024:>8.1f}{f['css'] / 1024:>8.1f}{f['js'] / 1024:>8.1f}"
            f"{f['total'] / 1024:>9.1f}   ({f['raw'] / 1024:.0f}){flag}"
        )
    if args.json:
        args.json.write_text(json.dumps(results, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
