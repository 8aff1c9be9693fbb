"""The verbs people type: ``invoke check``, ``invoke build``, ``invoke livereload``...

Wiring only: each task calls a module that does the work, so the same code runs from tests.
"""

from __future__ import annotations

import sys
import threading
from pathlib import Path

from invoke import task  # type: ignore[attr-defined]

ROOT = Path(__file__).resolve().parent
sys.path.insert(0, str(ROOT / "plugins"))  # when invoke runs outside the project venv


@task(help={"territory": "lat1,lon1,lat2,lon2 for a trial on another region (or $P2F_TERRITORY)"})
def check(c, content="content", territory=""):  # type: ignore[no-untyped-def]
    """Validate all content; one line per problem (file:line: field: what to do)."""
    from p2f_model.check import run

    code = run(ROOT / content, given=territory)
    if code:
        sys.exit(code)


@task(
    help={
        "clean": "build without the cache in build/.cache (the incremental build's "
        "output is the same, byte for byte)",
        "at": "the build moment, ISO (e.g. 2026-12-04T20:30+01:00); default: now. The moment "
        "is an input of every page: rebuilds for the same moment render only what changed",
    }
)
def build(c, settings="pelicanconf.py", output="build", clean=False, at=""):  # type: ignore[no-untyped-def]
    """Check, then build the website (build/site) and the kiosk bundles (build/kiosk/<site>).

    Incremental: only pages whose inputs changed are rendered again (build/.cache); the build
    moment is one of those inputs, so two builds "now" a second apart render everything, and
    two builds ``--at`` the same moment render only what changed."""
    from datetime import datetime

    from p2f_site.build import BuildError, build_all

    overrides = {}
    if at:
        try:
            datetime.fromisoformat(at)
        except ValueError:
            print(
                f"build: --at {at!r} is not an ISO moment (2026-12-04T20:30+01:00)", file=sys.stderr
            )
            sys.exit(2)
        overrides["P2F_NOW"] = at
    try:
        report = build_all(ROOT, ROOT / settings, ROOT / output, overrides, cache=not clean)
    except BuildError as error:
        print(error, file=sys.stderr)
        sys.exit(1)
    print(report)


@task
def livereload(c, port=8000):  # type: ignore[no-untyped-def]
    """Build, serve build/site on http://127.0.0.1:PORT, rebuild on every change. Ctrl-C stops.

    Rebuilds are incremental and print their time; the build moment is the session's start
    (so an unchanged page is never rendered again just because the clock moved)."""
    from datetime import UTC, datetime

    from p2f_site.build import BuildError, build_all
    from p2f_site.livereload import serve, session_moment, watch_and_rebuild

    moment = session_moment(datetime.now(UTC))
    print(f"livereload: pages are built for {moment} (restart to move the build moment)")

    def rebuild() -> None:
        try:
            # the replaced build is deleted by a detached remover (p2f_site.trash)
            report = build_all(
                ROOT, ROOT / "pelicanconf.py", ROOT / "build", {"P2F_NOW": moment}, cache=True
            )
        except BuildError as error:
            print(error, "\n(still serving the last good build)", file=sys.stderr, flush=True)
            return
        print(report.one_line(), flush=True)  # the new build is served from now on

    rebuild()
    server = serve(ROOT / "build" / "site", int(port))
    print(f"serving http://127.0.0.1:{port}/ — watching content/, theme/, plugins/", flush=True)
    stop = threading.Event()
    try:
        watch_and_rebuild([ROOT / "content", ROOT / "theme", ROOT / "plugins"], rebuild, stop)
    except KeyboardInterrupt:
        pass
    finally:
        server.shutdown()


@task
def kiosk(c, site="gare", seconds=0):  # type: ignore[no-untyped-def]
    """Open SITE's kiosk window on the player's synced release (under Xvfb when there is no
    display); SECONDS > 0 stops it after that long. Run `invoke all` first."""
    import os
    import shlex

    from p2f_publish.cli import public_key_paths

    cache = ROOT / "build" / "player" / site
    pinned = [arg for path in public_key_paths() for arg in ("--public-key", str(path))]
    command = [
        str(ROOT / ".venv" / "bin" / "p2f-player"), "run", "--window", "--site", site,
        "--source", (ROOT / "build" / "store").as_uri(),
        *pinned, "--cache", str(cache),
    ]  # fmt: skip
    if int(seconds) > 0:
        command += ["--duration", str(seconds)]
    line = shlex.join(command)
    if not os.environ.get("DISPLAY"):
        line = f'xvfb-run -a -s "-screen 0 1920x1920x24" {line}'
    c.run(line, pty=False, in_stream=False, env={"QTWEBENGINE_DISABLE_SANDBOX": "1"})


