"""The Python detector: known APIs, data flow back to the literal, endpoints, and look-alikes."""

from __future__ import annotations

import textwrap

import pytest

from upstream.detect import FileInput, ParseError
from upstream.detect.python_code import PythonDetector, analyze_python
from upstream.detect.python_keyed import is_model_key
from upstream.models import Detection


def scan(src: str) -> list[Detection]:
    return analyze_python(textwrap.dedent(src))


def models(src: str) -> dict[str, Detection]:
    found = [d for d in scan(src) if d.subject == "model"]
    by_value = {d.value: d for d in found}
    assert len(by_value) == len(found), f"a literal reported twice: {found}"
    return by_value


def line_of(src: str, needle: str) -> int:
    lines = textwrap.dedent(src).splitlines()
    return next(i for i, text in enumerate(lines, start=1) if needle in text)


# --------------------------------------------------------------------------- data flow


def test_module_constant_is_reported_at_its_literal_with_the_call_as_related() -> None:
    src = """
        from transformers import AutoModelForCausalLM, AutoTokenizer

        MODEL_ID = "Qwen/Qwen2.5-7B-Instruct"

        def load():
            tok = AutoTokenizer.from_pretrained(MODEL_ID)
            return AutoModelForCausalLM.from_pretrained(MODEL_ID, revision="a1b2c3d"), tok
    """
    d = models(src)["Qwen/Qwen2.5-7B-Instruct"]
    assert d.line == line_of(src, "MODEL_ID =")
    assert d.column == 12
    calls = {line_of(src, "AutoTokenizer.from"), line_of(src, "AutoModelForCausalLM.from")}
    assert {r.line for r in d.related} == calls
    assert (d.provider, d.hub, d.confidence, d.revision) == ("transformers", "huggingface", "high", "a1b2c3d")
    assert d.snippet.strip().startswith("MODEL_ID =")


def test_client_with_getenv_default_base_url_in_another_function() -> None:
    src = """
        import os
        from openai import OpenAI

        client = OpenAI(base_url=os.getenv("DEEPSEEK_BASE_URL", "https://api.deepseek.com"))

        def ask(q):
            return client.chat.completions.create(model="deepseek-chat", messages=[q])
    """
    found = scan(src)
    model = next(d for d in found if d.subject == "model")
    assert (model.value, model.provider, model.base_url, model.hub) == (
        "deepseek-chat", "openai", "https://api.deepseek.com", "api")
    assert any(r.line == line_of(src, "client = OpenAI") for r in model.related)
    endpoint = next(d for d in found if d.subject == "endpoint")
    assert (endpoint.value, endpoint.line) == ("https://api.deepseek.com", line_of(src, "client = OpenAI"))
    assert "DEEPSEEK_BASE_URL" in (endpoint.note or "")


def test_self_client_from_init_used_in_another_method() -> None:
    src = """
        from openai import OpenAI as O

        class Bot:
            def __init__(self, model="qwen2.5:7b"):
                self.client = O(base_url="http://localhost:11434/v1", api_key="ollama")
                self.model = model

            def reply(self, text):
                return self.client.chat.completions.create(model=self.model, messages=[text])

        Bot("llama3.1:8b").reply("hi")
    """
    found = models(src)
    assert set(found) == {"qwen2.5:7b", "llama3.1:8b"}
    for d in found.values():
        assert (d.provider, d.base_url, d.hub, d.confidence) == ("openai", "http://localhost:11434/v1", "ollama",
                                                                 "high")
    assert found["qwen2.5:7b"].note == "default of parameter model"
    assert found["llama3.1:8b"].line == line_of(src, 'Bot("llama3.1:8b")')


