/* Control groups (cgroups(7)): limits on memory, CPU and processes.
 *
 * A cgroup is a folder in a special filesystem; its files are the knobs.
 * Writing a PID to its cgroup.procs moves that process (and its future
 * children) in; writing a number to memory.max limits them all together.
 * Two versions exist, and hosts mount them three ways:
 *
 *   v2, "unified": one tree at /sys/fs/cgroup (filesystem type cgroup2),
 *       every controller in it; a controller must be enabled for a
 *       folder's children in its parent's cgroup.subtree_control.
 *   v1, "legacy": one tree per controller, /sys/fs/cgroup/memory,
 *       /sys/fs/cgroup/cpu, ... (a tmpfs holding cgroup mounts).
 *   hybrid: v1's trees, plus an (almost) empty v2 tree at
 *       /sys/fs/cgroup/unified.  For limits, a hybrid host is a v1 host.
 *
 * The mode is told by the filesystem type of /sys/fs/cgroup (statfs(2)),
 * never by a version string.  Each container gets ROOT/PARENT/ID in every
 * tree it uses; PARENT is run's --cgroup-parent, "minidocker" by default
 * (Docker's option: a workshop's users, or test suites, keep apart).  MINIDOCKER_CGROUP=v1:DIR or v2:DIR points all of
 * this at another folder: the tests use it to check the v2 code against a
 * scratch folder laid out like a v2 cgroupfs. */
#include "minidocker.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/magic.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <unistd.h>

enum mode { NONE, V1, V2 };

static struct {
	enum mode mode;
	int real;		/* a real cgroupfs, not a scratch folder */
	char root[PATH_MAX];
} cg;

/* v1: the trees minidocker uses; cpuacct only for `stats`. */
static const char *const v1_trees[] = { "memory", "cpu", "cpuacct", "pids" };
enum { NTREES = sizeof v1_trees / sizeof v1_trees[0] };

static void detect(void)
{
	const char *env = getenv("MINIDOCKER_CGROUP");
	struct statfs fs;

	if (cg.mode != NONE)
		return;
	if (env && (!strncmp(env, "v1:", 3) || !strncmp(env, "v2:", 3))) {
		cg.mode = env[1] == '1' ? V1 : V2;
		snprintf(cg.root, sizeof cg.root, "%s", env + 3);
		/* Real: a cgroup2 mount (v2), or a folder whose memory/ is a v1
		 * cgroup mount.  Not "any tmpfs": a scratch folder under a /tmp
		 * that is a tmpfs (Fedora, Debian 13, the cgroup v2 test VM)
		 * would pass for a real root, and its files go unwritten. */
		char tree[PATH_MAX];
		md_pathf(tree, "%s%s", cg.root, cg.mode == V1 ? "/memory" : "");
		cg.real = statfs(tree, &fs) == 0 &&
			  fs.f_type == (cg.mode == V1 ? CGROUP_SUPER_MAGIC : CGROUP2_SUPER_MAGIC);
		return;
	}
	snprintf(cg.root, sizeof cg.root, "/sys/fs/cgroup");
	if (statfs(cg.root, &fs) < 0)
		return;
	cg.real = 1;
	if (fs.f_type == CGROUP2_SUPER_MAGIC)
		cg.mode = V2;
	else if (fs.f_type == TMPFS_MAGIC)
		cg.mode = V1;	/* legacy, or hybrid: its unified tree has no controllers we use */
}

const char *cgroup_mode(void)
{
	detect();
	return cg.mode == V2 ? "v2" : cg.mode == V1 ? "v1" : "none";
}

/* ROOT[/TREE]/PARENT[/ID][/FILE] */
static void cg_path(char *buf, const char *tree, const char *parent, const char *id, const char *file)
{
	md_pathf(buf, "%s%s%s/%s%s%s%s%s", cg.root, tree ? "/" : "", tree ? tree : "", parent,
		 id ? "/" : "", id ? id : "", file ? "/" : "", file ? file : "");
}

