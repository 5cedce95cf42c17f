/* config.json applied in the container's init (v2.0): its root
 * filesystem, then its process, as v1.1-v1.6 did from run's flags.
 *
 * The order is runc's (libcontainer's rootfs_linux.go and
 * standard_init_linux.go), each step where it still has the right to:
 *   /          slave (or rootfsPropagation) so no mount of ours reaches
 *              the host, and the root bound onto itself to be a mount
 *   mounts     in the order given, each target found and made inside the
 *              root with openat2(2) RESOLVE_IN_ROOT, so that no symlink
 *              of the image leads a mount out of it (as v1.5's volumes)
 *   /dev       the default nodes and links if /dev is a filesystem of
 *              the container's own, then linux.devices
 *   pivot_root (chroot with --no-pivot)
 *   sysctl, readonlyPaths, maskedPaths, hostname, the root read-only
 * and for the process: rlimits, oom_score_adj, umask, cwd, the user,
 * the five capability sets, no_new_privs, seccomp.  `run` and `exec`
 * take that process sequence too, from a struct oci_process their flags
 * made (user.c, security_apply). */
#include "minidocker.h"
#include "oci.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/sysmacros.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <linux/keyctl.h>
#include <linux/openat2.h>

/* An fd's path for mount(2): the magic link names exactly what the fd
 * is, whatever the path it was found by is now. */
static void fd_path(char *buf, size_t len, int fd)
{
	snprintf(buf, len, "/proc/self/fd/%d", fd);
}

/* The flags a bind mount is stuck with: those the kernel locked on the
 * mount it copies (mount_namespaces(7)), and a remount that drops one
 * is EPERM.  PATH's, from statvfs(3). */
static unsigned long locked_flags(const char *path)
{
	struct statvfs st;
	unsigned long f = 0;

	if (statvfs(path, &st) < 0)
		return 0;
	if (st.f_flag & ST_RDONLY)
		f |= MS_RDONLY;
	if (st.f_flag & ST_NOSUID)
		f |= MS_NOSUID;
	if (st.f_flag & ST_NODEV)
		f |= MS_NODEV;
	if (st.f_flag & ST_NOEXEC)
		f |= MS_NOEXEC;
	return f;
}

/* A bind's own flags (ro, nosuid...) are set by a remount of it
 * (mount(2), "Creating a bind mount"); the flags the source had locked
 * are kept, as runc does. */
static int remount_bind(const char *path, unsigned long flags, const char *what)
{
	unsigned long f = MS_REMOUNT | MS_BIND | flags;

	if (mount(NULL, path, NULL, f, NULL) == 0)
		return 0;
	if (errno == EPERM && mount(NULL, path, NULL, f | locked_flags(path), NULL) == 0)
		return 0;
	md_warn("remount %s with its options", what);
	return -1;
}

/* The types whose target must be a real folder: a /proc or /sys through
 * a symlink could land where a security module's rules do not apply
 * (CVE-2019-19921, runc's mask.bats). */
static int no_symlink(int root, const char *dest)
{
	struct open_how how = { .flags = O_PATH | O_CLOEXEC,
				.resolve = RESOLVE_IN_ROOT | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS };
	int fd = syscall(SYS_openat2, root, dest, &how, sizeof how);

	if (fd < 0) {
		md_warn("the mount point %s (a symlink?)", dest);
		return -1;
	}
	close(fd);
	return 0;
}

/* tmpcopyup: the new tmpfs (NEW, an fd of its root) gets what the
 * folder it covers (OLD, opened before) held. */
static int copy_up(int old, int new)
{
	char from[64], to[64];

	fd_path(from, sizeof from, old);
	/* "/.": md_copy_tree opens its target O_NOFOLLOW, and the magic
	 * link itself is a symlink; the folder it leads to is not. */
	snprintf(to, sizeof to, "/proc/self/fd/%d/.", new);
	return md_copy_tree(from, to);
}