def test_settings_class_field_defaults_flow_into_the_call() -> None:
    src = """
        from anthropic import Anthropic
        from pydantic import Field
        from pydantic_settings import BaseSettings

        class Settings(BaseSettings):
            chat_model: str = Field(default="claude-3-5-haiku-latest")
            fallback: str = "claude-3-opus-20240229"

        settings = Settings()
        client = Anthropic()

        def run(msgs):
            return client.messages.create(model=settings.chat_model, max_tokens=10, messages=msgs)
    """
    found = models(src)
    d = found["claude-3-5-haiku-latest"]
    assert (d.line, d.provider, d.confidence) == (line_of(src, "chat_model:"), "anthropic", "high")
    assert [r.line for r in d.related] == [line_of(src, "client.messages.create")]
    assert "claude-3-opus-20240229" not in found  # not model-named, not used


def test_argparse_default_and_every_choice_are_models() -> None:
    src = """
        import argparse
        from vllm import LLM

        p = argparse.ArgumentParser()
        p.add_argument("--model", default="mistralai/Mistral-7B-Instruct-v0.3",
                       choices=["mistralai/Mistral-7B-Instruct-v0.3", "Qwen/Qwen2.5-7B-Instruct"])
        p.add_argument("--output-dir", default="./out")
        args = p.parse_args()
        llm = LLM(model=args.model)
    """
    found = scan(src)
    got = sorted((d.value, d.line, d.note) for d in found)
    default_line, choices_line = line_of(src, 'default="mistralai'), line_of(src, "choices=")
    assert got == [
        ("Qwen/Qwen2.5-7B-Instruct", choices_line, "choice of --model"),
        ("mistralai/Mistral-7B-Instruct-v0.3", default_line, "default of --model"),
        ("mistralai/Mistral-7B-Instruct-v0.3", choices_line, "choice of --model"),
    ]
    assert all(d.provider == "vllm" and d.confidence == "high" for d in found)


def test_conditional_expression_and_or_fallback() -> None:
    src = """
        import os
        import ollama

        def answer(q, fast=False):
            model = "llama3.2:1b" if fast else os.environ.get("BIG_MODEL") or "llama3.1:70b"
            return ollama.chat(model=model, messages=[q])
    """
    found = models(src)
    assert set(found) == {"llama3.2:1b", "llama3.1:70b"}
    assert all(d.provider == "ollama" and d.hub == "ollama" for d in found.values())


def test_fstring_with_resolvable_parts_and_unresolvable_ones() -> None:
    src = """
        from transformers import pipeline

        ORG = "acme-ai"
        clf = pipeline("text-classification", model=f"{ORG}/tickets-distilbert-v2")

        def load(name):
            return pipeline("ner", model=f"{ORG}/{name}")
    """
    assert set(models(src)) == {"acme-ai/tickets-distilbert-v2"}


def test_each_literal_once_even_when_it_reaches_two_clients() -> None:
    src = """
        from openai import OpenAI
        MODEL = "gpt-4o-mini"
        a, b = OpenAI(), OpenAI()
        a.chat.completions.create(model=MODEL, messages=[])
        b.responses.create(model=MODEL, input="x")
    """
    d = models(src)["gpt-4o-mini"]
    assert len(d.related) == 2


# --------------------------------------------------------------------------- known APIs


def test_routes_carry_their_provider_and_canonical_id() -> None:
    src = """
        import litellm
        from langchain.chat_models import init_chat_model

        litellm.completion(model="deepseek/deepseek-chat", messages=[])
        litellm.completion(model="ollama/Llama3.2", messages=[])
        a = init_chat_model("anthropic:claude-3-7-sonnet-latest")
        b = init_chat_model("gemma2:9b", model_provider="ollama")
    """
    found = models(src)
    assert (found["deepseek/deepseek-chat"].provider, found["deepseek/deepseek-chat"].canonical) == (
        "litellm/deepseek", "deepseek-chat")
    assert (found["ollama/Llama3.2"].canonical, found["ollama/Llama3.2"].hub) == ("llama3.2:latest", "ollama")
    claude = found["anthropic:claude-3-7-sonnet-latest"]
    assert (claude.provider, claude.canonical) == ("langchain/anthropic", "claude-3-7-sonnet-latest")
    assert (found["gemma2:9b"].provider, found["gemma2:9b"].hub) == ("langchain/ollama", "ollama")


