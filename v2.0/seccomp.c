/* seccomp (v1.3): the system calls a container may not make.
 *
 * Capabilities decide what a call may do once the kernel runs it; a
 * seccomp filter decides whether the kernel runs it at all.  The filter
 * is a small BPF program (seccomp(2), "SECCOMP_SET_MODE_FILTER") that the
 * kernel runs on every system call of the process and of everything it
 * execs or forks from then on: it sees the call's number, its six
 * arguments and the architecture, and answers "allow" or "fail with this
 * errno".  Once loaded it cannot be taken off.  libseccomp (seccomp_init(3),
 * seccomp_rule_add(3)) compiles rules like "keyctl: EPERM" into that BPF:
 * the runtime builds it (seccomp_build), the container's process loads
 * it (seccomp_install).
 *
 * The table below is Docker's default profile (moby profiles/seccomp/
 * default.json) turned inside out: Docker lists the ~350 calls it allows
 * and fails the rest with EPERM; we allow every call and list the ones it
 * does not allow, with the capability that, in Docker's profile, allows
 * each one again.  A container that holds that capability (--cap-add
 * SYS_TIME, say) may make the call; --privileged and --security-opt
 * seccomp=unconfined load no filter at all.
 *
 * Why EPERM and not killing the process: a program that tries keyctl and
 * gets EPERM takes the path it takes when it lacks a capability, which
 * good programs have; a program killed for trying cannot.  Why clone3 gets
 * ENOSYS: its flags are in a structure in memory, which a filter cannot
 * read, so it cannot be checked like clone's; ENOSYS says "this kernel has
 * no clone3", and the C library falls back to clone, whose flags it can. */
#include "minidocker.h"

#include <errno.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <sched.h>
#include <seccomp.h>
#include <stdlib.h>
#include <string.h>
#include <sys/capability.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <unistd.h>

#define CAP(name) (1ULL << CAP_##name)

/* Which calls of a row fail. */
enum which {
	ALL,		/* every call */
	NS_FLAGS,	/* clone whose flags ask for a new namespace */
	PERSONA,	/* personality(2) other than Docker's five safe values */
	VSOCK,		/* socket(AF_VSOCK, ...): talks to the hypervisor */
	BEFORE_4_8,	/* only on kernels older than 4.8 */
};

struct deny {
	const char *name;
	unsigned long long caps;	/* holding any of these allows it; 0: none does */
	enum which which;
	int err;			/* the errno it fails with */
};

