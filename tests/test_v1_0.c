/* v1.0: cgroups.  Real limits on this host's cgroups (v1, hybrid or v2),
 * and the v2 code against a scratch folder laid out like a v2 cgroupfs. */
#include "basics.h"

#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

const char *run_words[] = { "-i", "base", NULL };

/* The cgroups of container ID (a full id), wherever they are. */
static char *cgroups_of(const char *id)
{
	struct result r = sh("find /sys/fs/cgroup -name '%s' -type d 2>/dev/null", id);
	return r.out;
}

START_TEST(a_memory_hog_is_killed_with_137)
{
	struct result r = md(NULL, "run", "--name", "hog", "-m", "32m", "base", "probe", "eat", "200", NULL);
	ck_status(r, 137);
	r = md(NULL, "ps", "-a", NULL);
	ck_contains(r.out, "Exited (137)");
}
END_TEST

START_TEST(a_small_job_fits_its_limit)
{
	struct result r = md(NULL, "run", "--rm", "-m", "64m", "base", "probe", "eat", "8", NULL);
	ck_status(r, 0);
	ck_assert_str_eq(r.out, "ate 8 MiB\n");
}
END_TEST

START_TEST(a_pids_limit_caps_a_fork_loop)
{
	struct result r = md(NULL, "run", "--rm", "--pids-limit", "20", "base", "probe", "fork", "60", NULL);
	ck_status(r, 0);
	long started = -1;
	ck_assert_int_eq(sscanf(r.out, "started %ld of 60", &started), 1);
	ck_assert_msg(started < 20 && started > 10, "%s", r.out);
	ck_contains(r.out, "Resource temporarily unavailable");
}
END_TEST

static double cpu_share(const char *cpus)
{
	struct result r = cpus ? md(NULL, "run", "--rm", "--cpus", cpus, "base", "probe", "spin", "2", NULL)
			       : md(NULL, "run", "--rm", "base", "probe", "spin", "2", NULL);
	double cpu = 0, wall = 1;
	ck_status(r, 0);
	ck_assert_int_eq(sscanf(r.out, "cpu %lf of %lf s", &cpu, &wall), 2);
	return cpu / wall;
}

START_TEST(cpus_half_holds_a_busy_loop_to_half_a_cpu)
{
	/* The limit is a ceiling: it holds however busy the machine is.  How
	 * close a run comes to it depends on the other suites and users on
	 * this machine, so the floor is checked only when the run without a
	 * limit found a CPU to itself. */
	double limited = cpu_share("0.5"), free_run = cpu_share(NULL);
	ck_assert_msg(limited < 0.65, "--cpus 0.5 gave %.2f of a CPU", limited);
	if (free_run > 0.8)
		ck_assert_msg(limited > 0.35, "--cpus 0.5 gave %.2f of a CPU (%.2f without a limit)", limited,
			      free_run);
}
END_TEST

START_TEST(bad_values_exit_125_before_anything_exists)
{
	const char *bad[][2] = { { "-m", "abc" }, { "-m", "0" }, { "-m", "1m" }, { "--memory", "12q" },
				 { "--cpus", "-1" }, { "--cpus", "99" }, { "--cpus", "x" },
				 { "--pids-limit", "0" }, { "--pids-limit", "ten" } };
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		struct result r = md(NULL, "run", "--cgroup-parent", cgroup_parent(), bad[i][0], bad[i][1],
				     "base", "true", NULL);
		ck_status(r, 125);
		ck_contains(r.err, "invalid");
	}
	struct result r = sh("ls -A \"$MINIDOCKER_ROOT/containers\" 2>/dev/null");
	ck_assert_str_eq(r.out, "");
	ck_assert_str_eq(cgroups_left(), "");
}
END_TEST

START_TEST(the_command_is_in_its_cgroup_from_the_start)
{
	struct result r = md(NULL, "run", "--name", "cg", "-m", "64m", "base", "cat", "/proc/self/cgroup", NULL);
	ck_status(r, 0);
	struct result id = sh("\"$MD\" ps -aq");
	id.out[12] = '\0';
	char want[64];
	snprintf(want, sizeof want, "/minidocker/%s", id.out);
	ck_contains(r.out, want);
}
END_TEST

