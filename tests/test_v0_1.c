/* v0.1: run a program.  fork, exec, wait; nothing isolated yet. */
#include "basics.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

const char *run_words[] = { NULL };

START_TEST(nothing_is_isolated_yet)
{
	/* The command shares every namespace with the host: that is what
	 * v0.2 onwards change. */
	struct result in = md_run(NULL, probe_bin, "ns", NULL);
	struct result out = sh("\"$PROBE\" ns");
	ck_status(in, 0);
	ck_assert_str_eq(in.out, out.out);
}
END_TEST

START_TEST(command_is_a_child_of_minidocker)
{
	/* $PPID of the shell is minidocker's PID, which the trace reports. */
	struct result r = sh("MINIDOCKER_DEBUG=1 \"$MD\" run sh -c 'echo \"$PPID\"' 2>&1");
	ck_status(r, 0);
	/* Two lines: the trace, then what the command printed. */
	const char *second = strchr(r.out, '\n');
	ck_assert_ptr_nonnull(second);
	int ppid = atoi(second + 1);
	char want[64];
	snprintf(want, sizeof want, "] [%d]", ppid);
	ck_contains(r.out, want);
}
END_TEST

int main(void)
{
	stage = "v0.1";
	Suite *s = suite_create(stage);
	add_basic_tests(s, 0, 0);
	add_bad_input_tests(s);
	add_exec_hygiene_tests(s, 0);
	TCase *tc = tcase(s, "run");
	tcase_add_test(tc, nothing_is_isolated_yet);
	tcase_add_test(tc, command_is_a_child_of_minidocker);
	return run_suite(s);
}
