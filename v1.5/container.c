/* Making a container: an overlay of the image's layers, six namespaces,
 * pivot_root, the init that becomes the command, and setns for exec.
 * v1.2: the maps, the layers and the last steps come from userns.c,
 * idmap.c and user.c; the calls are marked "v1.2".  v1.3: /sys, /dev and
 * the masks from masks.c and devices.c, --tmpfs and --read-only from
 * mounts.c, marked "v1.3".  v1.4: the network, from endpoint.c; its
 * calls are marked "v1.4".  v1.5: the command's environment, working
 * folder and volumes, from config.c and volume.c, marked "v1.5". */
#include "minidocker.h"

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

/* The image's root filesystem, checked before anything is created. */
void image_path(const char *image, char *path)
{
	struct stat st;

	/* A name, not a path: "../../etc" must not be an image. */
	if (!image[0] || strchr(image, '/') || image[0] == '.')
		md_diex("invalid image name '%s'", image);
	md_pathf(path, "%s/images/%s", md_state_root(), image);
	if (stat(path, &st) < 0 || !S_ISDIR(st.st_mode)) {
		md_warnx("image '%s' not found: no folder %s", image, path);
		md_image_hint();
		exit(MD_EXIT_FAILED);
	}
}

/* A new container: ROOT/containers/ID with an empty upper layer and work
 * folder for overlayfs, a rootfs folder to mount it on, and a state file
 * saying "created".  No copy: creating a container costs the same for any
 * image size.  The caller has filled in the rest of C (name, options).
 * Returns the container's lock (lock_container), for the caller to close
 * once it has started it. */
int create_container(struct container *c, const char *image, char **cmd, int ncmd)
{
	char src[PATH_MAX], dir[PATH_MAX], rootfs[PATH_MAX], upper[PATH_MAX], work[PATH_MAX];

	image_path(image, src);
	md_new_id(c->id);
	snprintf(c->image, sizeof c->image, "%s", image);
	c->argc = ncmd;
	c->argv = cmd;
	clock_gettime(CLOCK_REALTIME, &c->created);

	md_state_dir(dir, "containers", 0700);
	container_path(dir, c->id, NULL);
	container_path(rootfs, c->id, "rootfs");
	container_path(upper, c->id, "upper");
	container_path(work, c->id, "work");
	if (mkdir(dir, 0700) < 0)
		md_die("mkdir %s", dir);
	/* Locked from its first instant: rm leaves a folder without state
	 * alone while we hold it (state.c, lock_container). */
	int lock = lock_container(c->id, 0);
	if (lock < 0)
		md_die("lock %s", dir);
	/* The upper layer is the container's /: mode 0755 like any root. */
	if (mkdir(rootfs, 0755) < 0 || mkdir(upper, 0755) < 0 || mkdir(work, 0700) < 0) {
		md_warn("mkdir in %s", dir);
		md_remove_tree(dir);
		exit(MD_EXIT_FAILED);
	}
	save_state(c);
	return lock;
}

/* What clone_main needs: the init's argv, the pipe it waits on, and the
 * fds that become its stdin, stdout and stderr. */
struct clone_args {
	char **argv;
	int sync[2];		/* the runtime's "go" to the init */
	int report[2];		/* the init's "ready", then how its exec went */
	const int *stdio;
	const char *cgroup_parent, *id;	/* v1.0: the cgroups it joins */
	const struct idmap *map;	/* v1.2 */
	int sock;		/* v1.2: where the root filesystem comes from, or -1 */
	int filter;		/* v1.3: the seccomp filter's BPF, or -1 */
};

/* The init's end of the report pipe is always this fd: it crosses the
 * re-exec (no FD_CLOEXEC), and md_exec_prepare marks it close-on-exec
 * just before the command's exec, so that a successful exec closes it. */
enum { REPORT_FD = 3, SOCK_FD = 4, FILTER_FD = 5 };	/* v1.2: SOCK_FD; v1.3: FILTER_FD */

/* clone(2) starts the new process here, in the new namespaces.  It waits
 * for the parent to write its uid and gid maps, then replaces itself with
 * a fresh copy of minidocker: `minidocker init ROOTFS COMMAND...`. */
