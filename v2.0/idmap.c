/* Images readable by a shifted root (v1.2).
 *
 * An image's files are owned by 0 on disk.  In a container whose root is
 * host id 100000, they would belong to nobody it knows: overflow ids,
 * read-only to the container's root, /etc/shadow unreadable, `su` not
 * setuid-root.  Two ways to show the container its files as its own:
 *
 *  - idmapped mounts (mount_setattr(2), MOUNT_ATTR_IDMAP, Linux 5.12; under
 *    overlayfs from 5.19): a mount of each layer that shifts ids on the
 *    fly through the container's user namespace.  Host root makes them
 *    after the maps exist, builds the overlay over them (fsopen(2) with a
 *    "lowerdir+" per layer fd, Linux 6.13), and hands the mount to the
 *    container over a socket (SCM_RIGHTS, unix(7)), as crun does.
 *  - a chowned copy of each layer, made once per range and kept
 *    (ROOT/shifted/START/LAYER), as podman's storage does without them.
 *
 * The upper layer is not idmapped: it is owned by the range's root, so
 * what the container's root writes is host id 100000's on disk. */
#include "minidocker.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/xattr.h>
#include <unistd.h>
#include <linux/capability.h>

/* ---- the idmapped overlay, made by host root ------------------------ */

/* The overlay of LOWERS (':'-separated, top first) under DIR/upper, its
 * lower layers idmapped through USERNS: a detached mount's fd, or -1. */
static int idmapped_overlay(int userns, const char *dir, const char *lowers)
{
	char path[PATH_MAX], layers[PATH_MAX];
	int fs = fsopen("overlay", FSOPEN_CLOEXEC), rc = 0, trees[64], n = 0;

	if (fs < 0)
		return -1;
	snprintf(layers, sizeof layers, "%s", lowers);
	for (char *save, *l = strtok_r(layers, ":", &save); l && rc == 0; l = strtok_r(NULL, ":", &save)) {
		/* A private copy of the layer's mount, attached nowhere
		 * (open_tree(2)): only such a mount may be idmapped.  Its fd
		 * stays open until the overlay exists: closing the last one
		 * unmounts it, and overlayfs could no longer take it. */
		int t = trees[n++] = open_tree(AT_FDCWD, l, OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC);
		struct mount_attr attr = { .attr_set = MOUNT_ATTR_IDMAP, .userns_fd = userns };
		if (t < 0 || mount_setattr(t, "", AT_EMPTY_PATH, &attr, sizeof attr) < 0 ||
		    fsconfig(fs, FSCONFIG_SET_FD, "lowerdir+", NULL, t) < 0 || n == 64)
			rc = -1;
	}
	md_pathf(path, "%s/upper", dir);
	if (rc == 0)	/* what mountinfo shows as its source, as mount(2) did */
		rc = fsconfig(fs, FSCONFIG_SET_STRING, "source", "overlay", 0);
	if (rc == 0)
		rc = fsconfig(fs, FSCONFIG_SET_STRING, "upperdir", path, 0);
	md_pathf(path, "%s/work", dir);
	if (rc == 0)
		rc = fsconfig(fs, FSCONFIG_SET_STRING, "workdir", path, 0);
	/* The same markers as a container without root writes (v1.1), so that
	 * layers made by commit work in both. */
	if (rc == 0)
		rc = fsconfig(fs, FSCONFIG_SET_FLAG, "userxattr", NULL, 0);
	if (rc == 0)
		rc = fsconfig(fs, FSCONFIG_CMD_CREATE, NULL, NULL, 0);
	int mnt = rc == 0 ? fsmount(fs, FSMOUNT_CLOEXEC, 0) : -1;
	int err = errno;
	while (n > 0)
		if (trees[--n] >= 0)
			close(trees[n]);
	close(fs);
	errno = err;
	return mnt;
}

/* Send TEXT, and FD if it is not -1, on SOCK (unix(7), "SCM_RIGHTS");
 * v1.5: volume.c's sources too. */
int send_layers(int sock, const char *text, int fd)
{
	union {
		char buf[CMSG_SPACE(sizeof(int))];
		struct cmsghdr align;
	} u;
	struct iovec iov = { .iov_base = (void *)text, .iov_len = strlen(text) + 1 };
	struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1 };

	if (fd >= 0) {
		msg.msg_control = u.buf;
		msg.msg_controllen = sizeof u.buf;
		struct cmsghdr *c = CMSG_FIRSTHDR(&msg);
		c->cmsg_level = SOL_SOCKET;
		c->cmsg_type = SCM_RIGHTS;
		c->cmsg_len = CMSG_LEN(sizeof(int));
		memcpy(CMSG_DATA(c), &fd, sizeof fd);
	}
	return sendmsg(sock, &msg, MSG_NOSIGNAL) < 0 ? -1 : 0;
}

/* Can we use idmapped layers?  Only host root can make them, and
 * MINIDOCKER_IDMAP=copy asks for the fallback (to compare the two). */
static int want_idmap(void)
{
	const char *e = getenv("MINIDOCKER_IDMAP");
	return geteuid() == 0 && !(e && !strcmp(e, "copy"));
}

