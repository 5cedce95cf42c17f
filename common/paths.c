/* Where minidocker keeps its state (DESIGN.md, "Names and places"). */
#include "md.h"

#include <limits.h>
#include <stdarg.h>
#include <errno.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

const char *md_state_root(void)
{
	static char root[PATH_MAX];
	const char *env = getenv("MINIDOCKER_ROOT");
	const char *xdg = getenv("XDG_DATA_HOME");
	const char *home = getenv("HOME");

	if (root[0])
		return root;
	/* Set but empty is a mistake (MINIDOCKER_ROOT=$UNSET_VAR): falling
	 * back to the system root would silently use the wrong state. */
	if (env && !env[0])
		md_diex("MINIDOCKER_ROOT is set but empty: unset it, or name a folder");
	if (env)
		snprintf(root, sizeof root, "%s", env);
	else if (geteuid() == 0)
		snprintf(root, sizeof root, "/var/lib/minidocker");
	else if (xdg && xdg[0] == '/')
		snprintf(root, sizeof root, "%s/minidocker", xdg);
	else if (home && home[0] == '/')
		snprintf(root, sizeof root, "%s/.local/share/minidocker", home);
	else
		md_diex("no state root: set MINIDOCKER_ROOT or HOME");
	return root;
}

void md_pathf(char *buf, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	int n = vsnprintf(buf, PATH_MAX, fmt, ap);
	va_end(ap);
	if (n < 0 || n >= PATH_MAX)
		md_diex("path too long: %.64s...", buf);
}

void md_state_dir(char *path, const char *sub, int mode)
{
	md_pathf(path, "%s/%s", md_state_root(), sub);
	if (mkdir(md_state_root(), 0700) < 0 && errno != EEXIST)
		md_die("mkdir %s", md_state_root());
	if (mkdir(path, mode) < 0 && errno != EEXIST)
		md_die("mkdir %s", path);
}
