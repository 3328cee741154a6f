# Thin front for CMake.  The README's two commands: `make run` and `make test`.
BUILD ?= build
DB ?= var/opsdesk.db
LISTEN ?= 127.0.0.1:8080
JOBS ?= $(shell nproc 2>/dev/null || echo 2)

.PHONY: all deps build run demo test test-pg clean bench bench-lists bench-scale bench-storm bench-cluster-am bench-events-cluster fuzz crash format install deb

all: build

deps:
	@bash scripts/deps.sh

$(BUILD)/build.ninja: CMakeLists.txt
	cmake -S . -B $(BUILD) -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo

build: deps $(BUILD)/build.ninja
	cmake --build $(BUILD) -j $(JOBS)

run: build
	@bash scripts/run.sh $(BUILD)/opsdesk $(DB) $(LISTEN)

# The same with demo data (opsdesk init --demo) in its own database: people,
# a graded CMDB and a month of incidents; accounts' password Demo-pass-1!
DEMO_DB ?= var/demo.db
demo: build
	@bash scripts/run.sh $(BUILD)/opsdesk $(DEMO_DB) $(LISTEN) --demo

# PostgreSQL: the store contract and a representative part of the API suite
# (CMakeLists.txt OD_PG_API_SUBSET); `make test-pg` runs all of it.
test: build
	cd $(BUILD) && ctest -j $(JOBS) -LE pg-full --output-on-failure

# The PostgreSQL runs alone (label pg: the store contract and the whole API
# suite on throwaway clusters, tests/pg/pgtmp.py), including what `make test`
# leaves out for time (label pg-full, and tests/api/harness.py PG_SLOW).
test-pg: build
	cd $(BUILD) && OPSDESK_TEST_PG_FULL=1 ctest -j $(JOBS) -L pg --output-on-failure

# Benchmarks (bench/results.md): the scheduler against 1k/100k/1M pending
# deadlines, then incident create under wrk.  BENCH_DIR=/dev/shm takes fsync out.
BENCH_DIR ?= /tmp
bench: deps $(BUILD)/build.ninja
	cmake --build $(BUILD) -j $(JOBS) --target opsdesk sched_bench
	$(BUILD)/bench/sched_bench -q -d $(BENCH_DIR)
	OPSDESK_BIN=$(abspath $(BUILD))/opsdesk BENCH_DIR=$(BENCH_DIR) bash bench/incident_create.sh

# The lists at scale (bench/results.md "Lists at scale"): 200 000 incidents and
# 1 000 000 events generated into a SQLite database, each list timed.
# BENCH_BEFORE=path/to/older/opsdesk times that binary first, on the same data.
bench-lists: deps $(BUILD)/build.ninja
	cmake --build $(BUILD) -j $(JOBS) --target opsdesk
	python3 bench/lists.py --dir $(BENCH_DIR) $(BENCH_BEFORE) $(abspath $(BUILD))/opsdesk

# libFuzzer targets (clang) in build-fuzz, each run FUZZ_SECONDS on its
# corpus with 2 jobs; a dated table is appended to bench/fuzz.md.
FUZZ_BUILD ?= build-fuzz
FUZZ_SECONDS ?= 60
fuzz:
	CC=clang CXX=clang++ cmake -S . -B $(FUZZ_BUILD) -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DOD_FUZZ=ON -DOD_WITH_ASAN=OFF
	cmake --build $(FUZZ_BUILD) -j $(JOBS) --target fuzz-all
	FUZZ_SECONDS=$(FUZZ_SECONDS) bash tests/fuzz/run.sh $(FUZZ_BUILD)

# Installation (docs/deploy/install.md): the binary, the systemd unit, an
# example configuration and the docs under DESTDIR + PREFIX; `make deb`
# builds dist/opsdesk_<VERSION>_<arch>.deb with dpkg-deb.
PREFIX ?= /usr/local
DESTDIR ?=
install: build
	PREFIX=$(PREFIX) DESTDIR=$(DESTDIR) bash scripts/install.sh $(BUILD)/opsdesk

deb: build
	bash scripts/deb.sh $(BUILD)/opsdesk dist

format:
	clang-format -i $$(git ls-files 'src/*.c' 'src/*.h' 'src/*.cc' 'tests/*.c' 'bench/*.c')

clean:
	rm -rf $(BUILD)

