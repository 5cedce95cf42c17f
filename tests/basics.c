/* See basics.h. */
#include "basics.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
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
	/* sudo drops MINIDOCKER_ROOT: the hint names it, or `sudo make
	 * image` would build the image somewhere else. */
	char want[4200];
	snprintf(want, sizeof want, "hint: build the image 'base' with `sudo make image MINIDOCKER_ROOT=%s`\n",
		 getenv("MINIDOCKER_ROOT"));
	ck_contains(r.err, want);
}
END_TEST

/* v0.2-v0.6's pre-flight: to root without CAP_SYS_ADMIN, "run it with
 * sudo" would be no help; to another user it is the way. */
START_TEST(root_without_cap_sys_admin_is_not_sent_to_sudo)
{
	struct result r = sh("setpriv --bounding-set=-sys_admin %strue", run_line());
	ck_status(r, 125);
	ck_contains(r.err, "needs CAP_SYS_ADMIN, and this process (uid 0) does not have it\n");
	ck_contains(r.err, "hint: root lacks it here: its capabilities were dropped");
	ck_assert_msg(!strstr(r.err, "sudo"), "root told to use sudo: %s", r.err);
}
END_TEST

START_TEST(nobody_without_cap_sys_admin_is_sent_to_sudo)
{
	struct result r = sh("setpriv --reuid=65534 --regid=65534 --clear-groups %strue", run_line());
	ck_status(r, 125);
	ck_contains(r.err, "needs CAP_SYS_ADMIN, and this process (uid 65534) does not have it\n");
	ck_contains(r.err, "hint: run it as root, with sudo");
}
END_TEST

void add_preflight_tests(Suite *s, int as_nobody)
{
	TCase *tc = tcase(s, "pre-flight");

	add_root_test(tc, root_without_cap_sys_admin_is_not_sent_to_sudo);
	if (as_nobody)
		add_root_test(tc, nobody_without_cap_sys_admin_is_sent_to_sudo);
}

/* v0.7-v1.1 (v1.2 cannot run there): user.max_user_namespaces is per
 * user namespace: set to 0 in one of our own, the kernel refuses as a
 * locked-down host would.  We are root there: the hint gives the sysctl,
 * and no sudo, which changes nothing. */
START_TEST(without_user_namespaces_it_says_why)
{
	struct result r = sh("unshare --user --map-root-user sh -c "
			     "'echo 0 > /proc/sys/user/max_user_namespaces && %strue'", run_line());
	ck_status(r, 125);
	ck_contains(r.err, ": No space left on device\n");
	ck_contains(r.err, "hint: user namespaces are disabled here (user.max_user_namespaces = 0): "
		    "sudo sysctl -w user.max_user_namespaces=15000\n");
	ck_assert_msg(!strstr(r.err, "with sudo"), "root told to use sudo: %s", r.err);
}
END_TEST

/* A chrooted caller may not create a user namespace (clone(2), EPERM): a
 * chroot to / bound elsewhere, in a mount namespace of the test's own, is
 * such a host.  To root, the hint names the causes, not sudo. */
START_TEST(root_refused_a_user_namespace_is_not_sent_to_sudo)
{
	struct result r = sh("mkdir \"$MINIDOCKER_ROOT/chroot\" && unshare --mount --propagation private "
			     "sh -c 'mount --rbind / \"$MINIDOCKER_ROOT/chroot\" && "
			     "exec chroot \"$MINIDOCKER_ROOT/chroot\" sh -c \"cd $PWD && exec %strue\"'",
			     run_line());
	ck_status(r, 125);
	ck_contains(r.err, ": Operation not permitted\n");
	ck_contains(r.err, "hint: this host does not let root create user namespaces (a seccomp filter, a chroot");
	ck_assert_msg(!strstr(r.err, "sudo"), "root told to use sudo: %s", r.err);
}
END_TEST

void add_userns_hint_tests(Suite *s, int in_a_user_namespace)
{
	TCase *tc = tcase(s, "userns-hint");

	if (in_a_user_namespace)
		add_root_test(tc, without_user_namespaces_it_says_why);
	add_root_test(tc, root_refused_a_user_namespace_is_not_sent_to_sudo);
}

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
	/* The command itself, as init: not `run` and the child that copies
	 * its image (v0.9, v1.0), whose command lines hold "sleep 985" too,
	 * and where SIGTERM rightly ends the copy and the run. */
	ck_assert_int_gt(wait_command(pid, "sleep 985", 10), 0);
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

/* Issue 11, items 2 and 6: what crosses from the caller into the command.
 * The caller holds fds 7 (from this test process, as any program that
 * runs minidocker might), 8 and 9 (from its shell): only 0, 1 and 2 may
 * reach the command, or it could reach the host through them
 * (CVE-2024-21626). */
START_TEST(only_fds_0_1_2_reach_the_command)
{
	int fd = open("/", O_RDONLY | O_DIRECTORY);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(dup2(fd, 7), 7);	/* without O_CLOEXEC */
	struct result r = sh("exec 8</ 9>>\"$MINIDOCKER_ROOT/held\"; %s%s fds", run_line(),
			     with_image ? "probe" : "\"$PROBE\"");
	close(7);
	close(fd);
	ck_status(r, 0);
	int n = 0;
	for (const char *l = r.out; *l; l = strchr(l, '\n') ? strchr(l, '\n') + 1 : l + strlen(l), n++)
		ck_assert_msg(l[0] >= '0' && l[0] <= '2' && l[1] == ' ', "an fd other than 0-2:\n%s", r.out);
	ck_assert_msg(n == 3, "want fds 0, 1 and 2:\n%s", r.out);
}
END_TEST

