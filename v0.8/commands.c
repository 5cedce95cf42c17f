/* The commands: one handler each, called by main() with the words after
 * the command's name. */
#include "minidocker.h"

#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/prctl.h>
#include <unistd.h>

int cmd_run(int argc, char **argv)
{
	static const struct option opts[] = { { "rm", no_argument, NULL, 'r' },
					      { "help", no_argument, NULL, 'h' }, { 0 } };
	const struct command *cmd = find_command("run");
	struct container ct = { 0 };
	int opt;

	while ((opt = next_opt(cmd, argc, argv, "", opts)) != -1)
		if (opt == 'r')
			ct.autoremove = 1;
	if (optind >= argc)
		usage_error(cmd, NULL, "no image given");
	const char *image = argv[optind++];
	static char *default_cmd[] = { "/bin/sh", NULL };
	char **command = optind < argc ? argv + optind : default_cmd;
	int ncmd = optind < argc ? argc - optind : 1;

	int mine = create_container(&ct, image, command, ncmd);
	/* MINE, the new container's lock, is released once it runs (or could
	 * not start): until then tidy and settle leave it alone. */
	return supervise(&ct, mine);
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

/* Free the command load_state read into C (its argv is on the heap). */
void drop_command(struct container *c)
{
	for (int i = 0; i < c->argc; i++)
		free(c->argv[i]);
	free(c->argv);
	c->argv = NULL;
	c->argc = 0;
}

enum { COLS = 5, CELL = 96 };

/* ps's cells for container C. */
static void ps_row(const struct container *c, char (*row)[CELL])
{
	char command[64] = "", ago[40];

	for (int j = 0; j < c->argc; j++)
		snprintf(command + strlen(command), sizeof command - strlen(command), "%s%s",
			 j ? " " : "", c->argv[j]);
	snprintf(row[0], CELL, "%.12s", c->id);
	snprintf(row[1], CELL, "%.63s", c->image);
	/* Docker's COMMAND column: quoted, cut at 20 characters. */
	if (strlen(command) > 20)
		snprintf(row[2], CELL, "\"%.19s…\"", command);
	else
		snprintf(row[2], CELL, "\"%s\"", command);
	human_duration(since(&c->created), ago, sizeof ago);
	snprintf(row[3], CELL, "%s ago", ago);
	if (c->status == RUNNING) {
		human_duration(since(&c->created), ago, sizeof ago);
		snprintf(row[4], CELL, "Up %s", ago);
	} else if (c->status == EXITED && !c->finished.tv_sec) {
		/* Killed with its minidocker: when is unknown (Docker too
		 * shows no time without one). */
		snprintf(row[4], CELL, "Exited (%d)", c->exit_code);
	} else if (c->status == EXITED) {
		human_duration(since(&c->finished), ago, sizeof ago);
		snprintf(row[4], CELL, "Exited (%d) %s ago", c->exit_code, ago);
	} else {
		snprintf(row[4], CELL, "Created");
	}
}

int cmd_ps(int argc, char **argv)
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
	int n = list_ids(&ids), shown = 0, state;
	struct container *cs = calloc(n ? n : 1, sizeof *cs);
	if (!cs)
		md_die("calloc");
	for (int i = 0; i < n; i++) {
		if ((state = load_state(ids[i], &cs[shown])) < 0) {
			/* STATE_MISSING: another minidocker is still making it. */
			if (state == STATE_DAMAGED)
				damaged(ids[i]);
			continue;
		}
		if (!settle(&cs[shown]) && (all || cs[shown].status == RUNNING))
			shown++;
		else
			drop_command(&cs[shown]);
	}
	qsort(cs, shown, sizeof *cs, newest_first);
	/* A table as Docker prints it: each column as wide as its widest
	 * cell, three spaces apart.  So build the cells first. */
	char (*cell)[COLS][CELL] = calloc(shown + 1, sizeof *cell);
	if (!cell)
		md_die("calloc");
	static const char *const head[COLS] = { "CONTAINER ID", "IMAGE", "COMMAND", "CREATED", "STATUS" };
	for (int j = 0; j < COLS; j++)
		snprintf(cell[0][j], sizeof cell[0][j], "%s", head[j]);
	for (int i = 0; i < shown; i++) {
		ps_row(&cs[i], cell[i + 1]);
		drop_command(&cs[i]);
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
	free_ids(ids, n);
	free(cs);
	return 0;
}

/* Is container C running?  If not, say so. */
static int check_running(const struct container *c, const char *name)
{
	if (is_running(c))
		return 0;
	md_warnx("container %s is not running", name);
	return -1;
}

int cmd_exec(int argc, char **argv)
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
	/* Our child will be visible in the container until it execs the
	 * command, and so its /proc/PID/exe: the host's minidocker, which a
	 * container process could open, and, once we are gone, reopen for
	 * writing (CVE-2019-5736).  Not dumpable, no one but root of the
	 * host's user namespace may open it (ptrace(2), "Ptrace access
	 * mode checking"); the command's execve makes it dumpable again. */
	if (prctl(PR_SET_DUMPABLE, 0) < 0)
		md_die("prctl PR_SET_DUMPABLE");
	join_container(&c);
	/* Joining a PID namespace applies to our children only: fork, so the
	 * command is a process of the container. */
	forward_signals();
	child = fork();
	if (child < 0)
		md_die("fork");
	if (child == 0) {
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
		md_exec_prepare();	/* only 0-2 cross; default signals */
		execvp(argv[optind + 1], argv + optind + 1);
		md_exec_failed(argv[optind + 1]);
	}
	release_signals();
	return wait_for(child);
}

