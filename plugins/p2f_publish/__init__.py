"""Publishing: content-addressed, signed, atomic releases of the kiosk bundles and the website.

``layout`` names every key in the store; ``stores`` holds the ``Store`` protocol and its two
adapters (local folder, S3); ``plan`` decides what a release is without any I/O; ``publish``,
``releases`` and ``website`` do the I/O through an injected ``Store``. See docs/publishing.md.
"""
