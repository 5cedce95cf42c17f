/* See harness.h. */
#include "harness.h"

#include <errno.h>
#include <fcntl.h>
#include <dirent.h>
#include <ftw.h>
#include <glob.h>
#include <sched.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <net/if.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

const char *stage;
char md_bin[4096], probe_bin[4096];
static char root_dir[4096], image_path[4200], template_dir[4096];
int with_image, with_network;
static int skipped;
static char skip_list[4096];

/* Read from both pipes until both close, so neither can fill up and block
 * the child; give up at the deadline. */
static void drain(int out, int err, struct result *r, double timeout)
{
	size_t cap[2] = { 4096, 4096 }, len[2] = { 0, 0 };
	char *buf[2] = { malloc(cap[0]), malloc(cap[1]) };
	struct pollfd pfd[2] = { { .fd = out, .events = POLLIN }, { .fd = err, .events = POLLIN } };
	struct timespec start, now;

	clock_gettime(CLOCK_MONOTONIC, &start);
	while (pfd[0].fd >= 0 || pfd[1].fd >= 0) {
		clock_gettime(CLOCK_MONOTONIC, &now);
		double left = timeout - ((now.tv_sec - start.tv_sec) + (now.tv_nsec - start.tv_nsec) / 1e9);
		if (left <= 0) {
			r->status = -1;
			break;
		}
		if (poll(pfd, 2, (int)(left * 1000) + 1) < 0 && errno != EINTR)
			break;
		for (int i = 0; i < 2; i++) {
			if (pfd[i].fd < 0 || !pfd[i].revents)
				continue;
			if (cap[i] - len[i] < 2048)
				buf[i] = realloc(buf[i], cap[i] *= 2);
			ssize_t n = read(pfd[i].fd, buf[i] + len[i], cap[i] - len[i] - 1);
			if (n <= 0) {
				close(pfd[i].fd);
				pfd[i].fd = -1;
			} else {
				len[i] += n;
			}
		}
	}
	for (int i = 0; i < 2; i++) {
		if (pfd[i].fd >= 0)
			close(pfd[i].fd);
		buf[i][len[i]] = '\0';
	}
	r->out = buf[0];
	r->err = buf[1];
}

double time_scale(void)
{
	static double scale;
	if (scale == 0) {
		const char *v = getenv("MD_TIME_SCALE");
		char *end;
		scale = v && *v ? strtod(v, &end) : 1;
		if (!v || !*v || *end || scale < 1)
			scale = 1;
	}
	return scale;
}

struct result run_argv(const char *in, double timeout, char *const argv[])
{
	struct result r = { .status = 0 };
	int o[2], e[2], i[2];

	timeout *= time_scale();

	if (pipe2(o, O_CLOEXEC) || pipe2(e, O_CLOEXEC) || pipe2(i, O_CLOEXEC))
		ck_abort_msg("pipe: %s", strerror(errno));
	pid_t pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		/* Its own process group, so a timeout can kill everything it started. */
		setpgid(0, 0);
		dup2(i[0], 0);
		dup2(o[1], 1);
		dup2(e[1], 2);
		execvp(argv[0], argv);
		fprintf(stderr, "harness: exec %s: %s\n", argv[0], strerror(errno));
		_exit(127);
	}
	setpgid(pid, pid);
	close(o[1]);
	close(e[1]);
	close(i[0]);
	/* Feed stdin from a helper so a large input cannot deadlock us. */
	pid_t helper = in ? fork() : -1;
	if (helper == 0) {
		signal(SIGPIPE, SIG_IGN);
		close(o[0]);
		close(e[0]);
		size_t n = strlen(in);
		while (n > 0) {
			ssize_t w = write(i[1], in, n);
			if (w <= 0)
				break;
			in += w;
			n -= w;
		}
		_exit(0);
	}
	close(i[1]);
	drain(o[0], e[0], &r, timeout);
	if (r.status == -1)
		kill(-pid, SIGKILL);
	int ws;
	while (waitpid(pid, &ws, 0) < 0 && errno == EINTR)
		;
	/* The stdin helper, by its PID: other children of ours (start_bg's
	 * jobs, adopted as a subreaper) are for wait_exit to collect.  One
	 * still writing to a pipe a daemon holds is reaped after the test. */
	if (helper > 0)
		waitpid(helper, NULL, WNOHANG);
	if (r.status != -1)
		r.status = WIFEXITED(ws) ? WEXITSTATUS(ws) : 128 + WTERMSIG(ws);
	return r;
}

