/* v0.9: names, detached containers with a monitor, logs, rm, a terminal. */
#include "features.h"

#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* -i: from v0.9 on, stdin reaches the command only when asked for. */
const char *run_words[] = { "-i", "base", NULL };

int main(void)
{
	stage = "v0.9";
	with_image = 1;
	Suite *s = suite_create(stage);
	add_basic_tests(s, 1, 1);
	add_session_tests(s);
	add_mount_tests(s);
	add_image_tests(s);
	add_userns_hint_tests(s, 1);
	add_lifecycle_tests(s);
	add_image_copy_tests(s);
	add_cli_tests(s, 0);
	add_detach_tests(s);
	add_input_tests(s, 0);
	return run_suite(s);
}
