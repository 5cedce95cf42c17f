/* v2.0: minidocker-oci attacked, as a careless or hostile caller would:
 * a create killed at any moment must leave nothing that `delete --force`
 * cannot clean.
 *
 * Each test makes its own OCI bundle under its state root, with its own
 * --root, as tests/ocicli.c does. */
#include "features.h"

#include <string.h>
#include <stdlib.h>
#include <unistd.h>
#include <sys/stat.h>

/* The start of the tests' scripts: in the test's state root, with $o
 * minidocker-oci on the test's own --root. */
#define IN_ROOT "cd \"$MINIDOCKER_ROOT\"; o=\"$MD-oci --root $MINIDOCKER_ROOT/oci\"\n"

/* A bundle NAME whose process sleeps, its cgroup under the test's. */
static void sleeping_bundle(const char *name)
{
	struct result r =
		sh("set -e; b=\"$MINIDOCKER_ROOT/%s\"; mkdir -p \"$b\"; cp -a \"%s\" \"$b/rootfs\"\n"
		   "cat >\"$b/config.json\" <<'E'\n"
		   "{\"ociVersion\": \"1.0.2\",\n"
		   " \"process\": {\"user\": {\"uid\": 0, \"gid\": 0}, \"args\": [\"sleep\", \"100\"],\n"
		   "   \"capabilities\": {\"bounding\": [\"CAP_CHOWN\"], \"effective\": [\"CAP_CHOWN\"],\n"
		   "                    \"permitted\": [\"CAP_CHOWN\"]},\n"
		   "   \"env\": [\"PATH=/bin:/sbin:/usr/bin\"], \"cwd\": \"/\"},\n"
		   " \"root\": {\"path\": \"rootfs\"},\n"
		   " \"mounts\": [{\"destination\": \"/proc\", \"type\": \"proc\", \"source\": \"proc\"}],\n"
		   " \"linux\": {\"cgroupsPath\": \"/%s/%s\",\n"
		   "   \"resources\": {\"pids\": {\"limit\": 50}},\n"
		   "   \"namespaces\": [{\"type\": \"pid\"}, {\"type\": \"mount\"}, {\"type\": \"ipc\"},\n"
		   "                  {\"type\": \"uts\"}, {\"type\": \"network\"}]}}\n"
		   "E\n",
		   name, layer_dir("base"), cgroup_parent(), name);
	ck_status(r, 0);
}

/* kill -9 of create at 2 ms ... 40 ms, each followed by podman's
 * `delete --force`: no state folder, no cgroup, no process may be left.
 * The cgroup is made before the init exists and, before the fix, before
 * state.json names it: a create killed between the two left cgroups in
 * every controller that delete --force, finding no state.json, did not
 * know of. */
START_TEST(a_killed_create_leaves_nothing_after_delete_force)
{
	sleeping_bundle("killed");
	struct result r =
		sh(IN_ROOT
		   "for d in 0.002 0.005 0.008 0.01 0.012 0.014 0.016 0.018 0.02 0.025 0.03 0.04; do\n"
		   "  $o create --bundle \"$MINIDOCKER_ROOT/killed\" killed </dev/null >/dev/null 2>&1 &\n"
		   "  p=$!; sleep $d; kill -9 $p 2>/dev/null; wait $p\n"
		   "  $o delete --force killed || { echo \"delete --force after $d s failed\"; exit 1; }\n"
		   "  sleep 0.2\n"
		   "  [ ! -e \"$MINIDOCKER_ROOT/oci/killed\" ] || { echo \"state left after $d s\"; exit 1; }\n"
		   "  for c in /sys/fs/cgroup/*/%s/killed /sys/fs/cgroup/%s/killed; do\n"
		   "    [ ! -d \"$c\" ] || { echo \"cgroup $c left after $d s\"; exit 1; }\n"
		   "  done\n"
		   "done\n",
		   cgroup_parent(), cgroup_parent());
	ck_status(r, 0);
	ck_no_cgroup_left("killed");
}
END_TEST

/* An exec whose process file has no "capabilities" (the field is
 * optional) runs with none, as runc's: before the fix it kept the
 * runtime's own, root's full set, bounding set included, in a container
 * whose config.json allowed CAP_CHOWN only. */
