"""Publishing bench: bytes and objects uploaded, and what a kiosk downloads after a change.

Runs on a copy of content/ in a temporary folder, publishing to a local folder store:
(a) first publish, (b) publish again with no change, (c) one place's French summary changed.
For (c) it also gives, per site, the objects and bytes a kiosk must fetch: the signed manifest,
the manifest parts it does not hold yet, and the new files they list (what a player holding the
previous release downloads). Target for (c): < 50 KB and < 10 objects per site.

    .venv/bin/python bench/publish_bench.py
"""

from __future__ import annotations

import re
import shutil
import sys
import tempfile
import time
from collections.abc import Iterable
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "plugins"))

from p2f_player.contract import trust  # noqa: E402
from p2f_publish import layout, plan  # noqa: E402
from p2f_publish.publish import publish  # noqa: E402
from p2f_publish.releases import expanded  # noqa: E402
from p2f_publish.stores import LocalStore  # noqa: E402
from p2f_publish.website import read_site  # noqa: E402
from p2f_site.build import build_all  # noqa: E402

BUILD_NOW = "2026-11-26T12:00:00+00:00"


class CountingStore(LocalStore):
    """A local store that counts what is written to it."""

    def __init__(self, root: Path) -> None:
        super().__init__(root)
        self.puts = 0
        self.put_bytes = 0

    def put(self, key: str, data: bytes, *, content_type: str, cache_control: str) -> None:
        super().put(key, data, content_type=content_type, cache_control=cache_control)
        self.puts += 1
        self.put_bytes += len(data)

    def delete(self, keys: Iterable[str]) -> None:
        super().delete(keys)


def build(content: Path, output: Path) -> float:
    started = time.perf_counter()
    overrides = {"PATH": str(content), "P2F_ROOT": str(content.parent), "P2F_NOW": BUILD_NOW}
    build_all(ROOT, ROOT / "pelicanconf.py", output, overrides=overrides)
    return time.perf_counter() - started


def step(name: str, store: CountingStore, output: Path, key: bytes, now: datetime) -> None:
    store.puts = store.put_bytes = 0
    started = time.perf_counter()
    summary = publish(store, output / "kiosk", output / "site", key, now, say=lambda _: None)
    seconds = time.perf_counter() - started
    print(f"({name}) {summary.line()}; {store.puts} writes in all ({store.put_bytes} bytes), "
          f"{len(summary.released)} kiosk releases, {summary.site_pages_copied} website copies, "
          f"{seconds:.2f} s")  # fmt: skip


def website_bytes(site_dir: Path) -> None:
    """The website's bytes as built, and as stored under ``site/`` on S3 (gzip forms)."""
    site = read_site(site_dir)
    size = {path: (site_dir / path).stat().st_size for path in site.files}
    plain = sum(size[path] for path in site.gzipped)
    packed = sum(len(site.packed[site.files[path]]) for path in site.gzipped)
    total = sum(size.values())
    stored = total - plain + packed
    print(f"website: {len(site.files)} files, {total} bytes plain; {len(site.gzipped)} text "
          f"files pre-compressed {plain} -> {packed} bytes; site/ on S3 {total} -> {stored} "
          f"bytes ({100 * stored / max(total, 1):.0f} %)")  # fmt: skip


def live_objects(store: LocalStore) -> dict[str, tuple[dict[str, int], int]]:
    """Per site: every object its live release needs (files and parts, sha256 -> size), and the
    size of its signed manifest."""
    out = {}
    for path in sorted((store.root / "kiosk").glob("*/manifest.json")):
        data = path.read_bytes()
        document = expanded(store, trust.open_envelope(data)[0])
        out[path.parent.name] = (plan.objects_of(document), len(data))
    return out


def change_one_place(content: Path) -> str:
    for place in sorted((content / "lieux").glob("*.md")):
        if place.name.count(".") == 1:  # the French original
            text = place.read_text(encoding="utf-8")
            new, count = re.subn(r"(?m)^summary: .*$", "summary: Nouveau résumé.", text, count=1)
            if count:
                place.write_text(new, encoding="utf-8")
                return place.stem
    raise SystemExit("no place with a summary to change")


def main() -> None:
    private, _ = trust.generate_keypair()
    with tempfile.TemporaryDirectory() as folder:
        work = Path(folder)
        content = work / "content"
        shutil.copytree(ROOT / "content", content)
        output = work / "build"
        store = CountingStore(work / "store")
        now = datetime(2026, 11, 26, 12, 0, tzinfo=UTC)
        print(f"build: {build(content, output):.1f} s")
        step("a: first publish", store, output, private, now)
        website_bytes(output / "site")
        step("b: no change", store, output, private, now + timedelta(minutes=1))
        before = live_objects(store)
        slug = change_one_place(content)
        print(f"build after changing lieux/{slug}.md: {build(content, output):.1f} s")
        step("c: one place changed (fr)", store, output, private, now + timedelta(minutes=2))
        after = live_objects(store)
        worst = (0, 0)
        for site, (objects_needed, manifest_size) in after.items():
            old = before[site][0]
            fetch = {sha: size for sha, size in objects_needed.items() if sha not in old}
            if not fetch and manifest_size == before[site][1]:
                print(f"    kiosk {site}: nothing to download")
                continue
            objects, size = len(fetch) + 1, sum(fetch.values()) + manifest_size
            worst = max(worst, (size, objects))
            print(f"    kiosk {site}: downloads {objects} objects, {size} bytes "
                  f"(manifest {manifest_size} bytes + {len(fetch)} parts and files "
                  f"{sum(fetch.values())} bytes)")  # fmt: skip
        verdict = "OK" if worst[0] < 50_000 and worst[1] < 10 else "OVER TARGET"
        print(f"(c) worst kiosk: {worst[1]} objects, {worst[0]} bytes: {verdict} "
              f"(target < 50000 bytes and < 10 objects)")  # fmt: skip
        print(f"store: {sum(1 for _ in (store.root / layout.object_key('')).iterdir())} objects")


if __name__ == "__main__":
    main()
