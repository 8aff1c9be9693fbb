"""Pelican plugin: the website's outputs for machines (structured data, social cards, sitemap,
Atom feeds, iCalendar, GeoJSON, deep-link landings) and the Pagefind search index.

``register()`` connects module-level receivers (Pelican's signals hold weak references).
"""

from p2f_web.plugin import register

__all__ = ["register"]