static int clone_main(void *arg)
{
	struct clone_args *ca = arg;
	char go;

	release_signals();
	/* If minidocker dies (even by SIGKILL), the kernel kills the child,
	 * and with PID 1 gone, everything in its namespace (prctl(2)).  It
	 * survives the execv below. */
	if (prctl(PR_SET_PDEATHSIG, SIGKILL) < 0)
		md_die("prctl PR_SET_PDEATHSIG");
	/* Until the maps are written, our uid here is the overflow uid 65534,
	 * and execv would drop every capability (capabilities(7)).  A byte on
	 * the pipe says the maps are there; end of file says the parent died
	 * (before or after the prctl above: no window left) or gave up. */
	close(ca->sync[1]);
	if (read(ca->sync[0], &go, 1) != 1)
		_exit(MD_EXIT_FAILED);
	close(ca->sync[0]);
	close(ca->report[0]);
	/* Into the container's cgroups before anything else runs here, so
	 * the limits hold from the init's first instruction.  It moves itself
	 * (PID 0): on v1 that waits for no lock (cgroup_join). */
	if (cgroup_join(ca->cgroup_parent, ca->id, 0) < 0)
		_exit(MD_EXIT_FAILED);
	/* v1.2: the maps exist; stop being host root before anything else
	 * (but the join above: the cgroups' files are host root's). */
	userns_become_root(ca->map);
	for (int i = 0; i < 3; i++)
		if (dup2(ca->stdio[i], i) < 0)
			md_die("dup2");
	/* The report pipe to REPORT_FD and (v1.2) the layer socket to
	 * SOCK_FD: first both out of the way of those numbers, since either
	 * may be one of them now; dup2 clears FD_CLOEXEC on the copies. */
	int report = fcntl(ca->report[1], F_DUPFD_CLOEXEC, 10);
	int sock = ca->sock < 0 ? -1 : fcntl(ca->sock, F_DUPFD_CLOEXEC, 10);
	int filter = ca->filter < 0 ? -1 : fcntl(ca->filter, F_DUPFD_CLOEXEC, 10);	/* v1.3 */
	if (report < 0 || dup2(report, REPORT_FD) < 0 ||
	    (ca->sock >= 0 && (sock < 0 || dup2(sock, SOCK_FD) < 0)) ||
	    (ca->filter >= 0 && (filter < 0 || dup2(filter, FILTER_FD) < 0)))
		md_die("dup2");
	/* From a sealed copy in memory: the container's PID 1 must never
	 * show it the host's minidocker as /proc/1/exe (CVE-2019-5736). */
	md_exec_self(ca->argv);
}

enum { STACK_SIZE = 1024 * 1024 };

static void close_if(int fd)	/* v1.2: the socket exists for root only */
{
	if (fd >= 0)
		close(fd);
}

/* The init's report, once the runtime has said "go": a byte when its
 * root is ready, then end of file if the command's exec succeeded (the
 * pipe is close-on-exec), or the errno of the failed exec.  Returns 0
 * (exec'd), that errno, or -1: the init died before it was ready, after
 * saying why. */
static int await_exec(int fd)
{
	char ready;
	int err;
	ssize_t n;

	while ((n = read(fd, &ready, 1)) < 0 && errno == EINTR)
		;
	if (n != 1)
		return -1;
	while ((n = read(fd, &err, sizeof err)) < 0 && errno == EINTR)
		;
	if (n == 0)
		return 0;
	return n == sizeof err && err > 0 ? err : EIO;
}

/* The init's argv: `minidocker init [--tty] DIR LOWERS SECURITY MOUNTS CONFIG COMMAND...`. */
static char **init_argv(const struct container *c, int tty, char *dir, char *lowers, char *sec, char *mnt,
			char *cfg)
{
	char **argv = calloc(c->argc + 9, sizeof *argv);
	int n = 0;

	if (!argv)
		md_die("calloc");
	argv[n++] = (char *)self_path;
	argv[n++] = "init";
	if (tty)
		argv[n++] = "--tty";
	argv[n++] = dir;
	argv[n++] = lowers;
	argv[n++] = sec;
	argv[n++] = mnt;	/* v1.3 */
	argv[n++] = cfg;	/* v1.5 */
	memcpy(argv + n, c->argv, (c->argc + 1) * sizeof *argv);
	return argv;
}

/* Start C's command in new namespaces, as v0.8's spawn_container did.
 * The state says "running" only once the init has entered its root and
 * exec'd the command: before that, exec would join a mount namespace that
 * is still a copy of the host's.  *FAILED gets 0, or the errno of the
 * command's failed exec (the init said why on its stderr and exits 126 or
 * 127; the container stays "created" with that exit code, as Docker leaves
 * it).  Returns the PID of its PID 1, or -1 after saying why. */
