/* v2.0 driven by containerd: Debian's containerd 1.6 and its runc shim
 * (containerd-shim-runc-v2) run the stage's minidocker-oci, chosen with
 * `ctr run --runc-binary`: the shim's BinaryName option, which is also
 * what a Kubernetes RuntimeClass names through containerd's CRI plugin.
 *
 * Each test starts a containerd of its own and stops it at the end:
 *   - its root, state and socket under the test's state root
 *     (ROOT/containerd), its own config.toml
 *     (tests/oci/containerd-private.toml: no CRI, no /opt/containerd);
 *   - a tmpfs on /run, in the test's mount namespace: the shims' sockets
 *     (/run/containerd/s/HASH) and ctr's fifos (/run/containerd/fifo)
 *     have no flag to move them;
 *   - in PID and mount namespaces of its own below the test's
 *     (unshare --pid --mount-proc, killed with the test's process:
 *     PR_SET_PDEATHSIG): a test that fails half-way leaves no shim, container
 *     or rootfs mount behind, since they all die with the namespace.
 * The runtime's root (the shim's Root option, --runc-root) is
 * ROOT/containerd/oci; the shim adds the namespace's name to it.  An
 * empty trace.log there turns minidocker-oci's MINIDOCKER_DEBUG trace of
 * each call's argv on.  Containers get cgroups under the test's own
 * cgroup parent (ctr run --cgroup). */
#include "features.h"

#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#define IMAGE "docker.io/library/base:latest"
#define NS "minidocker"

static char dir[4096];
static int daemon_pid;

static int need_containerd(const char *test)
{
	if (geteuid() != 0)
		return skip_test(test, "needs root");
	if (!in_path("containerd") || !in_path("ctr") || !in_path("containerd-shim-runc-v2"))
		return skip_test(test, "needs containerd: scripts/install-deps installs Debian's");
	return 1;
}
#define add_containerd_test(tc, fn) do { if (need_containerd(#fn)) tcase_add_test(tc, fn); } while (0)

/* ctr -a SOCK -n md ARGS... (NULL-terminated). */
static struct result ctr(const char *first, ...)
{
	char sock[4200], *argv[72];
	int n = 0;
	va_list ap;

	snprintf(sock, sizeof sock, "%s/containerd.sock", dir);
	argv[n++] = "ctr";
	argv[n++] = "-a";
	argv[n++] = sock;
	argv[n++] = "-n";
	argv[n++] = NS;
	argv[n++] = (char *)first;
	va_start(ap, first);
	while (n < 71 && (argv[n] = va_arg(ap, char *)))
		n++;
	va_end(ap);
	argv[n] = NULL;
	return run_argv(NULL, 60, argv);
}

/* Start the test's containerd, and import the base image into it as
 * v2.0's `save` writes it (a docker-archive): IMAGE. */
