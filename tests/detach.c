/* From v0.9 on: names, run -d with a monitor, logs, rm, -i and -t, as
 * v0.9 made them.  Every later suite keeps them: add_detach_tests. */
#include "features.h"

#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static double now(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec + t.tv_nsec / 1e9;
}

/* `run -d ARGS...`: the id it printed (64 hex digits and a newline). */
static char *detach(const char *args)
{
	static char id[65];
	struct result r = sh("\"$MD\" run -d %s", args);
	ck_status(r, 0);
	ck_assert_msg(strlen(r.out) == 65 && sscanf(r.out, "%64[0-9a-f]", id) == 1, "id: '%s'", r.out);
	return id;
}

/* Wait until `ps -a` shows TEXT for the container. */
static void wait_status(const char *id, const char *text)
{
	struct result r = { 0 };
	for (struct deadline d = deadline(10); keep_polling(&d);) {
		if (r.out)
			free_result(&r);
		r = sh("\"$MD\" ps -a | grep ^%.12s", id);
		if (strstr(r.out, text))
			return;
	}
	ck_abort_msg("no '%s' in: %s", text, r.out);
}

START_TEST(a_detached_container_outlives_run)
{
	double t0 = now();
	char *id = detach("base sleep 40");
	/* Not the 40 s of the command; how long starting it takes, stretched
	 * on a slower machine. */
	ck_assert_msg(now() - t0 < 2 * time_scale(), "run -d took %.1f s", now() - t0);
	struct result r = md(NULL, "ps", NULL);
	ck_contains(r.out, "\"sleep 40\"");
	ck_contains(r.out, "   Up ");
	char short_id[13];
	snprintf(short_id, sizeof short_id, "%.12s", id);
	ck_contains(r.out, short_id);
	md(NULL, "rm", "-f", id, NULL);
}
END_TEST

START_TEST(logs_hold_both_streams)
{
	char *id = detach("base sh -c 'echo out; echo err >&2; echo more'");
	wait_status(id, "Exited (0)");
	struct result r = md(NULL, "logs", id, NULL);
	ck_status(r, 0);
	ck_assert_str_eq(r.out, "out\nmore\n");
	ck_assert_str_eq(r.err, "err\n");
	/* The file itself: CRI records, one per line.  Two pipes, so the
	 * order between the streams is not kept; within each, it is. */
	struct result f = sh("cut -d' ' -f2- \"$MINIDOCKER_ROOT\"/containers/%s/container.log | sort -s -k1,1", id);
	ck_assert_str_eq(f.out, "stderr F err\nstdout F out\nstdout F more\n");
}
END_TEST

START_TEST(logs_follow_and_tail)
{
	char *id = detach("--name ticker base sh -c 'for i in 1 2 3; do echo $i; sleep 0.3; done'");
	double t0 = now();
	struct result r = md(NULL, "logs", "-f", "ticker", NULL);
	ck_status(r, 0);
	ck_assert_str_eq(r.out, "1\n2\n3\n");
	ck_assert_msg(now() - t0 > 0.4, "logs -f returned before the container ended");
	r = md(NULL, "logs", "--tail", "1", id, NULL);
	ck_assert_str_eq(r.out, "3\n");
	r = md(NULL, "logs", "-n", "x", id, NULL);
	ck_status(r, 125);
}
END_TEST

START_TEST(an_attached_run_is_logged_too)
{
	struct result r = md(NULL, "run", "--name", "loud", "base", "sh", "-c", "echo to-log", NULL);
	ck_status(r, 0);
	ck_assert_str_eq(r.out, "to-log\n");
	r = md(NULL, "logs", "loud", NULL);
	ck_assert_str_eq(r.out, "to-log\n");
}
END_TEST

START_TEST(exit_statuses_of_detached_and_stopped_containers)
{
	char *id = detach("base sh -c 'exit 5'");
	wait_status(id, "Exited (5)");
	id = detach("--name deaf base sleep 41");
	struct result r = md(NULL, "stop", "-t", "1", "deaf", NULL);
	ck_status(r, 0);
	wait_status(id, "Exited (137)");
	id = detach("--name polite base sh -c 'trap \"exit 143\" TERM; while :; do sleep 0.1; done'");
	wait_for_handler("polite", SIGTERM);
	r = md(NULL, "stop", "polite", NULL);
	ck_status(r, 0);
	wait_status(id, "Exited (143)");
}
END_TEST

