"""Publishing bench: what a publish uploads and what each kiosk downloads, as the corpus grows.

For each size (``sample``: the repository's content/; a number: a corpus of that many documents
from bench/gen_corpus.py), it builds the corpus, then a copy with one place's French summary
changed, and publishes to a fresh store:

(a) first publish; the players' caches are then seeded with the release's files and parts
    (what a screen that synced it holds) and each player syncs once;
(b) publish again with no change, then each player syncs (a conditional GET: nothing new);
(c) publish the edited build, then each player syncs: the real ``p2f_player.sync.Syncer``,
    its requests and bytes counted on the way.

Stores: ``s3`` (moto over HTTP on 127.0.0.1, the players reading it over HTTP) or ``folder``
(``LocalStore``, the players reading it as a folder source); same publish and sync code, same
objects and bytes. Target for (c): < 50 KB and < 10 objects per player.

    .venv/bin/python bench/publish_bench.py                       # sample, s3
    .venv/bin/python bench/publish_bench.py --sizes sample,20000 --workdir /tmp/bench20k \\
        --store folder

With ``--workdir`` the corpora and builds are kept there and reused (a 20,000-document build
takes many minutes): ``corpus-<n>/build-a`` and ``corpus-<n>-c/build-c``, each with ``DONE``.
Figures that do not depend on load (objects, bytes) are exact; seconds are upper bounds.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import re
import shutil
import sys
import tempfile
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "plugins"))
sys.path.insert(0, str(ROOT / "bench"))

from p2f_player.contract import trust  # noqa: E402
from p2f_player.contract.manifest import parse_manifest, split_into_parts  # noqa: E402
from p2f_player.sources import FolderSource, S3Source, Source  # noqa: E402
from p2f_player.store import Store as PlayerStore  # noqa: E402
from p2f_player.sync import Syncer  # noqa: E402
from p2f_publish.publish import publish  # noqa: E402
from p2f_publish.stores import LocalStore, Store  # noqa: E402

BUILD_NOW = "2026-11-26T12:00:00+00:00"
NOW = datetime(2026, 11, 26, 12, 0, tzinfo=UTC)
BUCKET = "livep2f"
# Figures before this round, printed under the table. Sample: the former bench (folder store,
# load ~3-17). 5k: computed from the same builds with the former layout (docs/publishing.md).
PREVIOUS = {
    "sample": "(c) 51 writes, 1,049,357 bytes up (the website index written whole twice); "
    "worst kiosk 3 objects, 22,540 bytes down; (b) 15.4 s",
    "5000": "(c) ~9,300,000 bytes up (the website index, 3.68 MB, twice); worst kiosk "
    "9 objects, ~130,000 bytes down",
}


class CountingStore:
    """Passes everything to ``inner``; counts what is written (objects, bytes) and listed."""

    def __init__(self, inner: Store) -> None:
        self.inner, self.url = inner, inner.url
        self.writes = self.write_bytes = self.copies = self.lists = 0

    def reset(self) -> None:
        self.writes = self.write_bytes = self.copies = self.lists = 0

    def list_keys(self, prefix: str) -> set[str]:
        self.lists += 1
        return self.inner.list_keys(prefix)

    def get(self, key: str) -> bytes:
        return self.inner.get(key)

    def put(self, key: str, data: bytes, *, content_type: str, cache_control: str) -> None:
        self.inner.put(key, data, content_type=content_type, cache_control=cache_control)
        self.writes, self.write_bytes = self.writes + 1, self.write_bytes + len(data)

    def create(self, key: str, data: bytes, *, content_type: str, cache_control: str) -> None:
        self.inner.create(key, data, content_type=content_type, cache_control=cache_control)
        self.writes, self.write_bytes = self.writes + 1, self.write_bytes + len(data)

    def copy(self, source: str, key: str, **headers: Any) -> None:
        self.inner.copy(source, key, **headers)
        self.copies += 1

    def delete(self, keys: Iterable[str]) -> None:
        self.inner.delete(keys)


@dataclass
class CountingSource:
    """A player's source that counts the answers it gets: objects (with bytes) and 304s."""

    inner: Source
    objects: int = 0
    bytes: int = 0
    not_modified: int = 0

    def fetch(self, key: str, etag: str | None = None, *, max_bytes: int = 8 << 20) -> Any:
        fetched = self.inner.fetch(key, etag, max_bytes=max_bytes)
        if fetched is None:
            self.not_modified += 1
        else:
            self.objects, self.bytes = self.objects + 1, self.bytes + len(fetched.data)
        return fetched

    def put(self, key: str, data: bytes) -> None:
        self.inner.put(key, data)

    def describe(self) -> str:
        return self.inner.describe()


