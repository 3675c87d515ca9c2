# vnetsim: `make demo` runs the main job on the embedded catalog,
# `make test` runs vet, gofmt, the tests with -race and the CLI end-to-end tests.
GO ?= go
BIN := bin/vnetsim

.PHONY: all build test vet fmt demo bench servicetags clean browser-deps pictures crosscheck netns-tools

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

# make bench prints every performance figure with its ratio to one raw
# route-trie lookup measured in the same run. VNETS=100,1000 skips the
# 5,000-VNet estate (about a minute and 1.5 GB to load).
VNETS ?= 100,1000,5000
bench: build
	@echo "== traces and lookups on a catalog scenario"
	$(GO) test -run '^$$' -bench '^Benchmark(Trace|TraceQuiet|TrieLookup|Load)$$' -benchmem ./sim
	@echo "== service tags and cidranger against gaissmai/bart"
	$(GO) test -run '^$$' -bench 'Trie|BuiltinServiceTags' -benchmem ./topology
	@echo "== dns serve: queries per second and p99 over loopback"
	$(GO) test -run '^$$' -bench 'Serve' -benchtime 20000x ./dnsmock
	@echo "== generated estates ($(VNETS) VNets): load, trace, traces per second, matrix"
	VNETSIM_BENCH_VNETS=$(VNETS) $(GO) test -run '^$$' -bench 'EstateLoad' -benchtime 1x -timeout 60m ./sim
	VNETSIM_BENCH_VNETS=100,1000 $(GO) test -run '^$$' -bench 'EstateMatrix' -benchtime 1x -timeout 60m ./sim
	VNETSIM_BENCH_VNETS=$(VNETS) $(GO) test -run '^$$' -bench 'EstateTrace' -benchtime 20000x -timeout 60m ./sim
	@echo "== vnetsim check of one catalog scenario, end to end (10 runs)"
	@for i in 1 2 3 4 5 6 7 8 9 10; do /usr/bin/env time -f "%e s" ./$(BIN) check catalog:forced-tunneling-firewall#no-tag-routes >/dev/null; done 2>&1 | sort | sed -n '1p;5p;10p' | paste -sd' ' | sed 's/^/min median max: /'

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
	cd topology && $(GO) run gen_servicetags.go "$(abspath $(FILE))" servicetags.txt.gz

clean:
	rm -rf bin
