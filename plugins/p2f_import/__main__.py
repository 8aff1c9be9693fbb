import sys

from p2f_import.cli import main

sys.exit(main(sys.argv[1:]))
