# minidocker: a container runtime in C, built one lesson at a time.
# `make help` lists the targets.

STAGES := $(sort $(patsubst %/,%,$(wildcard v[0-9]*.[0-9]*/)))
NEWEST := $(lastword $(STAGES))
BINS   := $(STAGES:%=%/minidocker)

CC      ?= gcc
CFLAGS  ?= -O2 -g
# The flags the code needs, whatever CFLAGS a user gives: `make CFLAGS=-O0`
# adds -O0 to them instead of dropping them.  _GNU_SOURCE: clone(2),
# setns(2), pipe2(2) and friends are GNU/Linux extensions.
MD_CFLAGS := -std=gnu11 -D_GNU_SOURCE -Icommon -Wall -Wextra -Werror
LDLIBS  += -lcap
BUILD   := $(shell git describe --always --dirty 2>/dev/null || echo unknown)

# SANITIZE=1: every stage and the tests with AddressSanitizer and
# UndefinedBehaviorSanitizer.  -fno-sanitize-recover: undefined behaviour
# stops the program, so a test fails, rather than printing a line and
# going on.  The probe is static, and ASan cannot be: it stays plain.
# tools/sanitize-options.c sets the sanitizers' options inside every
# binary (see there why leak detection is off): a container's environment
# is not the caller's, so ASAN_OPTIONS would not reach all of them.
ifneq ($(SANITIZE),)
SAN_CFLAGS := -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all
SAN_OBJ    := tools/sanitize-options.o
endif
ALL_CFLAGS = $(MD_CFLAGS) $(SAN_CFLAGS) $(CFLAGS)

# Sanitized and plain objects must never mix: the compiler and flags are
# written to .build-flags, which everything built depends on, and the file
# is rewritten only when they change, so a change rebuilds everything.
# $(call keep,FILE,TEXT): TEXT into FILE, only if it is not there already,
# so that what depends on FILE is rebuilt when TEXT changes, and only then.
keep = $(shell printf '%s\n' '$(2)' | cmp -s - $(1) 2>/dev/null || printf '%s\n' '$(2)' > $(1))
BUILD_FLAGS := $(CC) $(ALL_CFLAGS) $(LDFLAGS) $(LDLIBS)
$(call keep,.build-flags,$(BUILD_FLAGS))

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

# Every CPU, unless the command line says otherwise (make -j1): the
# objects are independent.  Set once, in the make you typed; the makes it
# starts share its job slots.  Rules whose prerequisites must come in
# order (deps before the build) start the build from their recipe.
NPROC := $(shell nproc 2>/dev/null || echo 1)
# Not with clean among the goals: `make clean all` would remove what it builds.
ifeq ($(MAKELEVEL)$(filter clean,$(MAKECMDGOALS)),0)
MAKEFLAGS += -j$(NPROC)
endif

CMD ?= /bin/sh
PREFIX ?= /usr/local

.PHONY: all deps image test run diff exercise check check-notes doctor lint clean install help bench bench-podman format \
	$(STAGES:%=test-%)

# The empty recipe: `make image` and `make bench` build `all` first, and an
# up-to-date build says nothing (not "Nothing to be done for 'all'").
all: $(BINS) tests/probe
	@:

help:
	@echo "make               build every stage ($(STAGES))"
	@echo "make run [CMD=..]  a shell (or CMD) in a container of $(NEWEST)"
	@echo "make test          every stage's tests; make test-vX.Y for one"
	@echo "  ... SANITIZE=1     the same, built with ASan and UBSan"
	@echo "make image         the image 'base' under ROOT=$(ROOT)"
	@echo "make diff STAGE=vX.Y   what a stage adds to the one before (common/ included)"
	@echo "make exercise STAGE=vX.Y [FORCE=1]   workshop: exercises/vX.Y, the stage before, and TASK.md"
	@echo "make check STAGE=vX.Y [DIR=exercises/vX.Y]   build DIR as vX.Y, run vX.Y's suite on it"
	@echo "make doctor        what this host can do, and what to do about it"
	@echo "make check-notes [NOTE=notes/vX.Y.md]  run the notes' transcripts, compare (as root)"
	@echo "make bench [QUICK=1] [PEERS=1]   what each lesson costs (bench/results.md)"
	@echo "make bench-podman [QUICK=1]   only its row of podman + minidocker-oci against runc, crun"
	@echo "make lint          cppcheck over all the C code"
	@echo "make format        what clang-format would change (FIX=1: change it)"
	@echo "make compile_commands.json   for clangd and editors (bear)"
	@echo "make install PREFIX=/usr/local   the newest stage as minidocker (and minidocker-oci)"
	@echo "make clean"

