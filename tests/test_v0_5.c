/* v0.5: the command is PID 1 (init execs it) and / is the image 'base'. */
#include "basics.h"

#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

const char *run_words[] = { NULL };

START_TEST(trace_shows_init_with_the_rootfs)
{
	struct result r = sh("MINIDOCKER_DEBUG=1 \"$MD\" run true");
	ck_status(r, 0);
	char want[8400];
	snprintf(want, sizeof want, "Process => [%s init %s true] [1]\n", md_bin, image_dir());
	ck_contains(r.err, want);
}
END_TEST

START_TEST(a_write_lands_in_the_image)
{
	/* The problem v0.6 solves: the container writes into the image. */
	struct result r = md_run(NULL, "sh", "-c", "echo written > /tmp/note", NULL);
	ck_status(r, 0);
	char path[8300];
	snprintf(path, sizeof path, "%s/tmp/note", image_dir());
	char *note = read_file(path);
	ck_assert_ptr_nonnull(note);
	ck_assert_str_eq(note, "written\n");
}
END_TEST

int main(void)
{
	stage = "v0.5";
	with_image = 1;
	Suite *s = suite_create(stage);
	add_preflight_tests(s, 1);
	add_basic_tests(s, 1, 1);
	add_bad_input_tests(s);
	add_exec_hygiene_tests(s, 1);
	add_reexec_tests(s, 0);
	add_state_root_tests(s, 0);
	add_session_tests(s);
	add_mount_tests(s);
	add_image_tests(s);
	TCase *tc = tcase(s, "rootfs");
	add_root_test(tc, trace_shows_init_with_the_rootfs);
	add_root_test(tc, a_write_lands_in_the_image);
	return run_suite(s);
}
