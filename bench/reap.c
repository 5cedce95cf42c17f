/* reap: run a command as a child subreaper and wait for all it leaves.
 *
 *   reap CMD [ARGS...]
 *
 * A runtime's `create` forks the container's init and exits: the init is
 * nobody's child, and the kernel gives it to the nearest subreaper above
 * (PR_SET_CHILD_SUBREAPER, prctl(2)), which is what conmon is to podman's
 * containers.  bench/podman times `create` + `start` + the container's
 * exit + `delete` of each runtime alone: reap stands in for conmon, so
 * that the time includes the container's whole life.  It exits with
 * CMD's status once every process CMD left behind has exited. */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	int status, code = 125;

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
		if (p == pid)
			code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
	}
	return code;
}
