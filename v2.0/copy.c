/* cp (v1.5): files and folders into a container and out of it.
 *
 *   minidocker cp ./app.conf web:/etc/app.conf
 *   minidocker cp web:/var/log ./logs
 *
 * A path inside a container is the container's to define: any folder on
 * the way may be a symlink, to "/" or to "../../..", and the container's
 * processes may change them while we copy.  Followed by the host's kernel
 * from the host's root, such a symlink would land a copy in the host's
 * /etc.  So every container path is opened with openat2(2) and
 * RESOLVE_IN_ROOT, relative to a directory fd of the container's root:
 * "/" and ".." stop at that fd, as they stop at the root for the
 * container's own processes; RESOLVE_NO_MAGICLINKS refuses /proc/PID/root
 * and its kind, which would jump anywhere.  Below the folder found, the
 * copy goes through directory fds and never follows a symlink
 * (common/tree.c).
 *
 * The root: /proc/PID/root of a running container's PID 1 (proc(5)), or,
 * for a stopped one, its overlay mounted again in a mount namespace of
 * our own, gone when we exit.  What is copied in belongs to the
 * container's root (the host ids of its range, v1.2), as Docker does it;
 * what is copied out belongs to the user who ran cp. */
#include "minidocker.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <libgen.h>
#include <linux/openat2.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

/* Docker's status for what the daemon refuses: no such container or path. */
enum { EXIT_NOT_FOUND = 1 };

struct cp_job {
	const char *name;	/* the container, as given */
	const char *inside;	/* the path in it */
	const char *host;	/* the path on the host */
	int into;		/* 1: host -> container */
	uid_t uid;		/* who owns what is copied */
	gid_t gid;
	const struct idmap *map;	/* the container's */
	int stopped;		/* its overlay is ours: fix what copy-up made */
};

/* PATH in the container whose root is ROOT; FLAGS as open(2)'s. */
static int open_inside(int root, const char *path, int flags)
{
	struct open_how how = { .flags = flags | O_CLOEXEC,
				.resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS };
	return syscall(SYS_openat2, root, path[0] ? path : ".", &how, sizeof how);
}

/* PATH split into its folder and its last name ("a/b/" -> "a", "b"). */
static void split(const char *path, char *dir, char *name)
{
	char a[PATH_MAX], b[PATH_MAX];

	md_pathf(a, "%s", path);
	md_pathf(b, "%s", path);
	snprintf(dir, PATH_MAX, "%s", dirname(a));
	snprintf(name, PATH_MAX, "%s", basename(b));
}

/* The name that opens the fd FD again (proc(5)): an O_PATH fd reads
 * nothing, and md_copy_tree takes a path. */
static const char *fd_path(int fd, char buf[32])
{
	snprintf(buf, 32, "/proc/self/fd/%d", fd);
	return buf;
}

static int has_trailing_slash(const char *p)
{
	size_t n = strlen(p);
	return n > 1 && p[n - 1] == '/';
}

/* Own what the walk finds: the job's uid and gid; set-user-ID and
 * set-group-ID bits dropped on the way out (chown(2) clears them, and a
 * container's file must not become a setuid program of the host). */
static int own(int dirfd, const char *name, const struct stat *st, void *arg)
{
	const struct cp_job *j = arg;

	if (fchownat(dirfd, name, j->uid, j->gid, AT_SYMLINK_NOFOLLOW) < 0) {
		md_warn("cp: chown %s", name);
		return -1;
	}
	if (!j->into && !S_ISLNK(st->st_mode) && (st->st_mode & (S_ISUID | S_ISGID)) &&
	    fchmodat(dirfd, name, st->st_mode & 0777, 0) < 0) {
		md_warn("cp: chmod %s", name);
		return -1;
	}
	return 0;
}

/* One file, or a symlink, from (SFD, ST) to NAME in the folder DIR: made
 * under a temporary name, then renamed over NAME, so a symlink already
 * at NAME is replaced, never written through. */
