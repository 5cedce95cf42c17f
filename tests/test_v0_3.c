/* v0.3: PID and UTS namespaces; minidocker re-executes itself as `child`,
 * which is PID 1 and runs the command as PID 2 (the "double shell"). */
#include "basics.h"

#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

const char *run_words[] = { NULL };

START_TEST(command_is_pid_2_under_the_child)
{
	struct result r = md_run(NULL, "sh", "-c", "echo $$ $PPID", NULL);
	ck_status(r, 0);
	ck_assert_str_eq(r.out, "2 1\n");
}
END_TEST

START_TEST(trace_shows_run_then_child_as_pid_1)
{
	struct result r = sh("MINIDOCKER_DEBUG=1 \"$MD\" run sh -c 'echo $$'");
	ck_status(r, 0);
	ck_assert_str_eq(r.out, "2\n");
	char want[4200];
	snprintf(want, sizeof want, "Process => [%s run sh -c echo $$] [", md_bin);
	ck_contains(r.err, want);
	snprintf(want, sizeof want, "Process => [%s child sh -c echo $$] [1]\n", md_bin);
	ck_contains(r.err, want);
}
END_TEST

START_TEST(hostname_is_container_and_the_hosts_is_kept)
{
	char before[256];
	snprintf(before, sizeof before, "%s", host_name());
	struct result r = md_run(NULL, "busybox", "hostname", NULL);
	ck_status(r, 0);
	ck_assert_str_eq(r.out, "container\n");
	ck_assert_str_eq(host_name(), before);
}
END_TEST

START_TEST(pid_and_uts_namespaces_are_new)
{
	struct result in = md_run(NULL, probe_bin, "ns", NULL);
	struct result out = sh("\"$PROBE\" ns");
	ck_status(in, 0);
	ck_assert_uint_ne(ns_inode(in.out, "uts"), ns_inode(out.out, "uts"));
	ck_assert_uint_ne(ns_inode(in.out, "pid"), ns_inode(out.out, "pid"));
	ck_assert_uint_eq(ns_inode(in.out, "mnt"), ns_inode(out.out, "mnt"));
}
END_TEST

START_TEST(proc_is_still_the_hosts)
{
	/* The lesson's loose end: $$ is 2, but /proc/self, read by the same
	 * shell, names its PID on the host.  v0.4 mounts a /proc of its own. */
	struct result r = md_run(NULL, "sh", "-c", "read pid rest < /proc/self/stat; echo $$ $pid", NULL);
	ck_status(r, 0);
	int ns_pid = 0, proc_pid = 0;
	ck_assert_int_eq(sscanf(r.out, "%d %d", &ns_pid, &proc_pid), 2);
	ck_assert_int_eq(ns_pid, 2);
	ck_assert_int_ne(proc_pid, 2);
}
END_TEST

START_TEST(killing_minidocker_kills_the_container)
{
	/* PR_SET_PDEATHSIG: SIGKILL to minidocker takes the child, PID 1,
	 * and with it the whole PID namespace. */
	int pid = start_bg("\"$MD\" run sleep 987");
	ck_assert_int_eq(wait_tree(pid, "sleep 987", 3, 5), 3);	/* run, child, sleep */
	struct procs started = proc_tree(pid, NULL);
	ck_assert_int_eq(kill(pid, SIGKILL), 0);
	ck_assert_int_eq(wait_ended(&started, 5), 0);
}
END_TEST

START_TEST(child_is_internal)
{
	/* Run on the host, `child` would rename the host: it refuses. */
	char before[256];
	snprintf(before, sizeof before, "%s", host_name());
	struct result r = md(NULL, "child", "busybox", "hostname", NULL);
	ck_status(r, 125);
	ck_contains(r.err, "child is internal");
	ck_assert_str_eq(host_name(), before);
}
END_TEST

int main(void)
{
	stage = "v0.3";
	Suite *s = suite_create(stage);
	add_preflight_tests(s, 1);
	add_basic_tests(s, 1, 0);
	add_bad_input_tests(s);
	add_exec_hygiene_tests(s, 1);
	add_reexec_tests(s, 1);
	add_session_tests(s);
	TCase *tc = tcase(s, "pid");
	add_root_test(tc, command_is_pid_2_under_the_child);
	add_root_test(tc, trace_shows_run_then_child_as_pid_1);
	add_root_test(tc, hostname_is_container_and_the_hosts_is_kept);
	add_root_test(tc, pid_and_uts_namespaces_are_new);
	add_root_test(tc, proc_is_still_the_hosts);
	add_root_test(tc, killing_minidocker_kills_the_container);
	add_root_test(tc, child_is_internal);
	return run_suite(s);
}
