# Two commands: `make demo` and `make test`. Both set up .venv first.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
NODE_STAMP := tools/viewer/node_modules/.installed

.PHONY: demo test lint setup clean

setup: $(STAMP)

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[test]"
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/redshoes dance -o out/demo

# The glTF validator and the three.js build tools, pinned in tools/viewer/package-lock.json (tests only).
$(NODE_STAMP): tools/viewer/package-lock.json
	@if command -v npm >/dev/null 2>&1; then cd tools/viewer && npm ci --silent --no-audit --no-fund && touch node_modules/.installed; \
	else echo "npm not found: the glTF validator test will be skipped"; fi

lint: $(STAMP)
	$(BIN)/ruff check redshoes tests bench
	$(BIN)/mypy

test: $(STAMP) $(NODE_STAMP) lint
	$(BIN)/python -m pytest

clean:
	rm -rf $(VENV) out build *.egg-info