static int copy_one(int sfd, const struct stat *st, int dir, const char *name, const struct cp_job *j)
{
	char tmp[64], target[PATH_MAX], self[32];
	int rc = -1, in = -1, out = -1;

	snprintf(tmp, sizeof tmp, ".minidocker-cp-%d", (int)getpid());
	if (S_ISLNK(st->st_mode)) {
		ssize_t n = readlinkat(sfd, "", target, sizeof target - 1);
		if (n < 0 || (target[n] = '\0', symlinkat(target, dir, tmp)) < 0) {
			md_warn("cp: copy the symlink %s", j->into ? j->host : j->inside);
			return -1;
		}
		rc = fchownat(dir, tmp, j->uid, j->gid, AT_SYMLINK_NOFOLLOW);
	} else if (!S_ISREG(st->st_mode)) {
		/* A FIFO would block the open until someone writes, forever. */
		md_warnx("cp: %s is not a file, a folder or a symlink", j->into ? j->host : j->inside);
		return -1;
	} else {
		in = open(fd_path(sfd, self), O_RDONLY | O_CLOEXEC);
		out = in < 0 ? -1 : openat(dir, tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
		if (in < 0 || out < 0) {
			md_warn("cp: %s %s", in < 0 ? "read" : "create in the folder of", j->into ? j->host : j->inside);
		} else {
			char buf[65536];
			ssize_t n;
			while ((n = read(in, buf, sizeof buf)) > 0)
				if (write(out, buf, n) != n)
					break;
			const struct timespec times[2] = { st->st_atim, st->st_mtim };
			mode_t mode = st->st_mode & (j->into ? 07777 : 0777);
			if (n == 0 && fchown(out, j->uid, j->gid) == 0 && fchmod(out, mode) == 0 &&
			    futimens(out, times) == 0)
				rc = 0;
			else	/* N < 0: reading the source failed, not writing */
				md_warn("cp: %s %s", n < 0 ? "read" : "write", n >= 0 ? name : j->into ? j->host : j->inside);
		}
	}
	if (in >= 0)
		close(in);
	if (out >= 0)
		close(out);
	if (rc == 0 && renameat(dir, tmp, dir, name) < 0) {
		md_warn("cp: put %s in place", name);
		rc = -1;
	}
	if (rc < 0)
		unlinkat(dir, tmp, 0);
	return rc;
}

/* The folder open as SFD, as NAME in DIR, or into DIR itself (NAME NULL:
 * SRC/. was given).  Then owned by the job's ids. */
static int copy_folder(int sfd, int dir, const char *name, const struct cp_job *j)
{
	char self[32];
	int fd = dir;

	if (name) {
		if (mkdirat(dir, name, 0700) < 0) {
			md_warn("cp: make the folder %s", name);
			if (errno == EEXIST)
				md_hint("cp copies a folder only where it does not exist yet (or SRC/. into one)");
			return -1;
		}
		fd = openat(dir, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	}
	/* md_copy_tree and md_walk_tree take paths: "." is the folder, from
	 * an fd, with no path that could be swapped under us. */
	int rc = fd < 0 || fchdir(fd) < 0 ? -1 : md_copy_tree(fd_path(sfd, self), ".");
	if (rc == 0)
		rc = md_walk_tree(".", own, (void *)j);
	if (rc < 0 && name && fchdir(dir) == 0)
		md_remove_tree(name);	/* no half copy left behind */
	if (name && fd >= 0)
		close(fd);
	return rc;
}

/* For a stopped container's overlay, mounted here without its idmapped
 * layers (v1.2): making NAME made overlayfs copy the folders above it up
 * from the image, owned as on disk, by host root, which the container
 * would see as nobody.  Give those the ids of the container's range.
 * From DIR up to ROOT, through "..", never past it. */
static void fix_copied_up(int root, int dir, const struct cp_job *j)
{
	struct stat rst, st;
	int fd = dup(dir);

	if (fstat(root, &rst) < 0)
		return;
	/* Only folders of the overlay itself (its device): never a folder of
	 * the host, whatever a bug above would have handed us. */
	for (int depth = 0; fd >= 0 && depth < 256 && fstat(fd, &st) == 0 && st.st_dev == rst.st_dev; depth++) {
		long uid = idmap_outside(j->map->uid, j->map->n, st.st_uid);
		long gid = idmap_outside(j->map->gid, j->map->n, st.st_gid);
		if (idmap_inside(j->map->uid, j->map->n, st.st_uid) < 0 && uid >= 0 && gid >= 0)
			fchownat(fd, "", uid, gid, AT_EMPTY_PATH);
		if (st.st_dev == rst.st_dev && st.st_ino == rst.st_ino)
			break;
		int up = openat(fd, "..", O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		close(fd);
		fd = up;
	}
	if (fd >= 0)
		close(fd);
}

/* Host -> container whose root is ROOT. */
static int copy_in(int root, const struct cp_job *j)
{
	char dir[PATH_MAX], name[PATH_MAX], sname[PATH_MAX], sdir[PATH_MAX];
	struct stat st;
	int sfd = open(j->host, O_PATH | O_NOFOLLOW | O_CLOEXEC);

	if (sfd < 0 || fstat(sfd, &st) < 0) {
		md_warn("cp: %s", j->host);
		return EXIT_NOT_FOUND;
	}
	split(j->host, sdir, sname);
	int contents = S_ISDIR(st.st_mode) && !strcmp(sname, ".");
	/* DST a folder: the copy goes in it, by SRC's name.  Else DST is the
	 * new name, in a folder that must exist. */
	int parent = open_inside(root, j->inside, O_PATH | O_DIRECTORY);
	const char *as = sname;
	if (parent < 0) {
		split(j->inside, dir, name);
		struct stat there;
		int fd = open_inside(root, j->inside, O_PATH | O_NOFOLLOW);
		if (fd >= 0 && S_ISDIR(st.st_mode) && fstat(fd, &there) == 0 && !S_ISDIR(there.st_mode)) {
			md_warnx("cp: cannot copy the folder %s onto the file %s:%s", j->host, j->name, j->inside);
			close(fd);
			close(sfd);
			return MD_EXIT_FAILED;
		}
		if (fd >= 0)
			close(fd);
		if ((fd < 0 && has_trailing_slash(j->inside) && !S_ISDIR(st.st_mode)) || contents ||
		    !strcmp(name, "..") || !strcmp(name, ".") || !strcmp(name, "/") ||
		    (parent = open_inside(root, dir, O_PATH | O_DIRECTORY)) < 0) {
			md_warnx("cp: no folder %s in container %s", has_trailing_slash(j->inside) ? j->inside : dir,
				 j->name);
			close(sfd);
			return EXIT_NOT_FOUND;
		}
		as = name;
	}
	int rc;
	if (S_ISDIR(st.st_mode))
		rc = copy_folder(sfd, parent, contents ? NULL : as, j);
	else
		rc = copy_one(sfd, &st, parent, as, j);
	if (rc == 0 && j->stopped)
		fix_copied_up(root, parent, j);
	close(parent);
	close(sfd);
	return rc == 0 ? 0 : MD_EXIT_FAILED;
}

/* Container whose root is ROOT -> host. */
static int copy_out(int root, const struct cp_job *j)
{
	char dir[PATH_MAX], name[PATH_MAX], sdir[PATH_MAX], sname[PATH_MAX];
	struct stat st, hst;
	int sfd = open_inside(root, j->inside, O_PATH | O_NOFOLLOW);

	if (sfd < 0 || fstat(sfd, &st) < 0) {
		md_warn("cp: %s in container %s", j->inside, j->name);
		return EXIT_NOT_FOUND;
	}
	if (md_kernel_files(sfd)) {	/* /proc/kmsg: the host's kernel log, for host root */
		md_warnx("cp: %s in container %s: the kernel's files (/proc, /sys), not the container's", j->inside,
			 j->name);
		close(sfd);
		return MD_EXIT_FAILED;
	}
	split(j->inside, sdir, sname);
	int contents = S_ISDIR(st.st_mode) && !strcmp(sname, ".");
	int parent;
	const char *as = sname;
	if (contents) {	/* CTR:DIR/. : what it holds, into the folder DST */
		parent = open(j->host, O_PATH | O_DIRECTORY | O_CLOEXEC);
		as = NULL;
	} else if (strcmp(sname, "/") && stat(j->host, &hst) == 0 && S_ISDIR(hst.st_mode)) {
		parent = open(j->host, O_PATH | O_DIRECTORY | O_CLOEXEC);
	} else {	/* a new name, in a folder that must exist */
		split(j->host, dir, name);
		parent = open(dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
		as = name;
	}
	if (parent < 0) {
		md_warn("cp: no folder for %s", j->host);
		close(sfd);
		return EXIT_NOT_FOUND;
	}
	int rc;
	if (S_ISDIR(st.st_mode)) {
		rc = copy_folder(sfd, parent, as, j);
	} else if (!as) {
		md_warnx("cp: %s is not a folder", j->inside);
		rc = -1;
	} else {
		rc = copy_one(sfd, &st, parent, as, j);
	}
	close(parent);
	close(sfd);
	return rc == 0 ? 0 : MD_EXIT_FAILED;
}

static int copy(int root, const struct cp_job *j)
{
	return j->into ? copy_in(root, j) : copy_out(root, j);
}

/* A stopped container: its overlay, mounted again in a mount namespace of
 * a child of ours (mount_namespaces(7)), private so nothing reaches the
 * host; the layers as the container's last start had them. */
static int copy_stopped(const struct container *c, const struct cp_job *j)
{
	char dir[PATH_MAX], lowers[PATH_MAX], shifted[PATH_MAX], opts[3 * PATH_MAX + 64], rootfs[PATH_MAX];

	if (geteuid() != 0) {
		md_warnx("cp: container %s is not running, and only root can mount a stopped one's files", j->name);
		md_hint("start it first (minidocker start %s), or run cp as root", j->name);
		return MD_EXIT_FAILED;
	}
	if (image_layers(c->image_id[0] ? c->image_id : c->image, lowers) < 0)	/* v1.6: by ID */
		return MD_EXIT_FAILED;
	if (!strcmp(c->layers, "copy") && shifted_layers(c, lowers, shifted) == 0)
		snprintf(lowers, sizeof lowers, "%s", shifted);	/* v1.2's copies, as it ran */
	container_path(dir, c->id, NULL);
	md_pathf(rootfs, "%s/rootfs", dir);
	if ((size_t)snprintf(opts, sizeof opts, "userxattr,lowerdir=%s,upperdir=%s/upper,workdir=%s/work",
			     lowers, dir, dir) >= sizeof opts)
		md_diex("overlay options too long");
	pid_t pid = fork();
	if (pid < 0)
		md_die("fork");
	if (pid == 0) {
		if (unshare(CLONE_NEWNS) < 0 || mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0)
			md_die("cp: a mount namespace for the stopped container's files");
		if (mount("overlay", rootfs, "overlay", MS_NOSUID | MS_NODEV, opts) < 0)
			md_die("cp: mount container %s's files on %s", j->name, rootfs);
		int root = open(rootfs, O_PATH | O_DIRECTORY | O_CLOEXEC);
		if (root < 0)
			md_die("open %s", rootfs);
		_exit(copy(root, j));
	}
	return wait_for(pid);
}

/* "NAME:PATH" names a container's path: a ':' before any '/'. */
static int container_part(const char *arg, char *name, size_t len, const char **path)
{
	const char *colon = strchr(arg, ':'), *slash = strchr(arg, '/');

	if (!colon || colon == arg || (slash && slash < colon) || (size_t)(colon - arg) >= len)
		return 0;
	snprintf(name, len, "%.*s", (int)(colon - arg), arg);
	*path = colon + 1;
	return 1;
}

int cmd_cp(int argc, char **argv)
{
	static const struct option opts[] = { { "help", no_argument, NULL, 'h' }, { 0 } };
	const struct command *cmd = find_command("cp");
	struct container c;
	char sname[128], dname[128];
	const char *spath, *dpath;

	while (next_opt(cmd, argc, argv, "", opts) != -1)
		;
	if (argc - optind != 2)
		usage_error(cmd, NULL, "it takes a SRC and a DST, one of them CONTAINER:PATH");
	const char *src = argv[optind], *dst = argv[optind + 1];
	int in_src = container_part(src, sname, sizeof sname, &spath);
	int in_dst = container_part(dst, dname, sizeof dname, &dpath);
	if (in_src == in_dst)
		usage_error(cmd, NULL, in_src ? "copying between containers is not supported"
					      : "one of SRC and DST must be CONTAINER:PATH");
	const char *name = in_src ? sname : dname, *inside = in_src ? spath : dpath;
	const char *host = in_src ? dst : src;
	if (!host[0] || !inside[0])
		usage_error(cmd, NULL, "an empty path");
	/* Longer than the kernel resolves (path_resolution(7)): refused here,
	 * never cut short into another path. */
	if (strlen(host) >= PATH_MAX || strlen(inside) >= PATH_MAX)
		md_diex("cp: %.40s...: path too long (at most %d bytes)",
			strlen(host) >= PATH_MAX ? host : inside, PATH_MAX - 1);
	/* Docker's "-" is a tar stream on stdin or stdout, which we do not
	 * have: refused, rather than taken for a file called "-". */
	if (!strcmp(host, "-"))
		usage_error(cmd, NULL, "'-' (a tar archive on %s) is not supported: give a path, "
			    "./- for a file called -", in_src ? "stdout" : "stdin");
	struct cp_job j = { .name = name, .inside = inside, .host = host, .into = in_dst };
	if (find_container(name, &c) < 0)
		return EXIT_NOT_FOUND;
	j.map = &c.map;
	long uid = idmap_outside(c.map.uid, c.map.n, 0), gid = idmap_outside(c.map.gid, c.map.n, 0);
	j.uid = j.into ? (uid_t)uid : getuid();
	j.gid = j.into ? (gid_t)gid : getgid();
	int rc;
	if (is_running(&c)) {
		char path[64];
		snprintf(path, sizeof path, "/proc/%d/root", (int)c.pid);
		int root = open(path, O_PATH | O_DIRECTORY | O_CLOEXEC);
		/* As exec checks: the PID still the container's, now that it is open. */
		if (root < 0 || !alive(c.pid, c.pid_start))
			md_diex("container %s ended while cp was opening it", name);
		rc = copy(root, &j);
		close(root);
	} else {
		/* Stopped: nobody starts it while its overlay is mounted twice. */
		int lock = lock_container(c.id, 1);
		if (lock < 0)
			md_die("lock container %s", name);
		j.stopped = 1;
		rc = copy_stopped(&c, &j);
		close(lock);
	}
	drop_command(&c);
	return rc;
}
