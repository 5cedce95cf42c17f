/* Containers on disk: ROOT/containers/ID/state, names and lookup (v0.8,
 * plus names, plus limits). */
#include "minidocker.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

static const char *const status_names[] = { "created", "running", "exited", "dead" };
static const char *const map_names[] = { "self", "range", "newuidmap" };	/* v1.2 */


void container_path(char *buf, const char *id, const char *file)
{
	md_pathf(buf, "%s/containers/%s%s%s", md_state_root(), id, file ? "/" : "", file ? file : "");
}

/* A value with its backslashes and newlines escaped, so one line holds it.
 * v1.5: config.c's too. */
void put_escaped(FILE *f, const char *s)
{
	for (; *s; s++) {
		if (*s == '\\')
			fputs("\\\\", f);
		else if (*s == '\n')
			fputs("\\n", f);
		else
			fputc(*s, f);
	}
}

void unescape(char *s)
{
	char *out = s;
	for (; *s; s++) {
		if (*s == '\\' && s[1]) {
			s++;
			*out++ = *s == 'n' ? '\n' : *s;
		} else {
			*out++ = *s;
		}
	}
	*out = '\0';
}

/* A state.PID temporary that its writer, now dead, never renamed (it was
 * killed in between): nobody will finish it. */
static void sweep_temps(const char *id)
{
	char dir[PATH_MAX], path[PATH_MAX];
	struct dirent *e;

	container_path(dir, id, NULL);
	DIR *d = opendir(dir);
	while (d && (e = readdir(d))) {
		char *end;
		long pid = strncmp(e->d_name, "state.", 6) ? 0 : strtol(e->d_name + 6, &end, 10);
		if (pid > 0 && !*end && kill(pid, 0) < 0 && errno == ESRCH) {
			md_pathf(path, "%s/%s", dir, e->d_name);
			unlink(path);
		}
	}
	if (d)
		closedir(d);
}

/* Write the state file atomically: a reader (ps, another minidocker) sees
 * the old file or the new one, never half of one.  Write a temporary file
 * beside it, flush it to disk, and rename(2) it over the old one.
 * An --rm container's is not flushed (fsync(2) takes a millisecond or
 * more, at each save of a run): its folder goes when its command
 * ends; what a crash leaves of it is removed at the next look, or, if
 * the write was lost, shown as Dead, which rm removes. */