static const struct deny table[] = {
	/* Denied whatever the capabilities: not in Docker's allow list. */
	{ "keyctl", 0, ALL, EPERM },		/* the kernel's keyrings: not */
	{ "add_key", 0, ALL, EPERM },		/* namespaced, in Docker's words */
	{ "request_key", 0, ALL, EPERM },
	{ "userfaultfd", 0, ALL, EPERM },	/* stalls the kernel mid-copy: exploits' tool */
	{ "kexec_load", 0, ALL, EPERM },	/* load and boot another kernel */
	{ "kexec_file_load", 0, ALL, EPERM },
	{ "swapon", 0, ALL, EPERM },		/* the host's swap */
	{ "swapoff", 0, ALL, EPERM },
	{ "pivot_root", 0, ALL, EPERM },	/* the runtime's job, done before the filter */
	{ "io_uring_setup", 0, ALL, EPERM },	/* its rings run calls the filter never */
	{ "io_uring_enter", 0, ALL, EPERM },	/* sees (moby #46762, Docker 25) */
	{ "io_uring_register", 0, ALL, EPERM },
	{ "move_pages", 0, ALL, EPERM },	/* other processes' NUMA memory */
	{ "migrate_pages", 0, ALL, EPERM },
	{ "personality", 0, PERSONA, EPERM },	/* no ASLR, READ_IMPLIES_EXEC...: */
	{ "socket", 0, VSOCK, EPERM },		/* exploits' aids; vsock: the hypervisor */
	{ "_sysctl", 0, ALL, EPERM },		/* obsolete: old attack surface */
	{ "uselib", 0, ALL, EPERM },
	{ "ustat", 0, ALL, EPERM },
	{ "sysfs", 0, ALL, EPERM },
	{ "nfsservctl", 0, ALL, EPERM },
	{ "vm86", 0, ALL, EPERM },
	{ "vm86old", 0, ALL, EPERM },
	{ "create_module", 0, ALL, EPERM },
	{ "get_kernel_syms", 0, ALL, EPERM },
	{ "query_module", 0, ALL, EPERM },
	{ "afs_syscall", 0, ALL, EPERM },	/* never implemented */
	{ "getpmsg", 0, ALL, EPERM },
	{ "putpmsg", 0, ALL, EPERM },
	{ "tuxcall", 0, ALL, EPERM },
	{ "security", 0, ALL, EPERM },
	{ "vserver", 0, ALL, EPERM },

	/* CAP_SYS_ADMIN: mounts, namespaces, and a kernel's worth of admin. */
	{ "mount", CAP(SYS_ADMIN), ALL, EPERM },
	{ "umount", CAP(SYS_ADMIN), ALL, EPERM },
	{ "umount2", CAP(SYS_ADMIN), ALL, EPERM },
	{ "move_mount", CAP(SYS_ADMIN), ALL, EPERM },	/* the new mount API */
	{ "open_tree", CAP(SYS_ADMIN), ALL, EPERM },
	{ "fsopen", CAP(SYS_ADMIN), ALL, EPERM },
	{ "fsconfig", CAP(SYS_ADMIN), ALL, EPERM },
	{ "fsmount", CAP(SYS_ADMIN), ALL, EPERM },
	{ "fspick", CAP(SYS_ADMIN), ALL, EPERM },
	{ "mount_setattr", CAP(SYS_ADMIN), ALL, EPERM },
	{ "unshare", CAP(SYS_ADMIN), ALL, EPERM },	/* new namespaces: a user */
	{ "setns", CAP(SYS_ADMIN), ALL, EPERM },	/* namespace needs no capability */
	{ "clone", CAP(SYS_ADMIN), NS_FLAGS, EPERM },	/* plain fork is fine */
	{ "clone3", CAP(SYS_ADMIN), ALL, ENOSYS },	/* see the top */
	{ "bpf", CAP(SYS_ADMIN) | CAP(BPF), ALL, EPERM },
	{ "perf_event_open", CAP(SYS_ADMIN) | CAP(PERFMON), ALL, EPERM },
	{ "fanotify_init", CAP(SYS_ADMIN), ALL, EPERM },
	{ "lookup_dcookie", CAP(SYS_ADMIN), ALL, EPERM },
	{ "quotactl", CAP(SYS_ADMIN), ALL, EPERM },
	{ "quotactl_fd", CAP(SYS_ADMIN), ALL, EPERM },
	{ "sethostname", CAP(SYS_ADMIN), ALL, EPERM },	/* the runtime names it first */
	{ "setdomainname", CAP(SYS_ADMIN), ALL, EPERM },
	{ "syslog", CAP(SYS_ADMIN) | CAP(SYSLOG), ALL, EPERM },	/* the host's dmesg */

	/* One capability each. */
	{ "open_by_handle_at", CAP(DAC_READ_SEARCH), ALL, EPERM },	/* the "shocker" escape */
	{ "reboot", CAP(SYS_BOOT), ALL, EPERM },
	{ "chroot", CAP(SYS_CHROOT), ALL, EPERM },	/* in the default set */
	{ "init_module", CAP(SYS_MODULE), ALL, EPERM },
	{ "finit_module", CAP(SYS_MODULE), ALL, EPERM },
	{ "delete_module", CAP(SYS_MODULE), ALL, EPERM },
	{ "acct", CAP(SYS_PACCT), ALL, EPERM },
	{ "kcmp", CAP(SYS_PTRACE), ALL, EPERM },
	{ "pidfd_getfd", CAP(SYS_PTRACE), ALL, EPERM },
	{ "process_madvise", CAP(SYS_PTRACE), ALL, EPERM },
	/* Before 4.8 a ptraced process could skip its filter (Docker
	 * allows these from 4.8 on). */
	{ "ptrace", CAP(SYS_PTRACE), BEFORE_4_8, EPERM },
	{ "process_vm_readv", CAP(SYS_PTRACE), BEFORE_4_8, EPERM },
	{ "process_vm_writev", CAP(SYS_PTRACE), BEFORE_4_8, EPERM },
	{ "iopl", CAP(SYS_RAWIO), ALL, EPERM },		/* I/O ports */
	{ "ioperm", CAP(SYS_RAWIO), ALL, EPERM },
	/* The clock is the host's.  adjtimex and clock_adjtime are not
	 * here: Docker allows them, since reading the clock's state is
	 * harmless and changing it takes CAP_SYS_TIME of the host's user
	 * namespace, which no container has. */
	{ "settimeofday", CAP(SYS_TIME), ALL, EPERM },
	{ "stime", CAP(SYS_TIME), ALL, EPERM },
	{ "clock_settime", CAP(SYS_TIME), ALL, EPERM },
	{ "clock_settime64", CAP(SYS_TIME), ALL, EPERM },
	{ "vhangup", CAP(SYS_TTY_CONFIG), ALL, EPERM },
	{ "get_mempolicy", CAP(SYS_NICE), ALL, EPERM },	/* NUMA placement */
	{ "set_mempolicy", CAP(SYS_NICE), ALL, EPERM },
	{ "set_mempolicy_home_node", CAP(SYS_NICE), ALL, EPERM },
	{ "mbind", CAP(SYS_NICE), ALL, EPERM },
};

