/* The commands: one handler each, called by main() with the words after
 * the command's name. */
#include "minidocker.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/prctl.h>
#include <unistd.h>

/* -m: a number of bytes with an optional unit, b, k, m or g (powers of
 * 1024, as Docker's). */
static long long parse_size(const char *s)
{
	char *end;
	errno = 0;
	long long n = strtoll(s, &end, 10);
	if (errno || end == s || n <= 0)
		return -1;
	switch (*end | 0x20) {	/* lower case */
	case 'g': n <<= 10; /* fall through */
	case 'm': n <<= 10; /* fall through */
	case 'k': n <<= 10; /* fall through */
	case 'b': end++; break;
	default: if (*end) return -1;
	}
	return *end || n >= (1LL << 50) ? -1 : n;
}

static void parse_limit(const struct command *cmd, int opt, const char *arg, struct limits *l)
{
	char *end;
	long ncpu = sysconf(_SC_NPROCESSORS_ONLN);

	if (opt == 'm') {
		l->memory = parse_size(arg);
		/* Below a few MiB, even starting the container fails. */
		if (l->memory < 6 << 20)
			usage_error(cmd, NULL, "invalid memory limit '%s': a size such as 64m, at least 6m", arg);
	} else if (opt == 'c') {
		l->cpus = strtod(arg, &end);
		if (*end || end == arg || !(l->cpus >= 0.01) || l->cpus > ncpu)
			usage_error(cmd, NULL, "invalid --cpus '%s': from 0.01 to %ld (this machine's CPUs)",
				    arg, ncpu);
	} else {
		errno = 0;
		l->pids = strtol(arg, &end, 10);
		if (errno || *end || end == arg || l->pids < 1)
			usage_error(cmd, NULL, "invalid --pids-limit '%s': a whole number, 1 or more", arg);
	}
}

int cmd_run(int argc, char **argv)
{
	static const struct option opts[] = { { "detach", no_argument, NULL, 'd' },
					      { "interactive", no_argument, NULL, 'i' },
					      { "tty", no_argument, NULL, 't' },
					      { "name", required_argument, NULL, 'n' },
					      { "rm", no_argument, NULL, 'r' },
					      { "memory", required_argument, NULL, 'm' },
					      { "cpus", required_argument, NULL, 'c' },
					      { "pids-limit", required_argument, NULL, 'p' },
					      { "cgroup-parent", required_argument, NULL, 'g' },
					      { "help", no_argument, NULL, 'h' }, { 0 } };
	const struct command *cmd = find_command("run");
	struct run_opts o = { 0 };
	struct container ct = { .cgroup_parent = "minidocker" };
	const char *name = NULL, *parent = NULL;
	int opt;

	while ((opt = next_opt(cmd, argc, argv, "ditm:", opts)) != -1)
		switch (opt) {
		case 'd': o.detach = 1; break;
		case 'i': o.interactive = 1; break;
		case 't': o.tty = 1; break;
		case 'n': name = optarg; break;
		case 'r': ct.autoremove = 1; break;
		case 'm': case 'c': case 'p': parse_limit(cmd, opt, optarg, &ct.limits); break;
		case 'g': parent = optarg; break;
		}
	if (optind >= argc)
		usage_error(cmd, NULL, "no image given");
	if (name && !valid_name(name))
		usage_error(cmd, NULL, "invalid name '%s': a letter or digit, then letters, "
			    "digits, '_', '.' or '-', 2 to 63 in all", name);
	if (parent) {
		/* Relative to each hierarchy's root, with or without Docker's "/". */
		const char *rel = parent + strspn(parent, "/");
		if (!valid_cgroup_parent(rel))
			usage_error(cmd, NULL, "invalid --cgroup-parent '%s': folders such as "
				    "minidocker/ci, without '.' or '..'", parent);
		snprintf(ct.cgroup_parent, sizeof ct.cgroup_parent, "%s", rel);
	}
	/* Whether this host can apply the limits, before anything exists. */
	if (cgroup_check(&ct.limits) < 0)
		return MD_EXIT_FAILED;
	const char *image = argv[optind++];
	static char *default_cmd[] = { "/bin/sh", NULL };
	char **command = optind < argc ? argv + optind : default_cmd;
	int ncmd = optind < argc ? argc - optind : 1;

	/* The name is checked and claimed (by the state file) under a lock. */
	int lock = lock_containers();
	char owner[65];
	if (name && name_in_use(name, owner))
		md_diex("the name '%s' is already in use by container %.12s", name, owner);
	if (name)
		snprintf(ct.name, sizeof ct.name, "%s", name);
	else
		random_name(ct.name, sizeof ct.name);
	ct.tty = o.tty;
	ct.interactive = o.interactive;
	create_container(&ct, image, command, ncmd);
	close(lock);

	if (!o.detach)
		return supervise(&ct, &o, -1, -1);
	int status = start_detached(&ct, &o, -1);
	if (status == 0)
		printf("%s\n", ct.id);
	return status;
}