struct result md(const char *in, ...)
{
	char *argv[64] = { md_bin };
	int n = 1;
	va_list ap;

	va_start(ap, in);
	while (n < 63 && (argv[n] = va_arg(ap, char *)))
		n++;
	va_end(ap);
	argv[n] = NULL;
	return run_argv(in, 60, argv);
}

struct result sh(const char *fmt, ...)
{
	char *script;
	va_list ap;

	va_start(ap, fmt);
	if (vasprintf(&script, fmt, ap) < 0)
		ck_abort_msg("vasprintf");
	va_end(ap);
	char *argv[] = { "/bin/sh", "-c", script, NULL };
	struct result r = run_argv(NULL, 60, argv);
	free(script);
	return r;
}

const char *state_root(void)
{
	return root_dir;
}

const char *image_dir(void)
{
	return image_path;
}

/* Build the image once per suite; each test gets a copy (cp -a keeps the
 * symlinks, modes and owners mkimage made). */
static int build_template(void)
{
	char cmd[16384];

	snprintf(template_dir, sizeof template_dir, "/tmp/md-image-%s-XXXXXX", stage);
	if (!mkdtemp(template_dir))
		return -1;
	snprintf(cmd, sizeof cmd, "'%s/scripts/mkimage' '%s' 2>/dev/null && "
		 "cp '%s' '%s/images/base/bin/probe'", TOP, template_dir, probe_bin, template_dir);
	return system(cmd) == 0 ? 0 : -1;
}

/* The tag of the TCase being filled (tcase()), and whether CASES selects
 * it: a test CASES leaves out is neither run nor skipped. */
static char current_tag[256];

static int word_in(const char *list, const char *word)
{
	size_t n = strlen(word);
	for (const char *p = list; (p = strstr(p, word)); p++)
		if ((p == list || p[-1] == ' ') && (!p[n] || p[n] == ' '))
			return 1;
	return 0;
}

int skip_test(const char *test, const char *why)
{
	const char *cases = getenv("CASES");
	if (cases && *cases && current_tag[0] && !word_in(cases, current_tag))
		return 0;
	skipped++;
	size_t len = strlen(skip_list);
	snprintf(skip_list + len, sizeof skip_list - len, "%s%s (%s)", len ? ", " : "", test, why);
	return 0;
}

int need_root(const char *test)
{
	return geteuid() == 0 ? 1 : skip_test(test, "needs root");
}

static int rm_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(path) < 0 && errno != ENOENT ? -1 : 0;
}

void own_net_ns(void)
{
	/* A network namespace has only lo, and it down (network_namespaces(7));
	 * up, 127.0.0.1 works as on a host.  A mount namespace too, so that
	 * what is mounted for it (/run/netns, /sys) stays with the test. */
	ck_assert_msg(unshare(CLONE_NEWNET | CLONE_NEWNS) == 0, "unshare: %s", strerror(errno));
	ck_assert_msg(mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) == 0, "make-rprivate: %s",
		      strerror(errno));
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	struct ifreq ifr = { .ifr_name = "lo", .ifr_flags = IFF_UP | IFF_LOOPBACK | IFF_RUNNING };
	ck_assert_msg(fd >= 0 && ioctl(fd, SIOCSIFFLAGS, &ifr) == 0, "lo up: %s", strerror(errno));
	close(fd);
}

