# minidocker: a container runtime in C, built one lesson at a time.
# `make help` lists the targets.

STAGES := $(sort $(patsubst %/,%,$(wildcard v[0-9]*.[0-9]*/)))
NEWEST := $(lastword $(STAGES))
BINS   := $(STAGES:%=%/minidocker)

CC      ?= gcc
CFLAGS  ?= -O2 -g
# _GNU_SOURCE: clone(2), setns(2), pipe2(2) and friends are GNU/Linux extensions.
CFLAGS  += -std=gnu11 -D_GNU_SOURCE -Wall -Wextra -Werror -Icommon
LDLIBS  += -lcap
BUILD   := $(shell git describe --always --dirty 2>/dev/null || echo unknown)

CHECK_CFLAGS := $(shell pkg-config --cflags check 2>/dev/null)
CHECK_LIBS   := $(shell pkg-config --libs check 2>/dev/null)

COMMON_SRC := $(wildcard common/*.c)
COMMON_OBJ := $(COMMON_SRC:.c=.o)
TEST_BINS  := $(patsubst tests/test_%.c,tests/bin/test_%,$(wildcard tests/test_v*.c))

# The state root: images and containers live here (see DESIGN.md).
ifeq ($(shell id -u),0)
ROOT ?= $(or $(MINIDOCKER_ROOT),/var/lib/minidocker)
else
ROOT ?= $(or $(MINIDOCKER_ROOT),$(or $(XDG_DATA_HOME),$(HOME)/.local/share)/minidocker)
endif

CMD ?= /bin/sh
PREFIX ?= /usr/local

.PHONY: all deps image test run diff doctor lint clean install help bench \
	$(STAGES:%=test-%)

all: $(BINS) tests/probe

help:
	@echo "make               build every stage ($(STAGES))"
	@echo "make run [CMD=..]  a shell (or CMD) in a container of $(NEWEST)"
	@echo "make test          every stage's tests; make test-vX.Y for one"
	@echo "make image         the image 'base' under ROOT=$(ROOT)"
	@echo "make diff STAGE=vX.Y   what a stage adds to the one before"
	@echo "make doctor        what this host can do, and what to do about it"
	@echo "make bench [QUICK=1] [PEERS=1]   what each lesson costs (bench/results.md)"
	@echo "make lint          cppcheck over all the C code"
	@echo "make install PREFIX=/usr/local   the newest stage as minidocker"
	@echo "make clean"

deps:
	@scripts/install-deps

common/%.o: common/%.c common/md.h
	$(CC) $(CFLAGS) -c -o $@ $<

common/libcommon.a: $(COMMON_OBJ)
	$(AR) rcs $@ $^

# From v1.1 on, `import` reads tarballs with libarchive.
ARCHIVE_STAGES := $(filter-out v0.% v1.0,$(STAGES))
$(ARCHIVE_STAGES:%=%/minidocker): LDLIBS += $(shell pkg-config --libs libarchive 2>/dev/null || echo -larchive)

# Each stage is one program: its own .c files plus the common plumbing.
.SECONDEXPANSION:
$(BINS): %/minidocker: $$(wildcard $$*/*.c $$*/*.h) common/libcommon.a
	$(CC) $(CFLAGS) -DMD_STAGE='"$*"' -DMD_BUILD='"$(BUILD)"' \
		-o $@ $(filter %.c,$^) common/libcommon.a $(LDLIBS)

tests/probe: tests/probe.c
	$(CC) $(CFLAGS) -static -o $@ $< -lcap

TEST_LIB := tests/harness.c tests/basics.c
tests/bin/test_%: tests/test_%.c $(TEST_LIB) $(wildcard tests/*.h)
	@mkdir -p tests/bin
	$(CC) $(CFLAGS) $(CHECK_CFLAGS) -DTOP='"$(CURDIR)"' -o $@ \
		$(filter %.c,$^) $(CHECK_LIBS)

image: deps all
	@scripts/mkimage "$(ROOT)"

run: image
	@scripts/run-newest "$(NEWEST)" "$(ROOT)" $(CMD)

# `make test` runs every suite even when one fails, then fails if any did,
# or if a note's "Diff from the previous stage" no longer matches the code.
test: deps
	@$(MAKE) --no-print-directory all $(TEST_BINS)
	@rc=0; scripts/run-tests $(STAGES) || rc=1; \
	scripts/stagediff --check || rc=1; exit $$rc

$(STAGES:%=test-%): test-%: deps
	@$(MAKE) --no-print-directory $*/minidocker tests/probe \
		tests/bin/test_$(subst .,_,$*)
	@scripts/run-tests $*

diff:
	@scripts/stagediff $(or $(STAGE),$(NEWEST))

# PEERS=1 installs bwrap, crun and runc to measure against, and gnuplot
# for the charts; QUICK=1 is a pass of under a minute.
bench: deps all
	@scripts/install-deps $(if $(PEERS),bubblewrap crun runc gnuplot-nox)
	@QUICK=$(QUICK) bench/run

doctor:
	@scripts/doctor

include mk/cgroup2.mk

lint:
	@scripts/install-deps cppcheck
	@# -Dnoreturn: C11's noreturn spelled so that cppcheck knows md_die()
	@# and its kind do not return.  varFuncNullUB: NULL ends the tests' argument lists; glibc's NULL is
	@# a pointer, and __attribute__((sentinel)) has the compiler check them.
	cppcheck --quiet --error-exitcode=1 --enable=warning,portability \
		--std=c11 --inline-suppr -Icommon '-Dnoreturn=__attribute__((noreturn))' \
		--suppress=missingIncludeSystem --suppress=varFuncNullUB \
		common $(STAGES) tests

install: $(NEWEST)/minidocker
	install -D -m 0755 $< $(DESTDIR)$(PREFIX)/bin/minidocker

clean:
	rm -f $(BINS) common/*.o common/libcommon.a tests/probe
	rm -rf tests/bin