/* Docker's words for a duration (go-units HumanDuration). */
void human_duration(double secs, char *buf, size_t len)
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
	enum { COLS = 6 };
	char (*cell)[COLS][96] = calloc(shown + 1, sizeof *cell);
	if (!cell)
		md_die("calloc");
	static const char *const head[COLS] = { "CONTAINER ID", "IMAGE", "COMMAND", "CREATED", "STATUS", "NAMES" };
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
		snprintf(row[5], sizeof row[5], "%s", c->name);
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
	/* Into the container's cgroups first, while /sys/fs/cgroup is still
	 * ours to see: its limits count the exec'd command too. */
	if (cgroup_join(c.cgroup_parent, c.id, getpid()) < 0)
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

/* One log record: "TIME STREAM TAG TEXT". */
static void print_record(char *line)
{
	char *stream = strchr(line, ' ');
	char *tag = stream ? strchr(stream + 1, ' ') : NULL;
	if (!tag || !tag[1] || tag[2] != ' ')
		return;
	int fd = !strncmp(stream + 1, "stderr", 6) ? 2 : 1;
	char *text = tag + 3;
	size_t len = strlen(text);
	if (tag[1] == 'F')
		text[len++] = '\n';	/* the newline the record left out */
	while (len > 0) {
		ssize_t w = write(fd, text, len);
		if (w <= 0)
			return;
		text += w;
		len -= w;
	}
}

int cmd_logs(int argc, char **argv)
{
	static const struct option opts[] = { { "follow", no_argument, NULL, 'f' },
					      { "tail", required_argument, NULL, 'n' },
					      { "help", no_argument, NULL, 'h' }, { 0 } };
	const struct command *cmd = find_command("logs");
	int follow = 0, opt;
	long tail = -1;
	char *end, path[PATH_MAX];
	struct container c;

	while ((opt = next_opt(cmd, argc, argv, "fn:", opts)) != -1)
		if (opt == 'f')
			follow = 1;
		else if (opt == 'n') {
			tail = strtol(optarg, &end, 10);
			if (*end || end == optarg || tail < 0)
				usage_error(cmd, NULL, "invalid number of lines '%s'", optarg);
		}
	if (optind != argc - 1)
		usage_error(cmd, NULL, optind < argc ? "one container at a time" : "no container given");
	if (find_container(argv[optind], &c) < 0)
		return MD_EXIT_FAILED;
	container_path(path, c.id, "container.log");
	FILE *f = fopen(path, "re");
	if (!f && errno != ENOENT)
		md_die("open %s", path);

	/* --tail: count the records, then skip all but the last N. */
	char *line = NULL;
	size_t cap = 0;
	long total = 0, skip = 0;
	if (f && tail >= 0) {
		while (getline(&line, &cap, f) > 0)
			total++;
		skip = total > tail ? total - tail : 0;
		rewind(f);
	}
	for (;;) {
		ssize_t n;
		while (f && (n = getline(&line, &cap, f)) > 0) {
			if (line[n - 1] != '\n') {	/* half written: read it again */
				fseek(f, -n, SEEK_CUR);
				break;
			}
			line[n - 1] = '\0';
			if (skip > 0)
				skip--;
			else
				print_record(line);
		}
		if (!follow)
			break;
		/* -f: until the container has ended and all it wrote is read. */
		struct container now;
		if (load_state(c.id, &now) < 0)
			break;
		settle(&now);
		if (!is_running(&now)) {
			if (f) {	/* one last read: what it wrote before it ended */
				clearerr(f);
				while ((n = getline(&line, &cap, f)) > 0 && line[n - 1] == '\n') {
					line[n - 1] = '\0';
					print_record(line);
				}
			}
			break;
		}
		if (f)
			clearerr(f);
		else
			f = fopen(path, "re");
		usleep(100 * 1000);
	}
	free(line);
	if (f)
		fclose(f);
	return 0;
}

