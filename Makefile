# The README's two commands: `make run` and `make test`. Each sets up what it needs.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin

# What Qt's xcb platform plugin and QtWebEngine load at run time on Debian/Ubuntu.
RUN_PACKAGES := libegl1 libgl1 libnss3 libxcomposite1 libxdamage1 libxrandr2 libxtst6 \
	libxkbfile1 libasound2 libdbus-1-3 libfontconfig1 fonts-dejavu-core libxkbcommon-x11-0 \
	libxcb-cursor0 libxcb-icccm4 libxcb-image0 libxcb-keysyms1 libxcb-render-util0 \
	libxcb-shape0 libxcb-xinerama0 libxcb-xkb1
# Tests run real windows on a virtual screen and take screenshots, and drive Chromium
# (through Playwright) and the Nu HTML checker (Java).
TEST_PACKAGES := $(RUN_PACKAGES) xvfb xauth xdotool imagemagick e2fsprogs \
	chromium default-jre-headless

.PHONY: run test fuzz load bench screenshots lint format lock clean system-run system-test

run: system-run $(VENV)/.runtime
	@$(BIN)/python main.py; status=$$?; \
	if [ $$status -eq 3 ]; then $(BIN)/python main.py --serve; else exit $$status; fi

test: system-test $(VENV)/.dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/pytest

# Hypothesis at full strength: over 10,000 requests; prints how many it sent.
fuzz: $(VENV)/.dev
	$(BIN)/pytest -q -p no:randomly tests/test_fuzz.py --hypothesis-profile=fuzz --hypothesis-show-statistics

# The full bounded load run: 10,000 requests from 16 threads, loopback only.
load: $(VENV)/.dev
	$(BIN)/python -m bench.load --requests 10000 --concurrency 16

# Launch time, memory, shutdown and server throughput against their baselines, in one run:
# writes docs/benchmarks.md and docs/benchmarks.json.
bench: system-test $(VENV)/.dev
	$(BIN)/python -m bench.run

lint: $(VENV)/.dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(VENV)/.dev
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

system-run:
	@scripts/apt-install $(RUN_PACKAGES)

system-test:
	@scripts/apt-install $(TEST_PACKAGES)

$(VENV)/bin/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.runtime: requirements.lock | $(VENV)/bin/python
	$(BIN)/pip install --quiet --require-hashes -r requirements.lock
	touch $@

$(VENV)/.dev: requirements-dev.lock | $(VENV)/bin/python
	$(BIN)/pip install --quiet --require-hashes -r requirements-dev.lock
	touch $@ $(VENV)/.runtime

# Re-pin every dependency after changing pyproject.toml.
lock: $(VENV)/.dev
	$(BIN)/pip install --quiet pip-tools
	$(BIN)/pip-compile --quiet --generate-hashes --strip-extras --allow-unsafe \
		--no-emit-index-url --no-emit-find-links -o requirements.lock pyproject.toml
	$(BIN)/pip-compile --quiet --generate-hashes --strip-extras --allow-unsafe \
		--no-emit-index-url --no-emit-find-links --extra dev -o requirements-dev.lock pyproject.toml

# Re-take docs/screenshots/: every page at 1280x800 and 400px wide, in headless Chromium.
screenshots: system-test $(VENV)/.dev
	rm -rf tests/artifacts/screenshots
	$(BIN)/pytest tests/browser/test_screenshots.py
	rm -rf docs/screenshots
	cp -r tests/artifacts/screenshots docs/screenshots

clean:
	rm -rf $(VENV) build dist .pytest_cache .ruff_cache
