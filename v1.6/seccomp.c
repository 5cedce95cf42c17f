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

#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <sched.h>
#include <seccomp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/capability.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/uio.h>
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
 * three, so that 32-bit programs run, and are filtered too.  These are the
 * architectures added to the native one, up to a 0. */
static const uint32_t *extra_arches(void)
{
	static const struct {
		uint32_t native, extra[3];
	} families[] = {
		{ SCMP_ARCH_X86_64, { SCMP_ARCH_X86, SCMP_ARCH_X32, 0 } },
		{ SCMP_ARCH_AARCH64, { SCMP_ARCH_ARM, 0 } },
	};
	static const uint32_t none[1];

	for (size_t i = 0; i < sizeof families / sizeof families[0]; i++)
		if (families[i].native == seccomp_arch_native())
			return families[i].extra;
	return none;
}

static void add_arches(scmp_filter_ctx ctx)
{
	for (const uint32_t *a = extra_arches(); *a; a++) {
		int r = seccomp_arch_add(ctx, *a);
		if (r < 0 && r != -EEXIST)
			md_diex("seccomp_arch_add: %s", strerror(-r));
	}
}

/* The filter for S's capabilities, compiled by libseccomp, as BPF in a
 * memory file (seccomp_export_bpf(3)). */
static int compile(const struct security *s)
{
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
	int fd = memfd_create("seccomp-filter", MFD_CLOEXEC);
	if (fd < 0)
		md_die("memfd_create for the seccomp filter");
	int r = seccomp_export_bpf(ctx, fd);
	seccomp_release(ctx);
	if (r < 0)
		md_diex("seccomp_export_bpf: %s", strerror(-r));
	return fd;
}

/* Kept programs.  libseccomp compiles the same rules into the same BPF at
 * every run, and that is most of what the filter costs (notes/costs.md):
 * so the first run keeps the program in ROOT/seccomp/KEY.bpf, and the
 * next ones load it from there.  A kept file is trusted only as far as
 * it proves it is the right one: it starts with the recipe, the text of
 * everything the program was made from (below), then a line with a
 * checksum of the program, then the program.  It is used only if its
 * recipe is ours byte for byte and its program matches the checksum; KEY,
 * a hash of the recipe, only tells the files apart.  Anything else (no
 * file, a short or damaged one, a folder we cannot write) builds the
 * filter as before, and is never an error.  The recipe starts with this
 * minidocker's own file and libseccomp's (device, inode, size, time of
 * change): a rebuilt minidocker, whose code may turn rows into rules
 * otherwise, or a library updated under the same version, never loads
 * what the old one kept. */
enum { SUM_LINE = 25 };	/* "program " and 16 hex digits, "\n" */

/* FNV-1a, 64 bits: a hash of N bytes at P, for names and checksums. */
static unsigned long long fnv1a(const void *p, size_t n)
{
	unsigned long long h = 0xcbf29ce484222325ULL;

	for (const unsigned char *c = p; n--; c++)
		h = (h ^ *c) * 0x100000001b3ULL;
	return h;
}

/* A file as the recipe names it: device, inode, size, time of change. */
static void file_line(FILE *f, const char *what, const struct stat *st)
{
	fprintf(f, "%s %llx %llu %lld %lld.%09ld\n", what, (unsigned long long)st->st_dev,
		(unsigned long long)st->st_ino, (long long)st->st_size, (long long)st->st_ctim.tv_sec,
		st->st_ctim.tv_nsec);
}

/* S's recipe in *TEXT (malloc'ed); its length, or 0 if the program
 * cannot be kept.  S's capabilities count through the rows they leave in;
 * libseccomp through what it compiles them to: its version, and its file,
 * since a distribution's patch to its compiler (a fix of wrong argument
 * comparisons, as CVE-2019-9893 was) keeps the upstream version, and a
 * program the old one made must not outlive the fix; the kernel's
 * release through before_4_8() and what libseccomp asks the kernel. */
static size_t recipe(const struct security *s, char **text)
{
	const struct scmp_version *v = seccomp_version();
	struct utsname u;
	struct stat exe, lib;
	Dl_info so;
	size_t len;

	/* The file that holds seccomp_version's answer is the library
	 * (dladdr(3)); one we cannot name keeps nothing. */
	if (!dladdr(v, &so) || !so.dli_fname || stat(so.dli_fname, &lib) < 0)
		return 0;
	FILE *f = open_memstream(text, &len);
	if (!f || uname(&u) < 0 || stat("/proc/self/exe", &exe) < 0)
		md_die("the seccomp filter's recipe");
	file_line(f, "minidocker", &exe);
	file_line(f, "libseccomp", &lib);
	fprintf(f, "libseccomp %u.%u.%u\nkernel %s\narch %x", v->major, v->minor, v->micro, u.release,
		seccomp_arch_native());
	for (const uint32_t *a = extra_arches(); *a; a++)
		fprintf(f, " %x", *a);
	fprintf(f, "\nclone flags");
	for (size_t i = 0; i < sizeof ns_flags / sizeof ns_flags[0]; i++)
		fprintf(f, " %lx", ns_flags[i]);
	fprintf(f, "\n");
	for (size_t i = 0; i < sizeof table / sizeof table[0]; i++)
		if (!(table[i].caps & s->caps))
			fprintf(f, "deny %s %d %d\n", table[i].name, table[i].which, table[i].err);
	if (fclose(f) != 0)
		md_die("the seccomp filter's recipe");
	return len;
}