/* One of config.json's mounts, on its target in ROOT. */
static int mount_one(int root, const struct oci_mount *m)
{
	char at[64], source[PATH_MAX];
	unsigned long own = m->flags & ~(MS_BIND | MS_REC);
	struct stat st;
	int dir = 1, old = -1, rc = -1;
	const char *type = m->type;

	if ((m->flags & MS_BIND) && stat(m->source, &st) < 0) {
		md_warn("mount %s on %s: its source", m->source, m->destination);
		return -1;
	}
	if (m->flags & MS_BIND)
		dir = S_ISDIR(st.st_mode);
	int target = mount_target(root, m->destination, dir);
	if ((!strcmp(type, "proc") || !strcmp(type, "sysfs")) && no_symlink(root, m->destination) < 0)
		goto out;
	if (m->copy_up && (old = openat(target, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0) {
		md_warn("open %s for tmpcopyup", m->destination);
		goto out;
	}
	fd_path(at, sizeof at, target);
	/* The container's cgroup namespace shows its own cgroup as the
	 * root of a cgroup2 mount; a v1 hierarchy is one per controller,
	 * which minidocker does not build (a cgroup2 is mounted instead). */
	if (!strcmp(type, "cgroup"))
		type = "cgroup2";
	snprintf(source, sizeof source, "%s", m->source);
	if (m->flags & MS_BIND) {
		if (mount(source, at, NULL, MS_BIND | (m->flags & MS_REC), NULL) < 0) {
			md_warn("bind %s on %s", m->source, m->destination);
			goto out;
		}
	} else if (mount(source, at, type, own, m->data) < 0) {
		/* sysfs: refused to a user namespace that does not own the
		 * network namespace; the host's, bound, as v1.3 does. */
		if (!(errno == EPERM && !strcmp(type, "sysfs") &&
		      mount("/sys", at, NULL, MS_BIND | MS_REC, NULL) == 0)) {
			md_warn("mount %s (%s) on %s", m->source, type, m->destination);
			goto out;
		}
	}
	/* Once mounted, the target's path leads to the new mount: the fd we
	 * had is the folder below it. */
	close(target);
	target = in_root(root, m->destination);
	if (target < 0) {
		md_warn("open %s after mounting on it", m->destination);
		goto out;
	}
	fd_path(at, sizeof at, target);
	if (((m->flags & MS_BIND) || !strcmp(type, "sysfs")) && own && remount_bind(at, own, m->destination) < 0)
		goto out;
	if (m->propagation && mount(NULL, at, NULL, m->propagation, NULL) < 0) {
		md_warn("set the propagation of %s", m->destination);
		goto out;
	}
	if (m->copy_up && copy_up(old, target) < 0)
		goto out;
	rc = 0;
out:
	if (old >= 0)
		close(old);
	close(target);
	return rc;
}

/* linux.devices: a node made with mknod(2) where we may (root of the
 * host's user namespace); in a user namespace of the container's own,
 * mknod is EPERM, and the host's node at the same path is bound instead
 * if it is the same device, as runc does. */
static int make_device(int root, const struct oci_device *d)
{
	char dir[1024], at[64], path[PATH_MAX];
	const char *base = strrchr(d->path, '/') + 1;
	struct stat st;

	snprintf(dir, sizeof dir, "%.*s", (int)(base - d->path), d->path);
	int parent = mount_target(root, dir[1] ? dir : "/", 1);
	if (mknodat(parent, base, d->type | d->mode, makedev(d->major, d->minor)) == 0) {
		if (fchownat(parent, base, d->uid, d->gid, AT_SYMLINK_NOFOLLOW) < 0) {
			md_warn("chown the device %s", d->path);
			close(parent);
			return -1;
		}
		close(parent);
		return 0;
	}
	close(parent);
	if (errno != EPERM) {
		md_warn("mknod %s", d->path);
		return -1;
	}
	if (stat(d->path, &st) < 0 || (st.st_mode & S_IFMT) != d->type ||
	    st.st_rdev != makedev(d->major, d->minor)) {
		md_warnx("mknod %s: not permitted in this user namespace, and the host has no such "
			 "device there to bind",
			 d->path);
		return -1;
	}
	int target = mount_target(root, d->path, 0);
	fd_path(at, sizeof at, target);
	snprintf(path, sizeof path, "%s", d->path);
	int rc = mount(path, at, NULL, MS_BIND, NULL);
	if (rc < 0)
		md_warn("bind the host's %s", d->path);
	close(target);
	return rc;
}

/* Does config.json give /dev a filesystem of the container's own (not a
 * bind of the host's)?  Then it gets the spec's default devices. */
static int own_dev(const struct oci_spec *s)
{
	int own = 0;

	for (int i = 0; i < s->nmounts; i++)
		if (!strcmp(s->mounts[i].destination, "/dev") || !strcmp(s->mounts[i].destination, "/dev/"))
			own = !(s->mounts[i].flags & MS_BIND);
	return own;
}

static int make_devices(int root, const struct oci_spec *s)
{
	char dev[64];

	if (own_dev(s)) {
		int fd = in_root(root, "/dev");
		if (fd < 0) {
			md_warn("open the container's /dev");
			return -1;
		}
		fd_path(dev, sizeof dev, fd);
		dev_populate(dev); /* devices.c: null, zero, full, random, urandom, tty, links */
		close(fd);
	}
	for (int i = 0; i < s->ndevices; i++)
		if (make_device(root, &s->devices[i]) < 0)
			return -1;
	return 0;
}

/* pivot_root(2) as v1.1 does it, or with NO_PIVOT (a root on a ramfs,
 * where pivot_root is EINVAL) the root moved onto / and chroot(2) into
 * it, which leaves the old root reachable to a process that may chroot:
 * runc's --no-pivot warns of the same.  HINT: the advice if pivot_root
 * is EINVAL, the caller's, since the fix is: run's user can change only
 * the host's mounts; a config's, rootfsPropagation or --no-pivot. */
int oci_enter_root(const char *root, int no_pivot, const char *hint)
{
	if (chdir(root) < 0) {
		md_warn("chdir %s", root);
		return -1;
	}
	if (no_pivot) {
		if (mount(root, "/", NULL, MS_MOVE, NULL) < 0 || chroot(".") < 0 || chdir("/") < 0) {
			md_warn("move %s onto / and chroot into it", root);
			return -1;
		}
		return 0;
	}
	/* pivot_root(".", ".") stacks the old root on top of the new one;
	 * detaching it (after making sure its unmount cannot propagate
	 * anywhere) leaves the new root alone at /.  This is runc's
	 * sequence. */
	if (syscall(SYS_pivot_root, ".", ".") < 0) {
		int err = errno;
		md_warn("pivot_root to %s", root);
		if (err == EINVAL)
			md_hint("%s", hint);
		return -1;
	}
	if (mount(NULL, ".", NULL, MS_SLAVE | MS_REC, NULL) < 0 || umount2(".", MNT_DETACH) < 0 ||
	    chdir("/") < 0) {
		md_warn("detach the old root");
		return -1;
	}
	return 0;
}

/* linux.sysctl, after /proc is the container's: each K=V written to
 * /proc/sys/K, K's dots as slashes (sysctl(8)), unless K has slashes
 * already.  ocispec.c let through only the sysctls of a namespace the
 * container has of its own. */
static int write_sysctls(const struct oci_spec *s)
{
	char path[PATH_MAX];

	for (int i = 0; i < s->nsysctl; i++) {
		const char *kv = s->sysctl[i], *val = strchr(kv, '=') + 1;
		int slashes = memchr(kv, '/', val - 1 - kv) != NULL;
		md_pathf(path, "/proc/sys/%.*s", (int)(val - 1 - kv), kv);
		for (char *p = path + 10; !slashes && *p; p++)
			if (*p == '.')
				*p = '/';
		int fd = open(path, O_WRONLY | O_NOFOLLOW | O_CLOEXEC);
		ssize_t n = fd < 0 ? -1 : write(fd, val, strlen(val));
		if (n != (ssize_t)strlen(val) || close(fd) < 0) {
			md_warn("sysctl %.*s", (int)(val - 1 - kv), kv);
			if (fd >= 0 && n < 0)
				close(fd);
			return -1;
		}
	}
	return 0;
}

/* readonlyPaths and maskedPaths, in the container (after pivot_root: a
 * symlink among them resolves inside its root).  A path it lacks is
 * skipped, as runc does.  v2.0's run: Docker's, before pivot_root
 * (masks.c). */
int oci_protect_paths(const struct oci_spec *s)
{
	struct stat st;

	for (int i = 0; i < s->nreadonly; i++) {
		const char *p = s->readonly[i];
		if (lstat(p, &st) < 0 && errno == ENOENT)
			continue;
		if (mount(p, p, NULL, MS_BIND | MS_REC, NULL) < 0) {
			md_warn("make %s read-only", p);
			return -1;
		}
		if (remount_bind(p, MS_RDONLY | locked_flags(p), p) < 0)
			return -1;
	}
	for (int i = 0; i < s->nmasked; i++) {
		if (lstat(s->masked[i], &st) < 0) {
			if (errno == ENOENT)
				continue;
			md_warn("stat %s to mask it", s->masked[i]);
			return -1;
		}
		mask_path(s->masked[i], &st); /* masks.c: /dev/null or an empty tmpfs */
	}
	return 0;
}

int oci_finish_root(const struct oci_spec *s)
{
	if (s->rootfs_propagation && mount(NULL, "/", NULL, s->rootfs_propagation, NULL) < 0) {
		md_warn("set / to rootfsPropagation");
		return -1;
	}
	if (write_sysctls(s) < 0 || oci_protect_paths(s) < 0)
		return -1;
	if (s->hostname && *s->hostname && sethostname(s->hostname, strlen(s->hostname)) < 0) {
		md_warn("sethostname %s", s->hostname);
		return -1;
	}
	if (s->domainname && *s->domainname && setdomainname(s->domainname, strlen(s->domainname)) < 0) {
		md_warn("setdomainname %s", s->domainname);
		return -1;
	}
	/* The root alone (its submounts keep their own flags). */
	if (s->root_readonly && remount_bind("/", MS_RDONLY | locked_flags("/"), "/ read-only") < 0)
		return -1;
	return 0;
}

int oci_init_rootfs(const struct oci_spec *s, int no_pivot, void (*before_pivot)(void *), void *arg)
{
	/* Slave: the host's mounts still reach the container (a volume
	 * mounted later), ours never reach the host (mount_namespaces(7)).
	 * MS_REC: every mount, the root's parent included, so that
	 * pivot_root finds none of them shared. */
	unsigned long prop = s->rootfs_propagation ? s->rootfs_propagation : MS_SLAVE | MS_REC;
	if (mount(NULL, "/", NULL, (prop & MS_SHARED ? MS_SLAVE : prop) | MS_REC, NULL) < 0) {
		md_warn("set the propagation of /");
		return -1;
	}
	/* pivot_root wants the new root to be a mount. */
	if (mount(s->root, s->root, NULL, MS_BIND | MS_REC, NULL) < 0) {
		md_warn("bind %s onto itself", s->root);
		return -1;
	}
	int root = open(s->root, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (root < 0) {
		md_warn("open %s", s->root);
		return -1;
	}
	for (int i = 0; i < s->nmounts; i++)
		if (mount_one(root, &s->mounts[i]) < 0) {
			close(root);
			return -1;
		}
	int rc = make_devices(root, s);
	/* The command's folder, while the root may be written (runc makes
	 * it too). */
	if (rc == 0)
		close(mount_target(root, s->process.cwd, 1));
	close(root);
	if (rc < 0)
		return -1;
	if (before_pivot)
		before_pivot(arg); /* the createContainer hooks (oci.c) */
	if (oci_enter_root(s->root, no_pivot,
			   "pivot_root needs the root not on a ramfs and its parent mount not shared "
			   "(rootfsPropagation \"shared\"?); --no-pivot uses chroot instead") < 0)
		return -1;
	return oci_finish_root(s);
}

/* groups, gid, uid, in the one order in which each step still has the
 * right to the next (credentials(7)); the permitted set kept across it
 * (PR_SET_KEEPCAPS), so that the sets are still ours to set after it;
 * execve then decides what a user other than root keeps.  The messages
 * name -u for run and exec (from_flags), process.user for a file. */
static int switch_user(const struct oci_process *p)
{
	if (prctl(PR_SET_KEEPCAPS, 1) < 0) {
		md_warn("prctl PR_SET_KEEPCAPS");
		return -1;
	}
	if (setgroups_allowed()) { /* user.c */
		if (setgroups(p->ngroups, p->groups) < 0) {
			if (p->from_flags)
				md_warn("setgroups for user %s", p->user_flag);
			else
				md_warn("setgroups (process.user.additionalGids)");
			return -1;
		}
	} else if (p->ngroups) {
		md_warnx("process.user.additionalGids: this user namespace denies setgroups");
		return -1;
	}
	if (setresgid(p->gid, p->gid, p->gid) < 0 || setresuid(p->uid, p->uid, p->uid) < 0) {
		int err = errno;
		if (p->from_flags)
			md_warn("become user %s (uid %d, gid %d)", p->user_flag, (int)p->uid, (int)p->gid);
		else
			md_warn("become uid %u, gid %u (process.user)", (unsigned)p->uid, (unsigned)p->gid);
		if (err == EINVAL && p->from_flags)
			md_hint("the container's user namespace does not map that id: it maps 0-65535 "
				"with a range (subuid(5)), only 0 without one");
		else if (err == EINVAL)
			md_hint("the container's user namespace does not map that id (linux.uidMappings)");
		return -1;
	}
	if (prctl(PR_SET_KEEPCAPS, 0) < 0) {
		md_warn("prctl PR_SET_KEEPCAPS");
		return -1;
	}
	return 0;
}

static int set_limits(const struct oci_process *p)
{
	for (int i = 0; i < p->nrlimits; i++)
		if (setrlimit(p->rlimits[i].resource, &p->rlimits[i].lim) < 0) {
			md_warn("setrlimit process.rlimits[%d]", i);
			if (errno == EPERM)
				md_hint("raising a hard limit needs CAP_SYS_RESOURCE of the host");
			return -1;
		}
	if (p->has_oom_score_adj) {
		char buf[16];
		int n = snprintf(buf, sizeof buf, "%d", p->oom_score_adj);
		int fd = open("/proc/self/oom_score_adj", O_WRONLY | O_CLOEXEC);
		if (fd < 0 || write(fd, buf, n) != n || close(fd) < 0) {
			md_warn("write /proc/self/oom_score_adj (process.oomScoreAdj)");
			return -1;
		}
	}
	umask(p->umask >= 0 ? p->umask : 022);
	if (!p->from_flags && chdir(p->cwd) < 0) {
		md_warn("chdir %s (process.cwd)", p->cwd);
		return -1;
	}
	return 0;
}

/* run's and exec's -w, where v1.5 entered it: last, as the command's
 * user with the container's capabilities, so that a folder it may not
 * enter is an error (126, as a command it may not run).  process.cwd
 * is entered before the switch of user (set_limits), as runc first
 * tries it. */
static void enter_workdir(const struct oci_process *p)
{
	if (p->cwd && chdir(p->cwd) < 0) {
		md_warn("chdir to the working directory %s", p->cwd);
		exit(MD_EXIT_CANNOT_RUN);
	}
}

int oci_init_process(const struct oci_spec *s, const struct oci_process *p)
{
	const unsigned long long *c = p->caps;

	if (set_limits(p) < 0)
		return -1;
	/* seccomp.c's, as v1.3 loads its own; it closes the fd (a copy's,
	 * in this process only).  As late as possible, so that few calls of
	 * ours must pass it; but loading one takes CAP_SYS_ADMIN unless
	 * no_new_privs is set (seccomp(2)), so without it the filter goes in
	 * here, while we still have every capability, as runc and crun do.
	 * run's filter denies nothing of what follows (seccomp.c's table). */
	if (!p->no_new_privs)
		seccomp_install(s->seccomp_fd);
	/* No "capabilities": every set empty (p->caps stays zero), as runc's.
	 * Leaving the sets alone gave an exec the runtime's own, root's
	 * full set, more than the container's bounding set allows
	 * (tests/ociattack.c). */
	caps_bound(c[OCI_CAP_BOUNDING]); /* caps.c: needs CAP_SETPCAP, first */
	/* The switch of user clears the parent-death signal (prctl(2),
	 * PR_SET_PDEATHSIG): run's init and exec's child have one (killed
	 * with their minidocker, userns.c), and get it back; an OCI init,
	 * which outlives create, has none. */
	int pdeath = 0;
	if (prctl(PR_GET_PDEATHSIG, &pdeath) < 0) {
		md_warn("prctl PR_GET_PDEATHSIG");
		return -1;
	}
	if (switch_user(p) < 0)
		return -1;
	if (pdeath)
		userns_rearm_pdeathsig(); /* userns.c: SIGKILL, the only one set */
	/* The kernel raises an ambient capability only if it is permitted
	 * and inheritable too (capabilities(7), PR_CAP_AMBIENT_RAISE: EPERM
	 * otherwise).  `runc spec` lists three ambient ones and no
	 * inheritable set; runc raises the ambient ones it can and starts
	 * the process without the others (CapAmb 0 there), and so do we:
	 * their absence grants less, never more. */
	caps_set_sets(c[OCI_CAP_EFFECTIVE], c[OCI_CAP_PERMITTED], c[OCI_CAP_INHERITABLE],
		      c[OCI_CAP_AMBIENT] & c[OCI_CAP_PERMITTED] & c[OCI_CAP_INHERITABLE]);
	/* no_new_privs (prctl(2), PR_SET_NO_NEW_PRIVS): execve never grants
	 * anything again, neither setuid bits nor file capabilities; then
	 * the filter, the last step. */
	if (p->no_new_privs) {
		if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0) {
			md_warn("prctl PR_SET_NO_NEW_PRIVS");
			return -1;
		}
		seccomp_install(s->seccomp_fd);
	}
	if (p->from_flags)
		enter_workdir(p);
	return 0;
}

/* A session keyring of the container's own (keyrings(7), keyctl(2)), as
 * runc gives each one: without it the container shares its caller's
 * (conmon's, a shell's), whose keys any of them can read.  Named
 * "_ses.ID", so that exec joins the same one (a name is looked up among
 * the keyrings the caller may search); made searchable by the init (INIT)
 * for the user, or with a user namespace (USERNS) for everyone, as
 * runc's.  Keyrings are a
 * best-effort isolation (runc: "marginal protection"): ENOSYS (no
 * keyrings) goes on, as runc's, and so does EPERM (keyctl blocked by a
 * seccomp filter around the runtime, for the container too).  Where the
 * name cannot be joined (EACCES: someone else's), an anonymous one. */
enum { KEY_USR_SEARCH = 0x00080000, KEY_OTH_SEARCH = 0x00000008 };	/* the kernel's key.h */

int oci_join_session_keyring(const char *id, int userns, int init)
{
	char name[1100], desc[1200];
	unsigned int perm;

	snprintf(name, sizeof name, "_ses.%s", id);
	long key = syscall(SYS_keyctl, KEYCTL_JOIN_SESSION_KEYRING, name);
	if (key < 0 && errno == EACCES)
		key = syscall(SYS_keyctl, KEYCTL_JOIN_SESSION_KEYRING, NULL);
	if (key < 0 && (errno == ENOSYS || errno == EPERM))
		return 0;
	if (key < 0) {
		md_warn("join a session keyring of the container's own (keyctl)");
		return -1;
	}
	if (!init)
		return 0;	/* exec's: the init's, whose owner we may not be */
	/* "type;uid;gid;perm;description": its permissions, in hex. */
	long n = syscall(SYS_keyctl, KEYCTL_DESCRIBE, key, desc, sizeof desc - 1);
	if (n < 0 || n >= (long)sizeof desc ||
	    (desc[n] = '\0', sscanf(desc, "%*[^;];%*[^;];%*[^;];%x", &perm) != 1) ||
	    syscall(SYS_keyctl, KEYCTL_SETPERM, key, perm | (userns ? KEY_OTH_SEARCH : KEY_USR_SEARCH)) < 0) {
		md_warn("make the session keyring searchable (keyctl)");
		return -1;
	}
	return 0;
}
