/* v0.8: a command table (run, ps, exec, start, stop, version, help), state
 * files, and exec with setns(2). */
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

const char *run_words[] = { "base", NULL };
/* ------------------------------------------------------------------ */
/* Hardening (issue 11).  These find the containers they started through
 * the test's own state root and the PIDs they forked, never by scanning
 * the host. */

/* Start `minidocker ARGS...` in the background, its output thrown away
 * (or into OUT, a file of the state root); return its PID. */
static pid_t md_bg(const char *out, const char *const *args)
{
	char *argv[32] = { md_bin };
	int n = 1;

	while (n < 31 && args[n - 1])
		argv[n] = (char *)args[n - 1], n++;
	argv[n] = NULL;
	pid_t pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		char path[8300];
		snprintf(path, sizeof path, "%s/%s", state_root(), out ? out : "");
		int null = open("/dev/null", O_RDWR);
		int fd = out ? open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600) : null;
		dup2(null, 0);
		dup2(fd, 1);
		dup2(fd, 2);
		execv(md_bin, argv);
		_exit(127);
	}
	return pid;
}

/* The id of the container whose monitor is MONITOR, once its state says
 * "running" (within TIMEOUT seconds), read from the state files. */
static int running_by_monitor(pid_t monitor, char id[65], double timeout)
{
	char dir[8300], want[64];

	snprintf(dir, sizeof dir, "%s/containers", state_root());
	snprintf(want, sizeof want, "\nmonitor=%d\n", (int)monitor);
	for (double t0 = seconds_now(); seconds_now() - t0 < timeout; usleep(500)) {
		DIR *d = opendir(dir);
		struct dirent *e;
		int found = 0;
		while (d && !found && (e = readdir(d))) {
			char path[8500];
			if (strlen(e->d_name) != 64)
				continue;
			snprintf(path, sizeof path, "%s/%s/state", dir, e->d_name);
			char *st = read_file(path);
			if (st && strstr(st, want) && strstr(st, "\nstatus=running\n")) {
				snprintf(id, 65, "%s", e->d_name);
				found = 1;
			}
			free(st);
		}
		if (d)
			closedir(d);
		if (found)
			return 0;
	}
	return -1;
}

static void kill_and_reap(pid_t pid)
{
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
}

/* Issue 11, item 1.  The state said "running" before the init had entered
 * its root: an exec at that moment joined a mount namespace that was still
 * a copy of the host's, and ran there as root.  The old code failed in the
 * first loop; 100 loops fit in 20 seconds on an idle machine, fewer on a
 * loaded one. */
START_TEST(exec_right_after_start_is_inside_the_container)
{
	const char *marker = host_marker();
	char script[4600];
	snprintf(script, sizeof script, "test -e '%s' && echo host-root; "
		 "read p rest < /proc/self/stat; [ \"$p\" = $$ ] && echo proc-ok", marker);
	static const char *const args[] = { "run", "base", "sleep", "60", NULL };
	int loops = 0;
	for (double t0 = seconds_now(); loops < 100 && seconds_now() - t0 < 20; loops++) {
		pid_t pid = md_bg(NULL, args);
		char id[65];
		if (running_by_monitor(pid, id, 10) < 0) {
			kill_and_reap(pid);
			ck_abort_msg("loop %d: the container never ran", loops);
		}
		struct result r = md(NULL, "exec", id, "sh", "-c", script, NULL);
		kill_and_reap(pid);
		ck_assert_msg(r.status == 0 && !strcmp(r.out, "proc-ok\n"),
			      "loop %d: exec right after the start saw:\n%s%s", loops, r.out, r.err);
		free_result(&r);
	}
}
END_TEST

/* Only fds 0-2 reach the command: `probe fds` lists what it has. */
static void ck_only_stdio(const char *who, struct result r)
{
	ck_status(r, 0);
	for (const char *l = r.out; *l; l = strchr(l, '\n') + 1) {
		ck_assert_msg(l[0] >= '0' && l[0] <= '2' && l[1] == ' ', "%s: a caller's fd crossed:\n%s", who, r.out);
		ck_assert_ptr_nonnull(strchr(l, '\n'));
	}
	ck_contains(r.out, "0 ");
}

/* Issue 11, item 2 (runc's CVE-2024-21626): with `exec 8</` in the caller,
 * the container had the host's / as fd 8. */