static void fresh_root(void)
{
	/* From v1.4 on: every test in a network namespace of its own, before
	 * anything runs, so that no bridge, address or nftables rule a run
	 * makes is ever the host's. */
	if (with_network)
		own_net_ns();
	/* Background runs outlive the shell that started them: make them
	 * ours when orphaned, so remove_root can reap them (prctl(2)). */
	prctl(PR_SET_CHILD_SUBREAPER, 1);
	snprintf(root_dir, sizeof root_dir, "/tmp/md-test-%s-XXXXXX", stage);
	if (!mkdtemp(root_dir))
		ck_abort_msg("mkdtemp: %s", strerror(errno));
	/* A run as another user (v0.7) must be able to use it too. */
	chmod(root_dir, 0755);
	setenv("MINIDOCKER_ROOT", root_dir, 1);
	snprintf(image_path, sizeof image_path, "%s/images/base", root_dir);
	if (with_image) {
		char cmd[16384];
		snprintf(cmd, sizeof cmd, "cp -a '%s/images' '%s/'", template_dir, root_dir);
		if (system(cmd) != 0)
			ck_abort_msg("cannot copy the test image: %s", cmd);
	}
}

/* FTW_PHYS: never follow a symlink out of the tree; FTW_MOUNT: never
 * cross into a mount a failed test may have left. */
static void remove_tree(const char *dir)
{
	nftw(dir, rm_entry, 32, FTW_DEPTH | FTW_PHYS | FTW_MOUNT);
}

static void remove_cgroup_parent(void);

static void remove_root(void)
{
	while (waitpid(-1, NULL, WNOHANG) > 0)
		;
	/* From v0.8 on: stop what a failed test left running, and let
	 * `ps -a` settle containers whose run was killed (from v1.0 that
	 * removes their cgroups), before the state root goes. */
	if (strcmp(stage, "v0.8") >= 0) {
		char *argv[] = { "/bin/sh", "-c", "for id in $(\"$MD\" ps -q); do \"$MD\" stop -t 0 $id; done; "
				 "\"$MD\" ps -a", NULL };
		struct result r = run_argv(NULL, 30, argv);
		free_result(&r);
	}
	/* From v2.0 on: what a failed test left in minidocker-oci's root. */
	if (strcmp(stage, "v2.0") >= 0) {
		char *argv[] = { "/bin/sh", "-c", "cd \"$MINIDOCKER_ROOT/oci\" 2>/dev/null || exit 0; "
				 "for id in *; do [ -d \"$id\" ] && \"$MD-oci\" --root \"$PWD\" delete --force \"$id\"; done",
				 NULL };
		struct result r = run_argv(NULL, 60, argv);
		free_result(&r);
		while (waitpid(-1, NULL, WNOHANG) > 0)
			;
	}
	if (strcmp(stage, "v1.0") >= 0)
		remove_cgroup_parent();
	remove_tree(root_dir);
}

/* The TCases' tags, for CASES: each TCase's name with '-' for spaces. */
static char case_tags[4096];

TCase *tcase(Suite *s, const char *name)
{
	TCase *tc = tcase_create(name);
	char tag[256];

	snprintf(tag, sizeof tag, "%s", name);
	for (char *c = tag; *c; c++)
		if (*c == ' ')
			*c = '-';
	/* Check keeps its own copy of the tags (tcase_set_tags, check(3)). */
	tcase_set_tags(tc, tag);
	snprintf(current_tag, sizeof current_tag, "%s", tag);
	/* A whole word of the list: "cp" is not in "cpu-share". */
	size_t len = strlen(case_tags);
	if (!word_in(case_tags, tag))
		snprintf(case_tags + len, sizeof case_tags - len, "%s%s", len ? " " : "", tag);
	tcase_set_timeout(tc, 120 * time_scale());
	tcase_add_checked_fixture(tc, fresh_root, remove_root);
	suite_add_tcase(s, tc);
	return tc;
}

