# wahlkoffer build. `make test` is what CI runs; see README.md.
GO          ?= go
BIN         := bin/wahlkoffer
PKG         := ./...
VERSION     ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo devel)
LDFLAGS     := -s -w -X github.com/wahlkoffer/wahlkoffer/cmd/wahlkoffer/internal/root.version=$(VERSION)
STATICCHECK := honnef.co/go/tools/cmd/staticcheck@v0.8.2
PLATFORMS   := windows/amd64 linux/amd64 linux/arm64 darwin/arm64

export CGO_ENABLED ?= 0

.PHONY: build demo test lint cross fuzz clean

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

# A short run of every fuzz target; FUZZTIME=5m for a long one.
FUZZTIME ?= 20s
fuzz:
	@$(GO) list -f '{{.Dir}}' $(PKG) | while read d; do \
		for t in $$(cd $$d && $(GO) test -list '^Fuzz' . 2>/dev/null | grep '^Fuzz'); do \
			echo "fuzz $$d $$t"; (cd $$d && $(GO) test -run '^$$' -fuzz "^$$t$$" -fuzztime $(FUZZTIME) .) || exit 1; \
		done; done

clean:
	rm -rf bin dist
