/* Containers on disk: ROOT/containers/ID/state, its locks, and lookup. */
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

static const char *const status_names[] = { "created", "running", "exited" };

void container_path(char *buf, const char *id, const char *file)
{
	md_pathf(buf, "%s/containers/%s%s%s", md_state_root(), id, file ? "/" : "", file ? file : "");
}

/* A value with its backslashes and newlines escaped, so one line holds it. */
static void put_escaped(FILE *f, const char *s)
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

static void unescape(char *s)
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
 * ends; what a crash leaves of it is debris that the next look removes
 * (is_debris), or, if the write was lost, a state reported damaged,
 * with how to remove it. */
int try_save_state(const struct container *c)
{
	char path[PATH_MAX], tmp[PATH_MAX];
	int err;

	container_path(path, c->id, "state");
	md_pathf(tmp, "%s.%d", path, (int)getpid());
	FILE *f = fopen(tmp, "we");
	if (!f)
		return -1;
	fprintf(f, "id=%s\nimage=%s\nstatus=%s\n", c->id, c->image, status_names[c->status]);
	fprintf(f, "created=%lld.%09ld\n", (long long)c->created.tv_sec, c->created.tv_nsec);
	for (int i = 0; i < c->argc; i++) {
		fputs("arg=", f);
		put_escaped(f, c->argv[i]);
		fputc('\n', f);
	}
	fprintf(f, "pid=%d\npid_start=%llu\nmonitor=%d\nmonitor_start=%llu\n",
		(int)c->pid, c->pid_start, (int)c->monitor, c->monitor_start);
	fprintf(f, "exit_code=%d\nfinished=%lld.%09ld\nrm=%d\n", c->exit_code,
		(long long)c->finished.tv_sec, c->finished.tv_nsec, c->autoremove);
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

/* "SECONDS.NANOSECONDS", as save_state writes it. */
static int parse_time(const char *s, struct timespec *t)
{
	long long sec;
	long nsec;
	int end = -1;

	if (sscanf(s, "%lld.%9ld%n", &sec, &nsec, &end) != 2 || end < 0 || s[end] || sec < 0 || nsec < 0)
		return -1;
	t->tv_sec = sec;
	t->tv_nsec = nsec;
	return 0;
}

/* A decimal number from 0 to MAX, and nothing else. */
static int parse_number(const char *s, unsigned long long max, unsigned long long *v)
{
	char *end;

	if (!isdigit((unsigned char)s[0]))
		return -1;
	errno = 0;
	*v = strtoull(s, &end, 10);
	return errno || *end || *v > max ? -1 : 0;
}

/* The keys of a state file, in the order save_state writes them. */
enum { K_ID, K_IMAGE, K_STATUS, K_CREATED, K_ARG, K_PID, K_PID_START, K_MONITOR,
       K_MONITOR_START, K_EXIT_CODE, K_FINISHED, K_RM, NKEYS };
static const char *const keys[NKEYS] = { "id", "image", "status", "created", "arg", "pid",
					 "pid_start", "monitor", "monitor_start", "exit_code",
					 "finished", "rm" };

/* One "key=value" line of a state file into C.  Returns the key (K_...),
 * or -1 if the line is not one that save_state writes. */
static int parse_line(struct container *c, const char *key, char *val)
{
	unsigned long long n;
	int k = 0;

	while (k < NKEYS && strcmp(key, keys[k]))
		k++;
	switch (k) {
	case K_ID:
		if (strlen(val) != 64)
			return -1;
		memcpy(c->id, val, 65);
		return k;
	case K_IMAGE:
		if (!val[0] || strlen(val) >= sizeof c->image)
			return -1;
		memcpy(c->image, val, strlen(val) + 1);
		return k;
	case K_STATUS:
		for (int s = CREATED; s <= EXITED; s++)
			if (!strcmp(val, status_names[s])) {
				c->status = s;
				return k;
			}
		return -1;
	case K_CREATED:
		return parse_time(val, &c->created) < 0 ? -1 : k;
	case K_FINISHED:
		return parse_time(val, &c->finished) < 0 ? -1 : k;
	case K_ARG: {
		char **argv = realloc(c->argv, (c->argc + 2) * sizeof *argv);
		if (!argv)
			md_die("realloc");
		c->argv = argv;
		unescape(val);
		if (!(c->argv[c->argc] = strdup(val)))
			md_die("strdup");
		c->argv[++c->argc] = NULL;
		return k;
	}
	case K_PID_START:
		return parse_number(val, ULLONG_MAX, &c->pid_start) < 0 ? -1 : k;
	case K_MONITOR_START:
		return parse_number(val, ULLONG_MAX, &c->monitor_start) < 0 ? -1 : k;
	case K_PID:
	case K_MONITOR:
		if (parse_number(val, INT_MAX, &n) < 0)
			return -1;
		*(k == K_PID ? &c->pid : &c->monitor) = n;
		return k;
	case K_EXIT_CODE:
	case K_RM:
		if (parse_number(val, k == K_RM ? 1 : 255, &n) < 0)
			return -1;
		*(k == K_RM ? &c->autoremove : &c->exit_code) = n;
		return k;
	}
	return -1;
}

/* Read container ID's state.  STATE_MISSING: it has no state file (yet,
 * or its creation was killed); STATE_DAMAGED: the file is not one that
 * save_state wrote, whole: a line it does not write, a key missing, no
 * newline at the end (cut short), another container's id. */
int load_state(const char *id, struct container *c)
{
	char path[PATH_MAX], *line = NULL;
	size_t cap = 0;
	ssize_t n;
	unsigned seen = 0, bad = 0;

	memset(c, 0, sizeof *c);
	container_path(path, id, "state");
	FILE *f = fopen(path, "re");
	if (!f)
		return errno == ENOENT ? STATE_MISSING : STATE_DAMAGED;
	while (!bad && (n = getline(&line, &cap, f)) > 0) {
		char *val = strchr(line, '=');
		if (line[n - 1] != '\n' || !val) {
			bad = 1;
			break;
		}
		line[n - 1] = '\0';
		*val++ = '\0';
		int k = parse_line(c, line, val);
		/* Every key once, but for one "arg" line per word. */
		bad = k < 0 || (k != K_ARG && (seen & 1u << k));
		if (!bad)
			seen |= 1u << k;
	}
	free(line);
	fclose(f);
	if (bad || seen != (1u << NKEYS) - 1 || strcmp(c->id, id)) {
		drop_command(c);
		return STATE_DAMAGED;
	}
	return STATE_OK;
}

/* An exclusive lock on container ID's folder (flock(2)), shared by create
 * and start (held until the container runs), the end of a run, settle and
 * tidy: whoever holds it may change what is on disk.  The kernel drops a
 * process's locks when it dies, even by SIGKILL, so a lock that can be
 * taken means that no one is in the middle of a change.  WAIT: block
 * until it is free; otherwise -1 at once if someone holds it.  An fd to
 * close, or -1. */
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
	char dir[PATH_MAX];

	if (!orphaned(c))
		return 0;
	if (c->autoremove) {	/* what its run would have done */
		container_path(dir, c->id, NULL);
		md_remove_tree(dir);
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
 * start that was killed.  Whoever reads it first records the truth --
 * but only under the container's lock, after reading the state again: a
 * `start` that holds the lock may just have started it again.  Returns 1
 * if the container was removed (a --rm one, as its run would have). */
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

/* Say that container ID has a state file minidocker cannot read, and how
 * to get rid of it. */
void damaged(const char *id)
{
	char path[PATH_MAX];

	container_path(path, id, "state");
	md_warnx("container %.12s has a damaged state file: %s", id, path);
	container_path(path, id, NULL);
	md_hint("nothing can be done with it but removing it: rm -rf %s", path);
}

/* What a killed minidocker leaves behind, besides the records settle
 * corrects: a folder with no state (killed while it made the container),
 * and a `run --rm` container that is not running (killed before it
 * started it, or before it removed it).  Is container ID, whose state is
 * C, one of those? */
static int is_debris(int state, const struct container *c)
{
	return state == STATE_MISSING || (state == STATE_OK && c->autoremove && c->status != RUNNING);
}

/* Clean up after a killed minidocker, if container ID needs it: there is
 * no `rm` yet to do it.  Return -1 if the container is gone.  Only under
 * the container's lock, taken without waiting: if someone holds it, they
 * are making, starting or finishing the container, and its state is
 * theirs to write.  ROOT/containers is locked around it: between its
 * mkdir and its flock, a new container's folder has no state and no lock,
 * and create_container holds that lock meanwhile. */
static int tidy(const char *id)
{
	struct container c;
	char path[PATH_MAX];

	sweep_temps(id);
	int state = load_state(id, &c), debris = is_debris(state, &c);
	drop_command(&c);
	if (!debris)
		return 0;
	int all = lock_containers();
	int lock = lock_container(id, 0);
	close(all);
	if (lock < 0)
		return errno == ENOENT ? -1 : 0;
	/* Look again, under the lock: it may have changed meanwhile. */
	state = load_state(id, &c);
	debris = is_debris(state, &c);
	drop_command(&c);
	if (debris) {
		container_path(path, id, NULL);
		debris = md_remove_tree(path) == 0;
	}
	close(lock);
	return debris ? -1 : 0;
}

/* Every container id, in no order; tidy sweeps debris on the way. */
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
		if (strlen(e->d_name) != 64 || strspn(e->d_name, "0123456789abcdef") != 64 ||
		    tidy(e->d_name) < 0)
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

/* Find the container that NAME names: its full id, or a unique prefix of
 * one. */
int find_container(const char *name, struct container *c)
{
	char **ids;
	int n = list_ids(&ids), found = 0, state;
	const char *match = NULL;

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
	if (found == 1 && (state = load_state(match, c)) < 0) {
		/* STATE_MISSING: another minidocker is still making it. */
		if (state == STATE_DAMAGED)
			damaged(match);
		else
			md_warnx("no such container: %s", name);
		rc = -1;
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

/* An exclusive lock on ROOT/containers (flock(2)): held while a new
 * container's folder is made and locked (see tidy). */
int lock_containers(void)
{
	char dir[PATH_MAX];

	md_state_dir(dir, "containers", 0700);
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0 || flock(fd, LOCK_EX) < 0)
		md_die("lock %s", dir);
	return fd;
}
