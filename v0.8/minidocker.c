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
#include <sys/socket.h>
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
	/* Its arguments end with a command, whose flags are the command's
	 * own: options stop at the first word that is not one.  Elsewhere
	 * the words are names, and options may come after them, as Docker
	 * takes `stop c1 -t 1`. */
	int command_follows;
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
	  "      --rm        Remove the container when it exits\n", cmd_run, 1 },
	{ "ps", "List containers", "ps [OPTIONS]",
	  "  -a, --all       Show all containers (default: only running ones)\n"
	  "  -q, --quiet     Show only container ids\n", cmd_ps, 0 },
	{ "exec", "Run a command in a running container",
	  "exec CONTAINER COMMAND [ARG...]", NULL, cmd_exec, 1 },
	{ "start", "Start one or more stopped containers, attached",
	  "start CONTAINER...", NULL, cmd_start, 0 },
	{ "stop", "Stop one or more running containers",
	  "stop [OPTIONS] CONTAINER...",
	  "  -t, --time N    Seconds to wait for SIGTERM before SIGKILL (default 10)\n", cmd_stop, 0 },
	{ "version", "Show the minidocker version", "version", NULL, cmd_version, 0 },
	{ "help", "Help on a command", "help [COMMAND]", NULL, cmd_help, 0 },
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

/* The flag getopt_long just stopped at, as the user typed it.  A long
 * option is the word before optind.  A short one may sit in a cluster
 * ("-it"), where optind has not moved on yet and the word before it is
 * another one ("exec"): optopt names the letter. */
static const char *bad_flag(char **argv, int unknown)
{
	static char letter[3];

	if (!strncmp(argv[optind - 1], "--", 2) && (unknown ? !optopt : 1))
		return argv[optind - 1];
	snprintf(letter, sizeof letter, "-%c", optopt);
	return letter;
}

/* getopt_long for command C.  For run and exec, "+" stops at the first
 * word that is not an option, so a container's command keeps its own
 * flags; for the others, getopt_long moves the names after the options.
 * Unknown options are ours to report, with a suggestion.  Returns the
 * option, or -1. */
