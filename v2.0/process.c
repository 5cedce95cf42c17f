/* Signals, waiting, and naming processes so that a reused PID is never
 * taken for ours (v0.1, v0.8). */
#include "minidocker.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

pid_t child = -1;
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

void forward_signals(void)
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
void release_signals(void)
{
	sigprocmask(SIG_UNBLOCK, &forwarded, NULL);
}

/* Wait for PID to end and return the status a shell would report: its exit
 * code, or 128+N if signal N killed it (see wait(2), "WIFSIGNALED"). */
int wait_for(pid_t pid)
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

/* A PID alone is a weak name: after the process ends, the kernel may give
 * the number to another one.  The pair (PID, start time) is unique: the
 * start time, in clock ticks since boot, is field 22 of /proc/PID/stat
 * (proc(5)).  Returns 0 if there is no such process, or if it is a zombie:
 * dead, only waiting for its parent to collect its status. */
unsigned long long start_time(pid_t pid)
{
	char path[64], buf[1024], state;
	unsigned long long t = 0;

	snprintf(path, sizeof path, "/proc/%d/stat", (int)pid);
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return 0;
	ssize_t n = read(fd, buf, sizeof buf - 1);
	close(fd);
	if (n <= 0)
		return 0;
	buf[n] = '\0';
	/* The command name, field 2, is in parentheses and may hold spaces:
	 * count fields from the last ')'. */
	char *p = strrchr(buf, ')');
	if (!p || sscanf(p + 2, "%c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %*u %*u "
			 "%*d %*d %*d %*d %*d %*d %llu", &state, &t) != 2 || state == 'Z')
		return 0;
	return t;
}

int alive(pid_t pid, unsigned long long started)
{
	return pid > 0 && started && start_time(pid) == started;
}

/* pidfd_open(2) and pidfd_send_signal(2): a file descriptor that names one
 * process for good, so a signal can never hit a stranger that got its PID.
 * Called through syscall(2): older C libraries have no wrappers. */
int pidfd_open(pid_t pid)
{
	return syscall(SYS_pidfd_open, pid, 0);
}

int pidfd_signal(int pidfd, int sig)
{
	return syscall(SYS_pidfd_send_signal, pidfd, sig, NULL, 0);
}

/* Wait up to MS milliseconds for the process behind PIDFD to end. */
int pidfd_wait(int pidfd, int ms)
{
	struct pollfd p = { .fd = pidfd, .events = POLLIN };
	int n;

	while ((n = poll(&p, 1, ms)) < 0 && errno == EINTR)
		;
	return n > 0;
}