START_TEST(the_callers_fds_do_not_cross)
{
	ck_only_stdio("run", sh("exec 8</ 9>\"$MINIDOCKER_ROOT/f\"; %s probe fds", run_line()));
	char *id = newest_id();
	ck_only_stdio("start", sh("exec 8</ 9>\"$MINIDOCKER_ROOT/f\"; \"$MD\" start %s", id));
	start_bg("%s sleep 37", run_line());
	id = running_id();
	ck_only_stdio("exec", sh("exec 8</ 9>\"$MINIDOCKER_ROOT/f\"; \"$MD\" exec %s probe fds", id));
	md(NULL, "stop", "-t", "0", id, NULL);
}
END_TEST

/* Issue 11, item 6: a caller that ignores signals (a shell's `&` job
 * ignores INT and QUIT; a runtime may ignore PIPE) passed that on through
 * execve(2), and `yes | head -n 1` never ended. */
START_TEST(signals_start_at_their_defaults)
{
	const char *zero = "SigBlk:\t0000000000000000\nSigIgn:\t0000000000000000\n";
	const char *ign = "trap '' INT QUIT PIPE; ";
	struct result r = sh("%s%s grep -E '^Sig(Blk|Ign)' /proc/self/status", ign, run_line());
	ck_status(r, 0);
	ck_assert_str_eq(r.out, zero);
	char *id = newest_id();
	r = sh("%s\"$MD\" start %s", ign, id);
	ck_assert_str_eq(r.out, zero);
	start_bg("%s sleep 38", run_line());
	id = running_id();
	r = sh("%s\"$MD\" exec %s grep -E '^Sig(Blk|Ign)' /proc/self/status", ign, id);
	ck_assert_str_eq(r.out, zero);
	/* With SIGPIPE ignored, yes never ends: give it 10 seconds. */
	char script[600];
	snprintf(script, sizeof script, "%s%s sh -c 'yes | head -n 1'; \"$MD\" exec %s sh -c 'yes | head -n 1'",
		 ign, run_line(), id);
	char *argv[] = { "/bin/sh", "-c", script, NULL };
	r = run_argv(NULL, 10, argv);
	ck_status(r, 0);
	ck_assert_str_eq(r.out, "y\ny\n");
	md(NULL, "stop", "-t", "0", id, NULL);
}
END_TEST

/* Issue 11, item 3 (runc's CVE-2019-5736).  The container's PID 1 is the
 * attacker: `probe exewatch` opens (read-only) the /proc/PID/exe of every
 * other process it sees, and prints any that is neither itself nor a
 * sealed memfd.  Meanwhile two loops exec into the container; each exec
 * is minidocker, from the host's file, inside the container, from its
 * fork to the command's execve.
 *
 * Limits: this is a race the attacker must win, so the test can pass on a
 * broken runtime if the watcher never scans /proc inside those windows.
 * It makes that unlikely rather than impossible: 60 execs, half of them
 * of a missing command (the joining process then lives until it has
 * reported the error), against a watcher that scans without pause; on
 * this kind of machine an exec without PR_SET_DUMPABLE is caught dozens
 * of times per run.  With the fix it cannot fail spuriously: a process
 * that is not dumpable cannot be opened at all.  The watcher's stderr
 * says how many opens were refused: the joining processes it did see. */
START_TEST(the_runtime_binary_is_out_of_reach)
{
	char script[2000];
	snprintf(script, sizeof script,
		"R=$MINIDOCKER_ROOT; %s probe exewatch 90 > $R/watch 2> $R/watch.err & run=$!; "
		"i=0; until f=$(grep -ls '^status=running' $R/containers/*/state) || [ $i -ge 800 ]; "
		"do sleep 0.025; i=$((i+1)); done; f=${f%%/state}; id=${f##*/}; "
		"loop() { n=0; for i in $(seq 15); do \"$MD\" exec $id /bin/probe ns >/dev/null 2>&1 && "
		"n=$((n+1)); \"$MD\" exec $id nosuch 2>/dev/null; done; echo $n; }; "
		"loop > $R/a & a=$!; loop > $R/b & b=$!; wait $a $b; "
		"\"$MD\" stop -t 5 $id >/dev/null; wait $run; echo run=$? $(cat $R/a $R/b); "
		"cat $R/watch; cat $R/watch.err >&2", run_line());
	char *argv[] = { "/bin/sh", "-c", script, NULL };
	struct result r = run_argv(NULL, 110, argv);
	/* Every exec ran while the watcher was PID 1 (else it would fail). */
	ck_assert_msg(!strcmp(r.out, "run=0 15 15\n"), "the container got:\n%s\n%s", r.out, r.err);
	ck_contains(r.err, "opens refused");
}
END_TEST