@dataclass
class Row:
    size: str
    change: str
    objects_up: int
    bytes_up: int
    copies: int
    publish_s: float
    down: list[tuple[int, int]] = field(default_factory=list)  # per player: objects, bytes
    sync_s: float = 0.0
    load: float = 0.0


# -- corpora and builds ----------------------------------------------------------------------


def build(corpus: Path, output: Path) -> None:
    """Build ``corpus/content`` into ``output`` once; ``output/DONE`` marks a finished one."""
    from p2f_site.build import build_all

    if (output / "DONE").exists():
        print(f"  reusing {output}")
        return
    started = time.perf_counter()
    overrides = {"PATH": str(corpus / "content"), "P2F_ROOT": str(corpus), "P2F_NOW": BUILD_NOW}
    build_all(corpus, ROOT / "pelicanconf.py", output, overrides=overrides)
    (output / "DONE").write_text("built\n", encoding="utf-8")
    print(f"  built {output} in {time.perf_counter() - started:.0f} s, load {load():.1f}")


def change_one_place(content: Path) -> str:
    for place in sorted((content / "lieux").glob("*.md")):
        if place.name.count(".") == 1:  # the French original
            text = place.read_text(encoding="utf-8")
            new, count = re.subn(r"(?m)^summary: .*$", "summary: Nouveau résumé.", text, count=1)
            if count:
                place.write_text(new, encoding="utf-8")
                return place.stem
    raise SystemExit(f"{content}: no place with a summary to change")


def edit_output(build_a: Path, build_c: Path, content: Path) -> None:
    """Stand-in for a rebuild when there is no time for one (``--edit output``): ``build_c``
    is ``build_a`` (hard links) with the pages of one place changed, website and kiosks (their
    manifests updated). It leaves out what the place's summary changes in lists and in the
    search index, so it understates a real edit a little."""
    from p2f_player.contract.manifest import file_entry

    slug = change_one_place(content)
    shutil.rmtree(build_c, ignore_errors=True)
    for name in ("site", "kiosk"):  # (build_a/<name> are links to its current build)
        shutil.copytree(build_a / name, build_c / name, copy_function=os.link)
    own = re.compile(rf"(^|/){re.escape(slug)}(/|\.)")
    changed: dict[Path, bytes] = {}
    for path in sorted(build_c.rglob("*.html")):
        if own.search(path.relative_to(build_c).as_posix()):
            data = path.read_bytes() + b"<!-- Nouveau r\xc3\xa9sum\xc3\xa9. -->\n"
            path.unlink()  # a hard link into build_a: never write through it
            path.write_bytes(data)
            changed[path] = data
    for manifest in sorted((build_c / "kiosk").glob("*/manifest.json")):
        document = json.loads(manifest.read_bytes())
        for path in document["files"]:
            data = changed.get(manifest.parent / path)
            if data is not None:
                found = file_entry(data)
                document["files"][path] = {"size": found.size, "sha256": found.sha256}
        manifest.unlink()
        manifest.write_text(json.dumps(document, ensure_ascii=False, indent=1), "utf-8")
    (build_c / "DONE").write_text(f"edited output: {len(changed)} pages of {slug}\n", "utf-8")
    print(f"  changed lieux/{slug}.md: {len(changed)} built pages edited in place of a rebuild")


