/* Pseudo-terminals (pty(7)) and raw mode (termios(3)), for run -t.
 *
 * A pty is a pair of devices: what a program writes to the slave, the
 * master reads, after the kernel's line discipline has processed it (echo,
 * Ctrl-C into SIGINT, \n into \r\n); what the master writes, the slave
 * reads as if typed.  The container gets the slave as its terminal; the
 * monitor holds the master and copies bytes between it and the user's
 * terminal, which it puts in raw mode so that every key, Ctrl-C included,
 * goes through untouched to the container's line discipline. */
#include "minidocker.h"

#include <fcntl.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <termios.h>
#include <unistd.h>

int open_pty(int *slave)
{
	/* O_NOCTTY: the pty must not become *our* controlling terminal. */
	int master = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (master < 0 || grantpt(master) < 0 || unlockpt(master) < 0)
		md_die("open a pseudo-terminal (/dev/ptmx)");
	const char *name = ptsname(master);
	if (!name || (*slave = open(name, O_RDWR | O_NOCTTY | O_CLOEXEC)) < 0)
		md_die("open the pseudo-terminal's slave %s", name ? name : "?");
	return master;
}

void copy_winsize(int from, int to)
{
	struct winsize ws;

	if (ioctl(from, TIOCGWINSZ, &ws) == 0)
		ioctl(to, TIOCSWINSZ, &ws);
}

static struct termios saved;
static int saved_fd = -1;

void raw_mode(int fd)
{
	struct termios raw;

	if (tcgetattr(fd, &saved) < 0)
		return;	/* not a terminal: nothing to do */
	raw = saved;
	cfmakeraw(&raw);
	if (tcsetattr(fd, TCSANOW, &raw) == 0) {
		saved_fd = fd;
		/* Whatever way we exit, the user gets their terminal back. */
		atexit(restore_mode);
	}
}

void restore_mode(void)
{
	if (saved_fd >= 0)
		tcsetattr(saved_fd, TCSADRAIN, &saved);
	saved_fd = -1;
}