int layers_send(struct container *c, pid_t pid, int sock, const char *lowers)
{
	char path[64], shifted[PATH_MAX];
	int mnt = -1;

	if (want_idmap()) {
		snprintf(path, sizeof path, "/proc/%d/ns/user", (int)pid);
		int userns = open(path, O_RDONLY | O_CLOEXEC);
		container_path(shifted, c->id, NULL);
		mnt = userns < 0 ? -1 : idmapped_overlay(userns, shifted, lowers);
		if (mnt < 0 && getenv("MINIDOCKER_DEBUG"))
			md_warn("idmapped layers (falling back to a shifted copy)");
		if (userns >= 0)
			close(userns);
	}
	snprintf(c->layers, sizeof c->layers, "%s", mnt >= 0 ? "idmapped" : "copy");
	if (mnt < 0 && shifted_layers(c, lowers, shifted) < 0)
		return -1;
	int rc = send_layers(sock, mnt >= 0 ? "" : shifted, mnt);
	if (rc < 0)
		md_warn("hand the root filesystem to the container");
	if (mnt >= 0)
		close(mnt);
	return rc;
}

/* In the container (init): the overlay, mounted on ROOTFS, and 1; or the
 * layers to mount it from in LOWERS, and 0. */
int layers_receive(int sock, const char *rootfs, char *lowers)
{
	union {
		char buf[CMSG_SPACE(sizeof(int))];
		struct cmsghdr align;
	} u;
	struct iovec iov = { .iov_base = lowers, .iov_len = PATH_MAX - 1 };
	struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = u.buf,
			      .msg_controllen = sizeof u.buf };
	ssize_t n = recvmsg(sock, &msg, MSG_CMSG_CLOEXEC);

	if (n <= 0)
		md_diex("the root filesystem never came (minidocker run went away?)");
	lowers[n] = '\0';
	close(sock);
	struct cmsghdr *c = CMSG_FIRSTHDR(&msg);
	if (!c || c->cmsg_type != SCM_RIGHTS)
		return 0;
	int mnt;
	memcpy(&mnt, CMSG_DATA(c), sizeof mnt);
	/* Attach the detached overlay here (move_mount(2)): our mount
	 * namespace is private by now, so it appears nowhere else. */
	if (move_mount(mnt, "", AT_FDCWD, rootfs, MOVE_MOUNT_F_EMPTY_PATH) < 0)
		md_die("attach the idmapped overlay to %s", rootfs);
	close(mnt);
	return 1;
}

/* ---- the fallback: a chowned copy per range ------------------------- */

/* A file capability (security.capability, capabilities(7) "File
 * capability extended attribute versioning") names the root it is for:
 * version 3 carries a root id, version 2 means host root.  chown(2)
 * removes it; put it back for the new root (-1: version 2). */
static void fix_fcaps(const char *path, const void *old, ssize_t len, long rootid)
{
	struct vfs_ns_cap_data v3 = { 0 };

	if (len < (ssize_t)XATTR_CAPS_SZ_2)
		return;
	memcpy(&v3, old, XATTR_CAPS_SZ_2);
	if (rootid < 0) {
		v3.magic_etc = (v3.magic_etc & ~VFS_CAP_REVISION_MASK) | VFS_CAP_REVISION_2;
		len = XATTR_CAPS_SZ_2;
	} else {
		v3.magic_etc = (v3.magic_etc & ~VFS_CAP_REVISION_MASK) | VFS_CAP_REVISION_3;
		v3.rootid = rootid;
		len = XATTR_CAPS_SZ_3;
	}
	if (lsetxattr(path, "security.capability", &v3, len, 0) < 0)
		md_warn("restore the file capabilities of %s", path);
}

typedef long (*idfn)(const struct idext *, int, unsigned long);

/* Give NAME in folder DFD the ids MAP makes of its own (outside: into
 * the range; inside: back out of it), keeping its set-user-ID bits and
 * file capabilities, which chown clears. */
static int shift_entry(int dfd, const char *name, const struct stat *st, const struct idmap *m, idfn map)
{
	char path[64 + NAME_MAX], caps[XATTR_CAPS_SZ_3];
	long uid = map(m->uid, m->n, st->st_uid), gid = map(m->gid, m->n, st->st_gid);

	/* Ids the range cannot hold become its nobody, as the kernel shows
	 * them; ids from outside the range stay as they are on the way back. */
	if (uid < 0)
		uid = map == idmap_outside ? map(m->uid, m->n, 65534) : (long)st->st_uid;
	if (gid < 0)
		gid = map == idmap_outside ? map(m->gid, m->n, 65534) : (long)st->st_gid;
	snprintf(path, sizeof path, "/proc/self/fd/%d/%s", dfd, name);
	ssize_t ncaps = S_ISREG(st->st_mode) ? lgetxattr(path, "security.capability", caps, sizeof caps) : -1;
	if (fchownat(dfd, name, uid, gid, AT_SYMLINK_NOFOLLOW) < 0) {
		md_warn("chown %s", name);
		return -1;
	}
	if (!S_ISLNK(st->st_mode) && (st->st_mode & 06000) && fchmodat(dfd, name, st->st_mode & 07777, 0) < 0)
		md_warn("chmod %s", name);
	if (ncaps > 0)
		fix_fcaps(path, caps, ncaps, map == idmap_outside ? map(m->uid, m->n, 0) : -1);
	return 0;
}

