/* The pre-flight capability check, with libcap (see cap_get_proc(3)). */
#include "md.h"

#include <stdlib.h>
#include <sys/capability.h>
#include <unistd.h>

void md_require_sys_admin(const char *what)
{
	cap_flag_value_t has = CAP_CLEAR;
	cap_t caps = cap_get_proc();

	if (!caps)
		md_die("cap_get_proc");
	if (cap_get_flag(caps, CAP_SYS_ADMIN, CAP_EFFECTIVE, &has) < 0)
		md_die("cap_get_flag CAP_SYS_ADMIN");
	cap_free(caps);
	if (has == CAP_SET)
		return;
	md_warnx("%s needs CAP_SYS_ADMIN, and this process (uid %d) does not have it",
		 what, (int)getuid());
	md_hint("run it as root, with sudo; `make doctor` checks this host");
	exit(MD_EXIT_FAILED);
}
