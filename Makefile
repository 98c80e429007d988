# Two entry points: `make test` (install into .venv, then run the whole suite) and `make bench`.
VENV ?= .venv
PYTHON ?= python3
BIN = $(VENV)/bin

$(BIN)/kresearch: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[test]'
	touch $@

.PHONY: install test bench
install: $(BIN)/kresearch

test: install
	$(BIN)/pytest -q

# Needs the offline web running: python3 ../shared/offline-web/serve.py --port 8765
bench: install
	$(BIN)/python benchmarks/run.py --questions ../shared/offline-web/data/dev-questions.jsonl \
		--limit 30 --baselines rag,closed \
		--model registry:qwen2.5-coder-1.5b --searxng-url http://127.0.0.1:8765 \
		--out benchmarks/runs/$(shell date +%Y%m%d-%H%M%S)
