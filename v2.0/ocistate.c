/* The OCI runtime's containers on disk, their status, and the hooks.
 *
 * Each container is a folder ROOT/ID (ROOT: --root, /run/minidocker-oci
 * by default; both 0700, since the state names host paths and PIDs):
 *
 *   state.json  what create recorded: the init's PID and start time, the
 *               bundle, the cgroup, the annotations and hooks of config.json
 *   exec.fifo   while the container is "created": its init is blocked
 *               opening it for writing; `start` opens it for reading
 *
 * The status is never stored, it is seen (as runc does): the init gone
 * (or a zombie, or another process that got its PID) is "stopped"; alive
 * with the fifo still there, "created"; alive without it, "running".
 * While create is at work, state.json names it ("creator"): "creating",
 * the runtime spec's status for that (runc says "does not exist" then);
 * a create that died before it was done left a container that never
 * was: "stopped".
 *
 * Hooks (the runtime spec's config.md, "POSIX-platform Hooks") are
 * programs run with the container's state as JSON on their stdin; a
 * timeout, in seconds, kills one that takes too long. */
#include "minidocker.h"
#include "oci.h"

#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static const char *root = "/run/minidocker-oci";

void oci_set_root(const char *dir)
{
	root = dir;
}

/* ROOT made if missing, 0700: the states name host paths. */
int oci_root_make(void)
{
	char path[PATH_MAX];

	md_pathf(path, "%s", root);
	for (char *p = path + 1;; p++) {
		if (*p != '/' && *p != '\0')
			continue;
		char end = *p;
		*p = '\0';
		if (mkdir(path, end ? 0755 : 0700) < 0 && errno != EEXIST) {
			md_warn("create the state folder %s", path);
			return -1;
		}
		*p = end;
		if (!end)
			return 0;
	}
}

void oci_path(char *buf, const char *id, const char *file)
{
	md_pathf(buf, "%s/%s%s%s", root, id, file ? "/" : "", file ? file : "");
}

/* runc's rule for ids: letters, digits, '_', '+', '-', '.'; never "." or
 * "..", which would name ROOT or its parent. */