def prepare(size: str, workdir: Path, edit: str = "rebuild") -> tuple[Path, Path]:
    """The base build and the build with one place changed, made once per ``workdir``."""
    base = workdir / f"corpus-{size}"
    edited = workdir / f"corpus-{size}-c"
    if not (base / "content").exists():
        if size == "sample":
            shutil.copytree(ROOT / "content", base / "content")
        else:
            import gen_corpus

            gen_corpus.generate(int(size), base)
    build(base, base / "build-a")
    if edit == "output" and not (edited / "build-c" / "DONE").exists():
        shutil.rmtree(edited / "content", ignore_errors=True)
        shutil.copytree(base / "content", edited / "content")
        edit_output(base / "build-a", edited / "build-c", edited / "content")
    if not (edited / "build-c" / "DONE").exists():
        shutil.rmtree(edited / "content", ignore_errors=True)
        shutil.copytree(base / "content", edited / "content")
        print(f"  changed lieux/{change_one_place(edited / 'content')}.md")
    build(edited, edited / "build-c")
    return base / "build-a", edited / "build-c"


# -- stores and players ----------------------------------------------------------------------


def open_store(kind: str, work: Path) -> tuple[Store, Any]:
    """The store to publish to, and a function giving a player's source for it."""
    if kind == "folder":
        root = work / "store"
        return LocalStore(root), lambda: FolderSource(root)
    import boto3
    from botocore.config import Config
    from moto.server import ThreadedMotoServer

    from p2f_publish.s3 import S3Store

    logging.getLogger("werkzeug").setLevel(logging.WARNING)  # one line per request otherwise
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    endpoint = f"http://{host}:{port}"
    client = boto3.client(
        "s3",
        endpoint_url=endpoint,
        region_name="us-east-1",
        aws_access_key_id="bench",
        aws_secret_access_key="bench",
        config=Config(s3={"addressing_style": "path"}),
    )
    client.create_bucket(Bucket=BUCKET)
    # players read with presigned GETs (p2f_player.sources.S3Source), as from a private bucket
    os.environ.setdefault("AWS_ACCESS_KEY_ID", "bench")
    os.environ.setdefault("AWS_SECRET_ACCESS_KEY", "bench")
    return S3Store(BUCKET, "prod", client=client), lambda: S3Source(BUCKET, "prod", endpoint)


def seed_player(cache: Path, bundle: Path) -> None:
    """What a screen that synced ``bundle``'s release holds: its files and manifest parts."""
    objects = cache / "objects"
    objects.mkdir(parents=True, exist_ok=True)
    document = parse_manifest((bundle / "manifest.json").read_bytes())
    for path, entry in document["files"].items():
        target = objects / entry["sha256"]
        if not target.exists():
            os.link(bundle / path, target)
    for sha, data in split_into_parts(document)[1].items():
        (objects / sha).write_bytes(data)


def sync_all(players: dict[str, tuple[Syncer, CountingSource]], now: datetime) -> list[Any]:
    down = []
    for site, (syncer, source) in players.items():
        source.objects = source.bytes = source.not_modified = 0
        result = syncer.sync_once(now)
        if not result.ok:
            raise SystemExit(f"player {site}: sync {result.status}: {result.reason}")
        down.append((source.objects, source.bytes))
    return down


# -- one size --------------------------------------------------------------------------------


def load() -> float:
    return os.getloadavg()[0]


