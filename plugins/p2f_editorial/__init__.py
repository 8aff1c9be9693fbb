"""The editorial workflow around the content: freshness (``invoke stale``), the reviewer's
page (``invoke review``), proposals from outside (``invoke proposals-serve``) and the web
editor's configuration (``invoke editor``).

Not a Pelican plugin. During a build only the freshness settings and rule are used (the kiosk
plan reads ``settings`` and ``stale.freshness`` for ``hide_past_hard_limit``); every other
module reads what the build and the content model already produce (the corpus, the kiosk
manifests, the built site) or serves the web editor (``cms_config``, ``cms_files``,
``editor_server``).
"""
