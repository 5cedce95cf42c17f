/* v2.0: minidocker-oci, runc's command line, driven as conmon drives a
 * runtime: create, state, start, kill, delete, exec, ps, features.
 *
 * Each test makes its own OCI bundle in its state root (a copy of the
 * base image as rootfs, a config.json written here) and its own --root.
 * The test process is a subreaper (harness.c), as conmon is: the
 * container's init, left by create, becomes its child, and wait_exit
 * collects the exit status a caller sees.  The init keeps create's
 * stdout and stderr, so creates that succeed write them to files. */
#include "features.h"

#include <jansson.h>
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

/* A bundle NAME whose process runs ARGS (a JSON array), with a terminal
 * if TERMINAL; its cgroup under the test's cgroup parent.  EXTRA: more
 * members of config.json's top object, or "". */
static void make_bundle_with(const char *name, const char *args, int terminal, const char *extra)
{
	struct result r = sh("set -e; mkdir -p \"%s\"; cp -a \"%s\" \"%s/rootfs\"", bundle(name),
			     layer_dir("base"), bundle(name));
	ck_status(r, 0);
	char path[4200];
	snprintf(path, sizeof path, "%s/config.json", bundle(name));
	FILE *f = fopen(path, "w");
	ck_assert_ptr_nonnull(f);
	fprintf(f,
		"{\"ociVersion\": \"1.0.2\",\n"
		" \"process\": {\"terminal\": %s, \"user\": {\"uid\": 0, \"gid\": 0}, \"args\": %s,\n"
		"   \"env\": [\"PATH=/bin:/sbin:/usr/bin\", \"TERM=xterm\"], \"cwd\": \"/\"},\n"
		" \"root\": {\"path\": \"rootfs\"}, \"hostname\": \"oci-%s\",\n"
		" \"mounts\": [{\"destination\": \"/proc\", \"type\": \"proc\", \"source\": \"proc\"},\n"
		"   {\"destination\": \"/dev\", \"type\": \"tmpfs\", \"source\": \"tmpfs\",\n"
		"    \"options\": [\"nosuid\", \"strictatime\", \"mode=755\", \"size=65536k\"]},\n"
		"   {\"destination\": \"/dev/pts\", \"type\": \"devpts\", \"source\": \"devpts\",\n"
		"    \"options\": [\"nosuid\", \"noexec\", \"newinstance\", \"ptmxmode=0666\", \"mode=0620\"]}],\n"
		" %s%s"
		" \"linux\": {\"cgroupsPath\": \"/%s/%s\",\n"
		"   \"namespaces\": [{\"type\": \"pid\"}, {\"type\": \"mount\"}, {\"type\": \"ipc\"},\n"
		"                  {\"type\": \"uts\"}, {\"type\": \"network\"}]}}\n",
		terminal ? "true" : "false", args, name, extra, *extra ? ",\n" : "", cgroup_parent(), name);
	ck_assert_int_eq(fclose(f), 0);
}

static void make_bundle(const char *name, const char *args)
{
	make_bundle_with(name, args, 0, "");
}

/* create NAME from its bundle, its output into ROOT/NAME.out and .err;
 * the init's PID, from --pid-file. */
static int create(const char *name)
{
	struct result r = oci("create --bundle \"%s\" --pid-file \"%s.pid\" %s >\"%s.out\" 2>\"%s.err\" || "
			      "{ s=$?; cat \"%s.err\" >&2; exit $s; }",
			      bundle(name), bundle(name), name, bundle(name), bundle(name), bundle(name));
	ck_status(r, 0);
	char path[4200];
	snprintf(path, sizeof path, "%s.pid", bundle(name));
	char *pid = read_file(path);
	ck_assert_msg(pid && atoi(pid) > 0, "no pid file %s", path);
	int n = atoi(pid);
	free(pid);
	return n;
}

static char *output_of(const char *name, const char *ext)
{
	char path[4200];
	snprintf(path, sizeof path, "%s.%s", bundle(name), ext);
	char *s = read_file(path);
	ck_assert_ptr_nonnull(s);
	return s;
}

/* `state NAME`'s KEY, a string (the status, the bundle) or a number. */
static json_t *state_json(const char *name)
{
	struct result r = oci("state %s", name);
	ck_status(r, 0);
	json_error_t e;
	json_t *j = json_loads(r.out, 0, &e);
	ck_assert_msg(j != NULL, "state is not JSON: %s\n%s", e.text, r.out);
	return j;
}

static char *status_of(const char *name)
{
	json_t *j = state_json(name);
	char *s = strdup(json_string_value(json_object_get(j, "status")));
	json_decref(j);
	return s;
}

static void ck_status_is(const char *name, const char *want)
{
	char *s = status_of(name);
	ck_assert_msg(!strcmp(s, want), "%s is %s, want %s", name, s, want);
	free(s);
}

/* Nothing of NAME left: its state, its cgroups. */
static void ck_gone(const char *name)
{
	char dir[4200];
	struct stat st;

	snprintf(dir, sizeof dir, "%s/oci/%s", state_root(), name);
	ck_assert_msg(stat(dir, &st) < 0, "%s is still there", dir);
	ck_no_cgroup_left(name);
}

/* ---- the lifecycle ---------------------------------------------------------- */

