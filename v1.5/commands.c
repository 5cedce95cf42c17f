/* The commands: one handler each, called by main() with the words after
 * the command's name. */
#include "minidocker.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/prctl.h>
#include <unistd.h>

/* The largest -m we take: 1 PiB, far above any machine's memory. */
#define MAX_SIZE (1LL << 50)

/* -m: a whole number of bytes with an optional unit, b, k, m or g (powers
 * of 1024, as Docker's).  Docker also takes fractions (1.5g); we keep to
 * whole numbers: 1536m.  Returns the bytes, -1 if S is not a size, -2 if
 * it is too large. */
long long parse_size(const char *s)
{
	char *end;
	int shift = 0;

	if (!isdigit((unsigned char)s[0]))	/* strtoll would skip spaces, take '+' and '-' */
		return -1;
	errno = 0;
	long long n = strtoll(s, &end, 10);
	if (errno == ERANGE)
		return -2;
	if (end == s)
		return -1;
	switch (*end | 0x20) {	/* lower case */
	case 'g': shift = 30; end++; break;
	case 'm': shift = 20; end++; break;
	case 'k': shift = 10; end++; break;
	case 'b': end++; break;
	}
	if (*end)
		return -1;
	/* The range first, then the shift: shifting a number past 63 bits
	 * is undefined (C11 6.5.7), and 18014398509584384k came out as
	 * 100 MiB. */
	return n >= MAX_SIZE >> shift ? -2 : n << shift;
}

