/* From v1.0 on: cgroups' limits, stats, and the v2 code against a scratch
 * folder, as v1.0 made them.  Every later suite keeps them:
 * add_limit_tests. */
#include "features.h"

#include <linux/magic.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/vfs.h>
#include <unistd.h>

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

/* A busy loop's share of a CPU by its own clocks: CPU time over wall time,
 * as `probe spin` measures them (no limit: is there a CPU free here?). */
static double free_share(void)
{
	struct result r = md(NULL, "run", "--rm", "base", "probe", "spin", "2", NULL);
	double cpu = 0, wall = 1;
	ck_status(r, 0);
	ck_assert_int_eq(sscanf(r.out, "cpu %lf of %lf s", &cpu, &wall), 2);
	return cpu / wall;
}

/* What the kernel counted in the cgroup of container ID under PARENT for
 * its CPU quota: CPU time used (µs), CFS periods passed and those that
 * ended throttled, and the period (µs).  v2: cpu.stat (usage_usec,
 * nr_periods, nr_throttled) and cpu.max; v1: cpu.stat, cpu.cfs_period_us
 * and cpuacct.usage (ns).  The kernel's sched-bwc.rst. */
struct cpu_count {
	double used, periods, throttled, period;
};

static struct cpu_count cpu_count(const char *parent, const char *id)
{
	struct result r = sh("if [ -f /sys/fs/cgroup/cgroup.controllers ]; then d=/sys/fs/cgroup/%s/%s; "
			     "u=$(sed -n 's/^usage_usec //p' $d/cpu.stat); p=$(cut -d' ' -f2 $d/cpu.max); "
			     "else d=/sys/fs/cgroup/cpu/%s/%s; "
			     "u=$(($(cat /sys/fs/cgroup/cpuacct/%s/%s/cpuacct.usage) / 1000)); "
			     "p=$(cat $d/cpu.cfs_period_us); fi; "
			     "echo $u $(sed -n 's/^nr_periods //p; s/^nr_throttled //p' $d/cpu.stat) $p",
			     parent, id, parent, id, parent, id);
	struct cpu_count c = { 0 };
	ck_assert_msg(sscanf(r.out, "%lf %lf %lf %lf", &c.used, &c.periods, &c.throttled, &c.period) == 4,
		      "the cgroup's CPU counters: %s%s", r.out, r.err);
	return c;
}

