"""Page weight of the website (HTML + CSS + JS, gzip -6) and its Lighthouse scores.

    .venv/bin/python bench/web_budget.py [--site build/site] [--build] [--json out.json]
        [--lighthouse] [--only home,place] [--tiles-path '/{z}/{x}/{y}{r}.png']

For each page: the HTML, every stylesheet (``<link rel=stylesheet>``) and every script
(``<script src>``) it references on this site, and Leaflet's on the map page (map.js loads it:
``data-leaflet``), each compressed as a CDN would serve it.
Map tiles, photos, the Pagefind index (fetched only when someone searches) and
``import()``-ed modules are left out, as the issue's budget says. Target: under 100 KB
compressed for the home page and a place page. Figures only, no assertion; ``--build``
builds the sample site first (into a temporary folder).

``--lighthouse`` also runs Lighthouse (``npm ci`` installs it) with Debian's Chromium against the
site served on 127.0.0.1 (with its ``_headers``, as the CDN serves it), once per page type with
the mobile preset and once with the desktop one, and prints the four category scores
(performance, accessibility, best practices, SEO) and the CLS. So that the map page is measured
as a visitor with a network sees it (this machine reaches only 127.0.0.1), the bench starts a
local tile server (HTTPS on 127.0.0.1, a self-signed certificate Chromium is told to accept,
one 256x256 PNG for every ``/{z}/{x}/{y}.png``) and builds the sample site for Lighthouse with
``P2F_MAP_TILES`` pointed at it: the tile URL, the credit line and the Content Security Policy
all follow that setting, as they would for another provider. (``--site`` is then only used for
the weights.) OpenStreetMap's standard tiles have no high-density version: on the mobile preset
(a 1.75 pixel ratio) Lighthouse's "image-size-responsive" check marks them (best practices 96
on the map page); ``--tiles-path '/{z}/{x}/{y}{r}.png'`` measures a provider that has @2x tiles
(Leaflet fills ``{r}``). The product's offline fallback (the notice, the list still usable when
tiles fail) is tested in tests/web/test_journeys.py and tests/web/test_map.py, not here.
"""

from __future__ import annotations

import argparse
import gzip
import http.server
import json
import os
import shutil
import ssl
import struct
import subprocess
import sys
import tempfile
import threading
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from html.parser import HTMLParser
from pathlib import Path
from typing import ClassVar
from urllib.parse import urlsplit

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
# One page per type, for Lighthouse (the weights above cover the heaviest ones).
PAGE_TYPES = {
    "home": "/",
    "places": "/lieux/",
    "place": "/lieux/hotel-les-pins-bleus/",
    "agenda": "/agenda/",
    "event": "/agenda/marche-de-noel-2026/",
    "offers": "/bons-plans/",
    "offer": "/bons-plans/hertz-week-end-gare/",
    "page": "/pratique/chambre-surbookee/",
    "partner": "/partenaires/hertz/",
    "alert": "/alertes/travaux-gare-parvis-sud/",
    "map": "/carte/",
    "search": "/recherche/",
    "tonight": "/ce-soir/",
    "contact": "/contact/",
    "home (en)": "/en/",
}
CATEGORIES = ("performance", "accessibility", "best-practices", "seo")
LIGHTHOUSE = ROOT / "node_modules" / ".bin" / "lighthouse"
CHROMIUM = "/usr/bin/chromium"


TILE_SIZE = 256