/* The flags of clone(2) that make a namespace.  CLONE_NEWTIME is not
 * among them: its bit is part of clone's exit-signal byte, so only
 * unshare and clone3 take it, and both are denied whole. */
static const unsigned long ns_flags[] = {
	CLONE_NEWNS, CLONE_NEWUTS, CLONE_NEWIPC, CLONE_NEWUSER,
	CLONE_NEWPID, CLONE_NEWNET, CLONE_NEWCGROUP,
};

/* A rule compares each argument at most once (seccomp_rule_add(3)), and
 * rules are or'ed: "flags has any of seven bits" is seven rules, each
 * "flags & BIT == BIT" (SCMP_CMP_MASKED_EQ). */
static int deny_ns_flags(scmp_filter_ctx ctx, int nr, int err)
{
	for (size_t i = 0; i < sizeof ns_flags / sizeof ns_flags[0]; i++) {
		int r = seccomp_rule_add(ctx, SCMP_ACT_ERRNO(err), nr, 1,
					 SCMP_A0_64(SCMP_CMP_MASKED_EQ, ns_flags[i], ns_flags[i]));
		if (r < 0)
			return r;
	}
	return 0;
}

/* personality(2) may be 0 (PER_LINUX), 8 (PER_LINUX32), 0x20000
 * (UNAME26), 0x20008, or 0xffffffff (a query: change nothing), as in
 * Docker's profile; anything else fails.  The kernel reads only the low
 * 32 bits.  "Not one of five values" needs five comparisons of one
 * argument, and a rule may make one, so we say it with bit patterns:
 * among 32-bit values, those five are exactly the ones in which no set
 * bit is followed by a clear one (bit i set, bit i+1 clear, counting from
 * bit 31 round to bit 0), except at the safe bits 3 and 17 when they
 * stand alone.  So: one rule per bit i, "bit i set and bit i+1 clear",
 * and for i = 3 and 17 also "bit i-1 set".  Each is one masked compare.
 * (Checked against every value with at most three bits set or clear,
 * and 50 million random ones; the tests try eleven.) */
static int deny_persona(scmp_filter_ctx ctx, int nr, int err)
{
	for (int i = 0; i < 32; i++) {
		unsigned long long bit = 1ULL << i, next = 1ULL << ((i + 1) % 32);
		unsigned long long mask = bit | next, want = bit;
		if (i == 3 || i == 17) {
			mask |= bit >> 1;
			want |= bit >> 1;
		}
		int r = seccomp_rule_add(ctx, SCMP_ACT_ERRNO(err), nr, 1,
					 SCMP_A0_64(SCMP_CMP_MASKED_EQ, mask, want));
		if (r < 0)
			return r;
	}
	return 0;
}

/* Is this kernel older than 4.8 (uname(2))? */
static int before_4_8(void)
{
	struct utsname u;
	int major = 0, minor = 0;

	return uname(&u) == 0 && sscanf(u.release, "%d.%d", &major, &minor) == 2 &&
	       (major < 4 || (major == 4 && minor < 8));
}

