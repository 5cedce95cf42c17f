/* From v0.8 on: the command line, ps, exec, start, stop, state files and
 * prefixes, as v0.8 made them.  Every later suite keeps them:
 * add_cli_tests. */
#include "features.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>


/* Wait until `ps -q` lists a running container; return its short id. */
char *running_id(void)
{
	static char id[64];
	struct result r = md_until(10, "", "ps", "-q", NULL);
	ck_assert_msg(sscanf(r.out, "%63s", id) == 1, "no running container appeared");
	free_result(&r);
	return id;
}

/* The short id of the newest container, running or not. */
char *newest_id(void)
{
	struct result r = md(NULL, "ps", "-aq", NULL);
	ck_assert_uint_ge(strlen(r.out), 12);
	r.out[12] = '\0';
	return r.out;
}

/* The full id of the only container whose id starts with PREFIX. */
char *state_of(const char *prefix, const char *key)
{
	static char value[256];
	struct result r = sh("cat \"$MINIDOCKER_ROOT\"/containers/%s*/state | sed -n 's/^%s=//p'", prefix, key);
	snprintf(value, sizeof value, "%s", r.out);
	value[strcspn(value, "\n")] = '\0';
	return value;
}

double seconds_now(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec + t.tv_nsec / 1e9;
}

START_TEST(ps_prints_docker_columns)
{
	struct result r = md_run(NULL, "sh", "-c", "exit 3", NULL);
	ck_status(r, 3);
	r = md(NULL, "ps", "-a", NULL);
	ck_status(r, 0);
	ck_assert_msg(!strncmp(r.out, "CONTAINER ID   IMAGE   COMMAND          CREATED", 46), "%s", r.out);
	char id[13];
	ck_assert_int_eq(sscanf(strchr(r.out, '\n') + 1, "%12[0-9a-f]", id), 1);
	ck_contains(r.out, "   base    \"sh -c exit 3\"   ");
	ck_contains(r.out, " ago   Exited (3) ");
	/* Without -a: exited containers are not listed. */
	r = md(NULL, "ps", NULL);
	ck_assert_str_eq(r.out, "CONTAINER ID   IMAGE   COMMAND   CREATED   STATUS\n");
}
END_TEST

START_TEST(ps_shows_running_containers_up_newest_first)
{
	struct result a = md_run(NULL, "true", NULL);
	ck_status(a, 0);
	start_bg("%s sleep 30", run_line());
	char *id = running_id();
	struct result r = md(NULL, "ps", NULL, NULL);
	ck_contains(r.out, "\"sleep 30\"");
	ck_contains(r.out, "   Up ");
	r = md(NULL, "ps", "-aq", NULL);
	/* Two ids, 12 hex digits each, the running (newer) one first. */
	ck_assert_uint_eq(strlen(r.out), 26);
	ck_assert_msg(!strncmp(r.out, id, 12), "%s first in:\n%s", id, r.out);
	md(NULL, "stop", "-t", "0", id, NULL);
}
END_TEST

START_TEST(a_long_command_is_cut_in_ps)
{
	md_run(NULL, "sh", "-c", "echo a long command line here", NULL);
	struct result r = md(NULL, "ps", "-a", NULL);
	ck_contains(r.out, "\"sh -c echo a long c…\"");
}
END_TEST

START_TEST(exec_sees_the_containers_pid_1_hostname_and_uts)
{
	start_bg("%s sleep 31", run_line());
	char *id = running_id();
	struct result r = md(NULL, "exec", id, "sh", "-c",
			     "cat /proc/1/cmdline | tr '\\0' ' '; echo; hostname; readlink /proc/self/ns/uts", NULL);
	ck_status(r, 0);
	char want[128];
	struct result host = sh("readlink /proc/%s/ns/uts", state_of(id, "pid"));
	snprintf(want, sizeof want, "sleep 31 \ncontainer\n%s", host.out);
	ck_assert_str_eq(r.out, want);
	md(NULL, "stop", "-t", "0", id, NULL);
}
END_TEST

START_TEST(run_ps_exec_stop_work_without_root)
{
	nobody_root();
	int pid = start_bg(AS_NOBODY " run base sleep 36");
	struct result r = { 0 };
	for (struct deadline d = deadline(10); keep_polling(&d);) {
		if (r.out)
			free_result(&r);
		r = sh(AS_NOBODY " ps -q");
		if (r.out[0])
			break;
	}
	char id[13];
	ck_assert_msg(sscanf(r.out, "%12s", id) == 1, "no running container: %s", r.err);
	r = sh(AS_NOBODY " exec %s sh -c 'id -u; cat /proc/1/cmdline | tr \"\\0\" \" \"; echo'", id);
	ck_assert_str_eq(r.out, "0\nsleep 36 \n");
	r = sh(AS_NOBODY " stop -t 1 %s", id);
	ck_status(r, 0);
	ck_assert_int_eq(wait_exit(pid, 10), 137);
	r = sh(AS_NOBODY " ps -a | grep -c 'Exited (137)'");
	ck_assert_str_eq(r.out, "1\n");
}
END_TEST