def test_weights_apis_hub_and_paths() -> None:
    src = """
        from llama_cpp import Llama
        from peft import PeftModel
        from sentence_transformers import SentenceTransformer
        from transformers import AutoModel, pipeline

        base = AutoModel.from_pretrained("./checkpoints/final")
        tuned = PeftModel.from_pretrained(base, "acme-ai/lora-support-v1")
        emb = SentenceTransformer("BAAI/bge-small-en-v1.5")
        gguf = Llama(model_path="/models/qwen2.5-7b-q4_k_m.gguf")
        tiny = Llama.from_pretrained(repo_id="bartowski/Llama-3.2-1B-Instruct-GGUF", filename="*Q4_K_M.gguf")
        ner = pipeline("ner", "dslim/bert-base-NER")
        out = AutoModel.from_pretrained("output")
    """
    found = models(src)
    assert {k: (v.provider, v.hub) for k, v in found.items()} == {
        "./checkpoints/final": ("transformers", "file"),
        "acme-ai/lora-support-v1": ("transformers", "huggingface"),
        "BAAI/bge-small-en-v1.5": ("sentence-transformers", "huggingface"),
        "/models/qwen2.5-7b-q4_k_m.gguf": ("llama-cpp", "file"),
        "bartowski/Llama-3.2-1B-Instruct-GGUF": ("llama-cpp", "huggingface"),
        "dslim/bert-base-NER": ("transformers", "huggingface"),
    }
    assert found["bartowski/Llama-3.2-1B-Instruct-GGUF"].note == "filename=*Q4_K_M.gguf"


def test_provider_sdks_and_their_endpoints() -> None:
    src = """
        import boto3
        import dashscope
        from google import genai
        from openai import AzureOpenAI
        from zai import ZaiClient

        dashscope.base_http_api_url = "https://dashscope-intl.aliyuncs.com/api/v1"
        dashscope.Generation.call(model="qwen-plus", messages=[])
        vertex = genai.Client(vertexai=True, project="p", location="europe-west4")
        vertex.models.generate_content(model="publishers/google/models/gemini-1.5-pro-002", contents="x")
        az = AzureOpenAI(azure_endpoint="https://acme.openai.azure.com/", api_version="2024-10-21")
        az.chat.completions.create(model="gpt-4o-prod", messages=[])
        br = boto3.client("bedrock-runtime")
        br.converse(modelId="anthropic.claude-3-5-sonnet-20240620-v1:0", messages=[])
        ZaiClient().chat.completions.create(model="glm-4.5", messages=[])
    """
    found = models(src)
    assert (found["qwen-plus"].provider, found["qwen-plus"].base_url) == (
        "dashscope", "https://dashscope-intl.aliyuncs.com/api/v1")
    gem = found["publishers/google/models/gemini-1.5-pro-002"]
    assert (gem.provider, gem.canonical) == ("vertexai", "gemini-1.5-pro-002")
    assert (found["gpt-4o-prod"].provider, found["gpt-4o-prod"].base_url) == (
        "azure-openai", "https://acme.openai.azure.com/")
    assert found["anthropic.claude-3-5-sonnet-20240620-v1:0"].provider == "bedrock"
    assert found["glm-4.5"].provider == "zai"


def test_dynamic_base_url_leaves_provider_unknown_but_sdk_variable_does_not() -> None:
    src = """
        import os
        from openai import OpenAI
        custom = OpenAI(base_url=os.environ["LLM_BASE_URL"])
        custom.chat.completions.create(model="gpt-4o", messages=[])
        std = OpenAI(base_url=os.getenv("OPENAI_BASE_URL"))
        std.chat.completions.create(model="gpt-4.1", messages=[])
    """
    found = models(src)
    assert found["gpt-4o"].provider is None
    assert "LLM_BASE_URL" in (found["gpt-4o"].note or "")
    assert found["gpt-4.1"].provider == "openai"


