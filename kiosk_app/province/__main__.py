import sys

from kiosk_app.province.cli import main

sys.exit(main())