deps:
	@scripts/install-deps

common/%.o: common/%.c common/md.h .build-flags
	$(CC) $(ALL_CFLAGS) -c -o $@ $<

tools/%.o: tools/%.c .build-flags
	$(CC) $(ALL_CFLAGS) -c -o $@ $<

common/libcommon.a: $(COMMON_OBJ)
	$(AR) rcs $@ $^

# The stages from $(1) on: $(call since,v1.4) is v1.4 v1.5 ...
since = $(strip $(foreach s,$(STAGES),$(if $(filter $(1),$(firstword $(sort $(1) $(s)))),$(s))))

# From v1.1 on, `import` reads tarballs with libarchive, and checks gzip's
# CRCs with zlib (libarchive does not).  libarchive, and from v1.4 on
# libnftables, from v1.6 on libcrypto, are not linked: they are loaded
# when first used (common/lazy.c), not at every start of the runtime.
ARCHIVE_STAGES := $(call since,v1.1)
ARCHIVE_LIBS := $(shell pkg-config --libs zlib 2>/dev/null || echo -lz)
$(ARCHIVE_STAGES:%=%/minidocker): LDLIBS += $(ARCHIVE_LIBS)

# From v1.3 on, a seccomp filter built with libseccomp.
SECCOMP_STAGES := $(call since,v1.3)
SECCOMP_LIBS := $(shell pkg-config --libs libseccomp 2>/dev/null || echo -lseccomp)
$(SECCOMP_STAGES:%=%/minidocker): LDLIBS += $(SECCOMP_LIBS)
# From v1.4 on, links, addresses and routes go over netlink with libmnl,
# and NAT and published ports into nftables with libnftables.
NET_STAGES := $(call since,v1.4)
NET_LIBS := $(shell pkg-config --libs libmnl 2>/dev/null || echo -lmnl)
$(NET_STAGES:%=%/minidocker): LDLIBS += $(NET_LIBS)
# From v1.5 on, JSON (inspect, volume records) through jansson: Debian's
# libjansson-dev, small, with a plain C API and no dependencies of its own.
JSON_STAGES := $(call since,v1.5)
JSON_LIBS := $(shell pkg-config --libs jansson 2>/dev/null || echo -ljansson)
$(JSON_STAGES:%=%/minidocker): LDLIBS += $(JSON_LIBS)
# From v1.6 on, image digests (sha256) through OpenSSL's libcrypto (Debian's
# libssl-dev): a maintained hash, never one of our own (loaded when used).

# From v2.0 on, the same program called minidocker-oci speaks runc's
# command line (argv[0] decides): a symbolic link beside it.
OCI_STAGES := $(call since,v2.0)
OCI_BINS := $(OCI_STAGES:%=%/minidocker-oci)
$(OCI_BINS): %/minidocker-oci: %/minidocker
	ln -sf minidocker $@
all: $(OCI_BINS)

