"""The livep2f kiosk player: sync signed bundles, schedule slides, journal proof of play."""

__version__ = "0.3.0"  # manifest index parts; kept equal to player/pyproject.toml
