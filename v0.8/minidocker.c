/* minidocker v0.8: a real command line.
 *
 *   minidocker [--root DIR] COMMAND [ARG...]
 *
 * The seed's v0.8 wires up cobra with placeholder commands.  In C the same
 * shape is a table of commands (name, summary, usage, handler), and every
 * command here works: run, ps, exec, start, stop, version, help.  To list,
 * stop and enter containers, minidocker must remember them: each container
 * gets a small state file, ROOT/containers/ID/state, rewritten atomically.
 * `exec` enters a running container with setns(2).  The container itself
 * is v0.7's: six namespaces, a copy of the image, the command as PID 1.
 */
#include "md.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* ------------------------------------------------------------------ */
/* The command table                                                   */

struct command {
	const char *name;
	const char *summary;
	const char *usage;	/* after "minidocker " */
	const char *options;	/* one line per option, or NULL */
	int (*handler)(int argc, char **argv);
};

static int cmd_run(int argc, char **argv);
static int cmd_ps(int argc, char **argv);
static int cmd_exec(int argc, char **argv);
static int cmd_start(int argc, char **argv);
static int cmd_stop(int argc, char **argv);
static int cmd_version(int argc, char **argv);
static int cmd_help(int argc, char **argv);

static const struct command commands[] = {
	{ "run", "Run a command in a new container",
	  "run [OPTIONS] IMAGE [COMMAND [ARG...]]",
	  "      --rm        Remove the container when it exits\n", cmd_run },
	{ "ps", "List containers", "ps [OPTIONS]",
	  "  -a, --all       Show all containers (default: only running ones)\n"
	  "  -q, --quiet     Show only container ids\n", cmd_ps },
	{ "exec", "Run a command in a running container",
	  "exec CONTAINER COMMAND [ARG...]", NULL, cmd_exec },
	{ "start", "Start one or more stopped containers, attached",
	  "start CONTAINER...", NULL, cmd_start },
	{ "stop", "Stop one or more running containers",
	  "stop [OPTIONS] CONTAINER...",
	  "  -t, --time N    Seconds to wait for SIGTERM before SIGKILL (default 10)\n", cmd_stop },
	{ "version", "Show the minidocker version", "version", NULL, cmd_version },
	{ "help", "Help on a command", "help [COMMAND]", NULL, cmd_help },
};
enum { NCOMMANDS = sizeof commands / sizeof commands[0] };

static void main_usage(FILE *f)
{
	fprintf(f, "Usage: minidocker [--root DIR] COMMAND [ARG...]\n\n"
		   "A container runtime, built one lesson at a time (stage " MD_STAGE ").\n\n"
		   "Commands:\n");
	for (int i = 0; i < NCOMMANDS; i++)
		fprintf(f, "  %-9s %s\n", commands[i].name, commands[i].summary);
	fprintf(f, "\nOptions:\n"
		   "      --root DIR  State root (default /var/lib/minidocker for root,\n"
		   "                  ~/.local/share/minidocker otherwise; or $MINIDOCKER_ROOT)\n"
		   "\nRun 'minidocker help COMMAND' for more on a command.\n");
}

static void command_usage(const struct command *c, FILE *f)
{
	fprintf(f, "Usage: minidocker %s\n\n%s\n\nOptions:\n%s"
		   "  -h, --help      Show this help\n", c->usage, c->summary,
		c->options ? c->options : "");
}

static const struct command *find_command(const char *name)
{
	for (int i = 0; i < NCOMMANDS; i++)
		if (!strcmp(commands[i].name, name))
			return &commands[i];
	return NULL;
}

/* Edit distance, to suggest what a mistyped word may have meant. */
static int distance(const char *a, const char *b)
{
	int la = strlen(a), lb = strlen(b), row[64];

	if (la > 62 || lb > 62)
		return 99;
	for (int j = 0; j <= lb; j++)
		row[j] = j;
	for (int i = 1; i <= la; i++) {
		int diag = row[0];
		row[0] = i;
		for (int j = 1; j <= lb; j++) {
			int up = row[j];
			int best = diag + (a[i - 1] != b[j - 1]);
			if (up + 1 < best)
				best = up + 1;
			if (row[j - 1] + 1 < best)
				best = row[j - 1] + 1;
			row[j] = best;
			diag = up;
		}
	}
	return row[lb];
}

/* A usage error for command C: the message, a suggestion, the usage. */
static noreturn void usage_error(const struct command *c, const char *suggest, const char *fmt, ...)
	MD_PRINTF(3, 4);
static noreturn void usage_error(const struct command *c, const char *suggest, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	if (c)
		md_warnx("%s: %s", c->name, msg);
	else
		md_warnx("%s", msg);
	if (suggest)
		md_hint("did you mean '%s'?", suggest);
	fputc('\n', stderr);
	if (c)
		command_usage(c, stderr);
	else
		main_usage(stderr);
	exit(MD_EXIT_FAILED);
}

/* getopt_long for command C.  "+" stops at the first word that is not an
 * option, so a container's command keeps its own flags; unknown options
 * are ours to report, with a suggestion.  Returns the option, or -1. */
