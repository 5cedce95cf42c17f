/* linux.resources.devices: which device nodes the container may open or
 * make, kept by the kernel's device controller, as runc and crun apply it.
 *
 * A node is only a name for a (type, major, minor) triple: whoever may
 * mknod(2) (CAP_MKNOD, which podman's default set keeps, with no user
 * namespace to make it worthless) can make /dev/k as "b 7 0" and open the
 * host's first loop device, or any disk.  The mount namespace does not
 * help; the cgroup does: on each open(2) and mknod(2) of a device node,
 * the kernel asks the container's cgroup whether that triple and that
 * access (r, w, m) are allowed.
 *
 *   cgroup v1  a "devices" hierarchy: "a" written to devices.deny denies
 *              everything, then each "c 1:3 rwm" written to devices.allow
 *              (or .deny) adds an exception, in order (the kernel's
 *              admin-guide/cgroup-v1/devices.rst).
 *   cgroup v2  no such files: a small BPF program, of type
 *              BPF_PROG_TYPE_CGROUP_DEVICE, attached to the cgroup's
 *              folder, is run on each access with the triple and returns
 *              1 (allow) or 0 (EPERM).  We write it instruction by
 *              instruction (struct bpf_insn, <linux/bpf.h>), as runc's
 *              devicefilter and crun's ebpf.c do, and load it with bpf(2).
 *
 * The rules are config.json's, then runc's defaults (its specconv's
 * AllowedDevices): mknod of any node, and reading and writing the nodes
 * every container gets (/dev/null, zero, full, random, urandom, tty,
 * console, ptmx, the pts, tun).  The last rule that matches decides. */
#include "minidocker.h"
#include "oci.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/bpf.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

static const struct oci_devrule defaults[] = {
	{ 1, 'c', -1, -1, "m" },   { 1, 'b', -1, -1, "m" },	/* mknod of any node */
	{ 1, 'c', 1, 3, "rwm" },   /* /dev/null */	{ 1, 'c', 1, 8, "rwm" },   /* random */
	{ 1, 'c', 1, 7, "rwm" },   /* full */		{ 1, 'c', 5, 0, "rwm" },   /* tty */
	{ 1, 'c', 1, 5, "rwm" },   /* zero */		{ 1, 'c', 1, 9, "rwm" },   /* urandom */
	{ 1, 'c', 5, 1, "rwm" },   /* console */	{ 1, 'c', 136, -1, "rwm" }, /* pts */
	{ 1, 'c', 5, 2, "rwm" },   /* ptmx */		{ 1, 'c', 10, 200, "rwm" }, /* tun */
};
enum { NDEFAULTS = sizeof defaults / sizeof defaults[0] };

/* Rule I of config.json's N, then of the defaults. */
static const struct oci_devrule *rule(const struct oci_spec *s, int i)
{
	return i < s->ndevrules ? &s->devrules[i] : &defaults[i - s->ndevrules];
}

static int all_access(const struct oci_devrule *r)
{
	return strchr(r->access, 'r') && strchr(r->access, 'w') && strchr(r->access, 'm');
}

/* ---- cgroup v1 ------------------------------------------------------- */

static int write_rule(const char *dir, int allow, const char *text)
{
	char path[PATH_MAX];

	md_pathf(path, "%s/%s", dir, allow ? "devices.allow" : "devices.deny");
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	ssize_t len = strlen(text);
	if (fd < 0 || write(fd, text, len) != len) {
		md_warn("write '%s' to %s", text, path);
		if (fd >= 0)
			close(fd);
		return -1;
	}
	return close(fd);
}

static int apply_v1(const struct oci_spec *s, const char *dir)
{
	char text[96], major[24], minor[24];

	for (int i = 0; i < s->ndevrules + NDEFAULTS; i++) {
		const struct oci_devrule *r = rule(s, i);
		/* "a" alone is every device with every access: allow-all or
		 * deny-all, the exceptions cleared.  An "a" rule for some of
		 * rwm is the same access for every c and every b node. */
		if (r->type == 'a' && all_access(r)) {
			if (write_rule(dir, r->allow, "a") < 0)
				return -1;
			continue;
		}
		snprintf(major, sizeof major, r->major < 0 ? "*" : "%lld", r->major);
		snprintf(minor, sizeof minor, r->minor < 0 ? "*" : "%lld", r->minor);
		for (const char *t = r->type == 'a' ? "cb" : (char[]){ r->type, 0 }; *t; t++) {
			snprintf(text, sizeof text, "%c %s:%s %s", *t, major, minor, r->access);
			if (write_rule(dir, r->allow, text) < 0)
				return -1;
		}
	}
	return 0;
}