int try_save_state(const struct container *c)
{
	char path[PATH_MAX], tmp[PATH_MAX];
	int err;

	container_path(path, c->id, "state");
	md_pathf(tmp, "%s.%d", path, (int)getpid());
	FILE *f = fopen(tmp, "we");
	if (!f)
		return -1;
	fprintf(f, "id=%s\nname=%s\nimage=%s\nstatus=%s\n", c->id, c->name, c->image,
		status_names[c->status]);
	fprintf(f, "tty=%d\ninteractive=%d\nautoremove=%d\n", c->tty, c->interactive, c->autoremove);
	fprintf(f, "memory=%lld\ncpus=%g\npids_limit=%ld\n", c->limits.memory, c->limits.cpus,
		c->limits.pids);
	fprintf(f, "cgroup_parent=%s\n", c->cgroup_parent);
	fprintf(f, "image_id=%s\n", c->image_id);	/* v1.6 */
	fprintf(f, "created=%lld.%09ld\n", (long long)c->created.tv_sec, c->created.tv_nsec);
	for (int i = 0; i < c->argc; i++) {
		fputs("arg=", f);
		put_escaped(f, c->argv[i]);
		fputc('\n', f);
	}
	fprintf(f, "pid=%d\npid_start=%llu\nmonitor=%d\nmonitor_start=%llu\n",
		(int)c->pid, c->pid_start, (int)c->monitor, c->monitor_start);
	fprintf(f, "exit_code=%d\nfinished=%lld.%09ld\n", c->exit_code,
		(long long)c->finished.tv_sec, c->finished.tv_nsec);
	fprintf(f, "started=%lld.%09ld\n", (long long)c->started.tv_sec, c->started.tv_nsec);	/* v1.5 */
	/* v1.2: the ids it runs as on the host, and what it may do. */
	char map[128];
	idmap_text(c->map.uid, c->map.n, ',', map, sizeof map);
	fprintf(f, "map=%s\nuid_map=%s\n", map_names[c->map.how], map);
	idmap_text(c->map.gid, c->map.n, ',', map, sizeof map);
	fprintf(f, "gid_map=%s\nlayers=%s\n", map, c->layers);
	fprintf(f, "user=%s\ncaps=%016llx\nno_new_privs=%d\n", c->sec.user, c->sec.caps, c->sec.nnp);
	fprintf(f, "seccomp=%s\n", c->sec.seccomp ? "default" : "unconfined");	/* v1.3 */
	/* v1.3: its mounts, for start to make the same again. */
	fprintf(f, "read_only=%d\nshm_size=%lld\n", c->mounts.read_only, c->mounts.shm_size);
	for (int i = 0; i < c->mounts.ntmpfs; i++)
		fprintf(f, "tmpfs=%s\n", c->mounts.tmpfs[i]);
	net_save(f, &c->net);	/* v1.4 */
	config_save(f, &c->cfg);	/* v1.5: env=, workdir=, entrypoint=, mount= */
	if (fflush(f) != 0 || (!c->autoremove && fsync(fileno(f)) < 0) || fclose(f) != 0 ||
	    rename(tmp, path) < 0) {
		err = errno;
		unlink(tmp);
		errno = err;
		return -1;
	}
	sweep_temps(c->id);
	return 0;
}

void save_state(const struct container *c)
{
	char path[PATH_MAX];

	if (try_save_state(c) < 0) {
		container_path(path, c->id, "state");
		md_die("write %s", path);
	}
}

static void parse_time(const char *s, struct timespec *t)
{
	long long sec = 0;
	long nsec = 0;
	sscanf(s, "%lld.%ld", &sec, &nsec);
	t->tv_sec = sec;
	t->tv_nsec = nsec;
}

/* v1.2's lines: the map, the layers, user, capabilities, nnp; v1.3's
 * mounts. */
static void load_security(struct container *c, const char *key, const char *val)
{
	if (!strcmp(key, "map"))
		c->map.how = !strcmp(val, "range") ? MAP_RANGE : !strcmp(val, "newuidmap") ? MAP_HELPER : MAP_SELF;
	else if (!strcmp(key, "uid_map"))
		idmap_parse(val, c->map.uid, &c->map.n);
	else if (!strcmp(key, "gid_map"))
		idmap_parse(val, c->map.gid, &c->map.n);
	else if (!strcmp(key, "layers"))
		snprintf(c->layers, sizeof c->layers, "%s", val);
	else if (!strcmp(key, "user"))
		snprintf(c->sec.user, sizeof c->sec.user, "%s", val);
	else if (!strcmp(key, "caps"))
		c->sec.caps = strtoull(val, NULL, 16);
	else if (!strcmp(key, "no_new_privs"))
		c->sec.nnp = atoi(val);
	else if (!strcmp(key, "seccomp"))	/* v1.3 */
		c->sec.seccomp = strcmp(val, "unconfined") != 0;
	else if (!strcmp(key, "read_only"))	/* v1.3 */
		c->mounts.read_only = atoi(val);
	else if (!strcmp(key, "shm_size") && atoll(val) > 0)
		c->mounts.shm_size = atoll(val);
	else if (!strcmp(key, "tmpfs") && c->mounts.ntmpfs < MAX_TMPFS)
		snprintf(c->mounts.tmpfs[c->mounts.ntmpfs++], sizeof c->mounts.tmpfs[0], "%s", val);
}

