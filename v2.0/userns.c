/* Id ranges (v1.2): whose ids the container's ids are on the host.
 *
 * Until v1.1 the container's root was the caller: host root for `sudo
 * minidocker run`, with one id mapped ("0 0 1").  Now:
 *
 *   caller      map                               how it is written
 *   root        0-65535 -> minidocker's range     by us, into /proc/PID/uid_map
 *   a user      0 -> the user, 1.. -> their range newuidmap(1), newgidmap(1)
 *   a user      0 -> the user (no range)          by us, as v0.7 did
 *
 * The ranges come from /etc/subuid and /etc/subgid (subuid(5)).  Root's
 * is the entry of the name "minidocker", made on first use as podman's
 * "containers" entry for --userns=auto: the name reserves the range, and
 * no login account is needed. */
#include "minidocker.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <sched.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

enum { RANGE = 65536, FIRST_SUB = 100000 };

static const char *const subfile[2] = { "/etc/subuid", "/etc/subgid" };

/* The first range of NAME (or of the number ID, as subuid(5) allows) in
 * FILE: 1 and *START, *COUNT; 0 if it has none. */
static int find_range(const char *file, const char *name, long id, unsigned long *start,
		      unsigned long *count)
{
	char line[512], idtext[32];
	FILE *f = fopen(file, "re");

	snprintf(idtext, sizeof idtext, "%ld", id);
	while (f && fgets(line, sizeof line, f)) {
		char *who = strtok(line, ":\n"), *s = strtok(NULL, ":\n"), *n = strtok(NULL, ":\n");
		if (who && s && n && (!strcmp(who, name) || !strcmp(who, idtext))) {
			*start = strtoul(s, NULL, 10);
			*count = strtoul(n, NULL, 10);
			fclose(f);
			return *count > 0;
		}
	}
	if (f)
		fclose(f);
	return 0;
}

/* Does [START, START+COUNT) overlap a range any entry of FILE holds? */
static int taken(const char *file, unsigned long start, unsigned long count)
{
	char line[512];
	FILE *f = fopen(file, "re");
	int hit = 0;

	while (!hit && f && fgets(line, sizeof line, f)) {
		unsigned long s, n;
		if (sscanf(line, "%*[^:]:%lu:%lu", &s, &n) == 2)
			hit = start < s + n && s < start + count;
	}
	if (f)
		fclose(f);
	return hit;
}

/* Root's range: the entry of "minidocker" in both files; made on first
 * use, at the first free 65536 ids from 100000 on (useradd's defaults,
 * login.defs(5) SUB_UID_MIN), the same start in both.  Under a lock on
 * /etc/subuid, so that two first runs agree. */
static int root_range(unsigned long *start)
{
	unsigned long s[2], n[2];
	int lock = open(subfile[0], O_RDWR | O_CREAT | O_CLOEXEC, 0644);

	if (lock < 0 || flock(lock, LOCK_EX) < 0) {
		md_warn("lock %s", subfile[0]);
		return -1;
	}
	int have = find_range(subfile[0], "minidocker", -1, &s[0], &n[0]) +
		   find_range(subfile[1], "minidocker", -1, &s[1], &n[1]);
	if (have == 0) {
		for (s[0] = FIRST_SUB; taken(subfile[0], s[0], RANGE) || taken(subfile[1], s[0], RANGE);)
			s[0] += RANGE;
		for (int i = 0; i < 2; i++) {
			FILE *f = fopen(subfile[i], "ae");
			if (!f || fprintf(f, "minidocker:%lu:%d\n", s[0], RANGE) < 0 || fclose(f) != 0) {
				md_warn("add minidocker's range to %s", subfile[i]);
				close(lock);
				return -1;
			}
		}
		s[1] = s[0];
		n[0] = n[1] = RANGE;
	}
	close(lock);
	if (s[0] == 0 || s[1] == 0) {
		md_warnx("minidocker's range in /etc/subuid or /etc/subgid starts at 0: it holds root's "
			 "own id, and the container's root would be host root");
		md_hint("delete the minidocker lines of /etc/subuid and /etc/subgid: minidocker makes "
			"new ones, from 100000 on, on its next run");
		return -1;
	}
	if (have == 1 || s[0] != s[1] || n[0] < RANGE || n[1] < RANGE) {
		md_warnx("the entries for minidocker in /etc/subuid and /etc/subgid must both be "
			 "65536 ids, from the same start");
		md_hint("fix them, or delete both lines: minidocker makes new ones on its next run");
		return -1;
	}
	*start = s[0];
	return 0;
}

