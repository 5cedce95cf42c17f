/* The test harness: run a stage's minidocker as a user would, capture what
 * it prints and how it exits, and count the tests that cannot run here. */
#ifndef MD_HARNESS_H
#define MD_HARNESS_H

#include <check.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

struct result {
	int status;	/* exit status, 128+N after signal N, -1 on timeout */
	char *out;	/* stdout, NUL-terminated */
	char *err;	/* stderr, NUL-terminated */
};

/* Set by the suite: the stage under test ("v0.4"). */
extern const char *stage;
/* Absolute paths to the stage's binary and to the static probe. */
extern char md_bin[], probe_bin[];

/* Run ARGV (NULL-terminated) with IN on stdin (NULL: /dev/null), stop it
 * with SIGKILL after TIMEOUT seconds, return what it printed and its exit
 * status.  The environment holds MD (the stage's binary), PROBE and
 * MINIDOCKER_ROOT (a fresh state root for each test). */
struct result run_argv(const char *in, double timeout, char *const argv[]);
/* The stage's binary with the given arguments; the list ends with NULL. */
struct result md(const char *in, ...) __attribute__((sentinel));
/* A host shell script (sh -c SCRIPT); "$MD" is the stage's binary. */
struct result sh(const char *script, ...) __attribute__((format(printf, 1, 2)));

/* The state root of the running test (fresh for each test).  When the
 * suite sets with_image, it holds the image 'base' (scripts/mkimage) with
 * the probe in it as /bin/probe; image_dir() is ROOT/images/base. */
extern int with_image;
const char *state_root(void);
const char *image_dir(void);

/* Assertions with the output shown when they fail. */
#define ck_status(r, want) \
	ck_assert_msg((r).status == (want), "exit status %d, want %d\nstdout: %s\nstderr: %s", \
		      (r).status, (want), (r).out, (r).err)
#define ck_contains(hay, needle) \
	ck_assert_msg(strstr((hay), (needle)) != NULL, "'%s' not found in:\n%s", (needle), (hay))
#define ck_lacks(hay, needle) \
	ck_assert_msg(strstr((hay), (needle)) == NULL, "'%s' unexpectedly in:\n%s", (needle), (hay))

/* Tests that need something this host may not have.  A test not added is
 * counted as skipped with its reason; with CI=true a skip fails the run. */
int need_root(const char *test);
#define add_root_test(tc, fn) do { if (need_root(#fn)) tcase_add_test(tc, fn); } while (0)

/* A TCase with a timeout fit for starting containers; fixtures give every
 * test its own state root and remove it afterwards. */
TCase *tcase(Suite *s, const char *name);

/* Run the suite and return the process's exit status. */
int run_suite(Suite *s);

/* A program on a pseudo-terminal of its own, as a user at a terminal. */
struct pty {
	int master;
	int pid;
	size_t len;
	char out[65536];	/* everything it wrote, NUL-terminated */
};
/* Start `sh -c SCRIPT` as a session leader on a new ROWSxCOLS pty. */
void pty_start(struct pty *p, int rows, int cols, const char *script);
/* Read until TEXT has appeared (1) or TIMEOUT seconds have passed (0). */
int pty_expect(struct pty *p, const char *text, double timeout);
void pty_send(struct pty *p, const char *keys);
void pty_resize(struct pty *p, int rows, int cols);
/* Read to the end, and return the exit status (-1: timeout). */
int pty_finish(struct pty *p, double timeout);

/* Small helpers. */
/* The inode of namespace NAME ("uts") in the output of `probe ns`. */
unsigned long ns_inode(const char *probe_ns, const char *name);
/* Start a host shell script in the background, its output thrown away;
 * return the PID of its last background job ("... & echo $!"). */
int start_bg(const char *script, ...) __attribute__((format(printf, 1, 2)));
/* Wait up to TIMEOUT seconds until exactly WANT processes on the host have
 * a command line containing PATTERN (arguments joined by spaces); return
 * the last count. */
int wait_procs(const char *pattern, int want, double timeout);
/* A file on the host, in the test's state root, for a container to look
 * for (the chroot escape tests); returns its path. */
const char *host_marker(void);
/* The host's hostname. */
char *host_name(void);
char *read_file(const char *path);	/* whole file, NUL-terminated, or NULL */
void free_result(struct result *r);

#endif
