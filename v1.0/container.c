/* Making a container: a copy of the image, six namespaces, the init that
 * becomes the command, and setns for exec (v0.5 - v0.8). */
#include "minidocker.h"

#include <dirent.h>
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
#include <sys/stat.h>
#include <sys/wait.h>
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

/* Is NAME (".rootfs-PID-START-XXXXXX") the temporary copy of a creator,
 * the process (PID, START), that is gone?  Killed, it could not remove it. */
static int stale_temp(const char *name)
{
	int pid;
	unsigned long long started;

	return sscanf(name, ".rootfs-%d-%llu-", &pid, &started) == 2 && !alive(pid, started);
}

/* Copy the image SRC into a temporary folder TMP beside the containers, whose
 * name holds our PID and start time (so that the next run can tell the
 * leftovers of a killed one from the work of one still running, and
 * remove them); in a child process, so that on SIGINT or SIGTERM (Ctrl-C
 * during a long copy) this one, which only waits, can remove the copy: a
 * signal handler could not safely walk a tree.  SIGINT, SIGTERM and
 * SIGCHLD are blocked and taken with sigwaitinfo(2). */
static void copy_image(const char *src, const char *containers, char *tmp)
{
	sigset_t set, old;
	siginfo_t si;
	struct dirent *e;
	int ws;

	DIR *d = opendir(containers);
	while (d && (e = readdir(d)))
		if (stale_temp(e->d_name)) {
			md_pathf(tmp, "%s/%s", containers, e->d_name);
			md_remove_tree(tmp);
		}
	if (d)
		closedir(d);
	md_pathf(tmp, "%s/.rootfs-%d-%llu-XXXXXX", containers, (int)getpid(), start_time(getpid()));
	if (!mkdtemp(tmp))
		md_die("mkdtemp %s", tmp);
	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGCHLD);
	sigprocmask(SIG_BLOCK, &set, &old);
	signal(SIGCHLD, SIG_DFL);	/* ignored, the child would leave no status */
	pid_t pid = fork();
	if (pid < 0)
		md_die("fork");
	if (pid == 0) {
		sigprocmask(SIG_SETMASK, &old, NULL);
		_exit(md_copy_tree(src, tmp) == 0 ? 0 : 1);
	}
	for (;;) {
		if (sigwaitinfo(&set, &si) < 0)
			continue;
		if (si.si_signo == SIGCHLD && waitpid(pid, &ws, WNOHANG) == pid)
			break;
		if (si.si_signo != SIGCHLD) {
			kill(pid, SIGKILL);
			waitpid(pid, NULL, 0);
			md_remove_tree(tmp);
			md_warnx("interrupted: removed %s", tmp);
			exit(128 + si.si_signo);
		}
	}
	sigprocmask(SIG_SETMASK, &old, NULL);
	if (!WIFEXITED(ws) || WEXITSTATUS(ws) != 0) {
		md_remove_tree(tmp);
		md_diex("cannot copy the image %s", src);
	}
}

/* A new container: ROOT/containers/ID with a copy of the image as its
 * rootfs and a state file saying "created".  The caller has filled in the
 * rest of C (name, options).  The folder appears only once the copy is
 * complete, locked from its first instant (rm leaves a folder without
 * state alone while we hold it, state.c): returns that lock, for the
 * caller to close once it has started the container. */
