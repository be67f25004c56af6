"""Subcommands: each module has `register(subparsers)` and `run(args, stdout, stderr) -> int`."""

from __future__ import annotations

from types import ModuleType

EXIT_OK, EXIT_POLICY, EXIT_USAGE, EXIT_INCOMPLETE, EXIT_INTERNAL = 0, 1, 2, 3, 4


def _commands() -> list[ModuleType]:
    from upstream.commands import explain, inspect, kb, policy_cmd, probe, report_cmd, scan, schema, weigh

    return [scan, inspect, explain, probe, weigh, policy_cmd, report_cmd, kb, schema]


COMMANDS = _commands()