pid_t spawn_container(struct container *c, const int stdio[3], int tty, int *failed)
{
	char dir[PATH_MAX], lowers[PATH_MAX], sec[160], mnt[MAX_TMPFS * 256 + 64];
	int sock[2] = { -1, -1 };

	*failed = 0;
	container_path(dir, c->id, NULL);
	if (image_layers(c->image, lowers) < 0)
		return -1;
	int filter = seccomp_build(&c->sec);	/* v1.3: outside its cgroup; init loads it */
	/* Whose start this is: if we are killed from here on, whoever reads
	 * the state next sees a dead monitor and removes the cgroup. */
	c->status = CREATED;
	c->pid = 0;
	c->pid_start = 0;
	c->monitor = getpid();
	c->monitor_start = start_time(getpid());
	save_state(c);
	/* The cgroup, with its limits, exists before the container does. */
	if (cgroup_create(c->cgroup_parent, c->id, &c->limits) < 0) {
		close_if(filter);
		return -1;
	}
	/* v1.4: and its address, ports and /etc files. */
	if (net_prepare(c) < 0) {
		net_release(c);
		cgroup_remove(c->cgroup_parent, c->id);
		close_if(filter);
		return -1;
	}
	/* v1.2: root's containers get their root filesystem over a socket. */
	userns_prepare_dirs(c);
	if (c->map.how == MAP_RANGE && socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sock) < 0)
		md_die("socketpair");
	security_word(&c->sec, sock[1] >= 0 ? SOCK_FD : -1, filter >= 0 ? FILTER_FD : -1, sec, sizeof sec);
	mounts_word(&c->mounts, mnt, sizeof mnt);	/* v1.3 */
	char *cfg = config_word(c);	/* v1.5 */
	char **argv = init_argv(c, tty, dir, lowers, sec, mnt, cfg);
	struct clone_args ca = { .argv = argv, .stdio = stdio, .map = &c->map, .sock = sock[1],
				 .filter = filter, .cgroup_parent = c->cgroup_parent, .id = c->id };
	if (pipe2(ca.sync, O_CLOEXEC) < 0 || pipe2(ca.report, O_CLOEXEC) < 0)
		md_die("pipe");
	/* Without CLONE_VM the child gets a copy of our memory, this stack
	 * included; clone wants its top, since stacks grow down on x86. */
	char *stack = mmap(NULL, STACK_SIZE, PROT_READ | PROT_WRITE,
			   MAP_PRIVATE | MAP_ANONYMOUS | MAP_STACK, -1, 0);
	if (stack == MAP_FAILED)
		md_die("mmap a stack for clone");
	/* With CLONE_NEWUSER the other namespaces are owned by the new user
	 * namespace, where the child has every capability: no root needed. */
	int newnet = strcmp(c->net.mode, "host") ? CLONE_NEWNET : 0;	/* v1.4 */
	pid_t pid = clone(clone_main, stack + STACK_SIZE,
			  CLONE_NEWUSER | CLONE_NEWUTS | CLONE_NEWPID | CLONE_NEWNS |
			  CLONE_NEWIPC | newnet | SIGCHLD, &ca);
	int err = errno;
	munmap(stack, STACK_SIZE);
	free(argv);
	free(cfg);
	close(ca.sync[0]);
	close(ca.report[1]);
	close_if(sock[1]);
	close_if(filter);	/* v1.3 */
	if (pid < 0) {
		close(ca.sync[1]);
		close(ca.report[0]);
		close_if(sock[0]);
		net_release(c);	/* v1.4 */
		cgroup_remove(c->cgroup_parent, c->id);
		md_warnx("clone with all six namespaces: %s", strerror(err));
		if (err == EPERM || err == EACCES || err == ENOSPC || err == EUSERS)
			md_userns_hint(err);
		return -1;
	}
	/* Its start time now, while it waits: a command that ends at once
	 * would leave only a zombie, which has none. */
	unsigned long long started = start_time(pid);
	/* It joins its cgroups itself, after the byte (clone_main). */
	int ok = userns_write_maps(pid, &c->map) == 0 &&
		 (sock[0] < 0 || volumes_send(c, sock[0]) == 0) &&	/* v1.5 */
		 (sock[0] < 0 || layers_send(c, pid, sock[0], lowers) == 0) &&	/* v1.2 */
		 net_attach(c, pid) == 0 &&	/* v1.4: its veth */
		 write(ca.sync[1], "1", 1) == 1;
	close(ca.sync[1]);	/* without the byte: "give up" */
	int result = ok ? await_exec(ca.report[0]) : -1;
	close(ca.report[0]);
	close_if(sock[0]);
	if (result < 0) {
		/* Killed before it could say why: the OOM killer, if the
		 * cgroup counted a kill (the limit too small for the init). */
		if (wait_for(pid) == 128 + SIGKILL && cgroup_oom_killed(c->cgroup_parent, c->id)) {
			md_warnx("container %.12s ran out of memory before its command started", c->id);
			if (c->limits.memory)
				md_hint("-m counts minidocker's own init until it starts the command: "
					"give more than %lldk", c->limits.memory >> 10);
		}
		net_release(c);	/* v1.4 */
		cgroup_remove(c->cgroup_parent, c->id);
		return -1;
	}
	/* Recorded once the command runs in its root, so that ps, exec and
	 * stop find it in there. */
	c->pid = pid;
	c->pid_start = started;
	clock_gettime(CLOCK_REALTIME, &c->started);	/* v1.5: inspect's StartedAt */
	if (result == 0)
		c->status = RUNNING;
	else	/* the exit status md_exec_failed gives the init */
		c->exit_code = (*failed = result) == ENOENT || result == ENOTDIR ? MD_EXIT_NOT_FOUND
										: MD_EXIT_CANNOT_RUN;
	save_state(c);
	return pid;
}