START_TEST(exec_passes_the_exit_status)
{
	start_bg("%s sleep 32", run_line());
	char *id = running_id();
	struct result r = md(NULL, "exec", id, "sh", "-c", "exit 7", NULL);
	ck_status(r, 7);
	r = md(NULL, "exec", id, "no-such-command", NULL);
	ck_status(r, 127);
	md(NULL, "stop", "-t", "0", id, NULL);
}
END_TEST

START_TEST(exec_of_a_missing_or_stopped_container_fails)
{
	struct result r = md(NULL, "exec", "abc123", "true", NULL);
	ck_status(r, 125);
	ck_contains(r.err, "minidocker: no such container: abc123");
	md_run(NULL, "true", NULL);
	struct result e = md(NULL, "exec", newest_id(), "true", NULL);
	ck_status(e, 125);
	ck_contains(e.err, "is not running");
}
END_TEST

START_TEST(stop_kills_a_deaf_pid_1_after_the_timeout)
{
	/* sleep has no SIGTERM handler: as PID 1 it ignores SIGTERM, so
	 * stop -t 2 sends SIGKILL after 2 seconds. */
	int pid = start_bg("%s sleep 33", run_line());
	char *id = running_id();
	struct procs started = proc_tree(pid, NULL);
	double t0 = seconds_now();
	struct result r = md(NULL, "stop", "-t", "2", id, NULL);
	double took = seconds_now() - t0;
	ck_status(r, 0);
	char want[80];
	snprintf(want, sizeof want, "%s\n", id);
	ck_assert_str_eq(r.out, want);
	/* The upper bound is how long stop itself takes: stretched on a
	 * slower machine (MD_TIME_SCALE); the lower one is the timeout's. */
	ck_assert_msg(took >= 1.9 && took < 2 + 2 * time_scale(), "stop took %.2f s", took);
	r = md(NULL, "ps", "-a", NULL);
	ck_contains(r.out, "Exited (137)");
	ck_assert_int_eq(wait_ended(&started, 2), 0);
}
END_TEST

START_TEST(stop_is_quick_when_pid_1_handles_sigterm)
{
	start_bg("%s sh -c 'trap \"exit 143\" TERM; while :; do sleep 0.1; done'", run_line());
	char *id = running_id();
	wait_for_handler(id, SIGTERM);
	double t0 = seconds_now();
	struct result r = md(NULL, "stop", id, NULL);
	ck_status(r, 0);
	ck_assert_msg(seconds_now() - t0 < 2 * time_scale(), "stop took %.2f s", seconds_now() - t0);
	r = md(NULL, "ps", "-a", NULL);
	ck_contains(r.out, "Exited (143)");
}
END_TEST

/* Docker: stopping a stopped container succeeds, and prints its name. */
START_TEST(stop_of_a_missing_container_fails_of_a_stopped_one_succeeds)
{
	struct result r = md(NULL, "stop", "fff", NULL);
	ck_status(r, 125);
	ck_contains(r.err, "no such container: fff");
	md_run(NULL, "true", NULL);
	char *id = newest_id();
	struct result s = md(NULL, "stop", id, NULL);
	ck_status(s, 0);
	ck_assert_str_eq(s.out, strcat(id, "\n"));
	ck_assert_str_eq(s.err, "");
	r = md(NULL, "stop", "-t", "soon", "x", NULL);
	ck_status(r, 125);
	ck_contains(r.err, "invalid time 'soon'");
}
END_TEST

START_TEST(start_runs_the_command_again_in_the_same_rootfs)
{
	struct result r = md_run(NULL, "sh", "-c", "echo run >> /tmp/log; cat /tmp/log; exit 4", NULL);
	ck_status(r, 4);
	ck_assert_str_eq(r.out, "run\n");
	struct result s = md(NULL, "start", newest_id(), NULL);
	ck_status(s, 4);
	ck_assert_str_eq(s.out, "run\nrun\n");
}
END_TEST

