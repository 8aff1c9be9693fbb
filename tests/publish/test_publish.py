"""Publishing to a real S3 server (moto over HTTP) and to the local folder store."""

from __future__ import annotations

import gzip
import hashlib
import json
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator

from p2f_player.contract import trust
from p2f_player.contract.manifest import (
    SLIDE_PARTS,
    check_file,
    expand_parts,
    file_part_name,
    json_schema,
)
from p2f_publish import layout, plan, website
from p2f_publish.publish import publish
from p2f_publish.s3 import S3Store
from p2f_publish.stores import LocalStore, Store
from tests.conftest import PLACE
from tests.publish.conftest import BUCKET, NOW, Build
from tests.publish.wrappers import DyingStore, Killed, RecordingStore

SITE = "gare"


def quiet(_: str) -> None:
    pass


def run(store: Store, build: Path, private: bytes, website: bool = True) -> Any:
    return publish(
        store, build / "kiosk", build / "site" if website else None, private, NOW, say=quiet
    )


def fetch(store: Store, public: bytes, last_counter: int | None = None) -> dict[str, Any]:
    """What a player does: verify the live manifest, check it against the schema, fetch and
    check its parts, then every file. Returns the expanded document."""
    signed = trust.verify_manifest(
        store.get(layout.live_key(SITE)), public, now=NOW, last_counter=last_counter
    )
    assert not list(Draft202012Validator(json_schema()).iter_errors(signed))
    assert "files" not in signed and "slides" not in signed  # published in parts form
    document = expand_parts(signed, lambda sha: store.get(layout.object_key(sha)))
    for path, entry in document["files"].items():
        check_file(path, store.get(layout.object_key(entry["sha256"])), document)
    return document


def test_first_publish_to_s3(
    s3_store: S3Store, s3_client: Any, build_fixture: Build, keys: tuple[bytes, bytes]
) -> None:
    build = build_fixture()
    summary = run(s3_store, build, keys[0])
    document = fetch(s3_store, keys[1])
    assert (
        document["files"]
        == json.loads((build / "kiosk" / SITE / "manifest.json").read_bytes())["files"]
    )
    assert document["release"]["counter"] == 1
    assert document["release"]["id"] == summary.release
    assert summary.uploaded > 0 and summary.skipped == 0
    assert summary.line().startswith(f"release {summary.release}: uploaded {summary.uploaded} ")
    # headers: objects immutable and typed, the live manifest short-lived
    _path, entry = next((p, e) for p, e in document["files"].items() if p.endswith(".html"))
    head = s3_client.head_object(Bucket=BUCKET, Key=f"prod/objects/{entry['sha256']}")
    assert head["CacheControl"] == layout.IMMUTABLE
    assert head["ContentType"] == "text/html; charset=utf-8"
    part = next(iter(document["file_parts"].values()))
    head = s3_client.head_object(Bucket=BUCKET, Key=f"prod/objects/{part['sha256']}")
    assert head["CacheControl"] == layout.IMMUTABLE
    assert head["ContentType"] == "application/json"
    live = s3_client.head_object(Bucket=BUCKET, Key=f"prod/{layout.live_key(SITE)}")
    assert live["CacheControl"] == layout.SHORT
    assert live["ContentType"] == "application/json"
    kept = s3_store.get(layout.release_key(SITE, 1))
    assert kept == s3_store.get(layout.live_key(SITE))
    # the website: served copies and an index, entry page with a short cache
    page = s3_client.head_object(Bucket=BUCKET, Key="prod/site/index.html")
    assert page["CacheControl"] == layout.SHORT
    assert page["ContentEncoding"] == "gzip"  # pre-compressed (see the website tests below)
    built = (build / "site" / "index.html").read_bytes()
    assert gzip.decompress(s3_store.get("site/index.html")) == built


def test_publish_again_without_change_uploads_nothing(
    s3_store: S3Store, build_fixture: Build, keys: tuple[bytes, bytes]
) -> None:
    build = build_fixture()
    run(s3_store, build, keys[0])
    recorder = RecordingStore(s3_store)
    summary = run(recorder, build, keys[0])
    assert recorder.written == []
    assert summary.uploaded == 0 and summary.uploaded_bytes == 0
    assert fetch(s3_store, keys[1])["release"]["counter"] == 1


