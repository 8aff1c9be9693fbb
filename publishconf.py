"""Production settings: the same build, with the public URL."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from pelicanconf import *  # noqa: F403

SITEURL = "https://livep2f.com"
RELATIVE_URLS = False
