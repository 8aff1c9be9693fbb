"""The website's Content Security Policy and security headers: the one definition.

Every side that states the policy takes it from here:

- the ``<meta http-equiv="Content-Security-Policy">`` at the top of every page's ``<head>``
  (``base.html`` through the ``security_meta`` template global, and the deep-link landings);
- ``_headers`` at the root of the built site (Netlify / Cloudflare Pages syntax);
- ``docs/deploy/nginx-livep2f.conf`` and ``docs/deploy/cloudfront-security-headers.json``,
  written by ``python -m p2f_web.deploy nginx|cloudfront`` and checked against this module by
  ``tests/webdata/test_csp_policy.py``.

The policy: everything from the site's own origin, except the map tiles (images from the
origin of the configured tile server, ``P2F_MAP_TILES`` read by ``p2f_web.config``; the
functions take its URL, OpenStreetMap's by default); no inline script but the hashed landing
redirect; no inline style, no eval. ``'wasm-unsafe-eval'`` is there for Pagefind, whose
search runs as WebAssembly (``WebAssembly.instantiate``), and allows nothing else.
``frame-ancestors`` (no framing at all, against clickjacking) only works as a header: browsers
ignore it in a meta element, so the meta form leaves it out. Pure: returns text; the plugin
writes the files.
"""

from __future__ import annotations

import base64
import hashlib
import json
from urllib.parse import urlsplit

from p2f_web.config import DEFAULT_TILES
from p2f_web.landing_script import SCRIPT as LANDING_SCRIPT

# The default map tile source (map.js reads the configured one from the page): the only outside
# origin the policy allows. A site with P2F_MAP_TILES passes its own URL to the functions below.
TILE_URL = DEFAULT_TILES.url

# Executable inline scripts the policy allows by their SHA-256; any other inline script,
# inline event handler (onclick=...) or javascript: URL is refused by the browser.
INLINE_SCRIPTS = (LANDING_SCRIPT,)

REFERRER_POLICY = "strict-origin-when-cross-origin"

# Directives only honoured in an HTTP header (a meta element would log a warning).
HEADER_ONLY = frozenset({"frame-ancestors"})


def origin_of(url: str) -> str:
    """``https://tile.openstreetmap.org/{z}/...`` -> ``https://tile.openstreetmap.org``."""
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def script_hash(source: str) -> str:
    """The CSP source expression that allows the inline script whose text is ``source``."""
    digest = hashlib.sha256(source.encode("utf-8")).digest()
    return f"'sha256-{base64.b64encode(digest).decode('ascii')}'"


def directives(tiles_url: str = TILE_URL) -> dict[str, tuple[str, ...]]:
    """The policy, directive by directive (header form: includes ``frame-ancestors``)."""
    return {
        "default-src": ("'self'",),
        "script-src": ("'self'", "'wasm-unsafe-eval'", *map(script_hash, INLINE_SCRIPTS)),
        "style-src": ("'self'",),
        # data: for Leaflet's blank tile (it swaps it in for a cancelled or failed tile) and the
        # empty favicon; an image cannot run script, even an SVG one.
        "img-src": ("'self'", "data:", origin_of(tiles_url)),
        "connect-src": ("'self'",),
        "object-src": ("'none'",),
        "base-uri": ("'self'",),
        "form-action": ("'self'",),
        "frame-ancestors": ("'none'",),
    }


def policy(*, header: bool = True, tiles_url: str = TILE_URL) -> str:
    """The policy as one line; ``header=False`` drops what a meta element cannot carry."""
    return "; ".join(
        " ".join((name, *sources))
        for name, sources in directives(tiles_url).items()
        if header or name not in HEADER_ONLY
    )


def meta_tags(tiles_url: str = TILE_URL) -> str:
    """What every page's ``<head>`` carries, right after ``<meta charset>``."""
    return (
        f'<meta http-equiv="Content-Security-Policy" '
        f'content="{policy(header=False, tiles_url=tiles_url)}">\n'
        f'<meta name="referrer" content="{REFERRER_POLICY}">'
    )


def security_headers(tiles_url: str = TILE_URL) -> dict[str, str]:
    """Response headers for every file of the site."""
    return {
        "Content-Security-Policy": policy(tiles_url=tiles_url),
        "X-Content-Type-Options": "nosniff",
        "Referrer-Policy": REFERRER_POLICY,
        "X-Frame-Options": "DENY",  # frame-ancestors for browsers that predate it
    }


def headers_file(tiles_url: str = TILE_URL) -> str:
    """``_headers`` (Netlify, Cloudflare Pages): the headers for every path of the site."""
    headers = security_headers(tiles_url)
    lines = ["/*"] + [f"  {name}: {value}" for name, value in headers.items()]
    return "\n".join(lines) + "\n"


def nginx_conf() -> str:
    """A server block serving ``build/site`` (or a folder store's ``site/``) with the headers."""
    headers = "\n".join(
        f'    add_header {name} "{value}" always;' for name, value in security_headers().items()
    )
    return f"""\
# livep2f.com served by nginx from a published folder.
# Generated by `python -m p2f_web.deploy nginx` from plugins/p2f_web/csp.py (the one definition
# of the policy); tests/webdata/test_csp_policy.py fails when this file falls behind it.
#
# nginx gotcha: a location block with any add_header of its own inherits NONE of these, so
# repeat the block (or `include` a copy) in every location that adds a header.
server {{
    listen 443 ssl http2;  # nginx >= 1.25.1: `listen 443 ssl;` and `http2 on;`
    server_name livep2f.com;
    # ssl_certificate, ssl_certificate_key: your own.

    root /srv/livep2f/site;
    index index.html;
    error_page 404 /404.html;
    gzip_static on;
    charset utf-8;

{headers}

    location / {{
        try_files $uri $uri/ =404;
    }}
}}
"""


def cloudfront_policy() -> str:
    """A CloudFront response headers policy (``aws cloudfront create-response-headers-policy
    --response-headers-policy-config file://...``) for a site served from S3."""
    config = {
        "Name": "livep2f-security-headers",
        "Comment": "Generated by python -m p2f_web.deploy cloudfront from p2f_web/csp.py",
        "SecurityHeadersConfig": {
            "ContentSecurityPolicy": {"Override": True, "ContentSecurityPolicy": policy()},
            "ContentTypeOptions": {"Override": True},
            "ReferrerPolicy": {"Override": True, "ReferrerPolicy": REFERRER_POLICY},
            "FrameOptions": {"Override": True, "FrameOption": "DENY"},
        },
    }
    return json.dumps(config, indent=2) + "\n"
