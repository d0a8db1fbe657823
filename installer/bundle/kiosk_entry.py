"""Entry point of the bundled kiosk: `kiosk ARGS` starts the kiosk, `kiosk admin ARGS` (or the
program started under the name `kiosk-admin`) runs the administrator's command line."""

import multiprocessing
import os
import sys


def main() -> int:
    # A frozen program has no `python -m`: a helper process started through multiprocessing
    # re-enters here and must be caught before the kiosk starts a second time.
    multiprocessing.freeze_support()
    name = os.path.basename(sys.argv[0]).lower()
    if name.startswith("kiosk-admin"):
        from kiosk_app.admin.cli import main as admin_main

        return admin_main(sys.argv[1:])
    if sys.argv[1:2] == ["admin"]:
        from kiosk_app.admin.cli import main as admin_main

        return admin_main(sys.argv[2:])
    from kiosk_app.__main__ import main as kiosk_main

    return kiosk_main(sys.argv[1:])


if __name__ == "__main__":
    sys.exit(main())