static int next_opt(const struct command *c, int argc, char **argv, const char *shortopts,
		    const struct option *longopts)
{
	char spec[32];

	snprintf(spec, sizeof spec, "%s:h%s", c->command_follows ? "+" : "", shortopts);
	opterr = 0;
	int opt = getopt_long(argc, argv, spec, longopts, NULL);
	if (opt == 'h') {
		command_usage(c, stdout);
		exit(0);
	}
	if (opt == ':')
		usage_error(c, NULL, "flag '%s' needs a value", bad_flag(argv, 0));
	if (opt == '?') {
		const char *bad = bad_flag(argv, 1), *best = NULL;
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
	struct timespec created, finished;	/* finished: 0 if not known */
	enum status status;
	pid_t pid;		/* the container's PID 1, as the host sees it */
	unsigned long long pid_start;
	pid_t monitor;		/* the minidocker process waiting for it */
	unsigned long long monitor_start;
	int exit_code;
	int rm;			/* run --rm: remove it when it exits */
};

static void container_path(char *buf, const char *id, const char *file)
{
	md_pathf(buf, "%s/containers/%s%s%s", md_state_root(), id, file ? "/" : "", file ? file : "");
}

/* Locks (flock(2)).  Several minidockers may work on one container at
 * once: a run and the `start` of it, a `ps` that tidies up after a killed
 * run.  Every change to a container's folder (its state file, and its
 * removal) is made holding an exclusive lock on the folder.  The kernel
 * drops a process's locks when it dies, even by SIGKILL, so a lock that
 * can be taken means that no one is in the middle of a change.
 * Returns the locked fd (close it to unlock), or -1. */
static int lock_dir(const char *dir, int how)
{
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	if (fd < 0)
		return -1;
	int r;
	while ((r = flock(fd, how)) < 0 && errno == EINTR)
		;
	if (r < 0) {
		close(fd);
		return -1;
	}
	return fd;
}

static int lock_container(const char *id, int how)
{
	char dir[PATH_MAX];

	container_path(dir, id, NULL);
	return lock_dir(dir, how);
}

/* ROOT/containers itself is locked only while a new container's folder is
 * made and locked: between mkdir and flock, the folder has no state and
 * no lock, and must not be taken for debris (see tidy). */
static int lock_containers(void)
{
	char dir[PATH_MAX];

	md_pathf(dir, "%s/containers", md_state_root());
	int fd = lock_dir(dir, LOCK_EX);
	if (fd < 0)
		md_die("lock %s", dir);
	return fd;
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
 * beside it, flush it to disk, and rename(2) it over the old one.  The
 * caller holds the container's lock, so one name, state.tmp, is enough;
 * one that a killed writer left is overwritten, or removed by tidy.
 * Returns 0, or -1 after saying what failed. */
static int save_state(const struct container *c)
{
	char path[PATH_MAX], tmp[PATH_MAX];

	container_path(path, c->id, "state");
	container_path(tmp, c->id, "state.tmp");
	FILE *f = fopen(tmp, "we");
	if (!f) {
		md_warn("write %s", tmp);
		return -1;
	}
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
		(long long)c->finished.tv_sec, c->finished.tv_nsec, c->rm);
	if (fflush(f) != 0 || fsync(fileno(f)) < 0) {
		md_warn("write %s", tmp);
		fclose(f);
		unlink(tmp);
		return -1;
	}
	fclose(f);
	if (rename(tmp, path) < 0) {
		md_warn("rename %s", tmp);
		unlink(tmp);
		return -1;
	}
	return 0;
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

static void free_state(struct container *c)
{
	for (int i = 0; i < c->argc; i++)
		free(c->argv[i]);
	free(c->argv);
	c->argv = NULL;
	c->argc = 0;
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
		*(k == K_RM ? &c->rm : &c->exit_code) = n;
		return k;
	}
	return -1;
}

enum { STATE_OK, STATE_MISSING, STATE_DAMAGED };

/* Read container ID's state.  STATE_MISSING: it has no state file (yet,
 * or its creation was killed); STATE_DAMAGED: the file is not one that
 * save_state wrote, whole: a line it does not write, a key missing, no
 * newline at the end (cut short), another container's id. */
static int load_state(const char *id, struct container *c)
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
		free_state(c);
		return STATE_DAMAGED;
	}
	return STATE_OK;
}

/* The state file may say "running" about a container whose minidocker was
 * killed (SIGKILL leaves no chance to write "exited").  The kernel then
 * killed the container too (PR_SET_PDEATHSIG), so: exited, with 137, at a
 * time no one knows. */
static void settle(struct container *c)
{
	if (c->status == RUNNING && !alive(c->pid, c->pid_start) &&
	    !alive(c->monitor, c->monitor_start)) {
		c->status = EXITED;
		c->exit_code = 128 + SIGKILL;
		c->finished = (struct timespec){ 0 };
	}
}

/* What a killed minidocker leaves behind: a folder with no state (killed
 * while it made the container), a state.tmp (killed while it wrote the
 * state), a `run --rm` container that has ended (killed before it removed
 * it).  Is container ID, whose state is C, one of those? */
static int is_debris(const char *id, int state, const struct container *c)
{
	char tmp[PATH_MAX];

	container_path(tmp, id, "state.tmp");
	return state == STATE_MISSING || (state == STATE_OK && c->rm && c->status != RUNNING) ||
	       access(tmp, F_OK) == 0;
}

/* Clean up after a killed minidocker, if container ID needs it; return -1
 * if the container is gone.  Only under the container's lock, taken
 * without waiting: if someone holds it, they are making, starting or
 * finishing the container, and its state is theirs to write. */
