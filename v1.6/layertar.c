/* A layer folder as an OCI layer tar (v1.6): for its digest (the diff_id
 * that names it in ROOT/layers), for save, and for export.
 *
 * The tar must come out the same every time, or a layer saved would not
 * match the digest it is stored under: names are sorted (strcmp), and
 * only what lstat(2) and the extended attributes say goes in.  The
 * overlayfs markers become the OCI image spec's whiteouts
 * (image-spec/layer.md, "Whiteouts"): a character device 0/0 is a file
 * deleted below, ".wh.NAME"; a folder with user.overlay.opaque "y" hides
 * what is below it, ".wh..wh..opq" in it.
 *
 * The walk goes down with fchdir(2) and up with "..", one folder open at
 * a time: a layer may be deeper than PATH_MAX and than RLIMIT_NOFILE
 * (v1.1's 3,000-level test). */
#include "lazy-archive.h"	/* libarchive, loaded when first used */
#include "minidocker.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/xattr.h>
#include <unistd.h>

struct walk {
	struct archive *w;
	struct archive_entry *e;
	const struct idmap *back;	/* ids mapped back out of a range, or NULL */
	char *path;			/* the entry's name in the tar, grown */
	size_t cap;
	struct link { dev_t dev; ino_t ino; char *path; } *links;	/* hard links seen */
	int nlinks;
	int merged;			/* export: no whiteouts, the view is merged */
};

static int by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The names in the current folder, sorted; NULL on error. */
static char **names_here(int *n)
{
	DIR *d = opendir(".");
	struct dirent *e;
	char **names = NULL;

	*n = 0;
	if (!d)
		return NULL;
	while ((e = readdir(d)))
		if (strcmp(e->d_name, ".") && strcmp(e->d_name, "..")) {
			names = md_realloc(names, (*n + 1) * sizeof *names);
			if (!(names[(*n)++] = strdup(e->d_name)))
				md_die("out of memory");
		}
	closedir(d);
	if (!names)
		names = md_realloc(NULL, sizeof *names);
	qsort(names, *n, sizeof *names, by_name);
	return names;
}

static void set_path(struct walk *w, size_t at, const char *name, const char *suffix)
{
	size_t need = at + strlen(name) + strlen(suffix) + 2;
	if (need > w->cap) {
		w->cap = need * 2;
		w->path = md_realloc(w->path, w->cap);
	}
	sprintf(w->path + at, "%s%s", name, suffix);
}

static int is_opaque(const char *name)
{
	char v[4];
	ssize_t n = lgetxattr(name, "user.overlay.opaque", v, sizeof v);
	if (n < 0)
		n = lgetxattr(name, "trusted.overlay.opaque", v, sizeof v);
	return n == 1 && v[0] == 'y';
}

static long back_id(const struct walk *w, int uid, unsigned long id)
{
	if (!w->back)
		return id;
	long in = uid ? idmap_inside(w->back->uid, w->back->n, id) : idmap_inside(w->back->gid, w->back->n, id);
	return in < 0 ? (long)id : in;
}

/* Extended attributes, but overlayfs's own. */
static void add_xattrs(struct walk *w, const char *name)
{
	char names[4096], value[65536];
	ssize_t len = llistxattr(name, names, sizeof names);

	for (ssize_t i = 0; len > 0 && i < len; i += strlen(names + i) + 1) {
		if (!strncmp(names + i, "user.overlay.", 13) || !strncmp(names + i, "trusted.overlay.", 16))
			continue;
		ssize_t n = lgetxattr(name, names + i, value, sizeof value);
		if (n >= 0)
			archive_entry_xattr_add_entry(w->e, names + i, value, n);
	}
}

static int put_header(struct walk *w)
{
	if (archive_write_header(w->w, w->e) < ARCHIVE_WARN) {
		md_warnx("tar %s: %s", w->path, archive_error_string(w->w));
		return -1;
	}
	return 0;
}

/* A whiteout, ".wh.NAME" (or the opaque marker) at W->path. */
static int put_marker(struct walk *w, const struct stat *st)
{
	archive_entry_clear(w->e);
	archive_entry_set_pathname(w->e, w->path);
	archive_entry_set_filetype(w->e, AE_IFREG);
	archive_entry_set_perm(w->e, 0644);
	archive_entry_set_size(w->e, 0);
	/* Not the device's time: made by mknod at load, it would change the
	 * tar, and its digest, at each save of a loaded layer. */
	archive_entry_set_mtime(w->e, 0, 0);
	(void)st;
	return put_header(w);
}