START_TEST(names_are_unique_and_checked)
{
	char *id = detach("--name web base sleep 42");
	struct result r = md(NULL, "run", "--name", "web", "base", "true", NULL);
	ck_status(r, 125);
	ck_contains(r.err, "the name 'web' is already in use by container");
	const char *bad[] = { "-x", "a", "has space", "sl/ash", "_under" };
	for (int i = 0; i < 5; i++) {
		r = md(NULL, "run", "--name", bad[i], "base", "true", NULL);
		ck_status(r, 125);
		ck_contains(r.err, "invalid name");
	}
	/* Commands take the name: ps shows it, exec and stop use it. */
	r = md(NULL, "ps", NULL);
	ck_contains(r.out, "   web\n");
	r = md(NULL, "exec", "web", "hostname", NULL);
	ck_assert_str_eq(r.out, "container\n");
	r = md(NULL, "stop", "-t", "0", "web", NULL);
	ck_assert_str_eq(r.out, "web\n");
	(void)id;
	/* Nothing was created for the refused runs. */
	r = sh("ls \"$MINIDOCKER_ROOT/containers\" | wc -l");
	ck_assert_str_eq(r.out, "1\n");
}
END_TEST

START_TEST(generated_names_look_like_dockers)
{
	md(NULL, "run", "base", "true", NULL);
	struct result r = sh("\"$MD\" ps -a | tail -n 1 | awk '{print $NF}'");
	ck_assert_msg(strchr(r.out, '_') && strspn(r.out, "abcdefghijklmnopqrstuvwxyz_0123456789\n") == strlen(r.out),
		      "name: %s", r.out);
}
END_TEST

START_TEST(rm_refuses_a_running_container_without_f)
{
	char *id = detach("--name busy base sleep 43");
	int monitor = state_number(id, "monitor");
	ck_assert_int_gt(monitor, 0);
	struct procs started = proc_tree(monitor, NULL);	/* the monitor, and the container */
	ck_assert_int_ge(started.n, 2);
	struct result r = md(NULL, "rm", "busy", NULL);
	ck_status(r, 125);
	ck_contains(r.err, "container busy is running: stop it first, or use rm -f");
	r = md(NULL, "rm", "-f", "busy", NULL);
	ck_status(r, 0);
	ck_assert_str_eq(r.out, "busy\n");
	ck_assert_int_eq(wait_ended(&started, 5), 0);
	r = sh("ls -A \"$MINIDOCKER_ROOT/containers\"");
	ck_assert_str_eq(r.out, "");
	/* A stopped one goes without -f. */
	md(NULL, "run", "--name", "done", "base", "true", NULL);
	r = md(NULL, "rm", "done", "nosuch", NULL);
	ck_status(r, 125);
	ck_assert_str_eq(r.out, "done\n");
	ck_contains(r.err, "no such container: nosuch");
	(void)id;
}
END_TEST

START_TEST(rm_flag_leaves_nothing_attached_or_detached)
{
	own_mount_ns(0);
	char *before = read_file("/proc/self/mountinfo");
	struct result r = md(NULL, "run", "--rm", "base", "sh", "-c", "echo x > /tmp/x", NULL);
	ck_status(r, 0);
	char *id = detach("--rm base sleep 0.3");
	(void)id;
	/* Its monitor removes it once the command has ended. */
	for (struct deadline d = deadline(10); keep_polling(&d);) {
		r = sh("ls -A \"$MINIDOCKER_ROOT/containers\"");
		if (!r.out[0])
			break;
	}
	ck_assert_str_eq(r.out, "");
	ck_assert_str_eq(read_file("/proc/self/mountinfo"), before);
}
END_TEST

START_TEST(without_i_stdin_is_empty)
{
	struct result r = md("typed\n", "run", "base", "cat", NULL);
	ck_status(r, 0);
	ck_assert_str_eq(r.out, "");
}
END_TEST