def test_one_place_changed_uploads_only_what_changed(
    s3_store: S3Store, build_fixture: Build, keys: tuple[bytes, bytes]
) -> None:
    build = build_fixture()
    run(s3_store, build, keys[0], website=False)
    before = fetch(s3_store, keys[1])
    edited = PLACE.replace("Urgences vétérinaires 7 j/7.", "Urgences vétérinaires jour et nuit.")
    build = build_fixture({"lieux/veto-pinede.md": edited})
    recorder = RecordingStore(s3_store)
    summary = run(recorder, build, keys[0], website=False)
    after = fetch(s3_store, keys[1], last_counter=1)
    new_hashes = set(plan.objects_of(after)) - set(plan.objects_of(before))
    changed = {p for p, e in after["files"].items() if before["files"].get(p) != e}
    assert changed, "the change must show in some file"
    # all the pages of the place (slide and directory page) are listed in one small part
    assert {file_part_name(p) for p in changed} == {
        name for name, ref in after["file_parts"].items() if ref != before["file_parts"][name]
    }
    assert len({file_part_name(p) for p in changed}) == 1
    assert after[SLIDE_PARTS] == before[SLIDE_PARTS]  # its slide's title did not change
    assert len(new_hashes) == len(changed) + 2  # and its file part, and the index naming it
    objects = [key for key in recorder.written if key.startswith("objects/")]
    assert sorted(objects) == sorted(layout.object_key(sha) for sha in new_hashes)
    assert recorder.written[-2:] == [layout.release_key(SITE, 2), layout.live_key(SITE)]
    assert len(recorder.written) == len(objects) + 2
    assert summary.uploaded == len(objects)
    assert after["release"]["counter"] == 2


@pytest.mark.parametrize("after", [1, 3, "all-but-live"])
def test_publish_killed_half_way_changes_nothing_live(
    s3_store: S3Store, build_fixture: Build, keys: tuple[bytes, bytes], after: int | str
) -> None:
    build = build_fixture()
    run(s3_store, build, keys[0])
    probe_store = LocalStore(build.parent / "probe")
    run(probe_store, build, keys[0])
    live_before = s3_store.get(layout.live_key(SITE))
    site_before = s3_store.get("site/index.html")
    changed = PLACE.replace("Urgences vétérinaires 7 j/7.", "Fermé pour travaux.")
    build = build_fixture({"lieux/veto-pinede.md": changed})
    probe = RecordingStore(probe_store)
    run(probe, build, keys[0])  # how many writes a complete publish of this change makes
    assert probe.written[-1] == layout.live_key(SITE)
    limit = len(probe.written) - 1 if after == "all-but-live" else int(after)
    with pytest.raises(Killed):
        run(DyingStore(s3_store, limit), build, keys[0])
    assert s3_store.get(layout.live_key(SITE)) == live_before
    assert fetch(s3_store, keys[1])["release"]["counter"] == 1
    if after != "all-but-live":
        assert s3_store.get("site/index.html") == site_before
    summary = run(s3_store, build, keys[0])  # the next publish completes the job
    # a counter written by the dead publish is never reused, even though it never went live
    expected = 3 if after == "all-but-live" else 2
    assert fetch(s3_store, keys[1], last_counter=1)["release"]["counter"] == expected
    assert summary.skipped > 0


def test_local_folder_store_has_the_same_layout(
    tmp_path: Path, build_fixture: Build, keys: tuple[bytes, bytes]
) -> None:
    build = build_fixture()
    store = LocalStore(tmp_path / "store")
    summary = run(store, build, keys[0])
    document = fetch(store, keys[1])
    assert (tmp_path / "store" / "kiosk" / SITE / "manifest.json").is_file()
    assert (tmp_path / "store" / "kiosk" / SITE / "releases" / "1.json").is_file()
    for sha in plan.objects_of(document):  # files and manifest parts
        assert (tmp_path / "store" / "objects" / sha).is_file()
    assert (tmp_path / "store" / "site" / "index.html").is_file()
    assert not list((tmp_path / "store").rglob(".tmp-*"))
    assert run(store, build, keys[0]).uploaded == 0
    assert summary.uploaded == len(list((tmp_path / "store" / "objects").iterdir()))


def built_site(build: Path) -> dict[str, bytes]:
    root = build / "site"
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*") if p.is_file()}


def test_website_text_is_served_gzip_compressed_on_s3(
    s3_store: S3Store, s3_client: Any, build_fixture: Build, keys: tuple[bytes, bytes]
) -> None:
    build = build_fixture()
    # whatever the theme makes: a text file too small to gain, a PNG that would compress well
    (build / "site" / "small.txt").write_bytes(b"User-agent: *\n" * 60)  # 840 bytes
    (build / "site" / "images" / "flat.png").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(8000))
    run(s3_store, build, keys[0])
    built = built_site(build)
    compressed, plain = set(), set()
    for path, data in built.items():
        head = s3_client.head_object(Bucket=BUCKET, Key=f"prod/site/{path}")
        assert head["ContentType"] == layout.content_type(path)
        assert head["CacheControl"] == website.cache_control(path)
        stored = s3_store.get(f"site/{path}")
        if head.get("ContentEncoding") == "gzip":
            compressed.add(path)
            assert gzip.decompress(stored) == data  # what a browser gets: the built bytes
            assert len(stored) <= 0.9 * len(data)
        else:
            plain.add(path)
            assert "ContentEncoding" not in head and stored == data
    assert {"index.html", "lieux/veto-pinede/index.html", "theme/js/rules.js"} <= compressed
    assert {"images/veto.png", "images/flat.png", "small.txt"} <= plain
    assert compressed == {p for p, d in built.items() if website.gzip_form(p, d) is not None}
    # kiosk objects are untouched: their exact bytes, never an encoding
    document = fetch(s3_store, keys[1])
    for entry in document["files"].values():
        head = s3_client.head_object(Bucket=BUCKET, Key=f"prod/objects/{entry['sha256']}")
        assert "ContentEncoding" not in head
    # the gzip forms are objects of their own, named after the plain bytes' hash
    index = website.load_index(s3_store, json.loads(s3_store.get(layout.SITE_LIVE)))
    assert set(index.gzipped) == compressed
    sha = index.files["index.html"]
    head = s3_client.head_object(Bucket=BUCKET, Key=f"prod/{layout.gzip_object_key(sha)}")
    assert head["ContentType"] == layout.GZIP_TYPE and "ContentEncoding" not in head
    assert head["CacheControl"] == layout.IMMUTABLE
    # publishing again without a change writes nothing
    recorder = RecordingStore(s3_store)
    summary = run(recorder, build, keys[0])
    assert recorder.written == [] and summary.uploaded == 0


