"""Several runs may open one store at once (a probe per model in parallel): none may fail to start."""

from __future__ import annotations

import threading
from pathlib import Path

from upstream.probe.store import Store


def test_concurrent_openers_of_a_new_store_all_succeed(tmp_path: Path) -> None:
    for trial in range(40):
        directory = tmp_path / f"store-{trial}"
        errors: list[BaseException] = []
        start = threading.Barrier(8)

        def open_store(directory: Path = directory, errors: list[BaseException] = errors,
                       start: threading.Barrier = start) -> None:
            start.wait()
            try:
                with Store(directory):
                    pass
            except BaseException as exc:  # the failure being tested for
                errors.append(exc)

        threads = [threading.Thread(target=open_store) for _ in range(8)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert not errors, errors
        assert (directory / "answers.sqlite3").is_file()
