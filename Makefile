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
# The X clipboard (copy and paste in the window), and GTK for Qt's GTK theme (a dark desktop).
TEST_PACKAGES += xclip libgtk-3-0
# ShellCheck checks the CI workflow's scripts, through actionlint (tests/test_workflow.py).
TEST_PACKAGES += shellcheck
# objcopy gives a stand-in for the one file its section (tests/test_onefile.py).
TEST_PACKAGES += binutils

.PHONY: run test fuzz load bench screenshots lint format lock clean system-run system-test bytecode

run: system-run $(VENV)/.runtime bytecode
	@$(BIN)/python main.py; status=$$?; \
	if [ $$status -eq 3 ]; then $(BIN)/python main.py --serve; else exit $$status; fi

test: system-test $(VENV)/.dev bytecode
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/pytest

# Hypothesis at full strength: over 10,000 requests; prints how many it sent.
fuzz: $(VENV)/.dev
	$(BIN)/pytest -q tests/test_fuzz.py --hypothesis-profile=fuzz --hypothesis-show-statistics

# The full bounded load run: 10,000 requests from 16 threads, loopback only.
load: $(VENV)/.dev
	$(BIN)/python -m bench.load --requests 10000 --concurrency 16

# Launch time, memory, shutdown and server throughput against their baselines, in one run:
# writes docs/benchmarks.md and docs/benchmarks.json.
bench: deb system-test $(VENV)/.dev bytecode
	$(BIN)/python -m bench.run --frozen dist/flasky $(ONE_FOLDER) --deb dist/$(DEB_NAME)

lint: $(VENV)/.dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(VENV)/.dev
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

# The app's own modules compiled ahead, as pip compiles an installed package's: every launch
# then reads bytecode, even where PYTHONDONTWRITEBYTECODE keeps Python from saving it (otherwise
# 14 ms of compiling before the window starts, and 10 ms more on the build thread and in the
# window's native parts). A module changed later is compiled as usual.
bytecode: | $(VENV)/bin/python
	@$(BIN)/python -m compileall -q desktop webapp

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

# Re-take docs/screenshots/: every page at 1280x800 and 400px wide, and a few in dark mode, in
# headless Chromium.
screenshots: system-test $(VENV)/.dev
	rm -rf tests/artifacts/screenshots
	$(BIN)/pytest tests/browser/test_screenshots.py
	rm -rf docs/screenshots
	cp -r tests/artifacts/screenshots docs/screenshots

clean:
	rm -rf $(VENV) build dist .pytest_cache .ruff_cache

# --- The one-file executable (see build.spec and the README's "Building and installing") ---

BUILD_VENV := build/venv
# PyInstaller strips the libraries it bundles with binutils' strip.
DIST_PACKAGES := $(RUN_PACKAGES) binutils
TEST_PACKAGES += desktop-file-utils
BIN_HOME := $(HOME)/.local/bin
DATA_HOME := $(or $(XDG_DATA_HOME),$(HOME)/.local/share)
# Where the one file unpacks its build (freeze/onefile.py): a cache, removed on uninstall.
UNPACKED_BUILDS := $(or $(XDG_CACHE_HOME),$(HOME)/.cache)/Flasky/builds
ICON_SIZES := 16 24 32 48 64 128 256
INSTALLED_FILES := $(BIN_HOME)/flasky $(DATA_HOME)/applications/flasky.desktop \
	$(DATA_HOME)/icons/hicolor/scalable/apps/flasky.svg \
	$(foreach size,$(ICON_SIZES),$(DATA_HOME)/icons/hicolor/$(size)x$(size)/apps/flasky.png)

.PHONY: dist verify-build install uninstall lock-build icons system-dist measure

dist: system-dist $(BUILD_VENV)/.installed
	$(BUILD_VENV)/bin/python -m freeze.build

system-dist:
	@scripts/apt-install $(DIST_PACKAGES)

# Builds the commit twice, from clean clones in two temporary folders, and compares every file
# (and inside archives every member): identical builds take the place of dist/, and
# dist/BUILDINFO says so (freeze/verify.py).
verify-build: system-dist $(BUILD_VENV)/.installed
	$(BUILD_VENV)/bin/python -m freeze.verify

$(BUILD_VENV)/.installed: requirements-build.lock
	$(PYTHON) -m venv $(BUILD_VENV)
	$(BUILD_VENV)/bin/python -m pip install --quiet --upgrade pip
	$(BUILD_VENV)/bin/pip install --quiet --require-hashes -r requirements-build.lock
	touch $@

# The folder build that the one file carries, built by the same run of build.spec.
ONE_FOLDER := dist/flasky-onedir/flasky

# Size and launch time of the one-file build against the one-folder build it carries.
measure: dist system-test $(VENV)/.dev
	$(BIN)/python -m bench.measure dist/flasky $(ONE_FOLDER)

# Per user, no root: the executable, its desktop entry and its icons.
install: dist
	install -D -m 755 dist/flasky $(BIN_HOME)/flasky
	mkdir -p $(DATA_HOME)/applications
	sed 's|@BIN_HOME@|$(BIN_HOME)|' freeze/flasky.desktop > $(DATA_HOME)/applications/flasky.desktop
	install -D -m 644 webapp/static/flasky.svg $(DATA_HOME)/icons/hicolor/scalable/apps/flasky.svg
	$(foreach size,$(ICON_SIZES),install -D -m 644 freeze/icons/flasky-$(size).png \
		$(DATA_HOME)/icons/hicolor/$(size)x$(size)/apps/flasky.png;)

uninstall:
	rm -f $(INSTALLED_FILES)
	rm -rf $(UNPACKED_BUILDS)

# --- The Debian package (freeze/deb.py; see the README's "Building and installing") ---

# dpkg-deb builds it, patchelf takes the build machine's paths out of the libraries' RUNPATH;
# the tests check it with lintian, appstreamcli, apparmor_parser and desktop-file-validate.
DEB_PACKAGES := patchelf lintian appstream apparmor desktop-file-utils
TEST_PACKAGES += $(DEB_PACKAGES)

.PHONY: deb system-deb

# The package's file name in dist/ (make bench launches it installed).
DEB_NAME = $(shell $(BIN)/python -c 'from freeze.deb import deb_name; print(deb_name())')

# dist/flasky_<version>_amd64.deb from the folder build (repacked only when it or freeze/deb.py's
# inputs changed).
deb: dist system-deb
	$(BUILD_VENV)/bin/python -m freeze.deb dist/flasky-onedir dist

system-deb:
	@scripts/apt-install $(DEB_PACKAGES)

# Re-pin the build environment (the app's pins plus PyInstaller) after `make lock`.
lock-build: $(VENV)/.dev
	$(BIN)/pip install --quiet pip-tools
	$(BIN)/pip-compile --quiet --generate-hashes --strip-extras --allow-unsafe \
		--no-emit-index-url --no-emit-find-links --extra build -c requirements.lock \
		-o requirements-build.lock pyproject.toml

# Redraw the committed PNG, ICO and ICNS icons from webapp/static/flasky.svg.
icons:
	@scripts/apt-install librsvg2-bin imagemagick icnsutils
	$(foreach size,$(ICON_SIZES) 512,rsvg-convert -w $(size) -h $(size) \
		-o freeze/icons/flasky-$(size).png webapp/static/flasky.svg;)
	convert $(foreach size,16 24 32 48 64 128 256,freeze/icons/flasky-$(size).png) freeze/icons/flasky.ico
	png2icns freeze/icons/flasky.icns $(foreach size,16 32 48 128 256 512,freeze/icons/flasky-$(size).png)