/* newuidmap or newgidmap on the PATH, as podman finds them. */
static int find_helper(const char *name, char *path)
{
	const char *p = getenv("PATH");
	char dirs[4096];

	snprintf(dirs, sizeof dirs, "%s", p ? p : "/usr/bin:/bin");
	for (char *save, *d = strtok_r(dirs, ":", &save); d; d = strtok_r(NULL, ":", &save)) {
		if (snprintf(path, PATH_MAX, "%s/%s", d, name) < PATH_MAX && access(path, X_OK) == 0)
			return 0;
	}
	return -1;
}

static void one_id(struct idmap *m, unsigned long uid, unsigned long gid)
{
	m->how = MAP_SELF;
	m->n = 1;
	m->uid[0] = (struct idext){ 0, uid, 1 };
	m->gid[0] = (struct idext){ 0, gid, 1 };
}

/* A user's own id as 0, and their ranges as 1 and up (podman rootless). */
static int user_ranges(struct idmap *m)
{
	uid_t uid = getuid();
	gid_t gid = getgid();
	struct passwd *pw = getpwuid(uid);
	const char *name = pw ? pw->pw_name : "";
	unsigned long s[2], n[2];
	char helper[PATH_MAX];

	one_id(m, uid, gid);
	if (!find_range(subfile[0], name, uid, &s[0], &n[0]) ||
	    !find_range(subfile[1], name, uid, &s[1], &n[1])) {
		if (isatty(2)) {
			md_warnx("note: only your own ids are mapped: the container has one user, root");
			md_hint("for 65536 of them (useradd, su and apt-get need them), ask root for a range: "
				"sudo usermod --add-subuids 100000-165535 --add-subgids 100000-165535 %s",
				name[0] ? name : "YOU");
		}
		return 0;
	}
	if ((uid >= s[0] && uid < s[0] + n[0]) || (gid >= s[1] && gid < s[1] + n[1])) {
		md_warnx("your range in /etc/subuid or /etc/subgid (%lu-%lu) holds your own id %d: "
			 "the kernel refuses a map that uses one host id twice",
			 s[0], s[0] + n[0] - 1, (int)uid);
		md_hint("ask root to give %s a range that does not hold your ids (usermod "
			"--del-subuids/--add-subuids)", name);
		return -1;
	}
	if (find_helper("newuidmap", helper) < 0 || find_helper("newgidmap", helper) < 0) {
		md_warnx("%s has a range in /etc/subuid, but newuidmap/newgidmap are not on the PATH",
			 name);
		md_hint("install Debian's uidmap package (sudo apt-get install uidmap; "
			"scripts/install-deps does), or remove the range to map your own id only");
		return -1;
	}
	m->how = MAP_HELPER;
	m->n = 2;
	m->uid[1] = (struct idext){ 1, s[0], n[0] < RANGE - 1 ? n[0] : RANGE - 1 };
	m->gid[1] = (struct idext){ 1, s[1], n[1] < RANGE - 1 ? n[1] : RANGE - 1 };
	return 0;
}

/* The range's root (host uid and gid ID) must walk from / to the state
 * root: its overlay is mounted there and its layers read from there.  A
 * folder above it that others cannot search (mktemp -d makes them 0700)
 * stops it at the first mount with a bare EACCES, after everything was
 * made: say which folder, before anything exists.  The state root itself,
 * if it is ours, let_search opens (below). */