/* A caller that ignored SIGINT, SIGQUIT and SIGPIPE (a shell's `trap ''`,
 * a job started with &) and blocked others must not pass that on: the
 * command starts with every signal at its default and none blocked.  The
 * test process is that caller here (a shell would reset the mask). */
START_TEST(signals_start_at_their_defaults)
{
	sigset_t block;
	sigemptyset(&block);
	sigaddset(&block, SIGWINCH);
	sigaddset(&block, SIGURG);
	sigprocmask(SIG_BLOCK, &block, NULL);
	signal(SIGINT, SIG_IGN);
	signal(SIGQUIT, SIG_IGN);
	signal(SIGPIPE, SIG_IGN);
	/* 32 and 33 too, which glibc's sigaction refuses to touch (all zeros
	 * but the handler: SIG_IGN, no flags, empty mask). */
	unsigned long ign[8] = { (unsigned long)SIG_IGN };
	for (int sig = 32; sig <= 33; sig++)
		ck_assert_int_eq(syscall(SYS_rt_sigaction, sig, ign, NULL, NSIG / 8), 0);
	/* This test's process ends with the test (CK_FORK): nothing to undo. */
	struct result r = md_run(NULL, "grep", "-E", "^Sig(Blk|Ign):", "/proc/self/status", NULL);
	ck_status(r, 0);
	ck_assert_str_eq(r.out, "SigBlk:\t0000000000000000\nSigIgn:\t0000000000000000\n");
}
END_TEST

/* With SIGPIPE ignored, `yes` never learns that `head` has gone: it gets
 * EPIPE, and busybox's yes keeps writing forever.  At its default, SIGPIPE
 * ends it: 128 + 13. */
START_TEST(yes_piped_to_head_ends)
{
	char *script;
	ck_assert_int_ge(asprintf(&script, "trap '' PIPE; %ssh -c '{ yes; echo \"yes=$?\" >&2; } | head -n 1'",
				  run_line()), 0);
	char *argv[] = { "/bin/sh", "-c", script, NULL };
	struct result r = run_argv(NULL, 20, argv);
	free(script);
	ck_status(r, 0);
	ck_assert_str_eq(r.out, "y\n");
	ck_assert_str_eq(r.err, "yes=141\n");
}
END_TEST

void add_exec_hygiene_tests(Suite *s, int root)
{
	TCase *tc = tcase(s, "exec hygiene");

#define ADD(fn) do { if (!root || need_root(#fn)) tcase_add_test(tc, fn); } while (0)
	ADD(only_fds_0_1_2_reach_the_command);
	ADD(signals_start_at_their_defaults);
	ADD(yes_piped_to_head_ends);
#undef ADD
}

/* The first line of /proc/PID/task/PID/children: PID's first child, or 0. */
static int first_child(int pid)
{
	char path[64];
	snprintf(path, sizeof path, "/proc/%d/task/%d/children", pid, pid);
	char *s = read_file(path);
	int child = s ? atoi(s) : 0;
	free(s);
	return child;
}

/* The second word of PID's command line into WORD (read_file stops at the
 * first NUL); "" if there is none. */
static void second_word(int pid, char *word, size_t size)
{
	char path[64], buf[8192];
	snprintf(path, sizeof path, "/proc/%d/cmdline", pid);
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n = fd < 0 ? -1 : read(fd, buf, sizeof buf - 1);
	if (fd >= 0)
		close(fd);
	buf[n > 0 ? n : 0] = '\0';
	size_t first = strlen(buf);
	snprintf(word, size, "%s", (ssize_t)first + 1 < n ? buf + first + 1 : "");
}

/* Issue 11, item 3 (CVE-2019-5736): the process that minidocker re-executes
 * into the container (`child` in v0.3-v0.4, `init` from v0.5) runs from a
 * sealed copy in memory, not from the host's binary, which a process in
 * the container could otherwise reopen through /proc/PID/exe.
 *
 * It is minidocker only until it execs the command, so the test holds it
 * there: its debug trace goes to a pipe of one page that run's own trace
 * has filled, and the write blocks.  The process is found by the PID this
 * test started (its child), never by a scan of the host. */
