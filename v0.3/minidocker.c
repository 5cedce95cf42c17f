/* minidocker v0.3: a PID namespace, and minidocker re-executing itself.
 *
 *   minidocker run COMMAND [ARG...]
 *
 * `run` clones a child into new PID and UTS namespaces, and that child
 * re-executes this very program (a sealed copy of /proc/self/exe, made in
 * memory) as `minidocker child COMMAND...`.  The child is PID 1 of the new
 * PID namespace; it sets the hostname to "container", then forks and runs
 * the command, which is therefore PID 2: the "double shell" that v0.5
 * removes.  The exit status travels back up both levels.  See
 * pid_namespaces(7), proc(5) /proc/self/exe, memfd_create(2).
 */
#include "md.h"

#include <errno.h>
#include <sched.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

static const char usage[] =
	"Usage: minidocker run COMMAND [ARG...]\n"
	"\n"
	"Run COMMAND with its arguments and exit with its exit status.\n";

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

/* Fork, run the command, wait for it, and return its exit status. */
static int run_and_wait(char **cmd)
{
	forward_signals();
	child = fork();
	if (child < 0)
		md_die("fork");
	if (child == 0) {
		/* Only fds 0-2 cross into the command, with every signal at
		 * its default and none blocked: execve(2) would pass on our
		 * other fds, the signals our caller ignored and the mask
		 * (common/exec.c; CVE-2024-21626). */
		md_exec_prepare();
		execvp(cmd[0], cmd);
		md_exec_failed(cmd[0]);
	}
	release_signals();
	return wait_for(child);
}

/* clone(2) starts the new process here, in the new namespaces.  It replaces
 * itself with a fresh copy of minidocker: `minidocker child COMMAND...`. */
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

static int run(char **argv)
{
	/* Creating a namespace needs CAP_SYS_ADMIN: say so before clone would
	 * fail with a bare EPERM. */
	md_require_sys_admin("creating PID and UTS namespaces");
	forward_signals();
	/* Without CLONE_VM the child gets a copy of our memory, this stack
	 * included; clone wants its top, since stacks grow down on x86. */
	char *stack = mmap(NULL, STACK_SIZE, PROT_READ | PROT_WRITE,
			   MAP_PRIVATE | MAP_ANONYMOUS | MAP_STACK, -1, 0);
	if (stack == MAP_FAILED)
		md_die("mmap a stack for clone");
	/* SIGCHLD: tell us when it ends, as fork does, so waitpid works. */
	child = clone(clone_main, stack + STACK_SIZE,
		      CLONE_NEWUTS | CLONE_NEWPID | SIGCHLD, argv);
	release_signals();
	if (child < 0)
		md_die("clone CLONE_NEWUTS|CLONE_NEWPID");
	return wait_for(child);
}

/* `minidocker child COMMAND...`: the container side, PID 1 of its PID
 * namespace.  Name the host, then run the command as our own child. */
static int container_child(char **cmd)
{
	/* Only ever run by `run`: outside a new PID namespace, sethostname
	 * below would rename the host. */
	if (getpid() != 1)
		md_diex("child is internal to `minidocker run`; use run");
	/* A session of its own (setsid(2)): in minidocker's process group,
	 * kill(0, sig) in the container would reach the host's processes of
	 * that group, the user's shell among them, PID namespace or not. */
	if (setsid() < 0)
		md_die("setsid");
	if (sethostname("container", strlen("container")) < 0)
		md_die("sethostname container");
	return run_and_wait(cmd);
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
	if (!strcmp(argv[1], "child") && argv[2])
		return container_child(argv + 2);
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
	/* The child's argv: "minidocker child COMMAND...", overwriting
	 * "run" (and "--" if given) in place. */
	argv[i - 2] = argv[0];
	argv[i - 1] = "child";
	return run(argv + i - 2);
}
