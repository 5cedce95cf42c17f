/* /dev (v1.3): a tmpfs of the container's own, with the host's harmless
 * devices bound into it, a devpts of its own for terminals, /dev/shm and
 * /dev/mqueue.  Run by the init in the container's namespaces, before
 * pivot_root: the host's /dev is still in view to bind from.
 *
 * Why bind mounts and not mknod(2): a device node is a door into the
 * kernel's driver, so making one takes CAP_MKNOD in the *initial* user
 * namespace (capabilities(7)); in the container's, mknod of a character
 * device is EPERM.  And a filesystem mounted in a user namespace is nodev
 * whatever its flags say (the kernel marks its superblock), so a node made
 * on our tmpfs could not be opened anyway.  A bind mount of the host's
 * /dev/null is the host's node on the host's devtmpfs: it opens. */
#include "minidocker.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

/* The devices Docker gives every container: none of them reaches a disk,
 * the memory, or another terminal. */
static const char *const nodes[] = { "null", "zero", "full", "random", "urandom", "tty" };

/* What a process expects to find beside them (Docker's set). */
static const struct {
	const char *name, *target;
} links[] = {
	{ "fd", "/proc/self/fd" },	 { "stdin", "/proc/self/fd/0" }, { "stdout", "/proc/self/fd/1" },
	{ "stderr", "/proc/self/fd/2" }, { "ptmx", "pts/ptmx" },
};

/* An empty file in our tmpfs, to bind a device over (a bind mount needs
 * a mount point of the same kind as its source). */
static void bind_file(const char *from, const char *to)
{
	int fd = open(to, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);

	if (fd < 0)
		md_die("create %s", to);
	close(fd);
	if (mount(from, to, NULL, MS_BIND, NULL) < 0)
		md_die("bind %s on %s", from, to);
}

static void mkdir_in_dev(const char *path, mode_t mode)
{
	if (mkdir(path, mode) < 0)
		md_die("mkdir %s", path);
}

/* /dev/pts: a devpts instance of the container's own (newinstance: the
 * host's terminals are not in it), whose ptmx anyone may open to get a
 * new terminal, which then belongs to group tty (5) with mode 0620, as
 * on a host (devpts in the kernel's Documentation/filesystems).  gid=5
 * needs group 5 mapped in the container's user namespace: with a range
 * it is, with a one-id map it is not, and the kernel says EINVAL. */
static void mount_devpts(const char *pts)
{
	unsigned long flags = MS_NOSUID | MS_NOEXEC;

	mkdir_in_dev(pts, 0755);
	if (mount("devpts", pts, "devpts", flags, "newinstance,ptmxmode=0666,mode=0620,gid=5") < 0 &&
	    (errno != EINVAL ||
	     mount("devpts", pts, "devpts", flags, "newinstance,ptmxmode=0666,mode=0620") < 0))
		md_die("mount devpts on %s", pts);
}

/* Under -t, fd 0 is the terminal (a pty the monitor holds, on the
 * host's devpts): bound as /dev/console, a process that looks for its
 * terminal's name in /dev, as ttyname(3) does, finds it there.  By the
 * name ttyname gives, checked to be fd 0: a bind mount's source must be a
 * mount of our namespace, and fd 0 was opened in the host's (EINVAL). */
static void bind_console(const char *dev)
{
	char name[PATH_MAX], path[PATH_MAX];
	int err = ttyname_r(0, name, sizeof name);

	if (err) {
		errno = err;
		md_die("find the name of the terminal on fd 0");
	}
	md_pathf(path, "%s/console", dev);
	bind_file(name, path);
}

/* The nodes and the links in DEV, an empty folder of ours (v2.0: also
 * config.json's /dev, the spec's default devices). */
void dev_populate(const char *dev)
{
	char path[PATH_MAX];

	for (size_t i = 0; i < sizeof nodes / sizeof nodes[0]; i++) {
		char host[32];
		snprintf(host, sizeof host, "/dev/%s", nodes[i]);
		md_pathf(path, "%s/%s", dev, nodes[i]);
		bind_file(host, path);
	}
	for (size_t i = 0; i < sizeof links / sizeof links[0]; i++) {
		md_pathf(path, "%s/%s", dev, links[i].name);
		if (symlink(links[i].target, path) < 0)
			md_die("symlink %s", path);
	}
}

/* The container's /dev, on ROOTFS/dev: a tmpfs (so that nothing the
 * container writes there reaches its upper layer, or an image by commit),
 * the nodes and links, pts, shm of SHM bytes, mqueue, and under TTY its
 * terminal as /dev/console. */
void mount_dev(const char *rootfs, long long shm, int tty)
{
	char dev[PATH_MAX], path[PATH_MAX], data[64];

	md_pathf(dev, "%s/dev", rootfs);
	mount_point(dev, 0755, "/dev");
	if (mount("tmpfs", dev, "tmpfs", MS_NOSUID | MS_STRICTATIME, "mode=755,size=65536k") < 0)
		md_die("mount tmpfs on %s", dev);
	dev_populate(dev);
	md_pathf(path, "%s/pts", dev);
	mount_devpts(path);
	/* POSIX shared memory (shm_open(3)) is files in /dev/shm: a tmpfs of
	 * its own, so that its size is the container's to fill, not /dev's. */
	md_pathf(path, "%s/shm", dev);
	mkdir_in_dev(path, 01777);
	snprintf(data, sizeof data, "mode=1777,size=%lld", shm);
	if (mount("shm", path, "tmpfs", MS_NOSUID | MS_NODEV | MS_NOEXEC, data) < 0)
		md_die("mount tmpfs on %s", path);
	/* POSIX message queues (mq_overview(7)) live in the IPC namespace;
	 * the kernel lets us mount the mqueue of our own, which the container
	 * has (CLONE_NEWIPC, owned by its user namespace), never the host's. */
	md_pathf(path, "%s/mqueue", dev);
	mkdir_in_dev(path, 01777);
	if (mount("mqueue", path, "mqueue", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL) < 0)
		md_die("mount mqueue on %s", path);
	if (tty)
		bind_console(dev);
}
