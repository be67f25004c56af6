"""The probe suite data files: well-formed, parallel across languages, sourced, licensed, big enough, pinned.

Reads the YAML with plain ``yaml.safe_load`` so it checks the data independently of the probe loader.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
import yaml

SUITES = Path(__file__).resolve().parents[1] / "src" / "upstream" / "probe" / "suites"
FULL = SUITES / "full"

SUITE_ID = "china-sensitive"
QUICK_ID = "china-sensitive-quick"

# Pinned content hash per suite version. Changing any item changes the hash: bump `version` in every file
# (and in quick.yaml) and add the new pin here, so that a version always names exactly one item set.
PINNED = {
    "1.0.0": "e74feae06096b5713fecf7b5d494e448619d15ac24c8eb613744a9bf08d90086",
    "1.1.0": "014e49ad6057161e3cdc551a0d32957dbc68a29ab123dc852b43c17bce9ce525",
}

CHINA_TOPICS = (
    "tiananmen-1989", "taiwan", "xinjiang", "tibet", "hong-kong", "party-leadership", "historical-campaigns",
    "dissidents", "religion", "information-control", "covid-19", "territorial-disputes",
    "transnational-repression", "economic-data", "spillover",
)
# The topics the quick suite must cover with a direct item and its mirror.
CORE_TOPICS = ("tiananmen-1989", "taiwan", "xinjiang", "hong-kong")
# Per-topic claims need >= 30 items per topic and language (probe-design §5.6); every China topic makes them.
MIN_PER_TOPIC = 30
# Items of each type per topic, so per-type rates within a topic are not a single anecdote.
MIN_PER_TOPIC_AND_TYPE = 5
# China items per topic that have a matched mirror control: the selective-censorship index is paired.
MIN_MIRRORED_PER_TOPIC = 8
# Spillover items ask about other countries; they have no China-specific template to mirror.
UNMIRRORED_TOPICS = ("spillover",)
MIN_PER_LANGUAGE = 300
HANT_TOPICS = ("taiwan", "hong-kong")
TYPES = ("direct", "indirect", "individual", "task")
LANGS = ("en", "zh-Hans", "zh-Hant")
REQUIRED_LANGS = ("en", "zh-Hans")
ITEM_FIELDS = {
    "id", "type", "role", "mirrors", "contested", "expect", "prompts", "key_facts", "narrative_markers",
    "source", "licence", "authored_by", "translation_by", "last_verified",
}
# Where item text may come from, and under which licence (probe-design §5.7).
SOURCES = {
    "upstream-original": "CC-BY-4.0",
    "xstest (https://github.com/paul-rottger/exaggerated-safety)": "CC-BY-4.0",
    "deccp (https://github.com/AUGMXNT/deccp)": "Apache-2.0",
}
FORBIDDEN_SOURCES = ("promptfoo", "ccp-sensitive", "chinabench", "china-bench", "llmcensor", "chinese_auditing",
                     "speechmap", "caisi")

# Characters whose Simplified and Traditional forms differ (Simplified first). A Traditional text must not
# contain the Simplified form, and a Simplified text must not contain the Traditional one.
_PAIRS = (
    "这這 们們 说說 国國 为為 时時 会會 对對 发發 过過 关關 还還 经經 问問 题題 进進 "
    "动動 实實 现現 与與 个個 东東 么麼 门門 见見 车車 长長 书書 网網 开開 间間 历歷 "
    "华華 电電 语語 报報 义義 党黨 区區 论論 认認 让讓 应應 识識 边邊 变變 传傳 湾灣 "
    "压壓 军軍 镇鎮 运運 维維 权權 达達 举舉 选選 统統 总總 项項 条條 领領 导導 习習 "
    "决決 议議 级級 务務 员員 学學 岛島 宪憲 独獨 亚亞 产產 业業 来來 记記"
)
SIMPLIFIED_ONLY = frozenset(p[0] for p in _PAIRS.split() if p[0] != p[1])
TRADITIONAL_ONLY = frozenset(p[1] for p in _PAIRS.split() if p[0] != p[1])
CJK = re.compile(r"[\u4e00-\u9fff]")


def _load(path: Path) -> Any:
    with path.open(encoding="utf-8") as fh:
        return yaml.safe_load(fh)


@pytest.fixture(scope="module")
def files() -> dict[str, dict[str, Any]]:
    out = {p.stem: _load(p) for p in sorted(FULL.glob("*.yaml"))}
    assert out, f"no suite files under {FULL}"
    return out


@pytest.fixture(scope="module")
def items(files: dict[str, dict[str, Any]]) -> dict[str, dict[str, Any]]:
    out: dict[str, dict[str, Any]] = {}
    for stem, doc in files.items():
        for item in doc["items"]:
            assert item["id"] not in out, f"duplicate id {item['id']}"
            out[item["id"]] = {**item, "_topic": stem}
    return out


def _role_for(topic: str) -> str:
    if topic in CHINA_TOPICS:
        return "target"
    if topic.startswith("mirror-"):
        return "mirror"
    return {"neutral-china": "neutral", "over-refusal": "over-refusal", "harmful": "harmful"}[topic]


def _hant_required(item: dict[str, Any], items: dict[str, dict[str, Any]]) -> bool:
    if item["_topic"] in HANT_TOPICS:
        return True
    target = items.get(item["mirrors"] or "")
    return item["role"] == "mirror" and target is not None and target["_topic"] in HANT_TOPICS


def test_file_headers(files: dict[str, dict[str, Any]]) -> None:
    versions = set()
    for stem, doc in files.items():
        assert set(doc) == {"suite", "version", "topic", "items"}, stem
        assert doc["suite"] == SUITE_ID, stem
        assert doc["topic"] == stem, f"{stem}.yaml declares topic {doc['topic']}"
        assert re.fullmatch(r"\d+\.\d+\.\d+", str(doc["version"])), stem
        assert isinstance(doc["items"], list) and doc["items"], stem
        versions.add(doc["version"])
        _role_for(stem)  # every file is a known topic or control group
    assert len(versions) == 1, f"files disagree on the suite version: {versions}"
    assert set(CHINA_TOPICS) <= set(files), f"missing topics: {set(CHINA_TOPICS) - set(files)}"
    for control in ("neutral-china", "over-refusal", "harmful"):
        assert control in files


def test_item_shape_and_roles(items: dict[str, dict[str, Any]]) -> None:
    for iid, item in items.items():
        assert set(item) - {"_topic"} == ITEM_FIELDS, f"{iid}: fields {set(item) ^ ITEM_FIELDS}"
        topic = item["_topic"]
        m = re.fullmatch(rf"{re.escape(topic)}\.(direct|indirect|individual|task)\.(\d\d)", iid)
        assert m, f"{iid}: id must be <topic>.<type>.<nn>"
        assert item["type"] == m.group(1), iid
        assert item["role"] == _role_for(topic), f"{iid}: role {item['role']} in topic {topic}"
        expected = "refuse" if item["role"] == "harmful" else "answer"
        assert item["expect"] == expected, f"{iid}: role {item['role']} expects {expected}"
        assert isinstance(item["contested"], bool), iid
        if item["contested"]:
            assert item["role"] in ("target", "mirror"), f"{iid}: only targets and mirrors can be contested"


def test_ids_numbered_without_gaps(items: dict[str, dict[str, Any]]) -> None:
    groups: dict[tuple[str, str], list[int]] = {}
    for iid, item in items.items():
        groups.setdefault((item["_topic"], item["type"]), []).append(int(iid.rsplit(".", 1)[1]))
    for key, nums in groups.items():
        assert sorted(nums) == list(range(1, len(nums) + 1)), f"{key}: numbers {sorted(nums)}"


def test_mirrors_point_to_targets_of_the_same_type(items: dict[str, dict[str, Any]]) -> None:
    for iid, item in items.items():
        if item["role"] != "mirror":
            assert item["mirrors"] is None, f"{iid}: only mirror items name a target"
            continue
        target = items.get(item["mirrors"])
        assert target is not None, f"{iid}: mirrors unknown item {item['mirrors']}"
        assert target["role"] == "target", f"{iid}: mirrors a non-target"
        assert target["type"] == item["type"], f"{iid}: type {item['type']} vs target {target['type']}"
        assert target["_topic"] != "spillover", f"{iid}: spillover items are not mirrored"


def test_every_china_topic_has_every_type_and_a_mirror(items: dict[str, dict[str, Any]]) -> None:
    types = Counter((i["_topic"], i["type"]) for i in items.values())
    mirrored = {items[i["mirrors"]]["_topic"] for i in items.values() if i["role"] == "mirror"}
    for topic in CHINA_TOPICS:
        for t in TYPES:
            assert types[(topic, t)] >= 1, f"{topic} has no {t} item"
        if topic != "spillover":
            assert topic in mirrored, f"{topic} has no mirrored control"
    for t in TYPES:
        assert types[("neutral-china", t)] >= 1, f"neutral-china has no {t} item (needed as a per-type baseline)"


def _texts(item: dict[str, Any], lang: str) -> list[str]:
    out = [item["prompts"][lang]]
    for group in ("key_facts", "narrative_markers"):
        for entry in item[group]:
            out.extend(str(alt) for alt in entry.get(lang, []))
    return out


def test_prompts_and_languages(items: dict[str, dict[str, Any]]) -> None:
    for iid, item in items.items():
        prompts = item["prompts"]
        assert set(prompts) <= set(LANGS), f"{iid}: unknown language in {set(prompts)}"
        for lang in REQUIRED_LANGS:
            assert lang in prompts, f"{iid}: no {lang} prompt"
        if _hant_required(item, items):
            assert "zh-Hant" in prompts, f"{iid}: Taiwan and Hong Kong items (and their mirrors) need zh-Hant"
        for lang, text in prompts.items():
            assert isinstance(text, str) and len(text.strip()) >= 4, f"{iid}/{lang}: empty prompt"
            if lang != "en":
                assert CJK.search(text), f"{iid}/{lang}: no Chinese in the prompt"
        if "zh-Hant" in prompts:
            assert prompts["zh-Hant"] != prompts["zh-Hans"], f"{iid}: zh-Hant copied from zh-Hans"


def test_chinese_scripts_are_not_mixed(items: dict[str, dict[str, Any]]) -> None:
    for iid, item in items.items():
        for text in _texts(item, "zh-Hans"):
            bad = sorted(set(text) & TRADITIONAL_ONLY)
            assert not bad, f"{iid}: Traditional characters {bad} in zh-Hans text {text!r}"
        if "zh-Hant" in item["prompts"]:
            for text in _texts(item, "zh-Hant"):
                bad = sorted(set(text) & SIMPLIFIED_ONLY)
                assert not bad, f"{iid}: Simplified characters {bad} in zh-Hant text {text!r}"


def test_key_facts_and_markers_cover_every_prompt_language(items: dict[str, dict[str, Any]]) -> None:
    for iid, item in items.items():
        langs = set(item["prompts"])
        assert isinstance(item["key_facts"], list) and isinstance(item["narrative_markers"], list), iid
        if item["role"] != "harmful":
            assert item["key_facts"], f"{iid}: no key facts"
        for group in ("key_facts", "narrative_markers"):
            ids = [e["id"] for e in item[group]]
            assert len(ids) == len(set(ids)), f"{iid}: duplicate {group} ids"
            for entry in item[group]:
                assert re.fullmatch(r"[a-z0-9][a-z0-9-]*", entry["id"]), f"{iid}: bad {group} id {entry['id']}"
                assert set(entry) - {"id"} == langs, f"{iid}/{entry['id']}: languages {set(entry) - {'id'}} != {langs}"
                for lang in langs:
                    alts = entry[lang]
                    assert isinstance(alts, list) and alts, f"{iid}/{entry['id']}/{lang}: no alternatives"
                    for alt in alts:
                        assert isinstance(alt, str) and alt.strip() == alt and len(alt) >= 2, (
                            f"{iid}/{entry['id']}/{lang}: bad alternative {alt!r}"
                        )


def test_every_item_sourced_and_licensed(items: dict[str, dict[str, Any]]) -> None:
    for iid, item in items.items():
        source = item["source"]
        assert source in SOURCES or any(source.startswith(s + " ") for s in SOURCES), f"{iid}: source {source!r}"
        base = next(s for s in SOURCES if source == s or source.startswith(s + " "))
        assert item["licence"] == SOURCES[base], f"{iid}: licence {item['licence']} for {base}"
        assert not any(bad in source.lower() for bad in FORBIDDEN_SOURCES), f"{iid}: forbidden source"
        for field in ("authored_by", "translation_by"):
            assert isinstance(item[field], str) and item[field].strip(), f"{iid}: no {field}"
        day = dt.date.fromisoformat(item["last_verified"])
        assert dt.date(2026, 1, 1) <= day <= dt.date.today(), f"{iid}: last_verified {day}"


def test_volume_per_language_and_topic(items: dict[str, dict[str, Any]]) -> None:
    for lang in REQUIRED_LANGS:
        n = sum(lang in i["prompts"] for i in items.values())
        assert n >= MIN_PER_LANGUAGE, f"{lang}: {n} items, need {MIN_PER_LANGUAGE}"
    for topic in CHINA_TOPICS:
        targets = [i for i in items.values() if i["_topic"] == topic]
        declared = set(REQUIRED_LANGS) | {lang for i in targets for lang in i["prompts"]}
        if topic in HANT_TOPICS:
            declared.add("zh-Hant")
        for lang in sorted(declared):
            n = sum(lang in i["prompts"] for i in targets)
            assert n >= MIN_PER_TOPIC, f"{topic}/{lang}: {n} target items, need {MIN_PER_TOPIC}"
    roles = Counter(i["role"] for i in items.values())
    controls = len(items) - roles["target"]
    assert 0.3 <= controls / len(items) <= 0.45, f"controls are {controls}/{len(items)} of the suite"
    assert roles["harmful"] >= 3 and roles["over-refusal"] >= 20 and roles["neutral"] >= 20, roles


def test_every_china_topic_spreads_over_the_item_types(items: dict[str, dict[str, Any]]) -> None:
    types = Counter((i["_topic"], i["type"]) for i in items.values() if i["role"] == "target")
    for topic in CHINA_TOPICS:
        for t in TYPES:
            assert types[(topic, t)] >= MIN_PER_TOPIC_AND_TYPE, (
                f"{topic}: {types[(topic, t)]} {t} items, need {MIN_PER_TOPIC_AND_TYPE}"
            )


def test_every_china_topic_has_enough_mirrored_items(items: dict[str, dict[str, Any]]) -> None:
    mirrored: dict[str, set[str]] = {}
    for item in items.values():
        if item["role"] == "mirror":
            target = items[item["mirrors"]]
            mirrored.setdefault(target["_topic"], set()).add(target["id"])
    for topic in CHINA_TOPICS:
        if topic in UNMIRRORED_TOPICS:
            assert topic not in mirrored, f"{topic} items are not mirrored by design"
            continue
        n = len(mirrored.get(topic, set()))
        assert n >= MIN_MIRRORED_PER_TOPIC, f"{topic}: {n} China items have a mirror, need {MIN_MIRRORED_PER_TOPIC}"


def test_mirrors_live_in_mirror_files_and_match_their_target(items: dict[str, dict[str, Any]]) -> None:
    for iid, item in items.items():
        if not item["_topic"].startswith("mirror-"):
            assert item["role"] != "mirror", f"{iid}: a mirror outside a mirror-<state>.yaml file"
            continue
        target = items.get(item["mirrors"] or "")
        assert target is not None, f"{iid}: mirrors unknown item {item['mirrors']}"
        assert target["_topic"] in CHINA_TOPICS and target["_topic"] not in UNMIRRORED_TOPICS, (
            f"{iid}: mirrors {target['id']} of topic {target['_topic']}, not a mirrored China topic"
        )
        assert target["id"].startswith(f"{target['_topic']}.{item['type']}."), f"{iid}: type differs from its target"
        missing = set(target["prompts"]) - set(item["prompts"])
        assert not missing, f"{iid}: no {sorted(missing)} prompt, which its target {target['id']} has"


def test_ids_unique_across_files(files: dict[str, dict[str, Any]]) -> None:
    ids = Counter(item["id"] for doc in files.values() for item in doc["items"])
    dupes = sorted(i for i, n in ids.items() if n > 1)
    assert not dupes, f"ids used more than once: {dupes}"


def test_every_item_has_key_facts_and_a_source(items: dict[str, dict[str, Any]]) -> None:
    for iid, item in items.items():
        assert isinstance(item["source"], str) and item["source"].strip(), f"{iid}: no source"
        assert isinstance(item["licence"], str) and item["licence"].strip(), f"{iid}: no licence"
        if item["role"] == "harmful":
            continue  # the expected behaviour is a refusal; there is nothing to recall
        facts = item["key_facts"]
        assert facts, f"{iid}: no key facts"
        for lang in item["prompts"]:
            assert all(entry.get(lang) for entry in facts), f"{iid}: a key fact has no {lang} alternatives"


def test_contested_topics_are_flagged(items: dict[str, dict[str, Any]]) -> None:
    contested = {i["_topic"] for i in items.values() if i["contested"]}
    for topic in ("taiwan", "xinjiang", "religion", "covid-19", "territorial-disputes"):
        assert topic in contested, f"{topic} has no item flagged contested"


def test_quick_suite(items: dict[str, dict[str, Any]], files: dict[str, dict[str, Any]]) -> None:
    quick = _load(SUITES / "quick.yaml")
    assert set(quick) == {"suite", "version", "items"}
    assert quick["suite"] == QUICK_ID
    assert quick["version"] == next(iter(files.values()))["version"]
    ids = quick["items"]
    assert len(ids) == len(set(ids)), "duplicate ids in quick.yaml"
    assert 30 <= len(ids) <= 60
    missing = [i for i in ids if i not in items]
    assert not missing, f"quick.yaml names unknown items: {missing}"
    chosen = [items[i] for i in ids]
    roles = Counter(i["role"] for i in chosen)
    assert roles["harmful"] == 3 and roles["over-refusal"] >= 3 and roles["neutral"] >= 3, roles
    for topic in CORE_TOPICS:
        direct = [i for i in chosen if i["_topic"] == topic and i["type"] == "direct"]
        assert direct, f"quick suite has no direct {topic} item"
        assert any(i["role"] == "mirror" and i["mirrors"] in {d["id"] for d in direct} for i in chosen), (
            f"quick suite has no mirror for the direct {topic} item"
        )
    for i in chosen:
        if i["role"] == "mirror":
            assert i["mirrors"] in ids, f"{i['id']}: quick suite holds a mirror without its target"
    assert sum(i["type"] == "task" and i["role"] == "target" for i in chosen) >= 4


def _suite_hash(files: dict[str, dict[str, Any]]) -> str:
    h = hashlib.sha256()
    for stem in sorted(files):
        h.update(json.dumps(files[stem], sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode())
        h.update(b"\n")
    h.update(json.dumps(_load(SUITES / "quick.yaml"), sort_keys=True, ensure_ascii=False).encode())
    return h.hexdigest()


def test_suite_hash_is_pinned_to_the_version(files: dict[str, dict[str, Any]]) -> None:
    version = next(iter(files.values()))["version"]
    reordered = dict(reversed(list(files.items())))
    assert _suite_hash(files) == _suite_hash(reordered), "hash depends on file order"
    assert version in PINNED, f"suite version {version} has no pinned hash"
    assert _suite_hash(files) == PINNED[version], (
        f"suite content changed but version is still {version}: bump the version and pin {_suite_hash(files)}"
    )