START_TEST(reexec_runs_from_a_sealed_memfd)
{
	int p[2];
	char pad[2300], *argv[64] = { md_bin, "run" };
	int n = 2;

	memset(pad, 'x', sizeof pad - 1);
	pad[sizeof pad - 1] = '\0';
	for (int i = 0; run_words[i] && n < 32; i++)
		argv[n++] = (char *)run_words[i];
	argv[n++] = "true";
	argv[n++] = pad;	/* two traces of over 2 KiB: one page holds one */
	argv[n] = NULL;
	ck_assert_int_eq(pipe2(p, O_CLOEXEC), 0);
	ck_assert_int_eq(fcntl(p[1], F_SETPIPE_SZ, 4096), 4096);
	pid_t pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		int null = open("/dev/null", O_RDWR);
		dup2(null, 0);
		dup2(null, 1);
		dup2(p[1], 2);
		setenv("MINIDOCKER_DEBUG", "1", 1);
		execv(md_bin, argv);
		_exit(127);
	}
	close(p[1]);
	/* Wait until the re-executed process has replaced `run`'s argv
	 * with its own: `child ...` or `init ...`. */
	char path[64], exe[4096] = "", word[64] = "";
	int child = 0;
	for (int i = 0; i < 400; i++, usleep(25000)) {
		if (!child && !(child = first_child(pid)))
			continue;
		second_word(child, word, sizeof word);
		if (word[0] && strcmp(word, "run"))
			break;
	}
	ck_assert_msg(!strcmp(word, "child") || !strcmp(word, "init"),
		      "no re-executed process under %d: '%s'", (int)pid, word);
	snprintf(path, sizeof path, "/proc/%d/exe", child);
	ck_assert_int_gt(readlink(path, exe, sizeof exe - 1), 0);
	int fd = open(path, O_RDONLY | O_CLOEXEC);	/* read-only: we write nothing */
	ck_assert_int_ge(fd, 0);
	int seals = fcntl(fd, F_GET_SEALS);
	close(fd);
	/* Let it go on: read everything it writes, then reap it. */
	char buf[4096];
	while (read(p[0], buf, sizeof buf) > 0)
		;
	close(p[0]);
	int ws;
	ck_assert_int_eq(waitpid(pid, &ws, 0), pid);
	ck_assert_msg(!strncmp(exe, "/memfd:minidocker", 17), "%s runs from %s", word, exe);
	ck_assert_msg(seals >= 0 && (seals & F_SEAL_WRITE) && (seals & F_SEAL_SEAL), "seals %d", seals);
	ck_assert_msg(WIFEXITED(ws) && WEXITSTATUS(ws) == 0, "run ended with %d", ws);
}
END_TEST

START_TEST(the_child_runs_from_a_sealed_copy)
{
	/* Where CVE-2019-5736 starts: the command opens the exe of its
	 * parent, minidocker's `child`.  It finds a sealed copy in memory,
	 * not the host's binary, which it could reopen for writing once the
	 * child had gone.  (The probe opens it read-only.) */
	struct result r = md_run(NULL, "sh", "-c", "read pid comm state ppid rest < /proc/self/stat; "
				 "exec \"$0\" exe /proc/$ppid/exe", probe_bin, NULL);
	ck_status(r, 0);
	ck_contains(r.out, "exe /memfd:minidocker (deleted)\n");
	ck_contains(r.out, "seals seal shrink grow write\n");
}
END_TEST

void add_reexec_tests(Suite *s, int double_shell)
{
	TCase *tc = tcase(s, "reexec");

	add_root_test(tc, reexec_runs_from_a_sealed_memfd);
	if (double_shell)
		add_root_test(tc, the_child_runs_from_a_sealed_copy);
}

/* Bad input about the state root (from v0.5 on, where there is one). */
START_TEST(empty_minidocker_root_is_refused)
{
	/* Empty is a mistake, not a request for the system's state root. */
	struct result r = sh("MINIDOCKER_ROOT= %strue", run_line());
	ck_status(r, 125);
	ck_contains(r.err, "minidocker: MINIDOCKER_ROOT is set but empty\n");
	ck_assert_str_eq(r.out, "");
}
END_TEST

START_TEST(a_missing_state_root_is_not_created)
{
	struct result r = sh("MINIDOCKER_ROOT=\"$MINIDOCKER_ROOT/absent\" %strue; echo run=$?; "
			     "test -e \"$MINIDOCKER_ROOT/absent\" || echo absent", run_line());
	ck_assert_str_eq(r.out, "run=125\nabsent\n");
	ck_contains(r.err, "image 'base' not found");
}
END_TEST

START_TEST(a_fresh_state_root_is_private)
{
	/* A run needs the image, so the state root exists before the first
	 * run: `make image` (scripts/mkimage) makes it, 0700, as
	 * md_state_dir would.  Images keep setuid files; no other user of the
	 * host may reach them.  The run keeps it so, and its own folder. */
	struct result r = sh("R=\"$MINIDOCKER_ROOT/fresh\"; \"%s/scripts/mkimage\" \"$R\" 2>/dev/null || echo mkimage failed; "
			     "MINIDOCKER_ROOT=\"$R\" \"$MD\" run true; echo run=$?; "
			     "stat -c '%%a' \"$R\" \"$R/containers\"", TOP);
	ck_assert_str_eq(r.out, "run=0\n700\n700\n");
}
END_TEST

void add_state_root_tests(Suite *s, int containers)
{
	TCase *tc = tcase(s, "state root");

	tcase_add_test(tc, empty_minidocker_root_is_refused);
	add_root_test(tc, a_missing_state_root_is_not_created);
	if (containers)
		add_root_test(tc, a_fresh_state_root_is_private);
}

