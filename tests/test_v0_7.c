/* v0.7: all six namespaces; uid 0 inside is the caller outside; an id and
 * a copy of the image per run; no root needed where user namespaces are. */
#include "basics.h"

#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

const char *run_words[] = { NULL };

START_TEST(every_namespace_but_cgroup_is_new)
{
	struct result in = md_run(NULL, "probe", "ns", NULL);
	struct result out = sh("\"$PROBE\" ns");
	ck_status(in, 0);
	const char *fresh[] = { "ipc", "mnt", "net", "pid", "user", "uts" };
	for (int i = 0; i < 6; i++)
		ck_assert_msg(ns_inode(in.out, fresh[i]) != ns_inode(out.out, fresh[i]),
			      "%s namespace is the host's", fresh[i]);
	/* No CLONE_NEWCGROUP yet. */
	ck_assert_uint_eq(ns_inode(in.out, "cgroup"), ns_inode(out.out, "cgroup"));
}
END_TEST

START_TEST(only_lo_in_the_network_namespace)
{
	struct result r = md_run(NULL, "ip", "-o", "link", NULL);
	ck_status(r, 0);
	ck_contains(r.out, "1: lo: ");
	ck_assert_msg(strchr(r.out, '\n') == r.out + strlen(r.out) - 1, "more than lo:\n%s", r.out);
}
END_TEST

START_TEST(root_inside_is_the_caller_outside)
{
	struct result r = md_run(NULL, "sh", "-c", "id -u; id -g; cat /proc/self/uid_map /proc/self/gid_map", NULL);
	ck_status(r, 0);
	char want[256];
	snprintf(want, sizeof want, "0\n0\n%10d %10d %10d\n%10d %10d %10d\n",
		 0, (int)getuid(), 1, 0, (int)getgid(), 1);
	ck_assert_str_eq(r.out, want);
}
END_TEST

START_TEST(a_host_message_queue_is_invisible_inside)
{
	struct result q = sh("ipcmk -Q | sed -n 's/.*: //p'");
	ck_status(q, 0);
	int id = atoi(q.out);
	struct result host = sh("cat /proc/sysvipc/msg");
	struct result in = md_run(NULL, "cat", "/proc/sysvipc/msg", NULL);
	sh("ipcrm -q %d", id);
	ck_status(in, 0);
	/* The host lists the queue; the container lists only the header. */
	ck_assert_ptr_nonnull(strchr(strchr(host.out, '\n') + 1, '\n'));
	ck_assert_ptr_eq(strchr(in.out, '\n'), in.out + strlen(in.out) - 1);
}
END_TEST

/* The container's id, from the trace of init. */
static void container_id(const char *trace, char id[65])
{
	const char *p = strstr(trace, "/containers/");
	ck_assert_ptr_nonnull(p);
	ck_assert_int_eq(sscanf(p, "/containers/%64[0-9a-f]/rootfs ", id), 1);
	ck_assert_uint_eq(strlen(id), 64);
}

START_TEST(each_run_has_its_own_id_and_copy)
{
	struct result a = sh("MINIDOCKER_DEBUG=1 \"$MD\" run sh -c 'echo a > /tmp/mine; ls /tmp'");
	struct result b = sh("MINIDOCKER_DEBUG=1 \"$MD\" run ls /tmp");
	ck_status(a, 0);
	ck_status(b, 0);
	char ida[65], idb[65];
	container_id(a.err, ida);
	container_id(b.err, idb);
	ck_assert_str_ne(ida, idb);
	ck_assert_str_eq(a.out, "mine\n");
	ck_assert_str_eq(b.out, "");
}
END_TEST

START_TEST(nothing_is_left_after_a_run)
{
	struct result r = md_run(NULL, "sh", "-c", "echo x > /tmp/x", NULL);
	ck_status(r, 0);
	r = sh("ls -A \"$MINIDOCKER_ROOT/containers\"");
	ck_status(r, 0);
	ck_assert_str_eq(r.out, "");
}
END_TEST