START_TEST(create_start_state_delete)
{
	make_bundle("c1", "[\"sh\", \"-c\", \"echo hi from $(hostname) as $$; read x </proc/1/cmdline; exit 0\"]");
	int pid = create("c1");
	json_t *j = state_json("c1");
	ck_assert_str_eq(json_string_value(json_object_get(j, "status")), "created");
	ck_assert_str_eq(json_string_value(json_object_get(j, "id")), "c1");
	ck_assert_int_eq(json_integer_value(json_object_get(j, "pid")), pid);
	ck_assert_str_eq(json_string_value(json_object_get(j, "bundle")), bundle("c1"));
	ck_assert_ptr_nonnull(json_string_value(json_object_get(j, "ociVersion")));
	json_decref(j);
	/* Created: its init waits, and has not run the command yet. */
	ck_assert(process_alive(pid));
	char *out = output_of("c1", "out");
	ck_assert_str_eq(out, "");
	free(out);
	/* Its cgroup holds it before it starts. */
	char *left = cgroups_left();
	ck_contains(left, "c1");
	free(left);

	struct result r = oci("start c1");
	ck_status(r, 0);
	ck_assert_int_eq(wait_exit(pid, 10), 0);
	out = output_of("c1", "out");
	ck_assert_str_eq(out, "hi from oci-c1 as 1\n");
	free(out);
	ck_status_is("c1", "stopped");
	r = oci("delete c1");
	ck_status(r, 0);
	ck_gone("c1");
	r = oci("state c1");
	ck_status(r, 1);
	ck_contains(r.err, "minidocker-oci: container \"c1\" does not exist");
}
END_TEST

/* What the caller (conmon) reads as the container's exit status. */
START_TEST(exit_statuses_reach_the_caller)
{
	static const struct {
		const char *args;
		int want;
	} cases[] = {
		{ "[\"true\"]", 0 },
		{ "[\"sh\", \"-c\", \"exit 3\"]", 3 },
		{ "[\"sh\", \"-c\", \"exit 255\"]", 255 },
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		char name[16];
		snprintf(name, sizeof name, "x%zu", i);
		make_bundle(name, cases[i].args);
		int pid = create(name);
		struct result r = oci("start %s", name);
		ck_status(r, 0);
		ck_assert_int_eq(wait_exit(pid, 10), cases[i].want);
		r = oci("delete %s", name);
		ck_status(r, 0);
		ck_gone(name);
	}
	/* As PID 1 of its namespace, the command ignores signals it has no
	 * handler for, even its own SIGKILL (pid_namespaces(7)); only one
	 * from outside kills it: 137. */
	make_bundle("x9", "[\"sleep\", \"100\"]");
	int pid = create("x9");
	struct result r = oci("start x9");
	ck_status(r, 0);
	r = oci("kill x9 SIGKILL");
	ck_status(r, 0);
	ck_assert_int_eq(wait_exit(pid, 10), 137);
	r = oci("delete x9");
	ck_status(r, 0);
	ck_gone("x9");
}
END_TEST

/* A command not found, or not executable: create fails with runc's
 * words (podman reads 127 and 126 from them), and leaves nothing.  If
 * it goes between create and start, the init exits 127 or 126. */
START_TEST(commands_that_cannot_run)
{
	make_bundle("nf", "[\"nope\"]");
	struct result r = oci("create --bundle \"%s\" nf", bundle("nf"));
	ck_status(r, 1);
	ck_contains(r.err, "exec: \"nope\": executable file not found in $PATH");
	ck_gone("nf");
	make_bundle("np", "[\"/etc/passwd\"]");
	r = oci("create --bundle \"%s\" np", bundle("np"));
	ck_status(r, 1);
	ck_contains(r.err, "exec: \"/etc/passwd\": permission denied");
	ck_gone("np");

	make_bundle("late", "[\"/bin/gone\"]");
	r = sh("cp \"%s/rootfs/bin/busybox\" \"%s/rootfs/bin/gone\"", bundle("late"), bundle("late"));
	ck_status(r, 0);
	int pid = create("late");
	r = sh("rm \"%s/rootfs/bin/gone\"", bundle("late"));
	ck_status(r, 0);
	r = oci("start late");
	ck_status(r, 0);
	ck_assert_int_eq(wait_exit(pid, 10), 127);
	char *err = output_of("late", "err");
	ck_contains(err, "exec: \"/bin/gone\"");
	free(err);
	r = oci("delete late");
	ck_status(r, 0);

	make_bundle("noexec", "[\"/bin/plain\"]");
	r = sh("cp \"%s/rootfs/bin/busybox\" \"%s/rootfs/bin/plain\"", bundle("noexec"), bundle("noexec"));
	ck_status(r, 0);
	pid = create("noexec");
	r = sh("chmod 0644 \"%s/rootfs/bin/plain\"", bundle("noexec"));
	ck_status(r, 0);
	r = oci("start noexec");
	ck_status(r, 0);
	ck_assert_int_eq(wait_exit(pid, 10), 126);
	r = oci("delete noexec");
	ck_status(r, 0);
	ck_gone("noexec");
}
END_TEST

static const char trap_loop[] = "[\"sh\", \"-c\", \"trap 'exit 7' TERM; while :; do sleep 0.05; done\"]";
static const char trap_cmdline[] = "sh -c trap 'exit 7' TERM; while :; do sleep 0.05; done";

