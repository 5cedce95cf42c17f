/* See basics.h. */
#include "basics.h"

#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

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

const char *run_line(void)
{
	static char line[512];

	snprintf(line, sizeof line, "\"$MD\" run ");
	for (int i = 0; run_words[i]; i++)
		snprintf(line + strlen(line), sizeof line - strlen(line), "%s ", run_words[i]);
	return line;
}

void nobody_root(void)
{
	struct result r = sh("mkdir \"$MINIDOCKER_ROOT/nobody\" && cp -a \"$MINIDOCKER_ROOT/images\" "
			     "\"$MINIDOCKER_ROOT/nobody/\" && cp \"$MD\" \"$MINIDOCKER_ROOT/nobody/minidocker\" && "
			     "chown -R 65534:65534 \"$MINIDOCKER_ROOT/nobody\"");
	ck_status(r, 0);
}

void wait_for_handler(const char *container, int sig)
{
	for (struct deadline d = deadline(10); keep_polling(&d);) {
		/* SigCgt in /proc/PID/status: the signals it has handlers for. */
		struct result r = md(NULL, "exec", container, "sh", "-c",
				     "sed -n 's/^SigCgt:[[:space:]]*//p' /proc/1/status", NULL);
		unsigned long long caught = strtoull(r.out, NULL, 16);
		free_result(&r);
		if (caught & (1ULL << (sig - 1)))
			return;
	}
	ck_abort_msg("PID 1 of %s never handled signal %d", container, sig);
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

START_TEST(killed_from_the_host_is_137)
{
	/* SIGKILL from the host ends the command wherever it is, PID 1 of a
	 * namespace included; the status says which signal it was.  The
	 * command is found among the processes of the run this test started. */
	int pid = start_bg("%s sleep 983", run_line());
	int command = wait_command(pid, "sleep 983", 10);
	ck_assert_msg(command > 0, "no 'sleep 983' under the run (PID %d)", pid);
	ck_assert_int_eq(kill(command, SIGKILL), 0);
	ck_assert_int_eq(wait_exit(pid, 10), 137);
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
	int pid = start_bg("%s sh -c 'trap \"exit 7\" TERM; while :; do sleep 0.1; done'", run_line());
	ck_assert_msg(wait_caught(pid, "sh -c trap \"exit 7\" TERM; while :; do sleep 0.1; done", SIGTERM, 10),
		      "the command never set its trap");
	ck_assert_int_eq(kill(pid, SIGTERM), 0);
	ck_assert_int_eq(wait_exit(pid, 10), 7);
}
END_TEST

START_TEST(trace_shows_argv_and_pid)
{
	struct result r = sh("MINIDOCKER_DEBUG=1 \"$MD\" help");
	ck_status(r, 0);
	char want[4200];
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

START_TEST(ctrl_c_at_the_terminal_reaches_the_command)
{
	/* Ctrl-C makes the terminal send SIGINT to its foreground group. */
	struct pty p;
	char script[600];
	snprintf(script, sizeof script, "exec %s sh -c 'trap \"echo got-int; exit 3\" INT; echo ready; "
		 "while :; do sleep 0.1; done'", run_line());
	pty_start(&p, 24, 80, script);
	ck_assert_msg(pty_expect(&p, "ready", 10), "%s", p.out);
	pty_send(&p, "\x03");
	ck_assert_int_eq(pty_finish(&p, 10), 3);
	ck_contains(p.out, "got-int");
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

void add_basic_tests(Suite *s, int root, int pid1)
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
	ADD(killed_from_the_host_is_137);
	/* A namespace's PID 1 ignores signals it has no handler for, even
	 * from itself: from v0.5 on, `kill -TERM $$` does nothing. */
	if (!pid1)
		ADD(killed_by_signal_is_128_plus_n);
	ADD(arguments_pass_untouched);
	ADD(stdin_reaches_the_command);
	ADD(stdout_and_stderr_stay_apart);
	ADD(sigterm_reaches_the_command);
	ADD(trace_is_off_by_default);
	ADD(ctrl_c_at_the_terminal_reaches_the_command);
#undef ADD
}

START_TEST(host_mountinfo_unchanged)
{
	own_mount_ns(0);
	char *before = read_file("/proc/self/mountinfo");
	struct result r = md_run(NULL, "sh", "-c", "mount -t tmpfs none /tmp && ls /proc >/tmp/x", NULL);
	ck_status(r, 0);
	char *after = read_file("/proc/self/mountinfo");
	ck_assert_str_eq(after, before);
}
END_TEST

/* Every systemd host has / shared: simulate one in a mount namespace of
 * the test's own, where / is made shared again, and compare its mountinfo
 * before, during and after a run.  Without MS_PRIVATE in the container,
 * its /proc would show up here, and stay after it exits. */
START_TEST(shared_host_mountinfo_unchanged)
{
	own_mount_ns(1);
	char *before = read_file("/proc/self/mountinfo");
	ck_contains(before, " shared:");
	/* Once the command runs, the container's /proc is mounted. */
	int pid = start_bg("%s sleep 2", run_line());
	ck_assert_msg(wait_command(pid, "sleep 2", 10) > 0, "no 'sleep 2' under the run");
	ck_assert_str_eq(read_file("/proc/self/mountinfo"), before);
	ck_assert_int_eq(wait_exit(pid, 10), 0);
	ck_assert_str_eq(read_file("/proc/self/mountinfo"), before);
	char *stat = read_file("/proc/self/stat");
	ck_assert_int_eq(atoi(stat), getpid());
}
END_TEST

START_TEST(host_proc_works_after_a_killed_run)
{
	/* SIGKILL leaves no chance to clean up: nothing may need cleaning. */
	own_mount_ns(1);
	char *before = read_file("/proc/self/mountinfo");
	int pid = start_bg("%s sleep 986", run_line());
	ck_assert_msg(wait_command(pid, "sleep 986", 10) > 0, "no 'sleep 986' under the run");
	struct procs started = proc_tree(pid, NULL);
	ck_assert_int_eq(kill(pid, SIGKILL), 0);
	ck_assert_int_eq(wait_exit(pid, 10), 137);
	ck_assert_str_eq(read_file("/proc/self/mountinfo"), before);
	/* The host's /proc is still ours: /proc/self is this process. */
	char *stat = read_file("/proc/self/stat");
	ck_assert_int_eq(atoi(stat), getpid());
	ck_assert_int_eq(wait_ended(&started, 5), 0);
}
END_TEST

START_TEST(kill_0_stays_in_the_container)
{
	/* kill(0, sig) signals the caller's process group.  Were the
	 * container in minidocker's, that would include the shell that ran
	 * it, whatever the PID namespace. */
	struct result r = sh("trap 'echo host-got-usr1' USR1; %s sh -c 'trap \"\" USR1; kill -USR1 0; "
			     "echo sent'; echo done", run_line());
	ck_assert_str_eq(r.out, "sent\ndone\n");
}
END_TEST

void add_session_tests(Suite *s)
{
	TCase *tc = tcase(s, "session");

	add_root_test(tc, kill_0_stays_in_the_container);
}

void add_mount_tests(Suite *s)
{
	TCase *tc = tcase(s, "mounts");

	add_root_test(tc, host_mountinfo_unchanged);
	add_root_test(tc, shared_host_mountinfo_unchanged);
	add_root_test(tc, host_proc_works_after_a_killed_run);
}

START_TEST(command_is_pid_1)
{
	struct result r = md_run(NULL, "sh", "-c", "echo $$ $PPID", NULL);
	ck_status(r, 0);
	ck_assert_str_eq(r.out, "1 0\n");
}
END_TEST

START_TEST(root_is_the_image)
{
	char path[8300];
	snprintf(path, sizeof path, "%s/from-the-image", image_dir());
	FILE *f = fopen(path, "w");
	ck_assert_ptr_nonnull(f);
	fclose(f);
	/* The image's marker is there; the folder this test runs from is not. */
	struct result r = sh("%s sh -c 'ls /from-the-image; test -e \"%s\" || echo no-host'",
			     run_line(), TOP);
	ck_status(r, 0);
	ck_assert_str_eq(r.out, "/from-the-image\nno-host\n");
}
END_TEST

START_TEST(command_is_looked_up_in_the_image)
{
	/* The host has gcc (the tests were built with it); the image has not. */
	struct result r = md_run(NULL, "gcc", "--version", NULL);
	ck_status(r, 127);
	ck_contains(r.err, "minidocker: gcc: command not found");
}
END_TEST

START_TEST(missing_image_is_125_and_names_make_image)
{
	struct result r = sh("rm -rf \"$MINIDOCKER_ROOT/images\"; %s true", run_line());
	ck_status(r, 125);
	ck_contains(r.err, "minidocker: image 'base' not found");
	ck_contains(r.err, "make image");
}
END_TEST

START_TEST(pid_1_ignores_its_own_sigterm)
{
	struct result r = md_run(NULL, "sh", "-c", "kill -TERM $$; echo alive", NULL);
	ck_status(r, 0);
	ck_assert_str_eq(r.out, "alive\n");
}
END_TEST

START_TEST(hostname_is_container)
{
	struct result r = md_run(NULL, "hostname", NULL);
	ck_status(r, 0);
	ck_assert_str_eq(r.out, "container\n");
}
END_TEST

START_TEST(proc_lists_only_the_command)
{
	struct result r = md_run(NULL, "ls", "/proc", NULL);
	ck_status(r, 0);
	/* PID 1 (ls itself) is the only process directory. */
	ck_assert_msg(strstr(r.out, "1\n") == r.out || strstr(r.out, "\n1\n"), "%s", r.out);
	for (const char *p = r.out; *p; p = strchr(p, '\n') + 1) {
		ck_assert_msg(!(p[0] >= '2' && p[0] <= '9') && !(p[0] == '1' && p[1] != '\n'),
			      "another process in /proc:\n%s", r.out);
	}
}
END_TEST

START_TEST(pid_1_ignores_sigterm_without_a_handler)
{
	/* sleep has no SIGTERM handler; as PID 1 the kernel drops the signal.
	 * SIGKILL to minidocker still ends it (PR_SET_PDEATHSIG). */
	int pid = start_bg("%s sleep 985", run_line());
	ck_assert_int_eq(wait_tree(pid, "sleep 985", 2, 5), 2);	/* run, and sleep as init */
	struct procs started = proc_tree(pid, NULL);
	ck_assert_int_eq(kill(pid, SIGTERM), 0);
	/* Not a wait for something: the time it had to (wrongly) end. */
	usleep(500000);
	ck_assert_int_eq(proc_tree(pid, "sleep 985").n, 2);
	ck_assert_int_eq(kill(pid, SIGKILL), 0);
	ck_assert_int_eq(wait_ended(&started, 5), 0);
}
END_TEST

START_TEST(init_is_internal)
{
	struct result r = md(NULL, "init", "/", "true", NULL);
	ck_status(r, 125);
	ck_contains(r.err, "init is internal");
}
END_TEST

void add_image_tests(Suite *s)
{
	TCase *tc = tcase(s, "image");

	add_root_test(tc, command_is_pid_1);
	add_root_test(tc, root_is_the_image);
	add_root_test(tc, command_is_looked_up_in_the_image);
	add_root_test(tc, missing_image_is_125_and_names_make_image);
	add_root_test(tc, pid_1_ignores_its_own_sigterm);
	add_root_test(tc, hostname_is_container);
	add_root_test(tc, proc_lists_only_the_command);
	add_root_test(tc, pid_1_ignores_sigterm_without_a_handler);
	add_root_test(tc, init_is_internal);
}