static int next_opt(const struct command *c, int argc, char **argv, const char *shortopts,
		    const struct option *longopts)
{
	char spec[32];

	snprintf(spec, sizeof spec, "+:h%s", shortopts);
	opterr = 0;
	int opt = getopt_long(argc, argv, spec, longopts, NULL);
	if (opt == 'h') {
		command_usage(c, stdout);
		exit(0);
	}
	if (opt == ':')
		usage_error(c, NULL, "flag '%s' needs a value", argv[optind - 1]);
	if (opt == '?') {
		const char *bad = argv[optind - 1], *best = NULL;
		int bestd = 3;
		for (const struct option *o = longopts; o && o->name; o++) {
			int d = distance(bad + strspn(bad, "-"), o->name);
			if (d < bestd) {
				bestd = d;
				best = o->name;
			}
		}
		char sugg[64];
		snprintf(sugg, sizeof sugg, "--%s", best ? best : "");
		usage_error(c, best ? sugg : NULL, "unknown flag '%s'", bad);
	}
	return opt;
}

/* ------------------------------------------------------------------ */
/* Signals and waiting (v0.1)                                          */

static pid_t child = -1;
static sigset_t forwarded;	/* the signals passed on to `child` */

/* Pass a signal sent to minidocker on to the container: from kill or a
 * supervisor, and from the terminal too (Ctrl-C), since the container is
 * in a session of its own, which the terminal's signals do not reach. */
static void forward(int sig, siginfo_t *info, void *ctx)
{
	(void)ctx;
	(void)info;
	if (child > 0)
		kill(child, sig);
}

static void forward_signals(void)
{
	static const int sigs[] = { SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2 };
	struct sigaction sa = { .sa_sigaction = forward, .sa_flags = SA_SIGINFO | SA_RESTART };

	sigemptyset(&sa.sa_mask);
	sigemptyset(&forwarded);
	for (size_t i = 0; i < sizeof sigs / sizeof sigs[0]; i++) {
		if (sigaction(sigs[i], &sa, NULL) < 0)
			md_die("sigaction");
		sigaddset(&forwarded, sigs[i]);
	}
	/* Held back until release_signals(): one arriving between fork and
	 * the assignment of `child` would find no child, and be lost. */
	sigprocmask(SIG_BLOCK, &forwarded, NULL);
}

/* Let the held-back signals in: in the parent once `child` is set, and in
 * the child before it execs (execve(2) keeps the signal mask). */
static void release_signals(void)
{
	sigprocmask(SIG_UNBLOCK, &forwarded, NULL);
}

/* Wait for PID to end and return the status a shell would report: its exit
 * code, or 128+N if signal N killed it (see wait(2), "WIFSIGNALED"). */
static int wait_for(pid_t pid)
{
	int wstatus;

	/* EINTR: a forwarded signal interrupted the wait; wait again. */
	while (waitpid(pid, &wstatus, 0) < 0)
		if (errno != EINTR)
			md_die("waitpid %d", (int)pid);
	if (WIFEXITED(wstatus))
		return WEXITSTATUS(wstatus);
	if (WIFSIGNALED(wstatus))
		return 128 + WTERMSIG(wstatus);
	return MD_EXIT_FAILED;
}

/* ------------------------------------------------------------------ */
/* Processes, named so that a reused PID is not taken for ours         */

/* A PID alone is a weak name: after the process ends, the kernel may give
 * the number to another one.  The pair (PID, start time) is unique: the
 * start time, in clock ticks since boot, is field 22 of /proc/PID/stat
 * (proc(5)).  Returns 0 if there is no such process, or if it is a zombie:
 * dead, only waiting for its parent to collect its status. */
static unsigned long long start_time(pid_t pid)
{
	char path[64], buf[1024], state;
	unsigned long long t = 0;

	snprintf(path, sizeof path, "/proc/%d/stat", (int)pid);
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return 0;
	ssize_t n = read(fd, buf, sizeof buf - 1);
	close(fd);
	if (n <= 0)
		return 0;
	buf[n] = '\0';
	/* The command name, field 2, is in parentheses and may hold spaces:
	 * count fields from the last ')'. */
	char *p = strrchr(buf, ')');
	if (!p || sscanf(p + 2, "%c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %*u %*u "
			 "%*d %*d %*d %*d %*d %*d %llu", &state, &t) != 2 || state == 'Z')
		return 0;
	return t;
}

static int alive(pid_t pid, unsigned long long started)
{
	return pid > 0 && started && start_time(pid) == started;
}

/* pidfd_open(2) and pidfd_send_signal(2): a file descriptor that names one
 * process for good, so a signal can never hit a stranger that got its PID.
 * Called through syscall(2): older C libraries have no wrappers. */
static int pidfd_open(pid_t pid)
{
	return syscall(SYS_pidfd_open, pid, 0);
}

static int pidfd_signal(int pidfd, int sig)
{
	return syscall(SYS_pidfd_send_signal, pidfd, sig, NULL, 0);
}