START_TEST(exec_without_capabilities_gets_none)
{
	sleeping_bundle("nocaps");
	struct result r = sh(
		"set -e; " IN_ROOT
		"$o create --bundle \"$MINIDOCKER_ROOT/nocaps\" nocaps </dev/null >/dev/null\n"
		"$o start nocaps\n"
		"cat >proc.json <<'E'\n"
		"{\"user\": {\"uid\": 0, \"gid\": 0}, \"cwd\": \"/\", \"env\": [\"PATH=/bin:/sbin\"],\n"
		" \"args\": [\"grep\", \"^Cap\", \"/proc/self/status\"]}\n"
		"E\n"
		"$o exec --process proc.json nocaps </dev/null; s=$?\n"
		"$o delete --force nocaps; exit $s\n");
	ck_status(r, 0);
	ck_assert_msg(strstr(r.out, "CapBnd:\t0000000000000000") && strstr(r.out, "CapEff:\t0000000000000000") &&
			      strstr(r.out, "CapPrm:\t0000000000000000"),
		      "exec without capabilities:\n%s", r.out);
}
END_TEST

/* A bundle NAME as `runc spec` writes one (its capabilities, with
 * CAP_MKNOD added as podman's default set has it, the ambient set
 * empty; its device rules: deny everything, and RULE after it if not
 * ""), no user namespace, as podman rootful runs: its process makes
 * /dev/k as the host's first loop device (b 7:0), opens it for reading
 * only and reads nothing, then reads /dev/null and /dev/zero, which the
 * runtime's default rules keep. */
static void mknod_bundle(const char *name, const char *rule)
{
	struct result r = sh(
		"set -e; b=\"$MINIDOCKER_ROOT/%s\"; mkdir -p \"$b\"; cp -a \"%s\" \"$b/rootfs\"\n"
		"cat >\"$b/config.json\" <<'E'\n"
		"{\"ociVersion\": \"1.0.2\",\n"
		" \"process\": {\"user\": {\"uid\": 0, \"gid\": 0}, \"cwd\": \"/\",\n"
		"   \"env\": [\"PATH=/bin:/sbin:/usr/bin\"],\n"
		"   \"args\": [\"sh\", \"-c\", \"mknod /dev/k b 7 0 && (exec 3</dev/k) && echo opened /dev/k; "
		"cat /dev/null && echo read /dev/null; head -c 3 /dev/zero | wc -c\"],\n"
		"   \"capabilities\": {\n"
		"     \"bounding\": [\"CAP_AUDIT_WRITE\", \"CAP_KILL\", \"CAP_NET_BIND_SERVICE\", \"CAP_MKNOD\"],\n"
		"     \"effective\": [\"CAP_AUDIT_WRITE\", \"CAP_KILL\", \"CAP_NET_BIND_SERVICE\", \"CAP_MKNOD\"],\n"
		"     \"permitted\": [\"CAP_AUDIT_WRITE\", \"CAP_KILL\", \"CAP_NET_BIND_SERVICE\", \"CAP_MKNOD\"],\n"
		"     \"ambient\": []}},\n"
		" \"root\": {\"path\": \"rootfs\"},\n"
		" \"mounts\": [{\"destination\": \"/proc\", \"type\": \"proc\", \"source\": \"proc\"},\n"
		"   {\"destination\": \"/dev\", \"type\": \"tmpfs\", \"source\": \"tmpfs\",\n"
		"    \"options\": [\"nosuid\", \"strictatime\", \"mode=755\", \"size=65536k\"]}],\n"
		" \"linux\": {\"cgroupsPath\": \"/%s/%s\",\n"
		"   \"resources\": {\"devices\": [{\"allow\": false, \"access\": \"rwm\"}%s%s]},\n"
		"   \"namespaces\": [{\"type\": \"pid\"}, {\"type\": \"mount\"}, {\"type\": \"ipc\"},\n"
		"                  {\"type\": \"uts\"}, {\"type\": \"network\"}]}}\n"
		"E\n",
		name, layer_dir("base"), cgroup_parent(), name, *rule ? ", " : "", rule);
	ck_status(r, 0);
}

