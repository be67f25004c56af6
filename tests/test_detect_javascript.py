"""The JavaScript / TypeScript detector: SDK calls, data flow to the literal, endpoints, look-alikes."""

from __future__ import annotations

import textwrap

import pytest

from upstream.detect import FileInput, ParseError
from upstream.detect.javascript import JavaScriptDetector
from upstream.detect.js_sdks import normalize_module
from upstream.models import Detection

DETECTOR = JavaScriptDetector()


def scan(code: str, name: str = "app.ts") -> list[Detection]:
    data = textwrap.dedent(code).lstrip("\n").encode("utf-8")
    return list(DETECTOR.detect(FileInput(name, f"/repo/{name}", len(data), data)))


def models(code: str, name: str = "app.ts") -> dict[str, Detection]:
    found = [d for d in scan(code, name) if d.subject == "model"]
    by_value = {d.value: d for d in found}
    assert len(by_value) == len(found), f"one detection per literal expected, got {found}"
    return by_value


# --------------------------------------------------------------------------- which files


@pytest.mark.parametrize(("name", "wanted"), [
    ("route.ts", True), ("page.tsx", True), ("server.js", True), ("index.mjs", True), ("config.cjs", True),
    ("App.jsx", True), ("mod.mts", True), ("mod.cts", True), ("Chat.vue", True), ("Chat.svelte", True),
    ("types.d.ts", False), ("vendor.min.js", False), ("app.bundle.js", False), ("main.py", False),
    ("data.json", False),
])
def test_wants_source_files_but_not_declarations_or_bundles(name: str, wanted: bool) -> None:
    suffix = name[name.rfind("."):].lower()
    assert DETECTOR.wants(f"src/{name}", name, suffix) is wanted


def test_keywords_gate_covers_the_usual_spellings() -> None:
    for word in (b"model", b"pipeline", b"from_pretrained", b"baseURL", b"@ai-sdk"):
        assert word in DETECTOR.keywords


# --------------------------------------------------------------------------- SDK calls and data flow


def test_openai_literal_in_call_is_high_confidence_with_sdk_default_endpoint() -> None:
    found = models("""
        import OpenAI from "openai";
        const client = new OpenAI();
        await client.chat.completions.create({ model: "gpt-4o", messages: [] });
    """)
    d = found["gpt-4o"]
    assert (d.line, d.provider, d.base_url, d.confidence, d.hub) == (3, "openai", None, "high", "api")
    assert d.column == 47 and d.detector == "javascript" and d.kind == "code"
    assert "chat.completions.create" in d.snippet and d.related == ()


def test_const_and_env_default_are_reported_at_the_literal_with_the_call_as_related() -> None:
    found = models("""
        import OpenAI from "openai";

        const BASE = process.env.LLM_BASE_URL ?? "https://api.deepseek.com";
        const MODEL = process.env.LLM_MODEL || "deepseek-chat";
        const client = new OpenAI({ baseURL: BASE, apiKey: process.env.KEY });

        export async function ask(q: string) {
          return client.chat.completions.create({ model: MODEL, messages: [{ role: "user", content: q }] });
        }
    """)
    d = found["deepseek-chat"]
    assert d.line == 4 and d.provider == "openai" and d.base_url == "https://api.deepseek.com"
    assert [r.line for r in d.related] == [8]
    assert d.note is not None and "LLM_MODEL" in d.note


def test_object_property_and_default_parameter_flow_to_the_literal() -> None:
    found = models("""
        import Anthropic from "@anthropic-ai/sdk";
        const anthropic = new Anthropic();
        const settings = { model: "claude-3-5-sonnet-20241022", maxTokens: 1024 };

        async function quick(prompt, model = "claude-3-5-haiku-latest") {
          return anthropic.messages.create({ model, max_tokens: 100, messages: [] });
        }
        async function full() {
          return anthropic.messages.create({ model: settings.model, max_tokens: settings.maxTokens, messages: [] });
        }
    """, "bot.js")
    assert found["claude-3-5-sonnet-20241022"].line == 3
    assert found["claude-3-5-sonnet-20241022"].provider == "anthropic"
    assert [r.line for r in found["claude-3-5-sonnet-20241022"].related] == [9]
    assert found["claude-3-5-haiku-latest"].line == 5
    assert found["claude-3-5-haiku-latest"].provider == "anthropic"
    assert [r.line for r in found["claude-3-5-haiku-latest"].related] == [6]


