"""The detector runner: every bad input becomes a recorded skip or a plugin error, never a crash."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from upstream.detect import Detection, FileInput, ParseError
from upstream.detect.runner import keyword_gate, scan_entries
from upstream.sources import WalkResult, walk


class WordDetector:
    """Reports the word after `use:` on each line; raises on `boom`, ParseError on `broken`."""

    id = "word"
    keywords = (b"USE:", b"boom", b"broken")

    def __init__(self) -> None:
        self.seen: list[str] = []

    def wants(self, path: str, name: str, suffix: str) -> bool:
        return suffix == ".txt"

    def detect(self, file: FileInput) -> Iterator[Detection]:
        self.seen.append(file.path)
        text = file.text()
        if "boom" in text:
            raise ValueError("detector bug")
        if "broken" in text:
            raise ParseError("unbalanced brackets at line 1")
        for n, line in enumerate(text.splitlines(), 1):
            if line.startswith("use:"):
                yield Detection(subject="model", value=line[4:].strip(), line=n, kind="config",
                                confidence="high", detector=self.id, snippet=line + " api_key=sk-abcdefghijklmnopqrstu")


def _run(root: Path, det: WordDetector, max_bytes: int = 1 << 20) -> tuple[list[tuple[str, str]], object]:
    res = scan_entries(walk(str(root), WalkResult()), [det], max_bytes)
    return sorted((p, d.value) for p, d in res.detections), res


def test_bad_inputs_are_recorded_and_the_rest_still_scanned(tmp_path: Path) -> None:
    (tmp_path / "ok.txt").write_text("use: gpt-4o\n")
    (tmp_path / "bin.txt").write_bytes(b"use: x\x00\x01\x02")
    (tmp_path / "big.txt").write_text("use: big\n" + "x" * 5000)
    (tmp_path / "latin1.txt").write_bytes("use: caf\xe9\n".encode("latin-1"))
    (tmp_path / "broken.txt").write_text("broken [\n")
    (tmp_path / "bug.txt").write_text("boom\n")
    (tmp_path / "zz.txt").write_text("use: qwen2.5:7b\n")
    det = WordDetector()
    found, res = _run(tmp_path, det, max_bytes=1000)
    assert found == [("ok.txt", "gpt-4o"), ("zz.txt", "qwen2.5:7b")]
    skipped = {s.path: s.reason for s in res.skipped}  # type: ignore[attr-defined]
    assert skipped == {"bin.txt": "binary", "big.txt": "too-large", "latin1.txt": "invalid-utf8",
                       "broken.txt": "parse-error"}
    counters = res.counters["word"]  # type: ignore[attr-defined]
    assert counters.errors == 1 and "bug.txt: ValueError: detector bug" in counters.samples[0]


def test_keyword_gate_is_case_insensitive_and_skips_files(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("nothing to see\n")
    (tmp_path / "b.txt").write_text("use: llama3\n")
    det = WordDetector()
    _run(tmp_path, det)
    assert det.seen == ["b.txt"]
    assert set(keyword_gate(det)) == {b"use:", b"boom", b"broken"}


def test_snippets_are_redacted(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("use: gpt-4o\n")
    res = scan_entries(walk(str(tmp_path), WalkResult()), [WordDetector()], 1 << 20)
    snippet = res.detections[0][1].snippet
    assert "abcdefghijklmnopqrstu" not in snippet and snippet.endswith("api_key=sk-***")
