/* v0.2: clone(2) with CLONE_NEWUTS: the hostname is the container's own. */
#include "basics.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

const char *run_words[] = { NULL };

START_TEST(hostname_set_inside_stays_inside)
{
	char before[256];
	snprintf(before, sizeof before, "%s", host_name());
	struct result r = md_run(NULL, "sh", "-c", "busybox hostname md-inside && busybox hostname", NULL);
	ck_status(r, 0);
	ck_assert_str_eq(r.out, "md-inside\n");
	ck_assert_str_eq(host_name(), before);
}
END_TEST

START_TEST(only_the_uts_namespace_is_new)
{
	struct result in = md_run(NULL, probe_bin, "ns", NULL);
	struct result out = sh("\"$PROBE\" ns");
	ck_status(in, 0);
	ck_assert_uint_ne(ns_inode(in.out, "uts"), ns_inode(out.out, "uts"));
	ck_assert_uint_eq(ns_inode(in.out, "pid"), ns_inode(out.out, "pid"));
	ck_assert_uint_eq(ns_inode(in.out, "mnt"), ns_inode(out.out, "mnt"));
}
END_TEST

START_TEST(starts_with_the_hosts_hostname)
{
	/* A new UTS namespace starts as a copy of its parent's. */
	struct result r = md_run(NULL, "busybox", "hostname", NULL);
	ck_status(r, 0);
	char want[300];
	snprintf(want, sizeof want, "%s\n", host_name());
	ck_assert_str_eq(r.out, want);
}
END_TEST

int main(void)
{
	stage = "v0.2";
	Suite *s = suite_create(stage);
	add_basic_tests(s, 1, 0);
	add_bad_input_tests(s);
	add_exec_hygiene_tests(s, 1);
	add_preflight_tests(s, 1);
	TCase *tc = tcase(s, "uts");
	add_root_test(tc, hostname_set_inside_stays_inside);
	add_root_test(tc, only_the_uts_namespace_is_new);
	add_root_test(tc, starts_with_the_hosts_hostname);
	return run_suite(s);
}
