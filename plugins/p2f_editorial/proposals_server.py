"""``invoke proposals-serve``: the built website and its proposal form's receiver, one origin.

Serves ``build/site`` (GET, with the site's Content Security Policy as a header) and takes the
form's ``POST /proposer/envoi``, so the form posts to its own origin (``form-action 'self'``).
A good submission becomes a draft file in ``content/agenda/`` or ``content/bons-plans/``,
created exclusively (never overwriting; ``-2``, ``-3``... when the name is taken). Refused
before the body is read: no length (411), too large (413), not URL-encoded (415, so no file
uploads), over the rate limit (429), too many drafts waiting (503). For a public site, put
it behind the same host name as the website (a reverse-proxy route for ``/proposer/envoi``),
or use the pull-request function described in docs/editing.md. Binds 127.0.0.1 by default.
"""

from __future__ import annotations

import functools
import html
import http.server
import os
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl

from p2f_editorial.proposals import (
    NOT_VERIFIED,
    Limits,
    ProposalError,
    RateLimit,
    draft_from_form,
)

ENDPOINT = "/proposer/envoi"


class Receiver:
    """What the handler needs: where drafts go, what is known, the limits and the clocks."""

    def __init__(
        self,
        content: Path,
        places: set[str],
        partners: set[str],
        limits: Limits | None = None,
        today: Callable[[], date] = date.today,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.content, self.places, self.partners = content, places, partners
        self.limits = limits or Limits()
        self.rate = RateLimit(self.limits)
        self.today, self.clock = today, clock
        self.lock = threading.Lock()

    def pending(self) -> int:
        count = 0
        for folder in ("agenda", "bons-plans"):
            for path in (self.content / folder).glob("*.md"):
                head = path.read_text(encoding="utf-8", errors="replace")[:2000]
                count += f"{NOT_VERIFIED}" in head and "status: draft" in head
        return count

    def write(self, folder: str, slug: str, text: str) -> Path:
        target = self.content / folder
        target.mkdir(parents=True, exist_ok=True)
        for number in range(1, 1000):
            name = f"{slug}.md" if number == 1 else f"{slug}-{number}.md"
            try:
                descriptor = os.open(target / name, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
            except FileExistsError:
                continue
            with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
                handle.write(text)
            return target / name
        raise FileExistsError(f"{folder}/{slug}: too many proposals with this title")


def _page(title: str, lines: list[str]) -> bytes:
    items = "".join(f"<li>{html.escape(line)}</li>" for line in lines)
    return (
        '<!doctype html><html lang="fr"><head><meta charset="utf-8">'
        f'<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{html.escape(title)}</title>"
        '<link rel="stylesheet" href="/theme/css/site.css"></head><body><main id="main">'
        f"<h1>{html.escape(title)}</h1><ul>{items}</ul>"
        '<p><a href="/proposer/">Retour au formulaire</a></p></main></body></html>'
    ).encode()


class Handler(http.server.SimpleHTTPRequestHandler):
    def __init__(self, *args: Any, receiver: Receiver, csp: str, **kwargs: Any) -> None:
        self.receiver, self.csp = receiver, csp  # set first: the base class handles at once
        super().__init__(*args, **kwargs)

    def end_headers(self) -> None:
        self.send_header("Content-Security-Policy", self.csp)
        self.send_header("X-Content-Type-Options", "nosniff")
        super().end_headers()

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def _reply(self, status: int, title: str, lines: list[str]) -> None:
        body = _page(title, lines)
        self.send_response(status)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_POST(self) -> None:
        receiver = self.receiver
        if self.path != ENDPOINT:
            self._reply(404, "Introuvable", [self.path])
            return
        length = self.headers.get("Content-Length")
        if length is None or not length.isdigit():
            self._reply(411, "Longueur manquante", ["Content-Length is required"])
            return
        if int(length) > receiver.limits.max_body:
            self.close_connection = True  # the body is not read
            self._reply(413, "Trop long", [f"at most {receiver.limits.max_body} bytes"])
            return
        kind = self.headers.get("Content-Type", "").split(";")[0].strip().lower()
        if kind != "application/x-www-form-urlencoded":
            self.close_connection = True
            self._reply(415, "Format refusé", ["the form only: no files"])
            return
        with receiver.lock:
            if not receiver.rate.allow(self.client_address[0], receiver.clock()):
                self._reply(429, "Trop de propositions", ["try again in an hour"])
                return
            if receiver.pending() >= receiver.limits.max_pending:
                self._reply(503, "Trop de propositions en attente", ["try again later"])
                return
        raw = self.rfile.read(int(length)).decode("utf-8", errors="replace")
        pairs = parse_qsl(raw, max_num_fields=receiver.limits.max_fields)
        form = dict(pairs)
        try:
            draft = draft_from_form(form, receiver.places, receiver.partners, receiver.today())
        except ProposalError as error:
            self._reply(400, "À corriger", [f"{error.field}: {error.message}"])
            return
        if draft is not None:
            with receiver.lock:
                receiver.write(draft.folder, draft.slug, draft.text)
        self._reply(200, "Merci !", ["L’office de tourisme vérifiera votre proposition."])


@contextmanager
def serve(site: Path, receiver: Receiver, host: str = "127.0.0.1", port: int = 0) -> Iterator[str]:
    """Serve ``site`` and the receiver; yields the base URL (no trailing slash)."""
    from p2f_web.csp import policy

    handler = functools.partial(Handler, directory=str(site), receiver=receiver, csp=policy())
    server = http.server.ThreadingHTTPServer((host, port), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://{host}:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