/* Make DEPTH folders "d" inside each other under DIR/NAME, with fds (the
 * path is longer than PATH_MAX); remove_deep undoes it. */
static void make_deep(const char *dir, const char *name, int depth)
{
	int fd = open(dir, O_RDONLY | O_DIRECTORY);
	const char *n = name;
	for (int i = 0; i <= depth; i++, n = "d") {
		ck_assert_int_eq(mkdirat(fd, n, 0755), 0);
		int next = openat(fd, n, O_RDONLY | O_DIRECTORY);
		ck_assert_int_ge(next, 0);
		close(fd);
		fd = next;
	}
	close(fd);
}

/* Remove DIR/NAME made by make_deep: move its child up in its place,
 * remove it, and again, one level at a time, never with a long path. */
static void remove_deep(const char *dir, const char *name)
{
	int fd = open(dir, O_RDONLY | O_DIRECTORY);
	while (renameat(fd, name, fd, ".deep-top") == 0) {
		if (renameat(fd, ".deep-top/d", fd, name) < 0) {
			unlinkat(fd, ".deep-top", AT_REMOVEDIR);
			break;
		}
		unlinkat(fd, ".deep-top", AT_REMOVEDIR);
	}
	close(fd);
}

/* Issue 11, item 4: a tree deeper than PATH_MAX allows copies into a
 * container, and the container's folder can be removed (--rm). */
START_TEST(a_3000_level_tree_copies_and_is_removed)
{
	make_deep(image_dir(), "deep", 3000);
	struct result r = md(NULL, "run", "--rm", "base", "probe", "depth", "/deep", NULL);
	remove_deep(image_dir(), "deep");
	ck_status(r, 0);
	ck_assert_str_eq(r.out, "3000\n");
	r = sh("ls -A \"$MINIDOCKER_ROOT/containers\"");
	ck_assert_str_eq(r.out, "");
}
END_TEST

/* Issue 11, item 5: what minidocker makes in the state root is private,
 * whatever the umask; a failed run makes no state root at all. */
START_TEST(the_state_folders_are_private)
{
	struct result r = sh("umask 0; %s true && stat -c %%a \"$MINIDOCKER_ROOT/containers\" "
			     "\"$MINIDOCKER_ROOT\"/containers/*", run_line());
	ck_status(r, 0);
	ck_assert_str_eq(r.out, "700\n700\n");
	r = sh("\"$MD\" --root \"$MINIDOCKER_ROOT/new\" run base true; echo $?; ls \"$MINIDOCKER_ROOT\"/new");
	ck_assert_str_eq(r.out, "125\n");
}
END_TEST

/* The folders of the containers, and what ps -a says, must agree: one
 * row per folder, each folder exactly {rootfs, state}, no "Up" for a dead
 * one, no made-up exit time, no --rm container left. */
static void ck_no_debris(void)
{
	/* A killed run's container dies with it (PR_SET_PDEATHSIG), but not
	 * in the same instant. */
	struct result ps;
	for (int i = 0; i < 100 && strchr((ps = md(NULL, "ps", "-q", NULL)).out, '\n'); i++)
		usleep(50000);
	ps = md(NULL, "ps", "-a", NULL);
	ck_status(ps, 0);
	ck_assert_str_eq(ps.err, "");
	ck_lacks(ps.out, " Up ");
	ck_lacks(ps.out, "years");
	int rows = 0;
	for (const char *l = strchr(ps.out, '\n') + 1; *l; l = strchr(l, '\n') + 1, rows++)
		ck_assert_msg(strstr(l, "Exited (") || strstr(l, "Created"), "%s", ps.out);
	struct result f = sh("cd \"$MINIDOCKER_ROOT/containers\" && ls | wc -l && ls -A */ | sort | uniq -c | "
			     "grep -v -e ':$' -e '^ *[0-9]* $' | sed 's/^ *[0-9]* //'; grep -l '^rm=1' */state");
	char want[64];
	snprintf(want, sizeof want, "%d\n%s", rows, rows ? "rootfs\nstate\n" : "");
	ck_assert_msg(!strcmp(f.out, want), "ps -a:\n%s\nfolders:\n%s", ps.out, f.out);
}