/* Wait up to MS milliseconds for the process behind PIDFD to end. */
static int pidfd_wait(int pidfd, int ms)
{
	struct pollfd p = { .fd = pidfd, .events = POLLIN };
	int n;

	while ((n = poll(&p, 1, ms)) < 0 && errno == EINTR)
		;
	return n > 0;
}

/* ------------------------------------------------------------------ */
/* Container state: ROOT/containers/ID/state                           */

enum status { CREATED, RUNNING, EXITED };
static const char *const status_names[] = { "created", "running", "exited" };

struct container {
	char id[65];
	char image[256];
	int argc;
	char **argv;		/* the command */
	struct timespec created, finished;
	enum status status;
	pid_t pid;		/* the container's PID 1, as the host sees it */
	unsigned long long pid_start;
	pid_t monitor;		/* the minidocker process waiting for it */
	unsigned long long monitor_start;
	int exit_code;
};

static void container_path(char *buf, const char *id, const char *file)
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

/* Write the state file atomically: a reader (ps, another minidocker) sees
 * the old file or the new one, never half of one.  Write a temporary file
 * beside it, flush it to disk, and rename(2) it over the old one. */
static void save_state(const struct container *c)
{
	char path[PATH_MAX], tmp[PATH_MAX];

	container_path(path, c->id, "state");
	md_pathf(tmp, "%s.%d", path, (int)getpid());
	FILE *f = fopen(tmp, "we");
	if (!f)
		md_die("write %s", tmp);
	fprintf(f, "id=%s\nimage=%s\nstatus=%s\n", c->id, c->image, status_names[c->status]);
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
	if (fflush(f) != 0 || fsync(fileno(f)) < 0 || fclose(f) != 0) {
		unlink(tmp);
		md_die("write %s", tmp);
	}
	if (rename(tmp, path) < 0) {
		unlink(tmp);
		md_die("rename %s", tmp);
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

/* Read a container's state; 0 on success, -1 if it has none. */
static int load_state(const char *id, struct container *c)
{
	char path[PATH_MAX], *line = NULL;
	size_t cap = 0;
	ssize_t n;

	memset(c, 0, sizeof *c);
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
		else if (!strcmp(line, "image"))
			snprintf(c->image, sizeof c->image, "%s", val);
		else if (!strcmp(line, "status"))
			c->status = !strcmp(val, "running") ? RUNNING : !strcmp(val, "exited") ? EXITED : CREATED;
		else if (!strcmp(line, "created"))
			parse_time(val, &c->created);
		else if (!strcmp(line, "finished"))
			parse_time(val, &c->finished);
		else if (!strcmp(line, "arg")) {
			unescape(val);
			c->argv = realloc(c->argv, (c->argc + 2) * sizeof *c->argv);
			if (!c->argv)
				md_die("realloc");
			c->argv[c->argc++] = strdup(val);
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
	}
	free(line);
	fclose(f);
	return c->id[0] && c->argc ? 0 : -1;
}

/* The state file may say "running" about a container whose minidocker was
 * killed (SIGKILL leaves no chance to write "exited").  The kernel then
 * killed the container too (PR_SET_PDEATHSIG), so: exited, with 137. */
static void settle(struct container *c)
{
	if (c->status == RUNNING && !alive(c->pid, c->pid_start) &&
	    !alive(c->monitor, c->monitor_start)) {
		c->status = EXITED;
		c->exit_code = 128 + SIGKILL;
	}
}

/* Every container id, newest first would need the states: just the ids. */
static int list_ids(char ***ids)
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
		(*ids)[n++] = strdup(e->d_name);
	}
	closedir(d);
	return n;
}

/* Find the container that NAME names: its full id, or a unique prefix. */
static int find_container(const char *name, struct container *c)
{
	char **ids;
	int n = list_ids(&ids), found = 0;
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
	else if (load_state(match, c) < 0)
		md_warnx("container %s has no readable state", name);
	else
		settle(c);
	for (int i = 0; i < n; i++)
		free(ids[i]);
	free(ids);
	return found == 1 && c->id[0] ? 0 : -1;
}

/* ------------------------------------------------------------------ */
/* Images and new containers (v0.5 - v0.7)                             */

/* The image's root filesystem, checked before anything is created. */
static void image_path(const char *image, char *path)
{
	struct stat st;

	/* A name, not a path: "../../etc" must not be an image. */
	if (!image[0] || strchr(image, '/') || image[0] == '.')
		md_diex("invalid image name '%s'", image);
	md_pathf(path, "%s/images/%s", md_state_root(), image);
	if (stat(path, &st) < 0 || !S_ISDIR(st.st_mode)) {
		md_warnx("image '%s' not found: no folder %s", image, path);
		md_hint("build the image 'base' with `%smake image`, which puts it in %s",
			geteuid() == 0 ? "sudo " : "", md_state_root());
		exit(MD_EXIT_FAILED);
	}
}

/* A new container: ROOT/containers/ID with a copy of the image as its
 * rootfs and a state file saying "created". */