START_TEST(kill_sends_term_by_default_and_names_or_numbers)
{
	make_bundle("k1", trap_loop);
	int pid = create("k1");
	struct result r = oci("start k1");
	ck_status(r, 0);
	ck_status_is("k1", "running");
	ck_assert_msg(wait_caught(pid, trap_cmdline, SIGTERM, 10), "the trap was never set");
	r = oci("kill k1");
	ck_status(r, 0);
	ck_assert_int_eq(wait_exit(pid, 10), 7);
	r = oci("kill k1 KILL");
	ck_status(r, 1);
	ck_contains(r.err, "container not running");
	r = oci("delete k1");
	ck_status(r, 0);

	make_bundle("k2", trap_loop);
	pid = create("k2");
	r = oci("start k2");
	ck_status(r, 0);
	r = oci("kill k2 NOSUCHSIG");
	ck_status(r, 1);
	ck_contains(r.err, "NOSUCHSIG");
	r = oci("kill --all k2 9");
	ck_status(r, 0);
	ck_assert_int_eq(wait_exit(pid, 10), 137);
	r = oci("delete k2");
	ck_status(r, 0);
	ck_gone("k2");
}
END_TEST

START_TEST(delete_refuses_a_running_container_without_force)
{
	make_bundle("d1", trap_loop);
	own_mount_ns(1);
	char *before = read_file("/proc/self/mountinfo");
	int pid = create("d1");
	struct result r = oci("start d1");
	ck_status(r, 0);
	r = oci("start d1");
	ck_status(r, 1);
	ck_contains(r.err, "cannot start an already running container");
	r = oci("delete d1");
	ck_status(r, 1);
	ck_contains(r.err, "cannot delete container d1 that is not stopped: running");
	ck_assert(process_alive(pid));
	r = oci("delete --force d1");
	ck_status(r, 0);
	ck_assert_int_eq(wait_exit(pid, 10), 137);
	ck_gone("d1");
	/* No mount of the container's showed, or stayed, on the host. */
	char *after = read_file("/proc/self/mountinfo");
	ck_assert_str_eq(before, after);
	free(before);
	free(after);
	r = oci("start d1");
	ck_status(r, 1);
	ck_contains(r.err, "does not exist");
}
END_TEST

START_TEST(a_created_container_is_deleted_without_force)
{
	make_bundle("d2", "[\"true\"]");
	int pid = create("d2");
	struct result r = oci("delete d2");
	ck_status(r, 0);
	ck_assert_int_eq(wait_exit(pid, 10), 137);
	ck_gone("d2");
	make_bundle("d3", "[\"true\"]");
	pid = create("d3");
	r = oci("start d3");
	ck_status(r, 0);
	ck_assert_int_eq(wait_exit(pid, 10), 0);
	r = oci("start d3");
	ck_status(r, 1);
	ck_contains(r.err, "cannot start a container that has stopped");
	r = oci("delete d3");
	ck_status(r, 0);
}
END_TEST

START_TEST(exec_and_ps_in_a_running_container)
{
	make_bundle("e1", trap_loop);
	int pid = create("e1");
	struct result r = oci("start e1");
	ck_status(r, 0);
	r = oci("exec e1 sh -c 'echo in $(hostname) as $$; exit 4'");
	ck_status(r, 4);
	ck_lacks(r.out, "as 1\n");
	ck_contains(r.out, "in oci-e1 as ");
	r = oci("exec --env A=b --cwd /etc e1 sh -c 'echo $A $PWD'");
	ck_status(r, 0);
	ck_assert_str_eq(r.out, "b /etc\n");
	r = oci("exec e1 nope");
	ck_status(r, 127);
	ck_contains(r.err, "exec: \"nope\": executable file not found in $PATH");
	/* --process: a process object, as podman writes it. */
	r = sh("printf '%%s' '{\"args\": [\"sh\", \"-c\", \"echo from file\"], \"cwd\": \"/\", "
	       "\"env\": [\"PATH=/bin\"], \"user\": {\"uid\": 0, \"gid\": 0}}' >\"%s/proc.json\"",
	       state_root());
	ck_status(r, 0);
	r = oci("exec --process \"%s/proc.json\" e1", state_root());
	ck_status(r, 0);
	ck_assert_str_eq(r.out, "from file\n");
	/* --detach: the exec'd process runs on, its pid in --pid-file. */
	r = oci("exec --detach --pid-file \"%s/e.pid\" e1 sleep 30 >/dev/null 2>&1", state_root());
	ck_status(r, 0);
	char path[4200];
	snprintf(path, sizeof path, "%s/e.pid", state_root());
	char *text = read_file(path);
	ck_assert_ptr_nonnull(text);
	int epid = atoi(text);
	free(text);
	ck_assert(process_alive(epid));
	r = oci("ps --format json e1");
	ck_status(r, 0);
	char want[64];
	snprintf(want, sizeof want, "%d", pid);
	ck_contains(r.out, want);
	snprintf(want, sizeof want, "%d", epid);
	ck_contains(r.out, want);
	r = oci("delete --force e1");
	ck_status(r, 0);
	/* The exec'd process first: a PID 1 that ends waits, in the kernel,
	 * until every other process of its namespace has been reaped, and
	 * this one's parent is the test, as it would be conmon. */
	ck_assert_int_eq(wait_exit(epid, 10), 137);
	ck_assert_int_eq(wait_exit(pid, 10), 137);
	ck_gone("e1");
}
END_TEST

/* Only fds 0, 1 and 2 cross into the container, and --preserve-fds N
 * more (3 to 2+N), as runc's and crun's tests check: never one of the
 * caller's others, nor one of the runtime's own. */
