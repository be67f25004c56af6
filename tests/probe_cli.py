"""Run the upstream CLI with the probe command registered (until commands/__init__.py lists it)."""

from __future__ import annotations

import sys
from collections.abc import Sequence
from typing import TextIO

from upstream import cli
from upstream.commands import COMMANDS, probe


def main(argv: Sequence[str] | None = None, stdout: TextIO | None = None, stderr: TextIO | None = None) -> int:
    if probe not in getattr(cli, "COMMANDS"):  # noqa: B009 - not re-exported by cli
        setattr(cli, "COMMANDS", [*COMMANDS, probe])  # noqa: B010
    return cli.main(argv, stdout=stdout, stderr=stderr)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
