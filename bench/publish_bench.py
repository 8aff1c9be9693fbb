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
import contextlib
import json
import logging
import os
import re
import shutil
import sys
import tempfile
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "plugins"))
sys.path.insert(0, str(ROOT / "bench"))

from p2f_player.contract import trust  # noqa: E402
from p2f_player.contract.manifest import (  # noqa: E402
    parse_manifest,
    part_objects,
    split_into_parts,
)
from p2f_player.sources import FolderSource, S3Source, Source  # noqa: E402
from p2f_player.store import Store as PlayerStore  # noqa: E402
from p2f_player.sync import Syncer  # noqa: E402
from p2f_publish.publish import BUILT_MANIFEST_MAX_BYTES, publish  # noqa: E402
from p2f_publish.stores import LocalStore, Store  # noqa: E402

BUILD_NOW = "2026-11-26T12:00:00+00:00"
NOW = datetime(2026, 11, 26, 12, 0, tzinfo=UTC)
BUCKET = "livep2f"
# Figures of an earlier run (or computed for the former layout), printed next to this run's:
# ``--record`` writes this run's figures there, to compare the next change with.
PREVIOUS_FILE = Path(__file__).with_name("publish_bench_previous.json")
FIGURES = (
    ("objects_up", "objects up"),
    ("bytes_up", "bytes up"),
    ("worst_objects", "worst player: objects down"),
    ("worst_bytes", "worst player: bytes down"),
    ("median_objects", "median player: objects down"),
    ("median_bytes", "median player: bytes down"),
    ("envelope_bytes", "worst player: of which signed manifest"),
    ("parts_bytes", "worst player: of which manifest parts"),
)


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
    fetched: dict[str, int] = field(default_factory=dict)  # key: bytes

    def fetch(self, key: str, etag: str | None = None, *, max_bytes: int = 8 << 20) -> Any:
        fetched = self.inner.fetch(key, etag, max_bytes=max_bytes)
        if fetched is None:
            self.not_modified += 1
        else:
            self.objects, self.bytes = self.objects + 1, self.bytes + len(fetched.data)
            self.fetched[key] = len(fetched.data)
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
    # the worst player's download: (signed manifest bytes, manifest parts bytes)
    worst_split: tuple[int, int] = (0, 0)

    def figures(self) -> dict[str, int]:
        """The figures compared with earlier runs (``FIGURES``)."""
        objects = sorted(o for o, _ in self.down) or [0]
        sizes = sorted(b for _, b in self.down) or [0]
        return {
            "objects_up": self.objects_up,
            "bytes_up": self.bytes_up,
            "worst_objects": objects[-1],
            "worst_bytes": sizes[-1],
            "median_objects": objects[len(objects) // 2],
            "median_bytes": sizes[len(sizes) // 2],
            "envelope_bytes": self.worst_split[0],
            "parts_bytes": self.worst_split[1],
        }


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
    document = parse_manifest((bundle / "manifest.json").read_bytes(), BUILT_MANIFEST_MAX_BYTES)
    for path, entry in document["files"].items():
        target = objects / entry["sha256"]
        if not target.exists():
            os.link(bundle / path, target)
    for sha, data in split_into_parts(document)[1].items():
        (objects / sha).write_bytes(data)


def sync_all(
    players: dict[str, tuple[Syncer, CountingSource]], now: datetime
) -> tuple[list[Any], tuple[int, int]]:
    """Each player syncs once: per player (objects, bytes) fetched, and for the player that
    fetched the most bytes, how many of them were its signed manifest and its manifest parts."""
    down, splits = [], []
    for site, (syncer, source) in players.items():
        source.objects = source.bytes = source.not_modified = 0
        source.fetched = {}
        result = syncer.sync_once(now)
        if not result.ok:
            raise SystemExit(f"player {site}: sync {result.status}: {result.reason}")
        down.append((source.objects, source.bytes))
        held = set(part_objects(syncer.store.release("current").document))
        envelope = sum(n for key, n in source.fetched.items() if key.startswith("kiosk/"))
        parts = sum(n for key, n in source.fetched.items() if key.split("/")[-1] in held)
        splits.append((source.bytes, envelope, parts))
    worst = max(splits, default=(0, 0, 0))
    return down, worst[1:]


# -- one size --------------------------------------------------------------------------------


def load() -> float:
    return os.getloadavg()[0]


@contextlib.contextmanager
def scratch_writes(scratch: bool) -> Iterator[None]:
    """With ``scratch``, ``os.fsync`` does nothing: the first publish of a 20,000-document
    site writes ~500,000 objects to a scratch folder, where an fsync each takes longer than
    the rest of the bench and changes none of its figures (objects, bytes)."""
    if not scratch:
        yield
        return
    fsync = os.fsync
    os.fsync = lambda fd: None
    try:
        yield
    finally:
        os.fsync = fsync


def bench_size(
    size: str, workdir: Path, kind: str, players_max: int, edit: str, unchanged: bool = True
) -> list[Row]:
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
            with scratch_writes(kind == "folder" and change == "first"):
                summary = publish(
                    store, output / "kiosk", output / "site", private,
                    NOW + timedelta(minutes=minutes), say=lambda _: None,
                )  # fmt: skip
            row = Row(size, change, summary.uploaded, store.write_bytes, store.copies, 0.0)
            row.publish_s = time.perf_counter() - started
            row.objects_up = store.writes  # every write: objects, indexes, manifests
            started = time.perf_counter()
            row.down, row.worst_split = sync_all(
                players, NOW + timedelta(minutes=minutes, seconds=30)
            )
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
        seeded, _ = sync_all(players, NOW + timedelta(seconds=30))
        print(f"  players seeded with release (a), then synced: {seeded}")
        if unchanged:
            rows.append(step("none", build_a, 1))
        rows.append(step("one item", build_c, 2))
    return rows


def bench_kiosk_only(size: str, workdir: Path, players_max: int, edit: str) -> list[Row]:
    """The kiosk half of (c) without a publish of (a): for a size whose first publish takes
    longer than there is time for (~500,000 objects at 20,000 documents on a loaded machine).
    A folder store gets (a)'s signed manifests (its objects are not written: the players
    hold them, seeded as in ``bench_size``), the players sync (a); then, as ``publish`` would
    write them (``plan.with_release``, ``split_into_parts``, ``trust.sign_manifest``), (c)'s
    objects that (a) lacks and its signed manifests, written twice (release and live) for
    each site whose content changed; the players sync with the real ``Syncer``. Same objects
    and bytes for the kiosks as a real publish; the website is left out (its row says so)."""
    from p2f_publish import layout, plan

    print(f"size {size}: builds (load {load():.1f})")
    build_a, build_c = prepare(size, workdir, edit)
    private, public = trust.generate_keypair()
    with tempfile.TemporaryDirectory(dir=workdir) as folder:
        work = Path(folder)
        store = CountingStore(LocalStore(work / "store"))
        sites = sorted(p.parent.name for p in (build_a / "kiosk").glob("*/manifest.json"))
        held: set[str] = set()

        def put(output: Path, counter: int, minutes: int, objects: bool) -> int:
            changed = 0
            for site in sites:
                full = parse_manifest(
                    (output / "kiosk" / site / "manifest.json").read_bytes(),
                    BUILT_MANIFEST_MAX_BYTES,
                )
                parted, parts = split_into_parts(full)
                live = store.inner.get(layout.live_key(site)) if counter > 1 else None
                if live and plan.content_digest(trust.open_envelope(live)[0]) == (
                    plan.content_digest(parted)
                ):
                    continue
                changed += 1
                if objects:
                    for path, entry in full["files"].items():
                        if entry["sha256"] not in held:
                            data = (output / "kiosk" / site / path).read_bytes()
                            store.put(layout.object_key(entry["sha256"]), data,
                                      content_type="", cache_control="")  # fmt: skip
                            held.add(entry["sha256"])
                    for sha, data in parts.items():
                        if sha not in held:
                            store.put(layout.object_key(sha), data, content_type="",
                                      cache_control="")  # fmt: skip
                            held.add(sha)
                document = plan.with_release(
                    parted, release=f"r{counter}", counter=counter,
                    now=NOW + timedelta(minutes=minutes),
                )  # fmt: skip
                envelope = trust.sign_manifest(document, private)
                for key in (layout.release_key(site, counter), layout.live_key(site)):
                    store.put(key, envelope, content_type="", cache_control="")
            return changed

        put(build_a, 1, 0, objects=False)
        for site in sites:
            full = parse_manifest(
                (build_a / "kiosk" / site / "manifest.json").read_bytes(), BUILT_MANIFEST_MAX_BYTES
            )
            held.update(e["sha256"] for e in full["files"].values())
            held.update(split_into_parts(full)[1])
        players: dict[str, tuple[Syncer, CountingSource]] = {}
        for site in sites[:players_max]:
            cache = work / f"player-{site}"
            seed_player(cache, build_a / "kiosk" / site)
            source = CountingSource(FolderSource(work / "store"))
            players[site] = (Syncer(site, source, PlayerStore(cache), public), source)
        seeded, _ = sync_all(players, NOW + timedelta(seconds=30))
        print(f"  players seeded with release (a), then synced: {seeded}")
        store.reset()
        started = time.perf_counter()
        changed = put(build_c, 2, 2, objects=True)
        row = Row(size, "kiosk only", store.writes, store.write_bytes, 0, 0.0)
        row.publish_s = time.perf_counter() - started
        started = time.perf_counter()
        row.down, row.worst_split = sync_all(players, NOW + timedelta(minutes=2, seconds=30))
        row.sync_s = (time.perf_counter() - started) / max(len(players), 1)
        row.load = load()
        print(f"  (c, kiosks only) {changed} sites changed; {store.writes} writes, "
              f"{store.write_bytes} bytes; players: {row.down}")  # fmt: skip
    return [row]


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


def figures_key(row: Row) -> str:
    """Where a row's figures are kept in ``PREVIOUS_FILE``: the size, ``<size>-kiosks`` for
    ``--kiosk-only`` (no website in its bytes up)."""
    return row.size + ("-kiosks" if row.change == "kiosk only" else "")


def read_previous() -> dict[str, Any]:
    if not PREVIOUS_FILE.exists():
        return {}
    previous: dict[str, Any] = json.loads(PREVIOUS_FILE.read_text(encoding="utf-8"))
    return previous


def print_comparison(rows: list[Row], previous: dict[str, Any]) -> None:
    """A one-item edit at each size run, side by side, each figure next to the previous one
    (``PREVIOUS_FILE``: what it is and when it was measured is in its ``note``)."""
    edits = [r for r in rows if r.change in ("one item", "kiosk only")]
    if not edits:
        return
    print()
    print(
        "one-item edit, previous -> now" + (f" (previous: {previous['note']})" if previous else "")
    )
    sizes = [r.size + (" (kiosks)" if r.change == "kiosk only" else "") for r in edits]
    print(f"{'':40}" + "".join(f"{size:>26}" for size in sizes))
    for key, label in FIGURES:
        cells = []
        for r in edits:
            now = r.figures()[key]
            before = previous.get("sizes", {}).get(figures_key(r), {}).get(key)
            cells.append(f"{'—' if before is None else f'{before:,}'} -> {now:,}")
        print(f"{label:40}" + "".join(f"{cell:>26}" for cell in cells))
    print(f"{'load average at the edit':40}" + "".join(f"{r.load:>26.1f}" for r in edits))


def record(rows: list[Row], note: str) -> None:
    """Write this run's one-item figures to ``PREVIOUS_FILE``, keeping other sizes' figures."""
    previous = read_previous()
    sizes = previous.get("sizes", {})
    for r in rows:
        if r.change in ("one item", "kiosk only"):
            sizes[figures_key(r)] = r.figures()
    PREVIOUS_FILE.write_text(
        json.dumps({"note": note, "sizes": sizes}, indent=1, ensure_ascii=False) + "\n", "utf-8"
    )
    print(f"recorded as the previous figures: {PREVIOUS_FILE}")


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
    parser.add_argument(
        "--no-unchanged", action="store_true", help="skip (b), the publish with no change"
    )
    parser.add_argument(
        "--kiosk-only", action="store_true",
        help="(c) for the kiosks only, without publishing (a) first (see bench_kiosk_only)",
    )  # fmt: skip
    parser.add_argument(
        "--record", metavar="NOTE",
        help=f"write this run's one-item figures to {PREVIOUS_FILE.name}, with NOTE",
    )  # fmt: skip
    args = parser.parse_args(argv)
    previous = read_previous()  # before this run can overwrite it
    rows: list[Row] = []
    with tempfile.TemporaryDirectory() as scratch:
        workdir = args.workdir or Path(scratch)
        workdir.mkdir(parents=True, exist_ok=True)
        for size in args.sizes.split(","):
            if args.kiosk_only:
                rows.extend(bench_kiosk_only(size.strip(), workdir, args.players, args.edit))
                continue
            rows.extend(
                bench_size(
                    size.strip(), workdir, args.store, args.players, args.edit,
                    unchanged=not args.no_unchanged,
                )
            )  # fmt: skip
    print_table(rows)
    print_comparison(rows, previous)
    if args.record:
        record(rows, args.record)
    worst = [r for r in rows if r.change in ("one item", "kiosk only")]
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