static int put_data(struct walk *w, const char *name)
{
	static char buf[1 << 16];
	int fd = open(name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	ssize_t n;

	if (fd < 0) {
		md_warn("tar: open %s", w->path);
		return -1;
	}
	while ((n = read(fd, buf, sizeof buf)) > 0)
		if (archive_write_data(w->w, buf, n) < 0) {
			md_warnx("tar %s: %s", w->path, archive_error_string(w->w));
			n = -1;
			break;
		}
	if (n < 0 && errno)
		md_warn("tar: read %s", w->path);
	close(fd);
	return n < 0 ? -1 : 0;
}

static int walk_here(struct walk *w, size_t at);

static int put_entry(struct walk *w, size_t at, const char *name)
{
	struct stat st;
	static char target[PATH_MAX];	/* not on the stack: a frame per level */

	if (lstat(name, &st) < 0) {
		md_warn("tar: lstat %s", name);
		return -1;
	}
	if (S_ISCHR(st.st_mode) && st.st_rdev == makedev(0, 0) && !w->merged) {
		set_path(w, at, ".wh.", name);
		return put_marker(w, &st);
	}
	if (S_ISSOCK(st.st_mode))
		return 0;	/* tar cannot hold a socket: GNU tar skips them too */
	set_path(w, at, name, S_ISDIR(st.st_mode) ? "/" : "");
	archive_entry_clear(w->e);
	archive_entry_copy_stat(w->e, &st);
	archive_entry_set_pathname(w->e, w->path);
	archive_entry_set_uid(w->e, back_id(w, 1, st.st_uid));
	archive_entry_set_gid(w->e, back_id(w, 0, st.st_gid));
	archive_entry_set_atime(w->e, 0, 0);	/* as the spec asks: none */
	archive_entry_unset_atime(w->e);
	archive_entry_unset_ctime(w->e);
	archive_entry_set_ino(w->e, 0);
	archive_entry_set_dev(w->e, 0);
	add_xattrs(w, name);
	if (S_ISLNK(st.st_mode)) {
		ssize_t n = readlink(name, target, sizeof target - 1);
		if (n < 0) {
			md_warn("tar: readlink %s", w->path);
			return -1;
		}
		target[n] = '\0';
		archive_entry_set_symlink(w->e, target);
	}
	if (S_ISREG(st.st_mode) && st.st_nlink > 1) {
		for (int i = 0; i < w->nlinks; i++)
			if (w->links[i].dev == st.st_dev && w->links[i].ino == st.st_ino) {
				archive_entry_set_size(w->e, 0);
				archive_entry_set_hardlink(w->e, w->links[i].path);
				return put_header(w);
			}
		w->links = md_realloc(w->links, (w->nlinks + 1) * sizeof *w->links);
		w->links[w->nlinks] = (struct link){ st.st_dev, st.st_ino, strdup(w->path) };
		if (!w->links[w->nlinks++].path)
			md_die("out of memory");
	}
	if (!S_ISREG(st.st_mode))
		archive_entry_set_size(w->e, 0);
	if (put_header(w) < 0)
		return -1;
	if (S_ISREG(st.st_mode) && st.st_size > 0 && put_data(w, name) < 0)
		return -1;
	if (!S_ISDIR(st.st_mode))
		return 0;
	size_t sub = strlen(w->path);
	if (!w->merged && is_opaque(name)) {
		set_path(w, sub, ".wh..wh..opq", "");
		if (put_marker(w, &st) < 0)
			return -1;
	}
	/* Down without following a symlink, into the folder lstat saw; back
	 * up only into the folder we left: a tree changed under us (a running
	 * container's) must not lead the walk anywhere else. */
	struct stat here, back, in;
	int fd = openat(AT_FDCWD, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (stat(".", &here) < 0 || fd < 0 || fstat(fd, &in) < 0 || in.st_ino != st.st_ino ||
	    in.st_dev != st.st_dev || fchdir(fd) < 0) {
		md_warn("tar: enter %s", w->path);
		if (fd >= 0)
			close(fd);
		return -1;
	}
	close(fd);
	int rc = walk_here(w, sub);
	if (chdir("..") < 0 || stat(".", &back) < 0 || back.st_ino != here.st_ino || back.st_dev != here.st_dev) {
		md_warnx("tar: %s changed while it was read", w->path);
		return -1;
	}
	return rc;
}

static int walk_here(struct walk *w, size_t at)
{
	int n, rc = 0;
	char **names = names_here(&n);

	if (!names) {
		md_warn("tar: read folder %.*s", (int)at, w->path);
		return -1;
	}
	for (int i = 0; i < n; i++) {
		if (rc == 0)
			rc = put_entry(w, at, names[i]);
		free(names[i]);
	}
	free(names);
	return rc;
}

int layer_tar(const char *dir, struct archive *a, const struct idmap *back, int merged)
{
	struct walk w = { .w = a, .e = archive_entry_new(), .back = back, .merged = merged };
	int here = open(".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	if (!w.e || here < 0)
		md_die("tar: out of memory, or no current folder");
	int rc = chdir(dir);
	if (rc < 0)
		md_warn("tar: chdir %s", dir);
	else
		rc = walk_here(&w, 0);
	if (fchdir(here) < 0)
		md_die("tar: back to the current folder");
	close(here);
	for (int i = 0; i < w.nlinks; i++)
		free(w.links[i].path);
	free(w.links);
	free(w.path);
	archive_entry_free(w.e);
	return rc;
}

/* A tar writer of the format every layer uses: pax (long names, xattrs). */
struct archive *tar_writer(void)
{
	struct archive *a = archive_write_new();

	if (!a || archive_write_set_format_pax_restricted(a) != ARCHIVE_OK ||
	    archive_write_set_bytes_in_last_block(a, 1) != ARCHIVE_OK)
		md_diex("tar: cannot make a writer (libarchive)");
	return a;
}

/* ---- the digest of a layer ----------------------------------------------- */

static la_ssize_t hash_write(struct archive *a, void *h, const void *buf, size_t len)
{
	(void)a;
	sha256_add(h, buf, len);
	return len;
}

int layer_digest(const char *dir, char *hex)
{
	struct archive *a = tar_writer();
	struct sha256 *h = sha256_new();

	if (archive_write_open(a, h, NULL, hash_write, NULL) != ARCHIVE_OK)
		md_diex("tar: %s", archive_error_string(a));
	int rc = layer_tar(dir, a, NULL, 0);
	if (archive_write_close(a) != ARCHIVE_OK)
		rc = -1;
	archive_write_free(a);
	sha256_end(h, hex);
	return rc;
}
