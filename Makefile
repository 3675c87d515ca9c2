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
	@echo "== vnetsim check over the embedded catalog (every scenario and its broken variants)"
	@./$(BIN) check $$(./$(BIN) catalog) | tail -n 4
	@echo
	@echo "== vnetsim simulate: a training job behind forced tunneling, without the AzureMachineLearning route"
	@./$(BIN) simulate 'catalog:peered-cluster-forced-tunnel#no-aml-route' --intent training-job --compute cpu-cluster; \
	  code=$$?; test $$code -eq 1 || { echo "expected exit code 1 (the intent fails), got $$code"; exit 1; }
	@echo
	@echo "== vnetsim trace: the same flow with the route in place"
	@./$(BIN) trace catalog:peered-cluster-forced-tunnel --from AzureMachineLearning.WestUS --to cpu-cluster --port 44224

bench:
	$(GO) test -run '^$$' -bench . -benchmem ./...

# Replace the embedded service tags with a newer download:
#   make servicetags FILE=ServiceTags_Public_20250101.json
servicetags:
	@test -n "$(FILE)" || { echo "usage: make servicetags FILE=ServiceTags_Public_YYYYMMDD.json"; exit 2; }
	cd topology && $(GO) run gen_servicetags.go "$(abspath $(FILE))" servicetags.txt.gz

clean:
	rm -rf bin
