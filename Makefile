# vnetsim: `make demo` runs the main job on the embedded catalog,
# `make test` runs vet, gofmt, the tests with -race and the CLI end-to-end tests.
GO ?= go
BIN := bin/vnetsim

.PHONY: all build test vet fmt demo bench ab servicetags clean browser-deps pictures crosscheck netns-tools

comma := ,

all: build

build:
	$(GO) build -o $(BIN) ./cmd/vnetsim

vet:
	$(GO) vet ./...

fmt:
	@out=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go')); \
	if [ -n "$$out" ]; then echo "gofmt would change:"; echo "$$out"; exit 1; fi

test: vet fmt browser-deps netns-tools
	$(GO) test -race -count=1 ./...

# The browser tests need Debian's chromium, the SVG pictures and the DOT
# checks Graphviz, the JUnit schema test xmllint (libxml2-utils). As root with apt-get they are installed; otherwise the
# tests that need them skip with one line saying why.
browser-deps:
	@for p in chromium:chromium graphviz:dot libxml2-utils:xmllint; do pkg=$${p%%:*}; cmd=$${p##*:}; \
	  command -v $$cmd >/dev/null 2>&1 && continue; \
	  if command -v apt-get >/dev/null 2>&1 && [ "$$(id -u)" = 0 ]; then \
	    echo "installing $$pkg (apt-get)"; \
	    { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$pkg >/dev/null; } || echo "could not install $$pkg: the tests that need it will skip"; \
	  else echo "$$pkg is not installed and this is not root with apt-get: the tests that need it will skip"; fi; \
	done

# The pictures in the README, made by the commands shown there.
pictures: build
	./$(BIN) graph catalog:peered-cluster-forced-tunnel -o svg > docs/peered-cluster-forced-tunnel.svg
	./$(BIN) trace 'catalog:peered-cluster-forced-tunnel#no-aml-route' --from AzureMachineLearning.WestUS --to cpu-cluster --port 44224 -o svg > docs/trace-no-aml-route.svg

demo: build
	@echo "== vnetsim check over the embedded catalog (every scenario and its broken variants)"
	@./$(BIN) check $$(./$(BIN) catalog) | tail -n 4
	@echo
	@echo "== vnetsim simulate: a training job behind forced tunneling, without the AzureMachineLearning route"
	@./$(BIN) simulate 'catalog:peered-cluster-forced-tunnel#no-aml-route' --intent training-job --compute cpu-cluster; \
	  code=$$?; test $$code -eq 1 || { echo "expected exit code 1 (the intent fails), got $$code"; exit 1; }
	@echo
	@echo "== vnetsim trace: the same flow with the route in place"
	@./$(BIN) trace catalog:peered-cluster-forced-tunnel --from AzureMachineLearning.WestUS --to cpu-cluster --port 44224

# make bench prints every row of issue 18's targets table: the median of
# ROUNDS rounds of each benchmark, each measured beside route-trie lookups
# timed in the same loop (internal/yardstick), so the "lookups" column is a
# ratio that holds on a noisy machine. ESTATES lists the generated estates
# as VNETSxRULES (10 subnets per spoke): 5000x10 is 50k subnets and 500k
# rules, 1000x100 is 1M rules. The estates are written once to bin/bench.
# ESTATES=100x10,1000x10 is a quick run. For a before/after claim use
# scripts/ab.sh (make ab), which runs two commits alternately.
ROUNDS ?= 5
ESTATES ?= 1000x10,5000x10,1000x100
# MATRIX_LARGE is how many subnets of the 5,000-VNet estate the large matrix
# takes (once): the issue's row is 50,000, which takes many minutes.
MATRIX_LARGE ?= 1000
BENCHOUT := bin/bench.txt
bench: build
	@mkdir -p bin/bench && : >$(BENCHOUT)
	@echo "== traces and loads of a catalog scenario ($(ROUNDS) rounds)"
	$(GO) test -run '^$$' -bench '^Benchmark(Trace|TraceQuiet|Load)$$' -count $(ROUNDS) ./sim | tee -a $(BENCHOUT)
	@echo "== service tags and cidranger against gaissmai/bart"
	$(GO) test -run '^$$' -bench 'Trie|BuiltinServiceTags' -benchmem ./topology | tee -a $(BENCHOUT)
	@echo "== dns serve: queries per second and p99 over loopback"
	$(GO) test -run '^$$' -bench 'Serve' -benchtime 20000x -count $(ROUNDS) ./dnsmock | tee -a $(BENCHOUT)
	@echo "== generated estates ($(ESTATES)): traces, traces per second, matrix, load in process"
	VNETSIM_BENCH_ESTATES=$(ESTATES) $(GO) test -run '^$$' -bench 'EstateTrace' -benchtime 20000x -count $(ROUNDS) -timeout 60m ./sim | tee -a $(BENCHOUT)
	VNETSIM_BENCH_ESTATES=$(filter 1000x10,$(subst $(comma), ,$(ESTATES))) $(GO) test -run '^$$' -bench 'EstateMatrix' -benchtime 1x -count 3 -timeout 60m ./sim | tee -a $(BENCHOUT)
	VNETSIM_BENCH_ESTATES=$(filter 5000x10,$(subst $(comma), ,$(ESTATES))) VNETSIM_BENCH_MATRIX=$(MATRIX_LARGE) $(GO) test -run '^$$' -bench 'EstateMatrix' -benchtime 1x -count 1 -timeout 600m ./sim | tee -a $(BENCHOUT)
	VNETSIM_BENCH_ESTATES=$(ESTATES) $(GO) test -run '^$$' -bench 'EstateLoad' -benchtime 1x -count 3 -timeout 60m ./sim | tee -a $(BENCHOUT)
	@echo "== vnetsim end to end: check and validate of a catalog scenario, validate of the estates (YAML and JSON), with peak memory"
	VNETSIM_BIN=$(abspath $(BIN)) VNETSIM_BENCH_DIR=$(abspath bin/bench) VNETSIM_BENCH_ESTATES=$(ESTATES) \
	  $(GO) test -run '^$$' -bench 'CLI/.*/catalog' -benchtime 10x -count $(ROUNDS) ./cmd/vnetsim | tee -a $(BENCHOUT)
	VNETSIM_BIN=$(abspath $(BIN)) VNETSIM_BENCH_DIR=$(abspath bin/bench) VNETSIM_BENCH_ESTATES=$(ESTATES) \
	  $(GO) test -run '^$$' -bench 'CLI/.*/estate' -benchtime 1x -count 3 -timeout 60m ./cmd/vnetsim | tee -a $(BENCHOUT)
	@echo
	@echo "== medians of every benchmark, and the targets of issue 18"
	@$(GO) run ./internal/benchtable -targets $(BENCHOUT)

# make ab A=main B=. PKG=./sim BENCH='^BenchmarkTrace$$' runs two commits'
# benchmarks alternately (ABBA) and prints medians and the ratio B/A.
A ?= main
B ?= .
PKG ?= ./sim
BENCH ?= ^BenchmarkTrace$$
ab:
	scripts/ab.sh -n $(ROUNDS) '$(A)' '$(B)' '$(PKG)' '$(BENCH)'

# make crosscheck sends 12,000 random flows of 120 generated scenarios as
# real packets through a Linux emulation of each (network namespaces,
# policy routing, nftables) and fails on any flow the kernel decides
# differently from vnetsim; it prints the counts and the time. It needs
# root (CAP_NET_ADMIN); `make test` runs a short version (360 flows) when it
# can and skips it on one line when it can't. SCENARIOS, FLOWS and SEED
# change its size and start.
SCENARIOS ?= 120
FLOWS ?= 100
SEED ?= 1
crosscheck: netns-tools
	$(GO) test -count=1 -timeout 60m -run '^TestCrosscheck$$/agrees' -v ./internal/crosscheck \
	  -crosscheck.scenarios=$(SCENARIOS) -crosscheck.flows=$(FLOWS) -crosscheck.first-seed=$(SEED) -crosscheck.broken=false

# The cross-check's tools: nft (nftables) and ip (iproute2), installed when
# missing and the machine lets us (root with apt-get).
netns-tools:
	@command -v nft >/dev/null && command -v ip >/dev/null || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nftables iproute2 >/dev/null; \
	  else echo "netns-tools: nft or ip missing and can't install them (not root or no apt-get)"; fi; }

# Replace the embedded service tags with a newer download:
#   make servicetags FILE=ServiceTags_Public_20250101.json
servicetags:
	@test -n "$(FILE)" || { echo "usage: make servicetags FILE=ServiceTags_Public_YYYYMMDD.json"; exit 2; }
	cd topology && $(GO) run gen_servicetags.go "$(abspath $(FILE))" servicetags.txt

clean:
	rm -rf bin
