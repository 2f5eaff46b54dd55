# make demo  - create .venv, install automl-studio, run the demo job
# make test  - create .venv, install automl-studio with test extras, check the import contract, run the tests
# make lint  - the import contract of pyproject.toml (import-linter): layers, no back edges
# make bench - create .venv with the bench extras (and .venv-autogluon, .venv-statsforecast), run the benchmarks
PYTHON ?= python3
VENV   := .venv
AG_VENV := .venv-autogluon
SF_VENV := .venv-statsforecast
BIN    := $(VENV)/bin
PIP    := $(BIN)/python -m pip --disable-pip-version-check -q

.PHONY: demo lint test bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(PIP) install --upgrade pip

$(VENV)/.installed-test: pyproject.toml | $(BIN)/python
	$(PIP) install -e ".[test]"
	touch $@

$(VENV)/.installed-bench: pyproject.toml | $(BIN)/python
	$(PIP) install -e ".[test,bench]"
	touch $@

# AutoGluon needs pandas < 3, so it gets its own environment; the benchmark reports it as
# not available when this install fails (the build goes on).
# torch first, pinned: its CPU wheel; left to itself pip pulls a multi-GB CUDA build.
$(AG_VENV)/.installed:
	@$(PYTHON) -m venv $(AG_VENV) && $(AG_VENV)/bin/python -m pip --disable-pip-version-check -q install \
	    torch==2.13.0 && $(AG_VENV)/bin/python -m pip --disable-pip-version-check -q install \
	    "autogluon.tabular[lightgbm,catboost,xgboost]>=1.4" psutil && touch $@ \
	    || echo "AutoGluon could not be installed here: the benchmarks report it as not available"

# statsforecast, the forecasting peer, pins pandas < 3 too: its own environment as well.
$(SF_VENV)/.installed:
	@$(PYTHON) -m venv $(SF_VENV) && $(SF_VENV)/bin/python -m pip --disable-pip-version-check -q install \
	    "statsforecast>=2" "pandas<3" && touch $@ \
	    || echo "statsforecast could not be installed here: the benchmarks report it as not available"

demo: $(VENV)/.installed-test
	$(BIN)/automl demo

lint: $(VENV)/.installed-test
	$(BIN)/lint-imports

# Two passes: the suite on two pytest workers (a file stays on one worker, so its module fixtures are
# built once), then the tests marked `timing` (limits, deadlines, faults injected at a moment), which a
# second worker's load would blur.
test: lint
	$(BIN)/python -m pytest -n 2 --dist loadfile -m "not timing"
	$(BIN)/python -m pytest -m timing

# Every benchmark at its defaults (tabular at 60 s, forecasting at 120 s, scaling from 10k to 1M rows),
# then the tabular time and memory promises at 300 s against AutoGluon.
bench: $(VENV)/.installed-bench $(AG_VENV)/.installed $(SF_VENV)/.installed
	@for script in benchmarks/bench_*.py; do echo "== $$script"; $(BIN)/python $$script || exit 1; done
	@echo "== benchmarks/bench_tabular.py --budget 300"
	$(BIN)/python benchmarks/bench_tabular.py --budget 300 --systems automl-studio AutoGluon

clean:
	rm -rf $(VENV) $(AG_VENV) $(SF_VENV) build *.egg-info .pytest_cache