void make_deep_tree(const char *dir, int levels)
{
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	ck_assert_msg(fd >= 0, "open %s: %s", dir, strerror(errno));
	for (int i = 0; i < levels; i++) {
		ck_assert_int_eq(mkdirat(fd, "d", 0755), 0);
		int sub = openat(fd, "d", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		ck_assert_int_ge(sub, 0);
		close(fd);
		fd = sub;
	}
	/* A file at the bottom, so that the copy has contents to carry. */
	int f = openat(fd, "bottom", O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
	ck_assert_int_ge(f, 0);
	ck_assert_int_eq(write(f, "deep\n", 5), 5);
	close(f);
	close(fd);
}

/* Issue 20: the tree copy held two fds per level, so a deep image failed
 * to copy where RLIMIT_NOFILE is low (1,024 in a VM's init, 32 here):
 * "open: Too many open files".  It holds a few now, at any depth; from
 * v0.9 on (rm exists) the removal runs under the limit too. */
START_TEST(a_deep_image_copies_with_32_fds)
{
	char deep[8400];
	snprintf(deep, sizeof deep, "%s/deep", image_dir());
	ck_assert_int_eq(mkdir(deep, 0755), 0);
	make_deep_tree(deep, 200);
	struct result r = sh("ulimit -n 32 && %s probe depth /deep", run_line());
	ck_status(r, 0);
	ck_assert_str_eq(r.out, "200\n");
	if (strcmp(stage, "v0.9") >= 0) {
		r = sh("ulimit -n 32 && \"$MD\" rm $(\"$MD\" ps -aq) >/dev/null && ls -A \"$MINIDOCKER_ROOT/containers\"");
		ck_status(r, 0);
		ck_assert_str_eq(r.out, "");
	}
}
END_TEST

void add_deep_copy_test(TCase *tc)
{
	add_root_test(tc, a_deep_image_copies_with_32_fds);
}

void remove_state_root_deeply(void)
{
	/* rm walks with directory fds: any depth (nftw stops at PATH_MAX). */
	char *argv[] = { "rm", "-rf", "--one-file-system", (char *)state_root(), NULL };
	struct result r = run_argv(NULL, 60, argv);
	free_result(&r);
}

/* Bad input: exit 125 with a clear message, as any usage error. */
START_TEST(help_with_an_argument_is_a_usage_error)
{
	struct result r = md(NULL, "help", "extra", NULL);
	ck_status(r, 125);
	ck_contains(r.err, "minidocker: help takes no arguments\n");
	ck_contains(r.err, "Usage:");
	ck_assert_str_eq(r.out, "");
}
END_TEST

START_TEST(run_with_only_dash_dash_is_a_usage_error)
{
	struct result r = md(NULL, "run", "--", NULL);
	ck_status(r, 125);
	ck_contains(r.err, "minidocker: run: no command given\n");
	ck_assert_str_eq(r.out, "");
}
END_TEST

void add_bad_input_tests(Suite *s)
{
	TCase *tc = tcase(s, "bad input");

	tcase_add_test(tc, help_with_an_argument_is_a_usage_error);
	tcase_add_test(tc, run_with_only_dash_dash_is_a_usage_error);
}

/* ---- The container lifecycle under attack and under SIGKILL (issue 11):
 * v0.9 on.  Every process a test signals is one it started, or one named
 * in a state file of its own state root. */

/* FIELD of container ID's state file ("pid"), or "" if there is none. */
static char *state_field(const char *id, const char *field)
{
	static char value[256];
	char path[8300], *text;

	value[0] = '\0';
	snprintf(path, sizeof path, "%s/containers/%s/state", state_root(), id);
	if (!(text = read_file(path)))
		return value;
	size_t len = strlen(field);
	for (char *line = text; line && *line; line = strchr(line, '\n') ? strchr(line, '\n') + 1 : NULL)
		if (!strncmp(line, field, len) && line[len] == '=') {
			snprintf(value, sizeof value, "%.*s", (int)strcspn(line + len + 1, "\n"), line + len + 1);
			break;
		}
	free(text);
	return value;
}

/* `run -d ARGS...`'s id, which the test asserts it printed. */
static char *run_d(const char *args)
{
	struct result r = sh("\"$MD\" run -d %s", args);
	ck_status(r, 0);
	r.out[strcspn(r.out, "\n")] = '\0';
	ck_assert_msg(strlen(r.out) == 64, "no id: %s", r.out);
	return r.out;
}

/* Wait until `ps -a` shows NAME with a STATUS starting with WANT. */
static void wait_ps(const char *name, const char *want)
{
	struct result r = { 0 };
	for (struct deadline d = deadline(15); keep_polling(&d);) {
		if (r.out)
			free_result(&r);
		r = sh("\"$MD\" ps -a | grep ' %s$'", name);
		if (strstr(r.out, want))
			return;
	}
	ck_abort_msg("%s never showed '%s': %s", name, want, r.out);
}

/* The lines of `probe fds` (or ls -l /proc/self/fd) naming an fd from 3
 * up: none may cross into a container. */
static void only_stdio(const char *out)
{
	for (const char *p = out; p && *p; p = strchr(p, '\n') ? strchr(p, '\n') + 1 : NULL) {
		while (*p == '\r')
			p++;
		ck_assert_msg(!(p[0] >= '0' && p[0] <= '9') || atoi(p) <= 2, "an fd crossed:\n%s", out);
	}
}

START_TEST(exec_right_after_run_d_is_inside)
{
	/* The state said "running" before the init had entered its root: an
	 * exec then joined a mount namespace still the host's, as root.  So
	 * exec as early as it can: again and again while `run -d` is still
	 * starting the container, until the first one gets in.  That one too
	 * must see the container's / and /proc.  100 times, by four workers
	 * at once to keep it short (each line in one write). */
	char *script;
	ck_assert_int_ge(asprintf(&script, "work() { i=0; while [ $i -lt 25 ]; do n=r$1-$i; "
			     "\"$MD\" run -d --name $n base sleep 30 >/dev/null & k=0; "
			     "until out=$(\"$MD\" exec $n sh -c 'test -e %s && echo HOST-ROOT; "
			     "echo \"$(tr \"\\0\" \" \" < /proc/1/cmdline)\"' 2>/dev/null) || [ $k -ge 2000 ]; "
			     "do k=$((k+1)); done; echo \"$out\"; wait; "
			     "\"$MD\" rm -f $n >/dev/null & i=$((i+1)); done; wait; }; "
			     "work 1 & work 2 & work 3 & work 4 & wait", host_marker()), 0);
	char *argv[] = { "/bin/sh", "-c", script, NULL };
	struct result r = run_argv(NULL, 200, argv);
	int good = 0;
	for (char *p = r.out; (p = strstr(p, "sleep 30 \n")); p++)
		good++;
	ck_assert_msg(good == 100 && !strstr(r.out, "HOST"), "%d of 100 inside:\n%s\n%s", good, r.out, r.err);
	free(script);
}
END_TEST

START_TEST(caller_fds_never_cross)
{
	/* exec 8</ in the caller: the container must not get the host's /. */
	struct result r = sh("exec 8</; \"$MD\" run --name fa base probe fds");
	ck_status(r, 0);
	ck_contains(r.out, "0 ");
	only_stdio(r.out);
	r = sh("exec 8</; \"$MD\" start -a fa");
	ck_status(r, 0);
	only_stdio(r.out);
	char *id = run_d("--name fd base sh -c 'probe fds; sleep 30'");
	wait_ps("fd", "Up");
	r = md(NULL, "logs", "fd", NULL);
	ck_contains(r.out, "0 ");
	only_stdio(r.out);
	r = sh("exec 8</; \"$MD\" exec fd probe fds");
	ck_status(r, 0);
	ck_contains(r.out, "0 ");
	only_stdio(r.out);
	/* The monitor's own: its log, pipes and /dev/null are close-on-exec,
	 * and it keeps no stray copy of /dev/null. */
	r = sh("ls -l /proc/%s/fd | awk '$9 > 2 && $11 == \"/dev/null\"'", state_field(id, "monitor"));
	ck_assert_str_eq(r.out, "");
	struct pty p;
	pty_start(&p, 24, 80, "exec 8</; \"$MD\" run -it base probe fds");
	ck_assert_int_eq(pty_finish(&p, 20), 0);
	ck_contains(p.out, "0 /dev/pts/");
	only_stdio(p.out);
	md(NULL, "rm", "-f", "fd", NULL);
}
END_TEST

START_TEST(exec_never_shows_the_runtime_binary)
{
	/* CVE-2019-5736: a process in the container opens /proc/PID/exe of
	 * every other one, as an attacker who would reopen it for writing.
	 * While exec joins the container again and again, it must never get
	 * the host's minidocker: exec is not dumpable until the command's
	 * execve, and the init runs from a sealed memfd. */
	run_d("--name watch base probe exe-watch 10");
	for (int i = 0; i < 30; i++)
		md(NULL, "exec", "watch", "true", NULL);
	wait_ps("watch", "Exited (0)");
	struct result r = md(NULL, "logs", "watch", NULL);
	ck_contains(r.out, "exe-watch: opened ");
	ck_lacks(r.out, "foreign exe");
}
END_TEST

START_TEST(signals_start_at_their_defaults_run_and_run_d)
{
	/* A caller that ignores INT, QUIT and PIPE (a shell's background
	 * job), and the monitor's own SIGPIPE, pass nothing on. */
	const char *want = "SigBlk:\t0000000000000000\nSigIgn:\t0000000000000000\n";
	struct result r = sh("trap '' INT QUIT PIPE; \"$MD\" run --name sg base grep -E '^Sig(Blk|Ign)' /proc/self/status");
	ck_assert_str_eq(r.out, want);
	r = sh("trap '' INT QUIT PIPE; \"$MD\" run -d --name sd base sh -c "
	       "'grep -E \"^Sig(Blk|Ign)\" /proc/self/status; sleep 30'");
	ck_status(r, 0);
	/* "Up" comes before the monitor has logged what grep printed. */
	r = md_until(10, "SigIgn", "logs", "sd", NULL);
	ck_assert_str_eq(r.out, want);
	r = sh("trap '' INT QUIT PIPE; \"$MD\" exec sd grep -E '^Sig(Blk|Ign)' /proc/self/status");
	ck_assert_str_eq(r.out, want);
	/* With SIGPIPE ignored, yes would spin for ever. */
	r = sh("timeout 20 \"$MD\" run --rm base sh -c 'yes | head -n 1'");
	ck_status(r, 0);
	ck_assert_str_eq(r.out, "y\n");
	run_d("--name yy base sh -c 'yes | head -n 1'");
	wait_ps("yy", "Exited (0)");
	md(NULL, "rm", "-f", "sd", NULL);
}
END_TEST

/* Is there a cgroup of container ID anywhere (v1.0 on)? */
static int has_cgroup(const char *id)
{
	struct result r = sh("find /sys/fs/cgroup -maxdepth 4 -type d -name %s 2>/dev/null", id);
	return r.out[0] != '\0';
}

START_TEST(run_d_of_a_missing_command_is_127)
{
	/* As Docker: the error and status of the exec, no id, and the
	 * container left "created" with that exit code. */
	struct result r = md(NULL, "run", "-d", "--name", "nf", "base", "no-such-command-y", NULL);
	ck_status(r, 127);
	ck_assert_str_eq(r.out, "");
	ck_contains(r.err, "no-such-command-y: command not found");
	r = md(NULL, "run", "-d", "--name", "nx", "base", "/etc/passwd", NULL);
	ck_status(r, 126);
	ck_contains(r.err, "cannot run /etc/passwd");
	r = sh("\"$MD\" ps -a | grep -c ' Created '");
	ck_assert_str_eq(r.out, "2\n");
	r = md(NULL, "start", "nf", NULL);
	ck_status(r, 127);
	r = md(NULL, "exec", "nf", "true", NULL);
	ck_status(r, 125);
	ck_contains(r.err, "not running");
	struct result ids = sh("ls \"$MINIDOCKER_ROOT/containers\"");
	r = md(NULL, "rm", "nf", "nx", NULL);
	ck_status(r, 0);
	r = sh("ls -A \"$MINIDOCKER_ROOT/containers\"");
	ck_assert_str_eq(r.out, "");
	for (char *id = ids.out; strcmp(stage, "v1.0") >= 0 && *id; id = strchr(id, '\n') + 1) {
		char one[65];
		snprintf(one, sizeof one, "%.64s", id);
		ck_assert_msg(!has_cgroup(one), "cgroup of %s left", one);
	}
}
END_TEST

START_TEST(killed_runs_leave_nothing_rm_f_cannot_remove)
{
	/* SIGKILL to run, run -d or the monitor, at random moments: then
	 * ps -a tells the truth, and rm -f removes every container and its
	 * cgroups. */
	srand(getpid());
	for (int i = 0; i < 30; i++) {
		int how = i % 3, pid;
		if (how == 0)
			pid = start_bg("\"$MD\" run base sleep 40");
		else
			pid = start_bg("\"$MD\" run -d base sleep 40");
		usleep(rand() % 300000);
		if (how == 2) {	/* the monitor, from the state file */
			struct result r = sh("cat \"$MINIDOCKER_ROOT\"/containers/*/state 2>/dev/null | "
					     "sed -n 's/^monitor=//p' | grep -v '^0$'");
			for (char *p = r.out; *p; p = strchr(p, '\n') + 1) {
				int mon = atoi(p);
				if (mon > 0)
					kill(mon, SIGKILL);
			}
		}
		kill(pid, SIGKILL);
	}
	usleep(300000);
	/* Every container whose ps status is "Up" has a live PID 1; no other
	 * has one; no time is made up. */
	struct result ls = sh("ls \"$MINIDOCKER_ROOT/containers\"");
	struct result ps = md(NULL, "ps", "-a", NULL);
	ck_status(ps, 0);
	ck_lacks(ps.out, "years ago");
	for (char *id = ls.out; *id; id = strchr(id, '\n') + 1) {
		char one[65];
		snprintf(one, sizeof one, "%.64s", id);
		int pid = atoi(state_field(one, "pid"));
		char *status = state_field(one, "status");
		int up = !strcmp(status, "running") && process_alive(pid);
		struct result row = sh("\"$MD\" ps -a | grep '^%.12s '", one);
		if (row.out[0])
			ck_assert_msg(!!strstr(row.out, " Up ") == up, "%s: pid %d\n%s", one, pid, row.out);
	}
	/* The next run sweeps the image copies (v0.9, v1.0) of killed runs. */
	struct result r = md(NULL, "run", "--rm", "base", "true", NULL);
	ck_status(r, 0);
	r = sh("cd \"$MINIDOCKER_ROOT/containers\" && for id in $(ls); do "
	       "\"$MD\" rm -f $id >/dev/null || echo \"rm -f $id failed\"; done; ls -A");
	ck_assert_msg(!strcmp(r.out, ""), "left: %s\n%s", r.out, r.err);
	if (strcmp(stage, "v1.0") >= 0)
		for (char *id = ls.out; *id; id = strchr(id, '\n') + 1) {
			char one[65];
			snprintf(one, sizeof one, "%.64s", id);
			ck_assert_msg(!has_cgroup(one), "cgroup of %s left", one);
		}
}
END_TEST

START_TEST(damaged_state_is_removed_by_rm)
{
	/* A truncated or garbage state file: rm removes the container and
	 * says so; never "success" with the folder still there. */
	char *a = strdup(run_d("--name aa base sleep 30"));
	char *b = strdup(run_d("--name bb base true"));
	wait_ps("aa", "Up");
	/* Until bb's monitor has written its exit (and aa's, that it runs),
	 * it could write the state again over the damage. */
	wait_ps("bb", "Exited (0)");
	struct result r = sh("cd \"$MINIDOCKER_ROOT/containers\" && printf 'garbage\\0\\377' > %s/state && "
			     "head -c 20 %s/state > t && mv t %s/state && mkdir %064d", a, b, b, 7);
	ck_status(r, 0);
	/* ps -a shows them, as Docker shows a container it cannot use. */
	r = sh("\"$MD\" ps -a | grep -c ' Dead '");
	ck_assert_str_eq(r.out, "3\n");
	r = md(NULL, "rm", "-f", a, b, "0000000000000000000000000000000000000000000000000000000000000007", NULL);
	ck_status(r, 0);
	ck_contains(r.err, "state was missing or damaged");
	r = sh("ls -A \"$MINIDOCKER_ROOT/containers\"");
	ck_assert_str_eq(r.out, "");
	if (strcmp(stage, "v1.0") >= 0)
		ck_assert(!has_cgroup(a));
}
END_TEST

START_TEST(rm_of_a_damaged_state_outruns_its_monitor)
{
	/* The monitor of a container whose state rm cannot read, known to
	 * nobody, may record the container's end (a new state file) while rm
	 * removes its folder: rm said "Directory not empty" and left it (in
	 * the cgroup v2 VM, where rm -f had just ended the container through
	 * its cgroup).  Here a loop plays that monitor, making new files in
	 * the folder for as long as the folder is there (with `true`, not
	 * `:`: a failed redirection of a special built-in such as `:` ends
	 * the shell with 2, when rm wins the race between the test and the
	 * redirection; and a loop's status is its last command's, that failed
	 * write's 2, hence the `true` once the folder is gone). */
	char *a = strdup(run_d("--name aa base sleep 30"));
	wait_ps("aa", "Up");
	struct result r = sh("printf 'garbage' > \"$MINIDOCKER_ROOT/containers/%s/state\"", a);
	ck_status(r, 0);
	int writer = start_bg("d=\"$MINIDOCKER_ROOT/containers/%s\"; i=0; { while [ -d \"$d\" ]; do "
			      "i=$((i+1)); true > \"$d/state.$i\" 2>/dev/null; done; true; }", a);
	r = md(NULL, "rm", "-f", a, NULL);
	ck_status(r, 0);
	ck_contains(r.err, "state was missing or damaged");
	ck_assert_int_eq(wait_exit(writer, 10), 0);
	r = sh("ls -A \"$MINIDOCKER_ROOT/containers\"");
	ck_assert_str_eq(r.out, "");
	free(a);
}
END_TEST

START_TEST(stale_state_temps_are_swept)
{
	/* state.PID of a writer killed before its rename. */
	pid_t dead = fork();
	if (dead == 0)
		_exit(0);
	waitpid(dead, NULL, 0);
	char *id = run_d("--name st base true");
	wait_ps("st", "Exited (0)");
	struct result r = sh("cd \"$MINIDOCKER_ROOT/containers/%s\" && echo x > state.%d && "
			     "\"$MD\" start -a st && ls | grep '^state'", id, (int)dead);
	ck_assert_str_eq(r.out, "state\n");
}
END_TEST

START_TEST(a_deleted_state_folder_crashes_nothing)
{
	/* Attached: the command's status, whatever happened to the folder
	 * once it runs.  Not "after 0.5 s": a first run of v1.2's range on a
	 * kernel without idmapped layers (the cgroup v2 VM's) copies the
	 * image first, and the folder went before the overlay was mounted. */
	char script[4300], out[4300];
	snprintf(script, sizeof script, "%s/run.sh", state_root());
	snprintf(out, sizeof out, "%s/run.out", state_root());
	FILE *f = fopen(script, "w");
	ck_assert_ptr_nonnull(f);
	fprintf(f, "\"$MD\" run base sh -c 'touch /ready; sleep 1; echo done' >'%s' 2>&1; echo status $? >>'%s'\n",
		out, out);
	fclose(f);
	int pid = start_bg("sh '%s'", script);
	struct result r = { 0 };
	for (struct deadline d = deadline(30); keep_polling(&d);) {
		free_result(&r);
		r = sh("find \"$MINIDOCKER_ROOT\"/containers -name ready 2>/dev/null");
		if (r.out[0])
			break;
	}
	ck_assert_msg(r.out[0], "the command never ran");
	r = sh("rm -rf \"$MINIDOCKER_ROOT\"/containers/*");
	ck_assert_int_eq(wait_exit(pid, 30), 0);
	char *got = read_file(out);
	ck_assert_msg(got && !strcmp(got, "done\nstatus 0\n"), "%s", got ? got : "(no output)");
	free(got);
	/* Detached: the monitor ends with its container. */
	char *id = run_d("base sleep 1");
	int mon = atoi(state_field(id, "monitor"));
	ck_assert_int_gt(mon, 0);
	r = sh("rm -rf \"$MINIDOCKER_ROOT\"/containers/*");
	for (struct deadline d = deadline(5); process_alive(mon) && keep_polling(&d);)
		;
	ck_assert_msg(!process_alive(mon), "monitor %d still there", mon);
	r = md(NULL, "ps", "-a", NULL);
	ck_status(r, 0);
	if (strcmp(stage, "v1.0") >= 0)
		ck_assert(!has_cgroup(id));
}
END_TEST

START_TEST(exec_cannot_type_into_the_callers_terminal)
{
	/* exec's command kept the caller's terminal as its controlling one,
	 * and ioctl(TIOCSTI) pushed text into its input, which the caller's
	 * shell would run once exec returned (ioctl_tty(2)).  On a pty of the
	 * test's own, so that nothing could ever reach another terminal. */
	run_d("--name sti base sleep 60");
	wait_ps("sti", "Up");
	struct pty p;
	pty_start(&p, 24, 80, "exec \"$MD\" exec sti probe sti");
	int status = pty_finish(&p, 20);
	ck_assert_msg(strstr(p.out, "refused") && !strstr(p.out, "injected"), "%s", p.out);
	ck_assert_int_eq(status, 0);
	/* In a session of its own, the command still gets Ctrl-C: exec
	 * passes it on. */
	pty_start(&p, 24, 80, "exec \"$MD\" exec sti sh -c 'trap \"echo got-int; exit 3\" INT; "
		  "echo ready; while :; do sleep 0.1; done'");
	ck_assert_msg(pty_expect(&p, "ready", 10), "%s", p.out);
	pty_send(&p, "\x03");
	ck_assert_int_eq(pty_finish(&p, 10), 3);
	ck_contains(p.out, "got-int");
	md(NULL, "rm", "-f", "sti", NULL);
}
END_TEST

void add_lifecycle_tests(Suite *s)
{
	TCase *tc = tcase(s, "lifecycle");

	/* Stretched like tcase()'s own timeout (MD_TIME_SCALE, harness.h):
	 * a bare 240 s ended the 100 execs of the first test in the cgroup
	 * v2 VM, where its script may take 200 s times the scale. */
	tcase_set_timeout(tc, 240 * time_scale());
	add_root_test(tc, exec_right_after_run_d_is_inside);
	add_root_test(tc, caller_fds_never_cross);
	add_root_test(tc, exec_never_shows_the_runtime_binary);
	add_root_test(tc, signals_start_at_their_defaults_run_and_run_d);
	add_root_test(tc, run_d_of_a_missing_command_is_127);
	add_root_test(tc, killed_runs_leave_nothing_rm_f_cannot_remove);
	add_root_test(tc, damaged_state_is_removed_by_rm);
	add_root_test(tc, rm_of_a_damaged_state_outruns_its_monitor);
	add_root_test(tc, stale_state_temps_are_swept);
	add_root_test(tc, a_deleted_state_folder_crashes_nothing);
	add_root_test(tc, exec_cannot_type_into_the_callers_terminal);
}

/* Wait until ROOT/GLOB (a temporary folder: "containers/.rootfs-*",
 * "images/.import-*") exists, for an interruption to find it. */
void wait_for_temp(const char *glob)
{
	for (struct deadline d = deadline(6); keep_polling(&d);) {
		struct result r = sh("ls -d \"$MINIDOCKER_ROOT\"/%s 2>/dev/null", glob);
		if (r.out[0])
			return;
	}
	ck_abort_msg("no %s appeared", glob);
}

START_TEST(an_interrupted_image_copy_leaves_nothing)
{
	/* An image big enough for a copy to take a while. */
	struct result r = sh("cd \"$MINIDOCKER_ROOT/images\" && cp -a base big && mkdir big/many && "
			     "cd big/many && seq 30000 | xargs touch");
	ck_status(r, 0);
	/* Ctrl-C at the terminal... */
	struct pty p;
	pty_start(&p, 24, 80, "exec \"$MD\" run big true");
	wait_for_temp("containers/.rootfs-*");
	pty_send(&p, "\x03");
	ck_assert_int_eq(pty_finish(&p, 30), 130);
	/* ...and SIGTERM. */
	int pid = start_bg("exec \"$MD\" run -d big true");
	wait_for_temp("containers/.rootfs-*");
	kill(pid, SIGTERM);
	r = sh("sleep 1; ls -A \"$MINIDOCKER_ROOT/containers\"");
	ck_assert_str_eq(r.out, "");
	/* A SIGKILLed run's copy goes at the next run; a live creator's (the
	 * test's own PID and start time) stays. */
	unsigned long long started = start_time_of(getpid());
	pid_t dead = fork();
	if (dead == 0)
		_exit(0);
	waitpid(dead, NULL, 0);
	r = sh("cd \"$MINIDOCKER_ROOT/containers\" && mkdir .rootfs-%d-%llu-AAAAAA .rootfs-%d-%llu-BBBBBB && "
	       "\"$MD\" run --rm base true && ls -A", (int)dead, started, (int)getpid(), started);
	ck_status(r, 0);
	char want[100];
	snprintf(want, sizeof want, ".rootfs-%d-%llu-BBBBBB\n", (int)getpid(), started);
	ck_assert_str_eq(r.out, want);
}
END_TEST

void add_image_copy_tests(Suite *s)
{
	TCase *tc = tcase(s, "image copy");

	add_root_test(tc, an_interrupted_image_copy_leaves_nothing);
	add_deep_copy_test(tc);
}