/* shift_entry for md_walk_tree, which goes through every entry of the
 * tree, the folder itself last, with directory fds and never paths: an
 * image's tree may be deeper than PATH_MAX, its names are the image's
 * choice, and RLIMIT_NOFILE no bound on its depth. */
struct shift {
	const struct idmap *m;
	idfn map;
};

static int shift_one(int dirfd, const char *name, const struct stat *st, void *arg)
{
	const struct shift *s = arg;
	return shift_entry(dirfd, name, st, s->m, s->map);
}

int shift_ids(const char *dir, const struct idmap *m, int into_range)
{
	struct shift s = { m, into_range ? idmap_outside : idmap_inside };
	return md_walk_tree(dir, shift_one, &s);
}

/* The shifted copy of the layer at PATH, for C's range, in OUT: made on
 * first use under a lock, and remade if the layer is not the one it was
 * made from (an image removed and made again under the same name). */
static int shifted_layer(const struct container *c, const char *path, char *out)
{
	char dir[PATH_MAX], stamp[PATH_MAX], tmp[PATH_MAX], want[64], have[64] = "";
	const char *name = strrchr(path, '/') + 1;
	struct stat st;

	if (stat(path, &st) < 0)
		md_die("stat %s", path);
	snprintf(want, sizeof want, "%lu %ld.%09ld", (unsigned long)st.st_ino, (long)st.st_mtim.tv_sec,
		 st.st_mtim.tv_nsec);
	md_state_dir(dir, "shifted", 0711);
	md_pathf(dir, "%s/shifted/%lu", md_state_root(), c->map.uid[0].outside);
	if (mkdir(dir, 0700) < 0 && errno != EEXIST)
		md_die("mkdir %s", dir);
	/* 0710 root:START (as ROOT/containers/ID, userns.c): the range may
	 * pass to its layers, other users may not, and the range cannot
	 * rename or replace the layers every container of it shares.  Never
	 * through a symlink (O_NOFOLLOW). */
	int lock = open(dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (lock < 0 || fchown(lock, 0, c->map.gid[0].outside) < 0 || fchmod(lock, 0710) < 0)
		md_die("chmod %s", dir);
	if (flock(lock, LOCK_EX) < 0)
		md_die("lock %s", dir);
	md_pathf(out, "%s/%s", dir, name);
	md_pathf(stamp, "%s/.%s.from", dir, name);
	FILE *f = fopen(stamp, "re");
	if (f && !fgets(have, sizeof have, f))
		have[0] = '\0';
	if (f)
		fclose(f);
	int rc = 0;
	if (strcmp(have, want)) {
		md_pathf(tmp, "%s/.%s.new", dir, name);
		if (access(tmp, F_OK) == 0)
			md_remove_tree(tmp);	/* left by a run that was killed */
		if (mkdir(tmp, 0700) < 0 || md_copy_tree(path, tmp) < 0 || shift_ids(tmp, &c->map, 1) < 0 ||
		    (access(out, F_OK) == 0 && md_remove_tree(out) < 0) || rename(tmp, out) < 0 || !(f = fopen(stamp, "we")) ||
		    fputs(want, f) < 0 || fclose(f) != 0) {
			md_warnx("could not make a shifted copy of the layer %s", path);
			if (access(tmp, F_OK) == 0)
				md_remove_tree(tmp);
			rc = -1;
		}
	}
	close(lock);
	return rc;
}

int shifted_layers(const struct container *c, const char *lowers, char *out)	/* v1.5: cp's too */
{
	char layers[PATH_MAX], one[PATH_MAX];
	size_t len = 0;

	snprintf(layers, sizeof layers, "%s", lowers);
	out[0] = '\0';
	for (char *save, *l = strtok_r(layers, ":", &save); l; l = strtok_r(NULL, ":", &save)) {
		if (shifted_layer(c, l, one) < 0)
			return -1;
		len += snprintf(out + len, PATH_MAX - len, "%s%s", len ? ":" : "", one);
		if (len >= PATH_MAX) {
			md_warnx("too many layers for one mount");
			return -1;
		}
	}
	return 0;
}

/* rmi: the image's shifted copies go with it. */
void shifted_remove(const char *image)
{
	char dir[PATH_MAX], path[PATH_MAX];
	DIR *d;
	struct dirent *e;

	md_pathf(dir, "%s/shifted", md_state_root());
	if (!(d = opendir(dir)))
		return;
	while ((e = readdir(d)))
		if (e->d_name[0] != '.') {
			md_pathf(path, "%s/%s/%s", dir, e->d_name, image);
			if (access(path, F_OK) == 0)
				md_remove_tree(path);
			md_pathf(path, "%s/%s/.%s.from", dir, e->d_name, image);
			unlink(path);
		}
	closedir(d);
}