START_TEST(start_refuses_a_running_container)
{
	start_bg("%s sleep 34", run_line());
	char *id = running_id();
	struct result r = md(NULL, "start", id, NULL);
	ck_status(r, 125);
	ck_contains(r.err, "is already running");
	md(NULL, "stop", "-t", "0", id, NULL);
	/* The same when the first one was started by start. */
	start_bg("\"$MD\" start %s", id);
	running_id();
	double t0 = seconds_now();
	r = md(NULL, "start", id, NULL);
	ck_status(r, 125);
	ck_contains(r.err, "is already running");
	ck_assert_msg(seconds_now() - t0 < 2 * time_scale(), "the second start waited %.1f s", seconds_now() - t0);
	md(NULL, "stop", "-t", "0", id, NULL);
}
END_TEST

START_TEST(prefixes_work_and_an_ambiguous_one_is_refused)
{
	/* 17 containers: two must share a first hex digit. */
	for (int i = 0; i < 17; i++)
		ck_status(md_run(NULL, "true", NULL), 0);
	struct result r = sh("\"$MD\" ps -aq | cut -c1 | sort | uniq -d | head -n 1");
	r.out[1] = '\0';
	struct result a = md(NULL, "start", r.out, NULL);
	ck_status(a, 125);
	ck_contains(a.err, "is ambiguous");
	/* A unique prefix: a full id minus its last digit. */
	char *id = newest_id();
	id[11] = '\0';
	ck_status(md(NULL, "start", id, NULL), 0);
}
END_TEST

START_TEST(a_killed_run_shows_as_exited)
{
	int pid = start_bg("%s sleep 35", run_line());
	running_id();
	struct procs started = proc_tree(pid, NULL);
	kill(pid, SIGKILL);
	ck_assert_int_eq(wait_ended(&started, 5), 0);
	struct result r = md(NULL, "ps", NULL);
	ck_assert_str_eq(r.out, "CONTAINER ID   IMAGE   COMMAND   CREATED   STATUS\n");
	r = md(NULL, "ps", "-a", NULL);
	ck_contains(r.out, "Exited (137)");
}
END_TEST

START_TEST(rm_flag_leaves_nothing)
{
	struct result r = md(NULL, "run", "--rm", "base", "sh", "-c", "echo x > /tmp/x", NULL);
	ck_status(r, 0);
	r = sh("ls -A \"$MINIDOCKER_ROOT/containers\"");
	ck_assert_str_eq(r.out, "");
}
END_TEST

/* An --rm run's state is not flushed to disk (try_save_state: its folder
 * goes when it ends); a kept container's is, at each save. */
START_TEST(only_a_kept_containers_state_is_flushed)
{
	struct result r = sh("cd \"$MINIDOCKER_ROOT\" && t='strace -f -qq -y -e trace=fsync,fdatasync -o' && "
			     "$t rm.trace \"$MD\" run --rm base true && $t kept.trace \"$MD\" run base true && "
			     "grep -c /state rm.trace; grep -c /state kept.trace");
	int rm = -1, kept = -1;
	ck_assert_msg(sscanf(r.out, "%d %d", &rm, &kept) == 2, "%s%s", r.out, r.err);
	ck_assert_msg(rm == 0 && kept > 0, "state fsyncs: %d with --rm, %d without", rm, kept);
}
END_TEST

START_TEST(the_default_command_is_a_shell)
{
	struct result r = md("echo pid $$\n", "run", "--rm", "base", NULL);
	ck_status(r, 0);
	ck_assert_str_eq(r.out, "pid 1\n");
}
END_TEST

START_TEST(the_state_file_records_the_container)
{
	md_run(NULL, "sh", "-c", "exit 9", NULL);
	struct result r = sh("cat \"$MINIDOCKER_ROOT\"/containers/*/state");
	ck_contains(r.out, "image=base\nstatus=exited\n");
	ck_contains(r.out, "arg=sh\narg=-c\narg=exit 9\n");
	ck_contains(r.out, "exit_code=9\n");
	/* Written through a temporary file and rename: none is left. */
	r = sh("ls \"$MINIDOCKER_ROOT\"/containers/*/");
	ck_assert_str_eq(r.out, "rootfs\nstate\n");
}
END_TEST

START_TEST(help_for_every_command)
{
	const char *cmds[] = { "run", "ps", "exec", "start", "stop", "version", "help" };
	struct result r = md(NULL, "help", NULL);
	ck_status(r, 0);
	for (int i = 0; i < 7; i++) {
		char line[64];
		snprintf(line, sizeof line, "\n  %-9s ", cmds[i]);
		ck_contains(r.out, line);
		struct result h = md(NULL, "help", cmds[i], NULL);
		struct result f = md(NULL, cmds[i], "--help", NULL);
		ck_status(h, 0);
		ck_status(f, 0);
		snprintf(line, sizeof line, "Usage: minidocker %s", cmds[i]);
		ck_contains(h.out, line);
		ck_assert_str_eq(h.out, f.out);
	}
	r = md(NULL, "help", "nope", NULL);
	ck_status(r, 125);
	ck_contains(r.err, "unknown command 'nope'");
	/* One command at a time: a second word is a mistake, not ignored. */
	r = md(NULL, "help", "run", "extra", NULL);
	ck_status(r, 125);
	ck_contains(r.err, "minidocker: help: unexpected argument 'extra'\n");
	ck_assert_str_eq(r.out, "");
}
END_TEST

