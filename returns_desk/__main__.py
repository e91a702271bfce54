import sys

from returns_desk.cli import main

sys.exit(main())
