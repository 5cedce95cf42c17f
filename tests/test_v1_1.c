/* v1.1: overlayfs instead of a copy, pivot_root instead of chroot, and
 * images as layers: import, commit, images, rmi. */
#include "features.h"

#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <signal.h>
#include <unistd.h>

const char *run_words[] = { "-i", "base", NULL };


START_TEST(rootless_rm_works_after_deletions)
{
	/* Once a rootless container deletes something, overlayfs leaves a
	 * mode-0 work/work folder that nobody could remove: rm and --rm
	 * failed with "Is a directory". */
	nobody_root();
	struct result r = sh(AS_NOBODY " run --name rr base sh -c 'rm /etc/group; rm -r /root'");
	ck_status(r, 0);
	r = sh(AS_NOBODY " rm rr");
	ck_status(r, 0);
	ck_assert_str_eq(r.out, "rr\n");
	r = sh(AS_NOBODY " run --rm base sh -c 'rm /etc/passwd; echo gone'");
	ck_status(r, 0);
	ck_assert_str_eq(r.out, "gone\n");
	ck_assert_str_eq(r.err, "");
	r = sh("ls -A \"$MINIDOCKER_ROOT/nobody/containers\"");
	ck_assert_str_eq(r.out, "");
}
END_TEST

START_TEST(an_interrupted_import_leaves_no_temporary)
{
	struct result r = sh("cd \"$MINIDOCKER_ROOT\" && mkdir big && cd big && seq 30000 | xargs touch && "
			     "tar -cf ../big.tar .");
	ck_status(r, 0);
	/* Ctrl-C at the terminal... */
	struct pty p;
	pty_start(&p, 24, 80, "cd \"$MINIDOCKER_ROOT\" && exec \"$MD\" import big.tar big1");
	wait_for_temp("images/.import-*");
	pty_send(&p, "\x03");
	ck_assert_int_eq(pty_finish(&p, 20), 130);
	/* ...and SIGTERM. */
	int pid = start_bg("cd \"$MINIDOCKER_ROOT\" && exec \"$MD\" import big.tar big2");
	wait_for_temp("images/.import-*");
	kill(pid, SIGTERM);
	r = sh("sleep 1; ls -A \"$MINIDOCKER_ROOT/images\"");
	ck_assert_str_eq(r.out, "base\n");
	/* A SIGKILLed import's temporary goes at the next one; a live
	 * importer's (ours, by its PID and start time) stays. */
	unsigned long long started = start_time_of(getpid());
	pid_t dead = fork();
	if (dead == 0)
		_exit(0);
	waitpid(dead, NULL, 0);
	r = sh("cd \"$MINIDOCKER_ROOT\" && mkdir images/.import-%d-%llu-AAAAAA images/.import-%d-%llu-BBBBBB && "
	       "mkdir -p s/x && tar -cf s.tar -C s . && \"$MD\" import s.tar small && ls -A images",
	       (int)dead, started, (int)getpid(), started);
	ck_status(r, 0);
	char want[200];
	snprintf(want, sizeof want, "small\n.import-%d-%llu-BBBBBB\n.meta\nbase\nsmall\n", (int)getpid(), started);
	ck_assert_str_eq(r.out, want);
}
END_TEST

int main(void)
{
	stage = "v1.1";
	with_image = 1;
	Suite *s = suite_create(stage);
	add_basic_tests(s, 1, 1);
	add_session_tests(s);
	add_mount_tests(s);
	add_image_tests(s);
	add_userns_hint_tests(s, 1);
	add_lifecycle_tests(s);
	add_cli_tests(s, 0);
	add_detach_tests(s);
	add_limit_tests(s, 0);
	add_layer_tests(s);
	TCase *tc = tcase(s, "layers");
	add_root_test(tc, rootless_rm_works_after_deletions);
	add_root_test(tc, an_interrupted_import_leaves_no_temporary);
	add_input_tests(s, INPUT_LIMITS | INPUT_IMAGES);
	return run_suite(s);
}
