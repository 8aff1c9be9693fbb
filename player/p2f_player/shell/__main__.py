"""``python -m p2f_player.shell``: the kiosk window (see ``run.main``)."""

import sys

from p2f_player.shell.run import main

sys.exit(main())
