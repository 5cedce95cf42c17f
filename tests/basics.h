/* What every stage must keep doing: exit statuses, arguments, stdio,
 * usage errors, signals.  Each suite adds these to its own tests. */
#ifndef MD_BASICS_H
#define MD_BASICS_H

#include "harness.h"

/* The words a stage's `run` needs before the command: none in v0.1-v0.7;
 * the image from v0.8 on.  NULL-terminated; set by the suite. */
extern const char *run_words[];

/* minidocker run RUN_WORDS... ARGS... (the list ends with NULL). */
struct result md_run(const char *in, ...) __attribute__((sentinel));

/* `"$MD" run RUN_WORDS...` for a shell script, with a trailing space. */
const char *run_line(void);

/* For runs as nobody (v0.7 on): nobody_root() makes ROOT/nobody, owned by
 * nobody, with a copy of the image and of the stage's binary (the checkout
 * may be under a home folder nobody cannot enter); AS_NOBODY starts a shell
 * command line that runs that binary as nobody with that state root. */
void nobody_root(void);
#define AS_NOBODY "setpriv --reuid=65534 --regid=65534 --clear-groups env " \
	"MINIDOCKER_ROOT=\"$MINIDOCKER_ROOT/nobody\" HOME=/nonexistent \"$MINIDOCKER_ROOT/nobody/minidocker\""

/* From v0.8 on: wait until the PID 1 of CONTAINER handles signal SIG, so
 * that a test does not send it before the command's trap is set. */
void wait_for_handler(const char *container, int sig);

/* Add the basic tests to S; ROOT: the stage needs root to run anything;
 * PID1: the command is PID 1 of its namespace (v0.5 on). */
void add_basic_tests(Suite *s, int root, int pid1);

/* From v0.3 on: the container is in a session of its own. */
void add_session_tests(Suite *s);

/* From v0.4 on: mounts made in the container never reach the host, on a
 * private or a shared host, after a normal run or a SIGKILLed one. */
void add_mount_tests(Suite *s);

/* From v0.5 on: the command is PID 1 in the image's root filesystem. */
void add_image_tests(Suite *s);
/* v0.2-v0.6: the CAP_SYS_ADMIN pre-flight's hint, to root and, with
 * AS_NOBODY, to nobody (v0.6 makes ROOT/containers before its pre-flight,
 * so nobody meets "Permission denied" there first). */
void add_preflight_tests(Suite *s, int as_nobody);
/* v0.7 on: the hint when user namespaces are refused, to root; with
 * IN_A_USER_NAMESPACE also as root of a one-uid user namespace, where v1.2
 * cannot run (its id range). */
void add_userns_hint_tests(Suite *s, int in_a_user_namespace);

/* Issue 11: only fds 0-2 and default signals cross into the command
 * (every stage; ROOT as for add_basic_tests). */
void add_exec_hygiene_tests(Suite *s, int root);

/* From v0.3 on: minidocker re-executes itself from a sealed memfd. */
void add_reexec_tests(Suite *s, int double_shell);	/* v0.3, v0.4: `child` too */

/* From v0.5 on: an empty MINIDOCKER_ROOT is refused; a missing one is
 * not created by a run. */
void add_state_root_tests(Suite *s, int containers);	/* v0.6 on: ROOT/containers */

/* Make DIR/d/d/.../d, LEVELS folders deep (too deep for any PATH_MAX
 * buffer), with a file 'bottom' at the end. */
void make_deep_tree(const char *dir, int levels);
/* v0.6 to v1.0, which copy the image: a 200-level image copied (and
 * from v0.8 on removed) with RLIMIT_NOFILE 32. */
void add_deep_copy_test(TCase *tc);
/* A teardown for tests that make such trees: remove the state root with
 * rm -rf, which, unlike nftw, walks any depth. */
void remove_state_root_deeply(void);

/* v0.1-v0.7: `help extra` and `run --` are usage errors (exit 125). */
void add_bad_input_tests(Suite *s);
/* From v0.9 on: exec right after run -d, fds, signals and the runtime's
 * binary at the container boundary; killed runs, damaged state. */
void add_lifecycle_tests(Suite *s);
/* v0.9 and v1.0, which copy the image: Ctrl-C during the copy. */
void add_image_copy_tests(Suite *s);

/* Wait until ROOT/GLOB, a temporary folder, exists ("images/.import-*"). */
void wait_for_temp(const char *glob);

#endif
