import sys

from p2f_office.cli import main

sys.exit(main())