/* Issue 11, item 7: SIGKILL of `run` (with and without --rm) at any moment,
 * from before the copy of the image to after the command's end.  The
 * delays are spread over a whole run, measured first; the seed is fixed,
 * the scheduling is not: each run of the test kills at other points. */
START_TEST(killed_runs_leave_no_debris)
{
	static const char *const plain[] = { "run", "base", "sh", "-c", "exit 3", NULL };
	static const char *const rm[] = { "run", "--rm", "base", "sh", "-c", "exit 3", NULL };
	double t0 = seconds_now();
	ck_status(md_run(NULL, "sh", "-c", "exit 3", NULL), 3);
	double whole = seconds_now() - t0;
	srand(11);
	for (int i = 0; i < 40 && seconds_now() - t0 < 20; i++) {
		pid_t pid = md_bg(NULL, i % 2 ? rm : plain);
		usleep((useconds_t)(whole * 1.2e6 * rand() / RAND_MAX));
		kill_and_reap(pid);
	}
	ck_no_debris();
}
END_TEST

/* The sweep of debris takes a container's lock without waiting, and a run
 * holds it from the mkdir on: ps in a loop never removes a container
 * that is being made, or that `start` is starting. */
START_TEST(ps_never_removes_what_is_being_made)
{
	int pid = start_bg("while :; do \"$MD\" ps -a; done");
	for (int i = 0; i < 6; i++) {
		ck_status(md(NULL, "run", "--rm", "base", "true", NULL), 0);
		ck_status(md_run(NULL, "sh", "-c", "exit 4", NULL), 4);
		ck_status(md(NULL, "start", newest_id(), NULL), 4);
	}
	kill(pid, SIGKILL);
	struct result r = sh("ls \"$MINIDOCKER_ROOT/containers\" | wc -l");
	ck_assert_str_eq(r.out, "6\n");
}
END_TEST

/* What a killed run leaves, made by hand: a folder with no state, a
 * state.PID whose writer is dead, a --rm container that ended.  The next
 * ps removes them, but not a folder with no state whose lock someone
 * holds (a run making it). */