int cmd_start(int argc, char **argv)
{
	static const struct option opts[] = { { "attach", no_argument, NULL, 'a' },
					      { "interactive", no_argument, NULL, 'i' },
					      { "help", no_argument, NULL, 'h' }, { 0 } };
	const struct command *cmd = find_command("start");
	int attach = 0, interactive = 0, status = 0, opt;

	while ((opt = next_opt(cmd, argc, argv, "ai", opts)) != -1)
		if (opt == 'a')
			attach = 1;
		else if (opt == 'i')
			interactive = 1;
	if (optind >= argc)
		usage_error(cmd, NULL, "no container given");
	for (int i = optind; i < argc; i++) {
		struct container c;
		char dir[PATH_MAX], id[65];
		if (find_container(argv[i], &c) < 0) {
			status = MD_EXIT_FAILED;
			continue;
		}
		/* Two starts at once must not both see "not running": hold a
		 * lock on the container's folder (flock(2)) while checking. */
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
		struct run_opts o = { .detach = !attach, .tty = c.tty,
				      .interactive = attach ? interactive : c.interactive };
		/* The lock is released once the state says "running": a second
		 * start then sees it and refuses. */
		if (attach) {
			status = supervise(&c, &o, -1, lock);
		} else if (start_detached(&c, &o, lock) == 0) {
			printf("%s\n", argv[i]);
			fflush(stdout);
		} else {
			status = MD_EXIT_FAILED;
		}
	}
	return status;
}

/* End running container C: SIGTERM, then SIGKILL after TIMEOUT seconds
 * (at once if TIMEOUT is negative), then wait for its monitor to record
 * the exit.  The pidfd makes sure the signals reach the container's PID 1
 * and no process that took its number since. */
static void end_container(const struct container *c, int timeout)
{
	int pidfd = pidfd_open(c->pid);
	int monfd = pidfd_open(c->monitor);

	if (pidfd >= 0 && alive(c->pid, c->pid_start)) {
		/* PID 1 ignores SIGTERM unless it has a handler for it
		 * (pid_namespaces(7)); SIGKILL always works.  ESRCH: it ended
		 * meanwhile, which is what we wanted. */
		if (timeout < 0 || (pidfd_signal(pidfd, SIGTERM) < 0 && errno != ESRCH) ||
		    !pidfd_wait(pidfd, timeout * 1000)) {
			if (pidfd_signal(pidfd, SIGKILL) < 0 && errno != ESRCH)
				md_die("send SIGKILL to container %.12s", c->id);
			pidfd_wait(pidfd, -1);
		}
	}
	if (pidfd >= 0)
		close(pidfd);
	if (monfd >= 0 && alive(c->monitor, c->monitor_start))
		pidfd_wait(monfd, 5000);
	if (monfd >= 0)
		close(monfd);
}

static int stop_one(const char *name, int timeout)
{
	struct container c;

	if (find_container(name, &c) < 0 || check_running(&c, name) < 0)
		return -1;
	end_container(&c, timeout);
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

int cmd_rm(int argc, char **argv)
{
	static const struct option opts[] = { { "force", no_argument, NULL, 'f' },
					      { "help", no_argument, NULL, 'h' }, { 0 } };
	const struct command *cmd = find_command("rm");
	int force = 0, status = 0, opt;

	while ((opt = next_opt(cmd, argc, argv, "f", opts)) != -1)
		if (opt == 'f')
			force = 1;
	if (optind >= argc)
		usage_error(cmd, NULL, "no container given");
	for (int i = optind; i < argc; i++) {
		struct container c;
		char dir[PATH_MAX];
		if (find_container(argv[i], &c) < 0) {
			status = MD_EXIT_FAILED;
			continue;
		}
		if (is_running(&c)) {
			if (!force) {
				md_warnx("container %s is running: stop it first, or use rm -f", argv[i]);
				status = MD_EXIT_FAILED;
				continue;
			}
			end_container(&c, -1);	/* SIGKILL at once */
		}
		cgroup_remove(c.cgroup_parent, c.id);	/* in case its monitor was killed */
		container_path(dir, c.id, NULL);
		if (md_remove_tree(dir) < 0) {
			status = MD_EXIT_FAILED;
			continue;
		}
		printf("%s\n", argv[i]);
	}
	return status;
}

/* Bytes the way docker stats prints them: 1.5MiB. */
static void human_bytes(long long n, char *buf, size_t len)
{
	static const char *const units[] = { "B", "KiB", "MiB", "GiB", "TiB" };
	double v = n;
	int u = 0;
	while (v >= 1024 && u < 4) {
		v /= 1024;
		u++;
	}
	snprintf(buf, len, u ? "%.2f%s" : "%.0f%s", v, units[u]);
}

/* One sample of every container in IDS: CPU time, and when it was taken. */
static void sample(char **parents, char **ids, int n, struct cg_stats *s, double *when)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	*when = t.tv_sec + t.tv_nsec / 1e9;
	for (int i = 0; i < n; i++)
		if (cgroup_stats(parents[i], ids[i], &s[i]) < 0)
			s[i].cpu_ns = -1;
}