# Each stage is one program: its own .c files plus the common plumbing,
# compiled one object per file, so that `make -j` spreads them over the
# CPUs and a change to one file recompiles that file alone.  MD_STAGE is
# the folder's name.  MD_BUILD (git describe) changes with every commit:
# the files that print it also depend on .build-id, rewritten only when
# it changes, as .build-flags is.
$(call keep,.build-id,$(BUILD))
STAGE_OBJ := $(patsubst %.c,%.o,$(wildcard $(STAGES:%=%/*.c)))
BUILD_ID_OBJ := $(patsubst %.c,%.o,$(shell grep -l MD_BUILD $(STAGES:%=%/*.c) 2>/dev/null))
$(BUILD_ID_OBJ): .build-id
.SECONDEXPANSION:
$(STAGE_OBJ): %.o: %.c $$(wildcard $$(dir $$*)*.h) $(wildcard common/*.h) .build-flags
	$(CC) $(ALL_CFLAGS) -DMD_STAGE='"$(patsubst %/,%,$(dir $*))"' -DMD_BUILD='"$(BUILD)"' -c -o $@ $<
$(BINS): %/minidocker: $$(addsuffix .o,$$(basename $$(wildcard $$*/*.c))) common/libcommon.a $(SAN_OBJ) .build-flags
	$(CC) $(ALL_CFLAGS) $(LDFLAGS) -o $@ $(filter %.o,$^) common/libcommon.a $(LDLIBS)

tests/probe: tests/probe.c .build-flags
	$(CC) $(MD_CFLAGS) $(CFLAGS) -static -o $@ $< -lcap

# everyday.c (v1.5's inspect tests) parses JSON with jansson: every suite links it.
TEST_LIB := tests/harness.c tests/basics.c tests/layers.c tests/input.c tests/cli.c tests/detach.c tests/limits.c \
	tests/ranges.c tests/seccomp.c tests/devices.c tests/network.c tests/volumes.c \
	tests/everyday.c tests/imageconfig.c tests/imagestore.c tests/ocicli.c tests/ociconfig.c tests/podman.c tests/podmanimages.c \
	tests/ocipodman.c tests/ociattack.c tests/ocictr.c
