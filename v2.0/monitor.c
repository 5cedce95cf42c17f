/* The monitor: the process that watches a container for its whole life,
 * as conmon does for podman.  It starts the container, copies what the
 * container writes to the log (and to the user's terminal when attached),
 * and records the exit status and time when it ends.  `run -d` forks one in
 * a session of its own and returns; an attached `run` is its own monitor.
 *
 * The log, ROOT/containers/ID/container.log, is in the CRI format that
 * containerd and podman write, one record per line:
 *
 *   2026-11-29T12:00:00.123456789Z stdout F hello
 *
 * the time (UTC), the stream, F for a full line or P for part of a longer
 * one, and the text without its newline. */
#include "minidocker.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct stream {
	int fd;			/* read end: a pipe, or the pty's master */
	int out;		/* where to copy it, or -1 (detached) */
	const char *name;	/* "stdout" or "stderr" */
	size_t len;		/* bytes waiting in buf for their newline */
	char buf[16384];
};

static void log_record(int log, const char *stream, char tag, const char *data, size_t len)
{
	struct timespec now;
	struct tm tm;
	char head[80];

	clock_gettime(CLOCK_REALTIME, &now);
	gmtime_r(&now.tv_sec, &tm);
	size_t h = strftime(head, sizeof head, "%Y-%m-%dT%H:%M:%S", &tm);
	h += snprintf(head + h, sizeof head - h, ".%09ldZ %s %c ", now.tv_nsec, stream, tag);
	/* One write(2) per record: with O_APPEND it lands whole at the end. */
	char *rec = malloc(h + len + 1);
	if (!rec)
		return;
	memcpy(rec, head, h);
	memcpy(rec + h, data, len);
	rec[h + len] = '\n';
	if (write(log, rec, h + len + 1) < 0)
		md_warn("write the container's log");
	free(rec);
}

static void log_data(int log, struct stream *s, const char *data, size_t n)
{
	while (n > 0) {
		size_t take = sizeof s->buf - s->len < n ? sizeof s->buf - s->len : n;
		memcpy(s->buf + s->len, data, take);
		s->len += take;
		data += take;
		n -= take;
		char *nl;
		while ((nl = memchr(s->buf, '\n', s->len))) {
			size_t line = nl - s->buf;
			log_record(log, s->name, 'F', s->buf, line);
			s->len -= line + 1;
			memmove(s->buf, nl + 1, s->len);
		}
		if (s->len == sizeof s->buf) {	/* a very long line: in parts */
			log_record(log, s->name, 'P', s->buf, s->len);
			s->len = 0;
		}
	}
}

static void write_all(int *fd, const char *data, size_t n)
{
	while (*fd >= 0 && n > 0) {
		ssize_t w = write(*fd, data, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0) {
			*fd = -1;	/* the reader went away (EPIPE): keep logging */
			return;
		}
		data += w;
		n -= w;
	}
}

/* Read what S has; 0 once it is closed.  A pty's master reads EIO, not
 * end of file, once every process holding the slave has gone. */
static int pump(int log, struct stream *s)
{
	char buf[16384];
	ssize_t n = read(s->fd, buf, sizeof buf);

	if (n < 0 && (errno == EINTR || errno == EAGAIN))
		return 1;
	if (n <= 0) {
		if (s->len)
			log_record(log, s->name, 'P', s->buf, s->len);
		s->len = 0;
		close(s->fd);
		s->fd = -1;
		return 0;
	}
	write_all(&s->out, buf, n);
	log_data(log, s, buf, n);
	return 1;
}

static volatile sig_atomic_t winch;

static void on_winch(int sig)
{
	(void)sig;
	winch = 1;
}

/* Copy the container's output until it closes, and, with a terminal, the
 * user's keys to it.  SIGWINCH (the user's window changed size) is blocked
 * except inside ppoll(2): it can only arrive there, and is handled before
 * the next key is passed on. */
