/* minidocker-oci: runc's command line, as podman (through conmon) and
 * containerd (through its shim) call a runtime.
 *
 *   minidocker-oci [--root DIR] [--log FILE] [--log-format text|json]
 *                  [--debug] COMMAND [OPTIONS] ID ...
 *
 * The runtime spec's runtime.md gives the operations (create, start,
 * state, kill, delete) and their order; runc's flags and words are what
 * callers parse.  A caller sees success as exit 0 and failure as exit 1
 * with a message: on stderr, and (with --log) in the log file, which is
 * where conmon and containerd's shim look for it, as lines of JSON with
 * --log-format json: {"level":"error","msg":"...","time":"..."}.
 *
 * create is in ocicreate.c and exec in ociexec.c; the states under ROOT
 * and the hooks in ocistate.c; config.json itself in ocispec.c. */
#include "minidocker.h"
#include "oci.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <linux/capability.h>
#include <stdarg.h>
#include <jansson.h>
#include <libgen.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/capability.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/* ---- the log: every message of md_warn & co. goes through here ------- */

static struct {
	int fd;			/* --log's file, or -1 */
	int json;		/* --log-format json */
	int debug;
	int err;		/* the original stderr */
	char line[2048];
	size_t len;
} lg = { .fd = -1, .err = 2 };

/* One message line: to stderr, "minidocker: " becoming "minidocker-oci: ";
 * and to the log, without the prefix, in runc's (logrus's) shape. */
static void log_line(const char *level, const char *text)
{
	static const char ours[] = "minidocker: ";
	const char *msg = !strncmp(text, ours, sizeof ours - 1) ? text + sizeof ours - 1 : text;
	char now[64];
	FILE *f;

	if (strcmp(level, "debug") || lg.debug)
		dprintf(lg.err, "%s%s\n", msg != text ? "minidocker-oci: " : "", msg);
	if (lg.fd < 0 || !strncmp(text, "hint: ", 6))
		return;
	oci_time_now(now, sizeof now);
	if (lg.json) {
		json_t *j = json_pack("{s:s, s:s, s:s}", "level", level, "msg", msg, "time", now);
		char *s = j ? json_dumps(j, JSON_COMPACT | JSON_PRESERVE_ORDER) : NULL;
		if (s)
			dprintf(lg.fd, "%s\n", s);
		free(s);
		json_decref(j);
		return;
	}
	f = fdopen(dup(lg.fd), "a");
	if (!f)
		return;
	fprintf(f, "time=\"%s\" level=%s msg=\"", now, level);
	for (const char *p = msg; *p; p++)
		fprintf(f, *p == '"' || *p == '\\' ? "\\%c" : "%c", *p);
	fputs("\"\n", f);
	fclose(f);
}

/* fopencookie(3)'s write: whole lines to log_line. */
static ssize_t log_write(void *cookie, const char *buf, size_t size)
{
	(void)cookie;
	for (size_t i = 0; i < size; i++) {
		if (buf[i] != '\n' && lg.len < sizeof lg.line - 1) {
			lg.line[lg.len++] = buf[i];
			continue;
		}
		if (buf[i] != '\n')
			continue;	/* a line too long: cut */
		lg.line[lg.len] = '\0';
		log_line("error", lg.line);
		lg.len = 0;
	}
	return size;
}

/* stderr replaced by a stream into log_line: the file descriptor 2 is
 * left alone, since the container's init inherits it from create as its
 * own stderr (conmon's pipe). */