def test_untraceable_client_and_subclass_of_known_class() -> None:
    src = """
        from app.clients import llm
        from langchain_openai import ChatOpenAI

        class DeepSeekChat(ChatOpenAI):
            pass

        llm.chat.completions.create(model="gpt-4.1-mini", messages=[])
        ds = DeepSeekChat(model="deepseek-chat", base_url="https://api.deepseek.com")
    """
    found = models(src)
    assert (found["gpt-4.1-mini"].provider, found["gpt-4.1-mini"].confidence) == (None, "high")
    assert (found["deepseek-chat"].provider, found["deepseek-chat"].base_url) == (
        "langchain/openai", "https://api.deepseek.com")


def test_http_payload_tied_to_the_url_it_is_posted_to() -> None:
    src = """
        import requests
        URL = "http://localhost:11434/api/generate"
        def gen(p):
            body = {"model": "llama3.1:8b", "prompt": p}
            return requests.post(URL, json=body).json()
    """
    d = models(src)["llama3.1:8b"]
    assert (d.confidence, d.base_url, d.hub, d.provider) == ("medium", "http://localhost:11434/api/generate",
                                                             "ollama", None)


# --------------------------------------------------------------------------- keyed names and look-alikes


def test_model_named_targets_keys_and_keywords_are_medium() -> None:
    src = """
        from acme.llm import ask

        DEFAULT_CHAT_MODEL = "gpt-4.1"
        FALLBACK_MODELS = ("claude-3-5-haiku-latest", "gemini-1.5-flash-8b")
        payload = {"model": "mistral-small-latest", "temperature": 0}
        ask("hi", model="o3-mini")
    """
    found = models(src)
    assert set(found) == {"gpt-4.1", "claude-3-5-haiku-latest", "gemini-1.5-flash-8b", "mistral-small-latest",
                          "o3-mini"}
    assert {d.confidence for d in found.values()} == {"medium"}
    assert all(d.provider is None for d in found.values())


def test_lookalikes_are_not_reported() -> None:
    src = '''
        """Uses gpt-4o for summaries."""
        import mimetypes
        from datasets import load_dataset
        from django.conf import settings
        from django.db import models
        from fastapi import FastAPI
        from huggingface_hub import hf_hub_download
        from pydantic import BaseModel, ConfigDict
        from sklearn.linear_model import LinearRegression

        AUTH_USER_MODEL = "accounts.User"
        MIMETYPE = "application/json"
        MODEL_VERSION = "2024-08-06"
        MODEL_PROVIDER = "openai"
        app = FastAPI()

        class Item(BaseModel):
            model_config = ConfigDict(extra="forbid")
            name: str

        class Order(models.Model):
            owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE)
            model = models.CharField(max_length=20, default="T-800")

            class Meta:
                ordering = ["-id"]

        class Car:
            def __init__(self, make, model): ...

        @app.post("/items", response_model=Item)
        def create(item: Item) -> Item:
            ds = load_dataset("squad")
            refs = hf_hub_download(repo_id="acme/eval-refs", filename="refs.json", repo_type="dataset")
            model = LinearRegression()
            model.fit([[0]], [0])
            car = Car(make="Ford", model="F-150")
            return Item(**item.model_dump())

        def dynamic(provider, name):
            model = f"{provider}/{name}"
            return model
    '''
    assert models(src) == {}


def test_non_ai_module_needs_a_known_family() -> None:
    src = """
        import os
        REVIEW_SUMMARY_MODEL = os.getenv("REVIEW_SUMMARY_MODEL", "gpt-4o-mini")
        PRINTER_MODEL = "LX-300"
    """
    assert set(models(src)) == {"gpt-4o-mini"}


def test_unrelated_local_names_are_not_read_as_sdk_calls() -> None:
    src = """
        class Llama:
            def __init__(self, name, model_path="sprites/llama.png"):
                self.name, self.model_path = name, model_path

        def pipeline(*steps):
            return steps

        Llama(model_path="sprites/llama.png")
        Llama("Llama-3")
        pipeline("lint", "Qwen/Qwen2.5-7B")
    """
    assert models(src) == {}


# --------------------------------------------------------------------------- robustness


