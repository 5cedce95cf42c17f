/* v0.6: the container runs in a copy of the image, ROOT/containers/rootfs,
 * with Docker's default environment. */
#include "basics.h"

#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

const char *run_words[] = { NULL };

static char *rootfs_path(const char *rel)
{
	static char path[8400];
	snprintf(path, sizeof path, "%s/containers/rootfs%s", state_root(), rel);
	return path;
}

START_TEST(trace_shows_init_with_the_copy)
{
	struct result r = sh("MINIDOCKER_DEBUG=1 \"$MD\" run true");
	ck_status(r, 0);
	char want[8600];
	snprintf(want, sizeof want, "Process => [%s init %s true] [1]\n", md_bin, rootfs_path(""));
	ck_contains(r.err, want);
}
END_TEST

START_TEST(a_write_does_not_reach_the_image)
{
	struct result r = md_run(NULL, "sh", "-c", "echo written > /tmp/note", NULL);
	ck_status(r, 0);
	char path[8300];
	snprintf(path, sizeof path, "%s/tmp/note", image_dir());
	ck_assert_int_ne(access(path, F_OK), 0);
	char *note = read_file(rootfs_path("/tmp/note"));
	ck_assert_ptr_nonnull(note);
	ck_assert_str_eq(note, "written\n");
}
END_TEST

START_TEST(runs_share_one_copy)
{
	/* As in the seed, every run uses the same copy: v0.7's problem. */
	struct result w = md_run(NULL, "sh", "-c", "echo first > /tmp/note", NULL);
	struct result r = md_run(NULL, "cat", "/tmp/note", NULL);
	ck_status(w, 0);
	ck_status(r, 0);
	ck_assert_str_eq(r.out, "first\n");
}
END_TEST

/* Compare what matters of two stats. */
static void ck_same_stat(const char *rel)
{
	char a[8400];
	struct stat s1, s2;
	snprintf(a, sizeof a, "%s%s", image_dir(), rel);
	ck_assert_int_eq(lstat(a, &s1), 0);
	ck_assert_msg(lstat(rootfs_path(rel), &s2) == 0, "%s not copied", rel);
	ck_assert_msg(s1.st_mode == s2.st_mode, "%s: mode %o, want %o", rel, s2.st_mode, s1.st_mode);
	ck_assert_msg(s1.st_uid == s2.st_uid && s1.st_gid == s2.st_gid, "%s: owner", rel);
	ck_assert_msg(s1.st_mtim.tv_sec == s2.st_mtim.tv_sec &&
		      s1.st_mtim.tv_nsec == s2.st_mtim.tv_nsec, "%s: mtime", rel);
	ck_assert_msg(s1.st_size == s2.st_size, "%s: size", rel);
	ck_assert_msg(s1.st_rdev == s2.st_rdev, "%s: device", rel);
}

START_TEST(the_copy_keeps_modes_owners_times_and_links)
{
	struct result r = sh("cd \"%s\" && mkdir -m 0750 keep && echo data > keep/file && "
			     "chown 1234:5678 keep/file && chmod 4711 keep/file && "
			     "ln -s ../etc/passwd keep/link && chown -h 42:43 keep/link && "
			     "mkfifo keep/fifo && mknod keep/null c 1 3 && "
			     "touch -h -d '2001-02-03 04:05:06.789' keep/file keep/link keep/fifo keep/null && "
			     "touch -d '2002-01-01' keep", image_dir());
	ck_status(r, 0);
	r = md_run(NULL, "true", NULL);
	ck_status(r, 0);
	ck_same_stat("/keep");
	ck_same_stat("/keep/file");
	ck_same_stat("/keep/link");
	ck_same_stat("/keep/fifo");
	ck_same_stat("/keep/null");
	ck_same_stat("/bin/sh");
	ck_same_stat("/tmp");
	char target[64] = "";
	ck_assert_int_gt(readlink(rootfs_path("/keep/link"), target, sizeof target - 1), 0);
	ck_assert_str_eq(target, "../etc/passwd");
	ck_assert_str_eq(read_file(rootfs_path("/keep/file")), "data\n");
}
END_TEST