START_TEST(mistakes_get_suggestions)
{
	struct result r = md(NULL, "sotp", "x", NULL);
	ck_status(r, 125);
	ck_contains(r.err, "minidocker: unknown command 'sotp'\nhint: did you mean 'stop'?");
	r = md(NULL, "run", "--rmm", "base", NULL);
	ck_status(r, 125);
	ck_contains(r.err, "minidocker: run: unknown flag '--rmm'\nhint: did you mean '--rm'?");
	ck_contains(r.err, "Usage: minidocker run [OPTIONS] IMAGE");
	r = md(NULL, "ps", "-x", NULL);
	ck_status(r, 125);
	ck_contains(r.err, "minidocker: ps: unknown flag '-x'");
	r = md(NULL, "exec", NULL);
	ck_status(r, 125);
	ck_contains(r.err, "exec: no container given");
}
END_TEST

START_TEST(root_flag_chooses_the_state_root)
{
	struct result r = sh("mkdir \"$MINIDOCKER_ROOT/other\" && \"$MD\" --root \"$MINIDOCKER_ROOT/other\" run base true");
	ck_status(r, 125);
	ck_contains(r.err, "/other/images/base");
	r = sh("cp -a \"$MINIDOCKER_ROOT/images\" \"$MINIDOCKER_ROOT/other/\" && "
	       "\"$MD\" --root \"$MINIDOCKER_ROOT/other\" run base true && "
	       "\"$MD\" --root=\"$MINIDOCKER_ROOT/other\" ps -aq | wc -l && \"$MD\" ps -aq | wc -l");
	ck_status(r, 0);
	ck_assert_str_eq(r.out, "1\n0\n");
}
END_TEST

START_TEST(an_image_name_is_not_a_path)
{
	struct result r = md(NULL, "run", "../images/base", "true", NULL);
	ck_status(r, 125);
	ck_contains(r.err, "invalid image name '../images/base'");
	r = md(NULL, "run", "nosuch", "true", NULL);
	ck_status(r, 125);
	ck_contains(r.err, "image 'nosuch' not found");
}
END_TEST

START_TEST(version_names_the_stage_and_build)
{
	struct result r = md(NULL, "version", NULL);
	ck_status(r, 0);
	char want[64];
	snprintf(want, sizeof want, "minidocker %s\nbuilt from: ", stage);
	ck_contains(r.out, want);
}
END_TEST

void add_cli_tests(Suite *s, int v08)
{
	TCase *tc = tcase(s, "cli");
	add_root_test(tc, ps_shows_running_containers_up_newest_first);
	add_root_test(tc, a_long_command_is_cut_in_ps);
	add_root_test(tc, exec_sees_the_containers_pid_1_hostname_and_uts);
	add_root_test(tc, exec_passes_the_exit_status);
	add_root_test(tc, run_ps_exec_stop_work_without_root);
	add_root_test(tc, exec_of_a_missing_or_stopped_container_fails);
	add_root_test(tc, stop_kills_a_deaf_pid_1_after_the_timeout);
	add_root_test(tc, stop_is_quick_when_pid_1_handles_sigterm);
	add_root_test(tc, stop_of_a_missing_container_fails_of_a_stopped_one_succeeds);
	add_root_test(tc, start_refuses_a_running_container);
	add_root_test(tc, prefixes_work_and_an_ambiguous_one_is_refused);
	add_root_test(tc, rm_flag_leaves_nothing);
	add_root_test(tc, only_a_kept_containers_state_is_flushed);
	add_root_test(tc, help_for_every_command);
	add_root_test(tc, mistakes_get_suggestions);
	add_root_test(tc, root_flag_chooses_the_state_root);
	add_root_test(tc, an_image_name_is_not_a_path);
	add_root_test(tc, version_names_the_stage_and_build);
	/* What the next lessons change on purpose: v0.9 adds ps's NAMES
	 * column and logs, a state folder holds the log, `start` detaches
	 * (start -a attaches), and stdin is empty without -i. */
	if (v08) {
		add_root_test(tc, ps_prints_docker_columns);
		add_root_test(tc, start_runs_the_command_again_in_the_same_rootfs);
		add_root_test(tc, a_killed_run_shows_as_exited);
		add_root_test(tc, the_default_command_is_a_shell);
		add_root_test(tc, the_state_file_records_the_container);
	}
}