static int add_row(scmp_filter_ctx ctx, const struct deny *d, int nr)
{
	switch (d->which) {
	case NS_FLAGS:
		return deny_ns_flags(ctx, nr, d->err);
	case PERSONA:
		return deny_persona(ctx, nr, d->err);
	case VSOCK:
		/* The kernel reads an int: only the low 32 bits must match. */
		return seccomp_rule_add(ctx, SCMP_ACT_ERRNO(d->err), nr, 1,
					SCMP_A0_64(SCMP_CMP_MASKED_EQ, 0xffffffff, AF_VSOCK));
	case BEFORE_4_8:
		if (!before_4_8())
			return 0;
		/* fall through */
	case ALL:
		break;
	}
	return seccomp_rule_add(ctx, SCMP_ACT_ERRNO(d->err), nr, 0);
}

/* A 64-bit x86 process can also make 32-bit calls (int $0x80: i386
 * numbers) and x32 ones (64-bit numbers with bit 30 set), and keyctl is
 * 250 in one, 288 in the other.  The filter checks the architecture of
 * each call; one it was not built for is killed.  Docker builds it for all
 * three, so that 32-bit programs run, and are filtered too. */
static void add_arches(scmp_filter_ctx ctx)
{
	static const struct {
		uint32_t native, extra[2];
	} families[] = {
		{ SCMP_ARCH_X86_64, { SCMP_ARCH_X86, SCMP_ARCH_X32 } },
		{ SCMP_ARCH_AARCH64, { SCMP_ARCH_ARM, 0 } },
	};
	uint32_t native = seccomp_arch_native();

	for (size_t i = 0; i < sizeof families / sizeof families[0]; i++)
		for (int j = 0; j < 2 && families[i].native == native && families[i].extra[j]; j++) {
			int r = seccomp_arch_add(ctx, families[i].extra[j]);
			if (r < 0 && r != -EEXIST)
				md_diex("seccomp_arch_add: %s", strerror(-r));
		}
}

/* Build the filter for S's capabilities, as BPF in a memory file
 * (seccomp_export_bpf(3)), or -1 if S has none.  The runtime does this,
 * before the container's process is in its cgroup: libseccomp's work is
 * never charged to the container's memory limit, and never runs inside
 * the container.  The container's process only loads the result
 * (seccomp_install). */
int seccomp_build(const struct security *s)
{
	if (!s->seccomp)
		return -1;
	scmp_filter_ctx ctx = seccomp_init(SCMP_ACT_ALLOW);
	if (!ctx)
		md_diex("seccomp_init: out of memory");
	add_arches(ctx);
	for (size_t i = 0; i < sizeof table / sizeof table[0]; i++) {
		int nr = seccomp_syscall_resolve_name(table[i].name);
		/* A call this libseccomp does not know, or one a capability allows. */
		if (nr == __NR_SCMP_ERROR || (table[i].caps & s->caps))
			continue;
		int r = add_row(ctx, &table[i], nr);
		if (r < 0)
			md_diex("seccomp rule for %s: %s", table[i].name, strerror(-r));
	}
	return seccomp_export(ctx);
}

/* CTX's filter as BPF in a memory file, CTX released: the file's fd.
 * v2.0: also config.json's filter (ociseccomp.c). */
int seccomp_export(void *ctx)
{
	int fd = memfd_create("seccomp-filter", MFD_CLOEXEC);
	if (fd < 0)
		md_die("memfd_create for the seccomp filter");
	int r = seccomp_export_bpf(ctx, fd);
	seccomp_release(ctx);
	if (r < 0)
		md_diex("seccomp_export_bpf: %s", strerror(-r));
	return fd;
}

/* In the container: load the filter that seccomp_build left in FD
 * (seccomp(2), SECCOMP_SET_MODE_FILTER), then close FD.  Without
 * no_new_privs this takes CAP_SYS_ADMIN: the caller still holds it. */
void seccomp_install(int fd)
{
	struct stat st;

	if (fd < 0)
		return;
	if (fstat(fd, &st) < 0)
		md_die("fstat the seccomp filter");
	struct sock_fprog prog = { .len = st.st_size / sizeof(struct sock_filter) };
	if (!(prog.filter = malloc(st.st_size)))
		md_die("malloc");
	if (pread(fd, prog.filter, st.st_size, 0) != st.st_size)
		md_die("read the seccomp filter");
	if (syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &prog) < 0) {
		md_warn("load the seccomp filter");
		md_hint("this kernel may lack CONFIG_SECCOMP_FILTER; --security-opt seccomp=unconfined "
			"runs without the filter");
		exit(MD_EXIT_FAILED);
	}
	free(prog.filter);
	close(fd);
}