START_TEST(start_detaches_and_start_a_attaches)
{
	char *id = detach("--name again base sh -c 'echo ran; exit 6'");
	wait_status(id, "Exited (6)");
	struct result r = md(NULL, "start", "again", NULL);
	ck_status(r, 0);
	ck_assert_str_eq(r.out, "again\n");
	wait_status(id, "Exited (6)");
	r = md(NULL, "start", "-a", "again", NULL);
	ck_status(r, 6);
	ck_assert_str_eq(r.out, "ran\n");
	r = md(NULL, "logs", "again", NULL);
	ck_assert_str_eq(r.out, "ran\nran\nran\n");
}
END_TEST

START_TEST(it_gives_the_command_a_terminal)
{
	struct pty p;
	pty_start(&p, 33, 77, "\"$MD\" run --rm -it base sh -c '[ -t 0 ] && [ -t 1 ] && echo is-a-tty; stty size'");
	ck_assert_int_eq(pty_finish(&p, 20), 0);
	ck_contains(p.out, "is-a-tty\r\n33 77\r\n");
}
END_TEST

START_TEST(ctrl_c_reaches_the_container)
{
	struct pty p;
	pty_start(&p, 24, 80, "\"$MD\" run --rm -it base sh -c "
		  "'trap \"echo got-int; exit 3\" INT; echo ready; while :; do sleep 0.1; done'");
	ck_assert(pty_expect(&p, "ready", 10));
	pty_send(&p, "\x03");
	ck_assert_int_eq(pty_finish(&p, 10), 3);
	ck_contains(p.out, "got-int");
}
END_TEST

START_TEST(the_terminal_is_restored_afterwards)
{
	struct pty p;
	pty_start(&p, 24, 80, "stty -a > \"$MINIDOCKER_ROOT/before\"; \"$MD\" run --rm -it base true; "
		  "stty -a > \"$MINIDOCKER_ROOT/after\"; cmp -s \"$MINIDOCKER_ROOT/before\" "
		  "\"$MINIDOCKER_ROOT/after\" && echo same-modes");
	ck_assert_int_eq(pty_finish(&p, 20), 0);
	ck_contains(p.out, "same-modes");
}
END_TEST

START_TEST(the_window_size_is_followed)
{
	struct pty p;
	pty_start(&p, 24, 80, "\"$MD\" run --rm -it base sh -c 'stty size; read x; stty size'");
	ck_assert(pty_expect(&p, "24 80", 10));
	pty_resize(&p, 40, 100);
	usleep(300000);
	pty_send(&p, "\r");
	ck_assert_int_eq(pty_finish(&p, 10), 0);
	ck_contains(p.out, "40 100");
}
END_TEST

START_TEST(the_monitor_survives_its_terminal_closing)
{
	struct pty p;
	pty_start(&p, 24, 80, "\"$MD\" run -d --name survivor base sleep 44; echo started; sleep 30");
	ck_assert(pty_expect(&p, "started", 10));
	/* Hang up: the terminal's session gets SIGHUP. */
	close(p.master);
	kill(-p.pid, SIGHUP);
	waitpid(p.pid, NULL, 0);
	usleep(500000);
	struct result r = md(NULL, "ps", NULL);
	ck_contains(r.out, "   survivor\n");
	ck_contains(r.out, "   Up ");
	md(NULL, "rm", "-f", "survivor", NULL);
}
END_TEST

void add_detach_tests(Suite *s)
{
	TCase *tc = tcase(s, "detach");
	add_root_test(tc, a_detached_container_outlives_run);
	add_root_test(tc, logs_hold_both_streams);
	add_root_test(tc, logs_follow_and_tail);
	add_root_test(tc, an_attached_run_is_logged_too);
	add_root_test(tc, exit_statuses_of_detached_and_stopped_containers);
	add_root_test(tc, names_are_unique_and_checked);
	add_root_test(tc, generated_names_look_like_dockers);
	add_root_test(tc, rm_refuses_a_running_container_without_f);
	add_root_test(tc, rm_flag_leaves_nothing_attached_or_detached);
	add_root_test(tc, without_i_stdin_is_empty);
	add_root_test(tc, start_detaches_and_start_a_attaches);
	tc = tcase(s, "tty");
	add_root_test(tc, it_gives_the_command_a_terminal);
	add_root_test(tc, ctrl_c_reaches_the_container);
	add_root_test(tc, the_terminal_is_restored_afterwards);
	add_root_test(tc, the_window_size_is_followed);
	add_root_test(tc, the_monitor_survives_its_terminal_closing);
}
