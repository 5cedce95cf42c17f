/* run's --read-only, --tmpfs PATH[:OPTIONS] and --shm-size (v1.3): the
 * options, checked before anything is made; the word that carries them
 * to the init; and, in the container after pivot_root, the tmpfs mounts
 * and the read-only root.  Paths are the container's: after pivot_root an
 * image's symlink cannot lead a mount out of its root. */
#include "minidocker.h"

#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

/* tmpfs's options that are mount flags (mount(2)): SET, or CLEAR. */
static const struct {
	const char *name;
	unsigned long set, clear;
} flag_words[] = {
	{ "ro", MS_RDONLY, 0 },	      { "rw", 0, MS_RDONLY },
	{ "noexec", MS_NOEXEC, 0 },   { "exec", 0, MS_NOEXEC },
	{ "nosuid", MS_NOSUID, 0 },   { "suid", 0, MS_NOSUID },
	{ "nodev", MS_NODEV, 0 },     { "dev", 0, MS_NODEV },
	{ "noatime", MS_NOATIME, 0 }, { "strictatime", MS_STRICTATIME, 0 },
};

/* ...and those that are tmpfs's own (tmpfs(5)), with the characters their
 * values are made of, after a digit: a size (or a % of memory), an octal
 * mode, a number. */
static const struct {
	const char *name, *chars;
} data_words[] = {
	{ "size", "0123456789kKmMgG%" },
	{ "mode", "01234567" },
	{ "uid", "0123456789" },
	{ "gid", "0123456789" },
	{ "nr_inodes", "0123456789kKmMgG" },
};

/* OPTS ("size=64m,mode=1777,exec"), as flags and tmpfs's data.  Docker's
 * defaults first: noexec, nosuid, nodev.  0, or -1 with the word it does
 * not know in BAD. */
static int tmpfs_options(const char *opts, unsigned long *flags, char *data, size_t len, char *bad,
			 size_t badlen)
{
	char copy[256], *save, *w;

	*flags = MS_NOEXEC | MS_NOSUID | MS_NODEV;
	data[0] = '\0';
	snprintf(copy, sizeof copy, "%s", opts);
	for (w = strtok_r(copy, ",", &save); w; w = strtok_r(NULL, ",", &save)) {
		size_t i, n = strcspn(w, "=");
		int known = 0;
		for (i = 0; i < sizeof flag_words / sizeof flag_words[0] && !known; i++)
			if (!strcmp(w, flag_words[i].name)) {
				*flags = (*flags | flag_words[i].set) & ~flag_words[i].clear;
				known = 1;
			}
		for (i = 0; i < sizeof data_words / sizeof data_words[0] && !known; i++)
			if (w[n] == '=' && isdigit((unsigned char)w[n + 1]) && strlen(data_words[i].name) == n &&
			    !strncmp(w, data_words[i].name, n) &&
			    strspn(w + n + 1, data_words[i].chars) == strlen(w + n + 1)) {
				snprintf(data + strlen(data), len - strlen(data), "%s%s", data[0] ? "," : "",
					 w);
				known = 1;
			}
		if (!known) {
			snprintf(bad, badlen, "%s", w);
			return -1;
		}
	}
	return 0;
}

/* Does PATH have a ".." among its parts? */
static int has_dotdot(const char *path)
{
	for (const char *p = path; (p = strstr(p, "..")); p += 2)
		if ((p == path || p[-1] == '/') && (!p[2] || p[2] == '/'))
			return 1;
	return 0;
}

/* --tmpfs's value: an absolute path, not /, without "..", then
 * optionally ':' and options tmpfs_options knows. */