def test_client_built_in_a_class_or_a_factory_function_keeps_its_base_url() -> None:
    found = models("""
        import OpenAI from "openai";

        function makeClient() {
          return new OpenAI({ baseURL: "https://openrouter.ai/api/v1" });
        }

        export class Llm {
          private client: OpenAI;
          private model = "meta-llama/llama-3.1-8b-instruct";
          constructor() {
            this.client = new OpenAI({ baseURL: "http://localhost:11434/v1" });
          }
          chat() {
            return this.client.chat.completions.create({ model: this.model, messages: [] });
          }
        }
        export const summary = () => makeClient().chat.completions.create({ model: "qwen/qwen-2.5-72b-instruct" });
    """)
    local = found["meta-llama/llama-3.1-8b-instruct"]
    assert (local.line, local.base_url, local.hub) == (9, "http://localhost:11434/v1", "ollama")
    remote = found["qwen/qwen-2.5-72b-instruct"]
    assert remote.base_url == "https://openrouter.ai/api/v1" and remote.hub == "api"


def test_client_from_another_module_is_reported_without_a_guessed_provider() -> None:
    found = models("""
        import { openai } from "@/lib/openai";
        export const r = await openai.responses.create({ model: "gpt-4.1-mini", input: "hi" });
    """)
    d = found["gpt-4.1-mini"]
    assert d.provider is None and d.confidence == "high" and "another module" in (d.note or "")


def test_iterating_a_list_of_ids_reaches_each_literal() -> None:
    found = models("""
        import Groq from "groq-sdk";
        const groq = new Groq();
        const CONTENDERS = [{ id: "llama-3.3-70b-versatile" }, { id: "gemma2-9b-it" }] as const;
        for (const { id } of CONTENDERS) {
          await groq.chat.completions.create({ model: id, messages: [] });
        }
        await Promise.all(["qwen-qwq-32b"].map((m) => groq.chat.completions.create({ model: m, messages: [] })));
    """)
    assert {k: v.provider for k, v in found.items()} == {
        "llama-3.3-70b-versatile": "groq", "gemma2-9b-it": "groq", "qwen-qwq-32b": "groq",
    }


# --------------------------------------------------------------------------- frameworks


def test_vercel_ai_sdk_providers_and_factories() -> None:
    found = models("""
        import { generateText } from "ai";
        import { openai, createOpenAI } from "@ai-sdk/openai";
        import { createOpenAICompatible } from "@ai-sdk/openai-compatible";
        import { ollama } from "ollama-ai-provider";

        const together = createOpenAI({ baseURL: "https://api.together.xyz/v1" });
        const lmstudio = createOpenAICompatible({ name: "lmstudio", baseURL: "http://localhost:1234/v1" });

        await generateText({ model: openai("gpt-4o"), prompt: "a" });
        await generateText({ model: openai.chat("gpt-4o-mini"), prompt: "b" });
        await generateText({ model: together("meta-llama/Llama-3-70b-chat-hf"), prompt: "c" });
        await generateText({ model: lmstudio("qwen2.5-7b-instruct"), prompt: "d" });
        await generateText({ model: ollama("llama3.2"), prompt: "e" });
        await generateText({ model: "anthropic/claude-sonnet-4", prompt: "f" });
    """)
    assert found["gpt-4o"].provider == "openai" and found["gpt-4o-mini"].provider == "openai"
    together = found["meta-llama/Llama-3-70b-chat-hf"]
    assert together.base_url == "https://api.together.xyz/v1" and together.hub == "api"
    assert found["qwen2.5-7b-instruct"].base_url == "http://localhost:1234/v1"
    assert (found["llama3.2"].provider, found["llama3.2"].hub) == ("ollama", "ollama")
    gateway = found["anthropic/claude-sonnet-4"]
    assert gateway.canonical == "claude-sonnet-4" and gateway.hub == "api" and gateway.provider is None


def test_langchain_classes_and_init_chat_model() -> None:
    found = models("""
        import { ChatOpenAI } from "@langchain/openai";
        import { ChatOllama } from "@langchain/ollama";
        import { initChatModel } from "langchain/chat_models/universal";

        const a = new ChatOpenAI({ modelName: "gpt-3.5-turbo", configuration: { baseURL: "https://api.x.ai/v1" } });
        const b = new ChatOllama({ model: "Llama3.1:8B", baseUrl: "http://gpu-box:11434" });
        const c = await initChatModel("anthropic:claude-3-7-sonnet-latest");
        const d = await initChatModel("gemini-2.0-flash", { modelProvider: "google-genai" });
    """)
    assert (found["gpt-3.5-turbo"].provider, found["gpt-3.5-turbo"].base_url) == (
        "langchain/openai", "https://api.x.ai/v1")
    assert (found["Llama3.1:8B"].provider, found["Llama3.1:8B"].hub) == ("langchain/ollama", "ollama")
    claude = found["anthropic:claude-3-7-sonnet-latest"]
    assert (claude.provider, claude.canonical) == ("langchain/anthropic", "claude-3-7-sonnet-latest")
    assert found["gemini-2.0-flash"].provider == "langchain/google-genai"


