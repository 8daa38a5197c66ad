# `make demo` and `make test` work on a fresh machine with Python 3.11+ and nothing else.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-$(shell cksum pyproject.toml | cut -d' ' -f1)
DEMO_DB := sqlite:///demo/tracker.db

.PHONY: setup demo test bench screenshot clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	rm -f $(VENV)/.installed-* && touch $(STAMP)

setup: $(STAMP)

demo: setup
	rm -rf demo && mkdir -p demo
	$(BIN)/tracker --db $(DEMO_DB) ingest --quiet --snapshots-dir snapshots tests/corpus
	$(BIN)/tracker --db $(DEMO_DB) list
	@echo
	$(BIN)/tracker --db $(DEMO_DB) diff --since 2000-01-01

test: setup
	$(BIN)/python -m pytest

# PostgreSQL too when TRACKER_BENCH_DATABASE_URL names a database the bench may empty
bench: setup
	$(BIN)/python bench/bench.py $(BENCH_ARGS)

screenshot: setup
	$(BIN)/python tools/screenshot.py docs

clean:
	rm -rf $(VENV) demo .pytest_cache