@pytest.mark.parametrize("src", ["def f(:\n    pass\n", 'print "hello"\n', "x = 1\x00\n"])
def test_invalid_python_raises_parse_error(src: str) -> None:
    with pytest.raises(ParseError):
        analyze_python(src)


def test_deep_and_cyclic_code_terminates() -> None:
    long_concat = "MODEL = " + " + ".join(['"a"'] * 400) + "\n"
    chain = "x = client" + ".attr" * 2000 + ".create(model='gpt-4o')\n"
    cyclic = textwrap.dedent("""
        class A:
            def __init__(self):
                self.m = self.m
                self.c = self.c
            def go(self):
                return self.c.chat.completions.create(model=self.m)
        def f(model=None):
            return f(model)
        a = b
        b = a
        llm.chat.completions.create(model=a)
    """)
    found = analyze_python(long_concat + chain + cyclic)
    assert [d.value for d in found if d.subject == "model"] == ["gpt-4o"]


def test_detector_wants_python_files_and_gates_on_keywords() -> None:
    det = PythonDetector()
    assert det.wants("app/main.py", "main.py", ".py") and det.wants("stubs/x.pyi", "x.pyi", ".pyi")
    assert not det.wants("nb.ipynb", "nb.ipynb", ".ipynb")
    assert b"model" in det.keywords and b"from_pretrained" in det.keywords
    data = b'from vllm import LLM\nllm = LLM("Qwen/Qwen2.5-7B-Instruct")\n'
    found = list(det.detect(FileInput("a.py", "/nonexistent/a.py", len(data), data)))
    assert [(d.value, d.kind, d.detector) for d in found] == [("Qwen/Qwen2.5-7B-Instruct", "code", "python")]


@pytest.mark.parametrize(("name", "expected"), [
    ("MODEL", True), ("model_name", True), ("EMBEDDING_MODEL", True), ("llm_model_id", True), ("modelId", True),
    ("model_name_or_path", True), ("DEFAULT_LLM", True), ("SUPPORTED_MODELS", True), ("repo_id", True),
    ("checkpoint", True), ("base_model", True),
    ("model_type", False), ("model_config", False), ("AUTH_USER_MODEL", False), ("response_model", False),
    ("model_dump", False), ("model_provider", False), ("MODEL_VERSION", False), ("model_kwargs", False),
    ("tokenizer_model", False), ("RETIRED_MODELS", False), ("resume_from_checkpoint", False), ("repo", False),
    ("ENGINE", False), ("model_number", False),
])
def test_model_named_keys(name: str, expected: bool) -> None:
    assert is_model_key(name) is expected


# --------------------------------------------------------------------------- names around a model id


def test_base_url_and_model_in_one_settings_class_are_paired_by_prefix() -> None:
    src = """
        from pydantic_settings import BaseSettings

        class Settings(BaseSettings):
            llm_base_url: str = "https://dashscope.aliyuncs.com/compatible-mode/v1"
            llm_model: str = "qwen-plus"
            vision_model: str = "qwen-vl-max"
            site_url: str = "https://shop.example.com"
    """
    found = models(src)
    assert found["qwen-plus"].base_url == "https://dashscope.aliyuncs.com/compatible-mode/v1"
    assert found["qwen-vl-max"].base_url is None  # another prefix: may be served elsewhere


def test_module_siblings_pair_but_an_app_server_url_does_not() -> None:
    src = """
        import os

        KIMI_BASE_URL = os.getenv("KIMI_BASE_URL", "https://api.moonshot.cn/v1")
        KIMI_MODEL = os.getenv("KIMI_MODEL", "kimi-k2-turbo-preview")
        OLLAMA_HOST = "http://localhost:11434"
        OLLAMA_CHAT_MODEL = "llama3.1:8b"
        BASE_URL = "http://localhost:5000"
        MODEL = "mistral-small-latest"
    """
    found = models(src)
    assert found["kimi-k2-turbo-preview"].base_url == "https://api.moonshot.cn/v1"
    assert (found["llama3.1:8b"].base_url, found["llama3.1:8b"].hub) == ("http://localhost:11434", "ollama")
    assert found["mistral-small-latest"].base_url is None


