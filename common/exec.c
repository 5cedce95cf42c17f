/* since v0.1: only fds 0-2 and default signals cross into the command */
/* What crosses from minidocker into a container's command, and how
 * minidocker re-executes itself without exposing its own file.
 *
 * execve(2) keeps every open file descriptor without FD_CLOEXEC, every
 * ignored signal, and the signal mask.  A caller's shell that ran
 * `exec 8</` hands minidocker a descriptor of the host's root; passed on,
 * the container reads and writes the host through /proc/self/fd/8 (runc's
 * CVE-2024-21626).  A shell that starts a job with `&` ignores SIGINT and
 * SIGQUIT in it, and a runtime that ignores SIGPIPE for its own writes
 * would pass that on too: `yes | head -n 1` would then never end. */
#include "md.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/sendfile.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#ifndef CLOSE_RANGE_CLOEXEC
#define CLOSE_RANGE_CLOEXEC (1U << 2)
#endif

/* Mark every fd from 3 up close-on-exec.  close_range(2) does it in one
 * call on Linux 5.11 and later; before, walk /proc/self/fd. */
static void cloexec_from_3(void)
{
	if (syscall(SYS_close_range, 3U, ~0U, CLOSE_RANGE_CLOEXEC) == 0)
		return;
	DIR *d = opendir("/proc/self/fd");
	struct dirent *e;
	if (!d)
		md_die("open /proc/self/fd to close inherited descriptors");
	while ((e = readdir(d))) {
		int fd = atoi(e->d_name);
		if (fd > 2 && fd != dirfd(d))
			fcntl(fd, F_SETFD, FD_CLOEXEC);
	}
	closedir(d);
}

void md_exec_prepare(void)
{
	struct sigaction dfl = { .sa_handler = SIG_DFL };
	sigset_t none;

	cloexec_from_3();
	/* Every disposition back to the default (SIGKILL and SIGSTOP cannot
	 * change).  glibc keeps 32 and 33 for its threads and its sigaction
	 * refuses them, but a caller may have ignored them all the same:
	 * those go through the system call, whose struct, all zeros, means
	 * SIG_DFL, no flags, empty mask on every architecture. */
	for (int sig = 1; sig < NSIG; sig++) {
		unsigned long zero[8] = { 0 };
		if (sig == SIGKILL || sig == SIGSTOP)
			continue;
		if (sigaction(sig, &dfl, NULL) < 0)
			syscall(SYS_rt_sigaction, sig, zero, NULL, NSIG / 8);
	}
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
}

/* since v0.3: minidocker re-executes itself, from a sealed copy */
/* A copy of this program in memory, sealed so that nothing can change it
 * (memfd_create(2), "File sealing" in fcntl(2)). */
static int sealed_copy(void)
{
	int exe = open("/proc/self/exe", O_RDONLY | O_CLOEXEC);
	int mem = memfd_create("minidocker", MFD_CLOEXEC | MFD_ALLOW_SEALING);
	struct stat st;

	if (exe < 0 || mem < 0 || fstat(exe, &st) < 0)
		md_die("copy /proc/self/exe into memory");
	for (off_t done = 0; done < st.st_size;) {
		ssize_t n = sendfile(mem, exe, NULL, st.st_size - done);
		if (n <= 0)
			md_die("copy /proc/self/exe into memory");
		done += n;
	}
	if (fcntl(mem, F_ADD_SEALS, F_SEAL_SEAL | F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE) < 0)
		md_die("seal the copy of minidocker");
	close(exe);
	return mem;
}

/* Re-execute minidocker, from a sealed copy in memory rather than from its
 * file.  A process that enters a container is visible there, and so is its
 * /proc/PID/exe: a container that opens it, waits for the runtime to
 * finish, and reopens it for writing overwrites the host's minidocker,
 * which root runs next (runc's CVE-2019-5736).  The copy cannot be written,
 * and the file on the host is never reachable.  runc and crun do the same. */
noreturn void md_exec_self(char **argv)
{
	extern char **environ;
	int mem = sealed_copy();

	fexecve(mem, argv, environ);
	md_die("re-exec minidocker from memory");
}

/* since v1.3: is it the sealed copy that runs? */
int md_in_sealed_copy(void)
{
	char exe[8] = "";

	return readlink("/proc/self/exe", exe, sizeof exe - 1) > 0 && !strncmp(exe, "/memfd:", 7);
}