/* The overlay mount failed: say why.  ENOENT with the container's folder
 * (or its upper/) gone: someone removed it while the container started
 * (the first run of a range on a kernel without idmapped layers copies
 * them first, which takes a while), not a host without overlayfs. */
static noreturn void overlay_failed(const char *dir, const char *rootfs)
{
	char upper[PATH_MAX];
	struct stat st;
	int err = errno;

	md_pathf(upper, "%s/upper", dir);
	if (err == ENOENT && (stat(dir, &st) < 0 || stat(upper, &st) < 0)) {
		md_warnx("the container's folder %s was removed while it started", dir);
		md_hint("nothing else may remove a container's folder; run it again");
		exit(MD_EXIT_FAILED);
	}
	errno = err;
	md_warn("mount overlay on %s", rootfs);
	/* EACCES: the mount is made by the container's root, a host id of
	 * its range, which must pass every folder above the state root (a
	 * home folder is often 0700). */
	if (err == EACCES)
		md_hint("the container's root must be able to pass every folder above %s: "
			"chmod o+x them, or use a state root outside (MINIDOCKER_ROOT)", md_state_root());
	else
		md_hint("overlayfs needs the overlay module, and in a user namespace Linux 5.11 or "
			"later; `make doctor` checks both");
	exit(MD_EXIT_FAILED);
}

/* Make the container's root an overlay of its image's layers and its own
 * upper layer, move into it with pivot_root, and give it its own /proc,
 * without touching the host's.  DIR is ROOT/containers/ID; LOWERS the
 * image's layers, top first, separated by ':'.  v1.3: and its /sys, /dev
 * (TTY: with the terminal as console), the masks, and M's mounts.
 * v1.5: and CFG's volumes, attached before pivot_root. */
static void enter_rootfs(const char *dir, const char *lowers, int sock, const struct mounts *m, int tty,
			 struct config *cfg)
{
	char rootfs[PATH_MAX], opts[3 * PATH_MAX], sent[PATH_MAX];

