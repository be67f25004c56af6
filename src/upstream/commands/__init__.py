"""Subcommands: each module has `register(subparsers)` and `run(args, stdout, stderr) -> int`.

Modules are imported when needed: a run of one command imports that command's module alone (the others'
imports and argument tables are start-up time a scan of a large tree pays for nothing).
"""

from __future__ import annotations

from importlib import import_module
from types import ModuleType

EXIT_OK, EXIT_POLICY, EXIT_USAGE, EXIT_INCOMPLETE, EXIT_INTERNAL = 0, 1, 2, 3, 4

# Command name -> module, in the order `upstream --help` lists them.
NAMES: dict[str, str] = {
    "scan": "scan", "inspect": "inspect", "explain": "explain", "probe": "probe", "weigh": "weigh",
    "policy": "policy_cmd", "report": "report_cmd", "kb": "kb", "schema": "schema",
}


def command(name: str) -> ModuleType:
    """The module of one command (imported on first use)."""
    return import_module(f"upstream.commands.{NAMES[name]}")


def all_commands() -> list[ModuleType]:
    return [command(name) for name in NAMES]