static void relay(int log, struct stream *out, struct stream *err, int in, int master)
{
	sigset_t block, during;

	sigemptyset(&block);
	sigaddset(&block, SIGWINCH);
	sigprocmask(SIG_BLOCK, &block, &during);
	sigdelset(&during, SIGWINCH);
	while (out->fd >= 0 || err->fd >= 0) {
		struct pollfd p[3] = { { .fd = out->fd, .events = POLLIN },
				       { .fd = err->fd, .events = POLLIN },
				       { .fd = in, .events = POLLIN } };
		if (ppoll(p, 3, NULL, &during) < 0) {
			if (errno != EINTR)
				md_die("poll");
			if (winch && master >= 0)
				copy_winsize(0, master);
			winch = 0;
			continue;
		}
		if (p[0].revents)
			pump(log, out);
		if (p[1].revents)
			pump(log, err);
		if (p[2].revents) {
			char buf[4096];
			ssize_t n = read(in, buf, sizeof buf);
			if (n <= 0)
				in = -1;	/* the user's end of input */
			else
				write_all(&master, buf, n);
		}
	}
}

/* The container's stdin, stdout and stderr: a pty, or pipes. */
struct stdio {
	int fds[3];		/* what the container gets */
	int master;		/* the pty's master, or -1 */
	int out, err;		/* the read ends of its stdout and stderr */
};

static void make_stdio(struct stdio *io, const struct run_opts *o)
{
	int outp[2], errp[2], inp[2];

	io->master = io->out = io->err = -1;
	if (o->tty) {
		int slave;
		io->out = io->master = open_pty(&slave);
		if (!o->detach)
			copy_winsize(0, io->master);
		io->fds[0] = io->fds[1] = io->fds[2] = slave;
		return;
	}
	if (pipe2(outp, O_CLOEXEC) < 0 || pipe2(errp, O_CLOEXEC) < 0)
		md_die("pipe");
	io->out = outp[0];
	io->err = errp[0];
	io->fds[1] = outp[1];
	io->fds[2] = errp[1];
	if (o->interactive && !o->detach)
		io->fds[0] = 0;	/* the user's stdin itself */
	else if (o->interactive && pipe2(inp, O_CLOEXEC) == 0)
		io->fds[0] = inp[0];	/* open, and we never close its other end */
	else if ((io->fds[0] = open("/dev/null", O_RDONLY | O_CLOEXEC)) < 0)
		md_die("open /dev/null");
}

/* The container has its copies; ours would keep its output open. */
static void close_container_side(struct stdio *io, int tty)
{
	if (tty) {
		close(io->fds[0]);
		return;
	}
	close(io->fds[1]);
	close(io->fds[2]);
	if (io->fds[0] != 0)
		close(io->fds[0]);
}

/* The container runs, or its command could not be exec'd (FAILED, an
 * errno): tell `run -d` (READY) and its user, then stop using the user's
 * stderr if detached. */
static void announce(const struct container *c, const struct run_opts *o, int failed, int ready)
{
	if (failed && o->detach) {
		/* The init said it on its stderr, which goes to the log: say it
		 * where the user of run -d or start sees it, as Docker does. */
		errno = failed;
		if (c->exit_code == MD_EXIT_NOT_FOUND)
			md_warnx("%s: command not found", c->argv[0]);
		else
			md_warn("cannot run %s", c->argv[0]);
	}
	if (ready >= 0) {
		/* 0: it runs; else the exit status of its failed exec. */
		char code = failed ? c->exit_code : 0;
		if (write(ready, &code, 1) != 1)
			md_warn("tell minidocker run that the container runs");
		close(ready);
	}
	if (o->detach) {
		/* From now on nobody reads our stderr: the log and the state
		 * file say what happens. */
		int null = open("/dev/null", O_WRONLY | O_CLOEXEC);
		if (null >= 0 && dup2(null, 2) >= 0 && null != 2)
			close(null);
	}
}

/* Record how it ended.  A command that could not be exec'd never ran: the
 * container stays "created", with the exit code of the failed exec, as in
 * Docker. */
static void record_end(struct container *c, int failed, int status)
{
	char path[PATH_MAX];

	if (!failed) {
		c->status = EXITED;
		c->exit_code = status;
		clock_gettime(CLOCK_REALTIME, &c->finished);
	}
	c->monitor = 0;
	c->monitor_start = 0;
	container_path(path, c->id, NULL);
	/* v1.5: `rename` may have renamed it meanwhile: the file's name holds;
	 * and `restart` clears an --rm container's autoremove while it stops it. */
	struct container now;
	if (load_state(c->id, &now) == 0) {
		snprintf(c->name, sizeof c->name, "%s", now.name);
		c->autoremove = now.autoremove;
	}
	drop_command(&now);
	if (c->autoremove)
		remove_container_dir(c);	/* v1.2 */
	/* ENOENT: someone removed the container's folder while it ran;
	 * there is nothing left to record, and no reason to fail. */
	else if (try_save_state(c) < 0 && errno != ENOENT)
		md_warn("record the exit of container %.12s", c->id);
}