static void containerd_start(void)
{
	own_mount_ns(0);
	snprintf(dir, sizeof dir, "%s/containerd", state_root());
	struct result r = sh("d='%s' && mkdir -p \"$d/oci/%s\" && touch \"$d/oci/%s/trace.log\" && "
			     "sed \"s|@DIR@|$d|g\" '%s/tests/oci/containerd-private.toml' >\"$d/config.toml\" && "
			     "mount -t tmpfs -o size=16m,mode=0755 ocictr /run",
			     dir, NS, NS, TOP);
	ck_status(r, 0);
	free_result(&r);
	char conf[4200], log[4200];
	snprintf(conf, sizeof conf, "%s/config.toml", dir);
	snprintf(log, sizeof log, "%s/containerd.log", dir);
	daemon_pid = fork();
	ck_assert_int_ge(daemon_pid, 0);
	if (daemon_pid == 0) {
		/* Killed if the test's process ends first (the namespace's
		 * init, containerd, takes everything in it along). */
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		int fd = open(log, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
		int null = open("/dev/null", O_RDONLY | O_CLOEXEC);
		if (fd < 0 || null < 0 || dup2(null, 0) < 0 || dup2(fd, 1) < 0 || dup2(fd, 2) < 0)
			_exit(126);
		execlp("unshare", "unshare", "--pid", "--mount-proc", "--kill-child", "containerd", "--config", conf,
		       (char *)NULL);
		_exit(127);
	}
	int up = 0;
	char sock[4200];
	snprintf(sock, sizeof sock, "%s/containerd.sock", dir);
	for (struct deadline d = deadline(20 * time_scale()); !up && keep_polling(&d);) {
		if (access(sock, F_OK) != 0)
			continue;
		r = ctr("version", NULL);
		up = r.status == 0;
		free_result(&r);
	}
	snprintf(log, sizeof log, "%s/containerd.log", dir);
	char *text = read_file(log);
	ck_assert_msg(up, "containerd did not start:\n%s", text ? text : "");
	free(text);
	char tar[4200];
	snprintf(tar, sizeof tar, "%s/base.tar", dir);
	r = md(NULL, "save", "-o", tar, "base", NULL);
	ck_status(r, 0);
	free_result(&r);
	r = ctr("images", "import", tar, NULL);
	ck_status(r, 0);
	ck_contains(r.out, IMAGE);
	free_result(&r);
}

/* Check that no task, container or shim is left, stop the daemon
 * (SIGTERM: it closes its socket and exits 0), and check that nothing of
 * it is left: no process under the test whose command line names the
 * folder, no container cgroup, no container in the runtime's root, no
 * mount of the folder's; then remove it. */
static void containerd_end(void)
{
	struct result r = ctr("tasks", "ls", "-q", NULL);
	ck_status(r, 0);
	ck_assert_str_eq(r.out, "");
	free_result(&r);
	r = ctr("containers", "ls", "-q", NULL);
	ck_status(r, 0);
	ck_assert_str_eq(r.out, "");
	free_result(&r);
	/* Each shim exits once its container is deleted. */
	ck_assert_int_eq(wait_tree(daemon_pid, "containerd-shim", 0, 20), 0);
	/* unshare ignores SIGTERM and waits for its child: the daemon. */
	struct procs p = proc_tree(daemon_pid, "containerd --config");
	int daemon = 0;
	for (int i = 0; i < p.n; i++)
		if (p.pid[i] != daemon_pid)
			daemon = p.pid[i];
	ck_assert_int_gt(daemon, 0);
	/* The shims mounted the containers' roots (BUNDLE/rootfs) in the
	 * daemon's mount namespace: none is left there. */
	char path[64];
	snprintf(path, sizeof path, "/proc/%d/mountinfo", daemon);
	char *mounts = read_file(path);
	ck_assert_ptr_nonnull(mounts);
	ck_lacks(mounts, "io.containerd.runtime.v2.task");
	free(mounts);
	ck_assert_int_eq(kill(daemon, SIGTERM), 0);
	ck_assert_int_eq(wait_exit(daemon_pid, 20), 0);
	ck_assert_int_eq(wait_tree(getpid(), dir, 0, 20), 0);
	char *left = cgroups_left();
	ck_assert_str_eq(left, "");
	free(left);
	r = sh("cd '%s' && find oci runc -mindepth 2 ! -name trace.log 2>/dev/null", dir);
	ck_assert_str_eq(r.out, "");
	free_result(&r);
	mounts = read_file("/proc/self/mountinfo");
	ck_assert_ptr_nonnull(mounts);
	ck_lacks(mounts, dir);
	free(mounts);
	r = sh("rm -rf '%s' && umount /run", dir);
	ck_status(r, 0);
	free_result(&r);
}

/* ctr run --rm --runc-binary RUNTIME IMAGE ID ARGS... (NULL-terminated),
 * its cgroup PARENT/ctr-ID under the test's; RUNTIME "runc" (the
 * reference) has a root of its own, ROOT/containerd/runc. */
static struct result ctr_run(const char *runtime, const char *id, ...)
{
	char bin[4200], root[4200], cgroup[4200], *args[32];
	int n = 0;
	va_list ap;

	int runc = !strcmp(runtime, "runc");
	snprintf(bin, sizeof bin, "%s/v2.0/minidocker-oci", TOP);
	snprintf(root, sizeof root, "%s/%s", dir, runc ? "runc" : "oci");
	snprintf(cgroup, sizeof cgroup, "/%s/ctr-%s", cgroup_parent(), id);
	va_start(ap, id);
	while (n < 31 && (args[n] = va_arg(ap, char *)))
		n++;
	va_end(ap);
	for (; n < 31; n++)
		args[n] = NULL;
	return ctr("run", "--rm", "--cgroup", cgroup, "--runc-binary", runc ? "runc" : bin,
		   "--runc-root", root, IMAGE, id, args[0], args[1], args[2], args[3], args[4], args[5], NULL);
}

static char *trace(void)
{
	char path[4200];

	snprintf(path, sizeof path, "%s/oci/%s/trace.log", dir, NS);
	char *t = read_file(path);
	ck_assert_ptr_nonnull(t);
	return t;
}

START_TEST(ctr_run_prints_and_exits_as_with_runc)
{
	containerd_start();
	struct result r = ctr_run("minidocker-oci", "c1", "sh", "-c", "echo hi; grep :memory: /proc/self/cgroup", NULL);
	ck_status(r, 0);
	/* Its cgroup is the one ctr asked for (cgroupsPath). */
	char line[4400];
	snprintf(line, sizeof line, ":memory:/%s/ctr-c1\n", cgroup_parent());
	ck_assert_msg(!strncmp(r.out, "hi\n", 3) && strstr(r.out, line), "want hi and %s in:\n%s", line, r.out);
	free_result(&r);
	/* The shim's calls: every one with the runtime root, a log file
	 * in the bundle and its JSON format (runc's, which the shim reads
	 * an error message from); create with the bundle and a pid file. */
	char *t = trace();
	ck_contains(t, " --log-format json create --bundle ");
	ck_contains(t, " --pid-file ");
	ck_contains(t, "/init.pid c1]");
	ck_contains(t, " --log-format json start c1]");
	ck_contains(t, " --log-format json delete c1]");
	ck_lacks(t, "--systemd-cgroup");
	free(t);

	/* Exit statuses, as the shell gives them (126: not executable, 127:
	 * not found), each as with runc; then a command that is not there:
	 * ctr shows the message the runtime logged, as JSON, for the shim. */
	static const struct {
		const char *cmd;
		int status;
	} runs[] = { { "exit 0", 0 }, { "exit 3", 3 }, { "/etc/passwd", 126 }, { "nosuch", 127 } };
	for (size_t i = 0; i < sizeof runs / sizeof runs[0]; i++) {
		char id[16];
		snprintf(id, sizeof id, "s%zu", i);
		struct result want = ctr_run("runc", id, "sh", "-c", runs[i].cmd, NULL);
		struct result got = ctr_run("minidocker-oci", id, "sh", "-c", runs[i].cmd, NULL);
		ck_assert_msg(want.status == runs[i].status, "runc: %s: %d\n%s", runs[i].cmd, want.status, want.err);
		ck_assert_msg(got.status == want.status, "%s: %d, runc %d\n%s", runs[i].cmd, got.status, want.status,
			      got.err);
		free_result(&want);
		free_result(&got);
	}
	struct result want = ctr_run("runc", "n1", "nosuch", NULL);
	r = ctr_run("minidocker-oci", "n1", "nosuch", NULL);
	ck_assert_int_eq(r.status, want.status);
	ck_contains(want.err, "OCI runtime create failed");
	ck_contains(r.err, "OCI runtime create failed: exec: \"nosuch\": executable file not found in $PATH");
	free_result(&r);
	free_result(&want);
	containerd_end();
}
END_TEST

/* ctr task ls's STATUS (or, with PID, its PID) of task ID; "" if none. */
static char *task_ls(const char *id, int pid)
{
	struct result r = ctr("tasks", "ls", NULL);
	ck_status(r, 0);
	char *value = strdup("");
	for (char *line = strtok(r.out, "\n"); line; line = strtok(NULL, "\n")) {
		char name[256], p[32], st[64];
		if (sscanf(line, "%255s %31s %63s", name, p, st) == 3 && !strcmp(name, id)) {
			free(value);
			value = strdup(pid ? p : st);
		}
	}
	free_result(&r);
	ck_assert_ptr_nonnull(value);
	return value;
}

static void wait_status(const char *id, const char *want)
{
	char *st = NULL;
	for (struct deadline d = deadline(10 * time_scale()); keep_polling(&d);) {
		free(st);
		st = task_ls(id, 0);
		if (!strcmp(st, want))
			break;
	}
	ck_assert_msg(!strcmp(st, want), "task %s: %s, want %s", id, st, want);
	free(st);
}

/* The shim's other calls: exec (--process, --detach), ps, pause and
 * resume (the freezer), kill, as `ctr task` asks for them. */
START_TEST(ctr_task_exec_ps_pause_kill)
{
	containerd_start();
	char bin[4200], root[4200], cgroup[4200];
	snprintf(bin, sizeof bin, "%s/v2.0/minidocker-oci", TOP);
	snprintf(root, sizeof root, "%s/oci", dir);
	snprintf(cgroup, sizeof cgroup, "/%s/ctr-d1", cgroup_parent());
	/* PID 1 ignores SIGTERM (no handler), as under runc. */
	struct result r = ctr("run", "-d", "--cgroup", cgroup, "--runc-binary", bin, "--runc-root", root, IMAGE, "d1",
			      "sleep", "1000", NULL);
	ck_status(r, 0);
	free_result(&r);
	wait_status("d1", "RUNNING");
	r = ctr("tasks", "exec", "--exec-id", "e1", "d1", "sh", "-c", "echo in; cat /proc/1/comm; exit 4", NULL);
	ck_status(r, 4);
	ck_assert_str_eq(r.out, "in\nsleep\n");
	free_result(&r);
	/* ps: the container's processes (here its init alone), by PID. */
	r = ctr("tasks", "ps", "d1", NULL);
	ck_status(r, 0);
	char *pid = task_ls("d1", 1), got[32] = "";
	ck_assert_int_eq(sscanf(r.out, "PID INFO %31s -", got), 1);
	ck_assert_str_eq(got, pid);
	ck_assert_int_eq(strlen(strchr(r.out, '\n') + 1), strcspn(strchr(r.out, '\n') + 1, "\n") + 1);
	free(pid);
	free_result(&r);
	r = ctr("tasks", "pause", "d1", NULL);
	ck_status(r, 0);
	free_result(&r);
	wait_status("d1", "PAUSED");
	r = ctr("tasks", "resume", "d1", NULL);
	ck_status(r, 0);
	free_result(&r);
	wait_status("d1", "RUNNING");
	r = ctr("tasks", "kill", "-s", "SIGKILL", "d1", NULL);
	ck_status(r, 0);
	free_result(&r);
	wait_status("d1", "STOPPED");
	r = ctr("tasks", "delete", "d1", NULL);
	ck_status(r, 0);
	ck_contains(r.err, "exit code 137");
	free_result(&r);
	r = ctr("containers", "delete", "d1", NULL);
	ck_status(r, 0);
	free_result(&r);
	char *t = trace();
	ck_contains(t, " exec --process ");
	ck_contains(t, " --detach --pid-file ");
	ck_contains(t, "/e1.pid d1]");
	ck_contains(t, " ps --format json d1]");
	ck_contains(t, " pause d1]");
	ck_contains(t, " resume d1]");
	ck_contains(t, " kill d1 9]");
	free(t);
	containerd_end();
}
END_TEST

/* ctr run -t: the shim gives create a --console-socket, on which the
 * runtime sends the pty's master; the shim copies it to ctr's terminal.
 * Not checked: the terminal's size.  ctr 1.6 writes no
 * process.consoleSize and resizes the pty through the shim after the
 * start, and `stty size` in the container read 0 0 in about half of the
 * runs, as often with runc as with minidocker-oci. */
START_TEST(ctr_run_t_gets_a_terminal)
{
	containerd_start();
	char cmd[16384];
	snprintf(cmd, sizeof cmd,
		 "ctr -a '%s/containerd.sock' -n %s run --rm -t --cgroup '/%s/ctr-t1' --runc-binary '%s/v2.0/minidocker-oci' "
		 "--runc-root '%s/oci' %s t1 sh -c 'tty; read x; echo got $x; exit 3'",
		 dir, NS, cgroup_parent(), TOP, dir, IMAGE);
	struct pty p;
	pty_start(&p, 30, 100, cmd);
	ck_assert_msg(pty_expect(&p, "/dev/pts/0", 30), "no terminal in:\n%s", p.out);
	pty_send(&p, "typed\r");
	ck_assert_msg(pty_expect(&p, "got typed", 20), "no echo of input in:\n%s", p.out);
	/* The pty echoes what was typed: a terminal's line discipline. */
	char *echoed = strstr(p.out, "typed");
	ck_assert_msg(echoed && echoed - p.out >= 4 && strncmp(echoed - 4, "got ", 4), "no echo in:\n%s", p.out);
	ck_assert_int_eq(pty_finish(&p, 30), 3);
	char *t = trace();
	ck_contains(t, " --console-socket ");
	free(t);
	containerd_end();
}
END_TEST

/* The RuntimeClass's side of containerd (tests/oci/containerd-runtimeclass.toml,
 * the note's): the CRI plugin reads a runtime "minidocker" of type
 * io.containerd.runc.v2 whose shim option BinaryName is minidocker-oci,
 * the option ctr's --runc-binary sets in the tests above.  `config dump`
 * prints the configuration as containerd took it, the CRI plugin's own
 * fields filled in; it starts no daemon. */
START_TEST(containerd_reads_the_runtimeclass_config)
{
	char cmd[4200];
	snprintf(cmd, sizeof cmd, "containerd --config '%s/tests/oci/containerd-runtimeclass.toml' config dump", TOP);
	struct result r = sh("%s", cmd);
	ck_status(r, 0);
	const char *entry = "[plugins.\"io.containerd.grpc.v1.cri\".containerd.runtimes.minidocker]";
	ck_contains(r.out, entry);
	char *at = strstr(r.out, entry);
	ck_contains(at, "runtime_type = \"io.containerd.runc.v2\"");
	ck_contains(at, "[plugins.\"io.containerd.grpc.v1.cri\".containerd.runtimes.minidocker.options]\n"
			"            BinaryName = \"/usr/local/bin/minidocker-oci\"\n");
	/* The CRI plugin read it: its own defaults are there. */
	ck_contains(r.out, "default_runtime_name = \"runc\"");
	free_result(&r);
}
END_TEST

void add_ocictr_tests(Suite *s)
{
	TCase *tc = tcase(s, "containerd runtime");

	tcase_set_timeout(tc, 120 * time_scale());
	add_containerd_test(tc, ctr_run_prints_and_exits_as_with_runc);
	add_containerd_test(tc, ctr_task_exec_ps_pause_kill);
	add_containerd_test(tc, ctr_run_t_gets_a_terminal);
	add_containerd_test(tc, containerd_reads_the_runtimeclass_config);
}