static void create_container(struct container *c, const char *image, char **cmd, int ncmd)
{
	char src[PATH_MAX], dir[PATH_MAX], rootfs[PATH_MAX];

	image_path(image, src);
	memset(c, 0, sizeof *c);
	md_new_id(c->id);
	snprintf(c->image, sizeof c->image, "%s", image);
	c->argc = ncmd;
	c->argv = cmd;
	clock_gettime(CLOCK_REALTIME, &c->created);

	md_state_dir(dir, "containers", 0700);
	container_path(dir, c->id, NULL);
	container_path(rootfs, c->id, "rootfs");
	if (mkdir(dir, 0700) < 0 || mkdir(rootfs, 0700) < 0)
		md_die("mkdir %s", rootfs);
	if (md_copy_tree(src, rootfs) < 0) {
		md_remove_tree(dir);
		md_diex("cannot copy the image %s to %s", src, rootfs);
	}
	save_state(c);
}

/* ------------------------------------------------------------------ */
/* Starting a container (v0.7), now recording its state               */

/* What clone_main needs: the init's argv, and the pipe it waits on. */
struct clone_args {
	char **argv;
	int sync[2];
};

/* clone(2) starts the new process here, in the new namespaces.  It waits
 * for the parent to write its uid and gid maps, then replaces itself with
 * a fresh copy of minidocker: `minidocker init ROOTFS COMMAND...`. */
static int clone_main(void *arg)
{
	struct clone_args *ca = arg;
	char go;

	release_signals();
	/* If minidocker dies (even by SIGKILL), the kernel kills the child,
	 * and with PID 1 gone, everything in its namespace (prctl(2)).  It
	 * survives the execv below. */
	if (prctl(PR_SET_PDEATHSIG, SIGKILL) < 0)
		md_die("prctl PR_SET_PDEATHSIG");
	/* Until the maps are written, our uid here is the overflow uid 65534,
	 * and execv would drop every capability (capabilities(7)).  A byte on
	 * the pipe says the maps are there; end of file says the parent died
	 * (before or after the prctl above: no window left) or gave up. */
	close(ca->sync[1]);
	if (read(ca->sync[0], &go, 1) != 1)
		_exit(MD_EXIT_FAILED);
	close(ca->sync[0]);
	execv("/proc/self/exe", ca->argv);
	md_die("re-exec /proc/self/exe");
}

enum { STACK_SIZE = 1024 * 1024 };

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

/* Map uid and gid 0 in the child's user namespace to ours: root inside is
 * us outside (user_namespaces(7), "User and group ID mappings").  A user
 * who is not root may write one line, for their own id, and must deny
 * setgroups(2) before writing gid_map: otherwise the child could drop
 * supplementary groups that deny it access to files ("setgroups" in
 * user_namespaces(7), CVE-2014-8989). */
static int write_id_maps(pid_t pid)
{
	char map[64];

	snprintf(map, sizeof map, "0 %d 1\n", (int)getuid());
	if (write_proc(pid, "uid_map", map) < 0 || write_proc(pid, "setgroups", "deny") < 0)
		return -1;
	snprintf(map, sizeof map, "0 %d 1\n", (int)getgid());
	return write_proc(pid, "gid_map", map);
}

/* Run container C's command in new namespaces, attached to our stdio, and
 * record in its state that it runs and then how it ended.  LOCK, if not -1,
 * is released once the state says "running".  Returns the exit status. */
static int start_container(struct container *c, const char *self, int lock)
{
	char rootfs[PATH_MAX];

	container_path(rootfs, c->id, "rootfs");
	char **argv = calloc(c->argc + 4, sizeof *argv);
	if (!argv)
		md_die("calloc");
	argv[0] = (char *)self;
	argv[1] = "init";
	argv[2] = rootfs;
	memcpy(argv + 3, c->argv, (c->argc + 1) * sizeof *argv);

	struct clone_args ca = { .argv = argv };
	if (pipe2(ca.sync, O_CLOEXEC) < 0)
		md_die("pipe");
	forward_signals();
	/* Without CLONE_VM the child gets a copy of our memory, this stack
	 * included; clone wants its top, since stacks grow down on x86. */
	char *stack = mmap(NULL, STACK_SIZE, PROT_READ | PROT_WRITE,
			   MAP_PRIVATE | MAP_ANONYMOUS | MAP_STACK, -1, 0);
	if (stack == MAP_FAILED)
		md_die("mmap a stack for clone");
	/* With CLONE_NEWUSER the other namespaces are owned by the new user
	 * namespace, where the child has every capability: no root needed. */
	child = clone(clone_main, stack + STACK_SIZE,
		      CLONE_NEWUSER | CLONE_NEWUTS | CLONE_NEWPID | CLONE_NEWNS |
		      CLONE_NEWIPC | CLONE_NEWNET | SIGCHLD, &ca);
	release_signals();
	if (child < 0) {
		int err = errno;
		if (lock >= 0)
			close(lock);
		md_warnx("clone with all six namespaces: %s", strerror(err));
		if (err == EPERM || err == EACCES || err == ENOSPC || err == EUSERS)
			md_userns_hint(err);
		return MD_EXIT_FAILED;
	}
	close(ca.sync[0]);
	if (write_id_maps(child) < 0) {
		if (lock >= 0)
			close(lock);
		close(ca.sync[1]);	/* "give up" */
		wait_for(child);
		return MD_EXIT_FAILED;
	}
	/* Recorded before the command may start, so that ps, exec and stop
	 * can find it from its first instruction on. */
	c->status = RUNNING;
	c->pid = child;
	c->pid_start = start_time(child);
	c->monitor = getpid();
	c->monitor_start = start_time(getpid());
	save_state(c);
	if (lock >= 0)
		close(lock);
	int status = MD_EXIT_FAILED;
	if (write(ca.sync[1], "1", 1) == 1)
		status = wait_for(child);
	else
		wait_for(child);
	close(ca.sync[1]);
	c->status = EXITED;
	c->exit_code = status;
	clock_gettime(CLOCK_REALTIME, &c->finished);
	save_state(c);
	return status;
}