/* "program HASH\n" for the SIZE bytes of BPF at P, in LINE. */
static void sum_line(char line[SUM_LINE + 1], const void *p, size_t size)
{
	snprintf(line, SUM_LINE + 1, "program %016llx\n", fnv1a(p, size));
}

/* ROOT/seccomp, open, or -1: made if missing, never through a symlink,
 * and only if it is ours alone, since what it holds is loaded as is.
 * Not for a minidocker run from its sealed copy (v0.3's md_exec_self):
 * each copy is another file, whose programs no later run would load. */
static int cache_dir(void)
{
	char path[PATH_MAX];
	struct stat st;

	if (md_in_sealed_copy())
		return -1;
	md_pathf(path, "%s/seccomp", md_state_root());
	if (mkdir(path, 0700) < 0 && errno != EEXIST)
		return -1;
	int dir = open(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (dir >= 0 && (fstat(dir, &st) < 0 || st.st_uid != geteuid() || (st.st_mode & 077))) {
		close(dir);
		return -1;
	}
	return dir;
}

/* A memory file holding the SIZE bytes at P, for the container's init. */
static int memory_file(const void *p, size_t size)
{
	int fd = memfd_create("seccomp-filter", MFD_CLOEXEC);
	if (fd < 0)
		md_die("memfd_create for the seccomp filter");
	if (write(fd, p, size) != (ssize_t)size)
		md_die("write the seccomp filter");
	return fd;
}

/* The program kept in DIR/NAME for RECIPE (LEN bytes), in a memory file;
 * -1 if there is none, or not that one. */
static int cache_load(int dir, const char *name, const char *recipe, size_t len)
{
	char line[SUM_LINE + 1], *buf = NULL;
	struct stat st;
	/* O_NONBLOCK: a FIFO in its place would hold open(2) until a writer came. */
	int fd = -1, file = openat(dir, name, O_RDONLY | O_NONBLOCK | O_NOFOLLOW | O_CLOEXEC);

	if (file < 0)
		return -1;
	size_t head = len + SUM_LINE, max = head + BPF_MAXINSNS * sizeof(struct sock_filter);
	if (fstat(file, &st) == 0 && S_ISREG(st.st_mode) && (size_t)st.st_size > head &&
	    (size_t)st.st_size <= max && (buf = malloc(st.st_size)) &&
	    read(file, buf, st.st_size) == st.st_size) {
		size_t size = st.st_size - head;
		sum_line(line, buf + head, size);
		if (size % sizeof(struct sock_filter) == 0 && !memcmp(buf, recipe, len) &&
		    !memcmp(buf + len, line, SUM_LINE))
			fd = memory_file(buf + head, size);
	}
	free(buf);
	close(file);
	return fd;
}

/* Keep FD's program as DIR/NAME: written to a temporary file, renamed to
 * NAME once whole (rename(2) replaces it in one step), so that a run that
 * reads it at the same time gets the old file or the new, never half.
 * Failing is no error: the next run builds the program again. */
static void cache_save(int dir, const char *name, const char *recipe, size_t len, int fd)
{
	char tmp[64], line[SUM_LINE + 1], *bpf;
	struct stat st;

	if (dir < 0 || fstat(fd, &st) < 0 || !(bpf = malloc(st.st_size)))
		return;
	if (pread(fd, bpf, st.st_size, 0) == st.st_size) {
		sum_line(line, bpf, st.st_size);
		struct iovec iov[] = { { (void *)recipe, len }, { line, SUM_LINE }, { bpf, st.st_size } };
		snprintf(tmp, sizeof tmp, ".%s.%d", name, (int)getpid());
		int out = openat(dir, tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
		int ok = out >= 0 && writev(out, iov, 3) == (ssize_t)(len + SUM_LINE + st.st_size);
		if (out >= 0 && (close(out) < 0 || !ok || renameat(dir, tmp, dir, name) < 0))
			unlinkat(dir, tmp, 0);
	}
	free(bpf);
}

/* Build the filter for S's capabilities, as BPF in a memory file, or -1
 * if S has none: the kept program if there is one, or a new one, kept.
 * The runtime does this, before the container's process is in its
 * cgroup: libseccomp's work is never charged to the container's memory
 * limit, and never runs inside the container.  The container's process
 * only loads the result (seccomp_install). */
int seccomp_build(const struct security *s)
{
	char *text, name[32];

	if (!s->seccomp)
		return -1;
	size_t len = recipe(s, &text);
	if (!len)
		return compile(s);
	snprintf(name, sizeof name, "%016llx.bpf", fnv1a(text, len));
	int dir = cache_dir();
	int fd = cache_load(dir, name, text, len);
	if (fd < 0) {
		fd = compile(s);
		cache_save(dir, name, text, len, fd);
	}
	if (dir >= 0)
		close(dir);
	free(text);
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
