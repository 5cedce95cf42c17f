/* reap: run a command as a child subreaper and wait for all it leaves.
 *
 *   reap CMD [ARGS...]
 *
 * A runtime's `create` forks the container's init and exits: the init is
 * nobody's child, and the kernel gives it to the nearest subreaper above
 * (PR_SET_CHILD_SUBREAPER, prctl(2)), which is what conmon is to podman's
 * containers.  bench/podman times `create` + `start` + the container's
 * exit + `delete` of each runtime alone: reap stands in for conmon, so
 * that the time includes the container's whole life.  Once every
 * process CMD left behind has exited, it exits with CMD's status or, if
 * that is 0, the first failure among the others (a container's init
 * that died before its command ran), so that the timer counts it. */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	int status, code = 125, other = 0;

	if (argc < 2) {
		fprintf(stderr, "usage: reap CMD [ARGS...]\n");
		return 2;
	}
	if (prctl(PR_SET_CHILD_SUBREAPER, 1) < 0) {
		perror("reap: prctl");
		return 125;
	}
	pid_t pid = fork();
	if (pid < 0) {
		perror("reap: fork");
		return 125;
	}
	if (pid == 0) {
		execvp(argv[1], argv + 1);
		perror(argv[1]);
		_exit(127);
	}
	for (;;) {
		pid_t p = waitpid(-1, &status, 0);
		if (p < 0 && errno == EINTR)
			continue;
		if (p < 0)
			break;
		int c = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
		if (p == pid)
			code = c;
		else if (!other)
			other = c;
	}
	return code ? code : other;
}
