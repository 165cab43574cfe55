import sys

from missiondesk.cli import main

sys.exit(main())