START_TEST(only_the_preserved_fds_cross)
{
	make_bundle("f1", "[\"/bin/probe\", \"fds\"]");
	struct result r = oci("create --bundle \"%s\" --pid-file \"%s.pid\" --preserve-fds 1 f1 "
			      "3<\"%s/config.json\" 4<\"%s/config.json\" >\"%s.out\" 2>&1",
			      bundle("f1"), bundle("f1"), bundle("f1"), bundle("f1"), bundle("f1"));
	ck_status(r, 0);
	char *text = output_of("f1", "pid");
	int pid = atoi(text);
	free(text);
	r = oci("start f1");
	ck_status(r, 0);
	ck_assert_int_eq(wait_exit(pid, 10), 0);
	char *out = output_of("f1", "out"), want[4200];
	snprintf(want, sizeof want, "\n3 %s/config.json\n", bundle("f1"));
	ck_contains(out, want);
	ck_lacks(out, "\n4 ");
	int n = 0;
	for (char *p = out; (p = strchr(p, '\n')); p++)
		n++;
	ck_assert_msg(n == 4, "fds 0 to 3, and no other:\n%s", out);
	free(out);
	r = oci("delete f1");
	ck_status(r, 0);
	ck_gone("f1");
}
END_TEST

/* A namespace named by path is joined, not made: podman hands over the
 * network namespace its network backend set up so. */
START_TEST(a_namespace_with_a_path_is_joined)
{
	make_bundle("j1", "[\"sh\", \"-c\", \"stat -L -c %i /proc/self/ns/net\"]");
	/* A network namespace kept by a bind mount, in the test's own mount
	 * namespace (unshare(1) --net=FILE). */
	struct result r = sh("set -e; cd \"$MINIDOCKER_ROOT\"; touch netns; unshare --net=\"$PWD/netns\" true; "
			     "stat -L -c %%i netns; sed -i 's|{\"type\": \"network\"}|{\"type\": \"network\", "
			     "\"path\": \"'\"$PWD\"'/netns\"}|' j1/config.json; grep -c '/netns\"' j1/config.json");
	ck_status(r, 0);
	char want[64];
	snprintf(want, sizeof want, "%.*s", (int)strcspn(r.out, "\n"), r.out);
	ck_assert_msg(strstr(r.out, "\n1\n"), "the config was not changed: %s", r.out);
	int pid = create("j1");
	r = oci("start j1");
	ck_status(r, 0);
	ck_assert_int_eq(wait_exit(pid, 10), 0);
	char *out = output_of("j1", "out");
	ck_assert_str_eq(strtok(out, "\n"), want);
	free(out);
	r = oci("delete j1");
	ck_status(r, 0);
	r = sh("umount \"$MINIDOCKER_ROOT/netns\"");
	ck_status(r, 0);
	/* A path that is not a namespace: create says so, leaves nothing. */
	r = sh("cd \"$MINIDOCKER_ROOT\"; sed -i 's|/netns\"|/j1.out\"|' j1/config.json");
	ck_status(r, 0);
	r = oci("create --bundle \"%s\" j2", bundle("j1"));
	ck_status(r, 1);
	ck_contains(r.err, "join the net namespace");
	ck_gone("j2");
}
END_TEST

/* pause and resume, where the host has a freezer (cgroup v2, or v1's
 * freezer tree); elsewhere the commands do not exist. */
START_TEST(pause_freezes_and_resume_thaws)
{
	struct stat st;
	int freezer = stat("/sys/fs/cgroup/cgroup.freeze", &st) == 0 || stat("/sys/fs/cgroup/freezer", &st) == 0 ||
		      stat("/sys/fs/cgroup/cgroup.subtree_control", &st) == 0;
	struct result r = oci("--help");
	ck_status(r, 0);
	if (!freezer) {
		ck_lacks(r.out, "pause");
		r = oci("pause x");
		ck_status(r, 1);
		return;
	}
	ck_contains(r.out, "  pause ");
	make_bundle("p1", "[\"sh\", \"-c\", \"i=0; while :; do i=$((i+1)); echo $i >/tmp/n; sleep 0.02; done\"]");
	int pid = create("p1");
	r = oci("pause p1");
	ck_status(r, 1);
	ck_contains(r.err, "container not running");
	r = oci("start p1");
	ck_status(r, 0);
	char path[4200];
	snprintf(path, sizeof path, "%s/rootfs/tmp/n", bundle("p1"));
	char *n = NULL;
	for (struct deadline d = deadline(10); keep_polling(&d) && !(n = read_file(path));)
		;
	free(n);
	r = oci("pause p1");
	ck_status(r, 0);
	ck_status_is("p1", "paused");
	r = oci("exec p1 true");
	ck_status(r, 1);
	ck_contains(r.err, "cannot exec in a paused container");
	r = oci("delete p1");
	ck_status(r, 1);
	ck_contains(r.err, "not stopped: paused");
	/* Frozen: the counter stays where it is. */
	char *before = read_file(path);
	for (struct deadline d = deadline(0.3); keep_polling(&d);)
		;
	char *after = read_file(path);
	ck_assert_ptr_nonnull(before);
	ck_assert_ptr_nonnull(after);
	ck_assert_str_eq(before, after);
	r = oci("resume p1");
	ck_status(r, 0);
	ck_status_is("p1", "running");
	int moved = 0;
	for (struct deadline d = deadline(10); keep_polling(&d) && !moved;) {
		free(after);
		after = read_file(path);
		moved = after && *after && strcmp(before, after);
	}
	ck_assert_msg(moved, "the counter did not move after resume: %s", before);
	free(before);
	free(after);
	r = oci("resume p1");
	ck_status(r, 1);
	ck_contains(r.err, "container not paused");
	/* A paused container goes with --force, at once. */
	r = oci("pause p1");
	ck_status(r, 0);
	r = oci("delete --force p1");
	ck_status(r, 0);
	ck_assert_int_eq(wait_exit(pid, 10), 137);
	ck_gone("p1");
}
END_TEST