/* Read a container's state; 0 on success, -1 if it has none. */
int load_state(const char *id, struct container *c)
{
	char path[PATH_MAX], *line = NULL;
	size_t cap = 0;
	ssize_t n;

	memset(c, 0, sizeof *c);
	/* A state file from before --cgroup-parent: the default. */
	snprintf(c->cgroup_parent, sizeof c->cgroup_parent, "minidocker");
	/* v1.2: a container an earlier stage made has none of v1.2's lines:
	 * it keeps the one-id map it was made with, and Docker's caps. */
	c->map = (struct idmap){ MAP_SELF, 1, { { 0, getuid(), 1 } }, { { 0, getgid(), 1 } } };
	c->sec.caps = caps_default();
	c->sec.seccomp = 1;	/* v1.3: and its filter (built by exec) */
	c->sec.filter = -1;
	c->mounts.shm_size = 64 << 20;	/* v1.3: Docker's /dev/shm */
	container_path(path, id, "state");
	FILE *f = fopen(path, "re");
	if (!f)
		return -1;
	while ((n = getline(&line, &cap, f)) > 0) {
		if (line[n - 1] == '\n')
			line[n - 1] = '\0';
		char *val = strchr(line, '=');
		if (!val)
			continue;
		*val++ = '\0';
		if (!strcmp(line, "id"))
			snprintf(c->id, sizeof c->id, "%s", val);
		else if (!strcmp(line, "name"))
			snprintf(c->name, sizeof c->name, "%s", val);
		else if (!strcmp(line, "tty"))
			c->tty = atoi(val);
		else if (!strcmp(line, "interactive"))
			c->interactive = atoi(val);
		else if (!strcmp(line, "autoremove"))
			c->autoremove = atoi(val);
		else if (!strcmp(line, "memory"))
			c->limits.memory = atoll(val);
		else if (!strcmp(line, "cpus"))
			c->limits.cpus = atof(val);
		else if (!strcmp(line, "pids_limit"))
			c->limits.pids = atol(val);
		else if (!strcmp(line, "cgroup_parent") && valid_cgroup_parent(val))
			snprintf(c->cgroup_parent, sizeof c->cgroup_parent, "%s", val);
		else if (!strcmp(line, "image"))
			snprintf(c->image, sizeof c->image, "%s", val);
		else if (!strcmp(line, "image_id") && is_hex64(val))	/* v1.6 */
			snprintf(c->image_id, sizeof c->image_id, "%s", val);
		else if (!strcmp(line, "status"))
			c->status = !strcmp(val, "running") ? RUNNING : !strcmp(val, "exited") ? EXITED : CREATED;
		else if (!strcmp(line, "created"))
			parse_time(val, &c->created);
		else if (!strcmp(line, "finished"))
			parse_time(val, &c->finished);
		else if (!strcmp(line, "started"))	/* v1.5 */
			parse_time(val, &c->started);
		else if (!strcmp(line, "arg")) {
			unescape(val);
			c->argv = realloc(c->argv, (c->argc + 2) * sizeof *c->argv);
			if (!c->argv)
				md_die("realloc");
			if (!(c->argv[c->argc++] = strdup(val)))
				md_die("strdup");
			c->argv[c->argc] = NULL;
		} else if (!strcmp(line, "pid"))
			c->pid = atoi(val);
		else if (!strcmp(line, "pid_start"))
			c->pid_start = strtoull(val, NULL, 10);
		else if (!strcmp(line, "monitor"))
			c->monitor = atoi(val);
		else if (!strcmp(line, "monitor_start"))
			c->monitor_start = strtoull(val, NULL, 10);
		else if (!strcmp(line, "exit_code"))
			c->exit_code = atoi(val);
		else if (config_load(&c->cfg, line, val))	/* v1.5 */
			;
		else if (!net_load(&c->net, line, val))	/* v1.4 */
			load_security(c, line, val);	/* v1.2 */
	}
	free(line);
	fclose(f);
	return c->id[0] && c->argc ? 0 : -1;
}