int oci_valid_id(const char *id)
{
	static const char ok[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_+-.";
	size_t n = strlen(id);

	if (n == 0 || n > 1024 || strspn(id, ok) != n || !strcmp(id, ".") || !strcmp(id, "..")) {
		md_warnx("invalid id format: %s", id);
		return 0;
	}
	return 1;
}

static char *dup_string(json_t *o, const char *key)
{
	const char *v = json_string_value(json_object_get(o, key));
	char *s = strdup(v ? v : "");

	if (!s)
		md_die("strdup");
	return s;
}

int oci_state_load(const char *id, struct oci_state *st)
{
	char path[PATH_MAX];
	json_error_t err;

	memset(st, 0, sizeof *st);
	if (!oci_valid_id(id))
		return -1;
	/* The container's folder itself, never followed: a symbolic link
	 * put in its place would have us read, and delete remove, what it
	 * points to (runc removes only the link). */
	struct stat sb;
	oci_path(path, id, NULL);
	if (lstat(path, &sb) == 0 && !S_ISDIR(sb.st_mode)) {
		md_warnx("container \"%s\": %s is not a folder (a symbolic link?): refused", id, path);
		return -1;
	}
	oci_path(path, id, "state.json");
	json_t *j = json_load_file(path, 0, &err);
	if (!j && access(path, F_OK) < 0) {
		md_warnx("container \"%s\" does not exist", id);
		return -1;
	}
	if (!j || !json_is_object(j)) {
		md_warnx("read the state of container \"%s\": %s: %s", id, path, j ? "not an object" : err.text);
		json_decref(j);
		return -1;
	}
	snprintf(st->id, sizeof st->id, "%s", id);
	st->pid = json_integer_value(json_object_get(j, "pid"));
	st->pid_start = json_integer_value(json_object_get(j, "pid_start"));
	st->creator = json_integer_value(json_object_get(j, "creator"));
	st->creator_start = json_integer_value(json_object_get(j, "creator_start"));
	st->no_new_keyring = json_is_true(json_object_get(j, "noNewKeyring"));
	st->bundle = dup_string(j, "bundle");
	st->rootfs = dup_string(j, "rootfs");
	st->created = dup_string(j, "created");
	st->cgroup = dup_string(j, "cgroup");
	st->version = dup_string(j, "ociVersion");
	st->annotations = json_incref(json_object_get(j, "annotations"));
	st->hooks = json_incref(json_object_get(j, "hooks"));
	json_decref(j);
	return 0;
}

int oci_state_save(const struct oci_state *st)
{
	char path[PATH_MAX], tmp[PATH_MAX];
	json_t *j = json_pack("{s:s, s:s, s:I, s:I, s:s, s:s, s:s, s:s}", "ociVersion", st->version,
			      "id", st->id, "pid", (json_int_t)st->pid, "pid_start",
			      (json_int_t)st->pid_start, "bundle", st->bundle, "rootfs", st->rootfs,
			      "created", st->created, "cgroup", st->cgroup);

	if (!j)
		oci_fail("state of %s: not valid UTF-8", st->id);
	if (st->creator) {
		json_object_set_new(j, "creator", json_integer(st->creator));
		json_object_set_new(j, "creator_start", json_integer(st->creator_start));
	}
	if (st->no_new_keyring)
		json_object_set_new(j, "noNewKeyring", json_true());
	if (st->annotations)
		json_object_set(j, "annotations", st->annotations);
	if (st->hooks)
		json_object_set(j, "hooks", st->hooks);
	oci_path(path, st->id, "state.json");
	oci_path(tmp, st->id, "state.json.tmp");
	/* A new file renamed over the old: a reader sees one or the other. */
	int rc = json_dump_file(j, tmp, JSON_COMPACT);
	json_decref(j);
	if (rc < 0 || rename(tmp, path) < 0) {
		md_warn("write %s", path);
		unlink(tmp);
		return -1;
	}
	return 0;
}

void oci_state_free(struct oci_state *st)
{
	free(st->bundle);
	free(st->rootfs);
	free(st->created);
	free(st->cgroup);
	free(st->version);
	json_decref(st->annotations);
	json_decref(st->hooks);
	memset(st, 0, sizeof *st);
}

enum oci_status oci_status(const struct oci_state *st)
{
	char fifo[PATH_MAX];

	if (st->creator)
		return alive(st->creator, st->creator_start) ? OCI_CREATING : OCI_STOPPED;
	if (!alive(st->pid, st->pid_start))
		return OCI_STOPPED;
	oci_path(fifo, st->id, "exec.fifo");
	if (access(fifo, F_OK) == 0)
		return OCI_CREATED;
	char parent[PATH_MAX];
	const char *id;
	oci_cgroup_split(st->cgroup, parent, sizeof parent, &id);
	return st->cgroup[0] && cgroup_frozen(parent, id) ? OCI_PAUSED : OCI_RUNNING;
}

const char *oci_status_name(enum oci_status s)
{
	static const char *const names[] = { "creating", "created", "running", "stopped", "paused" };
	return names[s];
}

/* The state as the runtime spec's runtime.md has it, for hooks; FULL:
 * with what `runc state` adds (rootfs, created, owner). */
json_t *oci_state_json(const struct oci_state *st, enum oci_status s, int full)
{
	json_t *j = json_pack("{s:s, s:s, s:I, s:s, s:s}", "ociVersion", st->version, "id", st->id,
			      "pid", (json_int_t)(s == OCI_STOPPED ? 0 : st->pid), "status",
			      oci_status_name(s), "bundle", st->bundle);

	if (!j)
		oci_fail("state of %s: not valid UTF-8", st->id);
	if (full) {
		json_object_set_new(j, "rootfs", json_string(st->rootfs));
		json_object_set_new(j, "created", json_string(st->created));
		json_object_set_new(j, "owner", json_string(""));
	}
	if (st->annotations && json_object_size(st->annotations))
		json_object_set(j, "annotations", st->annotations);
	return j;
}

/* A NULL-terminated copy of the array of strings A (NULL if none). */
static char **string_array(json_t *a)
{
	size_t n = json_array_size(a), i;
	char **v = calloc(n + 1, sizeof *v);

	if (!v)
		md_die("calloc");
	for (i = 0; i < n; i++)
		v[i] = (char *)json_string_value(json_array_get(a, i));
	return v;
}

/* HOOK's process; its stdin gets STATE.  Waits for it, and kills it
 * after its timeout.  0 if it exited 0. */
static int run_hook(json_t *hook, const char *kind, const char *state)
{
	const char *path = json_string_value(json_object_get(hook, "path"));
	json_t *args = json_object_get(hook, "args");
	int timeout = json_integer_value(json_object_get(hook, "timeout"));
	int in[2], status;

	if (!path) {
		md_warnx("%s hook: no path", kind);
		return -1;
	}
	char **argv = string_array(args), **envp = string_array(json_object_get(hook, "env"));
	char *fallback[] = { (char *)path, NULL };
	if (pipe2(in, O_CLOEXEC) < 0)
		md_die("pipe");
	pid_t pid = fork();
	if (pid < 0)
		md_die("fork");
	if (pid == 0) {
		if (dup2(in[0], 0) < 0)
			_exit(MD_EXIT_FAILED);
		md_exec_prepare();
		execve(path, argv[0] ? argv : fallback, envp);
		md_warn("%s hook: exec %s", kind, path);
		_exit(MD_EXIT_NOT_FOUND);
	}
	close(in[0]);
	free(argv);
	free(envp);
	/* A hook that does not read its stdin must not block us: at most a
	 * pipe's worth is written, and EPIPE is fine (MSG_NOSIGNAL has no
	 * counterpart for pipes, so SIGPIPE is ignored around it). */
	struct sigaction ign = { .sa_handler = SIG_IGN }, old;
	sigaction(SIGPIPE, &ign, &old);
	if (write(in[1], state, strlen(state)) < 0 && errno != EPIPE)
		md_warn("%s hook: write the state to %s", kind, path);
	sigaction(SIGPIPE, &old, NULL);
	close(in[1]);
	int fd = pidfd_open(pid);
	if (fd >= 0 && timeout > 0 && pidfd_wait(fd, timeout * 1000) == 0) {
		kill(pid, SIGKILL);
		waitpid(pid, &status, 0);
		close(fd);
		md_warnx("%s hook %s: timed out after %d s", kind, path, timeout);
		return -1;
	}
	if (fd >= 0)
		close(fd);
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
		return 0;
	if (WIFEXITED(status))
		md_warnx("%s hook %s: exit status %d", kind, path, WEXITSTATUS(status));
	else
		md_warnx("%s hook %s: killed by signal %d", kind, path, WTERMSIG(status));
	return -1;
}

/* Every hook of KIND in HOOKS (config.json's "hooks"), in order; the
 * first that fails stops them: -1. */
int oci_run_hooks(json_t *hooks, const char *kind, json_t *state)
{
	json_t *list = json_object_get(hooks, kind), *h;
	size_t i;

	if (!json_array_size(list))
		return 0;
	char *text = json_dumps(state, JSON_COMPACT | JSON_PRESERVE_ORDER);
	if (!text)
		md_die("state as JSON");
	int rc = 0;
	json_array_foreach(list, i, h) {
		if ((rc = run_hook(h, kind, text)) < 0)
			break;
	}
	free(text);
	return rc;
}

/* RFC 3339 with nanoseconds, UTC, as runc's "created". */
void oci_time_now(char *buf, size_t len)
{
	struct timespec ts;
	struct tm tm;

	clock_gettime(CLOCK_REALTIME, &ts);
	gmtime_r(&ts.tv_sec, &tm);
	size_t n = strftime(buf, len, "%Y-%m-%dT%H:%M:%S", &tm);
	snprintf(buf + n, len - n, ".%09ldZ", ts.tv_nsec);
}