static void tmpfs_option(const struct command *cmd, const char *spec, struct mounts *m)
{
	char path[256], data[256], bad[256];
	unsigned long flags;
	size_t n = strcspn(spec, ":");

	if (m->ntmpfs == MAX_TMPFS)
		usage_error(cmd, NULL, "too many --tmpfs: at most %d", MAX_TMPFS);
	if (strlen(spec) >= sizeof m->tmpfs[0] || strchr(spec, '\n'))
		usage_error(cmd, NULL, "invalid --tmpfs '%.40s...': at most 255 characters, one line", spec);
	snprintf(path, sizeof path, "%.*s", (int)n, spec);
	if (path[0] != '/' || !path[strspn(path, "/")] || has_dotdot(path))
		usage_error(cmd, NULL,
			    "invalid --tmpfs '%s': the path must be absolute, not / and "
			    "without '..', such as /tmp or /run:size=64m",
			    spec);
	if (spec[n] && tmpfs_options(spec + n + 1, &flags, data, sizeof data, bad, sizeof bad) < 0)
		usage_error(cmd, NULL,
			    "invalid --tmpfs '%s': unknown option '%s' (ro, rw, exec, noexec, "
			    "suid, nosuid, dev, nodev, noatime, strictatime, size=, mode= (octal), uid=, "
			    "gid=, nr_inodes=)",
			    spec, bad);
	snprintf(m->tmpfs[m->ntmpfs++], sizeof m->tmpfs[0], "%s", spec);
}

void mounts_option(const struct command *cmd, int opt, const char *arg, struct mounts *m)
{
	if (opt == 'R') {
		m->read_only = 1;
	} else if (opt == 'T') {
		tmpfs_option(cmd, arg, m);
	} else {
		m->shm_size = parse_size(arg);
		if (m->shm_size == -2)
			usage_error(cmd, NULL, "invalid --shm-size '%s': too large, it must be under 1 PiB",
				    arg);
		if (m->shm_size <= 0)
			usage_error(cmd, NULL,
				    "invalid --shm-size '%s': a whole number above 0 and a "
				    "unit b, k, m or g, such as 64m",
				    arg);
	}
}

/* The options as one word of init's command line: "RO/SHM/" and then
 * the --tmpfs values, one a line (they hold no newline), and back. */
void mounts_word(const struct mounts *m, char *buf, size_t len)
{
	size_t n = snprintf(buf, len, "%d/%lld/", m->read_only, m->shm_size);

	for (int i = 0; i < m->ntmpfs && n < len; i++)
		n += snprintf(buf + n, len - n, "%s%s", i ? "\n" : "", m->tmpfs[i]);
	if (n >= len)
		md_diex("the --tmpfs options are too long");
}

void mounts_parse(const char *word, struct mounts *m)
{
	int n = 0;

	memset(m, 0, sizeof *m);
	if (sscanf(word, "%d/%lld/%n", &m->read_only, &m->shm_size, &n) != 2 || !n)
		md_diex("init is internal to `minidocker run`; use run");
	for (const char *p = word + n; *p && m->ntmpfs < MAX_TMPFS;
	     p += strcspn(p, "\n") + !!p[strcspn(p, "\n")])
		snprintf(m->tmpfs[m->ntmpfs++], sizeof m->tmpfs[0], "%.*s", (int)strcspn(p, "\n"), p);
}

/* mkdir -p PATH, in the container's root. */
static void make_path(char *path)
{
	for (char *p = path + 1;; p++)
		if (*p == '/' || !*p) {
			char c = *p;
			*p = '\0';
			if (mkdir(path, 0755) < 0 && errno != EEXIST)
				md_die("mkdir %s", path);
			if (!(*p = c))
				return;
		}
}

/* In the container, after pivot_root: each --tmpfs.  The mount points
 * are made first, while / may still be written (in the upper layer, as
 * Docker makes them in the container's layer).  v2.0: --read-only is
 * then the OCI path's root.readonly (container.c, oci_finish_root): the
 * root alone, as a bind remount changes one mount, and /proc, /sys,
 * /dev and the --tmpfs mounts are others (mount(2), MS_REMOUNT). */
void apply_mounts(const struct mounts *m)
{
	char path[256], data[256], bad[256];
	unsigned long flags = 0;

	for (int i = 0; i < m->ntmpfs; i++) {
		size_t n = strcspn(m->tmpfs[i], ":");
		snprintf(path, sizeof path, "%.*s", (int)n, m->tmpfs[i]);
		if (tmpfs_options(m->tmpfs[i][n] ? m->tmpfs[i] + n + 1 : "", &flags, data, sizeof data, bad,
				  sizeof bad) < 0)
			md_diex("--tmpfs %s: unknown option '%s'", m->tmpfs[i], bad);
		make_path(path);
		if (mount("tmpfs", path, "tmpfs", flags, data) < 0)
			md_die("mount tmpfs on %s (--tmpfs %s)", path, m->tmpfs[i]);
	}
}
