# futex-cow: a Linux 2.5.38 patch series and the tooling around it.
# See README.  Every target is a thin wrapper around scripts/.

SHELL := /bin/sh
# the kernel variants the stages of configs/stages boot
VARIANTS := $(shell scripts/stage --variants)

.PHONY: all run check check-host check-kernel kernel $(VARIANTS) clean help bench

all: run

help:
	@echo "make run           get the tree, build, boot and test every kernel, report"
	@echo "make check         the test suite (TAP): host tests and kernel stages"
	@echo "make check-host    only the tests that need no kernel tree"
	@echo "  (run, check and check-host first install what they need:"
	@echo "   scripts/install-deps; make DEPS=0 ... skips that)"
	@echo "make kernel        fetch and verify the pristine 2.5.38 tree"
	@echo "make VARIANT       build one of: $(VARIANTS)"
	@echo "make clean         remove build output in the checkout (not the cache)"
	@echo "make bench         benchmark the series against vanilla (results/bench.*)"
	@echo "make check-series  every prefix of the series applies, builds, boots; style"
	@echo "make mbox          the series as mails to linux-kernel (results/series.mbox)"
	@echo "make checkpatch-conf  regenerate .checkpatch.conf from scripts/check-style"

# run, check and check-host install the Debian packages they need first
# (scripts/install-deps names what it installs; with everything there it
# says one line and needs no network).  DEPS=0 skips it.
DEPS ?= 1
deps = $(if $(filter 0,$(DEPS)),@:,scripts/install-deps --for $@)

run:
	$(deps)
	scripts/run

# Host-side tests first (seconds), then the kernel stages (minutes).
HOST_TESTS := $(wildcard tests/*/*.t) tests/guest-host.t tests/scripts.t \
	tests/shellcheck.t
KERNEL_TESTS := tests/kernel.t tests/mail.t tests/check-series.t

# check-host: FUTEX_COW_HOST_ONLY=1 has tests/scripts.t skip its last
# tests, which build and boot a kernel when the cache has a tree.
check:
	$(deps)
	FUTEX_COW_HOST_ONLY= prove -v $(HOST_TESTS) $(KERNEL_TESTS)

check-host:
	$(deps)
	FUTEX_COW_HOST_ONLY=1 prove -v $(HOST_TESTS)

kernel:
	scripts/get-kernel

bench:
	scripts/bench

.PHONY: check-series mbox checkpatch-conf
check-series:
	scripts/check-series

# .checkpatch.conf: checkpatch.pl run by hand in the checkout uses the
# options and ignored rules of scripts/check-style (the style checks
# of scripts/check-series).  tests/scripts.t checks that the committed
# file is what this writes.
checkpatch-conf:
	scripts/check-style --checkpatch-conf >.checkpatch.conf.tmp
	mv .checkpatch.conf.tmp .checkpatch.conf

mbox:
	scripts/mkmail

$(VARIANTS):
	scripts/build $@

clean:
	rm -rf results
	for d in tests/*/Makefile; do $(MAKE) -C $${d%/Makefile} clean; done