int create_container(struct container *c, const char *image, char **cmd, int ncmd)
{
	char src[PATH_MAX], containers[PATH_MAX], dir[PATH_MAX], rootfs[PATH_MAX], tmp[PATH_MAX];

	image_path(image, src);
	md_new_id(c->id);
	snprintf(c->image, sizeof c->image, "%s", image);
	c->argc = ncmd;
	c->argv = cmd;
	clock_gettime(CLOCK_REALTIME, &c->created);

	md_state_dir(containers, "containers", 0700);
	copy_image(src, containers, tmp);
	container_path(dir, c->id, NULL);
	container_path(rootfs, c->id, "rootfs");
	if (mkdir(dir, 0700) < 0)
		md_die("mkdir %s", dir);
	int lock = lock_container(c->id, 0);
	if (lock < 0)
		md_die("lock %s", dir);
	if (rename(tmp, rootfs) < 0) {
		md_warn("rename %s to %s", tmp, rootfs);
		md_remove_tree(tmp);
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
};

/* The init's end of the report pipe is always this fd: it crosses the
 * re-exec (no FD_CLOEXEC), and md_exec_prepare marks it close-on-exec
 * just before the command's exec, so that a successful exec closes it. */
enum { REPORT_FD = 3 };

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
	for (int i = 0; i < 3; i++)
		if (dup2(ca->stdio[i], i) < 0)
			md_die("dup2");
	/* dup2 clears FD_CLOEXEC on the copy; if the pipe is fd 3 already,
	 * clear it by hand. */
	if ((ca->report[1] == REPORT_FD ? fcntl(REPORT_FD, F_SETFD, 0) : dup2(ca->report[1], REPORT_FD)) < 0)
		md_die("dup2");
	/* From a sealed copy in memory: the container's PID 1 must never
	 * show it the host's minidocker as /proc/1/exe (CVE-2019-5736). */
	md_exec_self(ca->argv);
}

enum { STACK_SIZE = 1024 * 1024 };

/* Write TEXT to /proc/PID/FILE. */
static int write_proc(pid_t pid, const char *file, const char *text)
{
	char path[64];
	snprintf(path, sizeof path, "/proc/%d/%s", (int)pid, file);
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	ssize_t len = strlen(text);

	if (fd < 0 || write(fd, text, len) != len) {
		md_warn("write '%.*s' to %s", (int)strcspn(text, "\n"), text, path);
		if (fd >= 0)
			close(fd);
		return -1;
	}
	return close(fd);
}

/* Map uid and gid 0 in the child's user namespace to ours: root inside is
 * us outside (user_namespaces(7), "User and group ID mappings").  A user
 * who is not root may write one line, for their own id, and must deny
 * setgroups(2) before writing gid_map: otherwise the child could drop
 * supplementary groups that deny it access to files ("setgroups" in
 * user_namespaces(7), CVE-2014-8989). */