static int tidy(const char *id)
{
	struct container c;
	int state = load_state(id, &c);

	if (state == STATE_OK)
		settle(&c);
	if (!is_debris(id, state, &c)) {
		free_state(&c);
		return 0;
	}
	free_state(&c);
	int all = lock_containers();
	int lock = lock_container(id, LOCK_EX | LOCK_NB);
	close(all);
	if (lock < 0)
		return errno == ENOENT ? -1 : 0;
	/* Look again, under the lock: it may have changed meanwhile. */
	char path[PATH_MAX];
	container_path(path, id, "state.tmp");
	unlink(path);
	state = load_state(id, &c);
	if (state == STATE_OK)
		settle(&c);
	int gone = is_debris(id, state, &c);
	free_state(&c);
	if (gone) {
		container_path(path, id, NULL);
		gone = md_remove_tree(path) == 0;
	}
	close(lock);
	return gone ? -1 : 0;
}

/* Every container id, in no order; tidy sweeps debris on the way. */
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
		if (strlen(e->d_name) != 64 || strspn(e->d_name, "0123456789abcdef") != 64 ||
		    tidy(e->d_name) < 0)
			continue;
		*ids = realloc(*ids, (n + 1) * sizeof **ids);
		if (!*ids)
			md_die("realloc");
		(*ids)[n++] = strdup(e->d_name);
	}
	closedir(d);
	return n;
}

/* Say that container ID has a state file minidocker cannot read, and how
 * to get rid of it. */
static void damaged(const char *id)
{
	char path[PATH_MAX];

	container_path(path, id, "state");
	md_warnx("container %.12s has a damaged state file: %s", id, path);
	container_path(path, id, NULL);
	md_hint("nothing can be done with it but removing it: rm -rf %s", path);
}

/* Find the container that NAME names: its full id, or a unique prefix. */
static int find_container(const char *name, struct container *c)
{
	char **ids;
	int n = list_ids(&ids), found = 0, state = STATE_MISSING;
	const char *match = NULL;

	memset(c, 0, sizeof *c);
	for (int i = 0; i < n; i++)
		if (name[0] && !strncmp(ids[i], name, strlen(name))) {
			found++;
			match = ids[i];
		}
	if (found > 1)
		md_warnx("'%s' is ambiguous: %d containers have ids starting with it", name, found);
	else if (found == 1 && (state = load_state(match, c)) == STATE_DAMAGED)
		damaged(match);
	/* No state yet: another minidocker is still making it. */
	if (found == 0 || state == STATE_MISSING)
		md_warnx("no such container: %s", name);
	if (state == STATE_OK)
		settle(c);
	for (int i = 0; i < n; i++)
		free(ids[i]);
	free(ids);
	return found == 1 && state == STATE_OK ? 0 : -1;
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
		md_image_hint();
		exit(MD_EXIT_FAILED);
	}
}

/* A new container: ROOT/containers/ID with a copy of the image as its
 * rootfs and a state file saying "created".  Returns the container's
 * lock, held from the mkdir on: until the state file is there, a folder
 * whose lock is free is debris of a killed run (see tidy). */
static int create_container(struct container *c, const char *image, char **cmd, int ncmd, int rm)
{
	char src[PATH_MAX], dir[PATH_MAX], rootfs[PATH_MAX];

	image_path(image, src);
	memset(c, 0, sizeof *c);
	md_new_id(c->id);
	snprintf(c->image, sizeof c->image, "%s", image);
	c->argc = ncmd;
	c->argv = cmd;
	c->rm = rm;
	clock_gettime(CLOCK_REALTIME, &c->created);

	md_state_dir(dir, "containers", 0700);
	container_path(dir, c->id, NULL);
	container_path(rootfs, c->id, "rootfs");
	int all = lock_containers();
	if (mkdir(dir, 0700) < 0)
		md_die("mkdir %s", dir);
	int lock = lock_container(c->id, LOCK_EX);
	if (lock < 0)
		md_die("lock %s", dir);
	close(all);
	if (mkdir(rootfs, 0700) < 0)
		md_die("mkdir %s", rootfs);
	if (md_copy_tree(src, rootfs) < 0 || save_state(c) < 0) {
		md_remove_tree(dir);
		md_diex("cannot make the container %.12s from %s", c->id, src);
	}
	return lock;
}

/* ------------------------------------------------------------------ */
/* Starting a container (v0.7), now recording its state               */

/* What clone_main needs: the init's argv, and the sync channel: a pair of
 * connected sockets (socketpair(2)), a pipe that works both ways. */
