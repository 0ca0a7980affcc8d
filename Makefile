# Switchyard — the two commands a newcomer needs are `make run` and `make test`.
# Every target installs what it needs with apt-get when it is missing (Debian), so a clean
# clone on a fresh machine works without any step done by hand.

SWIFT       ?= swift
CONFIG      ?= config.yaml
PREFIX      ?= /usr/local
DESTDIR     ?=
BUILD_FLAGS ?=
FUZZ_SECONDS ?= 60
DEBS        := libyaml-dev libcurl4-openssl-dev pkg-config
SUDO        := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: dns-server browser tls-server dashboard-screenshot all deps build release run test check clean install bench help verify-units fuzz fuzz-smoke fuzz-json varnishtest faults-long soak tsan bench-health bench-cpu

all: build

help:
	@echo "make run      build and start switchyard on $(CONFIG) in front of two demo upstreams"
	@echo "make test     build and run every test (unit and end-to-end)"
	@echo "make check    validate $(CONFIG) (switchyard check)"
	@echo "make release  optimised build in .build/release"
	@echo "make install  install binary, systemd units and example config (PREFIX, DESTDIR)"
	@echo "make verify-units  systemd-analyze verify the unit files (part of make test)"
	@echo "make fuzz     run every libFuzzer target for FUZZ_SECONDS (default $(FUZZ_SECONDS)) each"
	@echo "make fuzz-smoke  every fuzz target ~3 s from the committed seeds (part of make test)"
	@echo "make fuzz-json   JSON validator against Python's json module (differential)"
	@echo "make varnishtest framing cases with Debian's varnishtest as client and upstream (part of make test)"
	@echo "make faults-long   fault injection at full size: 1,000 slow clients, 10,000 dropped connections"
	@echo "make soak     SOAK_MINUTES (default 10) of mixed load with a flapping upstream and reloads; RSS and fds checked"
	@echo "make tsan     the end-to-end suites with the proxy built and run under ThreadSanitizer, 2 workers"
	@echo "make bench    micro benchmarks (ns/op) and, with ../shared/bench/compare.py, the proxy comparison"
	@echo "make bench-health  CPU of health checking 1,000 instances every second, HEALTH_RUNS (default 5) runs"
	@echo "make bench-cpu     CPU per request of proxy, upstream and wrk for switchyard, nginx, HAProxy (needs wrk nginx haproxy)"
	@echo "make dashboard-screenshot  regenerate docs/dashboard.png with the dashboard's browser test"

