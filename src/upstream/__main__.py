"""`python -m upstream`."""

from upstream.cli import main

raise SystemExit(main())