char *read_file(const char *path)
{
	FILE *f = fopen(path, "re");
	if (!f)
		return NULL;
	char *buf = NULL;
	size_t cap = 0;
	ssize_t n = getdelim(&buf, &cap, '\0', f);
	fclose(f);
	if (n < 0) {
		free(buf);
		return strdup("");
	}
	return buf;
}

void free_result(struct result *r)
{
	free(r->out);
	free(r->err);
}

int run_suite(Suite *s)
{
	/* `make check` (notes/workshop.md) runs the suite on a participant's
	 * build of the stage, exercises/vX.Y/minidocker: an absolute path. */
	const char *bin = getenv("MINIDOCKER_TEST_BIN");
	if (bin && bin[0] != '/') {
		fprintf(stderr, "%s: MINIDOCKER_TEST_BIN must be an absolute path, not '%s'\n", stage, bin);
		return 1;
	}
	if (bin)
		snprintf(md_bin, sizeof md_bin, "%s", bin);
	else
		snprintf(md_bin, sizeof md_bin, "%s/%s/minidocker", TOP, stage);
	snprintf(probe_bin, sizeof probe_bin, "%s/tests/probe", TOP);
	if (access(md_bin, X_OK) < 0) {
		fprintf(stderr, "%s: %s is not built: run make\n", stage, md_bin);
		return 1;
	}
	setenv("MD", md_bin, 1);
	setenv("PROBE", probe_bin, 1);
	unsetenv("MINIDOCKER_DEBUG");

	if (with_image && build_template() < 0) {
		fprintf(stderr, "%s: cannot build the test image with scripts/mkimage\n", stage);
		return 1;
	}
	/* CASES="limits cgroup-v2": only the TCases with those tags (their
	 * names, '-' for spaces), as CI runs the cgroup tests in the VM. */
	const char *cases = getenv("CASES");
	if (cases && !*cases)
		cases = NULL;
	SRunner *sr = srunner_create(s);
	srunner_run_tagged(sr, NULL, NULL, cases, NULL, CK_NORMAL);
	if (with_image)
		remove_tree(template_dir);
	int failed = srunner_ntests_failed(sr);
	int ran = srunner_ntests_run(sr);
	srunner_free(sr);
	/* A selection that matched nothing tested nothing: that is no pass. */
	int none = cases && ran == 0;
	if (none)
		printf("%s: CASES='%s' selects no test here; this suite's TCases: %s\n", stage, cases, case_tags);

	const char *ci = getenv("CI");
	int ci_mode = ci && !strcmp(ci, "true");
	if (skipped)
		printf("%s: skipped %d test%s: %s%s\n", stage, skipped,
		       skipped == 1 ? "" : "s", skip_list,
		       ci_mode ? " (CI=true: a skip is a failure)" : "");
	printf("%s: %d passed, %d failed, %d skipped\n", stage, ran - failed, failed, skipped);
	return failed || none || (ci_mode && skipped) ? 1 : 0;
}

unsigned long ns_inode(const char *probe_ns, const char *name)
{
	char key[32];
	snprintf(key, sizeof key, "%s ", name);
	for (const char *line = probe_ns; line && *line; line = strchr(line, '\n') ? strchr(line, '\n') + 1 : NULL)
		if (!strncmp(line, key, strlen(key)))
			return strtoul(line + strlen(key), NULL, 10);
	ck_abort_msg("no '%s' namespace in probe output:\n%s", name, probe_ns);
	return 0;
}

char *host_name(void)
{
	static char name[256];
	if (gethostname(name, sizeof name) < 0)
		ck_abort_msg("gethostname: %s", strerror(errno));
	return name;
}