int valid_cgroup_parent(const char *parent)
{
	static const char ok[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-";
	size_t len = strlen(parent);

	/* Folders one below the other, none "." or "..": it cannot climb out
	 * of the hierarchy's root (path_resolution(7)). */
	if (len == 0 || len > 200)
		return 0;
	for (const char *p = parent;;) {
		size_t n = strspn(p, ok);
		if (n == 0 || (n == 1 && p[0] == '.') || (n == 2 && !strncmp(p, "..", 2)))
			return 0;
		p += n;
		if (*p == '\0')
			return 1;
		if (*p++ != '/')
			return 0;
	}
}

static int write_file(const char *path, const char *value)
{
	/* O_CREAT only matters in a scratch folder: a cgroupfs has its files,
	 * and refuses to create others. */
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	ssize_t len = strlen(value);

	if (fd < 0 || write(fd, value, len) != len) {
		md_warn("write '%s' to %s", value, path);
		if (fd >= 0)
			close(fd);
		return -1;
	}
	return close(fd);
}

static long long read_number(const char *path)
{
	char buf[64] = "";
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return -1;
	ssize_t n = read(fd, buf, sizeof buf - 1);
	close(fd);
	if (n <= 0)
		return -1;
	buf[n] = '\0';
	return !strncmp(buf, "max", 3) ? -1 : atoll(buf);
}

/* v2: is CONTROLLER listed in DIR/cgroup.controllers? */
static int has_controller(const char *dir, const char *controller)
{
	char path[PATH_MAX], buf[512] = "";

	md_pathf(path, "%s/cgroup.controllers", dir);
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return 0;
	ssize_t n = read(fd, buf, sizeof buf - 1);
	close(fd);
	buf[n > 0 ? n : 0] = '\0';
	for (char *w = strtok(buf, " \n"); w; w = strtok(NULL, " \n"))
		if (!strcmp(w, controller))
			return 1;
	return 0;
}

/* The controllers limits L need. */
static int needed(const struct limits *l, const char **names)
{
	int n = 0;
	if (l->memory)
		names[n++] = "memory";
	if (l->cpus > 0)
		names[n++] = "cpu";
	if (l->pids)
		names[n++] = "pids";
	return n;
}

int cgroup_check(const struct limits *l)
{
	const char *names[3], *missing = NULL;
	char dir[PATH_MAX];
	struct stat st;
	int n = needed(l, names);

	detect();
	if (n == 0)
		return 0;
	if (cg.mode == NONE) {
		md_warnx("limits need cgroups, and %s is not a cgroup filesystem", cg.root);
		md_hint("mount cgroups (systemd does), or run without -m, --cpus and --pids-limit");
		return -1;
	}
	for (int i = 0; i < n && !missing; i++) {
		if (cg.mode == V2)
			missing = has_controller(cg.root, names[i]) ? NULL : names[i];
		else {
			md_pathf(dir, "%s/%s", cg.root, names[i]);
			missing = stat(dir, &st) == 0 ? NULL : names[i];
		}
	}
	if (missing) {
		md_warnx("the %s controller is not available in %s (cgroup %s)", missing, cg.root,
			 cgroup_mode());
		if (cg.mode == V2)
			md_hint("%s/cgroup.controllers lists the controllers this host offers; "
				"see notes/cgroups.md", cg.root);
		else
			md_hint("no %s/%s hierarchy is mounted; see notes/cgroups.md", cg.root, missing);
		return -1;
	}
	if (geteuid() != 0 && cg.real) {
		md_warnx("limits need root here: creating cgroups under %s is the host's", cg.root);
		md_hint("run with sudo");
		return -1;
	}
	return 0;
}

/* Enable CONTROLLERS for the children of DIR (v2 only). */
static int enable(const char *dir, const char **names, int n)
{
	char path[PATH_MAX], value[64] = "";

	for (int i = 0; i < n; i++)
		snprintf(value + strlen(value), sizeof value - strlen(value), "%s+%s", i ? " " : "", names[i]);
	md_pathf(path, "%s/cgroup.subtree_control", dir);
	return n ? write_file(path, value) : 0;
}

static int mkdir_ok(const char *dir)
{
	if (mkdir(dir, 0755) < 0 && errno != EEXIST) {
		md_warn("mkdir %s", dir);
		return -1;
	}
	return 0;
}

/* Each folder of PARENT in turn, as mkdir -p makes them; on v2, with
 * CONTROLLERS enabled in each for the level below. */
static int make_parent(const char *tree, const char *parent, const char **names, int n)
{
	char rel[PATH_MAX], dir[PATH_MAX];

	snprintf(rel, sizeof rel, "%s", parent);
	for (char *p = rel;; p++) {
		if (*p != '/' && *p != '\0')
			continue;
		char end = *p;
		*p = '\0';
		cg_path(dir, tree, rel, NULL, NULL);
		*p = end;
		if (mkdir_ok(dir) < 0 || (cg.mode == V2 && enable(dir, names, n) < 0))
			return -1;
		if (!end)
			return 0;
	}
}

static int create_v2(const char *parent, const char *id, const struct limits *l)
{
	const char *names[3];
	char dir[PATH_MAX], path[PATH_MAX], value[64];
	int n = needed(l, names);

	/* Controllers are handed down level by level: enabled in the root's
	 * subtree_control for minidocker/, in minidocker/'s for ID/ (and so
	 * on through each folder of a deeper PARENT). */
	if (enable(cg.root, names, n) < 0 || make_parent(NULL, parent, names, n) < 0)
		return -1;
	cg_path(dir, NULL, parent, id, NULL);
	if (mkdir_ok(dir) < 0)
		return -1;
	if (l->memory) {
		/* memory.swap.max 0: the limit holds memory and swap together,
		 * so a hog is killed instead of swapping. */
		snprintf(value, sizeof value, "%lld", l->memory);
		md_pathf(path, "%s/memory.max", dir);
		if (write_file(path, value) < 0)
			return -1;
		md_pathf(path, "%s/memory.swap.max", dir);
		/* Absent where the kernel does not account swap: nothing to hold. */
		if ((access(path, F_OK) == 0 || !cg.real) && write_file(path, "0") < 0)
			return -1;
	}
	if (l->cpus > 0) {
		/* cpu.max "QUOTA PERIOD": QUOTA µs of CPU time per PERIOD µs. */
		snprintf(value, sizeof value, "%ld 100000", (long)(l->cpus * 100000 + 0.5));
		md_pathf(path, "%s/cpu.max", dir);
		if (write_file(path, value) < 0)
			return -1;
	}
	if (l->pids) {
		snprintf(value, sizeof value, "%ld", l->pids);
		md_pathf(path, "%s/pids.max", dir);
		if (write_file(path, value) < 0)
			return -1;
	}
	return 0;
}

static int create_v1(const char *parent, const char *id, const struct limits *l)
{
	char dir[PATH_MAX], path[PATH_MAX], value[64];

	for (int t = 0; t < NTREES; t++) {
		if (make_parent(v1_trees[t], parent, NULL, 0) < 0)
			return -1;
		cg_path(dir, v1_trees[t], parent, id, NULL);
		if (mkdir_ok(dir) < 0)
			return -1;
	}
	if (l->memory) {
		snprintf(value, sizeof value, "%lld", l->memory);
		cg_path(path, "memory", parent, id, "memory.limit_in_bytes");
		if (write_file(path, value) < 0)
			return -1;
		/* memsw: memory plus swap, where the kernel accounts swap; it
		 * may not be below the memory limit, so it comes second. */
		cg_path(path, "memory", parent, id, "memory.memsw.limit_in_bytes");
		if (access(path, F_OK) == 0 && write_file(path, value) < 0)
			return -1;
	}
	if (l->cpus > 0) {
		cg_path(path, "cpu", parent, id, "cpu.cfs_period_us");
		if (write_file(path, "100000") < 0)
			return -1;
		snprintf(value, sizeof value, "%ld", (long)(l->cpus * 100000 + 0.5));
		cg_path(path, "cpu", parent, id, "cpu.cfs_quota_us");
		if (write_file(path, value) < 0)
			return -1;
	}
	if (l->pids) {
		snprintf(value, sizeof value, "%ld", l->pids);
		cg_path(path, "pids", parent, id, "pids.max");
		if (write_file(path, value) < 0)
			return -1;
	}
	return 0;
}

int cgroup_create(const char *parent, const char *id, const struct limits *l)
{
	detect();
	if (cg.mode == NONE || (geteuid() != 0 && cg.real)) {
		const char *names[3];
		return needed(l, names) ? -1 : 0;	/* no cgroup, and none asked for */
	}
	int rc = cg.mode == V2 ? create_v2(parent, id, l) : create_v1(parent, id, l);
	if (rc < 0)
		cgroup_remove(parent, id);
	return rc;
}

/* PID 0 is the caller itself, and on v1 it moves through `tasks`, the
 * file of threads, not `cgroup.procs`: writing a PID, or moving a whole
 * process, takes a lock that every fork on the host shares, and taking it
 * waits for an RCU grace period, 5 to 20 ms; a single thread that moves
 * itself needs no such lock (Linux 5.2, "cgroup: Optimize single thread
 * migration").  minidocker's processes have one thread each.  v2 has no
 * such file: there "0" moves the caller through cgroup.procs, and waits. */
int cgroup_join(const char *parent, const char *id, pid_t pid)
{
	char path[PATH_MAX], value[32];
	struct stat st;

	detect();
	snprintf(value, sizeof value, "%d", (int)pid);
	const char *file = pid == 0 && cg.mode == V1 ? "tasks" : "cgroup.procs";
	for (int t = 0; t < (cg.mode == V1 ? NTREES : 1); t++) {
		cg_path(path, cg.mode == V1 ? v1_trees[t] : NULL, parent, id, NULL);
		if (stat(path, &st) < 0)
			return 0;	/* no cgroup for this container */
		cg_path(path, cg.mode == V1 ? v1_trees[t] : NULL, parent, id, file);
		if (write_file(path, value) < 0)
			return -1;
	}
	return 0;
}

/* SIGKILL whatever is still in DIR, and wait until it is empty: a cgroup
 * with processes cannot be removed.  Only in a real cgroupfs: a scratch
 * folder's cgroup.procs holds stale numbers, not processes. */
static void empty_cgroup(const char *dir)
{
	char path[PATH_MAX];

	if (!cg.real)
		return;
	/* v2 (Linux 5.14): cgroup.kill kills everything in it at once. */
	md_pathf(path, "%s/cgroup.kill", dir);
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd >= 0) {
		if (write(fd, "1", 1) != 1)
			md_warn("write 1 to %s", path);
		close(fd);
	}
	md_pathf(path, "%s/cgroup.procs", dir);
	for (int tries = 0; tries < 500; tries++) {
		FILE *f = fopen(path, "re");
		int pid, any = 0;
		while (f && fscanf(f, "%d", &pid) == 1) {
			kill(pid, SIGKILL);
			any = 1;
		}
		if (f)
			fclose(f);
		if (!any)
			return;
		usleep(10000);
	}
}