/* An exclusive lock on container ID's folder (flock(2)), shared by start
 * (held until the container runs), rm, settle and rmi: whoever holds it
 * may change what is on disk.  WAIT: block until it is free; otherwise
 * -1 at once if someone holds it.  An fd to close, or -1. */
int lock_container(const char *id, int wait)
{
	char dir[PATH_MAX];

	container_path(dir, id, NULL);
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	if (flock(fd, LOCK_EX | (wait ? 0 : LOCK_NB)) < 0) {
		close(fd);
		return -1;
	}
	return fd;
}

/* Is C the record of a start or a run that was killed?  Its monitor (the
 * minidocker that started it and would have recorded its end) is dead,
 * and so is its PID 1, which the kernel killed with it (PR_SET_PDEATHSIG). */
static int orphaned(const struct container *c)
{
	if (c->status == RUNNING)
		return !alive(c->pid, c->pid_start) && !alive(c->monitor, c->monitor_start);
	return c->status == CREATED && c->monitor && !alive(c->monitor, c->monitor_start);
}

/* settle, for a caller that holds C's lock and has just read its state. */
int settle_locked(struct container *c)
{
	if (!orphaned(c))
		return 0;
	/* Its monitor cannot remove its cgroups any more: we do. */
	cgroup_remove(c->cgroup_parent, c->id);
	net_release(c);	/* v1.4: nor give back its address and ports */
	if (c->autoremove) {	/* what its run would have done */
		remove_container_dir(c);	/* v1.2 */
		return 1;
	}
	if (c->status == RUNNING) {
		/* Killed with its minidocker: 137.  When is unknown: no time. */
		c->status = EXITED;
		c->exit_code = 128 + SIGKILL;
		c->finished.tv_sec = c->finished.tv_nsec = 0;
	}
	c->monitor = 0;
	c->monitor_start = 0;
	try_save_state(c);
	return 0;
}

/* The state file may say "running" about a container whose minidocker was
 * killed (SIGKILL leaves no chance to write "exited"), or "created" by a
 * start that was killed.  Whoever reads it first records the truth, and
 * removes what is left (cgroup_remove is idempotent) -- but only under the
 * container's lock, after reading the state again: a `start` that holds
 * the lock may just have made a new cgroup, which must stay.  Returns 1
 * if the container was removed (a --rm one). */
int settle(struct container *c)
{
	if (!orphaned(c))
		return 0;
	int lock = lock_container(c->id, 0);
	if (lock < 0) {
		/* Someone is starting or removing it; show it as it ends. */
		if (c->status == RUNNING) {
			c->status = EXITED;
			c->exit_code = 128 + SIGKILL;
			c->finished.tv_sec = c->finished.tv_nsec = 0;
		}
		return 0;
	}
	struct container now;
	int removed = 0;
	if (load_state(c->id, &now) == 0) {	/* C is not NOW: c->id is intact */
		removed = settle_locked(&now);
		for (int i = 0; i < c->argc; i++)	/* load_state's */
			free(c->argv[i]);
		free(c->argv);
		*c = now;
	}
	close(lock);
	return removed;
}

/* Every container id, newest first would need the states: just the ids. */
int list_ids(char ***ids)
{
	char dir[PATH_MAX];
	int n = 0;

	*ids = NULL;
	md_pathf(dir, "%s/containers", md_state_root());
	DIR *d = opendir(dir);
	if (!d) {
		if (errno == ENOENT)
			return 0;
		md_die("open %s", dir);
	}
	struct dirent *e;
	while ((e = readdir(d))) {
		if (strlen(e->d_name) != 64 || strspn(e->d_name, "0123456789abcdef") != 64)
			continue;
		*ids = realloc(*ids, (n + 1) * sizeof **ids);
		if (!*ids)
			md_die("realloc");
		if (!((*ids)[n++] = strdup(e->d_name)))
			md_die("strdup");
	}
	closedir(d);
	return n;
}

void free_ids(char **ids, int n)
{
	for (int i = 0; i < n; i++)
		free(ids[i]);
	free(ids);
}