static int write_id_maps(pid_t pid)
{
	char map[64];

	snprintf(map, sizeof map, "0 %d 1\n", (int)getuid());
	if (write_proc(pid, "uid_map", map) < 0 || write_proc(pid, "setgroups", "deny") < 0)
		return -1;
	snprintf(map, sizeof map, "0 %d 1\n", (int)getgid());
	return write_proc(pid, "gid_map", map);
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

/* The init's argv: `minidocker init [--tty] ROOTFS COMMAND...`. */
static char **init_argv(const struct container *c, int tty, char *rootfs)
{
	char **argv = calloc(c->argc + 5, sizeof *argv);
	int n = 0;

	if (!argv)
		md_die("calloc");
	argv[n++] = (char *)self_path;
	argv[n++] = "init";
	if (tty)
		argv[n++] = "--tty";
	argv[n++] = rootfs;
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
	char rootfs[PATH_MAX];

	*failed = 0;
	container_path(rootfs, c->id, "rootfs");
	/* Whose start this is: if we are killed from here on, whoever reads
	 * the state next sees a dead monitor and removes the cgroup. */
	c->status = CREATED;
	c->pid = 0;
	c->pid_start = 0;
	c->monitor = getpid();
	c->monitor_start = start_time(getpid());
	save_state(c);
	/* The cgroup, with its limits, exists before the container does. */
	if (cgroup_create(c->cgroup_parent, c->id, &c->limits) < 0)
		return -1;
	char **argv = init_argv(c, tty, rootfs);
	struct clone_args ca = { .argv = argv, .stdio = stdio,
				 .cgroup_parent = c->cgroup_parent, .id = c->id };
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
	pid_t pid = clone(clone_main, stack + STACK_SIZE,
			  CLONE_NEWUSER | CLONE_NEWUTS | CLONE_NEWPID | CLONE_NEWNS |
			  CLONE_NEWIPC | CLONE_NEWNET | SIGCHLD, &ca);
	int err = errno;
	munmap(stack, STACK_SIZE);
	free(argv);
	close(ca.sync[0]);
	close(ca.report[1]);
	if (pid < 0) {
		close(ca.sync[1]);
		close(ca.report[0]);
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
	int ok = write_id_maps(pid) == 0 && write(ca.sync[1], "1", 1) == 1;
	close(ca.sync[1]);	/* without the byte: "give up" */
	int result = ok ? await_exec(ca.report[0]) : -1;
	close(ca.report[0]);
	if (result < 0) {
		/* Killed before it could say why: the OOM killer, if the
		 * cgroup counted a kill (the limit too small for the init). */
		if (wait_for(pid) == 128 + SIGKILL && cgroup_oom_killed(c->cgroup_parent, c->id)) {
			md_warnx("container %.12s ran out of memory before its command started", c->id);
			if (c->limits.memory)
				md_hint("-m counts minidocker's own init until it starts the command: "
					"give more than %lldk", c->limits.memory >> 10);
		}
		cgroup_remove(c->cgroup_parent, c->id);
		return -1;
	}
	/* Recorded once the command runs in its root, so that ps, exec and
	 * stop find it in there. */
	c->pid = pid;
	c->pid_start = started;
	if (result == 0)
		c->status = RUNNING;
	else	/* the exit status md_exec_failed gives the init */
		c->exit_code = (*failed = result) == ENOENT || result == ENOTDIR ? MD_EXIT_NOT_FOUND
										: MD_EXIT_CANNOT_RUN;
	save_state(c);
	return pid;
}

/* Make ROOTFS the container's /, and give it its own /proc there, without
 * touching the host's. */
static void enter_rootfs(const char *rootfs)
{
	/* The new mount namespace is a copy of the host's, propagation
	 * included: where / is shared (every systemd host), a mount made here
	 * would appear on the host too, and outlive the container there.
	 * MS_REC|MS_PRIVATE cuts every mount off from its peers first.
	 * See mount_namespaces(7), "Shared subtrees". */
	if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0)
		md_die("make / private (mount MS_REC|MS_PRIVATE)");
	/* chroot(2) changes what "/" means for this process and its children;
	 * it does not change the current directory, hence the chdir. */
	if (chroot(rootfs) < 0)
		md_die("chroot %s", rootfs);
	if (chdir("/") < 0)
		md_die("chdir / in %s", rootfs);
	/* /proc is now the image's empty folder.  Nothing in /proc needs
	 * setuid, devices or execution. */
	if (mount("proc", "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL) < 0)
		md_die("mount proc on %s/proc", rootfs);
}

/* The command's environment is the container's, not the host's: the
 * host's variables (SUDO_USER, SSH_AUTH_SOCK...) say nothing true inside.
 * These are what Docker sets; TERM is kept so a shell can draw. */
void container_env(void)
{
	const char *term = getenv("TERM");
	char *keep = term ? strdup(term) : NULL;

	if (clearenv() != 0)
		md_diex("clearenv failed");
	/* execvp searches this PATH, and after chroot, inside the container. */
	if (setenv("PATH", "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", 1) < 0 ||
	    setenv("HOSTNAME", "container", 1) < 0 || setenv("HOME", "/root", 1) < 0 ||
	    (keep && setenv("TERM", keep, 1) < 0))
		md_die("setenv");
	free(keep);
}

/* `minidocker init [--tty] ROOTFS COMMAND...`: the container side, PID 1
 * of its PID namespace.  Name the host, enter the root filesystem, then
 * become the command: execvp keeps our PID, so the command is PID 1.  No
 * unmount at the end: the mount namespace, and every mount in it, goes
 * away with its last process. */
noreturn void container_init(int argc, char **argv)
{
	int tty = argc > 4 && !strcmp(argv[2], "--tty");
	const char *rootfs = argv[2 + tty];
	char **cmd = argv + 3 + tty;

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
	if (sethostname("container", strlen("container")) < 0)
		md_die("sethostname container");
	enter_rootfs(rootfs);
	container_env();
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
	/* setns into a mount namespace puts us at its root mount, the host's
	 * /: the container's root is a chroot, so enter it the same way. */
	if (fchdir(root) < 0 || chroot(".") < 0 || chdir("/") < 0)
		md_die("enter the container's root");
	close(root);
}
