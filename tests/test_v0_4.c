/* v0.4: a mount namespace, / made private, and a /proc of its own. */
#include "basics.h"

#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

const char *run_words[] = { NULL };

/* Lines of S that start with a digit after spaces: ps's process rows. */
static int process_rows(const char *s)
{
	int n = 0;
	for (const char *l = s; l && *l; l = strchr(l, '\n') ? strchr(l, '\n') + 1 : NULL) {
		while (*l == ' ')
			l++;
		n += *l >= '0' && *l <= '9';
	}
	return n;
}

START_TEST(ps_sees_only_the_container)
{
	struct result r = md_run(NULL, "busybox", "ps", NULL);
	ck_status(r, 0);
	ck_assert_msg(process_rows(r.out) == 2, "want PID 1 (child) and 2 (ps):\n%s", r.out);
	ck_contains(r.out, "    1 root");
	ck_contains(r.out, "child busybox ps");
	ck_contains(r.out, "    2 root");
}
END_TEST

START_TEST(proc_self_agrees_with_the_shell)
{
	struct result r = md_run(NULL, "sh", "-c", "read pid rest < /proc/self/stat; echo $$ $pid", NULL);
	ck_status(r, 0);
	ck_assert_str_eq(r.out, "2 2\n");
}
END_TEST

START_TEST(proc_is_mounted_nosuid_nodev_noexec)
{
	struct result r = md_run(NULL, "busybox", "grep", " /proc ", "/proc/self/mountinfo", NULL);
	ck_status(r, 0);
	ck_contains(r.out, " /proc rw,nosuid,nodev,noexec,");
	ck_contains(r.out, " - proc proc ");
	/* ...and it is private: no "shared:N" peer group. */
	ck_lacks(r.out, "shared:");
}
END_TEST

START_TEST(mount_namespace_is_new)
{
	struct result in = md_run(NULL, probe_bin, "ns", NULL);
	struct result out = sh("\"$PROBE\" ns");
	ck_status(in, 0);
	ck_assert_uint_ne(ns_inode(in.out, "mnt"), ns_inode(out.out, "mnt"));
	ck_assert_uint_ne(ns_inode(in.out, "pid"), ns_inode(out.out, "pid"));
	ck_assert_uint_ne(ns_inode(in.out, "uts"), ns_inode(out.out, "uts"));
	ck_assert_uint_eq(ns_inode(in.out, "net"), ns_inode(out.out, "net"));
}
END_TEST

START_TEST(hostname_is_container)
{
	struct result r = md_run(NULL, "busybox", "hostname", NULL);
	ck_status(r, 0);
	ck_assert_str_eq(r.out, "container\n");
}
END_TEST

int main(void)
{
	stage = "v0.4";
	Suite *s = suite_create(stage);
	add_preflight_tests(s, 1);
	add_basic_tests(s, 1, 0);
	add_bad_input_tests(s);
	add_exec_hygiene_tests(s, 1);
	add_reexec_tests(s, 1);
	add_session_tests(s);
	add_mount_tests(s);
	TCase *tc = tcase(s, "mnt");
	add_root_test(tc, ps_sees_only_the_container);
	add_root_test(tc, proc_self_agrees_with_the_shell);
	add_root_test(tc, proc_is_mounted_nosuid_nodev_noexec);
	add_root_test(tc, mount_namespace_is_new);
	add_root_test(tc, hostname_is_container);
	return run_suite(s);
}
