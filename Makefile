# wahlkoffer build. `make test` is what CI runs; see README.md.
GO          ?= go
BIN         := bin/wahlkoffer
PKG         := ./...
VERSION     ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo devel)
LDFLAGS     := -s -w -X github.com/wahlkoffer/wahlkoffer/cmd/wahlkoffer/internal/root.version=$(VERSION)
STATICCHECK := honnef.co/go/tools/cmd/staticcheck@v0.8.2
PLATFORMS   := windows/amd64 linux/amd64 linux/arm64 darwin/arm64

export CGO_ENABLED ?= 0

.PHONY: build demo test lint cross fuzz bench clean

build:
	$(GO) build -trimpath -ldflags '$(LDFLAGS)' -o $(BIN) ./cmd/wahlkoffer

# A whole election day of the example town into ./demo-out (replaced on
# every run).
demo: build
	./$(BIN) demo --out demo-out --force

test:
	@[ -n "$$WAHLKOFFER_TEST_POSTGRES" ] || echo "PostgreSQL tests skipped: set WAHLKOFFER_TEST_POSTGRES (see README.md)"
	$(GO) test -count=1 $(PKG)

lint:
	@out=$$(gofmt -l $$(git ls-files '*.go')); if [ -n "$$out" ]; then echo "gofmt would change:"; echo "$$out"; exit 1; fi
	$(GO) vet $(PKG)
	$(GO) run $(STATICCHECK) $(PKG)

cross:
	@for p in $(PLATFORMS); do \
		os=$${p%/*}; arch=$${p#*/}; ext=; [ $$os = windows ] && ext=.exe; \
		echo "build $$os/$$arch"; \
		GOOS=$$os GOARCH=$$arch $(GO) build -trimpath -ldflags '$(LDFLAGS)' -o dist/wahlkoffer-$$os-$$arch$$ext ./cmd/wahlkoffer || exit 1; \
	done

# A run of every fuzz target, FUZZTIME each (CI: FUZZTIME=3s; FUZZTIME=5m
# for a long one). The targets are the func FuzzXxx of each package's
# *_test.go files, so finding them builds nothing. An input that widens
# coverage is minimized for at most FUZZMINIMIZETIME: go test's default of
# a minute per input would spend a short run on minimizing the large seeds
# (evidence files, election packages, kits). A failing input is written to
# the package's testdata/fuzz/FuzzXxx/ and the run stops there.
#
# Go before 1.27 can end a run that found nothing with a bare "context
# deadline exceeded" (a race in its fuzz coordinator at the end of
# -fuzztime, go.dev/issue/75804). A run whose only failure is that line,
# with no failing input written, is reported and not counted as a failure.
FUZZTIME ?= 20s
FUZZMINIMIZETIME ?= 100x
fuzz:
	@log=$$(mktemp); trap 'rm -f "$$log" "$$log.rc"' EXIT; \
	$(GO) list -f '{{.Dir}}' $(PKG) | while read d; do \
		for t in $$(cd $$d && sed -n 's/^func \(Fuzz[A-Za-z0-9_]*\)(.*/\1/p' *_test.go 2>/dev/null | sort); do \
			echo "fuzz $$d $$t"; \
			{ (cd $$d && $(GO) test -run '^$$' -fuzz "^$$t$$" -fuzztime $(FUZZTIME) -fuzzminimizetime $(FUZZMINIMIZETIME) .); \
				echo $$? >"$$log.rc"; } 2>&1 | tee "$$log"; \
			[ "$$(cat "$$log.rc")" = 0 ] && continue; \
			if ! grep -q 'Failing input written' "$$log" && grep -qx '    context deadline exceeded' "$$log" && \
				! grep '^    ' "$$log" | grep -qvx '    context deadline exceeded'; then \
				echo "fuzz $$t: ended by go.dev/issue/75804 alone (no failing input), not counted"; continue; \
			fi; \
			exit 1; \
		done; done

# The benchmarks of the hot paths, then the load test against a real tally
# serve on loopback (PostgreSQL too when WAHLKOFFER_TEST_POSTGRES is set).
# The last line is the one tools read:
#   ingest: <R> results/s, verify limit <V>/s, ratio <R/V>
# BENCH_DISTRICTS=10000 for a quicker run. See docs/performance.md.
BENCH_DISTRICTS ?= 100000
BENCH_CLIENTS   ?= 64
bench: build
	$(GO) test -run '^$$' -bench . -benchtime 2000x ./ballot/seal/
	$(GO) test -run '^$$' -bench . ./ballot/ ./ballot/evidence/
	$(GO) test -run '^$$' -bench . -benchtime 300x ./station/
	$(GO) test -run '^$$' -bench ColdStart -benchtime 20x ./cmd/wahlkoffer/internal/e2e/
	$(GO) test -run '^$$' -bench Ingest -benchtime 3000x ./tally/
	$(GO) test -run '^$$' -bench Verify -benchtime 3x ./tally/
	$(GO) test -run '^$$' -bench Results100k -benchtime 20x ./tally/
	$(GO) test -run '^$$' -bench ResultSheet -benchtime 3x ./reports/
	@if [ -n "$$WAHLKOFFER_TEST_POSTGRES" ]; then \
		$(GO) run ./cmd/wahlkoffer/internal/loadbench -bin $(BIN) -store "$$WAHLKOFFER_TEST_POSTGRES" -districts $(BENCH_DISTRICTS) -clients $(BENCH_CLIENTS) | sed 's/^ingest: /postgresql ingest: /'; \
	else echo "PostgreSQL load test skipped: set WAHLKOFFER_TEST_POSTGRES"; fi
	$(GO) run ./cmd/wahlkoffer/internal/loadbench -bin $(BIN) -districts $(BENCH_DISTRICTS) -clients $(BENCH_CLIENTS)

clean:
	rm -rf bin dist