/* ---- the terminal ----------------------------------------------------------- */

/* The pty master that create sends over the console socket. */
static int receive_fd(int conn)
{
	char buf[256];
	union {
		char c[CMSG_SPACE(sizeof(int))];
		struct cmsghdr align;
	} u;
	struct iovec iov = { .iov_base = buf, .iov_len = sizeof buf };
	struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = u.c,
			      .msg_controllen = sizeof u.c };
	int fd = -1;

	if (recvmsg(conn, &msg, 0) <= 0)
		return -1;
	struct cmsghdr *c = CMSG_FIRSTHDR(&msg);
	if (c && c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS)
		memcpy(&fd, CMSG_DATA(c), sizeof fd);
	return fd;
}

START_TEST(console_socket_gets_the_terminal)
{
	make_bundle_with("t1", "[\"sh\", \"-c\", \"tty; test -t 0 && test -t 2 && echo ok; exit 5\"]", 1, "");
	struct sockaddr_un a = { .sun_family = AF_UNIX };
	snprintf(a.sun_path, sizeof a.sun_path, "%s/console.sock", state_root());
	int lsock = socket(AF_UNIX, SOCK_STREAM, 0);
	ck_assert_int_ge(lsock, 0);
	ck_assert_int_eq(bind(lsock, (struct sockaddr *)&a, sizeof a), 0);
	ck_assert_int_eq(listen(lsock, 1), 0);
	/* Without the socket, a terminal is refused. */
	struct result r = oci("create --bundle \"%s\" t0", bundle("t1"));
	ck_status(r, 1);
	ck_contains(r.err, "console-socket");
	r = oci("create --bundle \"%s\" --console-socket \"%s\" --pid-file \"%s.pid\" t1", bundle("t1"),
		a.sun_path, bundle("t1"));
	ck_status(r, 0);
	int conn = accept(lsock, NULL, NULL);
	ck_assert_int_ge(conn, 0);
	int master = receive_fd(conn);
	ck_assert_msg(master >= 0, "no fd over the console socket");
	ck_assert(isatty(master));
	char *text = output_of("t1", "pid");
	int pid = atoi(text);
	free(text);
	r = oci("start t1");
	ck_status(r, 0);
	char out[512] = "";
	size_t len = 0;
	for (struct deadline d = deadline(10); keep_polling(&d) && !strstr(out, "ok");) {
		ssize_t n = read(master, out + len, sizeof out - 1 - len);
		if (n <= 0)
			break;
		len += n;
		out[len] = '\0';
	}
	ck_assert_int_eq(wait_exit(pid, 10), 5);
	ck_contains(out, "/dev/pts/0");
	ck_contains(out, "ok");
	close(master);
	close(conn);
	close(lsock);
	r = oci("delete t1");
	ck_status(r, 0);
	ck_gone("t1");
}
END_TEST

/* ---- bad input -------------------------------------------------------------- */

START_TEST(bad_bundles_are_refused_and_leave_nothing)
{
	struct result r = sh("mkdir -p \"%s\"", bundle("empty"));
	ck_status(r, 0);
	r = oci("create --bundle \"%s\" b1", bundle("empty"));
	ck_status(r, 1);
	ck_contains(r.err, "minidocker-oci: ");
	ck_contains(r.err, "config.json");
	ck_gone("b1");
	r = sh("echo '{not json' >\"%s/config.json\"", bundle("empty"));
	ck_status(r, 0);
	r = oci("create --bundle \"%s\" b2", bundle("empty"));
	ck_status(r, 1);
	ck_contains(r.err, "config.json");
	ck_gone("b2");
	make_bundle("norootfs", "[\"true\"]");
	r = sh("rm -rf \"%s/rootfs\"", bundle("norootfs"));
	ck_status(r, 0);
	r = oci("create --bundle \"%s\" b3", bundle("norootfs"));
	ck_status(r, 1);
	ck_contains(r.err, "norootfs/rootfs");	/* the path, named */
	ck_gone("b3");
	r = oci("create --bundle \"%s/nowhere\" b4", state_root());
	ck_status(r, 1);
	ck_gone("b4");
	r = oci("create --bundle \"%s\" ../b5", bundle("empty"));
	ck_status(r, 1);
	ck_contains(r.err, "invalid id format: ../b5");
}
END_TEST

START_TEST(duplicate_ids_and_unknown_ids)
{
	make_bundle("dup", trap_loop);
	int pid = create("dup");
	struct result r = oci("create --bundle \"%s\" dup", bundle("dup"));
	ck_status(r, 1);
	ck_contains(r.err, "already exists");
	ck_status_is("dup", "created");	/* the first one untouched */
	ck_assert(process_alive(pid));
	static const char *const verbs[] = { "start", "state", "kill", "delete", "ps", "exec" };
	for (size_t i = 0; i < sizeof verbs / sizeof verbs[0]; i++) {
		r = oci("%s nosuch%s", verbs[i], strcmp(verbs[i], "exec") ? "" : " true");
		ck_status(r, 1);
		ck_contains(r.err, "container \"nosuch\" does not exist");
	}
	r = oci("delete --force nosuch");
	ck_status(r, 0);	/* as runc: nothing to delete is no error with --force */
	r = oci("delete dup");
	ck_status(r, 0);
	ck_assert_int_eq(wait_exit(pid, 10), 137);
	ck_gone("dup");
}
END_TEST