# Compiled once, linked into every suite (TOP: where the checkout is).
tests/%.o: tests/%.c $(wildcard tests/*.h) .build-flags
	$(CC) $(ALL_CFLAGS) $(CHECK_CFLAGS) -DTOP='"$(CURDIR)"' -c -o $@ $<
# The tests' objects are kept, not removed as intermediate files.
.SECONDARY: $(TEST_LIB:.c=.o) $(patsubst %.c,%.o,$(wildcard tests/test_v*.c))
tests/bin/test_%: tests/test_%.o $(TEST_LIB:.c=.o) $(SAN_OBJ) .build-flags
	@mkdir -p tests/bin
	$(CC) $(ALL_CFLAGS) $(LDFLAGS) -o $@ $(filter %.o,$^) $(CHECK_LIBS) $(JSON_LIBS)

image: deps
	@$(MAKE) --no-print-directory all
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
	@$(MAKE) --no-print-directory $*/minidocker $(filter $*/minidocker-oci,$(OCI_BINS)) tests/probe \
		tests/bin/test_$(subst .,_,$*)
	@scripts/run-tests $*

# A reader that stops early (`make diff | head`) is no error: 141 is
# 128 + SIGPIPE.
diff:
	@scripts/stagediff $(or $(STAGE),$(NEWEST)) || [ $$? -eq 141 ]

# Workshop mode (notes/workshop.md): `make exercise STAGE=vX.Y` copies the
# stage before into exercises/vX.Y with a TASK.md drawn from the note;
# `make check STAGE=vX.Y [DIR=...]` builds DIR as stage STAGE, exactly as
# a stage is built, into DIR/minidocker, and runs STAGE's suite on it.
exercise:
	@scripts/workshop exercise "$(STAGE)" $(if $(FORCE),--force)

CHECK_DIR := $(patsubst %/,%,$(or $(DIR),exercises/$(STAGE)))
ifneq ($(filter check,$(MAKECMDGOALS)),)
ifeq ($(filter $(STAGE),$(STAGES)),)
$(error make check: STAGE=vX.Y, one of $(STAGES))
endif
ifeq ($(wildcard $(CHECK_DIR)/*.c),)
$(error make check: no C files in $(CHECK_DIR)$(if $(DIR),,; make exercise STAGE=$(STAGE) makes it))
endif
endif
# The rule for DIR/minidocker, also in the make that check starts.
ifneq ($(STAGE)$(wildcard $(CHECK_DIR)/*.c),$(STAGE))
ifeq ($(filter $(CHECK_DIR)/minidocker,$(BINS)),)
$(CHECK_DIR)/minidocker: LDLIBS += $(foreach k,ARCHIVE SECCOMP NET JSON,\
	$(if $(filter $(STAGE),$($(k)_STAGES)),$($(k)_LIBS)))
$(CHECK_DIR)/minidocker: $(wildcard $(CHECK_DIR)/*.c $(CHECK_DIR)/*.h) common/libcommon.a $(SAN_OBJ) .build-flags
	$(CC) $(ALL_CFLAGS) $(LDFLAGS) -DMD_STAGE='"$(STAGE)"' -DMD_BUILD='"$(BUILD)"' \
		-o $@ $(filter %.c,$^) common/libcommon.a $(SAN_OBJ) $(LDLIBS)
endif
endif
check: deps
	@$(MAKE) --no-print-directory $(CHECK_DIR)/minidocker tests/probe \
		tests/bin/test_$(subst .,_,$(STAGE))
	@scripts/workshop check "$(STAGE)" "$(CHECK_DIR)"

# PEERS=1 installs bwrap, crun and runc to measure against, and gnuplot
# for the charts; QUICK=1 is a pass of under a minute.
bench: deps
	@$(MAKE) --no-print-directory all
	@scripts/install-deps $(if $(PEERS),bubblewrap crun runc gnuplot-nox)
	@QUICK=$(QUICK) bench/run

# Its podman row alone (bench/podman: podman + minidocker-oci, runc, crun;
# each runtime alone), rewritten in place in bench/results.md: a minute.
bench-podman: $(lastword $(OCI_BINS))
	@QUICK=$(QUICK) bench/podman

doctor:
	@scripts/doctor

# Runs the notes' shell transcripts and compares their output (rules in
# scripts/check-notes and CONTRIBUTING.md); first its self-test, which
# must catch falsified transcripts.  As root: `sudo make check-notes`.
check-notes: all
	@scripts/check-notes --self-test
	@scripts/check-notes $(or $(NOTE),notes/*.md)

# Every compile, as clangd and editors read them: bear watches a rebuild
# of everything (-B) with the plain flags.
compile_commands.json: $(wildcard */*.c */*.h) Makefile
	@scripts/install-deps bear
	bear --output $@ -- $(MAKE) --no-print-directory -B SANITIZE= all $(TEST_BINS)

# clang-format, by .clang-format: a report; FIX=1 rewrites the files.
format:
	@scripts/install-deps clang-format
	clang-format $(if $(FIX),-i,--dry-run) $(wildcard common/*.[ch] v*/*.[ch] tests/*.[ch] tools/*.c bench/*.c)

include mk/cgroup2.mk

lint:
	@scripts/install-deps cppcheck
	@# -Dnoreturn: C11's noreturn spelled so that cppcheck knows md_die()
	@# and its kind do not return.  varFuncNullUB: NULL ends the tests' argument lists; glibc's NULL is
	@# a pointer, and __attribute__((sentinel)) has the compiler check them.
	cppcheck --quiet --error-exitcode=1 --enable=warning,portability \
		--std=c11 --inline-suppr -Icommon '-Dnoreturn=__attribute__((noreturn))' \
		--suppress=missingIncludeSystem --suppress=varFuncNullUB \
		common $(STAGES) tests tools

install: $(NEWEST)/minidocker
	install -D -m 0755 $< $(DESTDIR)$(PREFIX)/bin/minidocker
	$(if $(filter $(NEWEST),$(OCI_STAGES)),ln -sf minidocker $(DESTDIR)$(PREFIX)/bin/minidocker-oci)

clean:
	rm -f $(BINS) $(OCI_BINS) $(STAGE_OBJ) common/*.o common/libcommon.a tools/*.o tests/*.o tests/probe \
		.build-flags .build-id
	rm -rf tests/bin