	/* The new mount namespace is a copy of the host's, propagation
	 * included: where / is shared (every systemd host), a mount made here
	 * would appear on the host too, and outlive the container there.
	 * MS_REC|MS_PRIVATE cuts every mount off from its peers first.
	 * See mount_namespaces(7), "Shared subtrees". */
	if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0)
		md_die("make / private (mount MS_REC|MS_PRIVATE)");
	/* The union (see notes/union-fs.md): reads fall through the layers,
	 * writes go to upper/, work/ is overlayfs's scratch space.
	 * userxattr: keep its markers in user.overlay.* extended attributes,
	 * which a user namespace may write (trusted.* needs real root). */
	md_pathf(rootfs, "%s/rootfs", dir);
	/* v1.2: root's container gets an idmapped overlay, mounted, or the
	 * shifted copies of its layers to mount (idmap.c). */
	if (sock >= 0 && layers_receive(sock, rootfs, sent) == 1)
		;
	else if ((size_t)snprintf(opts, sizeof opts, "userxattr,lowerdir=%s,upperdir=%s/upper,workdir=%s/work",
				  sock >= 0 ? sent : lowers, dir, dir) >= sizeof opts)
		md_diex("overlay options too long");
	else if (mount("overlay", rootfs, "overlay", 0, opts) < 0)
		overlay_failed(dir, rootfs);
	/* proc, now, while the host's /proc is still in view: in a user
	 * namespace the kernel mounts a new proc only where a complete one is
	 * already visible (proc(5), "mount namespaces").  Nothing in /proc
	 * needs setuid, devices or execution. */
	char proc[PATH_MAX];
	struct stat st;
	md_pathf(proc, "%s/proc", rootfs);
	/* An imported image may lack /proc: make it (in the upper layer).
	 * It must be a real folder: mount(2) follows symlinks, and an image
	 * could point /proc anywhere on the host (runc's mask.bats). */
	if (mkdir(proc, 0555) < 0 && errno != EEXIST)
		md_die("mkdir %s", proc);
	if (lstat(proc, &st) < 0 || !S_ISDIR(st.st_mode))
		md_diex("the image's /proc is not a folder; refusing to mount proc through it");
	if (mount("proc", proc, "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL) < 0)
		md_die("mount proc on %s", proc);
	/* v1.3: the rest of the kernel's view, while the host's /dev and
	 * /sys are still there to bind from (devices.c, masks.c). */
	mount_sys(rootfs);
	mount_dev(rootfs, m->shm_size, tty);
	mask_paths(rootfs);
	/* v1.5: -v, before the network's files, which may go in a volume
	 * on /etc (Docker mounts the shallower path first). */
	volumes_attach(rootfs, cfg);
	net_mount_files(dir, rootfs);	/* v1.4: /etc/hosts, hostname, resolv.conf */
	/* pivot_root(2) swaps the root mount for the overlay, and unlike
	 * chroot(2) leaves nothing above it to climb to.  pivot_root(".", ".")
	 * stacks the old root on top of the new one; detaching it (after
	 * making sure its unmount cannot propagate anywhere) leaves the
	 * overlay alone at /.  This is runc's sequence. */
	if (chdir(rootfs) < 0)
		md_die("chdir %s", rootfs);
	if (syscall(SYS_pivot_root, ".", ".") < 0) {
		md_warn("pivot_root to %s", rootfs);
		if (errno == EINVAL)
			md_hint("pivot_root needs / and the new root's parent not shared, and the "
				"new root a mount point");
		exit(MD_EXIT_FAILED);
	}
	if (mount(NULL, ".", NULL, MS_SLAVE | MS_REC, NULL) < 0)
		md_die("make the old root a slave");
	if (umount2(".", MNT_DETACH) < 0)
		md_die("detach the old root");
	if (chdir("/") < 0)
		md_die("chdir /");
	config_make_workdir(cfg);	/* v1.5: -w, while / may be written */
	apply_mounts(m);	/* v1.3: --tmpfs, --read-only (mounts.c) */
}

/* The command's environment is the container's, not the host's: the
 * host's variables (SUDO_USER, SSH_AUTH_SOCK...) say nothing true inside.
 * These are what Docker sets; TERM is kept so a shell can draw. */
void container_env(void)
{
	const char *term = getenv("TERM");
	char *keep = term ? strdup(term) : NULL;
	char host[HOST_NAME_MAX + 1] = "container";	/* v1.4: --hostname */

	gethostname(host, sizeof host);

	if (clearenv() != 0)
		md_diex("clearenv failed");
	/* execvp searches this PATH, and after chroot, inside the container. */
	if (setenv("PATH", CONTAINER_PATH, 1) < 0 ||	/* v1.5: inspect shows it too */
	    setenv("HOSTNAME", host, 1) < 0 || setenv("HOME", "/root", 1) < 0 ||
	    (keep && setenv("TERM", keep, 1) < 0))
		md_die("setenv");
	free(keep);
}

/* `minidocker init [--tty] DIR LOWERS SECURITY MOUNTS CONFIG COMMAND...`: the container side,
 * PID 1 of its PID namespace.  Name the host, enter the root filesystem,
 * then become the command: execvp keeps our PID, so the command is PID 1.
 * No unmount at the end: the mount namespace, and every mount in it, the
 * overlay included, goes away with its last process. */
noreturn void container_init(int argc, char **argv)
{
	int tty = argc > 7 && !strcmp(argv[2], "--tty");
	const char *dir = argv[2 + tty], *lowers = argv[3 + tty];
	struct security sec;
	int sock = security_parse(argv[4 + tty], &sec);	/* v1.2 */
	struct mounts mnt;
	mounts_parse(argv[5 + tty], &mnt);	/* v1.3 */
	struct config cfg;
	config_parse(argv[6 + tty], &cfg);	/* v1.5 */
	char **cmd = argv + 7 + tty;

	/* Only ever run by `run`: outside a new PID namespace, sethostname
	 * below would rename the host. */
	if (getpid() != 1)
		md_diex("init is internal to `minidocker run`; use run");
	/* A session of its own (setsid(2)): in minidocker's process group,
	 * kill(0, sig) in the container would reach the host's processes of
	 * that group, the user's shell among them, PID namespace or not. */
	if (setsid() < 0)
		md_die("setsid");
	/* With a terminal, it becomes the session's controlling terminal, so
	 * that Ctrl-C on it sends SIGINT to the command (credentials(7),
	 * "Sessions"; ioctl_tty(2), TIOCSCTTY). */
	if (tty && ioctl(0, TIOCSCTTY, 0) < 0)
		md_die("make the terminal the container's controlling terminal");
	/* v1.4: the hostname run was given, and lo (and eth0) up, while
	 * our folder is in view and our capabilities are all there. */
	char host[64];
	net_hostname(dir, host, sizeof host);
	if (sethostname(host, strlen(host)) < 0)
		md_die("sethostname %s", host);
	net_inside(dir);
	volumes_receive(&cfg, sock);	/* v1.5: before the layers, as they were sent */
	enter_rootfs(dir, lowers, sock, &mnt, tty, &cfg);
	container_env();
	security_apply(&sec);	/* v1.2: user, capabilities, no_new_privs */
	config_apply(&cfg, NULL, NULL);	/* v1.5: -e, --env-file, -w */
	/* Tell the runtime the root is ready: from now on the container may
	 * be joined.  Then only 0, 1 and 2 cross, with default signals. */
	if (write(REPORT_FD, "r", 1) != 1)
		_exit(MD_EXIT_FAILED);
	md_exec_prepare();
	execvp(cmd[0], cmd);
	int err = errno;
	/* How it failed, for `run -d`, which cannot see our stderr. */
	if (write(REPORT_FD, &err, sizeof err) < 0)
		_exit(MD_EXIT_FAILED);
	errno = err;
	md_exec_failed(cmd[0]);
}

/* Join the namespaces of container C, whose PID 1 is C->pid, and its
 * root.  The user namespace comes first: it is what gives us the
 * capabilities that joining the others requires (setns(2)).  A PID alone
 * is a weak name: the container may end, and its number go to another
 * process, between the caller's check and our opening of /proc/PID/ns/ and root.
 * So check again once they are open: a process that still has the start
 * time we recorded is the one we opened them from (a live process keeps
 * its PID), and the fds name its namespaces for good. */
void join_container(const struct container *c)
{
	static const char *const kinds[] = { "user", "ipc", "uts", "net", "pid", "mnt" };
	int fds[6], root;
	char path[64];
	pid_t pid = c->pid;

	/* Open everything first: after joining the mount namespace, /proc
	 * would be the container's, where PID means something else. */
	for (int i = 0; i < 6; i++) {
		snprintf(path, sizeof path, "/proc/%d/ns/%s", (int)pid, kinds[i]);
		if ((fds[i] = open(path, O_RDONLY | O_CLOEXEC)) < 0)
			md_die("open %s", path);
	}
	snprintf(path, sizeof path, "/proc/%d/root", (int)pid);
	if ((root = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0)
		md_die("open %s", path);
	if (!alive(pid, c->pid_start))
		md_diex("container %.12s ended while exec was joining it", c->id);
	for (int i = 0; i < 6; i++) {
		if (setns(fds[i], 0) < 0)
			md_die("setns %s namespace of PID %d", kinds[i], (int)pid);
		close(fds[i]);
	}
	/* setns into a mount namespace puts us at its root mount; enter the
	 * container's root the same way its processes see it. */
	if (fchdir(root) < 0 || chroot(".") < 0 || chdir("/") < 0)
		md_die("enter the container's root");
	close(root);
}
