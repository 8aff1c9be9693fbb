"""The Content Security Policy of livep2f.com, in Chromium and in the built files.

The server of these tests sends the build's ``_headers`` (policy as a header) and every page
carries the policy as a meta element. Violations are collected with a
``securitypolicyviolation`` listener installed before any page script, and from the console.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from p2f_web import csp

# Sent to Python by the page (exposed binding), so nothing is lost when the page navigates.
COLLECT = """
document.addEventListener("securitypolicyviolation", (e) => {
  window.__cspViolation(`${e.effectiveDirective} ${e.blockedURI} ${e.sourceFile}:${e.lineNumber}`);
});
"""

# The main page types in French and English; the landing pages redirect to their item.
PAGES = {
    "home": "{p}",
    "places": "{p}lieux/",
    "places-open-now": "{p}lieux/?open=1",  # fetches opening_hours.js and suncalc.js
    "place": "{p}lieux/veto-pinede/",
    "agenda": "{p}agenda/",
    "event": "{p}agenda/marche-de-noel-2026/",
    "deals": "{p}bons-plans/",
    "offer": "{p}bons-plans/cistes-rouges-coffret-noel/",
    "alert": "{p}alertes/travaux-gare-parvis-sud/",
    "map": "{p}carte/?p=veto-pinede",
    "search": "{p}recherche/?q=plage",
    "404": "{p}404.html",
    "tonight": "{p}ce-soir/",
    "contact": "{p}contact/",
    "agenda-filtered": "{p}agenda/?theme=noel&from=2026-12-01",
    "deep-link": "/d/{lang}/veto-pinede/?k=gare",
    "deep-link-first-form": "/d/veto-pinede/?k=gare&l={lang}",
}
LANGS = {"fr": "/", "en": "/en/"}
CASES = [
    (f"{name}-{lang}", path.format(p=prefix, lang=lang))
    for lang, prefix in LANGS.items()
    for name, path in PAGES.items()
]
CASES.append(("deep-link-unknown", "/d/"))  # one page in every language


def watch_violations(page: Any) -> list[str]:
    """Start collecting what the policy refuses in ``page``; returns the (growing) list."""
    seen: list[str] = []
    page.expose_function("__cspViolation", lambda text: seen.append(text))
    page.add_init_script(COLLECT)
    page.on(
        "console",
        lambda message: (
            seen.append("console: " + message.text)
            if "Content Security Policy" in message.text
            else None
        ),
    )
    return seen


@pytest.mark.parametrize(("name", "path"), CASES, ids=[name for name, _ in CASES])
def test_no_page_breaks_the_policy(visitor: Any, site_url: str, name: str, path: str) -> None:
    violations = watch_violations(visitor)
    requested: list[str] = []
    visitor.on("request", lambda request: requested.append(request.url))
    visitor.goto(site_url + path)
    if name.startswith("search"):
        visitor.locator("[data-search-results] li").first.wait_for()
    if name == "deep-link-unknown":
        expect(visitor.locator("h1")).to_have_text("Lien introuvable")
    elif name.startswith("deep-link-first-form"):
        expect(visitor).to_have_url(re.compile(r"/lieux/veto-pinede/\?utm_source=kiosk"))
    elif name.startswith("deep-link"):  # the item's page itself, at the link's address
        expect(visitor).to_have_url(re.compile(r"/d/(fr|en)/veto-pinede/\?k=gare$"))
        expect(visitor.locator("h1")).to_be_visible()
    if name.startswith("places-open-now"):
        visitor.wait_for_function("() => !!window.opening_hours")
    visitor.wait_for_load_state("networkidle")
    if name.startswith("map"):
        # The tiles' origin is allowed: the browser asked for them (the test network refuses).
        assert any(url.startswith(csp.origin_of(csp.TILE_URL) + "/") for url in requested)
    assert violations == []


INJECTED = """
<script>window.injected = "inline script";</script>
<img src="/missing.png" alt="" onerror="window.injected = 'inline handler'">
<a id="js-url" href="javascript:window.injected = 'javascript: URL'">x</a>
<script src="https://evil.example/x.js"></script>
<p id="styled" style="color: rgb(255, 0, 0)">styled</p>
<script src="/__tests__/probe.js"></script>
"""


@pytest.mark.parametrize("delivery", ["meta", "header"])
def test_an_injected_script_is_blocked(visitor: Any, site_url: str, delivery: str) -> None:
    """Each form of the policy on its own refuses what an injection would add.

    A same-origin script injected next to them runs: the injection itself worked.
    """
    violations = watch_violations(visitor)
    meta = csp.meta_tags().splitlines()[0]

    def tamper(route: Any) -> None:
        response = route.fetch()
        html = response.text()
        assert meta in html
        headers = {k: v for k, v in response.headers.items() if k != "content-length"}
        if delivery == "meta":
            del headers["content-security-policy"]
        else:
            html = html.replace(meta, "")
        route.fulfill(response=response, headers=headers, body=html.replace("</body>", INJECTED))

    visitor.route(site_url + "/en/", tamper)
    visitor.route(
        site_url + "/__tests__/probe.js",
        lambda route: route.fulfill(body="window.probe = true;", content_type="text/javascript"),
    )
    visitor.goto(site_url + "/en/")
    visitor.locator("#js-url").click()
    visitor.wait_for_load_state("networkidle")
    assert visitor.evaluate("() => window.probe") is True
    assert visitor.evaluate("() => window.injected") is None
    color = visitor.locator("#styled").evaluate("(e) => getComputedStyle(e).color")
    assert color != "rgb(255, 0, 0)"
    directives = {v.split()[0] for v in violations if not v.startswith("console: ")}
    assert {"script-src-elem", "script-src-attr", "style-src-attr"} <= directives, violations
    assert any("evil.example" in v for v in violations), violations


def test_the_site_cannot_be_framed(visitor: Any, site_url: str) -> None:
    """``frame-ancestors 'none'`` (header only) keeps another site from framing a page.

    X-Frame-Options is taken off so that the policy alone decides; a control frame served
    without the policy at all loads, so the refusal is the policy's doing.
    """

    def serve_without(names: tuple[str, ...]) -> Any:
        def handle(route: Any) -> None:
            response = route.fetch()
            headers = {k: v for k, v in response.headers.items() if k not in names}
            route.fulfill(response=response, headers=headers)

        return handle

    visitor.route(site_url + "/en/", serve_without(("x-frame-options",)))
    visitor.route(
        site_url + "/en/?control",
        serve_without(("x-frame-options", "content-security-policy")),
    )
    visitor.route(
        "http://framer.test/",
        lambda route: route.fulfill(
            body=f'<!doctype html><title>x</title><iframe src="{site_url}/en/"></iframe>'
            f'<iframe src="{site_url}/en/?control"></iframe>',
            content_type="text/html",
        ),
    )
    visitor.goto("http://framer.test/")
    visitor.wait_for_load_state("networkidle")
    framed, control = visitor.frames[1:]
    assert control.url == site_url + "/en/?control"
    assert control.locator("h1").count() == 1
    assert framed.url.startswith("chrome-error://"), framed.url


class _PageAudit(HTMLParser):
    """What a built page does that the policy would refuse, or that needs the policy."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.problems: list[str] = []
        self.metas: list[int] = []  # positions of the CSP meta among the head's elements
        self.elements = 0
        self.in_script: str | None = None  # the type of the inline script being read
        self.script_text = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.elements += 1
        values = dict(attrs)
        for name, value in attrs:
            if name.startswith("on"):
                self.problems.append(f"inline event handler {name}= on <{tag}>")
            if name == "style":
                self.problems.append(f"style attribute on <{tag}>")
            if name in ("href", "src", "action", "formaction") and (
                value or ""
            ).strip().lower().startswith("javascript:"):
                self.problems.append(f"javascript: URL in <{tag} {name}>")
        if tag == "style":
            self.problems.append("<style> element")
        if tag == "meta" and (values.get("http-equiv") or "").lower() == "content-security-policy":
            self.metas.append(self.elements)
            if values.get("content") != csp.policy(header=False):
                self.problems.append("a CSP meta that is not the policy of p2f_web.csp")
        if tag == "script" and "src" not in values:
            self.in_script = values.get("type") or "text/javascript"
            self.script_text = ""

    def handle_data(self, data: str) -> None:
        if self.in_script is not None:
            self.script_text += data

    def handle_endtag(self, tag: str) -> None:
        if tag == "script" and self.in_script is not None:
            kind, self.in_script = self.in_script, None
            if kind == "application/ld+json":
                return  # data, never executed
            if csp.script_hash(self.script_text) not in csp.policy():
                self.problems.append("inline script whose hash the policy does not allow")


