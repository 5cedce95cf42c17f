/* Copying and removing folder trees, for images and containers.  No
 * shelling out to cp(1) or rm(1): the calls are few, and each failure is
 * reported with the path it happened on. */
#include "md.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/xattr.h>
#include <unistd.h>

/* Extended attributes (xattr(7)) of a file or folder: file capabilities
 * (security.capability), overlayfs's markers (user.overlay.opaque), ACLs.
 * Others' files may carry some a user cannot set: like cp -a, skip those. */
static int copy_xattrs(int sfd, const char *sname, int dfd, const char *name,
		       const struct stat *st, const char *path)
{
	char names[4096], value[65536];
	int flags = O_RDONLY | O_NOFOLLOW | O_CLOEXEC | (S_ISDIR(st->st_mode) ? O_DIRECTORY : 0);

	if (!S_ISREG(st->st_mode) && !S_ISDIR(st->st_mode))
		return 0;	/* no fd to hold for links and devices */
	int in = openat(sfd, sname, flags), out = openat(dfd, name, flags);
	ssize_t len = in < 0 ? -1 : flistxattr(in, names, sizeof names);
	int rc = 0;

	for (ssize_t i = 0; len > 0 && i < len && rc == 0; i += strlen(names + i) + 1) {
		ssize_t n = fgetxattr(in, names + i, value, sizeof value);
		if (n >= 0 && fsetxattr(out, names + i, value, n, 0) < 0 &&
		    !((errno == EPERM || errno == ENOTSUP) && geteuid() != 0) && errno != ENOTSUP) {
			md_warn("copy %s: set extended attribute %s", path, names + i);
			rc = -1;
		}
	}
	if (in >= 0)
		close(in);
	if (out >= 0)
		close(out);
	return rc;
}

/* Owner, mode, extended attributes and times of a copy, from the
 * original's.  Owner first: chown(2) clears set-user-ID bits and file
 * capabilities, so the mode and the attributes come after it.  A user who
 * is not root can only give files to themselves; like cp -a, keep going
 * with the files owned by that user. */
static int set_attrs(int sfd, const char *sname, int dfd, const char *name, const struct stat *st,
		     const char *path)
{
	const struct timespec times[2] = { st->st_atim, st->st_mtim };
	int nofollow = S_ISLNK(st->st_mode) ? AT_SYMLINK_NOFOLLOW : 0;

	if (fchownat(dfd, name, st->st_uid, st->st_gid, nofollow) < 0 &&
	    !(errno == EPERM && geteuid() != 0)) {
		md_warn("copy %s: chown", path);
		return -1;
	}
	/* Symlinks have no mode of their own on Linux. */
	if (!S_ISLNK(st->st_mode) && fchmodat(dfd, name, st->st_mode & 07777, 0) < 0) {
		md_warn("copy %s: chmod", path);
		return -1;
	}
	if (copy_xattrs(sfd, sname, dfd, name, st, path) < 0)
		return -1;
	if (utimensat(dfd, name, times, nofollow) < 0) {
		md_warn("copy %s: set times", path);
		return -1;
	}
	return 0;
}