def bench_size(size: str, workdir: Path, kind: str, players_max: int, edit: str) -> list[Row]:
    print(f"size {size}: builds (load {load():.1f})")
    build_a, build_c = prepare(size, workdir, edit)
    private, public = trust.generate_keypair()
    rows = []
    with tempfile.TemporaryDirectory(dir=workdir) as folder:
        work = Path(folder)
        inner, source_of = open_store(kind, work)
        store = CountingStore(inner)
        sites = sorted(p.parent.name for p in (build_a / "kiosk").glob("*/manifest.json"))
        players: dict[str, tuple[Syncer, CountingSource]] = {}

        def step(change: str, output: Path, minutes: int) -> Row:
            store.reset()
            started = time.perf_counter()
            summary = publish(
                store, output / "kiosk", output / "site", private, NOW + timedelta(minutes=minutes),
                say=lambda _: None,
            )  # fmt: skip
            row = Row(size, change, summary.uploaded, store.write_bytes, store.copies, 0.0)
            row.publish_s = time.perf_counter() - started
            row.objects_up = store.writes  # every write: objects, indexes, manifests
            started = time.perf_counter()
            row.down = sync_all(players, NOW + timedelta(minutes=minutes, seconds=30))
            row.sync_s = (time.perf_counter() - started) / max(len(players), 1)
            row.load = load()
            print(f"  ({change}) {summary.line()}; {store.writes} writes, {store.write_bytes} "
                  f"bytes, {store.copies} copies, {store.lists} listings, "
                  f"{row.publish_s:.1f} s; players: {row.down}")  # fmt: skip
            return row

        rows.append(step("first", build_a, 0))
        for site in sites[:players_max]:
            cache = work / f"player-{site}"
            seed_player(cache, build_a / "kiosk" / site)
            source = CountingSource(source_of())
            players[site] = (Syncer(site, source, PlayerStore(cache), public), source)
        seeded = sync_all(players, NOW + timedelta(seconds=30))
        print(f"  players seeded with release (a), then synced: {seeded}")
        rows.append(step("none", build_a, 1))
        rows.append(step("one item", build_c, 2))
    return rows


def print_table(rows: list[Row]) -> None:
    print()
    print(f"{'size':>7} {'change':>9} {'objects up':>10} {'bytes up':>11} {'copies':>6} "
          f"{'obj down/player':>15} {'bytes down/player':>17} {'publish s':>9} "
          f"{'sync s/player':>13} {'load':>5}")  # fmt: skip
    for r in rows:
        objects = max((o for o, _ in r.down), default=0)
        size = max((b for _, b in r.down), default=0)
        print(f"{r.size:>7} {r.change:>9} {r.objects_up:>10} {r.bytes_up:>11} {r.copies:>6} "
              f"{objects:>15} {size:>17} {r.publish_s:>9.1f} {r.sync_s:>13.2f} "
              f"{r.load:>5.1f}")  # fmt: skip
    print("(objects down/player and bytes down/player: the worst player; objects up: writes)")
    for size, before in PREVIOUS.items():
        if any(r.size == size for r in rows):
            print(f"previous {size}: {before}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="sample", help="comma list: sample and/or numbers")
    parser.add_argument("--workdir", type=Path, help="keep and reuse corpora and builds here")
    parser.add_argument("--store", choices=("s3", "folder"), default="s3")
    parser.add_argument("--players", type=int, default=12, help="players measured per size")
    parser.add_argument(
        "--edit", choices=("rebuild", "output"), default="rebuild",
        help="(c) from a real rebuild, or the place's built pages edited (see edit_output)",
    )  # fmt: skip
    args = parser.parse_args(argv)
    rows: list[Row] = []
    with tempfile.TemporaryDirectory() as scratch:
        workdir = args.workdir or Path(scratch)
        workdir.mkdir(parents=True, exist_ok=True)
        for size in args.sizes.split(","):
            rows.extend(bench_size(size.strip(), workdir, args.store, args.players, args.edit))
    print_table(rows)
    worst = [r for r in rows if r.change == "one item"]
    for r in worst:
        objects = max((o for o, _ in r.down), default=0)
        size = max((b for _, b in r.down), default=0)
        verdict = "OK" if size < 50_000 and objects < 10 else "OVER TARGET"
        print(
            f"{r.size} (c) worst player: {objects} objects, {size} bytes: {verdict} "
            "(target < 50000 bytes and < 10 objects)"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