START_TEST(cpus_half_holds_a_busy_loop_to_half_a_cpu)
{
	/* --cpus 0.5 is a CFS quota: 50 ms of CPU time in each 100 ms period.
	 * Judged by the kernel's counters in the container's own cgroup, CPU
	 * time used over the periods passed, never by clocks read in the
	 * container: an emulated guest's CPU-time and wall clocks drift apart
	 * (in make test-cgroup2's VM a busy loop alone measured 1.1 to 1.6 s
	 * of CPU time a second).  Without a quota no period is counted. */
	const char *parent = cgroup_parent();
	struct result r = md(NULL, "run", "-d", "--cgroup-parent", parent, "--cpus", "0.5", "base", "probe", "spin",
			     "60", NULL);
	ck_status(r, 0);
	char id[65] = "";
	sscanf(r.out, "%64s", id);
	struct cpu_count c = { 0 };
	for (struct deadline d = deadline(10); keep_polling(&d);)
		if ((c = cpu_count(parent, id)).periods >= 20)
			break;
	md(NULL, "rm", "-f", id, NULL);
	ck_assert_msg(c.periods >= 20, "%.0f CFS periods counted, %.0f µs of CPU used: no quota in place", c.periods,
		      c.used);
	/* The limit is a ceiling: it holds however busy the machine is.  How
	 * close a run comes to it depends on the other suites and users on
	 * this machine (on a busy one a period can end before the loop has
	 * had its 50 ms), so the floor, and that the quota ran out at all,
	 * are checked only when a run without a limit found a CPU to itself. */
	double share = c.used / (c.periods * c.period);
	ck_assert_msg(share < 0.65, "--cpus 0.5 gave %.2f of a CPU (%.0f of %.0f periods throttled)", share,
		      c.throttled, c.periods);
	double free_run = free_share();
	if (free_run > 0.8) {
		ck_assert_msg(c.throttled > 0, "never throttled in %.0f periods (%.2f of a CPU, %.2f without a limit)",
			      c.periods, share, free_run);
		ck_assert_msg(share > 0.35, "--cpus 0.5 gave %.2f of a CPU (%.2f without a limit)", share, free_run);
	}
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

/* The init is minidocker until it execs the command, and -m counts it:
 * killed there by the OOM killer, it cannot say why; run must.  An
 * environment larger than the limit cannot fit: the init's execve
 * copies it, charged to the cgroup (52 strings of 120 kB, which a stack
 * limit of 64 MiB lets through: execve(2), "Limits on size of arguments
 * and environment"). */
START_TEST(an_init_out_of_memory_says_so)
{
	struct result r = sh("ulimit -s 65536 && big=$(head -c 120000 /dev/zero | tr '\\0' x) && "
			     "env $(for i in $(seq 52); do echo B$i=$big; done) \"$MD\" run --rm %s--cgroup-parent %s "
			     "-m 6m base true", strcmp(stage, "v1.4") >= 0 ? "--network none " : "", cgroup_parent());
	ck_status(r, 125);
	ck_contains(r.err, "minidocker: container ");
	ck_contains(r.err, " ran out of memory before its command started\n");
	ck_contains(r.err, "hint: -m counts minidocker's own init until it starts the command: give more than 6144k\n");
	ck_assert_str_eq(sh("ls -A \"$MINIDOCKER_ROOT/containers\" 2>/dev/null").out, "");
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

/* The init moves itself into its cgroups (cgroup_join's PID 0): on v1
 * through each tree's `tasks`, which takes none of the lock that all of
 * the host's forks share; on v2, which has no such file, through
 * cgroup.procs.  strace -f says which process wrote what where: the
 * runtime (the first PID in the trace: sh exec's it) writes no PID into
 * any of the container's cgroups. */
START_TEST(the_init_moves_itself_into_its_cgroups)
{
	struct statfs sf;
	ck_assert_int_eq(statfs("/sys/fs/cgroup", &sf), 0);
	int v2 = sf.f_type == CGROUP2_SUPER_MAGIC;
	struct result r = sh("cd \"$MINIDOCKER_ROOT\" && strace -f -qq -y -e trace=write -o join.trace "
			     "sh -c 'exec \"$MD\" run --rm --cgroup-parent %s -m 32m base true' && "
			     "main=$(awk 'NR == 1 { print $1; exit }' join.trace) && "
			     "sed -En 's/^([0-9]+) +write\\([0-9]+<.*\\/[0-9a-f]{64}\\/(tasks|cgroup\\.procs)>, \"([^\"]*)\".*/\\1 \\2 \\3/p' "
			     "join.trace | while read -r pid file value; do "
			     "[ \"$pid\" = \"$main\" ] && who=runtime || who=child; echo \"$who $file $value\"; done",
			     cgroup_parent());
	ck_status(r, 0);
	const char *want = v2 ? "child cgroup.procs 0" : "child tasks 0";
	int n = 0;
	for (char *line = strtok(r.out, "\n"); line; line = strtok(NULL, "\n"), n++)
		ck_assert_str_eq(line, want);
	/* v2: one tree; v1: memory, cpu, cpuacct and pids. */
	ck_assert_int_eq(n, v2 ? 1 : 4);
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
	/* The container's PID 1 moved itself in: it wrote 0, "the writer",
	 * to cgroup.procs (the_init_moves_itself_into_its_cgroups). */
	r = sh("cat \"$MINIDOCKER_ROOT/cg/minidocker/%s/cgroup.procs\"", id);
	ck_assert_str_eq(r.out, "0");
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

void add_limit_tests(Suite *s, int chroot_stage)
{
	TCase *tc = tcase(s, "limits");
	add_root_test(tc, a_memory_hog_is_killed_with_137);
	add_root_test(tc, a_small_job_fits_its_limit);
	add_root_test(tc, a_pids_limit_caps_a_fork_loop);
	add_root_test(tc, bad_values_exit_125_before_anything_exists);
	add_root_test(tc, an_init_out_of_memory_says_so);
	add_root_test(tc, the_command_is_in_its_cgroup_from_the_start);
	add_root_test(tc, the_init_moves_itself_into_its_cgroups);
	add_root_test(tc, exec_joins_the_containers_cgroup);
	add_root_test(tc, no_cgroup_is_left_after_rm_or_rm_f);
	add_root_test(tc, a_killed_runs_cgroup_goes_at_the_next_look);
	add_root_test(tc, stats_reads_the_cgroup);
	add_root_test(tc, without_root_limits_are_refused_and_runs_still_work);
	if (chroot_stage)	/* v1.0 still uses chroot: v1.1 pivots */
		add_root_test(tc, the_chroot_escape_reaches_the_host);
	/* A TCase of its own: it spins a CPU for seconds (CASES picks it). */
	tc = tcase(s, "cpu-share");
	add_root_test(tc, cpus_half_holds_a_busy_loop_to_half_a_cpu);
	tc = tcase(s, "cgroup-v2");
	add_root_test(tc, v2_files_are_written_with_the_limits);
	add_root_test(tc, a_missing_controller_is_named);
	add_root_test(tc, a_scratch_folder_on_a_tmpfs_is_no_cgroupfs);
}
