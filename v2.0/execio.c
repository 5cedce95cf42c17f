/* exec's streams (v1.5): -i, -t and -d, as Docker's.
 *
 *   exec CTR CMD        no input (/dev/null); output to ours
 *   exec -i CTR CMD     our stdin too
 *   exec -t CTR CMD     a terminal of its own, from the container's devpts:
 *                       `tty` prints a /dev/pts path inside; we copy bytes
 *                       between it and our terminal (raw, with -i), as the
 *                       monitor does for run -it
 *   exec -d CTR CMD     in the background: no streams, we return at once,
 *                       once it is exec'd (127 if it was not found)
 *
 * The pty is opened after exec has joined the container's mount
 * namespace and root: /dev/ptmx is then the container's (v1.3's devpts,
 * mounted newinstance), so its slave is a /dev/pts/N the container sees. */
#include "minidocker.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <termios.h>
#include <unistd.h>

/* Before joining: what needs the host's files, and the exec report. */
void exec_io_prepare(struct exec_io *io)
{
	io->master = io->slave = -1;
	io->report[0] = io->report[1] = -1;
	io->null = -1;
	if ((io->detach || !io->interactive) &&
	    (io->null = open("/dev/null", O_RDWR | O_CLOEXEC)) < 0)
		md_die("open /dev/null");
	if (io->detach && pipe2(io->report, O_CLOEXEC) < 0)
		md_die("pipe");
}

/* After joining: the container's own pty. */
void exec_io_open_pty(struct exec_io *io)
{
	if (!io->tty)
		return;
	io->master = open_pty(&io->slave);
	if (isatty(0))
		copy_winsize(0, io->master);
}

/* A detached exec's child that exits before its execve (a user the
 * image lacks, a folder it may not enter) has said why on its stderr,
 * still ours: -1 on the report pipe has the parent wait for its status
 * rather than take the pipe's end for an exec. */
static int early_report = -1;

static void report_early_exit(void)
{
	int err = -1;

	if (early_report >= 0 && write(early_report, &err, sizeof err) < 0)
		return;
}

/* In the child, a session leader already: its fds 0, 1, 2. */
void exec_io_child(const struct exec_io *io)
{
	if (io->tty) {
		/* Its controlling terminal, so Ctrl-C on it is SIGINT for the
		 * command (ioctl_tty(2), TIOCSCTTY). */
		if (ioctl(io->slave, TIOCSCTTY, 0) < 0)
			md_die("make the terminal the command's controlling terminal");
		for (int fd = 0; fd < 3; fd++)
			if (dup2(io->slave, fd) < 0)
				md_die("dup2");
	} else if (io->detach) {
		for (int fd = 0; fd < 2; fd++)	/* 2 at the last moment: exec_io_detach */
			if (dup2(io->null, fd) < 0)
				md_die("dup2");
	} else if (!io->interactive && dup2(io->null, 0) < 0) {
		md_die("dup2");
	}
	if (io->detach) {
		close(io->report[0]);
		early_report = io->report[1];
		atexit(report_early_exit);
	}
}

/* In the child, just before its execve: a detached command must outlive
 * us (the changes of user re-armed the parent-death signal), and writes
 * nothing to our stderr. */
void exec_io_detach(const struct exec_io *io)
{
	if (!io->detach)
		return;
	if (prctl(PR_SET_PDEATHSIG, 0) < 0)
		md_die("prctl PR_SET_PDEATHSIG");
	if (dup2(io->null, 2) < 0)
		md_die("dup2");
}

/* In the child, after a failed execvp: tell a detached exec's parent. */
void exec_io_failed(const struct exec_io *io, int err)
{
	if (io->detach && write(io->report[1], &err, sizeof err) < 0)
		_exit(MD_EXIT_FAILED);
}

static volatile sig_atomic_t resized;

static void on_winch(int sig)
{
	(void)sig;
	resized = 1;
}

/* Copy the pty's output to ours, and (-i) our input to it, until the
 * command and all that holds its terminal are gone: the master then
 * reads EIO.  SIGWINCH is let in only inside ppoll(2). */
static void relay(const struct exec_io *io)
{
	int in = io->interactive ? 0 : -1;
	sigset_t block, during;
	char buf[16384];

	sigemptyset(&block);
	sigaddset(&block, SIGWINCH);
	sigprocmask(SIG_BLOCK, &block, &during);
	sigdelset(&during, SIGWINCH);
	struct sigaction sa = { .sa_handler = on_winch };
	sigaction(SIGWINCH, &sa, NULL);
	for (;;) {
		struct pollfd p[2] = { { .fd = io->master, .events = POLLIN }, { .fd = in, .events = POLLIN } };
		if (ppoll(p, 2, NULL, &during) < 0) {
			if (errno != EINTR)
				md_die("poll");
			if (resized && isatty(0))
				copy_winsize(0, io->master);
			resized = 0;
			continue;
		}
		if (p[0].revents) {
			ssize_t n = read(io->master, buf, sizeof buf);
			if (n <= 0 && errno != EINTR && errno != EAGAIN)
				break;
			for (ssize_t off = 0, w; n > 0 && off < n; off += w)
				if ((w = write(1, buf + off, n - off)) <= 0)
					break;
		}
		if (p[1].revents) {
			ssize_t n = read(in, buf, sizeof buf);
			if (n <= 0)
				in = -1;	/* our end of input: the command's goes on */
			else if (write(io->master, buf, n) != n)
				in = -1;
		}
	}
}

/* In the parent, once CHILD is forked: its exit status, or, detached, 0
 * as soon as it is exec'd (the report pipe closes on exec). */
int exec_io_parent(struct exec_io *io, pid_t pid, const char *cmd)
{
	if (io->detach) {
		int err = 0;
		close(io->report[1]);
		ssize_t n;
		while ((n = read(io->report[0], &err, sizeof err)) < 0 && errno == EINTR)
			;
		if (n != sizeof err)
			return 0;	/* exec'd: it runs on without us */
		if (err < 0)	/* it failed before, and said why */
			return wait_for(pid);
		wait_for(pid);
		errno = err;
		if (err == ENOENT || err == ENOTDIR) {
			md_warnx("exec: %s: command not found", cmd);
			return MD_EXIT_NOT_FOUND;
		}
		md_warn("exec: cannot run %s", cmd);
		return MD_EXIT_CANNOT_RUN;
	}
	if (!io->tty)
		return wait_for(pid);
	close(io->slave);	/* else the master never reads EIO */
	/* The container's pty has made its \n into \r\n already: our
	 * terminal must pass them as they are (raw with -i; else just no
	 * output processing, so Ctrl-C still stops us). */
	struct termios out, plain;
	int cooked = !io->interactive && tcgetattr(1, &out) == 0;
	if (cooked) {
		plain = out;
		plain.c_oflag &= ~OPOST;
		tcsetattr(1, TCSANOW, &plain);
	}
	if (io->interactive && isatty(0))
		raw_mode(0);
	relay(io);
	restore_mode();
	if (cooked)
		tcsetattr(1, TCSADRAIN, &out);
	return wait_for(pid);
}
