"""The endpoint-operator table: every record cited and well-formed, and real base URLs mapped right."""

from __future__ import annotations

import datetime as dt
from importlib import resources
from typing import Any

import pytest
import yaml

from upstream.detect.identifiers import LITELLM_PROVIDERS
from upstream.endpoints import EndpointTable, table
from upstream.inventory import PROVIDER_ENDPOINTS

# ISO 3166-1 alpha-2 (officially assigned codes).
_CODES = """
AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ BL BM BN BO BQ BR BS BT BV BW BY BZ
CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ DE DJ DK DM DO DZ EC EE EG EH ER ES ET FI FJ FK FM FO
FR GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GS GT GU GW GY HK HM HN HR HT HU ID IE IL IM IN IO IQ IR IS IT JE
JM JO JP KE KG KH KI KM KN KP KR KW KY KZ LA LB LC LI LK LR LS LT LU LV LY MA MC MD ME MF MG MH MK ML MM MN MO
MP MQ MR MS MT MU MV MW MX MY MZ NA NC NE NF NG NI NL NO NP NR NU NZ OM PA PE PF PG PH PK PL PM PN PR PS PT PW
PY QA RE RO RS RU RW SA SB SC SD SE SG SH SI SJ SK SL SM SN SO SR SS ST SV SX SY SZ TC TD TF TG TH TJ TK TL TM
TN TO TR TT TV TW TZ UA UG UM US UY UZ VA VC VE VG VI VN VU WF WS YE YT ZA ZM ZW
"""
ISO_ALPHA2 = frozenset(_CODES.split())

FIELDS = {
    "id", "operator", "operator_legal", "operator_country", "parent_country", "data_processing", "hosts",
    "host_suffixes", "host_patterns", "default_url", "local", "local_ports", "serves", "note", "unverified",
    "sources", "checked",
}


@pytest.fixture(scope="module")
def doc() -> dict[str, Any]:
    text = resources.files("upstream.kb").joinpath("data/endpoints.yaml").read_text(encoding="utf-8")
    data = yaml.safe_load(text)
    assert isinstance(data, dict)
    return data


def _records(doc: dict[str, Any]) -> list[dict[str, Any]]:
    recs = doc["endpoints"]
    assert isinstance(recs, list) and recs
    return recs


def test_records_have_known_fields_and_unique_ids(doc: dict[str, Any]) -> None:
    ids = [r["id"] for r in _records(doc)]
    assert len(ids) == len(set(ids)), "duplicate record id"
    for r in _records(doc):
        assert set(r) <= FIELDS, f"{r['id']}: unknown fields {set(r) - FIELDS}"
        assert r.get("operator"), f"{r['id']}: no operator"
        assert set(r.get("unverified", [])) <= FIELDS, f"{r['id']}: unverified names no field"


def test_every_record_is_sourced_and_dated(doc: dict[str, Any]) -> None:
    sources = doc["sources"]
    for sid, src in sources.items():
        assert src.get("title"), f"source {sid} has no title"
        assert src.get("url") or src.get("repo"), f"source {sid} has neither url nor repo"
    for r in _records(doc):
        cited = r.get("sources", [])
        claims_hosts = r.get("hosts") or r.get("host_suffixes") or r.get("host_patterns") or r.get("local_ports")
        if not cited:
            # Only a definition (weights in the team's own process) may stand without a source.
            assert r.get("local") and not claims_hosts, f"{r['id']}: no sources"
        for sid in cited:
            assert sid in sources, f"{r['id']}: source {sid} does not resolve"
        checked = dt.date.fromisoformat(str(r["checked"]))
        assert dt.date(2024, 1, 1) <= checked <= dt.date.today() + dt.timedelta(days=1)


def test_countries_are_iso_codes_or_null_with_a_reason(doc: dict[str, Any]) -> None:
    for r in _records(doc):
        for key in ("operator_country", "parent_country"):
            value = r.get(key)
            assert value is None or value in ISO_ALPHA2, f"{r['id']}: {key}={value!r}"
        if r.get("local"):
            assert r["operator_country"] is None, f"{r['id']}: a local endpoint has no operator country"
        elif r["operator_country"] is None:
            assert "operator_country" in r.get("unverified", []), f"{r['id']}: unknown country not marked"


def test_no_host_or_port_claimed_twice(doc: dict[str, Any]) -> None:
    owner: dict[str, str] = {}
    for r in _records(doc):
        for key in ("hosts", "host_suffixes", "host_patterns", "local_ports"):
            for h in r.get(key) or []:
                k = f"{key}:{str(h).lower()}"
                assert k not in owner, f"{h} claimed by {owner.get(k)} and {r['id']}"
                owner[k] = r["id"]
    # An exact host must not also fall under another record's suffix or pattern.
    t = EndpointTable(doc)
    for r in _records(doc):
        for h in r.get("hosts") or []:
            others = [rid for suf, rec in t.suffixes if h.endswith(suf) and (rid := rec.id) != r["id"]]
            others += [rec.id for pat, rec in t.patterns if pat.fullmatch(h) and rec.id != r["id"]]
            assert not others, f"{h} ({r['id']}) also matched by {others}"


