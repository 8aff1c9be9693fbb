"""Time an import of 5,000 DATAtourisme records, then the idempotent re-import, then the check.

    .venv/bin/python bench/import_bench.py [--records 5000] [--no-images] [--keep]

The records are synthetic but made of real ones: the place objects of the committed 2020
flux fixture (tests/importers/fixtures/datatourisme-2020-flux) multiplied with distinct ids
and names, written in the flux layout with the flux's context.jsonld. Each record's picture
URL points at a server on 127.0.0.1 (started here) that serves a 1200x800 JPEG, one URL per
record, so the first import downloads, verifies and stores 5,000 pictures (about as many as
a region's flux holds) and the re-import must reuse them without a request. They are
imported (territory: all of France) into a temporary copy of the small test content, each
step in a fresh subprocess; wall time and peak RSS come from ``os.wait4``. Figures only, no
assertion.
"""

from __future__ import annotations

import argparse
import hashlib
import io
import json
import os
import shutil
import subprocess
import sys
import tempfile
import textwrap
import threading
import time
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = ROOT / ".venv" / "bin" / "python"
FLUX = ROOT / "tests" / "importers" / "fixtures" / "datatourisme-2020-flux"
FRANCE = "41,-5.5,51.5,10"
NOW = "2020-09-01T08:00:00+00:00"


UPSTREAM = "https://centre.media.tourinsoft.eu/upload/"


def make_flux(target: Path, records: int, pictures: str) -> None:
    objects = [json.loads(p.read_text()) for p in sorted((FLUX / "objects").rglob("*.json"))]
    places = [o for o in objects if "schema:Event" not in o["@type"] and "Tour" not in o["@type"]]
    shutil.copy(FLUX / "context.jsonld", target / "context.jsonld")
    for index in range(records):
        text = json.dumps(places[index % len(places)])
        obj = json.loads(text.replace(UPSTREAM, f"{pictures}/{index + 1}/"))
        ident = uuid.UUID(int=index + 1)
        obj["@id"] = f"https://data.datatourisme.gouv.fr/15/{ident}"
        obj["rdfs:label"] = {"fr": [f"{obj['rdfs:label']['fr'][0]} n°{index + 1}"]}
        folder = target / "objects" / ident.hex[0] / ident.hex[:2]
        folder.mkdir(parents=True, exist_ok=True)
        (folder / f"15-{ident}.json").write_text(json.dumps(obj), encoding="utf-8")


def picture() -> bytes:
    """A 1200x800 JPEG with detail (a gradient and noise), ~0.2 MB like a web photo."""
    from PIL import Image

    noise = Image.effect_noise((1200, 800), 40).convert("RGB")
    gradient = Image.linear_gradient("L").resize((1200, 800)).convert("RGB")
    out = io.BytesIO()
    Image.blend(noise, gradient, 0.5).save(out, "JPEG", quality=85)
    return out.getvalue()


def serve_pictures(data: bytes) -> tuple[ThreadingHTTPServer, list[str]]:
    hits: list[str] = []

    class Pictures(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            hits.append(self.path)
            self.send_response(200)
            self.send_header("Content-Type", "image/jpeg")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Pictures)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, hits


def fingerprints(folder: Path) -> dict[Path, str]:
    """A hash per file: holding the bytes (400 MB of pictures) here would show in the
    children's peak RSS, which counts the memory of the process they are forked from."""
    return {
        p: hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def timed(label: str, code: str) -> dict[str, float]:
    started = time.perf_counter()
    child = subprocess.Popen([str(PYTHON), "-c", textwrap.dedent(code)], cwd=ROOT)
    _, status, usage = os.wait4(child.pid, 0)
    seconds = time.perf_counter() - started
    if status != 0:
        sys.exit(f"{label}: failed with status {status}")
    figures = {"seconds": round(seconds, 1), "peak_rss_mb": round(usage.ru_maxrss / 1024)}
    print(f"{label:<28} {figures['seconds']:>7.1f} s   peak RSS {figures['peak_rss_mb']:>5} MB")
    return figures


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--records", type=int, default=5000)
    parser.add_argument("--keep", action="store_true")
    parser.add_argument("--no-images", action="store_true", help="import without pictures")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="import-bench-"))
    server, hits = serve_pictures(picture())
    try:
        flux = work / "flux"
        flux.mkdir()
        make_flux(flux, args.records, f"http://127.0.0.1:{server.server_port}")
        sys.path.insert(0, str(ROOT))
        from tests.conftest import BASE_FILES, PNG

        content = work / "content"
        for name, text in BASE_FILES.items():
            (content / name).parent.mkdir(parents=True, exist_ok=True)
            (content / name).write_text(textwrap.dedent(text), encoding="utf-8")
        (content / "images").mkdir()
        (content / "images" / "veto.png").write_bytes(PNG)
        no_images = ', "--no-images"' if args.no_images else ""
        run = f"""
            import sys
            from p2f_import.cli import main
            sys.exit(main(["datatourisme", "{flux}", "--content", "{content}",
                           "--territory", "{FRANCE}", "--now", "{NOW}",
                           "--report", "{work}/report.md"{no_images}]))
        """
        print(f"import bench: {args.records} DATAtourisme records (real objects multiplied)")
        timed("import (first run)", run)
        before = fingerprints(content)
        requests = len(hits)
        stored = sum(1 for p in before if "images/datatourisme" in str(p))
        print(f"pictures: {requests} requested, {stored} stored")
        timed("re-import (unchanged)", run)
        after = fingerprints(content)
        changed = sum(before.get(p) != b for p, b in after.items())
        print(f"re-import changed {changed} files, made {len(hits) - requests} requests")
        timed("invoke check (all drafts)", f"""
            import io, sys
            from pathlib import Path
            from p2f_model.check import run
            from p2f_model.territory import parse
            out = io.StringIO()
            code = run(Path("{content}"), out, territory=parse("{FRANCE}"))
            print(out.getvalue().splitlines()[-1])
            sys.exit(code)
        """)  # fmt: skip
        print(f"files in content/: {len(after)} ({stored} pictures)")
    finally:
        server.shutdown()
        server.server_close()
        if args.keep:
            print(f"kept {work}")
        else:
            shutil.rmtree(work)


if __name__ == "__main__":
    main()