def png_tile(rgb: tuple[int, int, int] = (0xE8, 0xEE, 0xF2), size: int = TILE_SIZE) -> bytes:
    """A valid square PNG of one colour (what the local tile server answers)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    row = b"\x00" + bytes(rgb) * size  # filter byte "none", then the pixels
    header = struct.pack(">IIBBBBB", size, size, 8, 2, 0, 0, 0)  # 8-bit RGB
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(row * size, 9))
        + chunk(b"IEND", b"")
    )


class _TileHandler(http.server.BaseHTTPRequestHandler):
    """``.../{z}/{x}/{y}.png`` -> a 256 px tile; ``.../{z}/{x}/{y}@2x.png`` (Leaflet's ``{r}``
    on a high-density screen) -> a 512 px one, as providers with high-density tiles answer."""

    tiles: ClassVar[dict[str, bytes]] = {"": png_tile(), "@2x": png_tile(size=2 * TILE_SIZE)}

    def do_GET(self) -> None:
        path = self.path.split("?", 1)[0]
        name = path.rsplit("/", 3)[-3:]
        y, _, density = name[-1].removesuffix(".png").partition("@")
        tile = self.tiles.get("@" + density if density else "")
        numbers = (*name[:-1], y)
        if not path.endswith(".png") or len(numbers) != 3 or not all(map(str.isdigit, numbers)):
            tile = None
        if tile is None:
            self.send_error(404)
            return
        self.send_response(200)
        self.send_header("Content-Type", "image/png")
        self.send_header("Content-Length", str(len(tile)))
        self.send_header("Cache-Control", "max-age=86400")
        self.end_headers()
        self.wfile.write(tile)

    def log_message(self, format: str, *args: object) -> None:
        pass


def configured_tiles() -> dict[str, object]:
    """``P2F_MAP_TILES`` of pelicanconf.py, checked (OpenStreetMap's when absent)."""
    from pelican.settings import read_settings

    from p2f_web.config import read_tiles

    tiles = read_tiles(read_settings(str(ROOT / "pelicanconf.py")).get("P2F_MAP_TILES"))
    return {
        "url": tiles.url,
        "attribution": tiles.attribution,
        "terms_url": tiles.terms_url,
        "max_zoom": tiles.max_zoom,
        "high_density": tiles.high_density,
    }


@contextmanager
def tile_server(template: str) -> Iterator[str]:
    """An HTTPS tile server on 127.0.0.1 (self-signed certificate); yields ``template`` (the
    configured provider's URL) with its origin replaced by this server's, so the path shape,
    ``{r}`` included, stays the provider's.

    HTTPS because ``P2F_MAP_TILES`` accepts only https templates, as a real provider's is.
    """
    with tempfile.TemporaryDirectory(prefix="p2f-tiles-") as folder:
        cert, key = Path(folder) / "cert.pem", Path(folder) / "key.pem"
        subprocess.run(
            ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
             "-keyout", str(key), "-out", str(cert), "-subj", "/CN=127.0.0.1",
             "-addext", "subjectAltName=IP:127.0.0.1"],
            check=True, capture_output=True, timeout=60,
        )  # fmt: skip
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(cert, key)
        server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _TileHandler)
        server.socket = context.wrap_socket(server.socket, server_side=True)
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        path = urlsplit(template).path
        try:
            yield f"https://127.0.0.1:{server.server_address[1]}{path}"
        finally:
            server.shutdown()
            server.server_close()


def build_site(tiles: dict[str, object] | None = None) -> Path:
    """The sample site built into a temporary folder (with ``P2F_MAP_TILES = tiles`` if given)."""
    from p2f_site.build import build_all

    overrides = {"P2F_MAP_TILES": tiles} if tiles else None
    output = Path(tempfile.mkdtemp(prefix="p2f-budget-"))
    build_all(ROOT, ROOT / "pelicanconf.py", output, overrides)
    return output / "site"


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
        if a.get("data-leaflet"):  # the map: map.js asks for Leaflet after the first paint
            self.css.append(f"{a['data-leaflet']}leaflet.css")
            self.js.append(f"{a['data-leaflet']}leaflet.js")


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


def lighthouse(url: str, preset: str) -> dict[str, float]:
    """The four category scores (0-100) and the CLS of one Lighthouse run."""
    with tempfile.TemporaryDirectory(prefix="p2f-lh-") as folder:
        report = Path(folder) / "report.json"
        command = [
            str(LIGHTHOUSE), url, "--quiet", "--output=json", f"--output-path={report}",
            # the local tile server's certificate is self-signed
            "--chrome-flags=--headless=new --no-sandbox --disable-gpu --ignore-certificate-errors",
            f"--only-categories={','.join(CATEGORIES)}",
        ]  # fmt: skip
        if preset == "desktop":
            command.append("--preset=desktop")
        env = {**os.environ, "CHROME_PATH": CHROMIUM}
        subprocess.run(command, check=True, env=env, capture_output=True, timeout=300)
        data = json.loads(report.read_text(encoding="utf-8"))
    scores: dict[str, float] = {
        name: round(100 * (data["categories"][name]["score"] or 0)) for name in CATEGORIES
    }
    scores["cls"] = data["audits"]["cumulative-layout-shift"]["numericValue"]
    return scores


