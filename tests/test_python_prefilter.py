"""The byte-level prefilter never hides a file the Python detector would report something in."""

from __future__ import annotations

from pathlib import Path

from upstream.detect import ParseError
from upstream.detect.python_code import analyze_python
from upstream.detect.python_prefilter import worth_parsing

FIXTURES = Path(__file__).parent / "fixtures" / "scan"


def test_every_python_fixture_with_findings_passes_the_prefilter() -> None:
    checked = 0
    for path in sorted(FIXTURES.rglob("*.py")):
        try:
            found = analyze_python(path.read_text(encoding="utf-8"))
        except (ParseError, UnicodeDecodeError):
            continue
        if found:
            checked += 1
            assert worth_parsing(path.read_bytes()), f"{path} has findings but the prefilter would skip it"
    assert checked >= 20


def test_ordinary_code_is_skipped() -> None:
    django = b'from django.db import models\n\nclass Ticket(models.Model):\n    model_version = models.IntegerField()\n'
    assert not worth_parsing(django)
    assert worth_parsing(b'MODEL = "Qwen/Qwen2.5-7B-Instruct"\n')
    assert worth_parsing(b"import litellm\nx = 1\n")
    assert worth_parsing(b"m = AutoModel.from_pretrained(path)\n")
    assert worth_parsing(b"r = client.chat.completions.create(model=name)\n")
    assert worth_parsing(b'WEIGHTS = "./weights/best.safetensors"\n')