/* ---- cgroup v2: the BPF program -------------------------------------- */

/* The program sees struct bpf_cgroup_dev_ctx in r1: access_type (the
 * device's type in its low 16 bits, the access asked for above them),
 * major, minor.  Loaded once into r2 ... r5, as runc's:
 *   r2 type (BPF_DEVCG_DEV_CHAR, _BLOCK), r3 access (BPF_DEVCG_ACC_*),
 *   r4 major, r5 minor.
 * Then one block per rule, LAST rule first: a rule that does not match
 * jumps to the next block; one that does returns its verdict.  Falling
 * off the end (no rule matched) allows, as a cgroup without rules does.
 * A rule that matches everything ends the program: code after it could
 * never run, and the verifier refuses unreachable instructions. */
enum { MAX_INSNS = 8 + 8 * 512 };

struct prog {
	struct bpf_insn insn[MAX_INSNS];
	int n;
};

static int emit(struct prog *p, __u8 code, __u8 dst, __u8 src, __s16 off, __s32 imm)
{
	if (p->n == MAX_INSNS)
		return -1;
	p->insn[p->n] = (struct bpf_insn){ .code = code, .dst_reg = dst, .src_reg = src, .off = off, .imm = imm };
	return p->n++;
}

/* if (REG != IMM) goto the next block (patched once its end is known):
 * BPF_JMP32 compares the low 32 bits, as the numbers are u32. */
static int jne(struct prog *p, __u8 reg, __u32 imm, int *jumps, int *nj)
{
	int at = emit(p, BPF_JMP32 | BPF_JNE | BPF_K, reg, 0, 0, (__s32)imm);
	if (at >= 0)
		jumps[(*nj)++] = at;
	return at;
}

static int emit_rule(struct prog *p, const struct oci_devrule *r)
{
	int jumps[4], nj = 0, acc = 0;

	if (strchr(r->access, 'r'))
		acc |= BPF_DEVCG_ACC_READ;
	if (strchr(r->access, 'w'))
		acc |= BPF_DEVCG_ACC_WRITE;
	if (strchr(r->access, 'm'))
		acc |= BPF_DEVCG_ACC_MKNOD;
	if (r->type != 'a' &&
	    jne(p, BPF_REG_2, r->type == 'c' ? BPF_DEVCG_DEV_CHAR : BPF_DEVCG_DEV_BLOCK, jumps, &nj) < 0)
		return -1;
	/* The access asked for must be among the rule's: r1 = r3 & ~acc, 0. */
	if (!all_access(r) && (emit(p, BPF_ALU64 | BPF_MOV | BPF_X, BPF_REG_1, BPF_REG_3, 0, 0) < 0 ||
			       emit(p, BPF_ALU | BPF_AND | BPF_K, BPF_REG_1, 0, 0, ~acc & 7) < 0 ||
			       jne(p, BPF_REG_1, 0, jumps, &nj) < 0))
		return -1;
	if (r->major >= 0 && jne(p, BPF_REG_4, (__u32)r->major, jumps, &nj) < 0)
		return -1;
	if (r->minor >= 0 && jne(p, BPF_REG_5, (__u32)r->minor, jumps, &nj) < 0)
		return -1;
	if (emit(p, BPF_ALU64 | BPF_MOV | BPF_K, BPF_REG_0, 0, 0, r->allow ? 1 : 0) < 0 ||
	    emit(p, BPF_JMP | BPF_EXIT, 0, 0, 0, 0) < 0)
		return -1;
	for (int i = 0; i < nj; i++)
		p->insn[jumps[i]].off = (__s16)(p->n - jumps[i] - 1);
	return nj;	/* 0: it matched everything */
}

