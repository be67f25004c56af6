"""Generate a large, realistic source tree with planted model references, for the scan benchmark.

The tree mixes Python (services, Django models, scripts), JavaScript/TypeScript (React components,
Express routes), configs (YAML, JSON, TOML, INI, .env.example), Dockerfiles, notebooks and Markdown,
in the proportions of a mid-sized monorepo. A few hundred files carry real model references in the
forms users write them; the rest are look-alike-rich ordinary code. Deterministic for a given seed.

    python bench/gen_tree.py DEST [--files 50000] [--seed 7]
"""

from __future__ import annotations

import argparse
import json
import random
from pathlib import Path

WORDS = ["account", "billing", "invoice", "order", "cart", "user", "session", "report", "export", "import", "metric", "event", "audit", "search", "index", "cache", "queue", "worker", "task", "job", "schedule", "payment", "refund", "customer", "product", "price", "catalog", "review", "rating", "comment", "message", "notify", "email", "webhook", "token", "auth", "profile", "setting"]

PLANTED_PY = [
    'from openai import OpenAI\n\nclient = OpenAI(base_url="https://api.deepseek.com")\n\n\ndef ask(q):\n'
    '    return client.chat.completions.create(model="deepseek-chat", messages=[{{"role": "user", "content": q}}])\n',
    'from transformers import AutoModelForCausalLM, AutoTokenizer\n\nMODEL_ID = "Qwen/Qwen2.5-Coder-7B-Instruct"\n'
    'tok = AutoTokenizer.from_pretrained(MODEL_ID)\nmodel = AutoModelForCausalLM.from_pretrained(MODEL_ID)\n',
    'import anthropic\n\nclient = anthropic.Anthropic()\nmsg = client.messages.create(model="claude-3-5-sonnet-20241022", '
    'max_tokens=512, messages=[])\n',
    'from sentence_transformers import SentenceTransformer\n\nencoder = SentenceTransformer("BAAI/bge-small-en-v1.5")\n',
    'import litellm\n\nresp = litellm.completion(model="openrouter/qwen/qwen3-coder", messages=[])\n',
    'import ollama\n\nreply = ollama.chat(model="llama3.1:8b", messages=[])\n',
    'import os\nfrom langchain_openai import ChatOpenAI\n\nllm = ChatOpenAI(model=os.getenv("LLM_MODEL", "gpt-4o-mini"))\n',
]
PLANTED_TS = [
    'import OpenAI from "openai";\n\nconst client = new OpenAI({{ baseURL: "https://api.moonshot.ai/v1" }});\n'
    'export async function ask(q: string) {{\n  return client.chat.completions.create({{ model: "kimi-k2-0711-preview", '
    'messages: [{{ role: "user", content: q }}] }});\n}}\n',
    'import {{ generateText }} from "ai";\nimport {{ openai }} from "@ai-sdk/openai";\n\n'
    'export const run = (prompt: string) => generateText({{ model: openai("gpt-4o"), prompt }});\n',
    'import {{ pipeline }} from "@huggingface/transformers";\n\n'
    'export const embed = await pipeline("feature-extraction", "Xenova/all-MiniLM-L6-v2");\n',
]
PLANTED_CFG = [
    ("yaml", "model_list:\n  - model_name: coder\n    litellm_params:\n      model: dashscope/qwen-max\n"
             "      api_base: https://dashscope-intl.aliyuncs.com/compatible-mode/v1\n"),
    ("env.example", "LLM_BASE_URL=https://api.groq.com/openai/v1\nLLM_MODEL=llama-3.3-70b-versatile\n"),
    ("Dockerfile", "FROM vllm/vllm-openai:v0.6.4\nCMD [\"--model\", \"mistralai/Mistral-7B-Instruct-v0.3\"]\n"),
]


def _py(rng: random.Random) -> str:
    a, b = rng.sample(WORDS, 2)
    lines = [f'"""{a.title()} {b} service."""', "", "from __future__ import annotations", "",
             "import logging", "from dataclasses import dataclass", "", "log = logging.getLogger(__name__)", ""]
    for i in range(rng.randint(3, 9)):
        w = rng.choice(WORDS)
        lines += [
            "@dataclass", f"class {w.title()}{i}:", f"    {w}_id: int", f"    name: str = \"{a}\"", "",
            f"    def total_{b}(self, items: list[int]) -> int:",
            "        acc = 0", "        for x in items:", "            acc += x * 2 if x > 3 else x",
            f"        log.debug(\"{w} total %s\", acc)", "        return acc", "",
        ]
    if rng.random() < 0.15:
        lines += ["from django.db import models", "", "class Record(models.Model):",
                  "    title = models.CharField(max_length=80)", "    model_version = models.IntegerField(default=1)", ""]
    return "\n".join(lines) + "\n"