/* create NAME, start, wait for its exit, delete: its output, stdout
 * and stderr together. */
static struct result run_to_exit(const char *name)
{
	return sh(IN_ROOT
		  "$o create --bundle \"$MINIDOCKER_ROOT/%s\" --pid-file %s.pid %s </dev/null >%s.out 2>&1 || "
		  "{ cat %s.out; exit 1; }\n"
		  "$o start %s || exit 1\n"
		  "p=$(cat %s.pid); while [ -d /proc/$p ] && ! grep -q '^State:.Z' /proc/$p/status; do sleep 0.05; done\n"
		  "$o delete --force %s; cat %s.out\n",
		  name, name, name, name, name, name, name, name, name);
}

/* linux.resources.devices was read and not applied: a container of
 * podman rootful (no user namespace, CAP_MKNOD in its set) could mknod
 * a host disk's numbers and open it.  runc and crun refuse the open with
 * EPERM from the devices cgroup (v1) or the device filter (v2); here on
 * v1, and on v2 with make test-cgroup2 ("oci devices").  Opened for
 * reading only, nothing read; no device is ever written. */
static void check_mknod_refused(void)
{
	mknod_bundle("mknod", "");
	struct result r = run_to_exit("mknod");
	ck_status(r, 0);
	ck_assert_msg(strstr(r.out, "/dev/k: Operation not permitted") && !strstr(r.out, "opened"),
		      "a node made for the host's loop0 was opened:\n%s", r.out);
	ck_assert_msg(strstr(r.out, "read /dev/null\n3\n"), "the default devices:\n%s", r.out);
	ck_no_cgroup_left("mknod");
}

/* A rule allowing b 7:0 for reading, after the deny-all, lets it open. */
static void check_mknod_allowed(void)
{
	mknod_bundle("mknodok", "{\"allow\": true, \"type\": \"b\", \"major\": 7, \"minor\": 0, \"access\": \"r\"}");
	struct result r = run_to_exit("mknodok");
	ck_status(r, 0);
	ck_assert_msg(strstr(r.out, "opened /dev/k\nread /dev/null\n3\n"), "the allowed node:\n%s", r.out);
}

START_TEST(a_node_the_device_rules_deny_cannot_be_opened)
{
	check_mknod_refused();
	check_mknod_allowed();
}
END_TEST

/* The same on cgroup v2, on this host: its hybrid hierarchy's
 * /sys/fs/cgroup/unified is a real cgroup2, where the v2 code attaches
 * its BPF program to the container's folder (below the test's own
 * minidocker/md-test-..., which the harness removes). */
START_TEST(a_node_the_device_filter_denies_cannot_be_opened_on_v2)
{
	setenv("MINIDOCKER_CGROUP", "v2:/sys/fs/cgroup/unified", 1);
	check_mknod_refused();
	check_mknod_allowed();
	unsetenv("MINIDOCKER_CGROUP");
}
END_TEST

/* process.capabilities as runc 1.1's `runc spec` writes it: three
 * ambient capabilities, no inheritable set, where the kernel raises an
 * ambient one only if it is inheritable too.  runc starts the process
 * with CapAmb 0; before the fix create and start exited 0 and the init
 * died ("raise cap_kill in the ambient set: Operation not permitted"). */
