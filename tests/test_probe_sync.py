"""run_sync: asyncio.run that hands the result back without formatting it (Python 3.11's runner formats
the finished main task, result and all, when it restores the SIGINT handler)."""

from __future__ import annotations

import asyncio

import pytest

from upstream.errors import ConfigError
from upstream.probe.sync import run_sync


class Costly:
    """A result whose repr is counted (a probe report's repr walks every result)."""

    formatted = 0

    def __repr__(self) -> str:
        Costly.formatted += 1
        return "Costly()"


def test_the_result_comes_back_unformatted() -> None:
    async def work() -> Costly:
        await asyncio.sleep(0)
        return Costly()

    Costly.formatted = 0
    assert isinstance(run_sync(work()), Costly)
    assert Costly.formatted == 0


def test_an_error_propagates_as_it_is() -> None:
    async def fails() -> None:
        raise ConfigError("the endpoint rejects the requests", hint="check --endpoint")

    with pytest.raises(ConfigError, match="rejects the requests"):
        run_sync(fails())
