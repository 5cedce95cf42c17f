/* since v0.6: copying and removing trees, for images and containers */
/* Copying and removing folder trees, for images and containers.  No
 * shelling out to cp(1) or rm(1): the calls are few, and each failure is
 * reported with the path it happened on.
 *
 * A tree may come from a container, and a container chooses its depth: a
 * folder 3,000 levels deep has a path of 6,000 bytes, past PATH_MAX, so no
 * path is ever built in a buffer here.  The walk holds directory fds and
 * names entries relative to them (openat(2), mkdirat, unlinkat, fchownat,
 * ...), keeps its own stack on the heap (so depth never meets the C
 * stack), and holds at most FD_LEVELS levels' fds open: deeper, it closes
 * them on the way down and reopens them with ".." on the way up, checking
 * that ".." is the very folder it left (device and inode), so a tree that
 * changes under the walk makes it stop instead of wander. */
#include "md.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/magic.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/vfs.h>
#include <sys/xattr.h>
#include <unistd.h>

/* Few: the walk must work where RLIMIT_NOFILE is low (getrlimit(2); a
 * VM's init leaves 1,024, a caller may set 64) and a copy takes two fds a
 * level.  Reopening through ".." costs an openat and an fstat per folder,
 * and only below this depth, which few images reach. */
enum { FD_LEVELS = 8 };

/* One folder of the walk: its fds, its entries (read up front, so no
 * directory stream stays open below it), and which entry is next. */
struct level {
	int fd;			/* the folder (the source, when copying) */
	int dfd;		/* copying: the folder it is copied to */
	struct stat st;		/* fd's folder: to check "..", and to copy */
	dev_t ddev;		/* dfd's folder, to check ".." */
	ino_t dino;
	char **names;
	size_t n, next;
	const char *name;	/* its name in the folder above */
};

struct walk {
	const char *top;	/* the path the walk started at, for messages */
	struct level *lv;
	size_t depth, cap;	/* lv[depth - 1] is the current folder */
};

/* For messages only: TOP/a/b/NAME, cut in the middle if it is long. */
static const char *where(const struct walk *w, const char *name)
{
	static char buf[512];
	size_t len = snprintf(buf, sizeof buf, "%s", w->top);

	for (size_t i = 1; i < w->depth && len < sizeof buf; i++)
		len += snprintf(buf + len, sizeof buf - len, "/%s", w->lv[i].name);
	if (name && len < sizeof buf)
		len += snprintf(buf + len, sizeof buf - len, "/%s", name);
	if (len >= sizeof buf - 1)	/* keep the start and the last name */
		snprintf(buf + 100, sizeof buf - 100, "/...(%zu levels)/%.300s", w->depth,
			 name ? name : w->lv[w->depth - 1].name);
	return buf;
}

static void free_names(struct level *l)
{
	for (size_t i = 0; i < l->n; i++)
		free(l->names[i]);
	free(l->names);
	l->names = NULL;
	l->n = l->next = 0;
}

/* Every entry of the folder FD but "." and "..". */
static int read_names(struct walk *w, int fd, struct level *l)
{
	int copy = dup(fd);
	DIR *dir = copy < 0 ? NULL : fdopendir(copy);
	struct dirent *e;
	size_t cap = 0;

	l->names = NULL;
	l->n = l->next = 0;
	if (!dir) {
		md_warn("open %s", where(w, NULL));
		if (copy >= 0)
			close(copy);
		return -1;
	}
	while ((errno = 0, e = readdir(dir))) {
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		if (l->n == cap)
			l->names = md_realloc(l->names, (cap = cap ? 2 * cap : 16) * sizeof *l->names);
		if (!(l->names[l->n++] = strdup(e->d_name)))
			md_die("out of memory");
	}
	int rc = errno ? -1 : 0;
	if (rc < 0)
		md_warn("read %s", where(w, NULL));
	closedir(dir);
	return rc;
}

static struct level *push(struct walk *w)
{
	if (w->depth == w->cap)
		w->lv = md_realloc(w->lv, (w->cap = w->cap ? 2 * w->cap : 64) * sizeof *w->lv);
	struct level *l = &w->lv[w->depth++];
	memset(l, 0, sizeof *l);
	l->fd = l->dfd = -1;
	return l;
}