START_TEST(runc_specs_ambient_capabilities_start)
{
	struct result r = sh(
		"set -e; b=\"$MINIDOCKER_ROOT/amb\"; mkdir -p \"$b\"; cp -a \"%s\" \"$b/rootfs\"\n"
		"cat >\"$b/config.json\" <<'E'\n"
		"{\"ociVersion\": \"1.0.2\",\n"
		" \"process\": {\"user\": {\"uid\": 0, \"gid\": 0}, \"cwd\": \"/\",\n"
		"   \"env\": [\"PATH=/bin:/sbin:/usr/bin\"], \"args\": [\"grep\", \"^Cap\", \"/proc/self/status\"],\n"
		"   \"capabilities\": {\n"
		"     \"bounding\": [\"CAP_AUDIT_WRITE\", \"CAP_KILL\", \"CAP_NET_BIND_SERVICE\"],\n"
		"     \"effective\": [\"CAP_AUDIT_WRITE\", \"CAP_KILL\", \"CAP_NET_BIND_SERVICE\"],\n"
		"     \"permitted\": [\"CAP_AUDIT_WRITE\", \"CAP_KILL\", \"CAP_NET_BIND_SERVICE\"],\n"
		"     \"ambient\": [\"CAP_AUDIT_WRITE\", \"CAP_KILL\", \"CAP_NET_BIND_SERVICE\"]}},\n"
		" \"root\": {\"path\": \"rootfs\"},\n"
		" \"mounts\": [{\"destination\": \"/proc\", \"type\": \"proc\", \"source\": \"proc\"}],\n"
		" \"linux\": {\"cgroupsPath\": \"/%s/amb\",\n"
		"   \"namespaces\": [{\"type\": \"pid\"}, {\"type\": \"mount\"}, {\"type\": \"ipc\"},\n"
		"                  {\"type\": \"uts\"}, {\"type\": \"network\"}]}}\n"
		"E\n",
		layer_dir("base"), cgroup_parent());
	ck_status(r, 0);
	r = run_to_exit("amb");
	ck_status(r, 0);
	/* CAP_KILL 5, CAP_NET_BIND_SERVICE 10, CAP_AUDIT_WRITE 29 */
	ck_assert_msg(strstr(r.out, "CapInh:\t0000000000000000\nCapPrm:\t0000000020000420\n"
				    "CapEff:\t0000000020000420\nCapBnd:\t0000000020000420\nCapAmb:\t0000000000000000\n"),
		      "runc spec's capabilities:\n%s", r.out);
}
END_TEST

/* A file planted where the pid file is written first (.NAME.tmp, then
 * renamed): a symlink there, to a file of the test's standing for one
 * outside, was followed and the file overwritten with the pid.  runc
 * makes its own new (O_EXCL) and refuses; so does create now, and
 * leaves no container. */
START_TEST(a_planted_pid_file_temp_is_not_written_through)
{
	sleeping_bundle("planted");
	struct result r = sh(
		IN_ROOT
		"mkdir pf; echo ORIGINAL >pf/outside; ln -s \"$PWD/pf/outside\" pf/.p.tmp\n"
		"$o create --bundle \"$MINIDOCKER_ROOT/planted\" --pid-file pf/p planted </dev/null >/dev/null; s=$?\n"
		"echo \"rc=$s outside=$(cat pf/outside)\"; [ ! -e pf/p ] || echo 'pid file made'\n"
		"[ ! -e oci/planted ] || { echo 'container left'; $o delete --force planted; }\n");
	ck_status(r, 0);
	ck_assert_msg(strstr(r.out, "rc=1 outside=ORIGINAL\n") && !strstr(r.out, "made") && !strstr(r.out, "left"),
		      "a planted pid file temp:\n%s%s", r.out, r.err);
	ck_assert_msg(strstr(r.err, "minidocker-oci: write the pid file pf/p: create .p.tmp: File exists"),
		      "its message:\n%s", r.err);
	ck_no_cgroup_left("planted");
}
END_TEST

/* config.json a FIFO: open(2) of it waited for a writer that never
 * came, and create hung for ever (runc's too).  It is refused as not a
 * file now, at once, and nothing is left. */
START_TEST(a_fifo_config_json_is_refused_not_waited_on)
{
	struct result r = sh(
		"cd \"$MINIDOCKER_ROOT\"; mkdir -p fifo; cp -a \"%s\" fifo/rootfs; mkfifo fifo/config.json\n"
		"timeout 10 $MD-oci --root \"$MINIDOCKER_ROOT/oci\" create --bundle \"$MINIDOCKER_ROOT/fifo\" fifo </dev/null\n"
		"echo rc=$?; [ ! -e oci/fifo ] || echo 'state left'\n",
		layer_dir("base"));
	ck_status(r, 0);
	ck_assert_msg(strstr(r.out, "rc=1\n") && !strstr(r.out, "left"), "a FIFO config.json:\n%s%s", r.out, r.err);
	ck_assert_msg(strstr(r.err, "minidocker-oci: config.json: not a regular file\n"), "its message:\n%s", r.err);
}
END_TEST