# Crash consistency (tests/crash/crash.py): CRASH_ROUNDS kill -9s of
# a loaded server; prints rounds, acknowledged writes, lost, duplicated.
# Then several nodes on one throwaway PostgreSQL: CRASH_ROUNDS kill -9s of a
# random node under load (tests/cluster/test_faults.py; `make test` runs 4
# rounds), and a node cut off by a black-holing TCP proxy
# (tests/cluster/test_partition.py; `make test` runs the network-namespace
# partition instead); skipped without PostgreSQL 15.
CRASH_ROUNDS ?= 100
CRASH_BUDGET ?= 1500
crash: build
	python3 tests/crash/crash.py --rounds $(CRASH_ROUNDS) --budget $(CRASH_BUDGET) --quiet
	OPSDESK_BIN=$(BUILD)/opsdesk OPSDESK_CLUSTER_KILL_ROUNDS=$(CRASH_ROUNDS) python3 tests/cluster/test_faults.py \
	  Faults.test_1_kill9_under_load || [ $$? -eq 77 ]
	OPSDESK_BIN=$(BUILD)/opsdesk python3 tests/cluster/test_partition.py || [ $$? -eq 77 ]

# Every list and search at scale (bench/results.md "Scale"): bench/gen fills a
# fresh database (SCALE=0.1: 100 000 incidents, 1 000 000 events, 10 000 CIs;
# SCALE=1: 1 M incidents, 10 M events, 100 k CIs), then each request is
# timed (median, p99 of BENCH_N).  Not part of make test.
SCALE ?= 0.1
BENCH_N ?= 100
BENCH_UI ?= 10
bench-scale: deps $(BUILD)/build.ninja
	cmake --build $(BUILD) -j $(JOBS) --target opsdesk bench_gen
	python3 bench/scale.py --opsdesk $(abspath $(BUILD))/opsdesk --gen $(abspath $(BUILD))/bench/bench_gen \
	  --scale $(SCALE) --n $(BENCH_N) --dir $(BENCH_DIR) --ui $(BENCH_UI)

# The desk during an alert storm (bench/results.md "Storm"): STORM_SECONDS of
# ingestion at its maximum rate (wrk) while an interactive client lists, reads
# and creates incidents, first-report deadlines come due and messages go to a
# loopback SMS gateway; prints medians/p99 against issue 20's targets.
# STORM_ARGS=--quick: 20 s.  Not part of make test (tests/api/test_storm.py is).
STORM_SECONDS ?= 60
STORM_ARGS ?=
bench-storm: deps $(BUILD)/build.ninja
	cmake --build $(BUILD) -j $(JOBS) --target opsdesk
	python3 bench/storm.py --opsdesk $(abspath $(BUILD))/opsdesk --dir $(BENCH_DIR) --duration $(STORM_SECONDS) $(STORM_ARGS)

# Several nodes against an Alertmanager cluster (bench/results.md): 3 opsdesk
# nodes on a throwaway PostgreSQL and 3 Alertmanager peers (apt-get installs
# prometheus-alertmanager when missing) notify one loopback webhook receiver
# through a kill -9, a partition (a network namespace: root and iproute2) and a
# receiver failing for 30 s: duplicates, losses, time to deliver.  Then the
# deadline-firing lag of 10 000 deadlines over 3 nodes and the failover times.
# About 25 minutes.  Not part of make test.
bench-cluster-am: deps $(BUILD)/build.ninja
	cmake --build $(BUILD) -j $(JOBS) --target opsdesk
	OPSDESK_BIN=$(abspath $(BUILD))/opsdesk python3 bench/cluster_vs_alertmanager.py
	OPSDESK_BIN=$(abspath $(BUILD))/opsdesk python3 bench/cluster_deadlines.py

# Event ingestion, one table in one run (bench/results.md "Ingestion: SQLite, PostgreSQL nodes,
# Alertmanager cluster"): opsdesk on SQLite, on a throwaway PostgreSQL with EVBENCH_NODES nodes,
# Alertmanager alone and 3 peers, the same wrk load spread over the nodes.  Not part of make test.
EVBENCH_NODES ?= 1..3
EVBENCH_SECONDS ?= 10
EVBENCH_RUNS ?= 1
bench-events-cluster: deps $(BUILD)/build.ninja
	cmake --build $(BUILD) -j $(JOBS) --target opsdesk
	OPSDESK_BIN=$(abspath $(BUILD))/opsdesk BENCH_DURATION=$(EVBENCH_SECONDS) BENCH_RUNS=$(EVBENCH_RUNS) \
	  bash bench/events_vs_alertmanager.sh --db postgres --nodes $(EVBENCH_NODES)
