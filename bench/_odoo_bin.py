"""Odoo's command line (``odoo-bin``) as a file: a prefork server starts its gevent process
with ``sys.executable sys.argv[0] gevent ...``, which ``python -c`` cannot be."""

import sys

from odoo.cli.command import main

if __name__ == "__main__":
    sys.argv[0] = __file__
    main()