@task
def lint(c):  # type: ignore[no-untyped-def]
    """ruff (lint + format check) and mypy."""
    c.run(".venv/bin/ruff check .", pty=False, in_stream=False)
    c.run(".venv/bin/ruff format --check .", pty=False, in_stream=False)
    c.run(".venv/bin/mypy", pty=False, in_stream=False)


@task(pre=[lint])
def test(c, workers="2"):  # type: ignore[no-untyped-def]
    """Lint, then the whole test suite (pytest, in parallel on WORKERS processes)."""
    c.run(f".venv/bin/pytest -n {workers} -p no:cacheprovider", pty=False, in_stream=False)


@task(name="all")
def all_(c):  # type: ignore[no-untyped-def]
    """The main job on the embedded default: check, build, keygen (once), publish to
    build/store, then every site's player syncs its signed release from there (build/player/)."""
    check(c)
    build(c)
    keygen(c)
    publish(c)
    player_sync(c)


@task(name="player-sync")
def player_sync(c, store="", site=""):  # type: ignore[no-untyped-def]
    """Sync the players of every site (or --site) from the store into build/player/<site>."""
    from p2f_player.cli import main as player
    from p2f_publish.cli import public_key_paths

    source = store or (ROOT / "build" / "store").as_uri()
    sites = (
        [site]
        if site
        else sorted(p.name for p in (ROOT / "build" / "kiosk").iterdir() if p.is_dir())
    )
    failures = 0
    for name in sites:
        args = [
            "--site",
            name,
            "--source",
            source,
            *[arg for path in public_key_paths() for arg in ("--public-key", str(path))],
        ]
        args += ["--cache", str(ROOT / "build" / "player" / name)]
        failures += player(["sync", "--once", *args]) != 0
    print(f"player-sync: {len(sites) - failures}/{len(sites)} sites hold the live release")
    if failures:
        sys.exit(1)


# --- publishing (p2f_publish): keys, publish, releases, rollback ------------------------------


@task(help={"name": "a second key pair for a rotation, e.g. kiosk-2027 (default: kiosk)"})
def keygen(c, force=False, name=""):  # type: ignore[no-untyped-def]
    """Create the kiosk signing key pair in $LIVEP2F_KEY_DIR or ~/.config/livep2f/ (outside
    the repository; never overwrites without --force) and print where it is."""
    from p2f_publish.cli import keygen as run

    run(ROOT, force, name or None)


@task(help={"key": "a key name in the key folder (e.g. kiosk-2027) or a .key file path"})
def publish(c, to="", key="", no_website=False, keep=10):  # type: ignore[no-untyped-def]
    """Publish build/ to --to s3://BUCKET/PREFIX or file:///PATH (default: build/store),
    signed with the key in $LIVEP2F_KEY_DIR or ~/.config/livep2f/ (printed)."""
    from p2f_publish.cli import publish as run

    run(ROOT, to, key or None, not no_website, int(keep))


@task
def releases(c, store=""):  # type: ignore[no-untyped-def]
    """List the kept releases of every kiosk (live ones marked *) and of the website."""
    from p2f_publish.cli import list_releases

    list_releases(ROOT, store)


@task(help={"to": "a release id, or a counter with --site; default: the previous release"})
def rollback(c, to="", site="", store="", key=""):  # type: ignore[no-untyped-def]
    """Make an earlier release live again (re-signed with a new counter), without a rebuild."""
    from p2f_publish.cli import rollback as run

    run(ROOT, store, to or None, site or None, key or None)


@task(
    help={
        "name": "bucket-public-read, publisher, kiosk or report-reader (docs/policies/)",
        "site": "kiosk policy: the screen's site id",
        "device": "kiosk policy: the screen's device id (its site id when one screen per site)",
    }
)
def policy(c, name, bucket, prefix="", site="", device=""):  # type: ignore[no-untyped-def]
    """Print an example S3/IAM policy filled in for BUCKET/PREFIX (and one kiosk)."""
    from p2f_publish.cli import policy as run

    run(name, bucket, prefix, site, device)