START_TEST(help_and_unknown_flags_of_every_command)
{
	/* --help (or -h) prints the command's usage and is no error, as
	 * runc's; a flag the command does not take is exit 1, naming it. */
	static const char *const verbs[] = { "create", "start", "state", "kill", "delete", "ps", "exec", "spec" };
	for (size_t i = 0; i < sizeof verbs / sizeof verbs[0]; i++) {
		struct result r = oci("%s --help", verbs[i]);
		ck_status(r, 0);
		ck_assert_msg(!strncmp(r.out, "usage: minidocker-oci ", 22) && strstr(r.out, verbs[i]),
			      "%s --help: %s", verbs[i], r.out);
		r = oci("%s -h", verbs[i]);
		ck_status(r, 0);
		r = oci("%s --bogus x", verbs[i]);
		ck_status(r, 1);
		ck_contains(r.err, "--bogus");
		ck_contains(r.err, "usage: minidocker-oci ");
	}
	/* --preserve-fds takes a count, the same in create and exec: "abc"
	 * was 0 in create, and -5 nothing in exec. */
	const char *counts[] = { "abc", "-5", "2x", "10000" };
	for (size_t i = 0; i < sizeof counts / sizeof counts[0]; i++) {
		struct result r = oci("create --preserve-fds %s x", counts[i]);
		ck_status(r, 1);
		ck_contains(r.err, "is not a number of fds");
		r = oci("exec --preserve-fds %s x true", counts[i]);
		ck_status(r, 1);
		ck_contains(r.err, "is not a number of fds");
	}
	ck_gone("x");
}
END_TEST

START_TEST(global_flags_version_features_and_the_log)
{
	struct result r = oci("--version");
	ck_status(r, 0);
	ck_contains(r.out, "minidocker-oci version v2.0\n");
	ck_contains(r.out, "\nspec: 1.");
	r = oci("--systemd-cgroup state x");
	ck_status(r, 1);
	ck_contains(r.err, "systemd-cgroup");
	r = oci("features");
	ck_status(r, 0);
	json_t *j = json_loads(r.out, 0, NULL);
	ck_assert_msg(j != NULL, "features is not JSON:\n%s", r.out);
	ck_assert_ptr_nonnull(json_string_value(json_object_get(j, "ociVersionMax")));
	ck_contains(r.out, "\"createRuntime\"");
	ck_contains(r.out, "\"CAP_SYS_ADMIN\"");
	json_t *ns = json_object_get(json_object_get(j, "linux"), "namespaces");
	ck_assert_int_ge(json_array_size(ns), 7);
	json_decref(j);
	/* --log-format json: runc's lines, which conmon reads. */
	r = sh("\"$MD-oci\" --root \"$MINIDOCKER_ROOT/oci\" --log \"$MINIDOCKER_ROOT/log\" "
	       "--log-format json state nosuch; echo \"status $?\"; cat \"$MINIDOCKER_ROOT/log\"");
	ck_contains(r.out, "status 1\n{\"level\":\"error\",\"msg\":\"container \\\"nosuch\\\" does not exist\",\"time\":\"");
	ck_contains(r.err, "minidocker-oci: container \"nosuch\" does not exist");
	/* MINIDOCKER_DEBUG=1: the argv it was given, in ROOT/trace.log (its
	 * stderr may be a container's); the file, once there, keeps it on. */
	r = sh("MINIDOCKER_DEBUG=1 \"$MD-oci\" --root \"$MINIDOCKER_ROOT/oci\" state 'a b'; "
	       "\"$MD-oci\" --root \"$MINIDOCKER_ROOT/oci\" kill x 9; cat \"$MINIDOCKER_ROOT/oci/trace.log\"");
	ck_contains(r.out, "Process => [");
	ck_contains(r.out, "-oci --root ");
	ck_contains(r.out, "/oci state a b] [");
	ck_contains(r.out, "/oci kill x 9] [");
	ck_lacks(r.err, "Process =>");
	r = oci("--log-format yaml state x");
	ck_status(r, 1);
	r = oci("nosuchverb");
	ck_status(r, 3);	/* runc's */
	ck_contains(r.err, "No help topic for 'nosuchverb'");
}
END_TEST

/* Hooks: createRuntime in the host's namespaces, poststart and poststop,
 * each with the state on its stdin. */