static int range_can_reach(unsigned long id)
{
	char path[PATH_MAX], cwd[PATH_MAX];
	const char *root = md_state_root();
	struct stat st;

	if (root[0] == '/')
		md_pathf(path, "%s", root);
	else if (getcwd(cwd, sizeof cwd))
		md_pathf(path, "%s/%s", strcmp(cwd, "/") ? cwd : "", root);
	else
		return 0;
	for (char *slash = strchr(path + 1, '/');; slash = strchr(slash + 1, '/')) {
		if (slash)
			*slash = '\0';
		if (stat(path, &st) < 0)
			return 0;	/* not there yet: we make it, searchable */
		int ours = !slash && st.st_uid == geteuid();
		int can = (st.st_mode & S_IXOTH) || (st.st_gid == id && (st.st_mode & S_IXGRP));
		if (!ours && !can) {
			md_warnx("the container's root (uid %lu on the host) cannot reach the state root "
				 "%s: %s is mode %04o", id, root, path, (unsigned)(st.st_mode & 07777));
			md_hint("let others search it (chmod o+x %s), or choose a state root outside it", path);
			return -1;
		}
		if (!slash)
			return 0;
		*slash = '/';
	}
}

int userns_choose(struct idmap *m)
{
	unsigned long start;

	memset(m, 0, sizeof *m);
	if (getuid() != 0)
		return user_ranges(m);
	if (root_range(&start) < 0)
		return -1;
	m->how = MAP_RANGE;
	m->n = 1;
	m->uid[0] = m->gid[0] = (struct idext){ 0, start, RANGE };
	return range_can_reach(start);
}

/* "0 100000 65536", or two extents joined by SEP ('\n' for the kernel,
 * ',' for the state file). */
void idmap_text(const struct idext *e, int n, char sep, char *buf, size_t len)
{
	size_t used = 0;

	buf[0] = '\0';
	for (int i = 0; i < n && used < len; i++)
		used += snprintf(buf + used, len - used, "%s%lu %lu %lu", i ? (char[]){ sep, 0 } : "",
				 e[i].inside, e[i].outside, e[i].count);
}

void idmap_parse(const char *text, struct idext *e, int *n)
{
	*n = 0;
	for (const char *p = text; p && *n < 2; p = strchr(p, ',') ? strchr(p, ',') + 1 : NULL)
		if (sscanf(p, "%lu %lu %lu", &e[*n].inside, &e[*n].outside, &e[*n].count) == 3)
			(*n)++;
}

/* Write TEXT to /proc/PID/FILE. */
static int write_proc(pid_t pid, const char *file, const char *text)
{
	char path[64];
	snprintf(path, sizeof path, "/proc/%d/%s", (int)pid, file);
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	ssize_t len = strlen(text);

	if (fd < 0 || write(fd, text, len) != len) {
		md_warn("write '%.*s' to %s", (int)strcspn(text, "\n"), text, path);
		if (fd >= 0)
			close(fd);
		return -1;
	}
	return close(fd);
}

/* newuidmap PID 0 UID 1 1 START COUNT: the setuid helper checks the
 * ranges against /etc/subuid and writes the map for us (newuidmap(1)). */
static int run_helper(const char *name, pid_t pid, const struct idext *e, int n)
{
	char helper[PATH_MAX], args[7][24];
	char *argv[9] = { helper };

	if (find_helper(name, helper) < 0) {
		md_warnx("%s: not found", name);
		return -1;
	}
	snprintf(args[0], sizeof args[0], "%d", (int)pid);
	argv[1] = args[0];
	for (int i = 0; i < n * 3; i++) {
		unsigned long v = i % 3 == 0 ? e[i / 3].inside : i % 3 == 1 ? e[i / 3].outside : e[i / 3].count;
		snprintf(args[i + 1], sizeof args[i + 1], "%lu", v);
		argv[i + 2] = args[i + 1];
	}
	pid_t p = fork();
	if (p < 0)
		return -1;
	if (p == 0) {
		execv(helper, argv);
		_exit(127);
	}
	int status = wait_for(p);
	if (status != 0) {
		md_warnx("%s for PID %d failed (exit status %d)", name, (int)pid, status);
		md_hint("newuidmap checks your ranges in /etc/subuid and /etc/subgid; see subuid(5)");
		return -1;
	}
	return 0;
}