def test_unprefixed_base_url_pairs_when_it_is_a_model_api() -> None:
    src = """
        from dataclasses import dataclass

        @dataclass
        class LLMConfig:
            base_url: str = "https://api.deepseek.com/v1"
            model: str = "deepseek-chat"
            embedding_model: str = "BAAI/bge-small-en-v1.5"
    """
    found = models(src)
    assert found["deepseek-chat"].base_url == "https://api.deepseek.com/v1"
    assert found["BAAI/bge-small-en-v1.5"].base_url is None


@pytest.mark.parametrize(("line", "provider"), [
    ('openai_model: str = "gpt-5-mini"', "openai"),
    ('GROQ_MODEL = "llama-3.3-70b-versatile"', "groq"),
    ('anthropic_model = "claude-3-5-sonnet-latest"', "anthropic"),
    ('GEMINI_MODEL = "gemini-2.0-flash"', "google-genai"),
    ('DEEPSEEK_MODEL = "deepseek-reasoner"', "deepseek"),
    ('ollama_model = "qwen2.5:7b"', "ollama"),
    ('AZURE_OPENAI_DEPLOYMENT = "gpt-4o"', "azure-openai"),
    ('openai_model = "qwen-plus"', None),  # an OpenAI-compatible client pointed elsewhere
    ('deepseek_model = "deepseek-r1:14b"', None),  # an Ollama tag, not the DeepSeek API
    ('mistral_model = "mistralai/Mistral-7B-Instruct-v0.3"', None),  # a Hub repo
    ('embedding_model = "text-embedding-3-small"', None),
])
def test_a_key_naming_a_provider_implies_it(line: str, provider: str | None) -> None:
    d = next(iter(models(f"import openai\n{line}\n").values()))
    assert (d.provider, d.confidence) == (provider, "medium")


def test_dict_keys_naming_providers_imply_them() -> None:
    src = """
        import litellm
        DEFAULT_MODELS = {"openai": "gpt-4o-mini", "ollama": "llama3.2", "fast": "gpt-4.1-nano"}
    """
    found = models(src)
    assert found["gpt-4o-mini"].provider == "openai"
    assert (found["llama3.2"].provider, found["llama3.2"].hub) == ("ollama", "ollama")
    assert found["gpt-4.1-nano"].provider is None


# --------------------------------------------------------------------------- routing on the model name


def test_comparisons_with_a_model_variable_are_reported_and_paired_with_the_branch_client() -> None:
    src = """
        import os
        from openai import OpenAI

        class Chat:
            def __init__(self, model="gpt-4o"):
                self.model = model
                if model in ["deepseek-chat", "deepseek-reasoner"]:
                    self.client = OpenAI(base_url="https://api.deepseek.com", api_key=os.environ["DS_KEY"])
                elif model == "o1-mini":
                    self.client = OpenAI()
                else:
                    self.client = OpenAI()

            def ask(self, messages):
                if self.model != "o3-mini":
                    messages = messages[-20:]
                return self.client.chat.completions.create(model=self.model, messages=messages)
    """
    found = models(src)
    ds = found["deepseek-reasoner"]
    assert (ds.confidence, ds.provider, ds.base_url) == ("medium", "openai", "https://api.deepseek.com")
    assert line_of(src, 'base_url="https://api.deepseek.com"') in {r.line for r in ds.related}
    assert (found["o1-mini"].confidence, found["o1-mini"].provider) == ("medium", "openai")
    assert (found["o3-mini"].confidence, found["o3-mini"].provider) == ("low", None)
    assert found["gpt-4o"].confidence == "high"


def test_comparisons_on_variables_that_never_reach_a_model_argument_are_not_reported() -> None:
    src = """
        from openai import OpenAI
        client = OpenAI()

        def run(task, model, mode):
            if task == "gpt-4o-export" or mode in ("fast-v2", "batch-v1"):
                return None
            label = "summary-v2" if mode == "llama-3-compat" else "plain"
            return client.chat.completions.create(model=model, messages=[{"role": "user", "content": label}])
    """
    assert models(src) == {}


