"""``invoke review``: the reviewer's page for one change (base commit -> head commit).

``worktrees`` checks both commits out and builds them (the only module here that runs git and
the build); ``items``, ``pages`` and ``kiosks`` compare the two sides, pure; ``screenshots``
drives Chromium; ``render`` writes the HTML page and the Markdown summary; ``run`` wires them.
"""
