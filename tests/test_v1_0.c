/* v1.0: cgroups.  Real limits on this host's cgroups (v1, hybrid or v2),
 * and the v2 code against a scratch folder laid out like a v2 cgroupfs. */
#include "features.h"

#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

const char *run_words[] = { "-i", "base", NULL };

int main(void)
{
	stage = "v1.0";
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
	add_limit_tests(s, 1);
	add_input_tests(s, INPUT_LIMITS);
	return run_suite(s);
}