# -- translations (issue 10, point 3) ----------------------------------------------------------


@task(help={"limit": "rows shown per language (default 15)"})
def translations(c, limit=15, content="content"):  # type: ignore[no-untyped-def]
    """Per language, what is not yet translated, most played on the screens first."""
    from datetime import UTC, datetime

    import p2f_site  # noqa: F401  first: p2f_site and p2f_kiosk import each other
    from p2f_kiosk.translations import missing_translations, table
    from p2f_model.load import load_corpus

    corpus = load_corpus(ROOT / content, relative_to=ROOT)
    if corpus.problems:
        sys.exit("content problems: run `invoke check` first")
    print(table(missing_translations(corpus, datetime.now(UTC)), int(limit)))


@task(name="sample-photos", help={"dry_run": "list what would be drawn, write nothing"})
def sample_photos(c, dry_run=False, content="content"):  # type: ignore[no-untyped-def]
    """Draw a generated, public-domain picture for each sample place without one (not services,
    whose screens show the designed fallback) and add it to the place's front matter."""
    import re as regex

    import p2f_site  # noqa: F401  first: p2f_site and p2f_kiosk import each other
    from p2f_kiosk.sample_photos import draw, scene_of, translation_with_alt, with_image

    folder = ROOT / content
    made = 0
    for path in sorted((folder / "lieux").glob("*.md")):
        if regex.search(r"\.[a-z]{2}\.md$", path.name):
            continue  # a translation: pictures belong to the French file
        text = path.read_text(encoding="utf-8")
        category = regex.search(r"^category:\s*(\S+)", text, regex.MULTILINE)
        sub = regex.search(r"^subcategory:\s*(\S+)", text, regex.MULTILINE)
        if not category or not sub or category[1] == "services":
            continue
        slug = path.name.removesuffix(".md")
        scene = scene_of(category[1], sub[1])
        if f"images/{slug}.webp" in text:  # drawn before: its translations still need the alt
            for other in sorted(folder.glob(f"lieux/{slug}.??.md")):
                words = other.read_text(encoding="utf-8")
                lang = other.name.split(".")[-2]
                if not dry_run:
                    other.write_text(translation_with_alt(words, lang, scene), encoding="utf-8")
            continue
        if regex.search(r"^images:", text, regex.MULTILINE):
            continue
        print(f"{path.relative_to(ROOT)}: images/{slug}.webp ({scene})")
        made += 1
        if not dry_run:
            (folder / "images" / f"{slug}.webp").write_bytes(draw(slug, category[1], sub[1]))
            path.write_text(with_image(text, slug, scene), encoding="utf-8")
            for other in sorted(folder.glob(f"lieux/{slug}.??.md")):
                words = other.read_text(encoding="utf-8")
                lang = other.name.split(".")[-2]
                other.write_text(translation_with_alt(words, lang, scene), encoding="utf-8")
    print(f"{made} pictures {'to draw' if dry_run else 'drawn'}")


# -- editorial workflow (issue 13): freshness, review page, proposals, web editor ---------------


@task(help={"limit": "rows shown (default 30)", "today": "YYYY-MM-DD (default: today, Paris)"})
def stale(c, limit=30, today="", content="content"):  # type: ignore[no-untyped-def]
    """Items whose verification is older than their kind's limit (P2F_EDITORIAL in
    pelicanconf.py), most played on the screens first (estimated from build/kiosk)."""
    from datetime import date, datetime
    from zoneinfo import ZoneInfo

    from p2f_editorial.cli import stale as run

    day = date.fromisoformat(today) if today else datetime.now(ZoneInfo("Europe/Paris")).date()
    code = run(ROOT, day, content=content, limit=int(limit))
    if code:
        sys.exit(code)