def lighthouse_table(
    only: list[str], tiles_path: str = "", high_density: str = ""
) -> dict[str, dict[str, dict[str, float]]]:
    """Lighthouse on every page type of a site built with its map tiles from a local server
    (``tiles_path``: another provider's path shape, e.g. ``/{z}/{x}/{y}{r}.png``;
    ``high_density``: that setting of ``P2F_MAP_TILES`` instead of pelicanconf.py's)."""
    tiles = configured_tiles()
    if high_density:
        tiles["high_density"] = high_density
    with tile_server(tiles_path or str(tiles["url"])) as local:
        site = build_site({**tiles, "url": local})
        print(
            f"\nLighthouse: the site built with P2F_MAP_TILES url {local}, a local tile server,"
            f" high_density {tiles['high_density']!r}"
        )
        print(f"(instead of {tiles['url']}: this machine reaches only 127.0.0.1)")
        try:
            return _lighthouse_runs(site, only)
        finally:
            shutil.rmtree(site.parent, ignore_errors=True)  # this build serves no other purpose


def _lighthouse_runs(site: Path, only: list[str]) -> dict[str, dict[str, dict[str, float]]]:
    from tests.web.site_server import serve_site  # the test server: it sends _headers too

    results: dict[str, dict[str, dict[str, float]]] = {}
    with serve_site(site) as base:
        print(
            f"{'Lighthouse':<12}{'preset':<9}{'perf':>6}{'a11y':>6}{'best':>6}{'seo':>6}{'CLS':>8}"
        )
        for name, path in PAGE_TYPES.items():
            if only and name not in only:
                continue
            for preset in ("mobile", "desktop"):
                r = lighthouse(base + path, preset)
                results.setdefault(name, {})[preset] = r
                print(
                    f"{name:<12}{preset:<9}{r['performance']:>6.0f}{r['accessibility']:>6.0f}"
                    f"{r['best-practices']:>6.0f}{r['seo']:>6.0f}{r['cls']:>8.3f}",
                    flush=True,
                )
    return results


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--site", type=Path, default=ROOT / "build" / "site")
    parser.add_argument("--build", action="store_true", help="build the sample site first")
    parser.add_argument("--json", type=Path)
    parser.add_argument(
        "--lighthouse", action="store_true",
        help="also run Lighthouse (on its own build, map tiles from a local server)",
    )  # fmt: skip
    parser.add_argument("--only", default="", help="Lighthouse: these page types (a,b)")
    parser.add_argument(
        "--tiles-path", default="",
        help="Lighthouse: the local tiles' URL path instead of P2F_MAP_TILES's, e.g. "
        "'/{z}/{x}/{y}{r}.png' for a provider with high-density (@2x) tiles",
    )  # fmt: skip
    parser.add_argument(
        "--high-density", default="", choices=["", "none", "next_zoom"],
        help="Lighthouse: P2F_MAP_TILES' high_density for this build (default: pelicanconf.py's)",
    )  # fmt: skip
    args = parser.parse_args()
    site = args.site
    if args.build:
        site = build_site()
    results = {name: weigh(site, page) for name, page in PAGES.items()}
    print(f"{'page':<18}{'HTML':>8}{'CSS':>8}{'JS':>8}{'total':>9}   (KB gzip; raw KB)")
    for name, f in results.items():
        flag = "" if f["total"] <= BUDGET_KB * 1024 else f"  over {BUDGET_KB} KB"
        print(
            f"{name:<18}{f['html'] / 1024:>8.1f}{f['css'] / 1024:>8.1f}{f['js'] / 1024:>8.1f}"
            f"{f['total'] / 1024:>9.1f}   ({f['raw'] / 1024:.0f}){flag}"
        )
    report: dict[str, object] = {"weight": results}
    if args.lighthouse:
        only = [name for name in args.only.split(",") if name]
        report["lighthouse"] = lighthouse_table(only, args.tiles_path, args.high_density)
    if args.json:
        args.json.write_text(json.dumps(report, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