def audit(html: str) -> list[str]:
    parser = _PageAudit()
    parser.feed(html)
    problems = parser.problems
    if len(parser.metas) != 1:
        problems.append(f"{len(parser.metas)} CSP meta elements instead of one")
    elif parser.metas[0] != 4:  # <html>, <head>, <meta charset>, then the policy
        problems.append("the CSP meta comes after other head elements")
    return problems


def test_every_built_page_carries_the_policy(built_site: Path) -> None:
    pages = sorted(built_site.rglob("*.html"))
    assert len(pages) > 100  # the sample site: hundreds of pages in four languages
    report = [
        f"{page.relative_to(built_site)}: {problem}"
        for page in pages
        for problem in audit(page.read_text(encoding="utf-8"))
    ]
    assert report == [], "\n".join(report[:40])


def test_the_page_audit_sees_what_the_policy_refuses() -> None:
    """Guards the test above against passing vacuously."""
    meta = csp.meta_tags()
    page = f"<html><head><meta charset=utf-8>{meta}</head><body>{INJECTED}</body></html>"
    assert audit(page) == [
        "inline script whose hash the policy does not allow",
        "inline event handler onerror= on <img>",
        "javascript: URL in <a href>",
        "style attribute on <p>",
    ]
    assert audit("<html><head><title>x</title></head></html>") == [
        "0 CSP meta elements instead of one"
    ]
