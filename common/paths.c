/* since v0.5: the state root, which holds the image */
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
	/* Set but empty is a mistake (a variable that was never filled in),
	 * not a request for the default: that would be the system's root. */
	if (env && !env[0]) {
		md_warnx("MINIDOCKER_ROOT is set but empty");
		md_hint("set it to a folder, or unset it for the default state root");
		exit(MD_EXIT_FAILED);
	}
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

/* The hint for a missing image: the make command that builds it here.
 * It names the state root, since sudo resets the environment (sudoers(5),
 * env_reset): a bare `sudo make image` would build the image in
 * /var/lib/minidocker, whatever MINIDOCKER_ROOT this run was given.  The
 * Makefile's ROOT defaults to MINIDOCKER_ROOT. */
void md_image_hint(void)
{
	md_hint("build the image 'base' with `%smake image MINIDOCKER_ROOT=%s`",
		geteuid() == 0 ? "sudo " : "", md_state_root());
}

/* since v0.7: paths that are never cut short; the state root's folders */
void md_pathf(char *buf, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	int n = vsnprintf(buf, PATH_MAX, fmt, ap);
	va_end(ap);
	if (n < 0 || n >= PATH_MAX)
		md_diex("path too long: %.64s...", buf);
}

/* Refuse a state root others may write in: another user could put a
 * symlink there (containers -> /etc), and what we chmod, chown, write or
 * remove below it would be theirs to choose.  /tmp is such a folder. */
static void check_state_root(const char *root)
{
	struct stat st;

	if (stat(root, &st) < 0)
		md_die("stat %s", root);
	if (!S_ISDIR(st.st_mode))
		md_diex("the state root %s is not a folder", root);
	if (st.st_mode & (S_IWGRP | S_IWOTH)) {
		md_warnx("the state root %s is writable by others (mode %04o): refused", root,
			 (unsigned)(st.st_mode & 07777));
		md_hint("use a folder of your own, not writable by others (--root or MINIDOCKER_ROOT)");
		exit(MD_EXIT_FAILED);
	}
}

/* ROOT/SUB, made with MODE if missing.  Never through a symlink: SUB must
 * be a real folder (lstat(2)), so no chmod or file of ours lands elsewhere. */
void md_state_dir(char *path, const char *sub, int mode)
{
	struct stat st;

	md_pathf(path, "%s/%s", md_state_root(), sub);
	if (mkdir(md_state_root(), 0700) < 0 && errno != EEXIST)
		md_die("mkdir %s", md_state_root());
	check_state_root(md_state_root());
	if (mkdir(path, mode) < 0 && errno != EEXIST)
		md_die("mkdir %s", path);
	if (lstat(path, &st) < 0)
		md_die("stat %s", path);
	if (!S_ISDIR(st.st_mode)) {
		md_warnx("%s is %s, not a folder: refused", path,
			 S_ISLNK(st.st_mode) ? "a symlink" : "something else");
		md_hint("use a folder of your own, not writable by others, as the state root");
		exit(MD_EXIT_FAILED);
	}
}