/* Find the container that NAME names: first by name, then by full id or
 * unique prefix of an id, as Docker does. */
int find_container(const char *name, struct container *c)
{
	char **ids;
	int n = list_ids(&ids), found = 0;
	const char *match = NULL;
	struct container tmp;

	for (int i = 0; i < n && !match; i++)
		if (load_state(ids[i], &tmp) == 0 && !strcmp(tmp.name, name))
			match = ids[i], found = 1;
	for (int i = 0; i < n && !match; i++)
		if (!strcmp(ids[i], name))
			match = ids[i], found = 1;
	if (!match)
		for (int i = 0; i < n; i++)
			if (name[0] && !strncmp(ids[i], name, strlen(name))) {
				found++;
				match = ids[i];
			}
	if (found == 0)
		md_warnx("no such container: %s", name);
	else if (found > 1)
		md_warnx("'%s' is ambiguous: %d containers have ids starting with it", name, found);
	int rc = found == 1 ? 0 : -1;
	if (found == 1 && load_state(match, c) < 0) {
		md_warnx("container %s has no readable state", name);
		snprintf(c->id, sizeof c->id, "%s", match);	/* for rm */
		rc = -2;
	} else if (found == 1 && settle(c)) {
		md_warnx("no such container: %s (its run was killed; it was a --rm one)", name);
		rc = -1;
	}
	free_ids(ids, n);
	return rc;
}

int is_running(const struct container *c)
{
	return c->status == RUNNING && alive(c->pid, c->pid_start);
}

/* Docker's rule: a letter or digit, then letters, digits, '_', '.', '-'. */
int valid_name(const char *name)
{
	size_t len = strlen(name);
	return len >= 2 && len < 64 && isalnum((unsigned char)name[0]) &&
	       strspn(name, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.-") == len;
}

int name_in_use(const char *name, char *owner_id)
{
	char **ids;
	int n = list_ids(&ids), used = 0;
	struct container c;

	for (int i = 0; i < n && !used; i++)
		if (load_state(ids[i], &c) == 0 && !strcmp(c.name, name)) {
			used = 1;
			snprintf(owner_id, 65, "%s", c.id);
		}
	free_ids(ids, n);
	return used;
}

/* Names as Docker makes them, "adjective_surname", after people whose work
 * this course stands on. */
void random_name(char *buf, size_t len)
{
	static const char *const adj[] = { "admiring", "brave", "clever", "dreamy", "eager",
		"focused", "gentle", "happy", "jolly", "keen", "lucid", "modest", "nifty",
		"quirky", "serene", "sharp", "tender", "vibrant", "wise", "zealous" };
	static const char *const who[] = { "babbage", "cerf", "dijkstra", "hopper", "knuth",
		"lamport", "liskov", "lovelace", "mccarthy", "noether", "pike", "ritchie",
		"shannon", "thompson", "torvalds", "turing", "wirth", "hamilton", "allen", "kernighan" };
	char owner[65], id[65];

	for (int tries = 0;; tries++) {
		md_new_id(id);	/* 64 random hex digits: take a few */
		unsigned a = strtoul((char[]){ id[0], id[1], id[2], 0 }, NULL, 16);
		unsigned b = strtoul((char[]){ id[3], id[4], id[5], 0 }, NULL, 16);
		if (tries < 10)
			snprintf(buf, len, "%s_%s", adj[a % 20], who[b % 20]);
		else
			snprintf(buf, len, "%s_%s%u", adj[a % 20], who[b % 20], a % 100);
		if (!name_in_use(buf, owner))
			return;
	}
}

/* An exclusive lock on ROOT/containers (flock(2)): held while a name is
 * checked and claimed, so two runs cannot take the same name. */
int lock_containers(void)
{
	char dir[PATH_MAX];

	md_state_dir(dir, "containers", 0700);
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0 || flock(fd, LOCK_EX) < 0)
		md_die("lock %s", dir);
	return fd;
}