int supervise(struct container *c, const struct run_opts *o, int ready, int lock)
{
	char path[PATH_MAX];
	struct stdio io;
	int attached = !o->detach, failed;

	container_path(path, c->id, "container.log");
	int log = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
	if (log < 0)
		md_die("open %s", path);
	signal(SIGPIPE, SIG_IGN);
	make_stdio(&io, o);
	if (attached)
		forward_signals();
	child = spawn_container(c, &io.fds[0], o->tty, &failed);
	if (attached)
		release_signals();
	if (lock >= 0)
		close(lock);
	close_container_side(&io, o->tty);
	if (child < 0) {
		/* What the init said before it died, to the log and to the
		 * user, whose stderr is still ours even when detached. */
		struct stream out = { .fd = io.out, .out = 2, .name = "stdout" };
		struct stream err = { .fd = io.err, .out = 2, .name = "stderr" };
		relay(log, &out, &err, -1, -1);
		c->monitor = 0;	/* not starting any more: "created" */
		record_end(c, 1, MD_EXIT_FAILED);
		return MD_EXIT_FAILED;
	}
	announce(c, o, failed, ready);
	if (attached && o->tty && isatty(0)) {
		raw_mode(0);
		struct sigaction sa = { .sa_handler = on_winch };
		sigaction(SIGWINCH, &sa, NULL);
	}
	struct stream out = { .fd = io.out, .out = attached ? 1 : -1, .name = "stdout" };
	struct stream err = { .fd = io.err, .out = attached ? 2 : -1, .name = "stderr" };
	relay(log, &out, &err, attached && o->tty && o->interactive ? 0 : -1, io.master);
	int status = wait_for(child);
	restore_mode();
	/* Nothing needs the cgroup once PID 1 is gone; anything it left
	 * behind in it is killed with it. */
	cgroup_remove(c->cgroup_parent, c->id);
	net_release(c);	/* v1.4: its address, ports and veth */
	close(log);
	record_end(c, failed, status);
	return status;
}

/* A monitor lives as long as its container: it must not keep what its
 * caller had open (the write end of a `$(minidocker run -d ...)` pipe
 * would never see end of file).  Close every fd from 3 up but KEEP1 and
 * KEEP2; they are all this process needs. */
static void close_inherited(int keep1, int keep2)
{
	DIR *d = opendir("/proc/self/fd");
	struct dirent *e;

	if (!d)
		md_die("open /proc/self/fd");
	while ((e = readdir(d))) {
		int fd = atoi(e->d_name);
		if (fd > 2 && fd != dirfd(d) && fd != keep1 && fd != keep2)
			close(fd);
	}
	closedir(d);
}

int start_detached(struct container *c, const struct run_opts *o, int lock)
{
	int ready[2];

	if (pipe2(ready, O_CLOEXEC) < 0)
		md_die("pipe");
	fflush(stdout);
	pid_t monitor = fork();
	if (monitor < 0)
		md_die("fork");
	if (monitor == 0) {
		close(ready[0]);
		/* A session of its own: no controlling terminal, so closing the
		 * terminal that ran `run -d` sends it no SIGHUP (setsid(2)). */
		if (setsid() < 0)
			md_die("setsid");
		int null = open("/dev/null", O_RDWR | O_CLOEXEC);
		if (null < 0 || dup2(null, 0) < 0 || dup2(null, 1) < 0)
			md_die("open /dev/null");
		if (null > 2)
			close(null);
		close_inherited(ready[1], lock);
		_exit(supervise(c, o, ready[1], lock));
	}
	close(ready[1]);
	if (lock >= 0)
		close(lock);
	char byte;
	ssize_t n;
	while ((n = read(ready[0], &byte, 1)) < 0 && errno == EINTR)
		;
	close(ready[0]);
	/* 0: it runs; 126 or 127: its command could not be exec'd. */
	if (n == 1)
		return (unsigned char)byte;
	/* The monitor could not start the container and said why. */
	wait_for(monitor);
	return MD_EXIT_FAILED;
}