def test_match_cases_on_the_model_build_their_clients() -> None:
    src = """
        from anthropic import Anthropic
        from openai import OpenAI

        def reply(model: str, text: str) -> str:
            match model:
                case "claude-3-5-haiku-latest" | "claude-sonnet-4-20250514":
                    client = Anthropic()
                    return client.messages.create(model=model, max_tokens=256, messages=[])
                case "gpt-4.1-mini":
                    client = OpenAI()
                    return client.chat.completions.create(model=model, messages=[])
                case _:
                    raise ValueError(model)
    """
    found = models(src)
    assert found["claude-3-5-haiku-latest"].provider == "anthropic"
    assert found["claude-sonnet-4-20250514"].provider == "anthropic"
    assert found["gpt-4.1-mini"].provider == "openai"


def test_a_table_that_picks_the_client_gives_each_key_its_endpoint() -> None:
    src = """
        import os
        from openai import AzureOpenAI, OpenAI

        class Pool:
            def __init__(self):
                self.clients = [
                    AzureOpenAI(azure_endpoint=os.getenv("AZURE_ENDPOINT"), api_version="2024-10-21"),
                    OpenAI(base_url="https://api.deepseek.com", api_key=os.getenv("DS_KEY")),
                ]
                self.slot = {"gpt-4o": 0, "o3-mini": 0, "deepseek-reasoner": 1}
                self.cost = {"gpt-4o": 2.5, "text-embedding-3-small": 0.02}

        class Bot:
            def __init__(self, model):
                self.pool = Pool()
                self.model = model

            def ask(self, prompt):
                client = self.pool.clients[self.pool.slot[self.model]]
                out = client.chat.completions.create(model=self.model, messages=[])
                return out, self.pool.cost.get(self.model, 0)

        bot = Bot("o3-mini")
    """
    found = [d for d in scan(src) if d.subject == "model"]
    by = {(d.line, d.value): d for d in found}
    slot, cost = line_of(src, "self.slot ="), line_of(src, "self.cost =")
    assert (by[slot, "gpt-4o"].confidence, by[slot, "gpt-4o"].provider) == ("medium", "azure-openai")
    assert by[slot, "deepseek-reasoner"].base_url == "https://api.deepseek.com"
    assert (by[cost, "text-embedding-3-small"].confidence, by[cost, "text-embedding-3-small"].provider) == ("low", None)
    used = by[line_of(src, 'Bot("o3-mini")'), "o3-mini"]
    assert (used.confidence, used.provider) == ("high", "azure-openai")  # the id reaching the call, via the table


def test_lookup_tables_keyed_by_other_variables_are_not_reported() -> None:
    src = """
        from openai import OpenAI
        ERRORS = {"gpt-4o-overloaded": "busy", "rate-limit-429": "slow down"}
        client = OpenAI()

        def handle(code, model):
            client.chat.completions.create(model=model, messages=[])
            return ERRORS[code], ERRORS.get(code)
    """
    assert models(src) == {}


def test_a_default_passed_through_super_init_reaches_the_call() -> None:
    src = """
        from openai import OpenAI

        class Base:
            def __init__(self, model, temperature=1.0):
                self.model = model
                self.client = OpenAI()

            def ask(self, q):
                return self.client.chat.completions.create(model=self.model, messages=[])

        class Fast(Base):
            def __init__(self, model="gpt-4.1-nano"):
                super().__init__(model, 0.2)
    """
    d = models(src)["gpt-4.1-nano"]
    assert (d.confidence, d.provider) == ("high", "openai")


# --------------------------------------------------------------------------- docstrings


