/* minidocker v0.6: images and containers.
 *
 *   minidocker run COMMAND [ARG...]
 *
 * The image is no longer the container's root: the first run copies
 * ROOT/images/base to ROOT/containers/rootfs (see md_copy_tree in
 * common/tree.c), and every run chroots into that copy, so nothing the
 * container writes reaches the image.  Like the seed, there is one copy for
 * all runs; v0.7 gives each run its own.  The command starts with Docker's
 * default environment, not the host's, and is looked up with Docker's
 * default PATH inside the container.  See environ(7), execvp(3).
 */
#include "md.h"

#include <errno.h>
#include <sched.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

static const char usage[] =
	"Usage: minidocker run COMMAND [ARG...]\n"
	"\n"
	"Run COMMAND in a container of the image 'base' and exit with its exit\n"
	"status.  The image is ROOT/images/base (`make image` builds it); the\n"
	"container's files are a copy of it, ROOT/containers/rootfs.\n";

static pid_t child = -1;
static sigset_t forwarded;	/* the signals passed on to `child` */

/* Pass a signal sent to minidocker on to the container: from kill or a
 * supervisor, and from the terminal too (Ctrl-C), since the container is
 * in a session of its own, which the terminal's signals do not reach. */
static void forward(int sig, siginfo_t *info, void *ctx)
{
	(void)ctx;
	(void)info;
	if (child > 0)
		kill(child, sig);
}

static void forward_signals(void)
{
	static const int sigs[] = { SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2 };
	struct sigaction sa = { .sa_sigaction = forward, .sa_flags = SA_SIGINFO | SA_RESTART };

	sigemptyset(&sa.sa_mask);
	sigemptyset(&forwarded);
	for (size_t i = 0; i < sizeof sigs / sizeof sigs[0]; i++) {
		if (sigaction(sigs[i], &sa, NULL) < 0)
			md_die("sigaction");
		sigaddset(&forwarded, sigs[i]);
	}
	/* Held back until release_signals(): one arriving between fork and
	 * the assignment of `child` would find no child, and be lost. */
	sigprocmask(SIG_BLOCK, &forwarded, NULL);
}

/* Let the held-back signals in: in the parent once `child` is set, and in
 * the child before it execs (execve(2) keeps the signal mask). */
static void release_signals(void)
{
	sigprocmask(SIG_UNBLOCK, &forwarded, NULL);
}

/* Wait for PID to end and return the status a shell would report: its exit
 * code, or 128+N if signal N killed it (see wait(2), "WIFSIGNALED"). */
static int wait_for(pid_t pid)
{
	int wstatus;

	/* EINTR: a forwarded signal interrupted the wait; wait again. */
	while (waitpid(pid, &wstatus, 0) < 0)
		if (errno != EINTR)
			md_die("waitpid %d", (int)pid);
	if (WIFEXITED(wstatus))
		return WEXITSTATUS(wstatus);
	if (WIFSIGNALED(wstatus))
		return 128 + WTERMSIG(wstatus);
	return MD_EXIT_FAILED;
}

/* clone(2) starts the new process here, in the new namespaces.  It replaces
 * itself with a fresh copy of minidocker: `minidocker init ROOTFS COMMAND...`. */
static int clone_main(void *arg)
{
	char **argv = arg;

	release_signals();
	/* If minidocker dies (even by SIGKILL), the kernel kills the child,
	 * and with PID 1 gone, everything in its namespace (prctl(2)).  It
	 * survives the re-exec below. */
	if (prctl(PR_SET_PDEATHSIG, SIGKILL) < 0)
		md_die("prctl PR_SET_PDEATHSIG");
	/* From a sealed copy in memory, not from our file on the host, which
	 * a process in the container could reopen through /proc/PID/exe and
	 * overwrite (CVE-2019-5736; md_exec_self in common/exec.c).  And
	 * like any command, with only fds 0-2 and default signals. */
	md_exec_prepare();
	md_exec_self(argv);
}

enum { STACK_SIZE = 1024 * 1024 };

/* The image's root filesystem, checked before anything is created. */
static const char *image_path(void)
{
	static char path[4096];
	struct stat st;

	snprintf(path, sizeof path, "%s/images/base", md_state_root());
	if (stat(path, &st) < 0 || !S_ISDIR(st.st_mode)) {
		md_warnx("image 'base' not found: no folder %s", path);
		md_image_hint();
		exit(MD_EXIT_FAILED);
	}
	return path;
}

/* The container's root filesystem: a copy of the image, made on first use.
 * The copy goes to a temporary folder and is renamed into place, so a
 * failed copy never leaves half a rootfs, and of two runs copying at the
 * same time, one wins and the other removes its copy. */