/* The maps of the child PID's user namespace (user_namespaces(7), "User
 * and group ID mappings").  With one id, setgroups(2) is denied first, as
 * an unprivileged writer must (CVE-2014-8989).  With a range, groups are
 * allowed: `su` and `useradd` need them, and every id the container can
 * take is one of its own range. */
int userns_write_maps(pid_t pid, const struct idmap *m)
{
	char map[128];

	if (m->how == MAP_HELPER)
		return run_helper("newuidmap", pid, m->uid, m->n) < 0 ||
		       run_helper("newgidmap", pid, m->gid, m->n) < 0 ? -1 : 0;
	idmap_text(m->uid, m->n, '\n', map, sizeof map);
	if (write_proc(pid, "uid_map", map) < 0)
		return -1;
	if (m->how == MAP_SELF && write_proc(pid, "setgroups", "deny") < 0)
		return -1;
	idmap_text(m->gid, m->n, '\n', map, sizeof map);
	return write_proc(pid, "gid_map", map);
}

/* In the child, once the maps are written: become the namespace's root.
 * clone(2) kept our credentials, host uid 0 for `sudo minidocker`, which
 * a range does not map: the process would still be host root to every
 * file and to /proc/sys.  Groups first, while we may still change them. */
void userns_become_root(const struct idmap *m)
{
	if (setresgid(0, 0, 0) < 0)
		md_die("setresgid 0 in the container's user namespace");
	if (m->how != MAP_SELF && setgroups(0, NULL) < 0)
		md_die("setgroups in the container's user namespace");
	if (setresuid(0, 0, 0) < 0)
		md_die("setresuid 0 in the container's user namespace");
	userns_rearm_pdeathsig();
}

/* A change of effective uid or gid clears the parent-death signal
 * (prctl(2), PR_SET_PDEATHSIG): without it again, a minidocker killed by
 * SIGKILL would leave its container running. */
void userns_rearm_pdeathsig(void)
{
	if (prctl(PR_SET_PDEATHSIG, SIGKILL) < 0)
		md_die("prctl PR_SET_PDEATHSIG");
}

/* The host id of the container's id ID (from E), or -1 if unmapped. */
long idmap_outside(const struct idext *e, int n, unsigned long id)
{
	for (int i = 0; i < n; i++)
		if (id >= e[i].inside && id < e[i].inside + e[i].count)
			return e[i].outside + (id - e[i].inside);
	return -1;
}

long idmap_inside(const struct idext *e, int n, unsigned long id)
{
	for (int i = 0; i < n; i++)
		if (id >= e[i].outside && id < e[i].outside + e[i].count)
			return e[i].inside + (id - e[i].outside);
	return -1;
}

/* Run FN(ARG) as root of a user namespace with M's maps, and return its
 * result.  A user cannot remove or copy what their container's other ids
 * made (their range's ids are not theirs on the host); the namespace's
 * root can.  Root, and a user with one id, need no namespace. */
int userns_run_as(const struct idmap *m, int (*fn)(void *), void *arg)
{
	int ready[2], go[2];
	char byte = 0;

	if (m->how != MAP_HELPER)
		return fn(arg);
	if (pipe2(ready, O_CLOEXEC) < 0 || pipe2(go, O_CLOEXEC) < 0)
		md_die("pipe");
	pid_t pid = fork();
	if (pid < 0)
		md_die("fork");
	if (pid == 0) {
		close(ready[0]);
		close(go[1]);
		if (unshare(CLONE_NEWUSER) < 0)
			md_die("unshare a user namespace");
		if (write(ready[1], "1", 1) != 1 || read(go[0], &byte, 1) != 1)
			_exit(1);
		userns_become_root(m);
		_exit(fn(arg) < 0);
	}
	close(ready[1]);
	close(go[0]);
	int ok = read(ready[0], &byte, 1) == 1 && userns_write_maps(pid, m) == 0 &&
		 write(go[1], "1", 1) == 1;
	close(ready[0]);
	close(go[1]);
	return wait_for(pid) == 0 && ok ? 0 : -1;
}