def test_transformers_js_models_are_in_process_hub_ids_or_local_paths() -> None:
    found = models("""
        import { pipeline, AutoModel } from "@huggingface/transformers";
        const extractor = await pipeline("feature-extraction", "Xenova/all-MiniLM-L6-v2");
        const model = await AutoModel.from_pretrained("onnx-community/Qwen2.5-0.5B-Instruct", { revision: "v1.2" });
        const local = await pipeline("text-classification", "./models/my-classifier");
        const fallback = await pipeline("sentiment-analysis");
    """, "worker.js")
    assert set(found) == {"Xenova/all-MiniLM-L6-v2", "onnx-community/Qwen2.5-0.5B-Instruct", "./models/my-classifier"}
    assert found["Xenova/all-MiniLM-L6-v2"].provider == "transformers.js"
    assert found["Xenova/all-MiniLM-L6-v2"].hub == "huggingface"
    assert found["onnx-community/Qwen2.5-0.5B-Instruct"].revision == "v1.2"
    assert found["./models/my-classifier"].hub == "file"


def test_commander_option_default_reaches_the_sdk_call() -> None:
    found = models("""
        import { program } from "commander";
        import Anthropic from "@anthropic-ai/sdk";
        program.option("-m, --model <id>", "model to use", "claude-3-5-haiku-20241022").parse();
        const opts = program.opts();
        const msg = await new Anthropic().messages.create({ model: opts.model, max_tokens: 10, messages: [] });
    """, "cli.mjs")
    d = found["claude-3-5-haiku-20241022"]
    assert (d.line, d.provider) == (3, "anthropic") and [r.line for r in d.related] == [5]


def test_fetch_payload_to_ollama_is_tied_to_the_url() -> None:
    found = models("""
        const OLLAMA = process.env.OLLAMA_HOST ?? "http://127.0.0.1:11434";
        export async function gen(prompt) {
          const res = await fetch(`${OLLAMA}/api/generate`, {
            method: "POST",
            body: JSON.stringify({ model: "mistral:7b-instruct", prompt, stream: false }),
          });
          return (await res.json()).response;
        }
    """, "gen.js")
    d = found["mistral:7b-instruct"]
    assert d.base_url == "http://127.0.0.1:11434/api/generate" and d.hub == "ollama" and d.confidence == "high"


def test_base_urls_are_reported_as_endpoints_at_their_literal() -> None:
    found = scan("""
        import Groq from "groq-sdk";
        const URL = "https://api.groq.com";
        const groq = new Groq({ baseURL: URL });
    """)
    endpoints = [d for d in found if d.subject == "endpoint"]
    assert [(d.value, d.line, d.provider) for d in endpoints] == [("https://api.groq.com", 2, "groq")]


# --------------------------------------------------------------------------- keyed names


def test_keyed_names_are_medium_confidence() -> None:
    found = models("""
        export const EMBEDDING_MODEL = "text-embedding-3-small";
        const config = { llm: { model: "gpt-4o-mini", temperature: 0 } };
        export function Picker() {
          const [model, setModel] = useState("claude-3-haiku-20240307");
          return <Chat model="gemini-1.5-pro" />;
        }
    """, "Picker.tsx")
    assert set(found) == {"text-embedding-3-small", "gpt-4o-mini", "claude-3-haiku-20240307", "gemini-1.5-pro"}
    assert {d.confidence for d in found.values()} == {"medium"}
    assert {d.provider for d in found.values()} == {None}


def test_lookalikes_are_not_reported() -> None:
    found = scan("""
        const mongoose = require("mongoose");
        const User = mongoose.model("User", new mongoose.Schema({ name: String }));
        const Todos = Backbone.Collection.extend({ model: Todo });
        const car = { make: "Tesla", model: "Model-3", year: 2021 };
        const phone = { brand: "Samsung", model: "SM-S911B" };
        const order = sequelize.define("order-v2", {}, { modelName: "Order" });
        const asset = { model: "models/robot.glb" };
        const i18n = { model: "Model", chooseModel: "Choose a model" };
        const schema = { model: { type: String, default: "claude" } };
        // const MODEL = "gpt-4o";
        const s = "model: 'gpt-4o'";
        const r = /model:\\s*"gpt-4"/;
        describe("model selector", () => it("renders gpt-4o", () => {}));
        type ChatModel = "gpt-4o" | "gpt-4o-mini";
        interface Opts { model: "gpt-4o" }
    """)
    assert found == []


