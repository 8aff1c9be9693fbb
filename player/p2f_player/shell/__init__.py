"""The kiosk shell: the pywebview window around the headless player, and its hand-offs.

``run`` wires a ``Player`` (``p2f_player.app``) to the window: the player decides what plays,
the window shows it (``window``, ``ui/``), ``server`` serves the current bundle on 127.0.0.1,
``nfc`` emulates a tag carrying the deep link of what is on screen, ``qr`` draws the same link,
``inbox`` takes releases dropped by a technician, ``sdnotify`` keeps systemd's watchdog fed.

Nothing here decides *what* to play: that stays in the pure scheduler.
"""