START_TEST(exec_joins_the_containers_cgroup)
{
	struct result r = md(NULL, "run", "-d", "--name", "limited", "--pids-limit", "5", "base", "sleep", "49", NULL);
	ck_status(r, 0);
	char want[128];
	snprintf(want, sizeof want, "/minidocker/%.64s", r.out);
	r = md(NULL, "exec", "limited", "cat", "/proc/self/cgroup", NULL);
	ck_status(r, 0);
	ck_contains(r.out, want);
	/* So the limit holds for it: 5 in all, counting sleep, the probe,
	 * and the minidocker exec process, which joined first. */
	r = md(NULL, "exec", "limited", "probe", "fork", "10", NULL);
	ck_contains(r.out, "started 2 of 10");
	md(NULL, "rm", "-f", "limited", NULL);
}
END_TEST

START_TEST(no_cgroup_is_left_after_rm_or_rm_f)
{
	const char *parent = cgroup_parent();
	struct result r = md(NULL, "run", "--cgroup-parent", parent, "--rm", "-m", "32m", "--pids-limit", "5",
			     "base", "true", NULL);
	ck_status(r, 0);
	ck_assert_str_eq(cgroups_left(), "");
	r = md(NULL, "run", "--cgroup-parent", parent, "-d", "--name", "bg", "-m", "32m", "base", "sleep", "45", NULL);
	ck_status(r, 0);
	ck_assert_str_ne(cgroups_left(), "");
	r = md(NULL, "rm", "-f", "bg", NULL);
	ck_status(r, 0);
	ck_assert_str_eq(cgroups_left(), "");
	/* And after a plain exit, the monitor removes it. */
	r = md(NULL, "run", "--cgroup-parent", parent, "-m", "32m", "base", "true", NULL);
	ck_assert_str_eq(cgroups_left(), "");
}
END_TEST

START_TEST(a_killed_runs_cgroup_goes_at_the_next_look)
{
	/* SIGKILL to the monitor: the kernel kills the container (parent
	 * death signal), but nobody is left to remove its cgroup... */
	int pid = start_bg("\"$MD\" run --cgroup-parent %s -m 32m base sleep 48", cgroup_parent());
	struct result up = md_until(10, "", "ps", "-q", NULL);
	ck_assert_str_ne(up.out, "");
	struct procs started = proc_tree(pid, NULL);
	kill(pid, SIGKILL);
	ck_assert_int_eq(wait_ended(&started, 5), 0);
	ck_assert_str_ne(cgroups_left(), "");
	/* ...until a command looks at the container. */
	struct result r = md(NULL, "ps", "-a", NULL);
	ck_contains(r.out, "Exited (137)");
	ck_assert_str_eq(cgroups_left(), "");
}
END_TEST

START_TEST(stats_reads_the_cgroup)
{
	struct result r = md(NULL, "run", "-d", "--name", "watched", "-m", "100m", "base", "sleep", "46", NULL);
	ck_status(r, 0);
	r = md(NULL, "stats", "--no-stream", "watched", NULL);
	ck_status(r, 0);
	ck_contains(r.out, "CONTAINER ID    NAME                 CPU %    MEM USAGE / LIMIT      MEM %    PIDS\n");
	ck_contains(r.out, " watched ");
	ck_contains(r.out, " / 100.00MiB ");
	/* PIDS, the last column: the number, not its first digit. */
	char *pids = strrchr(r.out, ' ');
	ck_assert_msg(pids && !strcmp(pids, " 1\n"), "one process: %s", r.out);
	md(NULL, "rm", "-f", "watched", NULL);
}
END_TEST

START_TEST(without_root_limits_are_refused_and_runs_still_work)
{
	nobody_root();
	struct result r = sh(AS_NOBODY " run --rm -m 32m base true");
	ck_status(r, 125);
	ck_contains(r.err, "limits need root here");
	r = sh(AS_NOBODY " run --rm base true");
	ck_status(r, 0);
}
END_TEST

/* A scratch folder laid out like a v2 cgroupfs root. */
static void scratch_v2(const char *controllers)
{
	struct result r = sh("mkdir \"$MINIDOCKER_ROOT/cg\" && echo '%s' > \"$MINIDOCKER_ROOT/cg/cgroup.controllers\" && "
			     ": > \"$MINIDOCKER_ROOT/cg/cgroup.subtree_control\"", controllers);
	ck_status(r, 0);
	char value[4200];
	snprintf(value, sizeof value, "v2:%s/cg", state_root());
	setenv("MINIDOCKER_CGROUP", value, 1);
}

