/* v2.0 driven by a real caller: Debian's podman 4.3, with conmon, runs
 * the stage's minidocker-oci as its OCI runtime (podman --runtime).
 * podman keeps everything of its own in the test's state root
 * (tests/podman.c, tests/podman-private); the runtime is called through
 * DIR/bin/minidocker-oci, a two-line wrapper that adds --root=DIR/oci, so
 * that every call (podman's, conmon's, and the `podman container
 * cleanup` conmon starts, which gets podman's --runtime but not its
 * --runtime-flag) uses the test's own runtime root.  runc, the
 * reference, gets the same wrapper (DIR/bin/runc, --root=DIR/runc): exit
 * statuses and messages are compared with it.  Containers get cgroups
 * under the test's own cgroup parent (--cgroup-parent). */
#include "features.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static const char *pdir(void)
{
	static char buf[4200];

	if (!podman_dir()[0]) {
		/* The first podman() sets the folder up. */
		struct result r = podman(NULL, "version", "-f", "{{.Client.Version}}", NULL);
		ck_status(r, 0);
		free_result(&r);
	}
	snprintf(buf, sizeof buf, "%s", podman_dir());
	return buf;
}

/* DIR/bin/NAME: PROG with --root=DIR/NAME, and trace.log there, which
 * turns minidocker-oci's MINIDOCKER_DEBUG trace on (podman gives conmon an
 * environment of its own). */
static void wrapper(const char *name, const char *prog)
{
	struct result r = sh("d='%s' && mkdir -p \"$d/%s\" && touch \"$d/%s/trace.log\" && "
			     "printf '#!/bin/sh\\nexec %%s --root=%%s \"$@\"\\n' '%s' \"$d/%s\" >\"$d/bin/%s\" && "
			     "chmod 755 \"$d/bin/%s\"",
			     pdir(), name, name, prog, name, name, name);
	ck_status(r, 0);
	free_result(&r);
}

static void setup_podman(void)
{
	char oci[4200];

	snprintf(oci, sizeof oci, "%s/v2.0/minidocker-oci", TOP);
	wrapper("minidocker-oci", oci);
	wrapper("runc", "/usr/bin/runc");
	ck_status(sh("tar -C \"$MINIDOCKER_ROOT/images/base\" -cf \"$MINIDOCKER_ROOT/base.tar\" ."), 0);
	char tar[4200];
	snprintf(tar, sizeof tar, "%s/base.tar", state_root());
	ck_status(podman(NULL, "import", "-q", tar, "localhost/base", NULL), 0);
}

/* podman --runtime DIR/bin/RT ARGS... (NULL-terminated), IN on stdin. */
static struct result pm(const char *in, const char *rt, ...)
{
	char script[4200], runtime[4200], *argv[72];
	int n = 0;
	va_list ap;

	snprintf(script, sizeof script, "%s/tests/podman-private", TOP);
	snprintf(runtime, sizeof runtime, "%s/bin/%s", pdir(), rt);
	argv[n++] = script;
	argv[n++] = (char *)pdir();
	argv[n++] = "--runtime";
	argv[n++] = runtime;
	va_start(ap, rt);
	while (n < 71 && (argv[n] = va_arg(ap, char *)))
		n++;
	va_end(ap);
	argv[n] = NULL;
	return run_argv(in, 120, argv);
}

/* run -i --rm --network none --cgroup-parent OURS IMAGE sh -c CMD */
static struct result pm_sh(const char *rt, const char *cmd)
{
	char parent[4200];

	snprintf(parent, sizeof parent, "/%s", cgroup_parent());
	return pm("", rt, "run", "-i", "--rm", "--network", "none", "--cgroup-parent", parent,
		  "localhost/base", "sh", "-c", cmd, NULL);
}

/* The same, for the one word CMD as the container's command. */
static struct result pm_cmd(const char *rt, const char *cmd)
{
	char parent[4200];

	snprintf(parent, sizeof parent, "/%s", cgroup_parent());
	return pm("", rt, "run", "-i", "--rm", "--network", "none", "--cgroup-parent", parent, "localhost/base", cmd,
		  NULL);
}

static char *trace(void)
{
	char path[4200];

	snprintf(path, sizeof path, "%s/minidocker-oci/trace.log", pdir());
	char *t = read_file(path);
	ck_assert_ptr_nonnull(t);
	return t;
}

/* The container's cgroup (PARENT/libpod-ID) is gone; conmon's own
 * (PARENT/conmon, podman's) stays until the test's parent goes. */
static void no_container_cgroup_left(void)
{
	char *left = cgroups_left();
	ck_lacks(left, "libpod-");
	free(left);
}

