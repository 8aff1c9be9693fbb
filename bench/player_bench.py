"""Bench of the kiosk player core (issue 5). Prints one JSON document of figures.

    .venv/bin/python bench/player_bench.py [--rss-seconds 600] [--site gare]

Measures, on this machine:
- first sync of a site's bundle (``build/kiosk/<site>/``, run ``invoke build`` first) from a
  real S3 server (moto, 127.0.0.1) and from a local folder: seconds, files, bytes;
- a one-item update (one slide's pages change in every language): seconds, files, bytes;
- scheduler decisions per second (the real manifest, a rolling hour of history);
- journal appends per second (SQLite WAL, one transaction per event, as the player does);
- the share-of-voice error over a simulated week with three sponsors (worst and mean of
  |measured - booked| / booked per partner-hour, and the same in percentage points);
- RSS of a headless ``p2f-player run`` with 1-second slides (10-second slides on a clock
  running 10x) over ``--rss-seconds`` of wall time: first sample after warm-up, max, last.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from p2f_player.contract import trust  # noqa: E402
from p2f_player.contract.manifest import file_entry  # noqa: E402
from p2f_player.contract.rules import PARIS, to_local  # noqa: E402
from p2f_player.journal import Journal  # noqa: E402
from p2f_player.scheduler import Plan, Play, select_slide  # noqa: E402
from p2f_player.sources import FolderSource, S3Source  # noqa: E402
from p2f_player.store import Store  # noqa: E402
from p2f_player.sync import Syncer  # noqa: E402


def bundle(site: str) -> tuple[dict[str, Any], dict[str, bytes]]:
    folder = ROOT / "build" / "kiosk" / site
    document = json.loads((folder / "manifest.json").read_text())
    files = {path: (folder / path).read_bytes() for path in document["files"]}
    return document, files


def release(
    document: dict[str, Any], files: dict[str, bytes], counter: int, now: datetime
) -> dict[str, Any]:
    out = dict(document)
    out["release"] = {
        "id": f"bench-{counter}",
        "counter": counter,
        "created": (now - timedelta(hours=1)).isoformat(timespec="seconds"),
        "expires": (now + timedelta(days=14)).isoformat(timespec="seconds"),
    }
    out["files"] = {
        p: {"size": e.size, "sha256": e.sha256}
        for p, e in ((p, file_entry(d)) for p, d in files.items())
    }
    return out


def publish(
    put: Any, site: str, document: dict[str, Any], files: dict[str, bytes], private: bytes
) -> None:
    for data in files.values():
        put(f"objects/{hashlib.sha256(data).hexdigest()}", data)
    put(f"kiosk/{site}/manifest.json", trust.sign_manifest(document, private))


def bench_sync(site: str, work: Path, endpoint: str | None) -> dict[str, Any]:
    private, public = trust.generate_keypair()
    now = datetime.now(UTC)
    document, files = bundle(site)
    changed = dict(files)
    item = document["slides"][0]
    for page in item["pages"].values():
        changed[page] = files[page].replace(b"</h1>", b" (mis \xc3\xa0 jour)</h1>", 1)
    first, second = release(document, files, 1, now), release(document, changed, 2, now)
    out: dict[str, Any] = {
        "site": site,
        "slides": len(document["slides"]),
        "files": len(files),
        "bundle_bytes": sum(map(len, files.values())),
        "one_item": item["id"],
    }
    targets: dict[str, tuple[Any, Any]] = {}
    folder = work / "bucket"
    targets["folder"] = (FolderSource(folder).put, FolderSource(folder))
    if endpoint:
        import boto3
        from botocore.config import Config

        admin = boto3.client(
            "s3",
            endpoint_url=endpoint,
            region_name="us-east-1",
            aws_access_key_id="x",
            aws_secret_access_key="x",
            config=Config(s3={"addressing_style": "path"}),
        )
        bucket = f"bench-{uuid.uuid4().hex[:8]}"
        admin.create_bucket(Bucket=bucket)
        targets["s3"] = (
            lambda k, d: admin.put_object(Bucket=bucket, Key=f"p2f/{k}", Body=d),
            S3Source(bucket, "p2f", endpoint),
        )
    for name, (put, source) in targets.items():
        cache = work / f"cache-{name}"
        syncer = Syncer(site, source, Store(cache), public)
        publish(put, site, first, files, private)
        started = time.perf_counter()
        result = syncer.sync_once(now)
        first_s = time.perf_counter() - started
        started = time.perf_counter()
        unchanged = syncer.sync_once(now)
        poll_s = time.perf_counter() - started
        publish(put, site, second, changed, private)
        started = time.perf_counter()
        update = syncer.sync_once(now)
        update_s = time.perf_counter() - started
        assert result.status == "updated" and update.status == "updated", (result, update)
        out[name] = {
            "first_sync_s": round(first_s, 3),
            "first_sync_files": result.downloaded_files,
            "first_sync_bytes": result.downloaded_bytes,
            "unchanged_poll_s": round(poll_s, 4),
            "unchanged_poll_status": unchanged.status,
            "update_s": round(update_s, 3),
            "update_files": update.downloaded_files,
            "update_bytes": update.downloaded_bytes,
        }
    return out


def bench_scheduler(site: str, decisions: int = 20_000) -> dict[str, Any]:
    document, _ = bundle(site)
    plan = Plan.from_manifest(document)
    now = datetime(2026, 7, 14, 6, 0, tzinfo=PARIS).astimezone(UTC)
    recent: list[Play] = []
    started = time.perf_counter()
    for _ in range(decisions):
        recent = [p for p in recent if p.start > now - timedelta(minutes=65)]
        decision = select_slide(plan, recent, now)
        recent.append(Play(decision.slide_id, None, now, (decision.until - now).total_seconds()))
        now = decision.until
    elapsed = time.perf_counter() - started
    return {
        "decisions": decisions,
        "decisions_per_s": round(decisions / elapsed),
        "history_len": len(recent),
        "slides": len(plan.slides),
    }


def bench_journal(work: Path, events: int = 5_000) -> dict[str, Any]:
    journal = Journal(work / "bench-journal.sqlite", "gare", "gare")
    at = datetime.now(UTC)
    started = time.perf_counter()
    for i in range(events):
        journal.append("slide", at, {"slide": f"s{i % 40}", "lang": "fr", "completed": True})
    elapsed = time.perf_counter() - started
    journal.close()
    return {"events": events, "appends_per_s": round(events / elapsed)}


def bench_share_of_voice() -> dict[str, Any]:
    sys.path.insert(0, str(ROOT))
    from tests.player.conftest import SITE_DOC, slide

    base = {"duration_s": 10, "priority": 50, "weight": 1.0}
    # durations that do not divide an hour evenly, so the figure is not flattered
    slides = [
        slide(f"house{i}", rules={**base, "weight": 1.0 + i % 3, "duration_s": 7 + i % 7})
        for i in range(20)
    ]
    slides += [
        slide("velos1", sponsor="velos", rules={**base, "duration_s": 13}),
        slide("velos2", sponsor="velos", rules={**base, "duration_s": 17}),
        slide("hotel1", sponsor="hotel", rules={**base, "duration_s": 23}),
        slide(
            "bar1",
            sponsor="bar",
            rules={**base, "duration_s": 11, "hours": [{"from": "18:00", "until": "23:00"}]},
        ),
    ]
    booked = {"velos": 0.10, "hotel": 0.25, "bar": 0.15}
    plan = Plan.from_manifest(
        {"site": SITE_DOC, "release": {"id": "sov"}, "slides": slides, "sponsors": booked}
    )
    start = datetime(2026, 10, 19, tzinfo=PARIS).astimezone(UTC)  # a week across the DST change
    now, recent, seconds = start, [], {}
    while now < start + timedelta(days=7):
        recent = [p for p in recent if p.start > now - timedelta(minutes=65)]
        d = select_slide(plan, recent, now)
        recent.append(Play(d.slide_id, None, now, (d.until - now).total_seconds()))
        group = d.slide.sponsor if d.slide and d.slide.sponsor else "house"
        moment = now
        while moment < d.until:
            hour = moment.replace(minute=0, second=0, microsecond=0)
            end = min(d.until, hour + timedelta(hours=1))
            seconds[(hour, group)] = (
                seconds.get((hour, group), 0.0) + (end - moment).total_seconds()
            )
            moment = end
        now = d.until
    relative, points = [], []
    for hour in sorted({h for h, _ in seconds})[:-1]:
        for partner, share in booked.items():
            if partner == "bar" and not 18 <= to_local(hour).hour < 23:
                continue
            measured = seconds.get((hour, partner), 0.0) / 3600
            relative.append(abs(measured - share) / share)
            points.append(abs(measured - share) * 100)
    return {
        "partner_hours": len(relative),
        "worst_relative_error_pct": round(max(relative) * 100, 3),
        "mean_relative_error_pct": round(sum(relative) / len(relative) * 100, 3),
        "worst_error_points": round(max(points), 3),
    }


def bench_rss(site: str, work: Path, seconds: float) -> dict[str, Any]:
    private, public = trust.generate_keypair()
    now = datetime.now(UTC)
    document, files = bundle(site)
    folder = work / "rss-bucket"
    publish(FolderSource(folder).put, site, release(document, files, 1, now), files, private)
    key = work / "rss.pub"
    trust.write_key(key, public, private=False)
    speed = 10.0  # 10-second slides on a clock 10x fast: a new slide every wall second
    command = [
        sys.executable,
        "-m",
        "p2f_player.cli",
        "run",
        "--site",
        site,
        "--source",
        f"file://{folder}",
        "--public-key",
        str(key),
        "--cache",
        str(work / "rss-cache"),
        "--speed",
        str(speed),
        "--duration",
        str(seconds * speed),
    ]
    proc = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    samples: list[tuple[float, int]] = []
    started = time.monotonic()
    while proc.poll() is None:
        try:
            for line in Path(f"/proc/{proc.pid}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    samples.append((time.monotonic() - started, int(line.split()[1])))
        except FileNotFoundError:
            break
        time.sleep(2)
    proc.wait()
    warm = [kb for t, kb in samples if t >= min(30.0, seconds / 4)] or [kb for _, kb in samples]
    rows = Journal(work / "rss-cache" / "journal.sqlite", site, site).counts()["rows"]
    return {
        "wall_s": seconds,
        "slides_journaled_rows": rows,
        "exit": proc.returncode,
        "rss_kb_after_warmup": warm[0],
        "rss_kb_max": max(warm),
        "rss_kb_last": warm[-1],
        "growth_pct": round((warm[-1] - warm[0]) / warm[0] * 100, 2),
    }


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--site", default="gare")
    parser.add_argument("--rss-seconds", type=float, default=600.0, help="wall time of the RSS run")
    parser.add_argument("--no-s3", action="store_true", help="skip the S3 server")
    args = parser.parse_args()
    results: dict[str, Any] = {"machine": {"python": sys.version.split()[0]}}
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        server = None
        endpoint = None
        if not args.no_s3:
            from moto.server import ThreadedMotoServer

            server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
            server.start()
            endpoint = f"http://127.0.0.1:{server._server.server_port}"  # type: ignore[union-attr]
        try:
            import os

            os.environ.setdefault("AWS_ACCESS_KEY_ID", "bench")  # moto checks no signature
            os.environ.setdefault("AWS_SECRET_ACCESS_KEY", "bench")
            results["sync"] = bench_sync(args.site, work, endpoint)
        finally:
            if server is not None:
                server.stop()
        results["scheduler"] = bench_scheduler(args.site)
        results["journal"] = bench_journal(work)
        results["share_of_voice"] = bench_share_of_voice()
        results["rss"] = bench_rss(args.site, work, args.rss_seconds)
    print(json.dumps(results, indent=1))


if __name__ == "__main__":
    main()