static void parse_limit(const struct command *cmd, int opt, const char *arg, struct limits *l)
{
	char *end;
	long ncpu = sysconf(_SC_NPROCESSORS_ONLN);

	if (opt == 'm') {
		l->memory = parse_size(arg);
		if (l->memory == -1)
			usage_error(cmd, NULL, "invalid memory limit '%s': a whole number and a unit "
				    "b, k, m or g, such as 64m (1536m, not 1.5g)", arg);
		if (l->memory == -2)
			usage_error(cmd, NULL, "invalid memory limit '%s': too large, it must be "
				    "under 1 PiB (1048576g)", arg);
		/* Below a few MiB, even starting the container fails. */
		if (l->memory < 6 << 20)
			usage_error(cmd, NULL, "invalid memory limit '%s': at least 6m", arg);
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
					      { "pids-limit", required_argument, NULL, 'L' },	/* v1.4: -p publishes */
					      { "user", required_argument, NULL, 'u' },	/* v1.2 */
					      { "cap-add", required_argument, NULL, 'A' },
					      { "cap-drop", required_argument, NULL, 'D' },
					      { "privileged", no_argument, NULL, 'P' },
					      { "security-opt", required_argument, NULL, 'S' },
					      { "read-only", no_argument, NULL, 'R' },	/* v1.3 */
					      { "tmpfs", required_argument, NULL, 'T' },
					      { "shm-size", required_argument, NULL, 'Z' },
					      { "cgroup-parent", required_argument, NULL, 'g' },
					      { "network", required_argument, NULL, 'N' },	/* v1.4 */
					      { "hostname", required_argument, NULL, 'H' },
					      { "publish", required_argument, NULL, 'p' },
					      { "env", required_argument, NULL, 'e' },	/* v1.5 */
					      { "env-file", required_argument, NULL, 'E' },
					      { "workdir", required_argument, NULL, 'w' },
					      { "entrypoint", required_argument, NULL, 'Y' },
					      { "volume", required_argument, NULL, 'v' },
					      { "mount", required_argument, NULL, 'O' },
					      { "help", no_argument, NULL, 'h' }, { 0 } };
	const struct command *cmd = find_command("run");
	struct run_opts o = { 0 };
	struct security_opts so = { 0 };
	struct container ct = { .cgroup_parent = "minidocker", .mounts.shm_size = 64 << 20 };
	const char *name = NULL, *parent = NULL;
	int opt;

	while ((opt = next_opt(cmd, argc, argv, "ditm:u:p:e:w:v:", opts)) != -1)
		switch (opt) {
		case 'd': o.detach = 1; break;
		case 'i': o.interactive = 1; break;
		case 't': o.tty = 1; break;
		case 'n': name = optarg; break;
		case 'r': ct.autoremove = 1; break;
		case 'm': case 'c': case 'L': parse_limit(cmd, opt, optarg, &ct.limits); break;
		case 'u': case 'A': case 'D': case 'P': case 'S':
			security_option(cmd, opt, optarg, &so, &ct.sec);
			break;
		case 'R': case 'T': case 'Z': mounts_option(cmd, opt, optarg, &ct.mounts); break;
		case 'g': parent = optarg; break;
		case 'N': case 'H': case 'p': net_option(cmd, opt, optarg, &ct.net); break;	/* v1.4 */
		case 'e': case 'E': case 'w': case 'Y': config_option(cmd, opt, optarg, &ct.cfg); break;	/* v1.5 */
		case 'v': volume_option(cmd, optarg, &ct.cfg); break;
		case 'O': mount_option(cmd, optarg, &ct.cfg, &ct.mounts); break;
		}
	security_finish(&so, &ct.sec);
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
	/* v1.2: and which ids it will have (a first run as root makes the range). */
	if (userns_choose(&ct.map) < 0)
		return MD_EXIT_FAILED;
	/* v1.4: and whether its network and ports can be had. */
	if (net_check(cmd, &ct.net) < 0)
		return MD_EXIT_FAILED;
	if (volumes_check(&ct.cfg) < 0 || config_check(&ct.cfg) < 0)	/* v1.5 */
		return MD_EXIT_FAILED;
	const char *image = argv[optind++];
	static char *default_cmd[] = { "/bin/sh", NULL };
	char **command = optind < argc ? argv + optind : default_cmd;
	int ncmd = optind < argc ? argc - optind : 1;
	if (ct.cfg.entrypoint[0]) {	/* v1.5: ENTRYPOINT ARGS... */
		ncmd = argc - optind;
		command = config_command(&ct.cfg, argv + optind, &ncmd);
	}

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
	if (volumes_prepare(&ct.cfg, image) < 0)	/* v1.5: named volumes, made on first use */
		return MD_EXIT_FAILED;
	int mine = create_container(&ct, image, command, ncmd);
	close(lock);

	/* MINE, the new container's lock, is released once it runs (or its
	 * command failed to): until then rm and settle leave it alone. */
	if (!o.detach)
		return supervise(&ct, &o, -1, mine);
	/* 0, or the start's failure: 125; 126 or 127 if the command could
	 * not be exec'd (the container then stays "created", as in Docker). */
	int status = start_detached(&ct, &o, mine);
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

/* Free the command load_state read into C (its argv is on the heap; v1.5:
 * its environment too). */
void drop_command(struct container *c)
{
	for (int i = 0; i < c->argc; i++)
		free(c->argv[i]);
	free(c->argv);
	c->argv = NULL;
	c->argc = 0;
	config_free(&c->cfg);	/* v1.5: and its env= lines */
}

enum { COLS = 7, CELL = 96 };	/* v1.4: PORTS */

/* ps's cells for container C (v1.5: NOTRUNC, the whole id and command). */
static void ps_row(const struct container *c, char (*row)[CELL], int notrunc)
{
	char command[CELL - 3] = "", ago[40];

	for (int j = 0; j < c->argc; j++)
		snprintf(command + strlen(command), sizeof command - strlen(command), "%s%s",
			 j ? " " : "", c->argv[j]);
	snprintf(row[0], CELL, "%.*s", notrunc ? 64 : 12, c->id);
	snprintf(row[1], CELL, "%.63s", c->image);
	/* Docker's COMMAND column: quoted, cut at 20 characters. */
	if (strlen(command) > 20 && !notrunc)
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
	net_ports_text(c, row[5], CELL);	/* v1.4 */
	snprintf(row[6], CELL, "%s", c->name);
}

/* v1.5: the table, out of cmd_ps, which --format made too long: each
 * column as wide as its widest cell, three spaces apart. */
static void print_table(char (*cell)[COLS][CELL], int rows)
{
	int width[COLS] = { 0 };
	for (int i = 0; i < rows; i++)
		for (int j = 0; j < COLS; j++)
			if (columns(cell[i][j]) > width[j])
				width[j] = columns(cell[i][j]);
	for (int i = 0; i < rows; i++)
		for (int j = 0; j < COLS; j++)
			printf("%s%*s", cell[i][j], j < COLS - 1 ? width[j] - columns(cell[i][j]) + 3 : 0,
			       j < COLS - 1 ? "" : "\n");
}

int cmd_ps(int argc, char **argv)
{
	static const struct option opts[] = { { "all", no_argument, NULL, 'a' },
					      { "quiet", no_argument, NULL, 'q' },
					      { "no-trunc", no_argument, NULL, 'T' },	/* v1.5 */
					      { "format", required_argument, NULL, 'F' },
					      { "filter", required_argument, NULL, 'f' },
					      { "help", no_argument, NULL, 'h' }, { 0 } };
	const struct command *cmd = find_command("ps");
	int all = 0, quiet = 0, opt;
	struct ps_opts po = { 0 };	/* v1.5: --no-trunc, --format, -f (pslist.c) */

	while ((opt = next_opt(cmd, argc, argv, "aqf:", opts)) != -1)
		if (opt == 'a')
			all = 1;
		else if (opt == 'q')
			quiet = 1;
		else
			ps_option(cmd, opt, optarg, &po);	/* v1.5 */
	if (optind < argc)
		usage_error(cmd, NULL, "unexpected argument '%s'", argv[optind]);
	if (ps_finish(&po, quiet, &all) < 0)	/* v1.5 */
		return MD_EXIT_FAILED;

	char **ids;
	int n = list_ids(&ids), shown = 0, lock;
	struct container *cs = calloc(n ? n : 1, sizeof *cs);
	if (!cs)
		md_die("calloc");
	for (int i = 0; i < n; i++) {
		if (load_state(ids[i], &cs[shown]) < 0) {
			drop_command(&cs[shown]);
			/* No readable state, and nobody making it (the lock is
			 * free): a run killed between its mkdir and its state, or
			 * a damaged file.  Shown with -a, not skipped as if it were
			 * not there: its id is what rm needs. */
			if (all && (lock = lock_container(ids[i], 0)) >= 0) {
				close(lock);
				memset(&cs[shown], 0, sizeof cs[shown]);
				snprintf(cs[shown].id, sizeof cs[shown].id, "%s", ids[i]);
				cs[shown].status = DEAD;
				shown += ps_filter_match(&po.filter, &cs[shown]);	/* v1.5 */
			}
			continue;
		}
		if (!settle(&cs[shown]) && (all || cs[shown].status == RUNNING) &&
		    ps_filter_match(&po.filter, &cs[shown]))	/* v1.5 */
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
	static const char *const head[COLS] = { "CONTAINER ID", "IMAGE", "COMMAND", "CREATED", "STATUS", "PORTS", "NAMES" };
	for (int j = 0; j < COLS; j++)
		snprintf(cell[0][j], sizeof cell[0][j], "%s", head[j]);
	for (int i = 0; i < shown; i++) {
		if (cs[i].status == DEAD) {
			snprintf(cell[i + 1][0], CELL, "%.12s", cs[i].id);
			for (int j = 1; j < 4; j++)
				snprintf(cell[i + 1][j], CELL, "-");
			snprintf(cell[i + 1][4], CELL, "Dead");
		} else {
			ps_row(&cs[i], cell[i + 1], po.notrunc);
		}
		if (po.format)	/* v1.5 */
			ps_format_row(po.format, &cs[i], cell[i + 1]);
		drop_command(&cs[i]);
	}
	if (quiet) {
		for (int i = 1; i <= shown; i++)
			printf("%s\n", cell[i][0]);
	} else if (!po.format) {	/* v1.5: with --format, each row is printed already */
		print_table(cell, shown + 1);
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
	static const struct option opts[] = { { "user", required_argument, NULL, 'u' },
					      { "env", required_argument, NULL, 'e' },	/* v1.5 */
					      { "workdir", required_argument, NULL, 'w' },
					      { "detach", no_argument, NULL, 'd' },
					      { "interactive", no_argument, NULL, 'i' },
					      { "tty", no_argument, NULL, 't' },
					      { "help", no_argument, NULL, 'h' }, { 0 } };
	const struct command *cmd = find_command("exec");
	struct container c;
	struct config extra = { 0 };	/* v1.5: exec's -e and -w */
	const char *user = NULL;
	int opt;
	struct exec_io io = { 0 };	/* v1.5: -d, -i, -t (execio.c) */

	while ((opt = next_opt(cmd, argc, argv, "u:e:w:dit", opts)) != -1)
		if (opt == 'u' && !valid_user(user = optarg))
			usage_error(cmd, NULL, "invalid user '%s'", optarg);
		else if (opt == 'e' || opt == 'w')
			config_option(cmd, opt, optarg, &extra);
		else if (opt == 'd' || opt == 'i' || opt == 't')	/* v1.5 */
			*(opt == 'd' ? &io.detach : opt == 'i' ? &io.interactive : &io.tty) = 1;
	if (argc - optind < 2)
		usage_error(cmd, NULL, argc - optind ? "no command given" : "no container given");
	if (io.detach && (io.interactive || io.tty))	/* v1.5 */
		usage_error(cmd, NULL, "-d runs the command without streams: not with -i or -t");
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
	/* v1.3: the container's seccomp filter, built before we are in its
	 * cgroup, as run builds it; the child loads it. */
	c.sec.filter = seccomp_build(&c.sec);
	/* Into the container's cgroups first, while /sys/fs/cgroup is still
	 * ours to see: its limits count the exec'd command too.  We move
	 * ourselves (PID 0), which on v1 waits for no lock (cgroup_join). */
	if (cgroup_join(c.cgroup_parent, c.id, 0) < 0)
		return MD_EXIT_FAILED;
	exec_io_prepare(&io);	/* v1.5 */
	join_container(&c);
	exec_io_open_pty(&io);	/* v1.5: the container's own pty */
	/* Joining a PID namespace applies to our children only: fork, so the
	 * command is a process of the container. */
	forward_signals();
	child = fork();
	if (child < 0)
		md_die("fork");
	if (child == 0) {
		/* v1.5: a detached one outlives us */
		if (!io.detach && prctl(PR_SET_PDEATHSIG, SIGKILL) < 0)
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
		exec_io_child(&io);	/* v1.5: its streams */
		container_env();
		/* v1.2: the container's ids, user, capabilities and nnp. */
		if (user)
			snprintf(c.sec.user, sizeof c.sec.user, "%s", user);
		userns_become_root(&c.map);
		security_apply(&c.sec);
		config_apply(&c.cfg, &extra, extra.workdir[0] ? extra.workdir : NULL);	/* v1.5 */
		exec_io_detach(&io);	/* v1.5: -d, once nothing but the exec is left */
		md_exec_prepare();	/* only 0-2 cross; default signals */
		execvp(argv[optind + 1], argv + optind + 1);
		exec_io_failed(&io, errno);	/* v1.5 */
		md_exec_failed(argv[optind + 1]);
	}
	release_signals();
	return exec_io_parent(&io, child, argv[optind + 1]);	/* v1.5 */
}

/* One log record: "TIME STREAM TAG TEXT". */
static void print_record(char *line, const struct log_filter *lf)
{
	char *stream = strchr(line, ' ');
	char *tag = stream ? strchr(stream + 1, ' ') : NULL;
	if (!tag || !tag[1] || tag[2] != ' ')
		return;
	int fd = !strncmp(stream + 1, "stderr", 6) ? 2 : 1;
	char *text = tag + 3;
	/* v1.5: Docker keeps what is at or after --since, at or before --until */
	struct timespec t;
	if ((lf->since.tv_sec || lf->until.tv_sec) &&
	    (record_time(line, &t) < 0 || (lf->since.tv_sec && time_before(&t, &lf->since)) ||
	     (lf->until.tv_sec && time_before(&lf->until, &t))))
		return;
	char full = tag[1];
	if (lf->timestamps) {	/* "TIME TEXT": the time word moved up to the text */
		size_t w = stream - line + 1;
		text -= w;
		memmove(text, line, w);
	}
	size_t len = strlen(text);
	if (full == 'F')
		text[len++] = '\n';	/* the newline the record left out */
	while (len > 0) {
		ssize_t w = write(fd, text, len);
		if (w <= 0)
			return;
		text += w;
		len -= w;
	}
}

/* logs -f: has the container ended (v1.5: or --until passed)? */
static int follow_over(const char *id, const struct log_filter *lf)
{
	struct container now;
	struct timespec t;

	clock_gettime(CLOCK_REALTIME, &t);	/* v1.5 */
	int ended = load_state(id, &now) < 0 || (lf->until.tv_sec && time_before(&lf->until, &t));
	if (!ended) {
		settle(&now);
		ended = !is_running(&now);
	}
	drop_command(&now);	/* read ten times a second: free it each time */
	return ended;
}

int cmd_logs(int argc, char **argv)
{
	static const struct option opts[] = { { "follow", no_argument, NULL, 'f' },
					      { "tail", required_argument, NULL, 'n' },
					      { "timestamps", no_argument, NULL, 't' },	/* v1.5 */
					      { "since", required_argument, NULL, 'S' },
					      { "until", required_argument, NULL, 'U' },
					      { "help", no_argument, NULL, 'h' }, { 0 } };
	const struct command *cmd = find_command("logs");
	int follow = 0, opt;
	long tail = -1;
	char *end, path[PATH_MAX];
	struct container c;
	struct log_filter lf = { 0 };	/* v1.5 */

	while ((opt = next_opt(cmd, argc, argv, "fn:t", opts)) != -1)
		if (opt == 'f')
			follow = 1;
		else if (opt == 'n') {
			tail = strtol(optarg, &end, 10);
			if (*end || end == optarg || tail < 0)
				usage_error(cmd, NULL, "invalid number of lines '%s'", optarg);
		} else {
			log_option(cmd, opt, optarg, &lf);	/* v1.5: -t, --since, --until */
		}
	if (optind != argc - 1)
		usage_error(cmd, NULL, optind < argc ? "one container at a time" : "no container given");
	if (find_container(argv[optind], &c) < 0)
		return MD_EXIT_FAILED;
	drop_command(&c);	/* its id is all we need */
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
				print_record(line, &lf);
		}
		if (!follow)
			break;
		/* -f: until the container has ended and all it wrote is read
		 * (v1.5: or --until has passed). */
		if (follow_over(c.id, &lf)) {
			if (f) {	/* one last read: what it wrote before it ended */
				clearerr(f);
				while ((n = getline(&line, &cap, f)) > 0 && line[n - 1] == '\n') {
					line[n - 1] = '\0';
					print_record(line, &lf);
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
		int lock = lock_container(id, 1);
		if (lock < 0)
			md_die("lock %s", dir);
		if (load_state(id, &c) < 0)
			md_diex("container %s has no readable state", argv[i]);
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
		struct run_opts o = { .detach = !attach, .tty = c.tty,
				      .interactive = attach ? interactive : c.interactive };
		/* The lock is released once the state says "running": a second
		 * start then sees it and refuses. */
		int started;
		if (attach) {
			status = supervise(&c, &o, -1, lock);
		} else if ((started = start_detached(&c, &o, lock)) == 0) {
			printf("%s\n", argv[i]);
			fflush(stdout);
		} else {
			status = started;	/* 125; 126 or 127: its command */
		}
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
 * (at once if TIMEOUT is negative), then wait for its monitor to record
 * the exit.  The pidfd makes sure the signals reach the container's PID 1
 * and no process that took its number since. */
void end_container(const struct container *c, int timeout)
{
	int pidfd = pidfd_open(c->pid);
	int monfd = pidfd_open(c->monitor);
	int nopidfd = pidfd < 0 && errno == ENOSYS;

	if ((pidfd >= 0 || nopidfd) && alive(c->pid, c->pid_start)) {
		/* PID 1 ignores SIGTERM unless it has a handler for it
		 * (pid_namespaces(7)); SIGKILL always works.  ESRCH: it ended
		 * meanwhile, which is what we wanted. */
		if (nopidfd && timeout >= 0)
			signal_by_pid(c->pid, c->pid_start, SIGTERM);
		if (timeout < 0 || (pidfd >= 0 && pidfd_signal(pidfd, SIGTERM) < 0 && errno != ESRCH) ||
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

int stop_timeout(const struct command *cmd, const char *arg)
{
	char *end;
	long t = strtol(arg, &end, 10);

	if (*end || end == arg || t < 0 || t > 86400)
		usage_error(cmd, NULL, "invalid time '%s': seconds, 0 to 86400", arg);
	return t;
}

int cmd_stop(int argc, char **argv)
{
	static const struct option opts[] = { { "time", required_argument, NULL, 't' },
					      { "help", no_argument, NULL, 'h' }, { 0 } };
	const struct command *cmd = find_command("stop");
	int timeout = 10, opt, status = 0;

	while ((opt = next_opt(cmd, argc, argv, "t:", opts)) != -1)
		if (opt == 't')
			timeout = stop_timeout(cmd, optarg);	/* v1.5: restart's too */
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

/* Remove the folder DIR of a container whose state cannot be read.  A
 * monitor of it may still be alive, known to nobody, and record its
 * container's end (a new state file beside the old, try_save_state) while
 * the folder goes: the last rmdir(2) then fails with ENOTEMPTY (found in
 * the cgroup v2 VM, where rm had just ended that container through its
 * cgroup).  So first rename(2) the folder out of the way: whatever is made
 * by its old path after that fails with ENOENT, which the monitor
 * ignores, and whatever was made before is in the folder removed.  Our
 * lock goes with it (flock(2) locks the open folder, not its name). */
static int remove_unreadable(const char *dir)
{
	char gone[PATH_MAX];

	md_pathf(gone, "%s.rm", dir);	/* not 64 hex digits: no container ps lists */
	if (rename(dir, gone) < 0) {
		if (errno == ENOENT)
			return 0;
		md_warn("remove %s", dir);
		return -1;
	}
	return md_remove_tree(gone);
}

/* Remove container NAME (its folder, its cgroups), under its lock: a
 * start in progress finishes first, and nothing it made is removed from
 * under it.  A container with no readable state (a run killed between
 * making its folder and writing its state, or a damaged file) can run
 * nothing we could find: remove it, saying so.  0, or -1 after saying why. */
static int rm_one(const char *name, int force)
{
	struct container c;
	char dir[PATH_MAX];
	int found = find_container(name, &c);

	if (found == -1)
		return -1;
	char id[65];
	snprintf(id, sizeof id, "%s", c.id);	/* load_state clears C first */
	int lock = strlen(id) == 64 ? lock_container(id, 1) : -1;
	if (lock < 0) {
		md_warn("lock container %s", name);
		return -1;
	}
	int readable = load_state(id, &c) == 0;	/* again, under the lock */
	if (readable && settle_locked(&c)) {
		close(lock);
		return 0;	/* a --rm container of a killed run: gone now */
	}
	if (readable && is_running(&c)) {
		if (!force) {
			md_warnx("container %s is running: stop it first, or use rm -f", name);
			close(lock);
			return -1;
		}
		end_container(&c, -1);	/* SIGKILL at once */
	}
	cgroup_remove(readable ? c.cgroup_parent : "minidocker", id);	/* in case its monitor was killed */
	if (readable)
		net_release(&c);	/* v1.4: and its address and ports */
	container_path(dir, id, NULL);
	/* v1.2: files of the container's other ids, as its root (userns.c) */
	int rc = readable ? remove_container_dir(&c) : remove_unreadable(dir);
	close(lock);
	if (rc == 0 && !readable)
		md_warnx("removed container %.12s all the same: its state was missing or damaged", id);
	return rc;
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
		if (rm_one(argv[i], force) < 0)
			status = MD_EXIT_FAILED;
		else
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

/* Add container C to the lists IDS and NAMES, of *N entries. */
static void add_watched(char ***ids, char ***names, char ***parents, int *n, struct container *c)
{
	*ids = md_realloc(*ids, (*n + 1) * sizeof **ids);
	*names = md_realloc(*names, (*n + 1) * sizeof **names);
	*parents = md_realloc(*parents, (*n + 1) * sizeof **parents);
	(*ids)[*n] = strdup(c->id);
	(*names)[*n] = strdup(c->name);
	(*parents)[*n] = strdup(c->cgroup_parent);
	if (!(*ids)[*n] || !(*names)[*n] || !(*parents)[*n])
		md_die("out of memory");
	(*n)++;
	drop_command(c);
}

/* The containers stats watches: those named, or every running one.
 * Returns how many, or -1 if a name names none. */
static int watched(int argc, char **argv, char ***ids, char ***names, char ***parents)
{
	int n = 0;

	*ids = *names = *parents = NULL;
	for (int i = optind; i < argc; i++) {
		struct container c;
		if (find_container(argv[i], &c) < 0) {
			free_ids(*ids, n);
			free_ids(*names, n);
			free_ids(*parents, n);
			return -1;
		}
		add_watched(ids, names, parents, &n, &c);
	}
	if (optind < argc)
		return n;
	char **all;
	int total = list_ids(&all);
	for (int i = 0; i < total; i++) {
		struct container c;
		int running = load_state(all[i], &c) == 0 && (settle(&c), is_running(&c));
		if (running)
			add_watched(ids, names, parents, &n, &c);
		else
			drop_command(&c);
	}
	free_ids(all, total);
	return n;
}

int cmd_stats(int argc, char **argv)
{
	static const struct option opts[] = { { "no-stream", no_argument, NULL, 's' },
					      { "help", no_argument, NULL, 'h' }, { 0 } };
	const struct command *cmd = find_command("stats");
	int once = 0, opt;

	while ((opt = next_opt(cmd, argc, argv, "", opts)) != -1)
		if (opt == 's')
			once = 1;
	char **ids, **names, **parents;
	int n = watched(argc, argv, &ids, &names, &parents);
	if (n < 0)
		return MD_EXIT_FAILED;
	struct cg_stats *a = calloc(n + 1, sizeof *a), *b = calloc(n + 1, sizeof *b);
	if (!a || !b)
		md_die("calloc");
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
	free(a);
	free(b);
	free_ids(ids, n);
	free_ids(names, n);
	free_ids(parents, n);
	return 0;
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

