"""Pelican plugin: reads the content model into Pelican pages and writes the website's lists.

``register()`` connects module-level receivers (Pelican's signals hold weak references). The
plugin's modules are imported when Pelican registers it, not with the package: ``p2f_site.build``
lives here too, and a rebuild with no change (or a failed check before Pelican runs) needs none
of them (~0.5 s of imports: the content model's schemas, the kiosk plugin, Jinja's compiler).
"""


def register() -> None:
    from p2f_site.plugin import register as connect

    connect()


__all__ = ["register"]
