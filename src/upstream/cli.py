"""The command line: arguments -> config -> pipeline -> output and exit status. The only place that prints.

Exit status: 0 pass, 1 policy failed, 2 usage or configuration error, 3 incomplete (with --strict),
4 internal error.
"""

from __future__ import annotations

import argparse
import os
import sys
import traceback
from collections.abc import Sequence
from typing import TextIO

from upstream import __version__
from upstream.commands import EXIT_INTERNAL, EXIT_OK, EXIT_USAGE, NAMES, all_commands, command
from upstream.errors import UpstreamError, UsageError


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        raise UsageError(message, hint=f"see '{self.prog} --help'")


def build_parser(argv: Sequence[str] | None = None) -> argparse.ArgumentParser:
    """The parser; when `argv` names a command, only that command's module is imported and registered."""
    parser = _Parser(prog="upstream", description="Which AI models your software runs, and whose they are.")
    parser.add_argument("--version", action="version", version=f"upstream {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    chosen = _chosen(sys.argv[1:] if argv is None else argv)
    for module in [command(chosen)] if chosen else all_commands():
        module.register(sub)
    return parser


def _chosen(argv: Sequence[str]) -> str | None:
    """The command `argv` runs: its first argument, when that is a command's name."""
    return argv[0] if argv and argv[0] in NAMES else None


def main(argv: Sequence[str] | None = None, stdout: TextIO | None = None, stderr: TextIO | None = None) -> int:
    """Run the CLI; returns the exit status instead of exiting, so tests can call it."""
    stdout = stdout or sys.stdout
    stderr = stderr or sys.stderr
    parser = build_parser(argv)
    try:
        args = parser.parse_args(argv)
        if args.command is None:
            parser.print_help(stderr)
            return EXIT_USAGE
        return int(args.run(args, stdout, stderr))
    except UpstreamError as exc:
        stderr.write(exc.diagnostics() + "\n")
        return EXIT_USAGE
    except KeyboardInterrupt:
        stderr.write("interrupted\n")
        return 130
    except BrokenPipeError:
        return EXIT_OK
    except Exception:
        stderr.write("upstream: internal error (this is a bug; please report it with the trace below)\n")
        stderr.write(traceback.format_exc())
        return EXIT_INTERNAL


# Commands whose process may end without the interpreter's teardown once their output is flushed: tearing
# down a scan's few hundred modules, compiled patterns and syntax trees costs 50-80 ms of wall time for
# nothing. Commands holding stores, servers or temporary files always exit the normal way.
_FAST_EXIT = frozenset({"scan"})


def entry() -> None:
    """The console script and `python -m upstream`: run, then exit with the status."""
    status = main()
    if _chosen(sys.argv[1:]) in _FAST_EXIT:
        try:
            sys.stdout.flush()
            sys.stderr.flush()
        except (BrokenPipeError, ValueError):
            pass
        else:
            os._exit(status)
    raise SystemExit(status)