/* A container's state folder replaced by a symbolic link (only root
 * can, in the 0700 state root): state and delete read the container
 * through it, and delete --force of a created container emptied the
 * folder it points to, then failed on the link.  runc removes only the
 * link; minidocker-oci refuses it, and leaves what it points to alone. */
START_TEST(a_symlinked_state_folder_is_refused_not_followed)
{
	struct result r = sh(
		IN_ROOT "mkdir -p oci elsewhere\n"
		"echo '{\"ociVersion\": \"1.0.2\", \"id\": \"sx\", \"pid\": 0, \"bundle\": \"/\", \"rootfs\": \"/\","
		" \"created\": \"x\", \"cgroup\": \"\"}' >elsewhere/state.json; : >elsewhere/exec.fifo\n"
		"ln -s \"$PWD/elsewhere\" oci/sx\n"
		"$o state sx >/dev/null; echo state=$?; $o delete --force sx; echo delete=$?\n"
		"ls elsewhere | tr '\\n' ' '; echo\n");
	ck_status(r, 0);
	ck_assert_msg(strstr(r.out, "state=1\ndelete=1\nexec.fifo state.json \n"),
		      "a symlinked state folder:\n%s%s", r.out, r.err);
	ck_assert_msg(strstr(r.err, "is not a folder (a symbolic link?): refused\n"), "its message:\n%s", r.err);
}
END_TEST

/* exec.fifo read by someone else before start (only root can, in the
 * 0700 state folder): the init's byte went to them, and its process
 * started; start then waited for ever for a byte that would not come
 * (runc's too).  It says so and fails now, at once. */
START_TEST(an_exec_fifo_read_by_another_does_not_hang_start)
{
	sleeping_bundle("stolen");
	struct result r = sh(
		IN_ROOT
		"$o create --bundle \"$MINIDOCKER_ROOT/stolen\" stolen </dev/null >/dev/null || echo 'create failed'\n"
		"timeout 5 cat oci/stolen/exec.fifo | od -c | head -n 1\n"
		"timeout 20 $o start stolen; echo rc=$?\n"
		"$o delete --force stolen; [ ! -e oci/stolen ] || echo 'state left'\n");
	ck_status(r, 0);
	ck_assert_msg(strstr(r.out, "rc=1\n") && !strstr(r.out, "failed") && !strstr(r.out, "left"),
		      "exec.fifo read by another:\n%s%s", r.out, r.err);
	ck_assert_msg(strstr(r.err, "exec.fifo was read by another process: its init has started already\n"),
		      "its message:\n%s", r.err);
	ck_no_cgroup_left("stolen");
}
END_TEST

void add_ociattack_tests(Suite *s)
{
	TCase *tc = tcase(s, "oci attacks");
	add_root_test(tc, a_killed_create_leaves_nothing_after_delete_force);
	add_root_test(tc, exec_without_capabilities_gets_none);
	add_root_test(tc, runc_specs_ambient_capabilities_start);
	add_root_test(tc, a_planted_pid_file_temp_is_not_written_through);
	add_root_test(tc, a_fifo_config_json_is_refused_not_waited_on);
	add_root_test(tc, a_symlinked_state_folder_is_refused_not_followed);
	add_root_test(tc, an_exec_fifo_read_by_another_does_not_hang_start);
	/* On v1 here, on v2 in make test-cgroup2 (CASES=oci-devices).  The
	 * second only on a hybrid host: on a pure v2 host (the VM) the first
	 * runs the same v2 code on the real root already. */
	tc = tcase(s, "oci devices");
	add_root_test(tc, a_node_the_device_rules_deny_cannot_be_opened);
	if (access("/sys/fs/cgroup/unified/cgroup.procs", F_OK) == 0 && access("/sys/fs/cgroup/memory", F_OK) == 0)
		add_root_test(tc, a_node_the_device_filter_denies_cannot_be_opened_on_v2);
}