int start_bg(const char *fmt, ...)
{
	char *script, *full;
	va_list ap;

	va_start(ap, fmt);
	if (vasprintf(&script, fmt, ap) < 0)
		ck_abort_msg("vasprintf");
	va_end(ap);
	if (asprintf(&full, "%s </dev/null >/dev/null 2>&1 & echo $!", script) < 0)
		ck_abort_msg("asprintf");
	char *argv[] = { "/bin/sh", "-c", full, NULL };
	struct result r = run_argv(NULL, 10, argv);
	free(script);
	free(full);
	int pid = atoi(r.out);
	ck_assert_msg(pid > 0, "start_bg: no pid: %s %s", r.out, r.err);
	free_result(&r);
	return pid;
}

struct deadline deadline(double timeout)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (struct deadline){ .end = t.tv_sec + t.tv_nsec / 1e9 + timeout * time_scale() };
}

int keep_polling(struct deadline *d)
{
	struct timespec t;
	if (d->round++ == 0)
		return 1;
	/* Quick at first, for what is nearly there; then easy on a busy host. */
	int ms = d->round < 20 ? 5 * d->round : 100;
	clock_gettime(CLOCK_MONOTONIC, &t);
	double left = d->end - (t.tv_sec + t.tv_nsec / 1e9);
	if (left <= 0)
		return 0;
	if (ms > left * 1000)
		ms = (int)(left * 1000) + 1;
	usleep(ms * 1000);
	return 1;
}

struct result md_until(double timeout, const char *want, ...)
{
	char *argv[64] = { md_bin };
	int n = 1;
	va_list ap;
	struct result r = { .status = -1 };

	va_start(ap, want);
	while (n < 63 && (argv[n] = va_arg(ap, char *)))
		n++;
	va_end(ap);
	argv[n] = NULL;
	for (struct deadline d = deadline(timeout); keep_polling(&d);) {
		if (r.out)
			free_result(&r);
		r = run_argv(NULL, 30, argv);
		if (*want ? strstr(r.out, want) != NULL : r.out[0] != '\0')
			break;
	}
	return r;
}

/* From /proc/PID/stat: the state, the parent and the start time (in clock
 * ticks since boot: with the PID, it names one process).  proc(5). */
struct stat_line {
	char state;
	int ppid;
	unsigned long long start;
};

static int read_stat(int pid, struct stat_line *st)
{
	char path[64], buf[1024];
	snprintf(path, sizeof path, "/proc/%d/stat", pid);
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	ssize_t n = read(fd, buf, sizeof buf - 1);
	close(fd);
	if (n <= 0)
		return -1;
	buf[n] = '\0';
	/* The command name, in parentheses, may hold spaces and ')'. */
	char *p = strrchr(buf, ')');
	if (!p || sscanf(p + 1, " %c %d %*d %*d %*d %*d %*u %*u %*u %*u %*u %*u %*u %*d %*d %*d %*d %*d %*d %llu",
			 &st->state, &st->ppid, &st->start) != 3)
		return -1;
	return 0;
}

static int living(char state)
{
	return state != 'Z' && state != 'X';
}

int process_alive(int pid)
{
	struct stat_line st;
	return pid > 0 && read_stat(pid, &st) == 0 && living(st.state);
}

unsigned long long start_time_of(int pid)
{
	struct stat_line st;
	return read_stat(pid, &st) == 0 ? st.start : 0;
}

/* PID's command line, its arguments joined by spaces. */
static void cmdline_of(int pid, char *buf, size_t len)
{
	char path[64];
	snprintf(path, sizeof path, "/proc/%d/cmdline", pid);
	buf[0] = '\0';
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return;
	ssize_t n = read(fd, buf, len - 1);
	close(fd);
	if (n < 0)
		n = 0;
	buf[n] = '\0';
	while (n > 0 && buf[n - 1] == '\0')	/* the last argument's NUL */
		n--;
	for (ssize_t i = 0; i < n; i++)
		if (!buf[i])
			buf[i] = ' ';
	buf[n] = '\0';
}