START_TEST(podman_run_prints_and_exits_as_with_runc)
{
	setup_podman();
	char parent[4200];
	snprintf(parent, sizeof parent, "/%s", cgroup_parent());
	struct result r = pm("", "minidocker-oci", "run", "-i", "--rm", "--network", "none", "--cgroup-parent",
			     parent, "localhost/base", "echo", "hi", NULL);
	ck_status(r, 0);
	ck_assert_str_eq(r.out, "hi\n");
	free_result(&r);
	/* The argv conmon gave, as MINIDOCKER_DEBUG traced it. */
	char *t = trace();
	ck_contains(t, "--root=");
	ck_contains(t, " create --bundle ");
	ck_contains(t, " --pid-file ");
	ck_contains(t, " start ");
	ck_contains(t, " delete --force ");
	free(t);

	/* Exit statuses: the command's, 126 (not executable), 127 (not
	 * found), each as podman + runc gives it, with the runtime's reason. */
	static const struct {
		const char *cmd;
		int status;
		const char *why;
	} runs[] = {
		{ "exit 0", 0, NULL },
		{ "exit 3", 3, NULL },
		{ "exec /etc/passwd", 126, NULL },
		{ "exec nosuch", 127, NULL },
	};
	for (size_t i = 0; i < sizeof runs / sizeof runs[0]; i++) {
		struct result want = pm_sh("runc", runs[i].cmd);
		struct result got = pm_sh("minidocker-oci", runs[i].cmd);
		ck_assert_msg(want.status == runs[i].status, "runc: %s: %d\n%s", runs[i].cmd, want.status, want.err);
		ck_assert_msg(got.status == want.status, "%s: %d, runc %d\n%s", runs[i].cmd, got.status, want.status,
			      got.err);
		free_result(&want);
		free_result(&got);
	}
	/* A command that is not there: podman shows the runtime's message,
	 * which names it (podman reads "not found" to pick 127). */
	r = pm_cmd("minidocker-oci", "nosuch");
	ck_status(r, 127);
	ck_contains(r.err, "minidocker-oci");
	ck_contains(r.err, "nosuch");
	ck_contains(r.err, "not found");
	free_result(&r);
	r = pm_cmd("minidocker-oci", "/etc/passwd");
	ck_status(r, 126);
	ck_contains(r.err, "/etc/passwd");
	ck_contains(r.err, "permission denied");
	free_result(&r);
	no_container_cgroup_left();
	podman_end();
}
END_TEST

START_TEST(podman_run_it_gets_a_terminal)
{
	setup_podman();
	char cmd[16384];
	snprintf(cmd, sizeof cmd,
		 "'%s/tests/podman-private' '%s' --runtime '%s/bin/minidocker-oci' run -it --rm --network none "
		 "--cgroup-parent '/%s' localhost/base sh -c 'tty; stty size; read x; echo got $x; exit 3'",
		 TOP, pdir(), pdir(), cgroup_parent());
	struct pty p;
	pty_start(&p, 30, 100, cmd);
	ck_assert_msg(pty_expect(&p, "30 100", 60), "no terminal size in:\n%s", p.out);
	ck_contains(p.out, "/dev/pts/0");
	pty_send(&p, "typed\r");
	ck_assert_msg(pty_expect(&p, "got typed", 20), "no echo of input in:\n%s", p.out);
	ck_assert_int_eq(pty_finish(&p, 30), 3);
	podman_end();
}
END_TEST

START_TEST(podman_detached_exec_logs_stop_rm)
{
	setup_podman();
	char parent[4200];
	snprintf(parent, sizeof parent, "/%s", cgroup_parent());
	/* PID 1 ignores SIGTERM (no handler): stop kills it, 137. */
	struct result r = pm("", "minidocker-oci", "run", "-i", "-d", "--name", "d1", "--network", "none",
			     "--cgroup-parent", parent, "localhost/base", "sh", "-c", "echo started; exec sleep 1000",
			     NULL);
	ck_status(r, 0);
	free_result(&r);
	r = pm("", "minidocker-oci", "exec", "-i", "-e", "X=in", "d1", "sh", "-c", "echo $X; tr \\\\0 ' ' </proc/1/cmdline",
	       NULL);
	ck_status(r, 0);
	ck_assert_str_eq(r.out, "in\nsleep 1000 ");
	free_result(&r);
	r = pm("", "minidocker-oci", "exec", "-i", "d1", "sh", "-c", "exit 4", NULL);
	ck_status(r, 4);
	free_result(&r);
	r = pm("", "minidocker-oci", "logs", "d1", NULL);
	ck_status(r, 0);
	ck_assert_str_eq(r.out, "started\n");
	free_result(&r);
	r = pm("", "minidocker-oci", "inspect", "-f", "{{.State.Status}}", "d1", NULL);
	ck_status(r, 0);
	ck_assert_str_eq(r.out, "running\n");
	free_result(&r);
	r = pm("", "minidocker-oci", "stop", "-t", "1", "d1", NULL);
	ck_status(r, 0);
	free_result(&r);
	r = pm("", "minidocker-oci", "inspect", "-f", "{{.State.Status}} {{.State.ExitCode}}", "d1", NULL);
	ck_status(r, 0);
	ck_assert_str_eq(r.out, "exited 137\n");
	free_result(&r);
	r = pm("", "minidocker-oci", "rm", "d1", NULL);
	ck_status(r, 0);
	free_result(&r);
	char *t = trace();
	ck_contains(t, " exec --pid-file ");
	ck_contains(t, " --process ");
	ck_contains(t, " kill ");
	free(t);
	no_container_cgroup_left();
	podman_end();
}
END_TEST