# Install the system packages the build links against, only those that are missing.
deps:
	@missing=""; for p in $(DEBS); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
		echo "installing:$$missing"; \
		$(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq $$missing >/dev/null; \
	fi

build: deps
	$(SWIFT) build $(BUILD_FLAGS)

release: deps
	$(SWIFT) build -c release $(BUILD_FLAGS)

check: build
	.build/debug/switchyard check --config $(CONFIG)

# Start two demo upstreams and the proxy in front of them; Ctrl-C stops all three.
run: release
	@./scripts/run-demo.sh $(CONFIG)

test: deps verify-units dns-server browser tls-server
	$(SWIFT) build $(BUILD_FLAGS)
	$(SWIFT) test $(BUILD_FLAGS)
	@$(MAKE) --no-print-directory varnishtest fuzz-smoke

# The dashboard's browser tests (DashboardBrowserTests) drive Debian's headless Chromium; DejaVu has
# the state icons (✔ ✖ ⚠ ◐ ⊘).
browser:
	@command -v chromium >/dev/null 2>&1 || command -v chromium-browser >/dev/null 2>&1 || { \
		echo "installing: chromium"; \
		$(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq chromium fonts-dejavu-core >/dev/null; \
	}

# docs/dashboard.png: the three-state browser test, 30 updates so that the sparklines have a history.
dashboard-screenshot: deps browser
	$(SWIFT) build --build-tests $(BUILD_FLAGS)
	SWITCHYARD_DASHBOARD_SCREENSHOTS=docs SWITCHYARD_DASHBOARD_UPDATES=30 SWITCHYARD_DASHBOARD_HEIGHT=1640 \
		$(SWIFT) test --skip-build $(BUILD_FLAGS) --filter DashboardBrowserTests/threeStates

# libFuzzer targets in Fuzz/ (see scripts/fuzz.sh and docs/ROBUSTNESS.md); binaries cached in .build/fuzz.
fuzz: deps
	@./scripts/fuzz.sh all $(FUZZ_SECONDS)

fuzz-smoke: deps
	@./scripts/fuzz.sh smoke 3

# The discovery tests serve A and SRV records from a real DNS server on loopback: Debian's dnsmasq
# (the dnsmasq-base package: the binary only, no system service is started).
dns-server:
	@[ -x /usr/sbin/dnsmasq ] || command -v dnsmasq >/dev/null 2>&1 || { \
		echo "installing: dnsmasq-base"; \
		$(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq dnsmasq-base >/dev/null; \
	}

# The batch endpoint's HTTPS test makes a certificate with openssl and serves it with Python's ssl.
tls-server:
	@command -v openssl >/dev/null 2>&1 && command -v python3 >/dev/null 2>&1 || { \
		echo "installing: openssl python3"; \
		$(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq openssl python3 >/dev/null; \
	}

# Tests/varnishtest/*.vtc against the debug build (scripts/varnishtest.sh); installs varnish when missing.
varnishtest: deps
	@command -v varnishtest >/dev/null 2>&1 || { \
		echo "installing: varnish"; \
		$(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq varnish >/dev/null; \
	}
	$(SWIFT) build $(BUILD_FLAGS)
	@./scripts/varnishtest.sh

fuzz-json: deps
	@./scripts/fuzz.sh tool JSONVerdict
	@python3 scripts/json-differential.py

# systemd-analyze verify on a copy of the units (see scripts/verify-units.sh); needs no running systemd.
verify-units:
	@command -v systemd-analyze >/dev/null 2>&1 || { \
		echo "installing: systemd"; \
		$(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq systemd >/dev/null; \
	}
	@./scripts/verify-units.sh

# The units name /usr/local/bin/switchyard: they are installed with /usr/local rewritten to $(PREFIX).
install: release
	install -D -m 0755 .build/release/switchyard $(DESTDIR)$(PREFIX)/bin/switchyard
	install -D -m 0755 .build/release/switchyard-echo $(DESTDIR)$(PREFIX)/bin/switchyard-echo
	install -d $(DESTDIR)/etc/systemd/system
	for u in switchyard.service switchyard.socket; do \
		sed 's|/usr/local/|$(PREFIX)/|g' systemd/$$u > $(DESTDIR)/etc/systemd/system/$$u && \
		chmod 0644 $(DESTDIR)/etc/systemd/system/$$u || exit 1; \
	done
	install -D -m 0644 README.md $(DESTDIR)$(PREFIX)/share/doc/switchyard/README.md
	install -D -m 0644 docs/OPERATIONS.md $(DESTDIR)$(PREFIX)/share/doc/switchyard/OPERATIONS.md
	[ -e $(DESTDIR)/etc/switchyard/config.yaml ] || install -D -m 0644 config.yaml $(DESTDIR)/etc/switchyard/config.yaml

# Robustness (docs/ROBUSTNESS.md). The short fault-injection tests run inside `make test`.
SOAK_MINUTES ?= 10
E2E_SUITES   := ProxyHTTPTests|ProxyErrorTests|ProxyBalancingTests|ObservabilityTests|OperationsTests|FaultInjectionTests|ReactionsTests|ReactionsDeliveryTests|BatchEndpointTests

faults-long: deps
	$(SWIFT) build --build-tests $(BUILD_FLAGS)
	SWITCHYARD_FAULTS_LONG=1 $(SWIFT) test --skip-build $(BUILD_FLAGS) --filter FaultInjectionTests

# A release build in its own scratch path (.build-bench), then scripts/soak.sh.
soak: deps
	@command -v wrk >/dev/null 2>&1 || { \
		echo "installing: wrk"; \
		$(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq wrk >/dev/null; \
	}
	$(SWIFT) build -c release --scratch-path .build-bench $(BUILD_FLAGS)
	SWITCHYARD_BIN_DIR=.build-bench/release ./scripts/soak.sh $(SOAK_MINUTES)

# Proxy, echo and tests built with -sanitize=thread in .build-tsan; any ThreadSanitizer report fails.
tsan: deps
	$(SWIFT) build --build-tests --scratch-path .build-tsan --sanitize=thread $(BUILD_FLAGS)
	./scripts/tsan.sh '$(E2E_SUITES)'

clean:
	rm -rf .build .build-bench .build-tsan

# Micro benchmarks of the core (ns/op, median of runs), then the macro comparison against nginx and
# HAProxy when ../shared/bench/compare.py is there. Instructions per operation, stable on a busy
# machine: scripts/callgrind-bench.sh. Method and history: docs/BENCHMARKS.md.
COMPARE ?= ../shared/bench/compare.py
COMPARE_FLAGS ?= --rounds 3
bench: deps
	$(SWIFT) build -c release --scratch-path .build-bench --product switchyard-bench $(BUILD_FLAGS)
	.build-bench/release/switchyard-bench
	@if [ -x "$(COMPARE)" ] || [ -f "$(COMPARE)" ]; then \
		$(SWIFT) build -c release $(BUILD_FLAGS) && python3 $(COMPARE) $(COMPARE_FLAGS); \
	else \
		echo "skipping the proxy comparison: $(COMPARE) not found"; \
	fi

# The health-check benchmark (docs/BENCHMARKS.md, "Health checks"): a release test build in
# .build-bench, then HEALTH_RUNS runs of 1,000 targets (HEALTH_MIX: both, tcp or http); each prints
# the checker thread's CPU as a share of one core.
HEALTH_RUNS ?= 5
HEALTH_MIX  ?= both
bench-health: deps
	$(SWIFT) build -c release -Xswiftc -enable-testing --scratch-path .build-bench --build-tests $(BUILD_FLAGS)
	@for i in $$(seq $(HEALTH_RUNS)); do \
		SWITCHYARD_BENCH=1 SWITCHYARD_BENCH_MIX=$(HEALTH_MIX) .build-bench/release/SwitchyardPackageTests.xctest \
			--testing-library swift-testing --filter HealthCheckerBenchmark 2>&1 | grep -o "health bench.*"; \
	done

# CPU per proxied request (scripts/cpu-per-request.sh): BENCH_SECONDS per target, BENCH_CONNS connections.
BENCH_SECONDS ?= 10
BENCH_CONNS   ?= 64
bench-cpu: release
	./scripts/cpu-per-request.sh $(BENCH_SECONDS) $(BENCH_CONNS)
