"""The notebook detector: code cells as one module, magics, shell lines, markdown as docs."""

from __future__ import annotations

import json

import pytest

from upstream.detect import FileInput, ParseError
from upstream.detect.notebooks import NotebookDetector, analyze_notebook
from upstream.models import Detection


def notebook(*cells: tuple[str, str], language: str = "python", outputs: list[object] | None = None) -> str:
    out = []
    for kind, src in cells:
        cell: dict[str, object] = {"cell_type": kind, "metadata": {}, "source": src.splitlines(keepends=True)}
        if kind == "code":
            cell["outputs"] = outputs or []
            cell["execution_count"] = None
        out.append(cell)
    return json.dumps({"cells": out, "metadata": {"kernelspec": {"language": language, "name": "k"}},
                       "nbformat": 4, "nbformat_minor": 5})


def found(text: str) -> list[tuple[int | None, int, str, str]]:
    return [(d.cell, d.line, d.kind, d.value) for d in analyze_notebook(text) if d.subject == "model"]


def test_clients_and_constants_flow_across_cells() -> None:
    nb = notebook(
        ("code", "from openai import OpenAI\n"),
        ("code", "client = OpenAI(base_url='http://localhost:8000/v1')\nMODEL = 'Qwen/Qwen2.5-7B-Instruct'\n"),
        ("markdown", "Ask a question:"),
        ("code", "def ask(q):\n    return client.chat.completions.create(model=MODEL, messages=[q])\n"),
    )
    [d] = [d for d in analyze_notebook(nb) if d.subject == "model"]
    assert (d.cell, d.line, d.kind, d.detector) == (1, 2, "notebook", "notebook")
    assert (d.provider, d.base_url) == ("openai", "http://localhost:8000/v1")
    assert [(r.line, r.note) for r in d.related] == [(2, "cell 3: used by chat.completions.create()"),
                                                    (1, "client built here")]


def test_magics_are_blanked_in_place_and_line_numbers_hold() -> None:
    nb = notebook(
        ("code", "%pip install -q sentence-transformers\nimport os\n%env HF_HOME=/tmp/hf\n"
                 "from sentence_transformers import SentenceTransformer\n"),
        ("code", "%%time\nemb = SentenceTransformer('BAAI/bge-m3')\nfiles = !ls data\nemb?\n"),
        ("code", "if True:\n    %timeit emb.encode(['x'])\n    ce = SentenceTransformer('BAAI/bge-small-en-v1.5')\n"),
    )
    assert found(nb) == [(1, 2, "notebook", "BAAI/bge-m3"), (2, 3, "notebook", "BAAI/bge-small-en-v1.5")]


def test_a_broken_cell_is_left_out_and_the_rest_still_reported() -> None:
    nb = notebook(
        ("code", "import ollama\n"),
        ("code", "for q in questions\n    print(q)\n"),
        ("code", "ollama.chat(model='llama3.2:3b', messages=[])\n"),
        ("code", "def f(:\n"),
    )
    assert found(nb) == [(2, 1, "notebook", "llama3.2:3b")]


def test_markdown_mentions_are_docs_and_outputs_are_ignored() -> None:
    nb = notebook(
        ("markdown", "# Eval\n\nWe compare gpt-4o with claude-3-5-sonnet here."),
        ("code", "print('done')\n"),
        outputs=[{"output_type": "stream", "name": "stdout", "text": ["model: qwen2.5:7b\n"]}],
    )
    assert found(nb) == [(0, 3, "docs", "gpt-4o"), (0, 3, "docs", "claude-3-5-sonnet")]


def test_shell_lines_and_shell_cells_go_to_the_command_detector() -> None:
    nb = notebook(
        ("code", "!ollama pull llama3.1:8b\nx = 1\n"),
        ("code", "%%bash\nhuggingface-cli download Qwen/Qwen2.5-0.5B-Instruct --local-dir models\n"),
        ("code", "%%writefile notes.txt\nmodel = 'gpt-4o'\n"),
    )
    got = found(nb)
    assert (0, 1, "notebook", "llama3.1:8b") in got
    assert (1, 2, "notebook", "Qwen/Qwen2.5-0.5B-Instruct") in got
    assert all(value != "gpt-4o" for _, _, _, value in got)


def test_non_python_kernels_and_old_nbformat() -> None:
    r_nb = notebook(("code", "model <- 'gpt-4o'\nllm(model = 'gpt-4o')\n"), language="R")
    assert found(r_nb) == []
    v3 = json.dumps({"nbformat": 3, "worksheets": [{"cells": [
        {"cell_type": "code", "input": ["from vllm import LLM\n", "llm = LLM('mistralai/Mistral-7B-v0.1')\n"]},
    ]}]})
    assert found(v3) == [(0, 2, "notebook", "mistralai/Mistral-7B-v0.1")]


@pytest.mark.parametrize("text", ["{not json", "[1, 2]", '{"metadata": {}}', '{"cells": 3}'])
def test_broken_notebooks_raise_parse_error(text: str) -> None:
    with pytest.raises(ParseError):
        analyze_notebook(text)


def test_detector_wants_ipynb_and_reads_the_file_input() -> None:
    det = NotebookDetector()
    assert det.wants("nb/a.ipynb", "a.ipynb", ".ipynb") and not det.wants("a.py", "a.py", ".py")
    data = notebook(("code", "from transformers import pipeline\np = pipeline('ner', model='dslim/bert-base-NER')\n"))
    raw = data.encode()
    out: list[Detection] = list(det.detect(FileInput("a.ipynb", "/nonexistent", len(raw), raw)))
    assert [(d.value, d.cell, d.line, d.provider) for d in out] == [("dslim/bert-base-NER", 0, 2, "transformers")]
