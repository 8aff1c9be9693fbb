"""Pelican plugin: reads the content model into Pelican pages and writes the website's lists.

``register()`` connects module-level receivers (Pelican's signals hold weak references).
"""

from p2f_site.plugin import register

__all__ = ["register"]