static int copy_file(int sdir, int ddir, const char *name, const char *path)
{
	int in = openat(sdir, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	int out = in < 0 ? -1 : openat(ddir, name, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	int rc = 0;

	if (in < 0 || out < 0) {
		md_warn("copy %s", path);
		rc = -1;
	}
	/* copy_file_range(2) lets the kernel copy (or share, on filesystems
	 * that can) without the data passing through us. */
	while (rc == 0) {
		ssize_t n = copy_file_range(in, NULL, out, NULL, 1 << 30, 0);
		if (n == 0)
			break;
		if (n > 0)
			continue;
		if (errno != EXDEV && errno != ENOSYS && errno != EINVAL && errno != EOPNOTSUPP) {
			md_warn("copy %s", path);
			rc = -1;
			break;
		}
		/* Not supported here: the plain way. */
		char buf[65536];
		while ((n = read(in, buf, sizeof buf)) > 0)
			if (write(out, buf, n) != n)
				break;
		if (n != 0) {
			md_warn("copy %s", path);
			rc = -1;
		}
		break;
	}
	if (in >= 0)
		close(in);
	if (out >= 0)
		close(out);
	return rc;
}

static int copy_dir(int sfd, int dfd, char *path, size_t len);

static int copy_entry(int sfd, int dfd, const char *name, char *path, size_t len)
{
	struct stat st;
	char target[PATH_MAX];

	if (fstatat(sfd, name, &st, AT_SYMLINK_NOFOLLOW) < 0) {
		md_warn("copy %s", path);
		return -1;
	}
	switch (st.st_mode & S_IFMT) {
	case S_IFDIR: {
		if (mkdirat(dfd, name, 0700) < 0) {
			md_warn("copy %s: mkdir", path);
			return -1;
		}
		int s = openat(sfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		int d = openat(dfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		int rc = s < 0 || d < 0 ? -1 : copy_dir(s, d, path, len);
		if ((s < 0 || d < 0))
			md_warn("copy %s: open", path);
		if (s >= 0)
			close(s);
		if (d >= 0)
			close(d);
		if (rc < 0)
			return -1;
		break;	/* attributes last: the folder's times change as it fills */
	}
	case S_IFREG:
		if (copy_file(sfd, dfd, name, path) < 0)
			return -1;
		break;
	case S_IFLNK: {
		ssize_t n = readlinkat(sfd, name, target, sizeof target - 1);
		if (n < 0) {
			md_warn("copy %s: readlink", path);
			return -1;
		}
		target[n] = '\0';
		if (symlinkat(target, dfd, name) < 0) {
			md_warn("copy %s: symlink", path);
			return -1;
		}
		break;
	}
	case S_IFCHR:
	case S_IFBLK:
	case S_IFIFO:
		if (mknodat(dfd, name, st.st_mode, st.st_rdev) < 0) {
			md_warn("copy %s: mknod", path);
			return -1;
		}
		break;
	default:	/* sockets belong to a running program, not to a tree */
		return 0;
	}
	return set_attrs(sfd, name, dfd, name, &st, path);
}

/* PATH holds the source path of SFD (LEN bytes), for messages. */
static int copy_dir(int sfd, int dfd, char *path, size_t len)
{
	int fd = dup(sfd);
	DIR *dir = fd < 0 ? NULL : fdopendir(fd);
	struct dirent *e;
	int rc = 0;

	if (!dir) {
		md_warn("copy %s: opendir", path);
		if (fd >= 0)
			close(fd);
		return -1;
	}
	while (rc == 0 && (errno = 0, e = readdir(dir))) {
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		snprintf(path + len, PATH_MAX - len, "/%s", e->d_name);
		rc = copy_entry(sfd, dfd, e->d_name, path, len + 1 + strlen(e->d_name));
		path[len] = '\0';
	}
	if (rc == 0 && errno) {
		md_warn("copy %s: readdir", path);
		rc = -1;
	}
	closedir(dir);
	return rc;
}

int md_copy_tree(const char *src, const char *dst)
{
	char path[PATH_MAX];
	struct stat st;
	int rc = -1;

	snprintf(path, sizeof path, "%s", src);
	int s = open(src, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	int d = open(dst, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (s < 0)
		md_warn("copy %s", src);
	else if (d < 0)
		md_warn("copy to %s", dst);
	else if (fstat(s, &st) < 0)
		md_warn("copy %s", src);
	else if (copy_dir(s, d, path, strlen(path)) == 0)
		rc = set_attrs(AT_FDCWD, src, AT_FDCWD, dst, &st, src);
	if (s >= 0)
		close(s);
	if (d >= 0)
		close(d);
	return rc;
}

static int remove_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)ftw;
	if ((flag == FTW_DP ? rmdir(path) : unlink(path)) < 0 && errno != ENOENT) {
		md_warn("remove %s", path);
		return -1;
	}
	return 0;
}

int md_remove_tree(const char *path)
{
	/* FTW_PHYS: never follow a symlink out of the tree.  FTW_MOUNT: never
	 * descend into another filesystem mounted inside it; its mount point
	 * then fails to go, with EBUSY, which is what we want. */
	if (nftw(path, remove_entry, 64, FTW_DEPTH | FTW_PHYS | FTW_MOUNT) < 0 && errno != ENOENT)
		return -1;
	return 0;
}