@task(
    help={
        "base": "the branch or commit the change goes into (default main; its merge base)",
        "head": "the change (default HEAD)",
        "out": "folder for review.html, review.md and shots/ (default build/review)",
        "at": "the hour each screen's plays are shown for, YYYY-MM-DDTHH:MM Paris "
        "(default: the next whole hour)",
        "shots": "most pages photographed before/after (default 6)",
    }
)
def review(c, base="main", head="HEAD", out="build/review", at="", shots=6):  # type: ignore[no-untyped-def]
    """The reviewer's page for a change: check, items' field diff and provenance, changed
    pages with before/after screenshots, each screen's hour before/after, sponsor shares."""
    from datetime import datetime, timedelta

    from p2f_editorial.edges import editorial_settings
    from p2f_editorial.review.run import review as run
    from p2f_editorial.review.worktrees import ReviewError

    from p2f_player.contract.rules import PARIS

    now = datetime.now(PARIS).replace(microsecond=0)
    hour = (
        datetime.fromisoformat(at).replace(tzinfo=PARIS)
        if at
        else (now + timedelta(hours=1)).replace(minute=0, second=0)
    )
    try:
        result = run(
            ROOT, ROOT / out, editorial_settings(ROOT / "pelicanconf.py"), now, hour,
            base=base, head=head, max_shots=int(shots),
        )  # fmt: skip
    except ReviewError as error:
        sys.exit(f"review: {error}")
    print((ROOT / out / "review.md").read_text(encoding="utf-8"))
    print(f"review: {ROOT / out / 'review.html'}")
    if not result.ok:
        sys.exit(1)


# --- importers (p2f_import): DATAtourisme, Apidae, iCalendar -> drafts ------------------------


@task(
    name="import",
    positional=["source", "inputs"],
    help={
        "source": "datatourisme, apidae or ical",
        "inputs": "comma-separated: flux folders / object files, Apidae export pages, .ics files"
        " or URLs",
        "territory": "lat1,lon1,lat2,lon2 for a trial on another region (or $P2F_TERRITORY)",
        "place": "place slug for events whose venue is not found",
        "report": "Markdown report path (default build/import-SOURCE.md)",
        "no-images": "do not download the records' pictures",
    },
)
def import_(  # type: ignore[no-untyped-def]
    c,
    source,
    inputs,
    content="content",
    territory="",
    horizon=365,
    place="",
    report="",
    dry_run=False,
    no_images=False,
):
    """Import outside records as drafts in content/ (status: draft), idempotently; a
    reporter's edits are kept and conflicts reported. See docs/importing.md."""
    from p2f_import.cli import main

    args = [source, *[i for i in inputs.split(",") if i], "--content", str(ROOT / content),
            "--horizon-days", str(horizon)]  # fmt: skip
    for flag, value in (("--territory", territory), ("--place", place), ("--report", report)):
        if value:
            args += [flag, value]
    if dry_run:
        args.append("--dry-run")
    if no_images:
        args.append("--no-images")
    code = main(args)
    if code:
        sys.exit(code)


@task(help={"port": "port on 127.0.0.1 (default 8001)", "host": "address to bind (127.0.0.1)"})
def proposals_serve(c, port=8001, host="127.0.0.1", content="content"):  # type: ignore[no-untyped-def]
    """Serve build/site with the proposal form's receiver (/proposer/ -> POST /proposer/envoi):
    each good submission becomes a draft in content/agenda/ or content/bons-plans/."""
    import time

    from p2f_editorial.proposals_server import Receiver, serve

    import p2f_site  # noqa: F401  first: p2f_site and p2f_kiosk import each other
    from p2f_model.load import load_corpus

    corpus = load_corpus(ROOT / content, relative_to=ROOT)
    places = {item.slug for item in corpus.of_kind("place")}
    partners = {item.slug for item in corpus.of_kind("partner")}
    receiver = Receiver(ROOT / content, places, partners)
    with serve(ROOT / "build" / "site", receiver, host, int(port)) as url:
        print(f"proposal form: {url}/proposer/ — drafts go to {content}/ (Ctrl-C stops)")
        try:
            while True:
                time.sleep(3600)
        except KeyboardInterrupt:
            pass


# --- the office's view (p2f_office): reports from the screens' telemetry ------------------------