int cmd_stats(int argc, char **argv)
{
	static const struct option opts[] = { { "no-stream", no_argument, NULL, 's' },
					      { "help", no_argument, NULL, 'h' }, { 0 } };
	const struct command *cmd = find_command("stats");
	int once = 0, opt, n = 0;

	while ((opt = next_opt(cmd, argc, argv, "", opts)) != -1)
		if (opt == 's')
			once = 1;
	/* The containers: those named, or every running one. */
	char **ids = NULL, **names = NULL, **parents = NULL;
	if (optind < argc) {
		for (int i = optind; i < argc; i++) {
			struct container c;
			if (find_container(argv[i], &c) < 0)
				return MD_EXIT_FAILED;
			ids = md_realloc(ids, (n + 1) * sizeof *ids);
			names = md_realloc(names, (n + 1) * sizeof *names);
			parents = md_realloc(parents, (n + 1) * sizeof *parents);
			parents[n] = strdup(c.cgroup_parent);
			ids[n] = strdup(c.id);
			names[n++] = strdup(c.name);
		}
	} else {
		char **all;
		int total = list_ids(&all);
		for (int i = 0; i < total; i++) {
			struct container c;
			if (load_state(all[i], &c) == 0 && (settle(&c), is_running(&c))) {
				ids = md_realloc(ids, (n + 1) * sizeof *ids);
				names = md_realloc(names, (n + 1) * sizeof *names);
				parents = md_realloc(parents, (n + 1) * sizeof *parents);
				parents[n] = strdup(c.cgroup_parent);
				ids[n] = strdup(c.id);
				names[n++] = strdup(c.name);
			}
		}
		free_ids(all, total);
	}
	struct cg_stats *a = calloc(n + 1, sizeof *a), *b = calloc(n + 1, sizeof *b);
	double ta, tb;
	sample(parents, ids, n, a, &ta);
	do {
		/* CPU % is CPU time used over wall time passed: two samples. */
		usleep(500 * 1000);
		sample(parents, ids, n, b, &tb);
		if (!once && isatty(1))
			fputs("\033[H\033[2J", stdout);	/* clear the screen */
		printf("%-15s %-20s %-8s %-22s %-8s %s\n", "CONTAINER ID", "NAME", "CPU %",
		       "MEM USAGE / LIMIT", "MEM %", "PIDS");
		for (int i = 0; i < n; i++) {
			char used[32], limit[32], mem[80], cpu[16] = "--", pct[16] = "--";
			if (b[i].cpu_ns < 0) {
				printf("%-15.12s %-20s %-8s %-22s %-8s %s\n", ids[i], names[i], "--", "-- / --", "--", "--");
				continue;
			}
			if (a[i].cpu_ns >= 0)
				snprintf(cpu, sizeof cpu, "%.2f%%",
					 (b[i].cpu_ns - a[i].cpu_ns) / ((tb - ta) * 1e9) * 100);
			human_bytes(b[i].memory, used, sizeof used);
			if (b[i].memory_limit > 0) {
				human_bytes(b[i].memory_limit, limit, sizeof limit);
				snprintf(pct, sizeof pct, "%.2f%%", 100.0 * b[i].memory / b[i].memory_limit);
			} else {
				snprintf(limit, sizeof limit, "no limit");
			}
			snprintf(mem, sizeof mem, "%s / %s", used, limit);
			printf("%-15.12s %-20s %-8s %-22s %-8s %lld\n", ids[i], names[i], cpu, mem, pct, b[i].pids);
		}
		fflush(stdout);
		memcpy(a, b, (n + 1) * sizeof *a);
		ta = tb;
	} while (!once);
	return 0;
}

int cmd_version(int argc, char **argv)
{
	static const struct option opts[] = { { "help", no_argument, NULL, 'h' }, { 0 } };

	while (next_opt(find_command("version"), argc, argv, "", opts) != -1)
		;
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
	command_usage(c, stdout);
	return 0;
}