START_TEST(podman_run_options_reach_the_container)
{
	setup_podman();
	char parent[4200], vol[4200];
	snprintf(parent, sizeof parent, "/%s", cgroup_parent());
	ck_status(sh("mkdir -p \"$MINIDOCKER_ROOT/vol\" && echo from-host > \"$MINIDOCKER_ROOT/vol/f\""), 0);
	snprintf(vol, sizeof vol, "%s/vol:/data", state_root());
	struct result r = pm("", "minidocker-oci", "run", "-i", "--rm", "--network", "none", "--cgroup-parent", parent,
			     "-v", vol, "-e", "FOO=bar", "-w", "/tmp", "-u", "1000:1000", "--cap-drop", "ALL",
			     "--read-only", "localhost/base", "sh", "-c",
			     "echo $FOO; pwd; id -u; id -g; cat /data/f; grep CapEff /proc/self/status; "
			     "touch /x 2>&1; echo t=$?",
			     NULL);
	ck_status(r, 0);
	ck_assert_str_eq(r.out, "bar\n/tmp\n1000\n1000\nfrom-host\nCapEff:\t0000000000000000\n"
				"touch: /x: Read-only file system\nt=1\n");
	free_result(&r);
	/* --pids-limit: the 21st process cannot be made. */
	r = pm("", "minidocker-oci", "run", "-i", "--rm", "--network", "none", "--cgroup-parent", parent,
	       "--pids-limit", "20", "localhost/base", "sh", "-c",
	       "for i in $(seq 30); do sleep 30 & done 2>&1; echo made $(jobs -p | wc -l)", NULL);
	ck_contains(r.out, "can't fork");
	ck_lacks(r.out, "made 30");
	free_result(&r);
	/* --memory 32m: the OOM killer kills PID 1: 137, as runc's. */
	r = pm("", "minidocker-oci", "run", "-i", "--rm", "--network", "none", "--cgroup-parent", parent,
	       "--memory", "32m", "--memory-swap", "32m", "localhost/base", "awk",
	       "BEGIN { s = \"x\"; while (1) s = s s }", NULL);
	ck_status(r, 137);
	free_result(&r);
	no_container_cgroup_left();
	podman_end();
}
END_TEST

/* podman's default network: its CNI bridge (cni-podman0, 10.88.0.1/16),
 * a veth into the network namespace it makes in /run/netns, which the
 * runtime joins (linux.namespaces' "path"), and a port published with -p
 * that the test reaches at 127.0.0.1.  All of it in the test's own
 * network and mount namespaces: a tmpfs on /run (podman's netns files,
 * CNI's locks), podman-private's on /var/lib (CNI's cache and the
 * host-local IPAM's leases in /var/lib/cni), and a private
 * /etc/containers (only policy.json, which podman reads). */
START_TEST(podman_default_network_reaches_a_published_port)
{
	if (!with_network)
		own_net_ns();
	struct result r = sh("mount -t tmpfs -o size=16m ocipodman /run && "
			     "mkdir -p \"$MINIDOCKER_ROOT/etc-containers\" && "
			     "cp /etc/containers/policy.json \"$MINIDOCKER_ROOT/etc-containers/\" && "
			     "mount --bind \"$MINIDOCKER_ROOT/etc-containers\" /etc/containers");
	ck_status(r, 0);
	free_result(&r);
	setup_podman();
	char parent[4200];
	snprintf(parent, sizeof parent, "/%s", cgroup_parent());
	r = pm("", "minidocker-oci", "run", "-i", "-d", "--name", "web", "-p", "18080:80", "--cgroup-parent", parent,
	       "localhost/base", "sh", "-c", "mkdir /w && echo served > /w/index.html && exec httpd -f -p 80 -h /w",
	       NULL);
	ck_status(r, 0);
	free_result(&r);
	r = sh("for i in $(seq 50); do wget -q -O - http://127.0.0.1:18080/ && exit; sleep 0.2; done; exit 1");
	ck_status(r, 0);
	ck_assert_str_eq(r.out, "served\n");
	free_result(&r);
	/* The container's network namespace is podman's, joined by path. */
	r = pm("", "minidocker-oci", "exec", "-i", "web", "sh", "-c", "ip -4 -o addr show eth0 | grep -o '10\\.88\\.[0-9.]*/16'", NULL);
	ck_status(r, 0);
	ck_contains(r.out, "10.88.");
	free_result(&r);
	r = pm("", "minidocker-oci", "rm", "-f", "-t", "0", "web", NULL);
	ck_status(r, 0);
	free_result(&r);
	podman_end();
}
END_TEST

void add_ocipodman_tests(Suite *s)
{
	TCase *tc = tcase(s, "podman runtime");

	tcase_set_timeout(tc, 300 * time_scale());
	add_podman_test(tc, podman_run_prints_and_exits_as_with_runc);
	add_podman_test(tc, podman_run_it_gets_a_terminal);
	add_podman_test(tc, podman_detached_exec_logs_stop_rm);
	add_podman_test(tc, podman_run_options_reach_the_container);
	add_podman_test(tc, podman_default_network_reaches_a_published_port);
}