@task(
    help={
        "store": "file:///PATH or s3://BUCKET/PREFIX (default build/store; AWS_ENDPOINT_URL as "
        "for publish)",
        "since": "first day, 2026-11-01 (default 1 January)",
        "until": "last day (default today)",
        "campaign": "only this campaign (its file name in content/campagnes/)",
        "as_of": "the moment the fleet is judged at (default now)",
        "publish": "upload build/office to the store's private office/ prefix (not site/)",
        "compact": "first fold the closed days' JSONL into per-day Parquet (telemetry-compacted/)",
        "access_logs": "the website's access logs for the QR scans: a folder or file (default: "
        "the store's logs/ prefix, if any)",
    }
)
def report(  # type: ignore[no-untyped-def]
    c, store="", since="", until="", campaign="", as_of="", out="build/office", publish=False,
    compact=False, access_logs="",
):  # fmt: skip
    """Proof of play per campaign (CSV + partner PDF), audience and fleet from the store's
    telemetry, as a static dashboard in build/office/ (private: never under build/site)."""
    from p2f_office.cli import main

    args = ["report", "--content", str(ROOT / "content"), "--out", str(ROOT / out)]
    args += ["--cache", str(ROOT / "build" / "office-cache")]
    for flag, value in (("--store", store), ("--since", since), ("--until", until),
                        ("--campaign", campaign), ("--as-of", as_of),
                        ("--access-logs", access_logs)):  # fmt: skip
        if value:
            args += [flag, value]
    if publish:  # to the store's private office/ prefix, never the public site/
        args.append("--publish")
    if compact:  # closed days to Parquet first: a year loads in seconds (docs/office.md)
        args.append("--compact")
    code = main(args)
    if code:
        sys.exit(code)


@task(
    name="play-day",
    help={
        "sites": "comma-separated site ids (default gare,bureau-port-genet)",
        "speed": "clock speed (default 1440: a day in a minute)",
        "hours": "simulated hours (default 24)",
    },
)
def play_day(c, sites="gare,bureau-port-genet", speed=1440, hours=24):  # type: ignore[no-untyped-def]
    """Play the published releases of a few sites for a simulated day with real headless
    players (fast clock), uploading their telemetry to build/store: then `invoke report`."""
    import subprocess

    from p2f_publish.cli import public_key_paths

    keys = [arg for path in public_key_paths() for arg in ("--public-key", str(path))]
    players = []
    (ROOT / "build" / "player").mkdir(parents=True, exist_ok=True)
    for site in sites.split(","):
        log = (ROOT / "build" / "player" / f"{site}.log").open("w")
        command = [sys.executable, "-m", "p2f_player.cli", "run", "--site", site,
                   "--source", (ROOT / "build" / "store").as_uri(), *keys,
                   "--cache", str(ROOT / "build" / "player" / site),
                   "--speed", str(speed), "--duration", str(float(hours) * 3600)]  # fmt: skip
        players.append((site, subprocess.Popen(command, stderr=log), log))
    print(f"play-day: {len(players)} players, {hours} h at x{speed} (logs in build/player/)")
    failed = 0
    for site, process, log in players:
        failed += process.wait() != 0
        log.close()
        print(f"play-day: {site} done (exit {process.returncode})")
    if failed:
        sys.exit(1)


@task(
    help={
        "port": "the editor's port on 127.0.0.1 (default 8080): open /admin/",
        "backend_port": "decap-server's port on 127.0.0.1 (default 8081)",
    }
)
def editor(c, port=8080, backend_port=8081):  # type: ignore[no-untyped-def]
    """The web editor (Decap CMS) at http://127.0.0.1:PORT/admin/ over content/, its
    config.yml generated from the content model; saved files are written in the house
    style (p2f_editorial.cms_files). The built site, if any, is served at / (docs/editing.md)."""
    import signal
    import time

    from p2f_editorial.cli import open_editor
    from p2f_editorial.editor_server import EditorError

    def stop(signum, frame):  # type: ignore[no-untyped-def]
        raise KeyboardInterrupt  # so that decap-server is stopped too, not left running

    signal.signal(signal.SIGTERM, stop)
    try:
        with open_editor(ROOT, int(port), int(backend_port), site=ROOT / "build" / "site") as url:
            print(f"editor: {url}/admin/ (content/ of {ROOT}); Ctrl-C to stop")
            while True:
                time.sleep(3600)
    except EditorError as error:
        print(f"editor: {error}", file=sys.stderr)
        sys.exit(2)
    except KeyboardInterrupt:
        print("editor: stopped")
