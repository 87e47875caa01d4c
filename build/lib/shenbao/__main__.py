import sys

from shenbao.cli import main

sys.exit(main())