void cgroup_remove(const char *parent, const char *id)
{
	char dir[PATH_MAX];
	struct stat st;

	detect();
	for (int t = 0; t < (cg.mode == V1 ? NTREES : cg.mode == V2 ? 1 : 0); t++) {
		cg_path(dir, cg.mode == V1 ? v1_trees[t] : NULL, parent, id, NULL);
		if (stat(dir, &st) < 0)
			continue;
		empty_cgroup(dir);
		/* rmdir(2), not a recursive delete: in a cgroupfs the knobs go
		 * with the folder.  EBUSY for a while after cgroup.procs is
		 * empty: a process leaves that list as it starts to exit, and
		 * the group only once its memory is freed (an OOM-killed hog's
		 * takes a while); seen on cgroup v2 (make test-cgroup2). */
		int rc, tries = 0;
		while ((rc = rmdir(dir)) < 0 && errno == EBUSY && cg.real && tries++ < 500)
			usleep(10000);
		if (rc < 0 && errno != ENOENT)
			md_warn("remove cgroup %s", dir);
	}
}

/* Did the kernel's OOM killer kill a process of container ID?  Its
 * count is oom_kill in memory.events (v2) or memory.oom_control (v1,
 * Linux 4.13 on): the kernel's cgroup-v2.rst and cgroup-v1/memory.rst. */