START_TEST(v2_files_are_written_with_the_limits)
{
	scratch_v2("cpuset cpu io memory pids");
	struct result r = md(NULL, "run", "-d", "--name", "v2", "-m", "32m", "--cpus", "0.5",
			     "--pids-limit", "20", "base", "sleep", "47", NULL);
	ck_status(r, 0);
	char id[65];
	sscanf(r.out, "%64s", id);
	r = sh("cd \"$MINIDOCKER_ROOT/cg\" && for f in cgroup.subtree_control minidocker/cgroup.subtree_control "
	       "minidocker/%s/memory.max minidocker/%s/memory.swap.max minidocker/%s/cpu.max "
	       "minidocker/%s/pids.max; do echo \"$f: $(cat $f)\"; done", id, id, id, id);
	char want[2048];
	snprintf(want, sizeof want,
		 "cgroup.subtree_control: +memory +cpu +pids\n"
		 "minidocker/cgroup.subtree_control: +memory +cpu +pids\n"
		 "minidocker/%s/memory.max: 33554432\n"
		 "minidocker/%s/memory.swap.max: 0\n"
		 "minidocker/%s/cpu.max: 50000 100000\n"
		 "minidocker/%s/pids.max: 20\n", id, id, id, id);
	ck_assert_str_eq(r.out, want);
	/* The container's PID 1 was written to cgroup.procs. */
	r = sh("echo $(cat \"$MINIDOCKER_ROOT/cg/minidocker/%s/cgroup.procs\") "
	       "$(sed -n 's/^pid=//p' \"$MINIDOCKER_ROOT/containers/%s/state\")", id, id);
	int joined = 0, pid = -1;
	ck_assert_int_eq(sscanf(r.out, "%d %d", &joined, &pid), 2);
	ck_assert_int_eq(joined, pid);
	/* No real cgroup was touched for it. */
	ck_assert_str_eq(cgroups_of(id), "");
	md(NULL, "rm", "-f", "v2", NULL);
}
END_TEST

START_TEST(a_missing_controller_is_named)
{
	scratch_v2("cpu pids");
	struct result r = md(NULL, "run", "--rm", "-m", "32m", "base", "true", NULL);
	ck_status(r, 125);
	ck_contains(r.err, "minidocker: the memory controller is not available in ");
	ck_contains(r.err, "(cgroup v2)");
	ck_contains(r.err, "cgroup.controllers lists the controllers this host offers");
	r = sh("ls -A \"$MINIDOCKER_ROOT/containers\" 2>/dev/null; ls -A \"$MINIDOCKER_ROOT/cg\"");
	ck_assert_str_eq(r.out, "cgroup.controllers\ncgroup.subtree_control\n");
	/* cpu and pids are there: those limits work. */
	r = md(NULL, "run", "--rm", "--pids-limit", "9", "base", "true", NULL);
	ck_status(r, 0);
}
END_TEST

START_TEST(the_chroot_escape_reaches_the_host)
{
	/* The problem v1.1 solves: root in the container leaves a chroot. */
	struct result r = md(NULL, "run", "--rm", "base", "probe", "escape", host_marker(), NULL);
	ck_status(r, 0);
	ck_contains(r.out, "escaped: ");
}
END_TEST

/* ---- Bad input and small correctness (issue 11) ---------------------- */

START_TEST(version_takes_no_arguments)
{
	struct result r = md(NULL, "version", "extra", NULL);
	ck_status(r, 125);
	ck_contains(r.err, "version: unexpected argument 'extra'");
	ck_assert_str_eq(r.out, "");
}
END_TEST

START_TEST(an_empty_state_root_is_refused)
{
	/* Each would have fallen back to the system's root: ps printed its
	 * table with exit 0. */
	struct result r = md(NULL, "--root=", "ps", "-a", NULL);
	ck_status(r, 125);
	ck_contains(r.err, "flag '--root' needs a folder");
	ck_assert_str_eq(r.out, "");
	r = md(NULL, "--root", "", "ps", "-a", NULL);
	ck_status(r, 125);
	ck_contains(r.err, "flag '--root' needs a folder");
	r = sh("MINIDOCKER_ROOT= \"$MD\" ps -a");
	ck_status(r, 125);
	ck_contains(r.err, "MINIDOCKER_ROOT is set but empty");
	ck_assert_str_eq(r.out, "");
}
END_TEST