START_TEST(path_is_dockers_default)
{
	struct result r = sh("PATH=/host/only \"$MD\" run sh -c 'echo $PATH'");
	ck_status(r, 0);
	ck_assert_str_eq(r.out, "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin\n");
}
END_TEST

START_TEST(the_hosts_environment_stays_outside)
{
	struct result r = sh("SECRET=host \"$MD\" run sh -c 'echo ${SECRET-unset} $HOME $HOSTNAME'");
	ck_status(r, 0);
	ck_assert_str_eq(r.out, "unset /root container\n");
}
END_TEST

START_TEST(concurrent_first_runs_make_one_copy)
{
	struct result r = sh("for i in 1 2 3 4 5 6; do \"$MD\" run true & done; "
			     "fails=0; for j in 1 2 3 4 5 6; do wait %%$j || fails=$((fails+1)); done; "
			     "echo fails=$fails; ls -A \"$MINIDOCKER_ROOT/containers\"");
	ck_assert_str_eq(r.out, "fails=0\nrootfs\n");
}
END_TEST

/* A run that cannot make its namespaces says so before it makes anything:
 * no ROOT/containers, no copy of the image left behind. */
START_TEST(a_refused_run_copies_nothing)
{
	struct result r = sh("setpriv --bounding-set=-sys_admin \"$MD\" run true; echo rc=$?; "
			     "ls -A \"$MINIDOCKER_ROOT\"");
	ck_contains(r.out, "rc=125\n");
	ck_contains(r.err, "needs CAP_SYS_ADMIN");
	ck_assert_msg(!strstr(r.out, "containers"), "debris after a refused run: %s", r.out);
}
END_TEST

/* Issue 11, item 4: 3,000 folders deep is far past PATH_MAX (each level
 * adds "d/").  Three first runs at once all copy the image; the two that
 * lose the rename remove their copies, deep tree included. */
START_TEST(a_3000_level_tree_is_copied_and_removed)
{
	char deep[8400];
	snprintf(deep, sizeof deep, "%s/deep", image_dir());
	ck_assert_int_eq(mkdir(deep, 0755), 0);
	make_deep_tree(deep, 3000);
	struct result r = sh("for i in 1 2 3; do \"$MD\" run probe depth /deep > \"$MINIDOCKER_ROOT/depth.$i\" & done; "
			     "fails=0; for j in 1 2 3; do wait %%$j || fails=$((fails+1)); done; "
			     "echo fails=$fails; cat \"$MINIDOCKER_ROOT\"/depth.*; ls -A \"$MINIDOCKER_ROOT/containers\"");
	ck_assert_msg(!strcmp(r.out, "fails=0\n3000\n3000\n3000\nrootfs\n"), "%s\nstderr: %s", r.out, r.err);
	remove_state_root_deeply();
}
END_TEST

int main(void)
{
	stage = "v0.6";
	with_image = 1;
	Suite *s = suite_create(stage);
	add_preflight_tests(s, 0);
	add_basic_tests(s, 1, 1);
	add_bad_input_tests(s);
	add_exec_hygiene_tests(s, 1);
	add_reexec_tests(s, 0);
	add_state_root_tests(s, 1);
	add_session_tests(s);
	add_mount_tests(s);
	add_image_tests(s);
	TCase *tc = tcase(s, "copy");
	add_root_test(tc, trace_shows_init_with_the_copy);
	add_root_test(tc, a_write_does_not_reach_the_image);
	add_root_test(tc, runs_share_one_copy);
	add_root_test(tc, the_copy_keeps_modes_owners_times_and_links);
	add_root_test(tc, path_is_dockers_default);
	add_root_test(tc, the_hosts_environment_stays_outside);
	add_root_test(tc, concurrent_first_runs_make_one_copy);
	add_root_test(tc, a_refused_run_copies_nothing);
	tc = tcase(s, "deep");
	/* rm -rf, not the harness's nftw, can remove what a failed test left. */
	tcase_add_checked_fixture(tc, NULL, remove_state_root_deeply);
	add_root_test(tc, a_3000_level_tree_is_copied_and_removed);
	add_deep_copy_test(tc);
	return run_suite(s);
}