int cgroup_oom_killed(const char *parent, const char *id)
{
	char path[PATH_MAX], line[128];
	long long kills = 0;

	detect();
	if (cg.mode == NONE)
		return 0;
	cg_path(path, cg.mode == V1 ? "memory" : NULL, parent, id,
		cg.mode == V1 ? "memory.oom_control" : "memory.events");
	FILE *f = fopen(path, "re");
	while (f && fgets(line, sizeof line, f))
		if (sscanf(line, "oom_kill %lld", &kills) == 1)
			break;
	if (f)
		fclose(f);
	return kills > 0;
}

int cgroup_stats(const char *parent, const char *id, struct cg_stats *s)
{
	char path[PATH_MAX];
	struct stat st;

	detect();
	memset(s, 0, sizeof *s);
	if (cg.mode == V2) {
		cg_path(path, NULL, parent, id, NULL);
		if (stat(path, &st) < 0)
			return -1;
		cg_path(path, NULL, parent, id, "memory.current");
		s->memory = read_number(path);
		cg_path(path, NULL, parent, id, "memory.max");
		s->memory_limit = read_number(path);
		cg_path(path, NULL, parent, id, "pids.current");
		s->pids = read_number(path);
		/* cpu.stat's first line: "usage_usec N". */
		cg_path(path, NULL, parent, id, "cpu.stat");
		FILE *f = fopen(path, "re");
		long long usec = 0;
		if (f && fscanf(f, "usage_usec %lld", &usec) == 1)
			s->cpu_ns = usec * 1000;
		if (f)
			fclose(f);
		return 0;
	}
	if (cg.mode != V1)
		return -1;
	cg_path(path, "memory", parent, id, NULL);
	if (stat(path, &st) < 0)
		return -1;
	cg_path(path, "memory", parent, id, "memory.usage_in_bytes");
	s->memory = read_number(path);
	cg_path(path, "memory", parent, id, "memory.limit_in_bytes");
	s->memory_limit = read_number(path);
	if (s->memory_limit >= (1LL << 62))	/* v1's "no limit" */
		s->memory_limit = -1;
	cg_path(path, "pids", parent, id, "pids.current");
	s->pids = read_number(path);
	cg_path(path, "cpuacct", parent, id, "cpuacct.usage");
	s->cpu_ns = read_number(path);
	return 0;
}
