"""Allow ``python -m kg``."""

from kg.cli import main

raise SystemExit(main())