START_TEST(the_state_root_is_made_0700)
{
	/* A root minidocker makes (here: the lock `run` takes first) is ours
	 * alone, as are its containers and images folders. */
	struct result r = sh("cd \"$MINIDOCKER_ROOT\" && mkdir -p fresh && \"$MD\" --root fresh/r run --rm base true; "
	       "stat -c '%%a %%u' fresh/r fresh/r/containers");
	ck_assert_str_eq(r.out, "700 0\n700 0\n");
	ck_contains(r.err, "image 'base' not found");
}
END_TEST

START_TEST(memory_sizes_are_checked_before_they_are_shifted)
{
	const char *bad[][2] = {
		{ "18014398509584384k", "too large" },	/* 2^64 + 100 MiB: came out as 100 MiB */
		{ "1048576g", "too large" }, { "1125899906842624", "too large" },
		{ "99999999999999999999", "too large" },
		{ "6143k", "at least 6m" }, { "0", "at least 6m" },
		{ "-1", "a whole number" }, { "1.5g", "1536m, not 1.5g" }, { " 64m", "a whole number" },
		{ "+64m", "a whole number" }, { "64mb", "a whole number" }, { "", "a whole number" } };
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		struct result r = md(NULL, "run", "--rm", "-m", bad[i][0], "base", "true", NULL);
		ck_status(r, 125);
		ck_contains(r.err, "invalid memory limit");
		ck_contains(r.err, bad[i][1]);
	}
	struct result r = sh("ls -A \"$MINIDOCKER_ROOT/containers\" 2>/dev/null");
	ck_assert_str_eq(r.out, "");
	/* The edges that are sizes: 6m exactly, and just under 1 PiB. */
	ck_status(md(NULL, "run", "--rm", "-m", "6144k", "base", "true", NULL), 0);
	ck_status(md(NULL, "run", "--rm", "-m", "1048575g", "base", "true", NULL), 0);
}
END_TEST

START_TEST(options_may_follow_the_container)
{
	struct result r = md(NULL, "run", "-d", "--name", "fl", "base", "sh", "-c", "echo hi; sleep 60", NULL);
	ck_status(r, 0);
	for (int i = 0; i < 200 && !strstr(r.out, "hi"); i++) {
		usleep(25000);
		r = md(NULL, "logs", "fl", "-n", "1", NULL);
		ck_status(r, 0);
	}
	ck_assert_str_eq(r.out, "hi\n");
	r = md(NULL, "stats", "fl", "--no-stream", NULL);
	ck_status(r, 0);
	ck_contains(r.out, " fl ");
	/* run and exec stop at the command: its flags are its own. */
	r = md(NULL, "exec", "fl", "echo", "-n", "y", NULL);
	ck_status(r, 0);
	ck_assert_str_eq(r.out, "y");
	r = md(NULL, "stop", "fl", "-t", "0", NULL);
	ck_status(r, 0);
	ck_assert_str_eq(r.out, "fl\n");
	r = md(NULL, "run", "--name", "once", "base", "echo", "-n", "x", NULL);
	ck_assert_str_eq(r.out, "x");
	r = md(NULL, "start", "once", "-a", NULL);
	ck_status(r, 0);
	ck_assert_str_eq(r.out, "x");
	r = md(NULL, "logs", "once", "-f", NULL);
	ck_status(r, 0);
	ck_assert_str_eq(r.out, "xx");
	ck_status(md(NULL, "start", "fl", NULL), 0);
	r = md(NULL, "rm", "fl", "-f", NULL);
	ck_status(r, 0);
	ck_assert_str_eq(r.out, "fl\n");
	r = md(NULL, "ps", "-a", "-q", NULL);
	ck_assert_int_eq(strlen(r.out), 13);	/* once, only */
}
END_TEST

START_TEST(a_refused_flag_is_the_one_named)
{
	/* An unknown short flag in a group: the message named the word
	 * before it ("unknown flag 'exec'"). */
	struct result r = md(NULL, "exec", "-zq", "c1", "sh", NULL);
	ck_status(r, 125);
	ck_contains(r.err, "exec: unknown flag '-z'");
	ck_lacks(r.err, "'exec'");
	r = md(NULL, "ps", "-az", NULL);
	ck_status(r, 125);
	ck_contains(r.err, "ps: unknown flag '-z'");
	r = md(NULL, "ps", "--all=1", NULL);
	ck_status(r, 125);
	ck_contains(r.err, "ps: flag '--all' takes no value");
	r = md(NULL, "stop", "x", "-t", NULL);
	ck_status(r, 125);
	ck_contains(r.err, "stop: flag '-t' needs a value");
	r = md(NULL, "--fooo", "exec", NULL);
	ck_status(r, 125);
	ck_contains(r.err, "minidocker: unknown flag '--fooo'");
}
END_TEST