/* Open the folder NAME in DIR, without following a symlink. */
static int open_dir(int dir, const char *name)
{
	return openat(dir, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
}

/* Reopen the folder above CHILD through "..", and check it is the one
 * with DEV and INO.  Returns the fd, or -1 (errno ESTALE if it moved). */
static int reopen_parent(int child, dev_t dev, ino_t ino)
{
	struct stat st;
	int fd = open_dir(child, "..");

	if (fd >= 0 && (fstat(fd, &st) < 0 || st.st_dev != dev || st.st_ino != ino)) {
		close(fd);
		errno = ESTALE;
		return -1;
	}
	return fd;
}

/* Make sure the parent of the current level has its fds again. */
static int regain_parent(struct walk *w, int copying)
{
	struct level *l = &w->lv[w->depth - 1], *p = l - 1;

	if (p->fd < 0 && (p->fd = reopen_parent(l->fd, p->st.st_dev, p->st.st_ino)) < 0)
		return -1;
	if (copying && p->dfd < 0 && (p->dfd = reopen_parent(l->dfd, p->ddev, p->dino)) < 0)
		return -1;
	return 0;
}

/* Going down a level: past FD_LEVELS, the level above lets go of its fds. */
static void let_go_above(struct walk *w)
{
	if (w->depth > FD_LEVELS) {
		struct level *p = &w->lv[w->depth - 2];
		close(p->fd);
		p->fd = -1;
		if (p->dfd >= 0)
			close(p->dfd);
		p->dfd = -1;
	}
}

static void end_walk(struct walk *w)
{
	for (size_t i = 0; i < w->depth; i++) {
		if (w->lv[i].fd >= 0)
			close(w->lv[i].fd);
		if (w->lv[i].dfd >= 0)
			close(w->lv[i].dfd);
		free_names(&w->lv[i]);
	}
	free(w->lv);
}

/* ---- copy ------------------------------------------------------------ */

/* since v1.1: extended attributes (commit copies overlayfs's markers) */
/* Extended attributes (xattr(7)) from the open file IN to OUT: file
 * capabilities (security.capability), overlayfs's markers
 * (user.overlay.opaque), ACLs.  Others' files may carry some a user cannot
 * set: like cp -a, skip those. */
static int copy_xattrs(int in, int out, const char *path)
{
	char names[4096], value[65536];
	ssize_t len = flistxattr(in, names, sizeof names);

	for (ssize_t i = 0; len > 0 && i < len; i += strlen(names + i) + 1) {
		ssize_t n = fgetxattr(in, names + i, value, sizeof value);
		if (n >= 0 && fsetxattr(out, names + i, value, n, 0) < 0 && errno != ENOTSUP &&
		    !(errno == EPERM && geteuid() != 0)) {
			md_warn("copy %s: set extended attribute %s", path, names + i);
			return -1;
		}
	}
	return 0;
}

/* since v0.6 */
/* Owner, mode, extended attributes and times of the open copy OUT, from
 * the original IN.  Owner first: chown(2) clears set-user-ID bits and
 * file capabilities, so the mode and the attributes come after it.  A
 * user who is not root can only give files to themselves; like cp -a,
 * keep going with the files owned by that user. */
static int set_attrs_fd(int in, int out, const struct stat *st, const char *path)
{
	const struct timespec times[2] = { st->st_atim, st->st_mtim };

	if (fchown(out, st->st_uid, st->st_gid) < 0 && !(errno == EPERM && geteuid() != 0)) {
		md_warn("copy %s: chown", path);
		return -1;
	}
	if (fchmod(out, st->st_mode & 07777) < 0) {
		md_warn("copy %s: chmod", path);
		return -1;
	}
	/* since v1.1: the extended attributes, after chown and chmod */
	if (copy_xattrs(in, out, path) < 0)
		return -1;

	if (futimens(out, times) < 0) {
		md_warn("copy %s: set times", path);
		return -1;
	}
	return 0;
}

/* The same for what has no fd to hold: symlinks, devices, FIFOs.
 * Symlinks have no mode of their own on Linux. */
static int set_attrs_at(int dfd, const char *name, const struct stat *st, const char *path)
{
	const struct timespec times[2] = { st->st_atim, st->st_mtim };

	if (fchownat(dfd, name, st->st_uid, st->st_gid, AT_SYMLINK_NOFOLLOW) < 0 &&
	    !(errno == EPERM && geteuid() != 0)) {
		md_warn("copy %s: chown", path);
		return -1;
	}
	if (!S_ISLNK(st->st_mode) && fchmodat(dfd, name, st->st_mode & 07777, 0) < 0) {
		md_warn("copy %s: chmod", path);
		return -1;
	}
	if (utimensat(dfd, name, times, AT_SYMLINK_NOFOLLOW) < 0) {
		md_warn("copy %s: set times", path);
		return -1;
	}
	return 0;
}

static int copy_data(int in, int out, const char *path)
{
	/* copy_file_range(2) lets the kernel copy (or share, on filesystems
	 * that can) without the data passing through us. */
	for (;;) {
		ssize_t n = copy_file_range(in, NULL, out, NULL, 1 << 30, 0);
		if (n == 0)
			return 0;
		if (n > 0)
			continue;
		if (errno != EXDEV && errno != ENOSYS && errno != EINVAL && errno != EOPNOTSUPP)
			break;
		/* Not supported here: the plain way. */
		char buf[65536];
		while ((n = read(in, buf, sizeof buf)) > 0)
			if (write(out, buf, n) != n)
				break;
		if (n == 0)
			return 0;
		break;
	}
	md_warn("copy %s", path);
	return -1;
}

/* Is the open FD on procfs or sysfs (statfs(2))?  A tree may hold them
 * mounted (a running container's root, seen from the host, has its /proc
 * and /sys, and whatever it binds of them elsewhere): their files are the
 * kernel's, not the tree's, and reading some changes the host (/proc/kmsg
 * hands its reader, as host root, the host's kernel log, and waits for
 * more).  Such a folder is copied empty, its mount point; such a file not
 * at all, as Docker's cp sees a container's files. */
int md_kernel_files(int fd)
{
	struct statfs sfs;

	return fstatfs(fd, &sfs) == 0 && (sfs.f_type == PROC_SUPER_MAGIC || sfs.f_type == SYSFS_MAGIC);
}

static int copy_file(int sdir, int ddir, const char *name, const struct stat *st, const char *path)
{
	/* O_NONBLOCK: NAME was a file when listed, but a tree still in use
	 * (a running container's) may have made it a FIFO since, whose open
	 * would wait for a writer forever; a file ignores the flag. */
	int in = openat(sdir, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
	struct stat now;
	if (in >= 0 && (fstat(in, &now) < 0 || !S_ISREG(now.st_mode))) {
		md_warnx("copy %s: no longer a file (changed while copied)", path);
		close(in);
		return -1;
	}
	if (in >= 0 && md_kernel_files(in)) {
		close(in);
		return 0;
	}
	int out = in < 0 ? -1 : openat(ddir, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	int rc = -1;

	if (in < 0 || out < 0)
		md_warn("copy %s", path);
	else if (copy_data(in, out, path) == 0)
		rc = set_attrs_fd(in, out, st, path);
	if (in >= 0)
		close(in);
	if (out >= 0)
		close(out);
	return rc;
}

/* Copy the entry NAME of the current level, but a folder: that is pushed. */
static int copy_leaf(struct level *l, const char *name, const struct stat *st, const char *path)
{
	char target[PATH_MAX];

	switch (st->st_mode & S_IFMT) {
	case S_IFREG:
		return copy_file(l->fd, l->dfd, name, st, path);
	case S_IFLNK: {
		ssize_t n = readlinkat(l->fd, name, target, sizeof target - 1);
		if (n < 0) {
			md_warn("copy %s: readlink", path);
			return -1;
		}
		target[n] = '\0';
		if (symlinkat(target, l->dfd, name) < 0) {
			md_warn("copy %s: symlink", path);
			return -1;
		}
		break;
	}
	case S_IFCHR:
	case S_IFBLK:
	case S_IFIFO:
		if (mknodat(l->dfd, name, st->st_mode, st->st_rdev) < 0) {
			md_warn("copy %s: mknod", path);
			return -1;
		}
		break;
	default:	/* sockets belong to a running program, not to a tree */
		return 0;
	}
	return set_attrs_at(l->dfd, name, st, path);
}

/* Go down into the folder NAME (source status ST): make its copy, open
 * both, and read its entries. */
static int copy_down(struct walk *w, const char *name, const struct stat *st)
{
	struct level *p = &w->lv[w->depth - 1];
	struct stat dst;

	if (mkdirat(p->dfd, name, 0700) < 0) {
		md_warn("copy %s: mkdir", where(w, name));
		return -1;
	}
	int fd = open_dir(p->fd, name), dfd = fd < 0 ? -1 : open_dir(p->dfd, name);
	if (fd < 0 || dfd < 0 || fstat(dfd, &dst) < 0) {
		md_warn("copy %s: open", where(w, name));
		if (fd >= 0)
			close(fd);
		if (dfd >= 0)
			close(dfd);
		return -1;
	}
	struct level *l = push(w);	/* p is stale from here: push may move the stack */
	l->fd = fd;
	l->dfd = dfd;
	l->st = *st;
	l->ddev = dst.st_dev;
	l->dino = dst.st_ino;
	l->name = name;
	let_go_above(w);
	if (md_kernel_files(fd))
		return 0;	/* copied empty: no names to copy */
	return read_names(w, fd, l);
}

/* The current folder is complete: its attributes last (its times change
 * as it fills), then back up. */
static int copy_up(struct walk *w)
{
	struct level *l = &w->lv[w->depth - 1];
	int rc = 0;

	if (w->depth > 1 && regain_parent(w, 1) < 0) {
		md_warn("copy %s: the folder above changed during the copy", where(w, NULL));
		rc = -1;
	}
	if (rc == 0)
		rc = set_attrs_fd(l->fd, l->dfd, &l->st, where(w, NULL));
	close(l->fd);
	close(l->dfd);
	free_names(l);
	w->depth--;
	return rc;
}

int md_copy_tree(const char *src, const char *dst)
{
	struct walk w = { .top = src };
	struct level *l = push(&w);
	int rc = 0;

	l->fd = open(src, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	l->dfd = open(dst, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (l->fd < 0 || fstat(l->fd, &l->st) < 0) {
		md_warn("copy %s", src);
		rc = -1;
	} else if (l->dfd < 0) {
		md_warn("copy to %s", dst);
		rc = -1;
	} else {
		rc = read_names(&w, l->fd, l);
	}
	while (rc == 0 && w.depth > 0) {
		l = &w.lv[w.depth - 1];
		if (l->next == l->n) {
			rc = copy_up(&w);
			continue;
		}
		const char *name = l->names[l->next++];
		struct stat st;
		if (fstatat(l->fd, name, &st, AT_SYMLINK_NOFOLLOW) < 0) {
			md_warn("copy %s", where(&w, name));
			rc = -1;
		} else if (S_ISDIR(st.st_mode)) {
			rc = copy_down(&w, name, &st);
		} else {
			rc = copy_leaf(l, name, &st, where(&w, name));
		}
	}
	end_walk(&w);
	return rc;
}

/* ---- remove ---------------------------------------------------------- */

/* Go down into the folder NAME.  A folder the user cannot read or search
 * (overlayfs leaves its work/work mode 0 for a container run without
 * root) is theirs to chmod first. */
static int remove_down(struct walk *w, const char *name)
{
	struct level *p = &w->lv[w->depth - 1];
	struct stat st;
	int fd = open_dir(p->fd, name);

	if (fd < 0 && errno == EACCES && fchmodat(p->fd, name, 0700, 0) == 0)
		fd = open_dir(p->fd, name);
	if (fd < 0 || fstat(fd, &st) < 0) {
		md_warn("remove %s", where(w, name));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	/* Never into another filesystem mounted inside the tree: its mount
	 * point then fails to go, with EBUSY, which is what we want. */
	if (st.st_dev != w->lv[0].st.st_dev) {
		close(fd);
		errno = EBUSY;
		md_warn("remove %s", where(w, name));
		return -1;
	}
	struct level *l = push(w);
	l->fd = fd;
	l->st = st;
	l->name = name;
	let_go_above(w);
	return read_names(w, fd, l);
}

static int remove_entry(struct walk *w, const char *name)
{
	struct level *l = &w->lv[w->depth - 1];

	int rc = unlinkat(l->fd, name, 0);

	/* A folder of ours without write permission: give ourselves some. */
	if (rc < 0 && errno == EACCES && fchmod(l->fd, 0700) == 0)
		rc = unlinkat(l->fd, name, 0);
	if (rc == 0 || errno == ENOENT)
		return 0;
	if (errno == EISDIR)
		return remove_down(w, name);
	md_warn("remove %s", where(w, name));
	return -1;
}

/* The current folder is empty: remove it from the one above. */
static int remove_up(struct walk *w)
{
	struct level *l = &w->lv[w->depth - 1];
	int rc = 0;

	if (w->depth > 1) {
		if (regain_parent(w, 0) < 0) {
			md_warn("remove %s: the folder above changed during the removal", where(w, NULL));
			rc = -1;
		} else if (unlinkat(l[-1].fd, l->name, AT_REMOVEDIR) < 0 && errno != ENOENT &&
			   !(errno == EACCES && fchmod(l[-1].fd, 0700) == 0 &&
			     unlinkat(l[-1].fd, l->name, AT_REMOVEDIR) == 0)) {
			md_warn("remove %s", where(w, NULL));
			rc = -1;
		}
	}
	close(l->fd);
	free_names(l);
	w->depth--;
	return rc;
}

/* One pass of md_remove_tree; -2 (nothing said) if the last rmdir found
 * the folder not empty and RETRY allows another pass. */
static int remove_tree_pass(const char *path, int retry)
{
	struct walk w = { .top = path };
	struct level *l = push(&w);
	int rc;

	l->fd = open(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (l->fd < 0 && errno == EACCES && chmod(path, 0700) == 0)
		l->fd = open(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (l->fd < 0 && errno == ENOENT) {
		end_walk(&w);
		return 0;
	}
	if (l->fd < 0 || fstat(l->fd, &l->st) < 0) {
		md_warn("remove %s", path);
		end_walk(&w);
		return -1;
	}
	rc = read_names(&w, l->fd, l);
	while (rc == 0) {
		l = &w.lv[w.depth - 1];
		if (l->next < l->n)
			rc = remove_entry(&w, l->names[l->next++]);
		else if (w.depth > 1)
			rc = remove_up(&w);
		else
			break;
	}
	end_walk(&w);
	if (rc == 0 && rmdir(path) < 0 && errno != ENOENT) {
		if (errno == ENOTEMPTY && retry)
			return -2;
		md_warn("remove %s", path);
		rc = -1;
	}
	return rc;
}

/* A file whose creation began before the folder was renamed away (rm of
 * a container a monitor still writes into) lands in it after the walk
 * has read it: the last rmdir then finds it not empty.  Such late
 * entries are few; another pass removes them. */
int md_remove_tree(const char *path)
{
	int rc;

	for (int pass = 0; (rc = remove_tree_pass(path, pass < 4)) == -2; pass++)
		;
	return rc;
}

/* since v1.2: a walk calling a function on every entry, to shift ids */
/* Go down into the folder NAME of the current level. */
static int walk_down(struct walk *w, const char *name)
{
	struct level *p = &w->lv[w->depth - 1];
	struct stat st;
	int fd = open_dir(p->fd, name);

	if (fd < 0 || fstat(fd, &st) < 0) {
		md_warn("open %s", where(w, name));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	struct level *l = push(w);
	l->fd = fd;
	l->st = st;
	l->name = name;
	let_go_above(w);
	return read_names(w, fd, l);
}

/* A folder's entries before the folder itself (so FN may change what
 * would let the walk in), and PATH last, as FN(AT_FDCWD, PATH). */
int md_walk_tree(const char *path, md_walk_fn fn, void *arg)
{
	struct walk w = { .top = path };
	struct level *l = push(&w);
	int rc = -1;

	l->fd = open(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (l->fd < 0 || fstat(l->fd, &l->st) < 0)
		md_warn("open %s", path);
	else
		rc = read_names(&w, l->fd, l);
	while (rc == 0) {
		l = &w.lv[w.depth - 1];
		if (l->next < l->n) {
			const char *name = l->names[l->next++];
			struct stat st;
			if (fstatat(l->fd, name, &st, AT_SYMLINK_NOFOLLOW) < 0) {
				md_warn("stat %s", where(&w, name));
				rc = -1;
			} else {
				rc = S_ISDIR(st.st_mode) ? walk_down(&w, name) : fn(l->fd, name, &st, arg);
			}
		} else if (w.depth > 1) {
			/* The folder is done: FN on it, from the folder above. */
			if (regain_parent(&w, 0) < 0) {
				md_warn("walk %s: the folder above changed during the walk", where(&w, NULL));
				rc = -1;
			} else {
				rc = fn(l[-1].fd, l->name, &l->st, arg);
			}
			close(l->fd);
			l->fd = -1;
			free_names(l);
			w.depth--;
		} else {
			rc = fn(AT_FDCWD, path, &l->st, arg);
			break;
		}
	}
	end_walk(&w);
	return rc;
}