START_TEST(ten_concurrent_runs_all_succeed)
{
	struct result r = sh("for i in 1 2 3 4 5 6 7 8 9 10; do \"$MD\" run sh -c \"echo $i > /tmp/n; "
			     "sleep 0.2; cat /tmp/n\" > \"$MINIDOCKER_ROOT/out.$i\" & done; fails=0; "
			     "for j in 1 2 3 4 5 6 7 8 9 10; do wait %%$j || fails=$((fails+1)); done; "
			     "echo fails=$fails; for i in 1 2 3 4 5 6 7 8 9 10; do "
			     "[ \"$(cat \"$MINIDOCKER_ROOT/out.$i\")\" = $i ] || echo mixed $i; done; "
			     "ls -A \"$MINIDOCKER_ROOT/containers\"");
	ck_assert_str_eq(r.out, "fails=0\n");
}
END_TEST

START_TEST(a_run_as_an_unprivileged_user_works)
{
	nobody_root();
	struct result r = sh(AS_NOBODY " run sh -c 'id -u; probe caps; touch /tmp/made; echo ready; sleep 1' "
			     "> \"$MINIDOCKER_ROOT/out\" & pid=$!; i=0; "
			     "until grep -q ready \"$MINIDOCKER_ROOT/out\" || [ $i -ge 100 ]; do sleep 0.05; i=$((i+1)); done; "
			     "stat -c 'owner %%u:%%g' \"$MINIDOCKER_ROOT\"/nobody/containers/*/rootfs/tmp/made; "
			     "wait $pid; echo run=$?; cat \"$MINIDOCKER_ROOT/out\"; "
			     "ls -A \"$MINIDOCKER_ROOT/nobody/containers\"");
	/* uid 0 and every capability inside, in the user namespace; the file
	 * belongs to nobody on the host; the copy is gone afterwards. */
	ck_assert_str_eq(r.out, "owner 65534:65534\nrun=0\n0\n=ep\nready\n");
}
END_TEST

/* Issue 11, item 4: 3,000 folders deep is far past PATH_MAX (each level
 * adds "d/"): the run's copy has all of it, and is removed afterwards. */
START_TEST(a_3000_level_tree_is_copied_and_removed)
{
	char deep[8400];
	snprintf(deep, sizeof deep, "%s/deep", image_dir());
	ck_assert_int_eq(mkdir(deep, 0755), 0);
	make_deep_tree(deep, 3000);
	struct result r = md_run(NULL, "probe", "depth", "/deep", NULL);
	ck_status(r, 0);
	ck_assert_str_eq(r.out, "3000\n");
	ck_assert_str_eq(r.err, "");
	r = sh("ls -A \"$MINIDOCKER_ROOT/containers\"");
	ck_assert_str_eq(r.out, "");
	remove_state_root_deeply();
}
END_TEST

int main(void)
{
	stage = "v0.7";
	with_image = 1;
	Suite *s = suite_create(stage);
	add_basic_tests(s, 1, 1);
	add_bad_input_tests(s);
	add_exec_hygiene_tests(s, 1);
	add_reexec_tests(s, 0);
	add_state_root_tests(s, 1);
	add_session_tests(s);
	add_mount_tests(s);
	add_image_tests(s);
	add_userns_hint_tests(s, 1);
	TCase *tc = tcase(s, "userns");
	add_root_test(tc, every_namespace_but_cgroup_is_new);
	add_root_test(tc, only_lo_in_the_network_namespace);
	add_root_test(tc, root_inside_is_the_caller_outside);
	add_root_test(tc, a_host_message_queue_is_invisible_inside);
	add_root_test(tc, each_run_has_its_own_id_and_copy);
	add_root_test(tc, nothing_is_left_after_a_run);
	add_root_test(tc, ten_concurrent_runs_all_succeed);
	add_root_test(tc, a_run_as_an_unprivileged_user_works);
	tc = tcase(s, "deep");
	/* rm -rf, not the harness's nftw, can remove what a failed test left. */
	tcase_add_checked_fixture(tc, NULL, remove_state_root_deeply);
	add_root_test(tc, a_3000_level_tree_is_copied_and_removed);
	add_deep_copy_test(tc);
	return run_suite(s);
}