static const char *container_rootfs(const char *image)
{
	static char rootfs[4200];
	char dir[4096], tmp[4200];

	snprintf(dir, sizeof dir, "%s/containers", md_state_root());
	snprintf(rootfs, sizeof rootfs, "%s/rootfs", dir);
	if (access(rootfs, F_OK) == 0)
		return rootfs;
	if (mkdir(dir, 0700) < 0 && errno != EEXIST)
		md_die("mkdir %s", dir);
	snprintf(tmp, sizeof tmp, "%s/.rootfs-XXXXXX", dir);
	if (!mkdtemp(tmp))
		md_die("mkdtemp %s", tmp);
	if (md_copy_tree(image, tmp) < 0) {
		md_remove_tree(tmp);
		md_diex("cannot copy the image %s to %s", image, rootfs);
	}
	if (rename(tmp, rootfs) < 0) {
		int lost_race = errno == EEXIST || errno == ENOTEMPTY;
		md_remove_tree(tmp);
		if (!lost_race)
			md_die("rename %s to %s", tmp, rootfs);
	}
	return rootfs;
}

static int run(char **cmd, int ncmd, char *self)
{
	/* The init's argv: "minidocker init ROOTFS COMMAND...". */
	char **argv = calloc(ncmd + 4, sizeof *argv);
	if (!argv)
		md_die("calloc");
	/* Creating a namespace needs CAP_SYS_ADMIN: say so before clone would
	 * fail with a bare EPERM, and before the image is copied for nothing. */
	md_require_sys_admin("creating PID, UTS and mount namespaces");
	argv[0] = self;
	argv[1] = "init";
	argv[2] = (char *)container_rootfs(image_path());
	memcpy(argv + 3, cmd, (ncmd + 1) * sizeof *argv);

	forward_signals();
	/* Without CLONE_VM the child gets a copy of our memory, this stack
	 * included; clone wants its top, since stacks grow down on x86. */
	char *stack = mmap(NULL, STACK_SIZE, PROT_READ | PROT_WRITE,
			   MAP_PRIVATE | MAP_ANONYMOUS | MAP_STACK, -1, 0);
	if (stack == MAP_FAILED)
		md_die("mmap a stack for clone");
	/* SIGCHLD: tell us when it ends, as fork does, so waitpid works. */
	child = clone(clone_main, stack + STACK_SIZE,
		      CLONE_NEWUTS | CLONE_NEWPID | CLONE_NEWNS | SIGCHLD, argv);
	release_signals();
	if (child < 0)
		md_die("clone CLONE_NEWUTS|CLONE_NEWPID|CLONE_NEWNS");
	return wait_for(child);
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
static void container_env(void)
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

/* `minidocker init ROOTFS COMMAND...`: the container side, PID 1 of its
 * PID namespace.  Name the host, enter the root filesystem, then become
 * the command: execvp keeps our PID, so the command is PID 1.  No unmount
 * at the end: the mount namespace, and every mount in it, goes away with
 * its last process. */
static noreturn void container_init(const char *rootfs, char **cmd)
{
	/* Only ever run by `run`: outside a new PID namespace, sethostname
	 * below would rename the host. */
	if (getpid() != 1)
		md_diex("init is internal to `minidocker run`; use run");
	/* A session of its own (setsid(2)): in minidocker's process group,
	 * kill(0, sig) in the container would reach the host's processes of
	 * that group, the user's shell among them, PID namespace or not. */
	if (setsid() < 0)
		md_die("setsid");
	if (sethostname("container", strlen("container")) < 0)
		md_die("sethostname container");
	enter_rootfs(rootfs);
	container_env();
	/* Only fds 0-2 cross into the command, with every signal at its
	 * default and none blocked: execve(2) would pass on any other fd (a
	 * caller's `exec 8</` is a way out of the chroot), the signals our
	 * caller ignored and the mask (common/exec.c; CVE-2024-21626). */
	md_exec_prepare();
	execvp(cmd[0], cmd);
	md_exec_failed(cmd[0]);
}

int main(int argc, char **argv)
{
	md_trace(argv);
	if (argc < 2)
		md_usage_error(usage, "no command given");
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") || !strcmp(argv[1], "help")) {
		/* Nothing follows: a word after it is a mistake to point out,
		 * not something to ignore. */
		if (argc > 2)
			md_usage_error(usage, "%s takes no arguments", argv[1]);
		fputs(usage, stdout);
		return 0;
	}
	if (!strcmp(argv[1], "init") && argc > 3)
		container_init(argv[2], argv + 3);
	if (strcmp(argv[1], "run") != 0)
		md_usage_error(usage, "unknown command '%s'", argv[1]);

	/* Options of `run` end at the first word that is not one, or at "--";
	 * everything after belongs to the command, untouched. */
	int i = 2;
	if (argv[i] && !strcmp(argv[i], "--"))
		i++;
	else if (argv[i] && argv[i][0] == '-')
		md_usage_error(usage, "run: unknown flag '%s'", argv[i]);
	if (!argv[i])
		md_usage_error(usage, "run: no command given");
	return run(argv + i, argc - i, argv[0]);
}