def test_download_commands_in_docstrings_are_docs_evidence() -> None:
    src = '''
        """Phi-3 on the device.

        Download the weights first:
            huggingface-cli download microsoft/Phi-3-mini-4k-instruct-gguf Phi-3-mini-4k-instruct-q4.gguf
        Runs GPT-4o-class prompts; see the ollama docs.
        """
        from llama_cpp import Llama

        class Phi3:
            """Or from Ollama: `ollama pull phi3:mini`."""

            def __init__(self, path):
                self.llm = Llama(model_path=path)
    '''
    found = models(src)
    assert set(found) == {"microsoft/Phi-3-mini-4k-instruct-gguf", "phi3:mini"}
    hf = found["microsoft/Phi-3-mini-4k-instruct-gguf"]
    assert (hf.kind, hf.hub, hf.confidence, hf.line) == ("docs", "huggingface", "medium", line_of(src, "download"))
    assert found["phi3:mini"].hub == "ollama"


# --------------------------------------------------------------------------- files the parser rejects


def _detect(src: str) -> tuple[list[Detection], str | None]:
    data = textwrap.dedent(src).encode()
    found: list[Detection] = []
    try:
        for d in PythonDetector().detect(FileInput("a.py", "/nonexistent/a.py", len(data), data)):
            found.append(d)
    except ParseError as exc:
        return found, str(exc)
    return found, None


def test_a_python_312_statement_loses_only_itself() -> None:
    src = """
        from transformers import AutoModel
        import ollama

        type Vector = list[float]

        class Embedder:
            def __init__(self):
                self.model = AutoModel.from_pretrained("BAAI/bge-small-en-v1.5")

            def chat(self):
                type Pair = tuple[int, int]
                return ollama.chat(model="llama3.1:8b", messages=[])
    """
    found, error = _detect(src)
    assert error is not None and error.startswith("partial: token-level fallback;") and "line 5" in error
    assert [(d.value, d.confidence, d.provider) for d in found] == [
        ("BAAI/bge-small-en-v1.5", "high", "transformers"), ("llama3.1:8b", "high", "ollama")]


def test_lines_the_parser_rejects_are_read_token_by_token() -> None:
    src = (
        "from openai import OpenAI\n"
        "x = " + "[" * 300 + "]" * 300 + "; r = OpenAI().chat.completions.create(model='gpt-4o-mini')\n"
        "client = OpenAI()\n"
        "def f():\n"
        "    return client.chat.completions.create(model='gpt-4o', messages=[{'role': 'user'}]\n"
        "MODEL_NAME = 'Qwen/Qwen2.5-7B-Instruct'\n"
    )
    found, error = _detect(src)
    assert error is not None and "partial" in error
    got = {(d.line, d.value): (d.confidence, d.note) for d in found}
    assert got[2, "gpt-4o-mini"][0] == "medium" and "token-level" in (got[2, "gpt-4o-mini"][1] or "")
    assert got[5, "gpt-4o"][0] == "medium"
    assert got[6, "Qwen/Qwen2.5-7B-Instruct"][0] == "medium"


def test_a_broken_file_with_nothing_to_recover_keeps_the_plain_parse_error() -> None:
    found, error = _detect("from openai import OpenAI\ndef f(:\n    pass\n")
    assert found == [] and error is not None and error.startswith("Python syntax error at line 2")


def test_a_helper_handed_the_model_variable_pairs_its_branches() -> None:
    src = """
        import os
        from openai import OpenAI

        deepseek = OpenAI(api_key=os.getenv("DEEPSEEK_API_KEY"), base_url="https://api.deepseek.com/v1")

        def client_for(name):
            if name == "deepseek-chat":
                return deepseek
            if name in ("gpt-4.1", "gpt-4.1-mini"):
                return OpenAI()
            raise ValueError(name)

        def ask(model, prompt):
            return client_for(model).chat.completions.create(model=model, messages=[])

        def label(kind):
            return client_for(kind) if kind == "gpt-4o-report" else None
    """
    found = models(src)
    assert (found["deepseek-chat"].confidence, found["deepseek-chat"].base_url) == (
        "medium", "https://api.deepseek.com/v1")
    assert found["gpt-4.1-mini"].provider == "openai"
    assert "gpt-4o-report" not in found
