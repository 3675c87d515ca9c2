# vnetsim: `make demo` runs the main job on the embedded catalog,
# `make test` runs vet, gofmt, the tests with -race and the CLI end-to-end tests.
GO ?= go
BIN := bin/vnetsim

.PHONY: all build test vet fmt demo bench servicetags clean

all: build

build:
	$(GO) build -o $(BIN) ./cmd/vnetsim

vet:
	$(GO) vet ./...

fmt:
	@out=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go')); \
	if [ -n "$$out" ]; then echo "gofmt would change:"; echo "$$out"; exit 1; fi

test: vet fmt
	$(GO) test -race -count=1 ./...

demo: build
	@echo "== vnetsim check over the embedded catalog"
	@./$(BIN) check $$(./$(BIN) catalog)
	@echo
	@echo "== vnetsim trace: Azure ML manages a cluster behind forced tunneling"
	./$(BIN) trace catalog:peered-cluster-forced-tunnel --from AzureMachineLearning --to cpu-cluster --port 44224
	@echo
	@echo "== vnetsim trace: the internet tries SSH to the cluster"
	@./$(BIN) trace catalog:peered-cluster-forced-tunnel --from internet --to cpu-cluster --port 22

bench:
	$(GO) test -run '^$$' -bench . -benchmem ./...

# Replace the embedded service tags with a newer download:
#   make servicetags FILE=ServiceTags_Public_20250101.json
servicetags:
	@test -n "$(FILE)" || { echo "usage: make servicetags FILE=ServiceTags_Public_YYYYMMDD.json"; exit 2; }
	cd topology && $(GO) run gen_servicetags.go "$(abspath $(FILE))" servicetags.txt.gz

clean:
	rm -rf bin