START_TEST(stop_of_a_stopped_container_is_0)
{
	ck_status(md(NULL, "run", "--name", "done", "base", "true", NULL), 0);
	struct result r = md(NULL, "stop", "done", NULL);
	ck_status(r, 0);
	ck_assert_str_eq(r.out, "done\n");
	r = md(NULL, "stop", "nosuch", NULL);
	ck_status(r, 125);
	ck_contains(r.err, "no such container: nosuch");
}
END_TEST

START_TEST(ps_shows_a_container_it_cannot_read)
{
	struct result r = sh("cd \"$MINIDOCKER_ROOT\" && mkdir -p containers/%.64s containers/%.64s && "
			     "echo garbage > containers/%.64s/state",
			     "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
			     "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb",
			     "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb");
	ck_status(r, 0);
	r = md(NULL, "ps", "-a", NULL);
	ck_status(r, 0);
	ck_contains(r.out, "\naaaaaaaaaaaa   ");
	ck_contains(r.out, "\nbbbbbbbbbbbb   ");
	ck_contains(r.out, "Dead");
	r = md(NULL, "ps", NULL);
	ck_lacks(r.out, "aaaaaaaaaaaa");
}
END_TEST

/* Does valgrind find a leak in `minidocker ARGS` (a shell line) other
 * than find_container's own (state.c)?  Returns its report. */
static struct result leaks(const char *args)
{
	struct result r = sh("cd \"$MINIDOCKER_ROOT\" && printf '{\\n state\\n Memcheck:Leak\\n ...\\n "
			     "fun:find_container\\n}\\n' > vg.supp && valgrind -q --leak-check=full "
			     "--errors-for-leak-kinds=definite,indirect --error-exitcode=99 "
			     "--suppressions=vg.supp \"$MD\" %s >/dev/null", args);
	return r;
}

START_TEST(ps_logs_and_stats_leak_nothing)
{
	if (system("valgrind --version >/dev/null 2>&1") != 0) {
		fprintf(stderr, "ps_logs_and_stats_leak_nothing: no valgrind here, not checked\n");
		return;
	}
	/* logs -f reads the state ten times a second: it leaked each one. */
	struct result r = md(NULL, "run", "-d", "--name", "lk", "base", "sh", "-c", "echo a; sleep 2", NULL);
	ck_status(r, 0);
	const char *cmds[] = { "logs -f lk", "ps -a", "stats --no-stream", "stats --no-stream lk",
			       "stop lk" };
	for (size_t i = 0; i < sizeof cmds / sizeof cmds[0]; i++) {
		r = leaks(cmds[i]);
		ck_assert_msg(r.status == 0, "%s: %d\n%s", cmds[i], r.status, r.err);
	}
}
END_TEST

START_TEST(a_cgroup_parent_holds_the_containers_cgroups)
{
	/* Docker's --cgroup-parent: PARENT/ID in each hierarchy, recorded in
	 * the state so that rm (or the next look after a killed run) removes
	 * the right folders. */
	char parent[4300], want[4400];
	snprintf(parent, sizeof parent, "%s/deeper", cgroup_parent());
	struct result r = md(NULL, "run", "-d", "--name", "placed", "--cgroup-parent", parent, "--pids-limit", "7",
			     "base", "sleep", "50", NULL);
	ck_status(r, 0);
	char id[65];
	ck_assert_int_eq(sscanf(r.out, "%64s", id), 1);
	r = md(NULL, "exec", "placed", "cat", "/proc/self/cgroup", NULL);
	snprintf(want, sizeof want, ":/%s/%s\n", parent, id);
	ck_contains(r.out, want);
	r = sh("cat $(find /sys/fs/cgroup -path '*/%s/%s/pids.max')", parent, id);
	ck_assert_str_eq(r.out, "7\n");
	r = sh("sed -n 's/^cgroup_parent=//p' \"$MINIDOCKER_ROOT\"/containers/%s/state", id);
	snprintf(want, sizeof want, "%s\n", parent);
	ck_assert_str_eq(r.out, want);
	ck_status(md(NULL, "rm", "-f", "placed", NULL), 0);
	r = sh("find /sys/fs/cgroup -name '%s' 2>/dev/null", id);
	ck_assert_str_eq(r.out, "");
}
END_TEST