START_TEST(hooks_get_the_state_on_stdin)
{
	char extra[4096];
	snprintf(extra, sizeof extra,
		 "\"hooks\": {\"createRuntime\": [{\"path\": \"/bin/sh\", \"args\": [\"sh\", \"-c\", "
		 "\"cat >%s/h.create\"]}],\n \"poststart\": [{\"path\": \"/bin/sh\", \"args\": [\"sh\", \"-c\", "
		 "\"cat >%s/h.start\"]}],\n \"poststop\": [{\"path\": \"/bin/sh\", \"args\": [\"sh\", \"-c\", "
		 "\"cat >%s/h.stop\"]}]}",
		 state_root(), state_root(), state_root());
	make_bundle_with("h1", "[\"true\"]", 0, extra);
	int pid = create("h1");
	char path[4200];
	snprintf(path, sizeof path, "%s/h.create", state_root());
	char *s = read_file(path);
	ck_assert_ptr_nonnull(s);
	ck_contains(s, "\"id\":\"h1\"");
	ck_contains(s, "\"status\":\"creating\"");
	free(s);
	struct result r = oci("start h1");
	ck_status(r, 0);
	ck_assert_int_eq(wait_exit(pid, 10), 0);
	snprintf(path, sizeof path, "%s/h.start", state_root());
	s = read_file(path);
	ck_assert_ptr_nonnull(s);
	ck_contains(s, "\"status\":\"running\"");
	free(s);
	r = oci("delete h1");
	ck_status(r, 0);
	snprintf(path, sizeof path, "%s/h.stop", state_root());
	s = read_file(path);
	ck_assert_ptr_nonnull(s);
	ck_contains(s, "\"status\":\"stopped\"");
	free(s);
	/* A hook that fails fails create, and leaves nothing. */
	make_bundle_with("h2", "[\"true\"]", 0,
			 "\"hooks\": {\"createRuntime\": [{\"path\": \"/bin/false\"}]}");
	r = oci("create --bundle \"%s\" h2", bundle("h2"));
	ck_status(r, 1);
	ck_contains(r.err, "createRuntime hook /bin/false: exit status 1");
	ck_gone("h2");
	/* A hook past its timeout is killed, and fails create. */
	make_bundle_with("h3", "[\"true\"]", 0,
			 "\"hooks\": {\"createRuntime\": [{\"path\": \"/bin/sleep\", "
			 "\"args\": [\"sleep\", \"60\"], \"timeout\": 1}]}");
	double t0 = seconds_now();
	r = oci("create --bundle \"%s\" h3", bundle("h3"));
	ck_status(r, 1);
	ck_contains(r.err, "createRuntime hook /bin/sleep: timed out after 1 s");
	ck_assert_msg(seconds_now() - t0 < 30, "the hook ran %.1f s", seconds_now() - t0);
	ck_gone("h3");
}
END_TEST

/* Until create is done, the container is "creating" (the runtime spec's
 * status; runc says it does not exist): start, exec and delete without
 * --force refuse it.  A createRuntime hook holds create there. */
START_TEST(state_says_creating_until_create_is_done)
{
	char extra[9000], mark[4200];

	snprintf(mark, sizeof mark, "%s/in-hook", state_root());
	snprintf(extra, sizeof extra,
		 "\"hooks\": {\"createRuntime\": [{\"path\": \"/bin/sh\", \"args\": [\"sh\", \"-c\", "
		 "\"touch %s; while [ -e %s ]; do sleep 0.05; done\"]}]}",
		 mark, mark);
	make_bundle_with("cr", "[\"true\"]", 0, extra);
	struct result r = oci("create --bundle \"%s\" --pid-file \"%s.pid\" cr >\"%s.out\" 2>\"%s.err\" & "
			      "echo $!", bundle("cr"), bundle("cr"), bundle("cr"), bundle("cr"));
	ck_status(r, 0);
	int create_pid = atoi(r.out);
	ck_assert_int_gt(create_pid, 0);
	for (struct deadline d = deadline(10); keep_polling(&d);)
		if (access(mark, F_OK) == 0)
			break;
	ck_assert_msg(access(mark, F_OK) == 0, "the createRuntime hook did not run");
	ck_status_is("cr", "creating");
	r = oci("start cr");
	ck_status(r, 1);
	ck_contains(r.err, "cannot start a container that is still being created");
	r = oci("exec cr true");
	ck_status(r, 1);
	ck_contains(r.err, "cannot exec in a container that is still being created");
	r = oci("delete cr");
	ck_status(r, 1);
	ck_contains(r.err, "cannot delete container cr that is not stopped: creating");
	/* The hook ends: create finishes, and the container is created. */
	ck_assert_int_eq(unlink(mark), 0);
	ck_assert_int_eq(wait_exit(create_pid, 20), 0);
	ck_status_is("cr", "created");
	r = oci("delete cr");
	ck_status(r, 0);
	ck_gone("cr");
}
END_TEST

/* The freezer cgroup (v1) is minidocker-oci's, for pause: the CLI, which
 * has no pause, makes none, as in v1.6, and leaves none. */
START_TEST(the_cli_makes_no_freezer_cgroup)
{
	const char *parent = cgroup_parent();
	struct result r = md(NULL, "run", "-d", "--cgroup-parent", parent, "--name", "fz", "-m", "32m", "base",
			     "sleep", "45", NULL);
	ck_status(r, 0);
	/* Its cgroup in the memory tree (v1) or the one tree (v2); none in
	 * v1's freezer tree, not even the parent. */
	r = sh("find /sys/fs/cgroup/memory/%s /sys/fs/cgroup/%s -mindepth 1 -type d 2>/dev/null | wc -l; "
	       "ls -A /sys/fs/cgroup/freezer/%s 2>/dev/null | wc -l", parent, parent, parent);
	ck_assert_str_eq(r.out, "1\n0\n");
	r = md(NULL, "rm", "-f", "fz", NULL);
	ck_status(r, 0);
	r = md(NULL, "run", "--rm", "--cgroup-parent", parent, "-m", "32m", "base", "true", NULL);
	ck_status(r, 0);
	ck_assert_str_eq(cgroups_left(), "");
	r = sh("ls -A /sys/fs/cgroup/freezer/%s 2>/dev/null | wc -l", parent);
	ck_assert_str_eq(r.out, "0\n");
}
END_TEST