static int build(const struct oci_spec *s, struct prog *p)
{
	p->n = 0;
	/* r2 = ctx->access_type & 0xffff; r3 = ctx->access_type >> 16;
	 * r4 = ctx->major; r5 = ctx->minor */
	emit(p, BPF_LDX | BPF_W | BPF_MEM, BPF_REG_2, BPF_REG_1, offsetof(struct bpf_cgroup_dev_ctx, access_type), 0);
	emit(p, BPF_ALU | BPF_AND | BPF_K, BPF_REG_2, 0, 0, 0xffff);
	emit(p, BPF_LDX | BPF_W | BPF_MEM, BPF_REG_3, BPF_REG_1, offsetof(struct bpf_cgroup_dev_ctx, access_type), 0);
	emit(p, BPF_ALU | BPF_RSH | BPF_K, BPF_REG_3, 0, 0, 16);
	emit(p, BPF_LDX | BPF_W | BPF_MEM, BPF_REG_4, BPF_REG_1, offsetof(struct bpf_cgroup_dev_ctx, major), 0);
	emit(p, BPF_LDX | BPF_W | BPF_MEM, BPF_REG_5, BPF_REG_1, offsetof(struct bpf_cgroup_dev_ctx, minor), 0);
	for (int i = s->ndevrules + NDEFAULTS - 1; i >= 0; i--) {
		int rc = emit_rule(p, rule(s, i));
		if (rc < 0)
			return oci_bad("linux.resources.devices", "too many rules for one program");
		if (rc == 0)
			return 0;
	}
	if (emit(p, BPF_ALU64 | BPF_MOV | BPF_K, BPF_REG_0, 0, 0, 1) < 0 || emit(p, BPF_JMP | BPF_EXIT, 0, 0, 0, 0) < 0)
		return oci_bad("linux.resources.devices", "too many rules for one program");
	return 0;
}

static int bpf(int cmd, union bpf_attr *attr)
{
	return (int)syscall(SYS_bpf, cmd, attr, sizeof *attr);
}

static int apply_v2(const struct oci_spec *s, const char *dir)
{
	static struct prog p;
	static char log[65536];
	union bpf_attr attr;

	if (build(s, &p) < 0)
		return -1;
	memset(&attr, 0, sizeof attr);
	attr.prog_type = BPF_PROG_TYPE_CGROUP_DEVICE;
	attr.insns = (__u64)(uintptr_t)p.insn;
	attr.insn_cnt = (__u32)p.n;
	attr.license = (__u64)(uintptr_t)"GPL";
	int prog = bpf(BPF_PROG_LOAD, &attr);
	if (prog < 0) {
		int err = errno;
		/* Again, with the verifier's log, to say why. */
		attr.log_buf = (__u64)(uintptr_t)log;
		attr.log_size = sizeof log;
		attr.log_level = 1;
		if (bpf(BPF_PROG_LOAD, &attr) < 0 && log[0])
			md_warnx("the verifier's log:\n%s", log);
		errno = err;
		md_warn("load the device filter (bpf BPF_PROG_LOAD, %d instructions)", p.n);
		if (err == EPERM)
			md_hint("loading BPF programs needs CAP_SYS_ADMIN (or CAP_BPF), in the host's user namespace");
		return -1;
	}
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0) {
		md_warn("open %s", dir);
		close(prog);
		return -1;
	}
	/* BPF_F_ALLOW_MULTI: the programs of the folders above (systemd's,
	 * a parent runtime's) still run, and each must allow. */
	memset(&attr, 0, sizeof attr);
	attr.target_fd = (__u32)fd;
	attr.attach_bpf_fd = (__u32)prog;
	attr.attach_type = BPF_CGROUP_DEVICE;
	attr.attach_flags = BPF_F_ALLOW_MULTI;
	int rc = bpf(BPF_PROG_ATTACH, &attr);
	if (rc < 0)
		md_warn("attach the device filter to %s (bpf BPF_PROG_ATTACH)", dir);
	/* Attached, the program lives as long as the cgroup: rmdir of the
	 * folder (delete) frees it. */
	close(fd);
	close(prog);
	return rc;
}

int oci_devices_apply(const struct oci_spec *s, const char *parent, const char *id)
{
	char dir[PATH_MAX];

	/* No rules: every device allowed, as a cgroup with none has it. */
	if (s->ndevrules == 0)
		return 0;
	int v1 = !strcmp(cgroup_mode(), "v1");
	int real = cgroup_dir(dir, v1 ? "devices" : NULL, parent, id);
	if (real < 0) {
		md_warnx("linux.resources.devices: a device filter needs cgroups, and there are none here");
		return -1;
	}
	/* A scratch folder laid out as a cgroup root (the tests'
	 * MINIDOCKER_CGROUP) has no devices files, nor a cgroup to attach a
	 * program to. */
	if (!real)
		return 0;
	return v1 ? apply_v1(s, dir) : apply_v2(s, dir);
}
