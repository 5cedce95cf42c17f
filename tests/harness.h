/* The test harness: run a stage's minidocker as a user would, capture what
 * it prints and how it exits, and count the tests that cannot run here. */
#ifndef MD_HARNESS_H
#define MD_HARNESS_H

#include <check.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

/* MD_TIME_SCALE=N (default 1): this machine is N times slower than a
 * developer's (4 in the emulated VM of make test-cgroup2).  Every timeout
 * and deadline of the harness below is stretched by it: how long the
 * harness waits, never a bound a test asserts about the kernel. */
double time_scale(void);

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
/* v2.0: minidocker-oci with the test's own --root (ROOT/oci), run by sh in
 * ROOT: `oci("state %s", id)`; and the bundle folder ROOT/NAME. */
struct result oci(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
const char *bundle(const char *name);
/* From v1.4 on (the suite sets with_network): each test runs in network
 * and mount namespaces of its own, with lo up, made before its state
 * root; the network tests send traffic only to addresses in there. */
extern int with_network;
void own_net_ns(void);
const char *image_dir(void);
/* imagestore.c: the folder of IMAGE's top layer (v1.6 keeps layers by
 * digest, ROOT/layers/HEX; before, ROOT/images/IMAGE). */
const char *layer_dir(const char *image);

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
/* Count TEST as skipped, WHY ("needs root") said in the suite's summary;
 * returns 0, for need_* functions. */
int skip_test(const char *test, const char *why);

/* podman.c: podman, with everything of its own under the test's state
 * root (tests/podman-private says what and why): storage, run state,
 * temporary files, configuration; nothing of the host's.  Tests that need
 * it (root, and podman installed: scripts/install-deps) are added with
 * add_podman_test, else skipped with the reason. */
int need_podman(const char *test);
/* Is there an executable NAME in PATH (as the shell would find it)? */
int in_path(const char *name);
#define add_podman_test(tc, fn) do { if (need_podman(#fn)) tcase_add_test(tc, fn); } while (0)
/* podman with the given arguments (the list ends with NULL), IN on its
 * stdin, like md().  The first call sets podman up for the test: a mount
 * namespace of its own (own_mount_ns), then tests/podman-private --setup.
 * `run` and `create` get -i, --network none and --cgroups disabled first
 * (stdin from IN, no network, no cgroup of the host's; see podman.c);
 * later arguments override them. */
struct result podman(const char *in, ...) __attribute__((sentinel));
/* The folder podman keeps everything in; "" before the first podman(). */
const char *podman_dir(void);
/* Remove every container, image and layer podman made (podman system
 * reset), then check that none of its processes and none of its mounts
 * are left.  Every test that used podman ends with it. */
void podman_end(void);

/* A TCase with a timeout fit for starting containers; fixtures give every
 * test its own state root and remove it afterwards. */
TCase *tcase(Suite *s, const char *name);

/* Run the suite and return the process's exit status.  With CASES set
 * ("limits cgroup-v2"), only the TCases of those names (each name's
 * spaces made '-') run; if that is none, the suite fails. */
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
 * return the PID of its last background job ("... & echo $!").  Once the
 * shell has exited, the job is a child of the test (a subreaper, see
 * prctl(2)): wait_exit collects its status. */
int start_bg(const char *script, ...) __attribute__((format(printf, 1, 2)));

/* Polling lives here, with a deadline, rather than in loops in each test:
 *
 *	for (struct deadline d = deadline(5); keep_polling(&d);)
 *		if (done())
 *			break;
 *
 * keep_polling is true at once the first time, then after a pause that
 * grows from 5 ms to 100 ms, until TIMEOUT seconds have passed. */
struct deadline {
	double end;
	int round;
};
struct deadline deadline(double timeout);
int keep_polling(struct deadline *d);
/* Run the stage's binary with ARGS (the list ends with NULL) until its
 * stdout contains WANT ("": until it prints anything), for up to TIMEOUT
 * seconds; return the last result. */
struct result md_until(double timeout, const char *want, ...) __attribute__((sentinel));

/* Processes a test started, found from a PID it holds (from fork or
 * start_bg, or from a state file in its own state root), never by their
 * command lines across the host: other suites run beside this one.  A
 * process is known by its PID and start time, so a reused PID is not
 * taken for it; a zombie has ended. */
enum { MAX_PROCS = 64 };
struct procs {
	int n;
	int pid[MAX_PROCS];
	unsigned long long start[MAX_PROCS];
};
/* PID and its living descendants (found through the parent PIDs in
 * /proc/N/stat); with PATTERN, only those whose command line (arguments
 * joined by spaces) contains it. */
struct procs proc_tree(int pid, const char *pattern);
/* Wait until proc_tree(PID, PATTERN) has WANT processes; the last count. */
int wait_tree(int pid, const char *pattern, int want, double timeout);
/* Wait until the tree under PID holds a process whose whole command line
 * is CMDLINE (arguments joined by spaces); its PID, or 0 at the deadline. */
int wait_command(int pid, const char *cmdline, double timeout);
/* Wait until the process under PID whose whole command line is CMDLINE
 * has a handler for signal SIG (SigCgt in /proc/N/status), so that a test
 * does not send it before the command's trap is set: 1, or 0 at the
 * deadline. */
int wait_caught(int pid, const char *cmdline, int sig, double timeout);
/* Wait until every process of P has ended; how many are still alive. */
int wait_ended(const struct procs *p, double timeout);
/* Wait for our child PID (start_bg's jobs become ours: the test is a
 * subreaper) to exit: its status, 128+N after signal N; -1 at the deadline. */
int wait_exit(int pid, double timeout);
/* From v0.8 on: the number KEY ("pid", "monitor") in the state file of
 * container ID (a full id or a prefix) in the test's state root; 0 if none. */
int state_number(const char *id, const char *key);

/* Put the test in a mount namespace of its own, its mounts private or
 * (SHARED) shared like a systemd host's, in peer groups of its own: mounts
 * made on the host (by other suites, say) do not show here, and a mount
 * leaking out of a container shows here as it would on the host.  For
 * tests that compare /proc/self/mountinfo before and after. */
void own_mount_ns(int shared);

/* From v1.0 on: the --cgroup-parent for the test's runs, a folder of its
 * own under minidocker/ in each cgroup hierarchy; the tests look for
 * cgroups only there, and it is removed after the test. */
const char *cgroup_parent(void);
/* The folders under the test's cgroup parent in every hierarchy, one a
 * line ("" if none). */
char *cgroups_left(void);
void ck_no_cgroup_left(const char *name);
/* What is in the test's ROOT/containers, one a line ("" if nothing, or
 * no such folder): what a run that failed or --rm must not leave. */
char *containers_left(void);
/* A file on the host, in the test's state root, for a container to look
 * for (the chroot escape tests); returns its path. */
const char *host_marker(void);
/* The host's hostname. */
char *host_name(void);
/* Is PID a live process: there, and not a zombie (the test is the
 * subreaper of what its runs leave, and a zombie still answers kill 0)? */
int process_alive(int pid);
/* PID's start time from /proc/PID/stat (clock ticks since boot; with the
 * PID it names one process), 0 if it is gone. */
unsigned long long start_time_of(int pid);
char *read_file(const char *path);	/* whole file, NUL-terminated, or NULL */
void free_result(struct result *r);

#endif