int cmd_start(int argc, char **argv)
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
		char id[65];
		if (find_container(argv[i], &c) < 0) {
			status = MD_EXIT_FAILED;
			continue;
		}
		/* Two starts at once must not both see "not running": hold a
		 * lock on the container's folder (flock(2)) while checking. */
		snprintf(id, sizeof id, "%s", c.id);
		drop_command(&c);
		int lock = lock_container(id, 1), state = lock < 0 ? STATE_MISSING : load_state(id, &c);
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
		if (settle_locked(&c)) {
			md_warnx("no such container: %s", argv[i]);
			status = MD_EXIT_FAILED;
			close(lock);
			continue;
		}
		if (c.status == RUNNING) {
			md_warnx("container %s is already running", argv[i]);
			status = MD_EXIT_FAILED;
			close(lock);
			continue;
		}
		/* The lock is released once the state says "running": a second
		 * start then sees it and refuses.  Attached, as `docker start -a`. */
		status = supervise(&c, lock);
	}
	return status;
}

/* Without pidfds (Linux before 5.3: pidfd_open fails with ENOSYS), a
 * signal by PID, sent only while the PID still has the start time we
 * recorded: the window for a stranger to take it is then a few
 * microseconds, instead of the whole wait. */
static void signal_by_pid(pid_t pid, unsigned long long started, int sig)
{
	if (alive(pid, started) && kill(pid, sig) < 0 && errno != ESRCH)
		md_die("send signal %d to PID %d", sig, (int)pid);
}

/* Wait up to MS milliseconds (-1: for ever) for the process (PID, its
 * start time) to end, through its pidfd if there is one. */
static int wait_end(int pidfd, pid_t pid, unsigned long long started, int ms)
{
	if (pidfd >= 0)
		return pidfd_wait(pidfd, ms);
	for (int waited = 0; alive(pid, started); waited += 10) {
		if (ms >= 0 && waited >= ms)
			return 0;
		usleep(10 * 1000);
	}
	return 1;
}

/* End running container C: SIGTERM, then SIGKILL after TIMEOUT seconds
 * then wait for its monitor to record the exit.  The pidfd makes sure the
 * signals reach the container's PID 1 and no process that took its number
 * since. */
static void end_container(const struct container *c, int timeout)
{
	int pidfd = pidfd_open(c->pid);
	int monfd = pidfd_open(c->monitor);
	int nopidfd = pidfd < 0 && errno == ENOSYS;

	if ((pidfd >= 0 || nopidfd) && alive(c->pid, c->pid_start)) {
		/* PID 1 ignores SIGTERM unless it has a handler for it
		 * (pid_namespaces(7)); SIGKILL always works.  ESRCH: it ended
		 * meanwhile, which is what we wanted. */
		if (nopidfd)
			signal_by_pid(c->pid, c->pid_start, SIGTERM);
		if ((pidfd >= 0 && pidfd_signal(pidfd, SIGTERM) < 0 && errno != ESRCH) ||
		    !wait_end(pidfd, c->pid, c->pid_start, timeout * 1000)) {
			if (nopidfd)
				signal_by_pid(c->pid, c->pid_start, SIGKILL);
			else if (pidfd_signal(pidfd, SIGKILL) < 0 && errno != ESRCH)
				md_die("send SIGKILL to container %.12s", c->id);
			wait_end(pidfd, c->pid, c->pid_start, -1);
		}
	}
	if (pidfd >= 0)
		close(pidfd);
	if ((monfd >= 0 || nopidfd) && alive(c->monitor, c->monitor_start))
		wait_end(monfd, c->monitor, c->monitor_start, 5000);
	if (monfd >= 0)
		close(monfd);
}

/* Stop the container NAME names.  One that is not running (exited, or
 * created and never started) is stopped already: Docker says its name
 * and exits 0, and so do we. */
static int stop_one(const char *name, int timeout)
{
	struct container c;

	if (find_container(name, &c) < 0)
		return -1;
	if (is_running(&c))
		end_container(&c, timeout);
	drop_command(&c);
	return 0;
}

int cmd_stop(int argc, char **argv)
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

int cmd_version(int argc, char **argv)
{
	static const struct option opts[] = { { "help", no_argument, NULL, 'h' }, { 0 } };

	while (next_opt(find_command("version"), argc, argv, "", opts) != -1)
		;
	if (optind < argc)
		usage_error(find_command("version"), NULL, "unexpected argument '%s'", argv[optind]);
	printf("minidocker %s\nbuilt from: %s\nbuilt with: %s, %s %s\n", MD_STAGE, MD_BUILD,
	       __VERSION__, __DATE__, __TIME__);
	return 0;
}

int cmd_help(int argc, char **argv)
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

