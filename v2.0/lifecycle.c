/* The everyday commands of a container's life (v1.5): kill, wait,
 * restart, rename, top.  They use what the earlier stages built: the pidfd
 * that names PID 1 for good (process.c), the monitor that records the
 * exit status (monitor.c), stop and start (commands.c), the state file
 * and its lock (state.c). */
#include "minidocker.h"

#include <dirent.h>
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Docker's exit status for "the container is not in a state for that"
 * (the daemon's errors): 1, where its CLI's own failures are 125. */
enum { EXIT_REFUSED = 1 };

/* A signal as Docker takes it: a number (9), a name (KILL), or a name
 * with SIG (SIGKILL), in either case; -1 if it is none.  sigabbrev_np(3)
 * knows the names, so no table of our own. */
static int parse_signal(const char *s)
{
	char *end;

	if (!s[0])
		return -1;
	long n = strtol(s, &end, 10);
	if (!*end)
		return n >= 1 && n <= SIGRTMAX ? (int)n : -1;
	const char *name = strncasecmp(s, "SIG", 3) ? s : s + 3;
	for (int sig = 1; sig < SIGRTMIN; sig++) {
		const char *abbrev = sigabbrev_np(sig);
		if (abbrev && !strcasecmp(abbrev, name))
			return sig;
	}
	return -1;
}

/* Send SIG to the running container C's PID 1 through a pidfd, so it can
 * never reach a process that took its PID since.  PID 1 of a PID
 * namespace gets only the signals it has a handler for, SIGKILL and
 * SIGSTOP aside (pid_namespaces(7)): `kill -s TERM` to a plain `sleep`
 * does nothing, in Docker too. */
static int signal_container(const struct container *c, int sig)
{
	int fd = pidfd_open(c->pid);

	if (fd < 0 || !alive(c->pid, c->pid_start)) {
		if (fd >= 0)
			close(fd);
		errno = ESRCH;
		return -1;
	}
	int rc = pidfd_signal(fd, sig);
	int err = errno;
	close(fd);
	errno = err;
	return rc;
}

int cmd_kill(int argc, char **argv)
{
	static const struct option opts[] = { { "signal", required_argument, NULL, 's' },
					      { "help", no_argument, NULL, 'h' }, { 0 } };
	const struct command *cmd = find_command("kill");
	int sig = SIGKILL, opt, status = 0;

	while ((opt = next_opt(cmd, argc, argv, "s:", opts)) != -1)
		if (opt == 's' && (sig = parse_signal(optarg)) < 0)
			usage_error(cmd, NULL, "invalid signal '%s': a name (KILL, SIGTERM, USR1) or a "
				    "number (9)", optarg);
	if (optind >= argc)
		usage_error(cmd, NULL, "no container given");
	for (int i = optind; i < argc; i++) {
		struct container c;
		if (find_container(argv[i], &c) < 0) {
			status = EXIT_REFUSED;
			continue;
		}
		if (!is_running(&c)) {
			md_warnx("cannot kill container %s: it is not running", argv[i]);
			status = EXIT_REFUSED;
		} else if (signal_container(&c, sig) < 0) {
			md_warn("cannot kill container %s: send signal %d", argv[i], sig);
			status = EXIT_REFUSED;
		} else {
			printf("%s\n", argv[i]);
		}
		drop_command(&c);
	}
	return status;
}

/* Has C ended?  Exited, or created with the status of a command that
 * could not be exec'd (126, 127) and no start under way. */
static int ended(const struct container *c)
{
	return c->status == EXITED || (c->status == CREATED && !c->monitor && c->exit_code);
}

/* Block until container ID has ended, and return its exit code; -1 if
 * its folder went away meanwhile (a --rm container: its monitor removed
 * it, and its status with it).  The monitor writes the status, then
 * exits: a pidfd on it wakes us at the right moment.  A container not yet
 * started (created) is waited for until it has been started and has
 * ended, as Docker's wait does. */
static int wait_one(const char *id)
{
	for (;;) {
		struct container c;
		if (load_state(id, &c) < 0) {
			drop_command(&c);
			return -1;
		}
		int gone = settle(&c);
		drop_command(&c);
		if (gone)
			return -1;
		if (ended(&c))
			return c.exit_code;
		int fd = c.monitor ? pidfd_open(c.monitor) : -1;
		if (fd >= 0 && alive(c.monitor, c.monitor_start)) {
			pidfd_wait(fd, 1000);
		} else {
			usleep(100 * 1000);	/* no monitor yet: created, or between two writes */
		}
		if (fd >= 0)
			close(fd);
	}
}

int cmd_wait(int argc, char **argv)
{
	static const struct option opts[] = { { "help", no_argument, NULL, 'h' }, { 0 } };
	const struct command *cmd = find_command("wait");
	int status = 0;

	while (next_opt(cmd, argc, argv, "", opts) != -1)
		;
	if (optind >= argc)
		usage_error(cmd, NULL, "no container given");
	for (int i = optind; i < argc; i++) {
		struct container c;
		if (find_container(argv[i], &c) < 0) {
			status = EXIT_REFUSED;
			continue;
		}
		drop_command(&c);
		int code = wait_one(c.id);
		if (code < 0) {
			md_warnx("container %s was removed (run --rm?) before its exit status "
				 "could be read", argv[i]);
			status = EXIT_REFUSED;
			continue;
		}
		printf("%d\n", code);
		fflush(stdout);
	}
	return status;
}

/* restart: stop (SIGTERM, SIGKILL after -t seconds), then start, with
 * start's own code: one path to start a container, whoever asks. */
/* Container ID's autoremove (run --rm) in its state file, under its lock. */
static int set_autoremove(const char *id, int on)
{
	struct container c;
	int lock = lock_container(id, 1);

	if (lock < 0)
		return -1;
	int rc = load_state(id, &c);	/* which clears C first */
	if (rc == 0) {
		c.autoremove = on;
		save_state(&c);
	}
	close(lock);
	drop_command(&c);
	return rc;
}

int cmd_restart(int argc, char **argv)
{
	static const struct option opts[] = { { "time", required_argument, NULL, 't' },
					      { "help", no_argument, NULL, 'h' }, { 0 } };
	const struct command *cmd = find_command("restart");
	int timeout = 10, opt, status = 0;

	while ((opt = next_opt(cmd, argc, argv, "t:", opts)) != -1)
		if (opt == 't')
			timeout = stop_timeout(cmd, optarg);
	if (optind >= argc)
		usage_error(cmd, NULL, "no container given");
	int first = optind;
	for (int i = first; i < argc; i++) {
		struct container c;
		if (find_container(argv[i], &c) < 0) {
			status = MD_EXIT_FAILED;
			continue;
		}
		/* An --rm container is restarted, not removed (Docker's rule):
		 * its monitor reads autoremove=0 as it records the end. */
		int rm = is_running(&c) && c.autoremove && set_autoremove(c.id, 0) == 0;
		if (is_running(&c))
			end_container(&c, timeout);
		if (rm)
			set_autoremove(c.id, 1);
		drop_command(&c);
		char *start_argv[] = { "start", argv[i], NULL };
		optind = 0;	/* start parses its own words: getopt starts afresh */
		int rc = cmd_start(2, start_argv);
		if (rc)
			status = rc;
	}
	return status;
}

/* The name in the leases of C's network, for /etc/hosts of the others. */
static void rename_lease(const struct container *c)
{
	struct network n;

	if (!c->net.mode[0] || !strcmp(c->net.mode, "none") || !strcmp(c->net.mode, "host"))
		return;
	int lock = networks_lock();
	if (network_load(c->net.mode, &n) == 0) {
		for (int i = 0; i < n.n; i++)
			if (!strcmp(n.leases[i].id, c->id))
				snprintf(n.leases[i].name, sizeof n.leases[i].name, "%s", c->name);
		network_save(&n);
		hosts_refresh(&n);
		network_free(&n);
	}
	close(lock);
}

int cmd_rename(int argc, char **argv)
{
	static const struct option opts[] = { { "help", no_argument, NULL, 'h' }, { 0 } };
	const struct command *cmd = find_command("rename");
	struct container c;
	char owner[65];

	while (next_opt(cmd, argc, argv, "", opts) != -1)
		;
	if (argc - optind != 2)
		usage_error(cmd, NULL, "%s", argc - optind < 2 ? "it takes a container and a new name"
							       : "one container at a time");
	const char *old = argv[optind], *name = argv[optind + 1];
	if (!valid_name(name))
		usage_error(cmd, NULL, "invalid name '%s': a letter or digit, then letters, "
			    "digits, '_', '.' or '-', 2 to 63 in all", name);
	/* Checked and claimed under the names' lock, as run claims one. */
	int names = lock_containers();
	if (find_container(old, &c) < 0) {
		close(names);
		return MD_EXIT_FAILED;
	}
	drop_command(&c);
	if (name_in_use(name, owner)) {
		md_warnx("the name '%s' is already in use by container %.12s", name, owner);
		close(names);
		return MD_EXIT_FAILED;
	}
	char id[65];
	snprintf(id, sizeof id, "%s", c.id);	/* load_state clears C first */
	int lock = lock_container(id, 1);
	if (lock < 0 || load_state(id, &c) < 0)
		md_diex("container %s has no readable state", old);
	snprintf(c.name, sizeof c.name, "%s", name);
	save_state(&c);
	close(lock);
	close(names);
	rename_lease(&c);
	drop_command(&c);
	return 0;
}

/* One process for top: its uid, parent and command line, from /proc. */
static void top_row(int pid)
{
	char path[64], line[256], cmd[512] = "";
	unsigned uid = 0;
	int ppid = 0;

	snprintf(path, sizeof path, "/proc/%d/status", pid);
	FILE *f = fopen(path, "re");
	while (f && fgets(line, sizeof line, f)) {
		sscanf(line, "Uid: %u", &uid);
		sscanf(line, "PPid: %d", &ppid);
	}
	if (f)
		fclose(f);
	snprintf(path, sizeof path, "/proc/%d/cmdline", pid);
	f = fopen(path, "re");
	size_t n = f ? fread(cmd, 1, sizeof cmd - 1, f) : 0;
	if (f)
		fclose(f);
	for (size_t i = 0; i < n; i++)	/* its words, NUL-separated */
		if (!cmd[i])
			cmd[i] = i + 1 < n ? ' ' : '\0';
		else if ((unsigned char)cmd[i] < ' ' || cmd[i] == 0x7f)
			cmd[i] = '?';	/* the container's text: no row or escape of its own, as ps(1) */
	cmd[n] = '\0';
	printf("%-10u %-10d %-10d %s\n", uid, pid, ppid, cmd);
}

/* top: the container's processes, as the host sees them (Docker's
 * numbers too): every process in its PID 1's PID namespace, found by the
 * namespace's inode in /proc/N/ns/pid (namespaces(7)). */
int cmd_top(int argc, char **argv)
{
	static const struct option opts[] = { { "help", no_argument, NULL, 'h' }, { 0 } };
	const struct command *cmd = find_command("top");
	struct container c;
	char path[64];
	struct stat ns, st;

	while (next_opt(cmd, argc, argv, "", opts) != -1)
		;
	if (argc - optind != 1)
		usage_error(cmd, NULL, optind < argc ? "one container at a time" : "no container given");
	if (find_container(argv[optind], &c) < 0)
		return EXIT_REFUSED;
	drop_command(&c);
	snprintf(path, sizeof path, "/proc/%d/ns/pid", (int)c.pid);
	if (!is_running(&c) || stat(path, &ns) < 0 || !alive(c.pid, c.pid_start)) {
		md_warnx("container %s is not running", argv[optind]);
		return EXIT_REFUSED;
	}
	DIR *d = opendir("/proc");
	struct dirent *e;
	if (!d)
		md_die("open /proc");
	printf("%-10s %-10s %-10s %s\n", "UID", "PID", "PPID", "CMD");
	while ((e = readdir(d))) {
		int pid = atoi(e->d_name);
		snprintf(path, sizeof path, "/proc/%d/ns/pid", pid);
		if (pid > 0 && stat(path, &st) == 0 && st.st_ino == ns.st_ino && st.st_dev == ns.st_dev)
			top_row(pid);
	}
	closedir(d);
	return 0;
}
