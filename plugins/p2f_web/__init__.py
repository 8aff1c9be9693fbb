"""Pelican plugin: the website's outputs for machines (structured data, social cards, sitemap,
Atom feeds, iCalendar, GeoJSON, deep-link landings) and the Pagefind search index.

``register()`` connects module-level receivers (Pelican's signals hold weak references). The
plugin's modules are imported when Pelican registers it, not with the package: a tool that uses
one pure module (the proposals server's ``p2f_web.csp``) does not load Pelican with it.
"""


def register() -> None:
    from p2f_web.plugin import register as connect

    connect()


__all__ = ["register"]