struct procs proc_tree(int root, const char *pattern)
{
	enum { MAX = 65536 };
	static int pids[MAX], ppids[MAX];
	static unsigned long long starts[MAX];
	static char states[MAX];
	int n = 0;
	struct procs p = { 0 };
	struct stat_line st;

	if (root <= 0)	/* 0 would be the kernel's: the parent of PID 1 */
		return p;
	/* No /proc/N/task/N/children here (CONFIG_PROC_CHILDREN is optional):
	 * the parent links of every process give the tree. */
	DIR *d = opendir("/proc");
	struct dirent *e;
	ck_assert_ptr_nonnull(d);
	while ((e = readdir(d)) && n < MAX) {
		int pid = atoi(e->d_name);
		if (pid <= 0 || read_stat(pid, &st) < 0)
			continue;
		pids[n] = pid;
		ppids[n] = st.ppid;
		starts[n] = st.start;
		states[n++] = st.state;
	}
	closedir(d);
	/* Breadth first: the tree so far is the queue. */
	int tree[MAX_PROCS * 4], len = 0;
	unsigned long long tree_start[MAX_PROCS * 4];
	char tree_state[MAX_PROCS * 4];
	for (int i = 0; i < n; i++)
		if (pids[i] == root) {
			tree[len] = root;
			tree_start[len] = starts[i];
			tree_state[len++] = states[i];
		}
	for (int q = 0; q < len; q++)
		for (int i = 0; i < n && len < MAX_PROCS * 4; i++)
			if (ppids[i] == tree[q]) {
				tree[len] = pids[i];
				tree_start[len] = starts[i];
				tree_state[len++] = states[i];
			}
	for (int i = 0; i < len && p.n < MAX_PROCS; i++) {
		char cmd[4096];
		if (!living(tree_state[i]))
			continue;
		if (pattern) {
			cmdline_of(tree[i], cmd, sizeof cmd);
			if (!strstr(cmd, pattern))
				continue;
		}
		p.pid[p.n] = tree[i];
		p.start[p.n++] = tree_start[i];
	}
	return p;
}

int wait_tree(int pid, const char *pattern, int want, double timeout)
{
	int n = -1;
	for (struct deadline d = deadline(timeout); keep_polling(&d);)
		if ((n = proc_tree(pid, pattern).n) == want)
			break;
	return n;
}

int wait_command(int pid, const char *cmdline, double timeout)
{
	for (struct deadline d = deadline(timeout); keep_polling(&d);) {
		struct procs p = proc_tree(pid, cmdline);
		for (int i = 0; i < p.n; i++) {
			char cmd[4096];
			cmdline_of(p.pid[i], cmd, sizeof cmd);
			if (!strcmp(cmd, cmdline))
				return p.pid[i];
		}
	}
	return 0;
}

int wait_caught(int pid, const char *cmdline, int sig, double timeout)
{
	for (struct deadline d = deadline(timeout); keep_polling(&d);) {
		struct procs p = proc_tree(pid, cmdline);
		for (int i = 0; i < p.n; i++) {
			char path[64], cmd[4096];
			cmdline_of(p.pid[i], cmd, sizeof cmd);
			if (strcmp(cmd, cmdline))
				continue;
			snprintf(path, sizeof path, "/proc/%d/status", p.pid[i]);
			char *status = read_file(path), *line = status ? strstr(status, "\nSigCgt:") : NULL;
			unsigned long long caught = line ? strtoull(line + 8, NULL, 16) : 0;
			free(status);
			if (caught & (1ULL << (sig - 1)))
				return 1;
		}
	}
	return 0;
}

