# make test-cgroup2 [STAGE=vX.Y]: the suites of v1.0 and later stages (or of
# STAGE) on a pure cgroup v2 kernel, Debian's, in a qemu VM; see
# scripts/cgroup2-vm.  make cgroup2-shell [SCRIPT=file]: a root shell there
# with the newest stage as `minidocker` (or SCRIPT run, its output shown).
CG2_STAGES := $(or $(STAGE),$(filter-out v0.%,$(STAGES)))

.PHONY: test-cgroup2 cgroup2-shell

test-cgroup2:
	@scripts/install-deps qemu-system-x86 cpio
	@$(MAKE) -s --no-print-directory tests/probe $(CG2_STAGES:%=%/minidocker) \
		$(filter $(CG2_STAGES:%=%/minidocker-oci),$(OCI_BINS)) \
		$(patsubst %,tests/bin/test_%,$(subst .,_,$(CG2_STAGES)))
	@scripts/cgroup2-vm test $(CG2_STAGES)

cgroup2-shell:
	@scripts/install-deps qemu-system-x86 cpio
	@$(MAKE) -s --no-print-directory tests/probe $(CG2_STAGES:%=%/minidocker)
	@scripts/cgroup2-vm shell $(SCRIPT)