# The 55 endpoint records of shared/research/provenance-facts.yaml (generated 2026-11-28): none may go missing.
_RESEARCH = """
deepseek dashscope-intl dashscope-cn dashscope-other-regions alibaba-coding-plan alibaba-token-plan moonshot-intl
moonshot-cn kimi-coding zai bigmodel minimax-global minimax-cn qianfan volcengine-ark byteplus-ark hunyuan
tencent-tokenhub siliconflow-cn siliconflow-intl stepfun xiaomi-mimo modelscope bailing longcat iflow qiniu
huawei-maas openai anthropic gemini mistral groq together fireworks openrouter deepinfra xai cohere cerebras
sambanova nvidia-nim hf-router novita nebius eu-sovereign meta-llama-api sakana sarvam upstage perplexity chutes
baseten local cloud-hyperscalers
"""
RESEARCH_IDS = _RESEARCH.split()


def test_every_research_record_is_kept() -> None:
    assert len(RESEARCH_IDS) == 55
    assert set(RESEARCH_IDS) - set(table().records) == set()


def test_ids_used_by_the_code_exist() -> None:
    known = set(table().records)
    wanted = {v for v in PROVIDER_ENDPOINTS.values() if v} | {v for v in LITELLM_PROVIDERS.values() if v}
    assert wanted - known == set()


# Base URLs as real code writes them -> (record id, operator country, local).
MAPPING = [
    ("https://api.deepseek.com/v1", "deepseek", "CN", False),
    ("https://API.DeepSeek.com", "deepseek", "CN", False),
    ("https://dashscope.aliyuncs.com/compatible-mode/v1", "dashscope-cn", "CN", False),
    ("https://dashscope-intl.aliyuncs.com/compatible-mode/v1", "dashscope-intl", None, False),
    ("https://api.moonshot.cn/v1", "moonshot-cn", "CN", False),
    ("https://api.moonshot.ai/v1", "moonshot-intl", "SG", False),
    ("https://open.bigmodel.cn/api/paas/v4/", "bigmodel", "CN", False),
    ("https://api.z.ai/api/paas/v4", "zai", "SG", False),
    ("https://api.minimax.io/v1", "minimax-global", None, False),
    ("https://api.minimaxi.com/v1", "minimax-cn", "CN", False),
    ("https://api.siliconflow.cn/v1", "siliconflow-cn", "CN", False),
    ("https://api.siliconflow.com/v1", "siliconflow-intl", None, False),
    ("https://ark.cn-beijing.volces.com/api/v3", "volcengine-ark", "CN", False),
    ("https://qianfan.baidubce.com/v2", "qianfan", "CN", False),
    ("https://api.openai.com/v1", "openai", "US", False),
    ("https://api.anthropic.com", "anthropic", "US", False),
    ("https://generativelanguage.googleapis.com/v1beta/openai/", "gemini", "US", False),
    ("https://api.mistral.ai/v1", "mistral", "FR", False),
    ("https://api.groq.com/openai/v1", "groq", "US", False),
    ("https://api.together.xyz/v1", "together", "US", False),
    ("https://api.fireworks.ai/inference/v1", "fireworks", "US", False),
    ("https://openrouter.ai/api/v1", "openrouter", "US", False),
    ("https://api.deepinfra.com/v1/openai", "deepinfra", "US", False),
    ("https://bedrock-runtime.us-east-1.amazonaws.com", "bedrock", "US", False),
    ("https://us-central1-aiplatform.googleapis.com/v1", "vertex", "US", False),
    ("https://my-res.openai.azure.com/", "azure", "US", False),
    ("https://my-res.services.ai.azure.com/models", "azure", "US", False),
    ("http://localhost:11434", "local-ollama", None, True),
    ("http://127.0.0.1:8000/v1", "local-vllm", None, True),
    ("localhost:1234/v1", "local-lmstudio", None, True),
    ("http://0.0.0.0:8080", "local-llamacpp", None, True),
    # A compose/Kubernetes service name has no dot: a host on the team's own network, mapped by port.
    ("http://ollama:11434", "local-ollama", None, True),
    ("http://localhost:3000/v1", "local", None, True),
    ("http://192.168.1.20:11434/api", "local-ollama", None, True),
]


@pytest.mark.parametrize(("url", "rid", "country", "local"), MAPPING, ids=[m[0] for m in MAPPING])
def test_base_url_maps_to_operator(url: str, rid: str, country: str | None, local: bool) -> None:
    ep = table().for_url(url)
    assert (ep.operator_id, ep.operator_country, ep.local) == (rid, country, local)
    assert ep.url == url
    assert ep.sources or rid == "in-process"


@pytest.mark.parametrize("url", [
    "https://api.example-llm.com/v1",
    "https://s3.us-east-1.amazonaws.com",  # AWS, but not Bedrock
    "https://us-central1-aiplatform.googleapis.com.example.net/v1",  # look-alike suffix
    "https://openai.azure.com.example.net",
])
def test_unknown_host_has_no_operator(url: str) -> None:
    ep = table().for_url(url)
    assert ep.operator_id is None and ep.operator is None and not ep.local
    assert ep.host and ep.url == url


def test_intl_operators_keep_their_parent_country() -> None:
    recs = table().records
    assert recs["dashscope-intl"].data["parent_country"] == "CN"
    assert recs["moonshot-intl"].data["parent_country"] == "CN"
    assert recs["zai"].data["parent_country"] == "CN"
    assert "operator_country" in recs["groq"].data["unverified"]  # "US (unverified)" in the research


def test_implied_endpoints_of_providers() -> None:
    t = table()
    ollama = t.by_id("local-ollama")
    assert ollama is not None and ollama.local and ollama.implied and ollama.url == "http://localhost:11434"
    inproc = t.by_id("in-process")
    assert inproc is not None and inproc.local and inproc.host is None
    ds = t.by_id("dashscope-cn")
    assert ds is not None and ds.host == "dashscope.aliyuncs.com" and ds.operator_country == "CN"