def test_local_store_keeps_plain_files_and_gz_siblings(
    tmp_path: Path, build_fixture: Build, keys: tuple[bytes, bytes]
) -> None:
    build = build_fixture()
    root = tmp_path / "store"
    run(LocalStore(root), build, keys[0])
    built = built_site(build)
    siblings = set()
    for path, data in built.items():
        assert (root / "site" / path).read_bytes() == data  # a plain static server still works
        sibling = root / "site" / f"{path}.gz"
        if sibling.exists():
            siblings.add(path)
            assert gzip.decompress(sibling.read_bytes()) == data  # nginx gzip_static serves it
    assert {"index.html", "theme/js/rules.js"} <= siblings
    assert "images/veto.png" not in siblings
    live = json.loads((root / "site" / "live.json").read_bytes())
    assert siblings == set(website.load_index(LocalStore(root), live).gzipped)
    assert not list(root.rglob(".tmp-*"))
    recorder = RecordingStore(LocalStore(root))
    assert run(recorder, build, keys[0]).uploaded == 0 and recorder.written == []


def test_a_page_changing_between_compressed_and_plain(
    tmp_path: Path,
    s3_store: S3Store,
    s3_client: Any,
    build_fixture: Build,
    keys: tuple[bytes, bytes],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    build = build_fixture()
    local = LocalStore(tmp_path / "store")
    for store in (s3_store, local):
        run(store, build, keys[0])
    assert (tmp_path / "store" / "site" / "index.html.gz").exists()
    monkeypatch.setattr(website, "GZIP_MIN_BYTES", 10**9)  # nothing is worth compressing now
    for store in (s3_store, local):
        recorder = RecordingStore(store)
        run(recorder, build, keys[0])
        # the plain objects are all there: only parts of the website index are new
        index = json.loads(store.get(layout.SITE_LIVE))
        parts = {layout.object_key(ref["sha256"]) for ref in index["parts"].values()}
        assert {key for key in recorder.written if key.startswith("objects/")} <= parts
        assert "site/index.html" in recorder.written
    head = s3_client.head_object(Bucket=BUCKET, Key="prod/site/index.html")
    assert "ContentEncoding" not in head
    assert s3_store.get("site/index.html") == (build / "site" / "index.html").read_bytes()
    assert not list((tmp_path / "store" / "site").rglob("*.gz"))  # no stale sibling left
    assert website.load_index(local, json.loads(local.get(layout.SITE_LIVE))).gzipped == set()
    monkeypatch.undo()  # and back (as after an index written before compression existed)
    for store in (s3_store, local):
        recorder = RecordingStore(store)
        assert run(recorder, build, keys[0]).uploaded == 0  # the .gz objects are still there
        assert "site/index.html" in recorder.written
    assert s3_client.head_object(Bucket=BUCKET, Key="prod/site/index.html")["ContentEncoding"]
    assert (tmp_path / "store" / "site" / "index.html.gz").exists()
    old = {"release": "old", "files": {"a.html": "0" * 64}}  # an index from before parts
    assert website.objects_used(local, old) == {"0" * 64}


def test_gzip_form_is_deterministic_and_only_where_it_helps() -> None:
    text = "".join(f"<p>Ligne {n} du programme de la semaine.</p>\n" for n in range(100))
    data = text.encode()
    packed = website.gzip_form("agenda/index.html", data)
    assert packed is not None and gzip.decompress(packed) == data
    assert website.gzip_form("agenda/index.html", data) == packed  # same input, same bytes
    assert packed[4:8] == b"\0\0\0\0"  # no modification time in the header
    for name in ("style.css", "app.js", "feed.xml", "a.json", "b.geojson", "c.ics", "d.svg"):
        assert website.gzip_form(name, data) is not None, name
    assert website.gzip_form("photo.png", data) is None  # not a text type
    assert website.gzip_form("pagefind/fragment/x.pf_fragment", data) is None
    assert website.gzip_form("small.html", data[:1000]) is None  # too small to gain
    noise = b"".join(hashlib.sha512(bytes([n])).digest() for n in range(64))  # 4 KB, random
    assert website.gzip_form("noise.txt", noise) is None  # would save less than 10 %