struct clone_args {
	char **argv;
	int sync[2];	/* [0]: the child's end, [1]: the parent's */
};

/* clone(2) starts the new process here, in the new namespaces.  It waits
 * for the parent to write its uid and gid maps, then replaces itself with
 * a fresh copy of minidocker: `minidocker init FD ROOTFS COMMAND...`,
 * which keeps its end of the sync channel, fd FD, to say when it is ready. */
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
	/* The init needs its end of the channel: keep it open across exec. */
	if (fcntl(ca->sync[0], F_SETFD, 0) < 0)
		md_die("fcntl");
	/* Not execv("/proc/self/exe"): see md_exec_self in common/exec.c. */
	md_exec_self(ca->argv);
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

/* Start the container's first process, in six new namespaces, with its
 * end of the sync channel.  Returns its PID, or -1 after saying why. */
static pid_t clone_container(struct clone_args *ca)
{
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
		      CLONE_NEWIPC | CLONE_NEWNET | SIGCHLD, ca);
	release_signals();
	if (child < 0) {
		int err = errno;
		md_warnx("clone with all six namespaces: %s", strerror(err));
		if (err == EPERM || err == EACCES || err == ENOSPC || err == EUSERS)
			md_userns_hint(err);
	}
	close(ca->sync[0]);
	return child;
}

/* Record how container C ended, or remove it (--rm), under its lock like
 * every change to its folder.  If the folder was removed by hand while
 * the container ran, there is nothing to record it in: say so, and go on
 * (the command's status is still the run's). */
static void record_exit(struct container *c, int status)
{
	char dir[PATH_MAX];

	container_path(dir, c->id, NULL);
	int lock = lock_container(c->id, LOCK_EX);
	if (lock < 0) {
		md_warn("record that container %.12s exited: lock %s", c->id, dir);
		return;
	}
	c->status = EXITED;
	c->exit_code = status;
	clock_gettime(CLOCK_REALTIME, &c->finished);
	if (c->rm)
		md_remove_tree(dir);
	else
		save_state(c);
	close(lock);
}

/* Run container C's command in new namespaces, attached to our stdio, and
 * record in its state that it runs and then how it ended.  The caller holds
 * LOCK, C's lock; it is released once the state says "running" (or the
 * start failed).  Returns the exit status. */
static int start_container(struct container *c, const char *self, int lock)
{
	char rootfs[PATH_MAX], fd[16], ready;

	container_path(rootfs, c->id, "rootfs");
	char **argv = calloc(c->argc + 5, sizeof *argv);
	struct clone_args ca = { .argv = argv };
	if (!argv)
		md_die("calloc");
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, ca.sync) < 0)
		md_die("socketpair");
	snprintf(fd, sizeof fd, "%d", ca.sync[0]);
	argv[0] = (char *)self;
	argv[1] = "init";
	argv[2] = fd;
	argv[3] = rootfs;
	memcpy(argv + 4, c->argv, (c->argc + 1) * sizeof *argv);
	if (clone_container(&ca) < 0) {
		close(lock);
		close(ca.sync[1]);
		return MD_EXIT_FAILED;
	}
	c->pid = child;
	c->pid_start = start_time(child);	/* now, while it waits for us */
	c->monitor = getpid();
	c->monitor_start = start_time(getpid());
	c->exit_code = 0;
	c->finished = (struct timespec){ 0 };
	/* Two handshakes on the sync channel.  We write "1": the maps are
	 * there, go on.  The init writes "1" back once it is in its root,
	 * with its /proc, just before it execs the command.  Only then does
	 * the state say "running": `exec` joins a running container, and
	 * before the init's chroot its root is the host's /.  If the maps
	 * cannot be written, closing our end tells the child to give up. */
	if (write_id_maps(child) == 0 && write(ca.sync[1], "1", 1) == 1 &&
	    read(ca.sync[1], &ready, 1) == 1) {
		c->status = RUNNING;
		save_state(c);
	}
	close(lock);
	close(ca.sync[1]);
	int status = wait_for(child);
	record_exit(c, status);
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

