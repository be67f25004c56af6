"""Run a coroutine to its end from synchronous code (the CLI, benchmarks).

`asyncio.run`, except that the result is handed over outside the main task. On Python 3.11 the runner,
when it puts the SIGINT handler back, formats the handler it installed, and with it the finished task and
its result, in full, into an error message it then discards (`signal._int_to_enum`): for a probe report
of 2,000 results that is 20-35 ms of `repr`, twice.
"""

from __future__ import annotations

import asyncio
from collections.abc import Coroutine
from typing import Any, TypeVar

T = TypeVar("T")


def run_sync(coro: Coroutine[Any, Any, T]) -> T:
    """Run `coro` in a new event loop and return its result (its exception propagates as it is)."""
    box: list[T] = []

    async def main() -> None:
        box.append(await coro)

    asyncio.run(main())
    return box[0]
