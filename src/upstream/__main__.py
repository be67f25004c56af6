"""`python -m upstream`."""

from upstream.cli import entry

entry()
