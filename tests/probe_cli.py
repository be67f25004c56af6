"""Run the upstream CLI the way the probe tests call it (in-process, with their own streams)."""

from __future__ import annotations

import sys
from collections.abc import Sequence
from typing import TextIO

from upstream import cli


def main(argv: Sequence[str] | None = None, stdout: TextIO | None = None, stderr: TextIO | None = None) -> int:
    return cli.main(argv, stdout=stdout, stderr=stderr)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