START_TEST(a_bad_cgroup_parent_is_refused)
{
	const char *bad[] = { "..", "minidocker/../..", "a//b", "a/./b", "", "a/", "/", "x y" };
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		struct result r = md(NULL, "run", "--rm", "--cgroup-parent", bad[i], "base", "true", NULL);
		ck_status(r, 125);
		ck_contains(r.err, "invalid --cgroup-parent");
	}
	struct result r = sh("ls -A \"$MINIDOCKER_ROOT/containers\" 2>/dev/null");
	ck_assert_str_eq(r.out, "");
	/* Docker's leading '/': still below each hierarchy's root. */
	char parent[4300], want[4400];
	snprintf(parent, sizeof parent, "/%s", cgroup_parent());
	r = md(NULL, "run", "--rm", "--cgroup-parent", parent, "base", "cat", "/proc/self/cgroup", NULL);
	ck_status(r, 0);
	snprintf(want, sizeof want, ":%s/", parent);
	ck_contains(r.out, want);
}
END_TEST

/* Where /tmp is a tmpfs (Fedora, Debian 13, the VM of make test-cgroup2),
 * a scratch folder there once passed for a real cgroupfs, and
 * memory.swap.max went unwritten.  The tmpfs is in a mount namespace of
 * the test's own: it goes with it, whatever happens. */
START_TEST(a_scratch_folder_on_a_tmpfs_is_no_cgroupfs)
{
	struct result r = sh("unshare --mount sh -c 'd=\"$MINIDOCKER_ROOT/cg\"; mkdir \"$d\" && "
			     "mount -t tmpfs tmpfs \"$d\" && echo memory > \"$d/cgroup.controllers\" && "
			     ": > \"$d/cgroup.subtree_control\" && export MINIDOCKER_CGROUP=v2:$d && "
			     "id=$(\"$MD\" run -d -m 32m base sleep 44) && "
			     "cat \"$d/minidocker/$id/memory.swap.max\"; \"$MD\" rm -f \"$id\" >/dev/null 2>&1'");
	ck_status(r, 0);
	ck_assert_str_eq(r.out, "0");
}
END_TEST

int main(void)
{
	stage = "v1.0";
	with_image = 1;
	Suite *s = suite_create(stage);
	add_basic_tests(s, 1, 1);
	add_session_tests(s);
	add_mount_tests(s);
	add_image_tests(s);
	add_lifecycle_tests(s);
	add_image_copy_tests(s);
	TCase *tc = tcase(s, "limits");
	add_root_test(tc, a_memory_hog_is_killed_with_137);
	add_root_test(tc, a_small_job_fits_its_limit);
	add_root_test(tc, a_pids_limit_caps_a_fork_loop);
	add_root_test(tc, cpus_half_holds_a_busy_loop_to_half_a_cpu);
	add_root_test(tc, bad_values_exit_125_before_anything_exists);
	add_root_test(tc, the_command_is_in_its_cgroup_from_the_start);
	add_root_test(tc, exec_joins_the_containers_cgroup);
	add_root_test(tc, no_cgroup_is_left_after_rm_or_rm_f);
	add_root_test(tc, a_killed_runs_cgroup_goes_at_the_next_look);
	add_root_test(tc, stats_reads_the_cgroup);
	add_root_test(tc, without_root_limits_are_refused_and_runs_still_work);
	add_root_test(tc, the_chroot_escape_reaches_the_host);
	tc = tcase(s, "cgroup-v2");
	add_root_test(tc, v2_files_are_written_with_the_limits);
	add_root_test(tc, a_missing_controller_is_named);
	add_root_test(tc, a_scratch_folder_on_a_tmpfs_is_no_cgroupfs);
	tc = tcase(s, "input");
	add_root_test(tc, version_takes_no_arguments);
	add_root_test(tc, an_empty_state_root_is_refused);
	add_root_test(tc, the_state_root_is_made_0700);
	add_root_test(tc, memory_sizes_are_checked_before_they_are_shifted);
	add_root_test(tc, options_may_follow_the_container);
	add_root_test(tc, a_refused_flag_is_the_one_named);
	add_root_test(tc, stop_of_a_stopped_container_is_0);
	add_root_test(tc, ps_shows_a_container_it_cannot_read);
	add_root_test(tc, ps_logs_and_stats_leak_nothing);
	tc = tcase(s, "cgroup-parent");
	add_root_test(tc, a_cgroup_parent_holds_the_containers_cgroups);
	add_root_test(tc, a_bad_cgroup_parent_is_refused);
	return run_suite(s);
}