/* Open the folder PATH without following a symlink (open(2),
 * O_NOFOLLOW), for fchmod and fchown: a symlink planted in its place
 * must not turn our chmod onto /etc. */
static int open_dir(const char *path)
{
	int fd = open(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);

	if (fd < 0)
		md_die("open %s", path);
	return fd;
}

/* Give our folder PATH to OWNER:GROUP with MODE. */
static void set_dir(const char *path, uid_t owner, gid_t group, mode_t mode)
{
	int fd = open_dir(path);

	if (fchown(fd, owner, group) < 0 || fchmod(fd, mode) < 0)
		md_die("chmod %s", path);
	close(fd);
}

/* The state root may be any folder of the caller's (--root): never
 * narrowed, only given the search bits the range needs, and only if it
 * is the caller's own. */
static void let_search(const char *path)
{
	int fd = open_dir(path);
	struct stat st;

	if (fstat(fd, &st) < 0)
		md_die("stat %s", path);
	if ((st.st_mode & 0011) != 0011 && st.st_uid == geteuid() &&
	    fchmod(fd, (st.st_mode & 07777) | 0011) < 0)
		md_die("chmod %s", path);
	close(fd);
}

/* The container's root (host id START) mounts its overlay at
 * ROOT/containers/ID/rootfs, and in the fallback reads its layers from
 * ROOT/shifted/START: it must be able to walk there.  ROOT and
 * ROOT/containers get o+x (enter, but not list); ROOT/containers/ID is
 * 0710 root:START, as Docker's userns-remap makes its folders: the range
 * (its processes have gid START) may pass, other users may not, so none
 * of them can run a setuid-START file the container put in upper/ and
 * become every container's root.  The images, whose setuid files must
 * stay out of other users' reach, 0700.  Its own folders become its own. */
void userns_prepare_dirs(const struct container *c)
{
	static const char *const mine[] = { "rootfs", "upper", "work" };
	char path[PATH_MAX];
	uid_t uid = c->map.uid[0].outside;
	gid_t gid = c->map.gid[0].outside;

	if (c->map.how != MAP_RANGE)
		return;
	md_state_dir(path, "images", 0700);
	set_dir(path, 0, 0, 0700);
	let_search(md_state_root());
	md_state_dir(path, "containers", 0711);
	set_dir(path, 0, 0, 0711);
	container_path(path, c->id, NULL);
	int dfd = open_dir(path);
	if (fchown(dfd, 0, gid) < 0 || fchmod(dfd, 0710) < 0)
		md_die("chmod %s", path);
	for (int i = 0; i < 3; i++)
		if (fchownat(dfd, mine[i], uid, gid, AT_SYMLINK_NOFOLLOW) < 0)
			md_die("chown %s/%s", path, mine[i]);
	close(dfd);
}

static int remove_fn(void *path)
{
	return md_remove_tree(path);
}

int remove_container_dir(const struct container *c)
{
	char dir[PATH_MAX];

	container_path(dir, c->id, NULL);
	return userns_run_as(&c->map, remove_fn, dir);
}

struct copy_args {
	const char *from, *to;
};

static int copy_fn(void *arg)
{
	struct copy_args *a = arg;
	return md_copy_tree(a->from, a->to);
}

/* commit: a copy of C's upper layer whose ids are the container's own
 * again, so that the image is the same whoever runs it. */
int copy_upper(const struct container *c, const char *upper, const char *to)
{
	struct copy_args a = { upper, to };

	if (userns_run_as(&c->map, copy_fn, &a) < 0)
		return -1;
	return c->map.how == MAP_RANGE ? shift_ids(to, &c->map, 0) : 0;
}
