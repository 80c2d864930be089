# The two commands a new user needs: `make run` and `make test`. Everything else they need is set up here.
VENV   := .venv
PY     := $(VENV)/bin/python
FLASK  := $(VENV)/bin/flask --app wsgi
STAMP  := $(VENV)/.requirements-installed
HOST   ?= 127.0.0.1
PORT   ?= 5000

.PHONY: run test test-pg install chromium pdf-libs office bench

$(PY):
	python3 -m venv $(VENV)

$(STAMP): requirements.txt | $(PY)
	$(VENV)/bin/pip install --disable-pip-version-check -q -r requirements.txt
	touch $(STAMP)

install: $(STAMP)

## make run: install, create or migrate the SQLite database, load the demo once, serve on :5000
run: install pdf-libs
	$(FLASK) init-db
	$(FLASK) seed-demo --if-empty
	@echo "Theo dõi nhiệm vụ: http://$(HOST):$(PORT)  (Ctrl+C để dừng)"
	$(VENV)/bin/gunicorn --workers 2 --threads 4 --timeout 60 --graceful-timeout 30 \
	  --max-requests 1000 --max-requests-jitter 100 --bind $(HOST):$(PORT) --access-logfile - wsgi:app

## make test: install, make sure Chromium is there for the browser tests, run the whole suite
test: install chromium pdf-libs office
	$(VENV)/bin/pytest

## make test-pg: the same suite against a local PostgreSQL cluster (started and prepared here)
test-pg: install chromium pdf-libs office
	bash scripts/with-postgres.sh $(VENV)/bin/pytest

chromium:
	@bash scripts/ensure-system-packages.sh chromium

# LibreOffice Writer and Calc without their GUI: the tests open the monthly report's and the urging
# letter's .docx and print the appendices (.xlsx) with them, headless.
office:
	@bash scripts/ensure-system-packages.sh libreoffice-writer-nogui libreoffice-calc-nogui

# Pango and a Times New Roman–compatible font with every Vietnamese letter for the PDF (WeasyPrint) and the
# browser's print: Liberation Serif 2.x (fonts-liberation2). Debian's fonts-liberation (1.x) lacks letters such
# as "ễ" and "Ộ", which then fall back to DejaVu; the tests fail on any such fallback.
pdf-libs:
	@bash scripts/ensure-system-packages.sh libpango-1.0-0 libpangoft2-1.0-0 fonts-liberation2

## make bench: the pages through gunicorn at 1× (300 units, 20,000 assignments, ~110,000 occurrences)
## and 5×, beside a bare Flask floor page and beside BENCH_BASELINE (the code before issue 17; set it
## empty to measure this tree alone); PostgreSQL too when BENCH_DATABASE_URL is set (make bench-pg).
BENCH_BASELINE ?= 796038f
BENCH_DB       ?= tracker_bench17
bench: install chromium
	$(PY) bench/run.py $(if $(BENCH_BASELINE),--baseline $(BENCH_BASELINE)) $(BENCH_ARGS)
	$(PY) bench/throughput.py
	$(PY) bench/slow.py

## make bench-pg: the same with a PostgreSQL column (the cluster started as for make test-pg)
.PHONY: bench-pg
bench-pg: install
	TEST_DB_NAME=$(BENCH_DB) EXTRA_DB_NAMES="$(foreach v,new base,$(foreach s,1x 5x,$(BENCH_DB)_$(v)_$(s)))" \
	  bash scripts/with-postgres.sh sh -c 'BENCH_DATABASE_URL="$$TEST_DATABASE_URL" $(PY) bench/run.py --pg \
	  $(if $(BENCH_BASELINE),--baseline $(BENCH_BASELINE)) $(BENCH_ARGS)'

## make loadtest: 50 simulated users for 60 s through gunicorn on 127.0.0.1 (bench/load.json)
.PHONY: loadtest
loadtest: install
	$(PY) bench/loadtest.py $(LOADTEST_ARGS)