START_TEST(debris_is_swept_but_not_a_container_being_made)
{
	const char *busy = "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb";
	ck_status(md_run(NULL, "true", NULL), 0);
	char *plain = newest_id();
	int pid = start_bg("\"$MD\" run --rm base sleep 39");
	running_id();
	kill(pid, SIGKILL);
	char dir[8300];
	snprintf(dir, sizeof dir, "%s/containers/%s", state_root(), busy);
	ck_assert_int_eq(mkdir(dir, 0700), 0);
	int lock = open(dir, O_RDONLY | O_DIRECTORY);
	ck_assert_int_eq(flock(lock, LOCK_EX), 0);
	struct result r = sh("cd \"$MINIDOCKER_ROOT/containers\" && mkdir %.64s && d=$(echo %s*) && "
			     "{ sh -c : & wait $!; } && cp $d/state $d/state.$! && ls | wc -l", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", plain);
	ck_assert_msg(!strcmp(r.out, "4\n"), "%s%s", r.out, r.err);
	/* The killed --rm run's container dies with it (PR_SET_PDEATHSIG). */
	for (int i = 0; i < 100 && strstr((r = md(NULL, "ps", "-q", NULL)).out, "\n"); i++)
		usleep(50000);
	r = md(NULL, "ps", "-a", NULL);
	ck_status(r, 0);
	r = sh("cd \"$MINIDOCKER_ROOT/containers\" && ls -A */ | grep -c '^state\\.'; ls | grep -c .");
	ck_assert_str_eq(r.out, "0\n2\n");
	ck_assert_int_eq(access(dir, F_OK), 0);
	close(lock);
	md(NULL, "ps", "-a", NULL);
	ck_assert_int_eq(access(dir, F_OK), -1);
	ck_no_debris();
}
END_TEST

/* Issue 11, item 7: a container whose minidocker was killed has no known
 * exit time; the epoch ("56 years ago") is not one. */
START_TEST(a_killed_run_has_no_made_up_exit_time)
{
	int pid = start_bg("%s sleep 40", run_line());
	running_id();
	kill(pid, SIGKILL);
	struct result r;
	for (int i = 0; i < 100 && strstr((r = md(NULL, "ps", "-q", NULL)).out, "\n"); i++)
		usleep(50000);
	r = md(NULL, "ps", "-a", NULL);
	ck_assert_msg(strstr(r.out, "   Exited (137)\n"), "%s", r.out);
}
END_TEST

/* Issue 11, bad input: a state file cut short or full of garbage is named,
 * with how to remove it; nothing else breaks. */
START_TEST(a_damaged_state_file_is_reported)
{
	md_run(NULL, "true", NULL);
	md_run(NULL, "sh", "-c", "exit 5", NULL);
	char *id = newest_id();
	const char *damage[] = { "truncate -s 100 $d/state", "echo garbage > $d/state",
				 "truncate -s 0 $d/state", "sed -i 's/^pid=/pid=x/' $d/state" };
	for (int i = 0; i < 4; i++) {
		struct result r = sh("d=$(echo \"$MINIDOCKER_ROOT\"/containers/%s*); cp $d/state $d/good; %s",
				     id, damage[i]);
		ck_status(r, 0);
		r = md(NULL, "ps", "-a", NULL);
		ck_status(r, 0);
		ck_assert_msg(strstr(r.out, "Exited (0)") && !strstr(r.out, "Exited (5)"), "%s", r.out);
		ck_contains(r.err, "has a damaged state file");
		ck_contains(r.err, "hint: nothing can be done with it but removing it: rm -rf ");
		r = md(NULL, "start", id, NULL);
		ck_status(r, 125);
		ck_contains(r.err, "has a damaged state file");
		r = md(NULL, "stop", id, NULL);
		ck_status(r, 125);
		sh("d=$(echo \"$MINIDOCKER_ROOT\"/containers/%s*); mv $d/good $d/state", id);
	}
	/* Removed as the hint says, it is gone, and all is well. */
	sh("rm -rf \"$MINIDOCKER_ROOT\"/containers/%s*", id);
	struct result r = md(NULL, "ps", "-a", NULL);
	ck_assert_str_eq(r.err, "");
	ck_contains(r.out, "Exited (0)");
}
END_TEST

/* Issue 11, bad input: the container's folder removed by hand while it
 * runs.  The run still returns the command's status, and says why it
 * could not record it. */
START_TEST(a_folder_removed_under_a_running_container)
{
	struct result r = sh("%s sh -c 'echo up; sleep 1; exit 3' > \"$MINIDOCKER_ROOT/up\" 2>\"$MINIDOCKER_ROOT/err\" & "
			     "pid=$!; i=0; until grep -q up \"$MINIDOCKER_ROOT/up\" || [ $i -ge 200 ]; "
			     "do sleep 0.05; i=$((i+1)); done; rm -rf \"$MINIDOCKER_ROOT\"/containers/*; "
			     "wait $pid; echo $?; cat \"$MINIDOCKER_ROOT/err\" >&2", run_line());
	ck_assert_str_eq(r.out, "3\n");
	ck_contains(r.err, "minidocker: record that container ");
	r = md(NULL, "ps", "-a", NULL);
	ck_status(r, 0);
	ck_assert_str_eq(r.out, "CONTAINER ID   IMAGE   COMMAND   CREATED   STATUS\n");
}
END_TEST

/* Issue 11, bad input: words where none belong, an empty --root (a script's
 * unset variable must not mean the system's state root), and the flag
 * named in "unknown flag" when it sits in a cluster. */
START_TEST(bad_input_is_refused_clearly)
{
	struct result r = md(NULL, "version", "extra", NULL);
	ck_status(r, 125);
	ck_contains(r.err, "version: unexpected argument 'extra'");
	r = md(NULL, "--root=", "ps", NULL);
	ck_status(r, 125);
	ck_contains(r.err, "flag '--root' needs a folder");
	r = md(NULL, "--root", "", "ps", "-a", NULL);
	ck_status(r, 125);
	ck_assert_str_eq(r.out, "");
	r = md(NULL, "exec", "-it", "c1", "sh", NULL);
	ck_status(r, 125);
	ck_contains(r.err, "minidocker: exec: unknown flag '-i'\n");
	r = md(NULL, "ps", "-ax", NULL);
	ck_status(r, 125);
	ck_contains(r.err, "minidocker: ps: unknown flag '-x'\n");
	r = md(NULL, "help", "run", "extra", NULL);
	ck_status(r, 125);
}
END_TEST

/* Flags after the names, as Docker takes them; run and exec still stop at
 * the command, whose flags are its own. */
START_TEST(flags_may_follow_container_names)
{
	start_bg("%s sleep 41", run_line());
	char *id = running_id();
	double t0 = seconds_now();
	struct result r = md(NULL, "stop", id, "-t", "0", NULL);
	ck_status(r, 0);
	char want[80];
	snprintf(want, sizeof want, "%s\n", id);
	ck_assert_str_eq(r.out, want);
	ck_assert_msg(seconds_now() - t0 < 5, "stop -t 0 took %.1f s", seconds_now() - t0);
	r = md_run(NULL, "ls", "-d", "/bin", NULL);
	ck_status(r, 0);
	ck_assert_str_eq(r.out, "/bin\n");
}
END_TEST

/* exec's command kept the caller's terminal as its controlling one, and
 * ioctl(TIOCSTI) pushed text into its input, which the caller's shell
 * would run once exec returned (ioctl_tty(2)).  On a pty of the test's
 * own, so that nothing could ever reach another terminal. */
START_TEST(exec_cannot_type_into_the_callers_terminal)
{
	start_bg("%s sleep 39", run_line());
	char id[65];
	snprintf(id, sizeof id, "%s", running_id());
	char script[300];
	snprintf(script, sizeof script, "exec \"$MD\" exec %s probe sti", id);
	struct pty p;
	pty_start(&p, 24, 80, script);
	int status = pty_finish(&p, 20);
	ck_assert_msg(strstr(p.out, "refused") && !strstr(p.out, "injected"), "%s", p.out);
	ck_assert_int_eq(status, 0);
	/* In a session of its own, the command still gets Ctrl-C: exec
	 * passes it on. */
	snprintf(script, sizeof script, "exec \"$MD\" exec %s sh -c 'trap \"echo got-int; exit 3\" INT; "
		 "echo ready; while :; do sleep 0.1; done'", id);
	pty_start(&p, 24, 80, script);
	ck_assert_msg(pty_expect(&p, "ready", 10), "%s", p.out);
	pty_send(&p, "\x03");
	ck_assert_int_eq(pty_finish(&p, 10), 3);
	ck_contains(p.out, "got-int");
	md(NULL, "stop", "-t", "0", id, NULL);
}
END_TEST

int main(void)
{
	stage = "v0.8";
	with_image = 1;
	Suite *s = suite_create(stage);
	add_basic_tests(s, 1, 1);
	add_session_tests(s);
	add_mount_tests(s);
	add_image_tests(s);
	add_userns_hint_tests(s, 1);
	add_cli_tests(s, 1);
	TCase *tc = tcase(s, "hardening");
	add_root_test(tc, exec_right_after_start_is_inside_the_container);
	add_root_test(tc, the_callers_fds_do_not_cross);
	add_root_test(tc, signals_start_at_their_defaults);
	add_root_test(tc, the_runtime_binary_is_out_of_reach);
	add_root_test(tc, a_3000_level_tree_copies_and_is_removed);
	add_deep_copy_test(tc);
	add_root_test(tc, the_state_folders_are_private);
	add_root_test(tc, killed_runs_leave_no_debris);
	add_root_test(tc, ps_never_removes_what_is_being_made);
	add_root_test(tc, debris_is_swept_but_not_a_container_being_made);
	add_root_test(tc, a_killed_run_has_no_made_up_exit_time);
	add_root_test(tc, a_damaged_state_file_is_reported);
	add_root_test(tc, a_folder_removed_under_a_running_container);
	add_root_test(tc, bad_input_is_refused_clearly);
	add_root_test(tc, flags_may_follow_container_names);
	add_root_test(tc, exec_cannot_type_into_the_callers_terminal);
	return run_suite(s);
}
