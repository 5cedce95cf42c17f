/* since v0.2: the CAP_SYS_ADMIN pre-flight */
/* The pre-flight capability check, with libcap (see cap_get_proc(3)). */
#include "md.h"

#include <errno.h>
#include <stdio.h>
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
	if (getuid() == 0)	/* root already: sudo would change nothing */
		md_hint("root lacks it here: its capabilities were dropped (capsh(1), setpriv(1)) "
			"or a container withholds it; `make doctor` checks this host");
	else
		md_hint("run it as root, with sudo; `make doctor` checks this host");
	exit(MD_EXIT_FAILED);
}

/* since v0.7: why this host refuses a user namespace */
static long read_sysctl(const char *path)
{
	FILE *f = fopen(path, "re");
	long v = -1;

	if (f) {
		if (fscanf(f, "%ld", &v) != 1)
			v = -1;
		fclose(f);
	}
	return v;
}

void md_userns_hint(int err)
{
	long max = read_sysctl("/proc/sys/user/max_user_namespaces");
	/* To root, sudo is no way out: it is root already. */
	const char *sudo = geteuid() == 0 ? "" : ", or run with sudo";

	if (max == 0)
		md_hint("user namespaces are disabled here (user.max_user_namespaces = 0): "
			"sudo sysctl -w user.max_user_namespaces=15000%s", sudo);
	else if (err == ENOSPC)
		md_hint("the limit user.max_user_namespaces (%ld) is reached", max);
	else if (read_sysctl("/proc/sys/kernel/unprivileged_userns_clone") == 0)
		md_hint("this kernel allows user namespaces to root only "
			"(kernel.unprivileged_userns_clone = 0): sudo sysctl -w "
			"kernel.unprivileged_userns_clone=1%s", sudo);
	else if (read_sysctl("/proc/sys/kernel/apparmor_restrict_unprivileged_userns") == 1)
		md_hint("AppArmor restricts unprivileged user namespaces (Ubuntu 23.10 and later): "
			"sudo sysctl -w kernel.apparmor_restrict_unprivileged_userns=0%s", sudo);
	else if (geteuid() == 0)
		md_hint("this host does not let root create user namespaces (a seccomp filter, "
			"a chroot, or a container without --privileged?); `make doctor` checks");
	else
		md_hint("this host does not let uid %d create user namespaces (a seccomp filter "
			"or a container without --privileged?): run with sudo; `make doctor` checks",
			(int)getuid());
}