int wait_ended(const struct procs *p, double timeout)
{
	int alive = 0;
	for (struct deadline d = deadline(timeout); keep_polling(&d);) {
		struct stat_line st;
		alive = 0;
		for (int i = 0; i < p->n; i++)
			if (read_stat(p->pid[i], &st) == 0 && st.start == p->start[i] && living(st.state))
				alive++;
		if (!alive)
			return 0;
	}
	/* Say which, for the failure message's reader. */
	for (int i = 0; i < p->n; i++) {
		struct stat_line st;
		char cmd[256];
		if (read_stat(p->pid[i], &st) == 0 && st.start == p->start[i] && living(st.state)) {
			cmdline_of(p->pid[i], cmd, sizeof cmd);
			fprintf(stderr, "%s: still alive: %d (state %c, parent %d): %s\n", stage, p->pid[i],
				st.state, st.ppid, cmd);
		}
	}
	return alive;
}

int wait_exit(int pid, double timeout)
{
	int ws;
	for (struct deadline d = deadline(timeout); keep_polling(&d);) {
		pid_t got = waitpid(pid, &ws, WNOHANG);
		ck_assert_msg(got >= 0, "waitpid %d: %s", pid, strerror(errno));
		if (got == pid)
			return WIFEXITED(ws) ? WEXITSTATUS(ws) : 128 + WTERMSIG(ws);
	}
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
	return -1;
}

int state_number(const char *id, const char *key)
{
	char pattern[4300], *line = NULL;
	size_t cap = 0, klen = strlen(key);
	glob_t g;
	int value = 0;

	snprintf(pattern, sizeof pattern, "%s/containers/%s*/state", root_dir, id);
	if (glob(pattern, 0, NULL, &g) != 0)
		return 0;
	FILE *f = g.gl_pathc == 1 ? fopen(g.gl_pathv[0], "re") : NULL;
	while (f && getline(&line, &cap, f) > 0)
		if (!strncmp(line, key, klen) && line[klen] == '=')
			value = atoi(line + klen + 1);
	if (f)
		fclose(f);
	free(line);
	globfree(&g);
	return value;
}

void own_mount_ns(int shared)
{
	/* unshare(2) copies the host's mounts; making them private cuts the
	 * copies from their peers on the host, and making them shared again
	 * puts them in peer groups of this namespace alone (mount_namespaces(7)).
	 * The test runs in a process of its own (CK_FORK): the namespace goes
	 * with it. */
	ck_assert_msg(unshare(CLONE_NEWNS) == 0, "unshare: %s", strerror(errno));
	ck_assert_msg(mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) == 0, "make-rprivate: %s",
		      strerror(errno));
	if (shared)
		ck_assert_msg(mount(NULL, "/", NULL, MS_REC | MS_SHARED, NULL) == 0, "make-rshared: %s",
			      strerror(errno));
}

const char *cgroup_parent(void)
{
	static char parent[4200];
	/* minidocker/md-test-v1.0-XXXXXX: named after the test's state root. */
	snprintf(parent, sizeof parent, "minidocker/%s", strrchr(root_dir, '/') + 1);
	return parent;
}

char *cgroups_left(void)
{
	struct result r = sh("find /sys/fs/cgroup/*/%s /sys/fs/cgroup/%s -mindepth 1 -type d 2>/dev/null",
			     cgroup_parent(), cgroup_parent());
	free(r.err);
	return r.out;
}

/* No cgroup whose path holds NAME is left under the test's parent. */
void ck_no_cgroup_left(const char *name)
{
	char *left = cgroups_left();

	ck_assert_msg(!strstr(left, name), "cgroups left:\n%s", left);
	free(left);
}

char *containers_left(void)
{
	struct result r = sh("ls -A \"$MINIDOCKER_ROOT/containers\" 2>/dev/null");
	free(r.err);
	return r.out;
}

/* rmdir(2) the test's cgroup parent in each hierarchy, deepest folders
 * first: only empty cgroups can go, so nothing alive is touched. */
static void remove_cgroup_parent(void)
{
	struct result r = sh("find /sys/fs/cgroup/*/%s /sys/fs/cgroup/%s -depth -type d -exec rmdir {} + 2>/dev/null",
			     cgroup_parent(), cgroup_parent());
	free_result(&r);
}