/* `minidocker init FD ROOTFS COMMAND...`: the container side, PID 1 of its
 * PID namespace.  Name the host, enter the root filesystem, tell the
 * runtime on fd FD that the container is ready, then become the command:
 * execvp keeps our PID, so the command is PID 1.  No unmount at the end:
 * the mount namespace, and every mount in it, goes away with its last
 * process. */
static noreturn void container_init(const char *fd, const char *rootfs, char **cmd)
{
	int sync = atoi(fd);

	/* Only ever run by `run`: outside a new PID namespace, sethostname
	 * below would rename the host. */
	if (getpid() != 1 || sync < 3)
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
	/* The second handshake (see start_container): from here on, what
	 * joins our namespaces finds the container's root and /proc. */
	if (write(sync, "1", 1) != 1)
		md_die("tell minidocker that the container is ready");
	close(sync);
	/* Only fds 0-2 cross, and signals start at their defaults (see
	 * common/exec.c): nothing of the caller's reaches the command. */
	md_exec_prepare();
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
	int lock = create_container(&ct, image, cmd, ncmd, rm);
	return start_container(&ct, self_path, lock);
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

/* The containers ps shows (ALL: the stopped ones too) into *CS, newest
 * first; returns how many. */
static int load_all(int all, struct container **cs)
{
	char **ids;
	int n = list_ids(&ids), shown = 0;

	*cs = calloc(n ? n : 1, sizeof **cs);
	if (!*cs)
		md_die("calloc");
	for (int i = 0; i < n; i++) {
		struct container *c = &(*cs)[shown];
		int state = load_state(ids[i], c);
		/* STATE_MISSING: another minidocker is still making it. */
		if (state == STATE_DAMAGED)
			damaged(ids[i]);
		if (state != STATE_OK)
			continue;
		settle(c);
		if (all || c->status == RUNNING)
			shown++;
		else
			free_state(c);
	}
	for (int i = 0; i < n; i++)
		free(ids[i]);
	free(ids);
	qsort(*cs, shown, sizeof **cs, newest_first);
	return shown;
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

	struct container *cs;
	int shown = load_all(all, &cs);
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
		} else if (c->status == EXITED && !c->finished.tv_sec) {
			/* Its minidocker was killed: when it ended is unknown. */
			snprintf(row[4], sizeof row[4], "Exited (%d)", c->exit_code);
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
	for (int i = 0; i < shown; i++)
		free_state(&cs[i]);
	free(cs);
	return 0;
}

/* Join the namespaces of container C, and its root; -1 if it is not
 * running.  A PID is only a number: the container's PID 1 may end, and its
 * number go to another process, between any check and the open of /proc/PID/ns/user.  A
 * pidfd names the process itself (pidfd_open(2)), and setns(2) takes one
 * (Linux 5.8): it joins the namespaces of that very process, all at once,
 * the user namespace first, which gives us the capabilities that joining
 * the others requires. */
static int join_container(const struct container *c)
{
	int pidfd = pidfd_open(c->pid), root = -1;
	char path[64];

	/* The pidfd was opened on our process if, after the open, the PID
	 * still has our start time. */
	if (pidfd < 0 || !alive(c->pid, c->pid_start))
		goto gone;
	snprintf(path, sizeof path, "/proc/%d/root", (int)c->pid);
	if ((root = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0)
		goto gone;
	/* Still alive, so /proc/PID was still it when we opened its root. */
	if (pidfd_wait(pidfd, 0))
		goto gone;
	if (setns(pidfd, CLONE_NEWUSER | CLONE_NEWIPC | CLONE_NEWUTS | CLONE_NEWNET |
			 CLONE_NEWPID | CLONE_NEWNS) < 0) {
		if (errno == ESRCH)
			goto gone;
		md_die("setns into the namespaces of PID %d", (int)c->pid);
	}
	close(pidfd);
	/* setns into a mount namespace puts us at its root mount, the host's
	 * /: the container's root is a chroot, so enter it the same way. */
	if (fchdir(root) < 0 || chroot(".") < 0 || chdir("/") < 0)
		md_die("enter the container's root");
	close(root);
	return 0;
gone:
	if (pidfd >= 0)
		close(pidfd);
	if (root >= 0)
		close(root);
	return -1;
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
	/* From setns on, this process (and the child it forks) is minidocker,
	 * from the host's file, inside the container, where a process can
	 * open /proc/PID/exe: the host's minidocker.  If it kept that fd, it
	 * could reopen it for writing once no one runs the file, and replace
	 * the binary root runs next (runc's CVE-2019-5736).  A process that
	 * is not dumpable has a /proc/PID that only root of the host can
	 * open (proc(5), PR_SET_DUMPABLE in prctl(2)); the child inherits it,
	 * and execve of the command makes it dumpable again. */
	if (prctl(PR_SET_DUMPABLE, 0) < 0)
		md_die("prctl PR_SET_DUMPABLE");
	if (join_container(&c) < 0) {
		md_warnx("container %s is not running", name);
		return MD_EXIT_FAILED;
	}
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
		/* A session of its own (setsid(2)), so no controlling terminal:
		 * else the command keeps the caller's, and ioctl(0, TIOCSTI)
		 * pushes text into its input that the caller's shell runs
		 * after we return.  TIOCSTI on a tty that is not one's
		 * controlling terminal needs CAP_SYS_ADMIN of the initial user
		 * namespace (ioctl_tty(2)), which no container has.  Signals
		 * still reach it: we forward them with kill(2). */
		if (setsid() < 0)
			md_die("setsid");
		container_env();
		/* Only fds 0-2 cross, signals at their defaults (exec.c). */
		md_exec_prepare();
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
		if (find_container(argv[i], &c) < 0) {
			status = MD_EXIT_FAILED;
			continue;
		}
		/* Two starts at once must not both see "not running": hold the
		 * container's lock while checking. */
		char id[65];
		snprintf(id, sizeof id, "%s", c.id);
		free_state(&c);
		int lock = lock_container(id, LOCK_EX), state = lock < 0 ? STATE_MISSING : load_state(id, &c);
		if (state != STATE_OK) {
			/* Removed, or damaged, since find_container read it. */
			if (state == STATE_DAMAGED)
				damaged(id);
			else
				md_warnx("no such container: %s", argv[i]);
			status = MD_EXIT_FAILED;
			if (lock >= 0)
				close(lock);
			continue;
		}
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
 * that took its number since.  One that is not running is stopped
 * already: that is success, as for Docker. */
static int stop_one(const char *name, int timeout)
{
	struct container c;

	if (find_container(name, &c) < 0)
		return -1;
	if (c.status != RUNNING || !alive(c.pid, c.pid_start))
		return 0;
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

	const struct command *cmd = find_command("version");

	while (next_opt(cmd, argc, argv, "", opts) != -1)
		;
	if (optind < argc)
		usage_error(cmd, NULL, "unexpected argument '%s'", argv[optind]);
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
	if (argc > 2)
		usage_error(find_command("help"), NULL, "unexpected argument '%s'", argv[2]);
	command_usage(c, stdout);
	return 0;
}

/* --root DIR.  An empty DIR is a mistake (an unset variable in a script:
 * `--root "$DIR"`), never a request for the default root, where it
 * would quietly act on other containers than the user meant. */
static void set_root(const char *dir)
{
	if (!dir[0])
		usage_error(NULL, NULL, "flag '--root' needs a folder, not an empty word");
	if (setenv("MINIDOCKER_ROOT", dir, 1) < 0)
		md_die("setenv");
}

int main(int argc, char **argv)
{
	md_trace(argv);
	self_path = argv[0];
	if (argc > 4 && !strcmp(argv[1], "init"))
		container_init(argv[2], argv[3], argv + 4);

	/* Global options come before the command. */
	int i = 1;
	for (; i < argc && argv[i][0] == '-'; i++) {
		if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) {
			main_usage(stdout);
			return 0;
		} else if (!strcmp(argv[i], "--root") && i + 1 < argc) {
			set_root(argv[++i]);
		} else if (!strncmp(argv[i], "--root=", 7)) {
			set_root(argv[i] + 7);
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
