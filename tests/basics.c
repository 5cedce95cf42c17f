/* See basics.h. */
#include "basics.h"

#include <stdarg.h>
#include <string.h>

struct result md_run(const char *in, ...)
{
	char *argv[64] = { md_bin, "run" };
	int n = 2;
	va_list ap;

	for (int i = 0; run_words[i] && n < 32; i++)
		argv[n++] = (char *)run_words[i];
	va_start(ap, in);
	while (n < 63 && (argv[n] = va_arg(ap, char *)))
		n++;
	va_end(ap);
	argv[n] = NULL;
	return run_argv(in, 60, argv);
}

START_TEST(exit_status_zero)
{
	struct result r = md_run(NULL, "true", NULL);
	ck_status(r, 0);
}
END_TEST

START_TEST(exit_status_passes_through)
{
	struct result r = md_run(NULL, "sh", "-c", "exit 3", NULL);
	ck_status(r, 3);
}
END_TEST

START_TEST(command_not_found_is_127)
{
	struct result r = md_run(NULL, "no-such-command-x", NULL);
	ck_status(r, 127);
	ck_contains(r.err, "minidocker: no-such-command-x: command not found");
}
END_TEST

START_TEST(not_executable_is_126)
{
	struct result r = md_run(NULL, "/etc/passwd", NULL);
	ck_status(r, 126);
	ck_contains(r.err, "minidocker: cannot run /etc/passwd: Permission denied");
}
END_TEST

START_TEST(killed_by_signal_is_128_plus_n)
{
	struct result r = md_run(NULL, "sh", "-c", "kill -TERM $$", NULL);
	ck_status(r, 143);
}
END_TEST

START_TEST(arguments_pass_untouched)
{
	struct result r = md_run(NULL, "printf", "[%s]", "a b", "--flag", "-x", "it's \"q\"", "", NULL);
	ck_status(r, 0);
	ck_assert_str_eq(r.out, "[a b][--flag][-x][it's \"q\"][]");
}
END_TEST

START_TEST(stdin_reaches_the_command)
{
	struct result r = md_run("hello\nworld\n", "cat", NULL);
	ck_status(r, 0);
	ck_assert_str_eq(r.out, "hello\nworld\n");
}
END_TEST

START_TEST(stdout_and_stderr_stay_apart)
{
	struct result r = md_run(NULL, "sh", "-c", "echo out; echo err >&2", NULL);
	ck_status(r, 0);
	ck_assert_str_eq(r.out, "out\n");
	ck_assert_str_eq(r.err, "err\n");
}
END_TEST

START_TEST(sigterm_reaches_the_command)
{
	/* minidocker forwards SIGTERM; the shell's trap turns it into exit 7. */
	char words[256] = "";
	for (int i = 0; run_words[i]; i++)
		snprintf(words + strlen(words), sizeof words - strlen(words), "%s ", run_words[i]);
	struct result r = sh("\"$MD\" run %s sh -c 'trap \"exit 7\" TERM; echo ready; "
			     "sleep 30 & wait' > \"$MINIDOCKER_ROOT/ready\" & pid=$!; "
			     "i=0; until grep -q ready \"$MINIDOCKER_ROOT/ready\" || [ $i -ge 100 ]; "
			     "do sleep 0.05; i=$((i+1)); done; "
			     "kill -TERM $pid; wait $pid; echo $?", words);
	ck_assert_str_eq(r.out, "7\n");
}
END_TEST

START_TEST(trace_shows_argv_and_pid)
{
	struct result r = sh("MINIDOCKER_DEBUG=1 \"$MD\" help");
	ck_status(r, 0);
	char want[64];
	snprintf(want, sizeof want, "Process => [%s help] [", md_bin);
	ck_contains(r.err, want);
}
END_TEST

START_TEST(trace_is_off_by_default)
{
	struct result r = md_run(NULL, "true", NULL);
	ck_status(r, 0);
	ck_assert_str_eq(r.err, "");
}
END_TEST

START_TEST(no_arguments_is_a_usage_error)
{
	struct result r = md(NULL, NULL);
	ck_status(r, 125);
	ck_contains(r.err, "Usage:");
	ck_assert_str_eq(r.out, "");
}
END_TEST

START_TEST(run_alone_is_a_usage_error)
{
	struct result r = md(NULL, "run", NULL);
	ck_status(r, 125);
	ck_contains(r.err, "Usage:");
}
END_TEST

START_TEST(unknown_command_is_a_usage_error)
{
	struct result r = md(NULL, "frobnicate", NULL);
	ck_status(r, 125);
	ck_contains(r.err, "unknown command 'frobnicate'");
	ck_contains(r.err, "Usage:");
}
END_TEST

START_TEST(unknown_flag_is_a_usage_error)
{
	struct result r = md(NULL, "run", "--bogus", "true", NULL);
	ck_status(r, 125);
	ck_contains(r.err, "unknown flag '--bogus'");
}
END_TEST

START_TEST(help_goes_to_stdout)
{
	struct result r = md(NULL, "--help", NULL);
	ck_status(r, 0);
	ck_contains(r.out, "Usage:");
}
END_TEST

void add_basic_tests(Suite *s, int root)
{
	TCase *tc = tcase(s, "basics");

	/* Usage errors never reach the kernel: they need no root. */
	tcase_add_test(tc, no_arguments_is_a_usage_error);
	tcase_add_test(tc, run_alone_is_a_usage_error);
	tcase_add_test(tc, unknown_command_is_a_usage_error);
	tcase_add_test(tc, unknown_flag_is_a_usage_error);
	tcase_add_test(tc, help_goes_to_stdout);
	tcase_add_test(tc, trace_shows_argv_and_pid);
	/* Everything else runs the stage, which may need root. */
#define ADD(fn) do { if (!root || need_root(#fn)) tcase_add_test(tc, fn); } while (0)
	ADD(exit_status_zero);
	ADD(exit_status_passes_through);
	ADD(command_not_found_is_127);
	ADD(not_executable_is_126);
	ADD(killed_by_signal_is_128_plus_n);
	ADD(arguments_pass_untouched);
	ADD(stdin_reaches_the_command);
	ADD(stdout_and_stderr_stay_apart);
	ADD(sigterm_reaches_the_command);
	ADD(trace_is_off_by_default);
#undef ADD
}
