"""``python -m weighthub``: the ``weighthub`` command line."""

from weighthub._cli import main

raise SystemExit(main())