/* NAME's stdout, once it has written something (or after 10 s). */
static char *first_output(const char *name)
{
	char *out = NULL;

	for (struct deadline d = deadline(10); keep_polling(&d);) {
		free(out);
		out = output_of(name, "out");
		if (*out)
			break;
	}
	return out;
}

/* Each container has a session keyring of its own, "_ses.ID", as runc
 * gives it (searchable by its user); exec joins the same one; with
 * --no-new-keyring, the container keeps its caller's. */
START_TEST(a_container_has_a_session_keyring_of_its_own)
{
	struct result host = sh("\"$PROBE\" keyring");
	ck_status(host, 0);
	make_bundle("kr", "[\"sh\", \"-c\", \"/bin/probe keyring; exec sleep 30\"]");
	create("kr");
	struct result r = oci("start kr");
	ck_status(r, 0);
	char *out = first_output("kr");
	ck_assert_str_eq(out, "keyring;0;0;3f1b0000;_ses.kr\n");
	ck_assert_str_ne(out, host.out);
	free(out);
	r = oci("exec kr /bin/probe keyring");
	ck_status(r, 0);
	ck_assert_str_eq(r.out, "keyring;0;0;3f1b0000;_ses.kr\n");
	r = oci("delete --force kr");
	ck_status(r, 0);
	/* --no-new-keyring: the caller's, in the container and in exec. */
	make_bundle("kc", "[\"sh\", \"-c\", \"/bin/probe keyring; exec sleep 30\"]");
	r = oci("create --no-new-keyring --bundle \"%s\" kc >\"%s.out\" 2>&1 && \"$MD-oci\" --root \"$MINIDOCKER_ROOT/oci\" start kc",
		bundle("kc"), bundle("kc"));
	ck_status(r, 0);
	out = first_output("kc");
	ck_assert_str_eq(out, host.out);
	free(out);
	r = oci("exec kc /bin/probe keyring");
	ck_status(r, 0);
	ck_assert_str_eq(r.out, host.out);
	r = oci("delete --force kc");
	ck_status(r, 0);
}
END_TEST

/* A container whose root is another uid on the host (a user namespace,
 * 0 as 100000): its init, which cannot search --root's 0700 folders,
 * still waits on exec.fifo and starts (it opens it through
 * /proc/self/fd, as runc); its keyring is searchable by others, and exec
 * joins it. */
START_TEST(a_user_namespaced_container_starts)
{
	make_bundle("un", "[\"sh\", \"-c\", \"/bin/probe keyring; exec sleep 30\"]");
	struct result r = sh("sed -i 's/\"namespaces\": \\[/\"uidMappings\": [{\"containerID\": 0, \"hostID\": 100000, \"size\": 65536}], "
			     "\"gidMappings\": [{\"containerID\": 0, \"hostID\": 100000, \"size\": 65536}], "
			     "\"namespaces\": [{\"type\": \"user\"}, /' \"%s/config.json\" && grep -c '\"user\"}' \"%s/config.json\"",
			     bundle("un"), bundle("un"));
	ck_status(r, 0);
	create("un");
	r = oci("start un");
	ck_status(r, 0);
	char *out = first_output("un");
	ck_assert_str_eq(out, "keyring;0;0;3f130008;_ses.un\n");
	free(out);
	ck_status_is("un", "running");
	r = oci("exec un /bin/probe keyring");
	ck_status(r, 0);
	ck_assert_str_eq(r.out, "keyring;0;0;3f130008;_ses.un\n");
	r = oci("delete --force un");
	ck_status(r, 0);
	ck_gone("un");
}
END_TEST

void add_ocicli_tests(Suite *s)
{
	TCase *tc = tcase(s, "oci lifecycle");
	add_root_test(tc, create_start_state_delete);
	add_root_test(tc, exit_statuses_reach_the_caller);
	add_root_test(tc, commands_that_cannot_run);
	add_root_test(tc, kill_sends_term_by_default_and_names_or_numbers);
	add_root_test(tc, delete_refuses_a_running_container_without_force);
	add_root_test(tc, a_created_container_is_deleted_without_force);
	add_root_test(tc, exec_and_ps_in_a_running_container);
	add_root_test(tc, console_socket_gets_the_terminal);
	add_root_test(tc, hooks_get_the_state_on_stdin);
	add_root_test(tc, state_says_creating_until_create_is_done);
	add_root_test(tc, a_namespace_with_a_path_is_joined);
	add_root_test(tc, pause_freezes_and_resume_thaws);
	add_root_test(tc, the_cli_makes_no_freezer_cgroup);
	add_root_test(tc, a_container_has_a_session_keyring_of_its_own);
	add_root_test(tc, a_user_namespaced_container_starts);
	add_root_test(tc, only_the_preserved_fds_cross);
	tc = tcase(s, "oci bad input");
	add_root_test(tc, bad_bundles_are_refused_and_leave_nothing);
	add_root_test(tc, duplicate_ids_and_unknown_ids);
	add_root_test(tc, help_and_unknown_flags_of_every_command);
	add_root_test(tc, global_flags_version_features_and_the_log);
}