void pty_start(struct pty *p, int rows, int cols, const char *script)
{
	memset(p, 0, sizeof *p);
	p->master = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);
	ck_assert_int_ge(p->master, 0);
	ck_assert_int_eq(grantpt(p->master), 0);
	ck_assert_int_eq(unlockpt(p->master), 0);
	struct winsize ws = { .ws_row = rows, .ws_col = cols };
	ck_assert_int_eq(ioctl(p->master, TIOCSWINSZ, &ws), 0);
	char *name = ptsname(p->master);
	p->pid = fork();
	ck_assert_int_ge(p->pid, 0);
	if (p->pid == 0) {
		setsid();
		int slave = open(name, O_RDWR);
		if (slave < 0 || ioctl(slave, TIOCSCTTY, 0) < 0)
			_exit(126);
		dup2(slave, 0);
		dup2(slave, 1);
		dup2(slave, 2);
		execl("/bin/sh", "sh", "-c", script, (char *)NULL);
		_exit(127);
	}
}

/* Read what is there within MS milliseconds; 0 at the end. */
static int pty_read(struct pty *p, int ms)
{
	struct pollfd pfd = { .fd = p->master, .events = POLLIN };
	if (poll(&pfd, 1, ms) <= 0)
		return 1;
	ssize_t n = read(p->master, p->out + p->len, sizeof p->out - 1 - p->len);
	if (n <= 0)
		return 0;	/* EIO: every holder of the slave has gone */
	p->len += n;
	p->out[p->len] = '\0';
	return 1;
}

int pty_expect(struct pty *p, const char *text, double timeout)
{
	timeout *= time_scale();
	for (int i = 0; i < timeout * 50 && !strstr(p->out, text); i++)
		if (!pty_read(p, 20))
			break;
	return strstr(p->out, text) != NULL;
}

void pty_send(struct pty *p, const char *keys)
{
	ck_assert_int_eq(write(p->master, keys, strlen(keys)), (ssize_t)strlen(keys));
}

void pty_resize(struct pty *p, int rows, int cols)
{
	struct winsize ws = { .ws_row = rows, .ws_col = cols };
	/* The kernel sends SIGWINCH to the terminal's foreground group. */
	ck_assert_int_eq(ioctl(p->master, TIOCSWINSZ, &ws), 0);
}

int pty_finish(struct pty *p, double timeout)
{
	int i, ws;

	timeout *= time_scale();
	for (i = 0; i < timeout * 50; i++)
		if (!pty_read(p, 20))
			break;
	if (i >= timeout * 50)
		kill(p->pid, SIGKILL);
	waitpid(p->pid, &ws, 0);
	close(p->master);
	if (i >= timeout * 50)
		return -1;
	return WIFEXITED(ws) ? WEXITSTATUS(ws) : 128 + WTERMSIG(ws);
}

const char *host_marker(void)
{
	static char path[4200];
	snprintf(path, sizeof path, "%s/host-marker", root_dir);
	FILE *f = fopen(path, "w");
	ck_assert_ptr_nonnull(f);
	fclose(f);
	return path;
}

/* minidocker-oci with the test's --root: `oci("state %s", id)`. */
struct result oci(const char *fmt, ...)
{
	char args[8192];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(args, sizeof args, fmt, ap);
	va_end(ap);
	return sh("cd \"$MINIDOCKER_ROOT\" && \"$MD-oci\" --root \"$MINIDOCKER_ROOT/oci\" %s", args);
}

/* The bundle folder of NAME: ROOT/NAME (four at a time). */
const char *bundle(const char *name)
{
	static char path[4][4096];
	static int next;
	char *p = path[next++ % 4];

	if (snprintf(p, 4096, "%s/%s", state_root(), name) >= 4096)
		ck_abort_msg("bundle %s: path too long", name);
	return p;
}