static void log_open(const char *file, const char *format)
{
	if (format && strcmp(format, "text") && strcmp(format, "json"))
		oci_fail("unknown log-format %s: text or json", format);
	lg.json = format && !strcmp(format, "json");
	if (file && *file) {
		lg.fd = open(file, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
		if (lg.fd < 0) {
			md_warn("open the log %s", file);
			exit(1);
		}
	}
	cookie_io_functions_t io = { .write = log_write };
	FILE *f = fopencookie(NULL, "w", io);
	if (!f)
		md_die("fopencookie");
	setvbuf(f, NULL, _IOLBF, 0);
	stderr = f;
}

void oci_debug(const char *fmt, ...)
{
	char msg[1024];
	va_list ap;

	if (!lg.debug)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	log_line("debug", msg);
}

/* ---- helpers of the commands ----------------------------------------- */

void oci_fail(const char *fmt, ...)
{
	char msg[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	md_warnx("%s", msg);
	exit(1);
}

int oci_signal(const char *name)
{
	char *end;
	long n = strtol(name, &end, 10);

	if (*name && !*end)
		return n > 0 && n < NSIG ? (int)n : -1;
	if (!strncasecmp(name, "SIG", 3))
		name += 3;
	for (int sig = 1; sig < NSIG; sig++) {
		const char *abbrev = sigabbrev_np(sig);
		if (abbrev && !strcasecmp(abbrev, name))
			return sig;
	}
	return -1;
}

void oci_cgroup_split(const char *path, char *parent, size_t len, const char **id)
{
	while (*path == '/')
		path++;
	const char *slash = strrchr(path, '/');
	snprintf(parent, len, "%.*s", slash ? (int)(slash - path) : 0, path);
	*id = slash ? slash + 1 : path;
}

/* Flags of a command: getopt_long_only, so "-bundle" works as runc's
 * library takes it, stopping at the first word that is not a flag. */
static int opt(int argc, char **argv, const char *usage, const struct option *longopts)
{
	opterr = 0;
	int c = getopt_long_only(argc, argv, "+", longopts, NULL);
	if (c == '?' || c == ':')
		oci_bad_flag(argv[0], argv[optind - 1], usage);
	return c;
}

int oci_preserve_fds(const char *arg)
{
	char *end;
	errno = 0;
	long n = strtol(arg, &end, 10);
	if (errno || end == arg || *end || n < 0 || n > 9999)
		oci_fail("--preserve-fds: '%s' is not a number of fds from 0 to 9999", arg);
	return (int)n;
}

noreturn void oci_bad_flag(const char *command, const char *flag, const char *usage)
{
	if (!strcmp(flag, "--help") || !strcmp(flag, "-help") || !strcmp(flag, "-h")) {
		printf("usage: minidocker-oci %s\n", usage);
		exit(0);
	}
	md_warnx("%s: flag provided but not defined or without its value: %s", command, flag);
	oci_fail("usage: minidocker-oci %s", usage);
}

/* The one word left after the flags: the container's id. */
static const char *one_id(int argc, char **argv, const char *usage)
{
	if (optind != argc - 1) {
		md_warnx("%s: %s", argv[0], optind >= argc ? "no container id given" : "too many arguments");
		oci_fail("usage: minidocker-oci %s", usage);
	}
	return argv[optind];
}

static void load_or_exit(const char *id, struct oci_state *st)
{
	if (oci_state_load(id, st) < 0)
		exit(1);
}

/* ---- start, state, kill, delete, ps ---------------------------------- */

/* Whether process PID still has an fd on the file FD is open on: the
 * init holds exec.fifo (O_PATH) from create until it has written its
 * byte.  1 if it does, or if /proc cannot tell; 0 if it does not. */
static int holds_same_file(pid_t pid, int fd)
{
	char path[64];
	struct stat want, st;
	struct dirent *e;
	int found = 0;

	snprintf(path, sizeof path, "/proc/%d/fd", (int)pid);
	DIR *d = opendir(path);
	if (!d || fstat(fd, &want) < 0) {
		if (d)
			closedir(d);
		return 1;
	}
	while (!found && (e = readdir(d)))
		found = e->d_name[0] != '.' && fstatat(dirfd(d), e->d_name, &st, 0) == 0 &&
			st.st_dev == want.st_dev && st.st_ino == want.st_ino;
	closedir(d);
	return found;
}

/* The init waits on exec.fifo; opening it for reading lets it go on, and
 * the byte it then writes says it did (fifo(7)).  Non-blocking, so an
 * init that died meanwhile is seen instead of waited for forever. */
static int release_init(const struct oci_state *st)
{
	char fifo[PATH_MAX], byte;

	oci_path(fifo, st->id, "exec.fifo");
	int fd = open(fifo, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0) {
		md_warn("open %s", fifo);
		return -1;
	}
	for (;;) {
		ssize_t n = read(fd, &byte, 1);
		if (n == 1)
			break;
		if ((n < 0 && errno != EAGAIN && errno != EINTR) || !alive(st->pid, st->pid_start)) {
			close(fd);
			md_warnx("container \"%s\": its init ended before it started", st->id);
			unlink(fifo);
			return -1;
		}
		/* No writer, and the init no longer holds the fifo: someone
		 * else opened it and took the byte, and the init went on; we
		 * would wait for ever (runc does).  Once more, in case the
		 * byte came in between. */
		if (n == 0 && !holds_same_file(st->pid, fd) && read(fd, &byte, 1) != 1) {
			close(fd);
			md_warnx("container \"%s\": exec.fifo was read by another process: its init has started already",
				 st->id);
			unlink(fifo);
			return -1;
		}
		usleep(2000);
	}
	close(fd);
	/* Gone: from now on the container is "running". */
	if (unlink(fifo) < 0)
		md_warn("remove %s", fifo);
	return 0;
}

static int cmd_oci_start(int argc, char **argv)
{
	static const char usage[] = "start CONTAINER";
	static const struct option lo[] = { { 0 } };
	struct oci_state st;

	while (opt(argc, argv, usage, lo) != -1)
		;
	load_or_exit(one_id(argc, argv, usage), &st);
	switch (oci_status(&st)) {
	case OCI_RUNNING:
		oci_fail("cannot start an already running container");
	case OCI_STOPPED:
		oci_fail("cannot start a container that has stopped");
	case OCI_PAUSED:
		oci_fail("cannot start a container in the paused state");
	case OCI_CREATING:
		oci_fail("cannot start a container that is still being created");
	default:
		break;
	}
	if (release_init(&st) < 0)
		return 1;
	json_t *j = oci_state_json(&st, OCI_RUNNING, 0);
	/* A poststart hook that fails is a failed start, as runc has it;
	 * the container has started all the same and is left to the caller. */
	int rc = oci_run_hooks(st.hooks, "poststart", j);
	json_decref(j);
	oci_state_free(&st);
	return rc < 0 ? 1 : 0;
}

static int cmd_oci_state(int argc, char **argv)
{
	static const char usage[] = "state CONTAINER";
	static const struct option lo[] = { { 0 } };
	struct oci_state st;

	while (opt(argc, argv, usage, lo) != -1)
		;
	load_or_exit(one_id(argc, argv, usage), &st);
	json_t *j = oci_state_json(&st, oci_status(&st), 1);
	char *s = json_dumps(j, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	if (!s)
		md_die("state as JSON");
	printf("%s\n", s);
	free(s);
	json_decref(j);
	oci_state_free(&st);
	return 0;
}

static int signal_all(const struct oci_state *st, int sig)
{
	char parent[PATH_MAX];
	const char *id;
	pid_t *pids;

	oci_cgroup_split(st->cgroup, parent, sizeof parent, &id);
	int n = cgroup_procs(parent, id, &pids);
	for (int i = 0; i < n; i++)
		if (kill(pids[i], sig) < 0 && errno != ESRCH)
			md_warn("kill %d", (int)pids[i]);
	free(pids);
	return n < 0 ? -1 : 0;
}

/* SIG to the init, by a pidfd taken while its start time is still the
 * one recorded: never to a process that got its PID since. */
static int signal_init(const struct oci_state *st, int sig)
{
	int fd = pidfd_open(st->pid);

	if (fd < 0 || !alive(st->pid, st->pid_start)) {
		if (fd >= 0)
			close(fd);
		return -1;
	}
	int rc = pidfd_signal(fd, sig);
	close(fd);
	return rc;
}

static int cmd_oci_kill(int argc, char **argv)
{
	static const char usage[] = "kill [--all] CONTAINER [SIGNAL]";
	static const struct option lo[] = { { "all", no_argument, NULL, 'a' }, { 0 } };
	struct oci_state st;
	int all = 0, c;

	while ((c = opt(argc, argv, usage, lo)) != -1)
		all = 1;
	if (optind >= argc || argc - optind > 2) {
		md_warnx("kill: %s", optind >= argc ? "no container id given" : "too many arguments");
		oci_fail("usage: minidocker-oci %s", usage);
	}
	int sig = optind + 1 < argc ? oci_signal(argv[optind + 1]) : SIGTERM;
	if (sig < 0)
		oci_fail("unknown signal \"%s\"", argv[optind + 1]);
	load_or_exit(argv[optind], &st);
	if (oci_status(&st) == OCI_STOPPED)
		oci_fail("container not running");
	if (all)
		signal_all(&st, sig);
	if (signal_init(&st, sig) < 0 && !all)
		oci_fail("container not running");
	oci_state_free(&st);
	return 0;
}

/* Kill the init and wait until it is gone: a zombie counts as gone, its
 * parent (conmon, a subreaper) reaps it. */
static void end_init(const struct oci_state *st)
{
	if (signal_init(st, SIGKILL) < 0)
		return;
	for (int i = 0; i < 1000 && alive(st->pid, st->pid_start); i++)
		usleep(5000);
}

static int cmd_oci_delete(int argc, char **argv)
{
	static const char usage[] = "delete [--force] CONTAINER";
	static const struct option lo[] = { { "force", no_argument, NULL, 'f' }, { 0 } };
	char parent[PATH_MAX], dir[PATH_MAX];
	struct oci_state st;
	const char *cgid;
	int force = 0;

	while (opt(argc, argv, usage, lo) != -1)
		force = 1;
	const char *id = one_id(argc, argv, usage);
	oci_path(dir, id, "state.json");
	/* --force on a container never made (or half made) succeeds
	 * quietly, as runc's: podman deletes after a failed create. */
	if (force && oci_valid_id(id) && access(dir, F_OK) < 0) {
		oci_path(dir, id, NULL);
		return access(dir, F_OK) < 0 || md_remove_tree(dir) == 0 ? 0 : 1;
	}
	if (oci_state_load(id, &st) < 0)
		return 1;
	enum oci_status s = oci_status(&st);
	if ((s == OCI_RUNNING || s == OCI_PAUSED || s == OCI_CREATING) && !force)
		oci_fail("cannot delete container %s that is not stopped: %s", id, oci_status_name(s));
	/* A created container goes without --force, as runc's: nothing of
	 * the user's has run in it yet. */
	oci_cgroup_split(st.cgroup, parent, sizeof parent, &cgid);
	if (s == OCI_PAUSED)
		cgroup_freeze(parent, cgid, 0);	/* frozen, SIGKILL waits */
	end_init(&st);
	if (st.cgroup[0])
		cgroup_remove(parent, cgid);
	json_t *j = oci_state_json(&st, OCI_STOPPED, 0);
	oci_run_hooks(st.hooks, "poststop", j);	/* failures are warnings */
	json_decref(j);
	oci_path(dir, id, NULL);
	int rc = md_remove_tree(dir);
	oci_state_free(&st);
	return rc < 0 ? 1 : 0;
}

static int cmd_oci_ps(int argc, char **argv)
{
	static const char usage[] = "ps [--format table|json] CONTAINER";
	static const struct option lo[] = { { "format", required_argument, NULL, 'f' }, { 0 } };
	const char *format = "table", *cgid;
	char parent[PATH_MAX];
	struct oci_state st;
	pid_t *pids;

	while (opt(argc, argv, usage, lo) != -1)
		format = optarg;
	if (strcmp(format, "table") && strcmp(format, "json"))
		oci_fail("invalid format option");
	load_or_exit(one_id(argc, argv, usage), &st);
	oci_cgroup_split(st.cgroup, parent, sizeof parent, &cgid);
	int n = cgroup_procs(parent, cgid, &pids);
	if (n < 0 && oci_status(&st) != OCI_STOPPED) {
		/* No cgroup to read (none on this host): the init alone. */
		pids = md_realloc(NULL, sizeof *pids);
		pids[0] = st.pid;
		n = 1;
	}
	if (!strcmp(format, "json")) {
		printf("[");
		for (int i = 0; i < n; i++)
			printf("%s%d", i ? "," : "", (int)pids[i]);
		printf("]\n");
	} else {
		printf("%-8s %s\n", "PID", "CMD");
		for (int i = 0; i < n; i++) {
			char path[64], comm[64] = "?";
			snprintf(path, sizeof path, "/proc/%d/comm", (int)pids[i]);
			FILE *f = fopen(path, "re");
			if (f && fgets(comm, sizeof comm, f))
				comm[strcspn(comm, "\n")] = '\0';
			if (f)
				fclose(f);
			printf("%-8d %s\n", (int)pids[i], comm);
		}
	}
	free(pids);
	oci_state_free(&st);
	return 0;
}

/* pause and resume: the cgroup's freezer, where the host has one. */
static int freeze(int argc, char **argv, int on)
{
	const char *usage = on ? "pause CONTAINER" : "resume CONTAINER", *cgid;
	static const struct option lo[] = { { 0 } };
	char parent[PATH_MAX];
	struct oci_state st;

	while (opt(argc, argv, usage, lo) != -1)
		;
	load_or_exit(one_id(argc, argv, usage), &st);
	enum oci_status s = oci_status(&st);
	if (on && s != OCI_RUNNING)
		oci_fail("container not running");
	if (!on && s != OCI_PAUSED)
		oci_fail("container not paused");
	oci_cgroup_split(st.cgroup, parent, sizeof parent, &cgid);
	if (!cgroup_can_freeze(parent, cgid))
		oci_fail("container \"%s\" has no freezer cgroup", st.id);
	if (cgroup_freeze(parent, cgid, on) < 0)
		oci_fail("%s container \"%s\": its cgroup did not %s", on ? "pause" : "resume", st.id,
			 on ? "freeze" : "thaw");
	oci_state_free(&st);
	return 0;
}

static int cmd_oci_pause(int argc, char **argv)
{
	return freeze(argc, argv, 1);
}

static int cmd_oci_resume(int argc, char **argv)
{
	return freeze(argc, argv, 0);
}

/* ---- features, version, help ------------------------------------------ */

static json_t *string_list(const char *const *v)
{
	json_t *a = json_array();

	while (a && *v)
		json_array_append_new(a, json_string(*v++));
	return a;
}

static int cmd_oci_features(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	/* What this runtime takes, in the runtime spec's features.md shape.
	 * The lists name what ocispec.c reads and ociinit.c applies. */
	static const char *const hooks[] = { "prestart", "createRuntime", "createContainer",
					     "startContainer", "poststart", "poststop", NULL };
	/* ocispec.c's table of options, and tmpcopyup. */
	static const char *const options[] = {
		"async", "atime", "bind", "dev", "diratime", "dirsync", "exec", "mand", "noatime",
		"nodev", "nodiratime", "noexec", "nomand", "norelatime", "nostrictatime", "nosuid",
		"nosymfollow", "private", "rbind", "relatime", "ro", "rprivate", "rshared", "rslave",
		"runbindable", "rw", "shared", "slave", "strictatime", "suid", "symfollow", "sync",
		"tmpcopyup", "unbindable", NULL };
	static const char *const namespaces[] = { "cgroup", "ipc", "mount", "network", "pid",
						  "time", "user", "uts", NULL };
	json_t *j = json_pack("{s:s, s:s, s:o, s:o, s:{s:o, s:{s:b, s:b, s:b}}, s:{s:s}}",
			      "ociVersionMin", "1.0.0", "ociVersionMax", OCI_SPEC_VERSION, "hooks",
			      string_list(hooks), "mountOptions", string_list(options), "linux",
			      "namespaces", string_list(namespaces), "cgroup", "v1", 1, "v2", 1,
			      "systemd", 0, "annotations", "org.minidocker.stage", MD_STAGE);
	if (!j)
		oci_fail("features: could not build the JSON");
	json_t *lx = json_object_get(j, "linux"), *caps = json_array();
	for (int i = 0; i <= CAP_LAST_CAP; i++) {
		char *name = cap_to_name(i);
		for (char *p = name; p && *p; p++)
			*p = *p >= 'a' && *p <= 'z' ? *p - 32 : *p;
		json_array_append_new(caps, json_string(name ? name : "?"));
		cap_free(name);
	}
	json_object_set_new(lx, "capabilities", caps);
	json_object_set_new(lx, "seccomp", oci_seccomp_features());
	char *s = json_dumps(j, JSON_INDENT(4) | JSON_PRESERVE_ORDER);
	printf("%s\n", s);
	free(s);
	json_decref(j);
	return 0;
}

/* runc spec: a default config.json to start a bundle from (ocispec.c). */
static int cmd_oci_spec(int argc, char **argv)
{
	static const char usage[] = "spec [--bundle DIR] [--rootless]";
	static const struct option lo[] = { { "bundle", required_argument, NULL, 'b' },
					    { "rootless", no_argument, NULL, 'r' }, { 0 } };
	const char *dir = ".";
	int rootless = 0, c;

	while ((c = opt(argc, argv, usage, lo)) != -1) {
		if (c == 'b')
			dir = optarg;
		else
			rootless = 1;
	}
	if (optind != argc)
		oci_fail("spec: too many arguments\nusage: minidocker-oci %s", usage);
	return oci_spec_default(dir, rootless) < 0 ? 1 : 0;
}

static void version(void)
{
	printf("minidocker-oci version " MD_STAGE "\ncommit: " MD_BUILD "\nspec: " OCI_SPEC_VERSION "\n");
}

struct oci_command {
	const char *name, *summary;
	int (*fn)(int argc, char **argv);
};

static const struct oci_command oci_commands[] = {
	{ "create", "create a container from a bundle, its init waiting for start", oci_create },
	{ "start", "run the user's process of a created container", cmd_oci_start },
	{ "state", "print the state of a container, as JSON", cmd_oci_state },
	{ "kill", "send a signal (default SIGTERM) to a container's init, or --all", cmd_oci_kill },
	{ "delete", "delete a stopped container (--force: a running one too)", cmd_oci_delete },
	{ "exec", "run a process in a running container", oci_exec },
	{ "ps", "list the processes of a container", cmd_oci_ps },
	{ "features", "print what this runtime supports, as JSON", cmd_oci_features },
	{ "pause", "freeze every process of a container (its cgroup's freezer)", cmd_oci_pause },
	{ "resume", "thaw a paused container", cmd_oci_resume },
	{ "spec", "write a default config.json into a bundle (--bundle, --rootless)", cmd_oci_spec },
};
enum { NOCI = sizeof oci_commands / sizeof oci_commands[0] };

/* pause and resume exist where the host has a freezer. */
static int listed(const struct oci_command *c)
{
	return (c->fn != cmd_oci_pause && c->fn != cmd_oci_resume) || cgroup_has_freezer();
}

static void usage(FILE *f)
{
	fprintf(f, "Usage: minidocker-oci [GLOBAL OPTIONS] COMMAND [OPTIONS] CONTAINER ...\n\n"
		   "An OCI runtime with runc's command line (minidocker stage " MD_STAGE ").\n\n"
		   "Commands:\n");
	for (int i = 0; i < NOCI; i++)
		if (listed(&oci_commands[i]))
			fprintf(f, "  %-9s %s\n", oci_commands[i].name, oci_commands[i].summary);
	fprintf(f, "  %-9s %s\n", "help", "show this help");
	fprintf(f, "\nGlobal options:\n"
		   "  --root DIR             the containers' states (default /run/minidocker-oci)\n"
		   "  --log FILE             messages also to FILE\n"
		   "  --log-format text|json the log's format (default text)\n"
		   "  --debug                say what is done, too\n"
		   "  --version, -v          print the version\n");
}

/* MINIDOCKER_DEBUG=1, or ROOT/trace.log there: the whole command line,
 * as the caller gave it, appended to ROOT/trace.log (create's stderr is the container's, so
 * the seed's trace cannot go there); with --debug, to the log as well.
 * It shows what podman, conmon or containerd ask of a runtime. */
static void trace(int argc, char **argv)
{
	const char *debug = getenv("MINIDOCKER_DEBUG");
	char line[8192], path[PATH_MAX];
	size_t len = 0;

	len += snprintf(line, sizeof line, "Process => [");
	for (int i = 0; i < argc && len < sizeof line; i++)
		len += snprintf(line + len, sizeof line - len, "%s%s", i ? " " : "", argv[i]);
	if (len < sizeof line)
		snprintf(line + len, sizeof line - len, "] [%d]", (int)getpid());
	oci_debug("%s", line);
	if (md_in_sealed_copy())
		return;	/* the sealed copy's re-exec (oci_sealed): traced once, before */
	/* podman hands conmon, and so us, only an environment of its own
	 * choosing: an existing ROOT/trace.log turns tracing on as well. */
	oci_path(path, "trace.log", NULL);
	int on = debug && !strcmp(debug, "1");
	if (!on && access(path, F_OK) < 0)
		return;
	if (on && oci_root_make() < 0)
		return;
	int fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (fd >= 0) {
		dprintf(fd, "%s\n", line);	/* one write: O_APPEND keeps lines whole */
		close(fd);
	}
}

/* A global flag's value: "--flag VALUE" or "--flag=VALUE", one dash or two. */
static const char *flag_value(int argc, char **argv, int *i, const char *name)
{
	const char *w = argv[*i] + (argv[*i][1] == '-' ? 2 : 1);
	size_t n = strlen(name);

	if (strncmp(w, name, n) || (w[n] != '\0' && w[n] != '='))
		return NULL;
	if (w[n] == '=')
		return w + n + 1;
	if (*i + 1 >= argc)
		oci_fail("flag needs an argument: -%s", name);
	return argv[++*i];
}

int oci_main(int argc, char **argv)
{
	const char *log = NULL, *format = NULL, *v;
	int i = 1;

	for (; i < argc && argv[i][0] == '-'; i++) {
		const char *w = argv[i] + (argv[i][1] == '-' ? 2 : 1);
		if ((v = flag_value(argc, argv, &i, "root")))
			oci_set_root(v);
		else if ((v = flag_value(argc, argv, &i, "log")))
			log = v;
		else if ((v = flag_value(argc, argv, &i, "log-format")))
			format = v;
		else if (!strcmp(w, "debug"))
			lg.debug = 1;
		else if (!strcmp(w, "version") || !strcmp(w, "v")) {
			version();
			return 0;
		} else if (!strcmp(w, "help") || !strcmp(w, "h")) {
			usage(stdout);
			return 0;
		} else if (!strncmp(w, "systemd-cgroup", 14)) {
			log_open(log, format);
			md_warnx("--systemd-cgroup: not supported: cgroups are managed through the "
				 "cgroup filesystem (cgroupfs) only");
			md_hint("run podman with --cgroup-manager cgroupfs");
			return 1;
		} else {
			log_open(log, format);
			oci_fail("flag provided but not defined: %s", argv[i]);
		}
	}
	log_open(log, format);
	trace(argc, argv);
	if (i >= argc) {
		usage(stderr);
		return 1;
	}
	if (!strcmp(argv[i], "help")) {
		usage(stdout);
		return 0;
	}
	for (int c = 0; c < NOCI; c++) {
		if (strcmp(argv[i], oci_commands[c].name) || !listed(&oci_commands[c]))
			continue;
		/* create and exec enter the container: from a sealed copy. */
		if (oci_commands[c].fn == oci_create || oci_commands[c].fn == oci_exec)
			oci_sealed(argv);
		optind = 1;
		return oci_commands[c].fn(argc - i, argv + i);
	}
	/* Exit 3, as runc's command-line library gives an unknown command. */
	md_warnx("No help topic for '%s'", argv[i]);
	return 3;
}
