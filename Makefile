# SalesCoach — `make run` and `make test` are all a fresh machine needs.
SHELL := /bin/bash
PYTHON ?= python3.11
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
export HF_HUB_OFFLINE := 1
export ANONYMIZED_TELEMETRY := False

.PHONY: setup run test bench lint eval format clean

setup: $(STAMP)

# torch first: 2.13.0 is a CPU wheel on local disk; letting the resolver pick torch pulls a CUDA build.
$(STAMP): pyproject.toml
	@command -v $(PYTHON) >/dev/null || { echo "need $(PYTHON)"; exit 1; }
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q torch==2.13.0
	$(BIN)/python -m pip install -q -e '.[dev]'
	$(BIN)/coach model build
	touch $(STAMP)

run: setup
	$(BIN)/coach run

# On SQLite, and on a throw-away PostgreSQL cluster too whenever a PostgreSQL server binary is here.
test: setup
	bash .ci/with-postgres.sh $(BIN)/python -m pytest -q -ra

lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: setup
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

eval: setup
	$(BIN)/coach eval retrieval --questions ../shared/eval/questions.dev.jsonl --corpus ../shared/seeds
	$(BIN)/coach eval visits --file ../shared/eval/visit_logs.dev.jsonl

# Figures for the README: ask latency at 10,000 chunks (first run builds var/bench, slow on 2 cores),
# encoder speed, and 200 reps asking at once through the real Telegram stack.
bench: setup
	$(BIN)/python -m bench.ask_latency
	$(BIN)/python bench/embed_speed.py --n 200
	$(BIN)/python -m bench.chat_load --reps 200 --window 10
	$(BIN)/python -m bench.chat_load --reps 200 --window 0

clean:
	rm -rf $(VENV) var .pytest_cache .ruff_cache
