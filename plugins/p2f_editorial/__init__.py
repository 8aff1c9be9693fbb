"""The editorial workflow around the content: freshness (``invoke stale``), the reviewer's
page (``invoke review``), proposals from outside (``invoke proposals-serve``) and the web
editor's configuration (``invoke editor``).

Not a Pelican plugin: nothing here runs during a build. Each module reads what the build and
the content model already produce (the corpus, the kiosk manifests, the built site).
"""