/* ------------------------------------------------------------------ */
/* Inside the container (v0.5 - v0.7)                                  */

/* Make ROOTFS the container's /, and give it its own /proc there, without
 * touching the host's. */
static void enter_rootfs(const char *rootfs)
{
	/* The new mount namespace is a copy of the host's, propagation
	 * included: where / is shared (every systemd host), a mount made here
	 * would appear on the host too, and outlive the container there.
	 * MS_REC|MS_PRIVATE cuts every mount off from its peers first.
	 * See mount_namespaces(7), "Shared subtrees". */
	if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0)
		md_die("make / private (mount MS_REC|MS_PRIVATE)");
	/* chroot(2) changes what "/" means for this process and its children;
	 * it does not change the current directory, hence the chdir. */
	if (chroot(rootfs) < 0)
		md_die("chroot %s", rootfs);
	if (chdir("/") < 0)
		md_die("chdir / in %s", rootfs);
	/* /proc is now the image's empty folder.  Nothing in /proc needs
	 * setuid, devices or execution. */
	if (mount("proc", "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL) < 0)
		md_die("mount proc on %s/proc", rootfs);
}

/* The command's environment is the container's, not the host's: the
 * host's variables (SUDO_USER, SSH_AUTH_SOCK...) say nothing true inside.
 * These are what Docker sets; TERM is kept so a shell can draw. */
static void container_env(void)
{
	const char *term = getenv("TERM");
	char *keep = term ? strdup(term) : NULL;

	if (clearenv() != 0)
		md_diex("clearenv failed");
	/* execvp searches this PATH, and after chroot, inside the container. */
	if (setenv("PATH", "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", 1) < 0 ||
	    setenv("HOSTNAME", "container", 1) < 0 || setenv("HOME", "/root", 1) < 0 ||
	    (keep && setenv("TERM", keep, 1) < 0))
		md_die("setenv");
	free(keep);
}

/* `minidocker init ROOTFS COMMAND...`: the container side, PID 1 of its
 * PID namespace.  Name the host, enter the root filesystem, then become
 * the command: execvp keeps our PID, so the command is PID 1.  No unmount
 * at the end: the mount namespace, and every mount in it, goes away with
 * its last process. */
static noreturn void container_init(const char *rootfs, char **cmd)
{
	/* Only ever run by `run`: outside a new PID namespace, sethostname
	 * below would rename the host. */
	if (getpid() != 1)
		md_diex("init is internal to `minidocker run`; use run");
	/* A session of its own (setsid(2)): in minidocker's process group,
	 * kill(0, sig) in the container would reach the host's processes of
	 * that group, the user's shell among them, PID namespace or not. */
	if (setsid() < 0)
		md_die("setsid");
	if (sethostname("container", strlen("container")) < 0)
		md_die("sethostname container");
	enter_rootfs(rootfs);
	container_env();
	execvp(cmd[0], cmd);
	md_exec_failed(cmd[0]);
}

/* ------------------------------------------------------------------ */
/* The commands                                                        */

static const char *self_path;	/* argv[0], for the re-exec's argv */

static int cmd_run(int argc, char **argv)
{
	static const struct option opts[] = { { "rm", no_argument, NULL, 'r' },
					      { "help", no_argument, NULL, 'h' }, { 0 } };
	const struct command *c = find_command("run");
	int rm = 0, opt;

	while ((opt = next_opt(c, argc, argv, "", opts)) != -1)
		if (opt == 'r')
			rm = 1;
	if (optind >= argc)
		usage_error(c, NULL, "no image given");
	const char *image = argv[optind++];
	static char *default_cmd[] = { "/bin/sh", NULL };
	char **cmd = optind < argc ? argv + optind : default_cmd;
	int ncmd = optind < argc ? argc - optind : 1;

	struct container ct;
	create_container(&ct, image, cmd, ncmd);
	int status = start_container(&ct, self_path, -1);
	if (rm) {
		char dir[PATH_MAX];
		container_path(dir, ct.id, NULL);
		md_remove_tree(dir);
	}
	return status;
}

/* Docker's words for a duration (go-units HumanDuration). */
static void human_duration(double secs, char *buf, size_t len)
{
	long s = (long)secs, m = s / 60, h = (long)(secs / 3600.0 + 0.5);

	if (s < 1)
		snprintf(buf, len, "Less than a second");
	else if (s == 1)
		snprintf(buf, len, "1 second");
	else if (s < 60)
		snprintf(buf, len, "%ld seconds", s);
	else if (m == 1)
		snprintf(buf, len, "About a minute");
	else if (m < 60)
		snprintf(buf, len, "%ld minutes", m);
	else if (h == 1)
		snprintf(buf, len, "About an hour");
	else if (h < 48)
		snprintf(buf, len, "%ld hours", h);
	else if (h < 24 * 7 * 2)
		snprintf(buf, len, "%ld days", h / 24);
	else if (h < 24 * 30 * 2)
		snprintf(buf, len, "%ld weeks", h / 24 / 7);
	else if (h < 24 * 365 * 2)
		snprintf(buf, len, "%ld months", h / 24 / 30);
	else
		snprintf(buf, len, "%ld years", h / 24 / 365);
}

static double since(const struct timespec *t)
{
	struct timespec now;
	clock_gettime(CLOCK_REALTIME, &now);
	return (now.tv_sec - t->tv_sec) + (now.tv_nsec - t->tv_nsec) / 1e9;
}

static int newest_first(const void *a, const void *b)
{
	const struct container *x = a, *y = b;
	if (x->created.tv_sec != y->created.tv_sec)
		return x->created.tv_sec < y->created.tv_sec ? 1 : -1;
	return x->created.tv_nsec < y->created.tv_nsec ? 1 : x->created.tv_nsec > y->created.tv_nsec ? -1 : 0;
}

/* How many columns a UTF-8 string takes: its bytes, less the
 * continuation bytes (10xxxxxx) of multi-byte characters such as "…". */
static int columns(const char *s)
{
	int n = 0;
	for (; *s; s++)
		n += ((unsigned char)*s & 0xc0) != 0x80;
	return n;
}

static int cmd_ps(int argc, char **argv)
{
	static const struct option opts[] = { { "all", no_argument, NULL, 'a' },
					      { "quiet", no_argument, NULL, 'q' },
					      { "help", no_argument, NULL, 'h' }, { 0 } };
	const struct command *cmd = find_command("ps");
	int all = 0, quiet = 0, opt;

	while ((opt = next_opt(cmd, argc, argv, "aq", opts)) != -1)
		if (opt == 'a')
			all = 1;
		else if (opt == 'q')
			quiet = 1;
	if (optind < argc)
		usage_error(cmd, NULL, "unexpected argument '%s'", argv[optind]);

	char **ids;
	int n = list_ids(&ids), shown = 0;
	struct container *cs = calloc(n ? n : 1, sizeof *cs);
	if (!cs)
		md_die("calloc");
	for (int i = 0; i < n; i++)
		if (load_state(ids[i], &cs[shown]) == 0) {
			settle(&cs[shown]);
			if (all || cs[shown].status == RUNNING)
				shown++;
		}
	qsort(cs, shown, sizeof *cs, newest_first);
	/* A table as Docker prints it: each column as wide as its widest
	 * cell, three spaces apart.  So build the cells first. */
	enum { COLS = 5 };
	char (*cell)[COLS][96] = calloc(shown + 1, sizeof *cell);
	if (!cell)
		md_die("calloc");
	static const char *const head[COLS] = { "CONTAINER ID", "IMAGE", "COMMAND", "CREATED", "STATUS" };
	for (int j = 0; j < COLS; j++)
		snprintf(cell[0][j], sizeof cell[0][j], "%s", head[j]);
	for (int i = 0; i < shown; i++) {
		struct container *c = &cs[i];
		char (*row)[96] = cell[i + 1], command[64] = "", ago[40];
		for (int j = 0; j < c->argc; j++)
			snprintf(command + strlen(command), sizeof command - strlen(command), "%s%s",
				 j ? " " : "", c->argv[j]);
		snprintf(row[0], sizeof row[0], "%.12s", c->id);
		snprintf(row[1], sizeof row[1], "%.63s", c->image);
		/* Docker's COMMAND column: quoted, cut at 20 characters. */
		if (strlen(command) > 20)
			snprintf(row[2], sizeof row[2], "\"%.19s…\"", command);
		else
			snprintf(row[2], sizeof row[2], "\"%s\"", command);
		human_duration(since(&c->created), ago, sizeof ago);
		snprintf(row[3], sizeof row[3], "%s ago", ago);
		if (c->status == RUNNING) {
			human_duration(since(&c->created), ago, sizeof ago);
			snprintf(row[4], sizeof row[4], "Up %s", ago);
		} else if (c->status == EXITED) {
			human_duration(since(&c->finished), ago, sizeof ago);
			snprintf(row[4], sizeof row[4], "Exited (%d) %s ago", c->exit_code, ago);
		} else {
			snprintf(row[4], sizeof row[4], "Created");
		}
	}
	if (quiet) {
		for (int i = 1; i <= shown; i++)
			printf("%s\n", cell[i][0]);
	} else {
		int width[COLS] = { 0 };
		for (int i = 0; i <= shown; i++)
			for (int j = 0; j < COLS; j++)
				if (columns(cell[i][j]) > width[j])
					width[j] = columns(cell[i][j]);
		for (int i = 0; i <= shown; i++)
			for (int j = 0; j < COLS; j++)
				printf("%s%*s", cell[i][j], j < COLS - 1 ? width[j] - columns(cell[i][j]) + 3 : 0,
				       j < COLS - 1 ? "" : "\n");
	}
	free(cell);
	for (int i = 0; i < n; i++)
		free(ids[i]);
	free(ids);
	free(cs);
	return 0;
}

/* Join the namespaces of the container whose PID 1 is PID, and its root.
 * The user namespace comes first: it is what gives us the capabilities
 * that joining the others requires (setns(2)). */
static void join_container(pid_t pid)
{
	static const char *const kinds[] = { "user", "ipc", "uts", "net", "pid", "mnt" };
	int fds[6], root;
	char path[64];

	/* Open everything first: after joining the mount namespace, /proc
	 * would be the container's, where PID means something else. */
	for (int i = 0; i < 6; i++) {
		snprintf(path, sizeof path, "/proc/%d/ns/%s", (int)pid, kinds[i]);
		if ((fds[i] = open(path, O_RDONLY | O_CLOEXEC)) < 0)
			md_die("open %s", path);
	}
	snprintf(path, sizeof path, "/proc/%d/root", (int)pid);
	if ((root = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0)
		md_die("open %s", path);
	for (int i = 0; i < 6; i++) {
		if (setns(fds[i], 0) < 0)
			md_die("setns %s namespace of PID %d", kinds[i], (int)pid);
		close(fds[i]);
	}
	/* setns into a mount namespace puts us at its root mount, the host's
	 * /: the container's root is a chroot, so enter it the same way. */
	if (fchdir(root) < 0 || chroot(".") < 0 || chdir("/") < 0)
		md_die("enter the container's root");
	close(root);
}

/* Is container C running?  If not, say so. */
static int check_running(const struct container *c, const char *name)
{
	if (c->status == RUNNING && alive(c->pid, c->pid_start))
		return 0;
	md_warnx("container %s is not running", name);
	return -1;
}

static int cmd_exec(int argc, char **argv)
{
	static const struct option opts[] = { { "help", no_argument, NULL, 'h' }, { 0 } };
	const struct command *cmd = find_command("exec");
	struct container c;

	while (next_opt(cmd, argc, argv, "", opts) != -1)
		;
	if (argc - optind < 2)
		usage_error(cmd, NULL, argc - optind ? "no command given" : "no container given");
	const char *name = argv[optind];
	if (find_container(name, &c) < 0 || check_running(&c, name) < 0)
		return MD_EXIT_FAILED;
	join_container(c.pid);
	/* Joining a PID namespace applies to our children only: fork, so the
	 * command is a process of the container. */
	forward_signals();
	child = fork();
	if (child < 0)
		md_die("fork");
	if (child == 0) {
		release_signals();
		if (prctl(PR_SET_PDEATHSIG, SIGKILL) < 0)
			md_die("prctl PR_SET_PDEATHSIG");
		container_env();
		execvp(argv[optind + 1], argv + optind + 1);
		md_exec_failed(argv[optind + 1]);
	}
	release_signals();
	return wait_for(child);
}

static int cmd_start(int argc, char **argv)
{
	static const struct option opts[] = { { "help", no_argument, NULL, 'h' }, { 0 } };
	const struct command *cmd = find_command("start");
	int status = 0;

	while (next_opt(cmd, argc, argv, "", opts) != -1)
		;
	if (optind >= argc)
		usage_error(cmd, NULL, "no container given");
	for (int i = optind; i < argc; i++) {
		struct container c;
		char dir[PATH_MAX];
		if (find_container(argv[i], &c) < 0) {
			status = MD_EXIT_FAILED;
			continue;
		}
		/* Two starts at once must not both see "not running": hold a
		 * lock on the container's folder (flock(2)) while checking. */
		char id[65];
		snprintf(id, sizeof id, "%s", c.id);
		container_path(dir, id, NULL);
		int lock = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (lock < 0 || flock(lock, LOCK_EX) < 0)
			md_die("lock %s", dir);
		if (load_state(id, &c) < 0)
			md_diex("container %s has no readable state", argv[i]);
		settle(&c);
		if (c.status == RUNNING) {
			md_warnx("container %s is already running", argv[i]);
			status = MD_EXIT_FAILED;
			close(lock);
			continue;
		}
		/* start_container releases the lock once the state says
		 * "running": a second start then sees it and refuses. */
		status = start_container(&c, self_path, lock);
	}
	return status;
}

/* Stop one container: SIGTERM, then SIGKILL after TIMEOUT seconds.  The
 * pidfd makes sure the signals reach the container's PID 1 and no process
 * that took its number since. */
static int stop_one(const char *name, int timeout)
{
	struct container c;

	if (find_container(name, &c) < 0 || check_running(&c, name) < 0)
		return -1;
	int pidfd = pidfd_open(c.pid);
	int monfd = pidfd_open(c.monitor);
	if (pidfd < 0 || !alive(c.pid, c.pid_start)) {
		/* It ended between the check and the open: that is stopped. */
		if (pidfd >= 0)
			close(pidfd);
	} else {
		/* PID 1 ignores SIGTERM unless it has a handler for it
		 * (pid_namespaces(7)); SIGKILL always works. */
		if (pidfd_signal(pidfd, SIGTERM) < 0 && errno != ESRCH)
			md_die("send SIGTERM to %s", name);
		if (!pidfd_wait(pidfd, timeout * 1000)) {
			if (pidfd_signal(pidfd, SIGKILL) < 0 && errno != ESRCH)
				md_die("send SIGKILL to %s", name);
			pidfd_wait(pidfd, -1);
		}
		close(pidfd);
	}
	/* Its minidocker records the exit status; wait for it to finish. */
	if (monfd >= 0 && alive(c.monitor, c.monitor_start))
		pidfd_wait(monfd, 5000);
	if (monfd >= 0)
		close(monfd);
	return 0;
}

static int cmd_stop(int argc, char **argv)
{
	static const struct option opts[] = { { "time", required_argument, NULL, 't' },
					      { "help", no_argument, NULL, 'h' }, { 0 } };
	const struct command *cmd = find_command("stop");
	int timeout = 10, opt, status = 0;
	char *end;

	while ((opt = next_opt(cmd, argc, argv, "t:", opts)) != -1)
		if (opt == 't') {
			long t = strtol(optarg, &end, 10);
			if (*end || end == optarg || t < 0 || t > 86400)
				usage_error(cmd, NULL, "invalid time '%s': seconds, 0 to 86400", optarg);
			timeout = t;
		}
	if (optind >= argc)
		usage_error(cmd, NULL, "no container given");
	for (int i = optind; i < argc; i++) {
		if (stop_one(argv[i], timeout) < 0)
			status = MD_EXIT_FAILED;
		else
			printf("%s\n", argv[i]);
	}
	return status;
}

static int cmd_version(int argc, char **argv)
{
	static const struct option opts[] = { { "help", no_argument, NULL, 'h' }, { 0 } };

	while (next_opt(find_command("version"), argc, argv, "", opts) != -1)
		;
	printf("minidocker %s\nbuilt from: %s\nbuilt with: %s, %s %s\n", MD_STAGE, MD_BUILD,
	       __VERSION__, __DATE__, __TIME__);
	return 0;
}

static int cmd_help(int argc, char **argv)
{
	static const struct option opts[] = { { "help", no_argument, NULL, 'h' }, { 0 } };

	while (next_opt(find_command("help"), argc, argv, "", opts) != -1)
		;
	argc -= optind - 1;
	argv += optind - 1;
	if (argc < 2) {
		main_usage(stdout);
		return 0;
	}
	const struct command *c = find_command(argv[1]);
	if (!c)
		usage_error(NULL, NULL, "help: unknown command '%s'", argv[1]);
	command_usage(c, stdout);
	return 0;
}

int main(int argc, char **argv)
{
	md_trace(argv);
	self_path = argv[0];
	if (argc > 3 && !strcmp(argv[1], "init"))
		container_init(argv[2], argv + 3);

	/* Global options come before the command. */
	int i = 1;
	for (; i < argc && argv[i][0] == '-'; i++) {
		if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) {
			main_usage(stdout);
			return 0;
		} else if (!strcmp(argv[i], "--root") && i + 1 < argc) {
			setenv("MINIDOCKER_ROOT", argv[++i], 1);
		} else if (!strncmp(argv[i], "--root=", 7)) {
			setenv("MINIDOCKER_ROOT", argv[i] + 7, 1);
		} else if (!strcmp(argv[i], "--root")) {
			usage_error(NULL, NULL, "flag '--root' needs a value");
		} else {
			usage_error(NULL, distance(argv[i], "--root") <= 2 ? "--root" : NULL,
				    "unknown flag '%s'", argv[i]);
		}
	}
	if (i >= argc)
		usage_error(NULL, NULL, "no command given");
	if (!strcmp(argv[i], "init"))
		md_diex("init is internal to `minidocker run`; use run");
	const struct command *c = find_command(argv[i]);
	if (!c) {
		const char *best = NULL;
		int bestd = 3;
		for (int j = 0; j < NCOMMANDS; j++) {
			int d = distance(argv[i], commands[j].name);
			if (d < bestd) {
				bestd = d;
				best = commands[j].name;
			}
		}
		usage_error(NULL, best, "unknown command '%s'", argv[i]);
	}
	return c->handler(argc - i, argv + i);
}
