/* podman for the tests (see harness.h): run as md() runs the stage's
 * binary, through tests/podman-private, which keeps everything podman
 * makes in one folder of the test's state root. */
#include "harness.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char dir[4200];

int in_path(const char *name)
{
	const char *path = getenv("PATH");
	char buf[4096];

	for (const char *p = path ? path : "/usr/bin:/bin"; *p;) {
		size_t n = strcspn(p, ":");
		if (snprintf(buf, sizeof buf, "%.*s/%s", (int)n, p, name) < (int)sizeof buf &&
		    access(buf, X_OK) == 0)
			return 1;
		p += n + (p[n] == ':');
	}
	return 0;
}

int need_podman(const char *test)
{
	/* podman without root keeps its storage under $HOME and maps ids
	 * through /etc/subuid: not the test's to touch. */
	if (geteuid() != 0)
		return skip_test(test, "needs root");
	if (!in_path("podman"))
		return skip_test(test, "needs podman: scripts/install-deps installs Debian's");
	return 1;
}

const char *podman_dir(void)
{
	return dir;
}

static void podman_setup(void)
{
	char script[4200];

	/* The masks podman-private mounts are for this test alone. */
	own_mount_ns(0);
	snprintf(dir, sizeof dir, "%s/podman", state_root());
	snprintf(script, sizeof script, "%s/tests/podman-private", TOP);
	char *argv[] = { script, "--setup", dir, NULL };
	struct result r = run_argv(NULL, 30, argv);
	ck_assert_msg(r.status == 0, "podman-private --setup %s: %d\n%s%s", dir, r.status, r.out, r.err);
	free_result(&r);
}

struct result podman(const char *in, ...)
{
	char script[4200], *argv[72];
	int n = 0;
	va_list ap;

	if (!dir[0])
		podman_setup();
	snprintf(script, sizeof script, "%s/tests/podman-private", TOP);
	argv[n++] = script;
	argv[n++] = dir;
	va_start(ap, in);
	char *sub = va_arg(ap, char *);
	if (sub) {
		argv[n++] = sub;
		if (!strcmp(sub, "run") || !strcmp(sub, "create")) {
			/* -i: the container's stdin is ours (a pipe), not the
			 * /dev/null conmon opens, which crun fchowns to the
			 * container's user: the host's /dev/null. */
			argv[n++] = "-i";
			argv[n++] = "--network";
			argv[n++] = "none";
			argv[n++] = "--cgroups";
			argv[n++] = "disabled";
		}
		while (n < 71 && (argv[n] = va_arg(ap, char *)))
			n++;
	}
	va_end(ap);
	argv[n] = NULL;
	return run_argv(in, 120, argv);
}

void podman_end(void)
{
	if (!dir[0])
		return;
	struct result r = podman(NULL, "rm", "--all", "--force", "--time", "0", NULL);
	ck_status(r, 0);
	r = podman(NULL, "system", "reset", "--force", NULL);
	ck_status(r, 0);
	/* conmon, and the `podman container cleanup` it starts, outlive the
	 * podman that started them; orphans, they are the test's (a
	 * subreaper): each has the folder in its command line. */
	ck_assert_int_eq(wait_tree(getpid(), dir, 0, 20), 0);
	char *mounts = read_file("/proc/self/mountinfo");
	ck_assert_ptr_nonnull(mounts);
	ck_lacks(mounts, dir);
	free(mounts);
}