def _ts(rng: random.Random) -> str:
    a, b = rng.sample(WORDS, 2)
    out = ['import { useState } from "react";', f'import {{ api }} from "../lib/{a}";', ""]
    for i in range(rng.randint(2, 6)):
        out += [f"export function {a.title()}{b.title()}{i}(props: {{ id: number }}) {{",
                f"  const [{b}, set{b.title()}] = useState<string>(\"\");",
                f"  const load = async () => set{b.title()}(await api.get(`/{a}/${{props.id}}`));",
                f"  return <div className=\"{a}-{b}\" onClick={{load}}>{{{b}}}</div>;", "}", ""]
    return "\n".join(out)


def _yaml(rng: random.Random) -> str:
    a = rng.choice(WORDS)
    return (f"name: {a}\non:\n  push:\n    branches: [main]\njobs:\n  test:\n    runs-on: ubuntu-latest\n"
            f"    steps:\n      - uses: actions/checkout@v4\n      - run: make test-{a}\n")


def _json(rng: random.Random) -> str:
    a = rng.choice(WORDS)
    return json.dumps({"name": f"@acme/{a}", "version": f"1.{rng.randint(0, 9)}.0",
                       "scripts": {"build": "tsc", "test": "vitest"},
                       "dependencies": {"react": "^18.3.0", "zod": "^3.23.0"}}, indent=2) + "\n"


def _md(rng: random.Random) -> str:
    a, b = rng.sample(WORDS, 2)
    return (f"# {a.title()} {b}\n\nThis module handles {a} and {b}. Run `make {a}` to build it.\n\n"
            f"## Usage\n\n```bash\n./bin/{a} --{b} 3\n```\n\nThe GPT partition table on build hosts is unrelated.\n")


def _ipynb(rng: random.Random) -> str:
    a = rng.choice(WORDS)
    nb = {"cells": [{"cell_type": "markdown", "metadata": {}, "source": [f"# {a} analysis\n"]},
                    {"cell_type": "code", "metadata": {}, "execution_count": 1, "outputs": [],
                     "source": ["import pandas as pd\n", f"df = pd.read_csv('{a}.csv')\n", "df.describe()\n"]}],
          "metadata": {}, "nbformat": 4, "nbformat_minor": 5}
    return json.dumps(nb, indent=1)


KINDS = [("py", _py, 40), ("tsx", _ts, 25), ("yaml", _yaml, 8), ("json", _json, 10), ("md", _md, 12),
         ("ipynb", _ipynb, 2), ("toml", lambda r: f"[tool.{r.choice(WORDS)}]\nenabled = true\n", 3)]
# Every planted form in turn: Python and TypeScript references at the top of ordinary code of their own
# language, configs as whole files.
PLANTS: list[tuple[str, str]] = [
    *(("py", t.replace("{{", "{").replace("}}", "}")) for t in PLANTED_PY),
    *(("ts", t.replace("{{", "{").replace("}}", "}")) for t in PLANTED_TS),
    *PLANTED_CFG,
]
# Files real trees also hold that the parser rejects: a Python 3.12 statement, a merge-conflict marker.
BROKEN_PY = ["type Pair = tuple[int, int]\n", "<<<<<<< HEAD\nRETRIES = 3\n=======\nRETRIES = 5\n>>>>>>> main\n"]


def generate(dest: Path, files: int, seed: int) -> int:
    rng = random.Random(seed)
    weights = [k[2] for k in KINDS]
    planted = 0
    for n in range(files):
        pkg = dest / f"pkg{n // 2000:02d}" / f"mod{(n // 40) % 50:02d}"
        pkg.mkdir(parents=True, exist_ok=True)
        ext, make, _ = rng.choices(KINDS, weights)[0]
        text = make(rng)
        if n % 150 == 0:
            ext, plant = PLANTS[planted % len(PLANTS)]
            if ext == "py":
                text = plant + "\n" + _py(rng)
            elif ext == "ts":
                ext, text = "tsx", plant + "\n" + _ts(rng)
            else:
                text = plant
            planted += 1
        elif ext == "py" and n % 997 == 1:
            text = _py(rng) + BROKEN_PY[n % len(BROKEN_PY)]
        name = {"Dockerfile": "Dockerfile", "env.example": ".env.example"}.get(ext, f"f{n}.{ext}")
        if name in ("Dockerfile", ".env.example"):
            (pkg / f"svc{n}").mkdir(exist_ok=True)
            (pkg / f"svc{n}" / name).write_text(text)
        else:
            (pkg / name).write_text(text)
    return planted


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("dest")
    ap.add_argument("--files", type=int, default=50_000)
    ap.add_argument("--seed", type=int, default=7)
    args = ap.parse_args()
    planted = generate(Path(args.dest), args.files, args.seed)
    print(f"wrote {args.files} files ({planted} with planted references) under {args.dest}")


if __name__ == "__main__":
    main()
