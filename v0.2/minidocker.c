/* minidocker v0.2: the first namespace, UTS (hostname and domain name).
 *
 *   minidocker run COMMAND [ARG...]
 *
 * clone(2) instead of fork(2): the same new process, but clone takes flags
 * that put the child in new namespaces.  With CLONE_NEWUTS the child gets
 * its own copy of the hostname, so `hostname foo` inside changes nothing on
 * the host.  See uts_namespaces(7). */
#include "md.h"

#include <errno.h>
#include <sched.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

static const char usage[] =
	"Usage: minidocker run COMMAND [ARG...]\n"
	"\n"
	"Run COMMAND with its arguments and exit with its exit status.\n";

static pid_t child = -1;
static sigset_t forwarded;	/* the signals passed on to `child` */

/* Pass a signal sent to minidocker (kill, a supervisor) on to the command.
 * A signal from the terminal (Ctrl-C: si_code SI_KERNEL) already went to
 * the whole foreground process group, the command included: not twice. */
static void forward(int sig, siginfo_t *info, void *ctx)
{
	(void)ctx;
	if (child > 0 && info->si_code != SI_KERNEL)
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

/* Let the held-back signals in, in the parent once `child` is set.  (The
 * child's mask is emptied by md_exec_prepare, just before it execs.) */
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

/* clone(2) starts the child here, on the stack run() hands it.  Only fds
 * 0-2 cross into the command, with every signal at its default and none
 * blocked: execve(2) would pass on our other fds, the signals our caller
 * ignored and the mask (common/exec.c; CVE-2024-21626). */
static int child_main(void *arg)
{
	char **cmd = arg;

	md_exec_prepare();
	execvp(cmd[0], cmd);
	md_exec_failed(cmd[0]);
}

enum { STACK_SIZE = 1024 * 1024 };

static int run(char **cmd)
{
	/* Creating a namespace needs CAP_SYS_ADMIN: say so before clone would
	 * fail with a bare EPERM. */
	md_require_sys_admin("creating a UTS namespace");
	forward_signals();
	/* Without CLONE_VM the child gets a copy of our memory, this stack
	 * included; clone wants its top, since stacks grow down on x86. */
	char *stack = mmap(NULL, STACK_SIZE, PROT_READ | PROT_WRITE,
			   MAP_PRIVATE | MAP_ANONYMOUS | MAP_STACK, -1, 0);
	if (stack == MAP_FAILED)
		md_die("mmap a stack for clone");
	/* SIGCHLD: tell us when it ends, as fork does, so waitpid works. */
	child = clone(child_main, stack + STACK_SIZE, CLONE_NEWUTS | SIGCHLD, cmd);
	release_signals();
	if (child < 0)
		md_die("clone CLONE_NEWUTS");
	return wait_for(child);
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
	return run(argv + i);
}
