/* v2.0: minidocker-oci attacked, as a careless or hostile caller would:
 * a create killed at any moment must leave nothing that `delete --force`
 * cannot clean.
 *
 * Each test makes its own OCI bundle under its state root, with its own
 * --root, as tests/ocicli.c does. */
#include "features.h"

#include <string.h>
#include <stdlib.h>
#include <sys/stat.h>

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
		sh("cd \"$MINIDOCKER_ROOT\"; o=\"$MD-oci --root $MINIDOCKER_ROOT/oci\"\n"
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
	char *left = cgroups_left();
	ck_assert_msg(!strstr(left, "killed"), "cgroups left:\n%s", left);
	free(left);
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
		"set -e; cd \"$MINIDOCKER_ROOT\"; o=\"$MD-oci --root $MINIDOCKER_ROOT/oci\"\n"
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

void add_ociattack_tests(Suite *s)
{
	TCase *tc = tcase(s, "oci attacks");
	add_root_test(tc, a_killed_create_leaves_nothing_after_delete_force);
	add_root_test(tc, exec_without_capabilities_gets_none);
}
