/* See harness.h. */
#include "harness.h"

#include <errno.h>
#include <fcntl.h>
#include <dirent.h>
#include <ftw.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

const char *stage;
char md_bin[4096], probe_bin[4096];
static char root_dir[4096], image_path[4200], template_dir[4096];
int with_image;
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

struct result run_argv(const char *in, double timeout, char *const argv[])
{
	struct result r = { .status = 0 };
	int o[2], e[2], i[2];

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
	if (in && fork() == 0) {
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
	while (waitpid(-1, NULL, WNOHANG) > 0)	/* the stdin helper */
		;
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

int need_root(const char *test)
{
	if (geteuid() == 0)
		return 1;
	skipped++;
	size_t len = strlen(skip_list);
	snprintf(skip_list + len, sizeof skip_list - len, "%s%s", len ? ", " : "", test);
	return 0;
}

static int rm_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(path) < 0 && errno != ENOENT ? -1 : 0;
}

static void fresh_root(void)
{
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
	remove_tree(root_dir);
}

TCase *tcase(Suite *s, const char *name)
{
	TCase *tc = tcase_create(name);

	tcase_set_timeout(tc, 120);
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
	SRunner *sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	if (with_image)
		remove_tree(template_dir);
	int failed = srunner_ntests_failed(sr);
	int ran = srunner_ntests_run(sr);
	srunner_free(sr);

	const char *ci = getenv("CI");
	int ci_mode = ci && !strcmp(ci, "true");
	if (skipped)
		printf("%s: skipped %d test%s that need root: %s%s\n", stage, skipped,
		       skipped == 1 ? "" : "s", skip_list,
		       ci_mode ? " (CI=true: a skip is a failure)" : "");
	printf("%s: %d passed, %d failed, %d skipped\n", stage, ran - failed, failed, skipped);
	return failed || (ci_mode && skipped) ? 1 : 0;
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

static int count_procs(const char *pattern)
{
	DIR *d = opendir("/proc");
	struct dirent *e;
	int n = 0;

	ck_assert_ptr_nonnull(d);
	while ((e = readdir(d))) {
		char path[300], buf[4096];
		if (e->d_name[0] < '0' || e->d_name[0] > '9' || atoi(e->d_name) == getpid())
			continue;
		snprintf(path, sizeof path, "/proc/%s/cmdline", e->d_name);
		FILE *f = fopen(path, "re");
		if (!f)
			continue;
		size_t len = fread(buf, 1, sizeof buf - 1, f);
		fclose(f);
		for (size_t i = 0; i + 1 < len; i++)	/* NULs between arguments */
			if (!buf[i])
				buf[i] = ' ';
		buf[len] = '\0';
		if (strstr(buf, pattern))
			n++;
	}
	closedir(d);
	return n;
}

int wait_procs(const char *pattern, int want, double timeout)
{
	int n;
	for (int i = 0; (n = count_procs(pattern)) != want && i < timeout * 20; i++)
		usleep(50000);
	return n;
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