def test_vue_template_is_ignored_and_script_lines_are_kept() -> None:
    found = models("""
        <template>
          <select v-model="model"><option value="gpt-4o">GPT-4o</option></select>
          <Badge model="gpt-4o" />
        </template>

        <script setup lang="ts">
        import { ref } from "vue"
        import ollama from "ollama/browser"
        const model = ref("llama3.2:3b")
        const modelValue = defineModel<string>()
        async function send() {
          return ollama.chat({ model: model.value, messages: [] })
        }
        </script>

        <style>select[name="model"] { width: 10rem; }</style>
    """, "Chat.vue")
    assert list(found) == ["llama3.2:3b"]
    assert (found["llama3.2:3b"].line, found["llama3.2:3b"].provider) == (9, "ollama")


# --------------------------------------------------------------------------- hard input


def test_minified_bundle_returns_no_evidence() -> None:
    line = "var a=" + "{model:'gpt-4o',b:1}," * 400 + "0;"
    assert scan(line + "\n", "bundle.js") == []


def test_file_that_is_mostly_errors_raises_parse_error() -> None:
    with pytest.raises(ParseError):
        scan("const x = {{{ model: 'gpt-4o' ))) <<<<\n" * 20, "broken.js")


def test_local_syntax_error_still_reports_what_parsed() -> None:
    found = models("""
        import OpenAI from "openai";
        const client = new OpenAI();
        await client.embeddings.create({ model: "text-embedding-3-large", input: "x" });
        const oops = {{ ;
    """)
    assert "text-embedding-3-large" in found


def test_invalid_utf8_raises_parse_error() -> None:
    data = b"const MODEL = '\xff\xfe';\n"
    with pytest.raises(ParseError):
        list(DETECTOR.detect(FileInput("a.js", "/repo/a.js", len(data), data)))


def test_deep_nesting_stays_fast_and_safe() -> None:
    call = "client.chat.completions.create({ model: MODEL });\n"
    code = "const MODEL = 'gpt-4o';\n" + "function f() {\n" * 1500 + call + "}\n" * 1500
    found = models(code, "deep.js")
    assert found["gpt-4o"].line == 1


@pytest.mark.parametrize(("spec", "package"), [
    ("openai", "openai"), ("npm:openai@4.77.0", "openai"), ("jsr:@openai/openai", "openai"),
    ("https://esm.sh/openai@4.20.0?target=deno", "openai"), ("@langchain/community/chat_models/ollama",
                                                              "@langchain/community"),
    ("https://cdn.jsdelivr.net/npm/@xenova/transformers@2.17.2", "@xenova/transformers"), ("ollama/browser", "ollama"),
])
def test_module_specifiers_are_normalised(spec: str, package: str) -> None:
    assert normalize_module(spec) == package


def test_arguments_of_local_calls_reach_the_parameter() -> None:
    found = models("""
        import OpenAI from "openai";
        const client = new OpenAI();
        async function complete(prompt: string, model: string) {
          return client.chat.completions.create({ model, messages: [{ role: "user", content: prompt }] });
        }
        const ask = ({ model = "gpt-4o-mini", input }: { model?: string; input: string }) =>
          client.responses.create({ model, input });
        await complete("hello", "gpt-4o");
        await ask({ model: "gpt-4.1", input: "x" });
    """)
    assert {k: (v.line, v.provider, [r.line for r in v.related]) for k, v in found.items()} == {
        "gpt-4o-mini": (6, "openai", [7]), "gpt-4o": (8, "openai", [4]), "gpt-4.1": (9, "openai", [7]),
    }


def test_outside_ai_modules_only_concrete_family_ids_count() -> None:
    plain = models("""
        export enum SupportedModel { Fast = "gpt-4o-mini", Custom = "acme-v2" }
        export const MODEL_MAP = { fast: "claude-3-5-haiku-latest", region: "us-east-1" };
        const gpu = { model: "Titan-X" };
    """, "constants.ts")
    assert set(plain) == {"gpt-4o-mini", "claude-3-5-haiku-latest"}
    ai = models("""
        import OpenAI from "openai";
        export const FINETUNE_MODEL = "acme-support-v2";
    """, "constants.ts")
    assert set(ai) == {"acme-support-v2"} and ai["acme-support-v2"].confidence == "medium"


def test_qt_linguist_ts_files_are_not_typescript() -> None:
    xml = '<?xml version="1.0" encoding="utf-8"?>\n<TS version="2.1"><context><name>Model</name></context></TS>\n'
    assert scan(xml, "app_de.ts") == []
