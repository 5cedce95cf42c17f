/* exec: one more process in a running container, and the terminal that
 * both exec and create hand over --console-socket.
 *
 *   minidocker-oci exec [--process FILE | --cwd DIR --env K=V --user UID[:GID]]
 *                       [--tty --console-socket SOCK] [--detach]
 *                       [--pid-file FILE] CONTAINER [COMMAND [ARG...]]
 *
 * The process joins the init's cgroup, then its namespaces (setns(2)
 * with the files of /proc/PID/ns: user first, mount last), and forks: only the
 * child is in the PID namespace (pid_namespaces(7)).  The child gets the
 * process (exec --process's file, else config.json's with the flags'
 * changes) applied by oci_init_process, as the init's was, and execs it.
 * Without --detach we wait and exit with its status; with it, we exit
 * once it runs, and conmon (a subreaper) inherits it. */
#include "minidocker.h"
#include "oci.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <jansson.h>
#include <sched.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

/* ---- the console ------------------------------------------------------ */

int oci_console_connect(const char *path)
{
	struct sockaddr_un a = { .sun_family = AF_UNIX };

	if (strlen(path) >= sizeof a.sun_path) {
		md_warnx("console socket %s: path too long", path);
		return -1;
	}
	memcpy(a.sun_path, path, strlen(path) + 1);
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0 || connect(fd, (struct sockaddr *)&a, sizeof a) < 0) {
		md_warn("connect to the console socket %s", path);
		if (fd >= 0)
			close(fd);
		return -1;
	}
	return fd;
}

/* MASTER over SOCK (SCM_RIGHTS, unix(7)), with the pty's NAME as the
 * message, as runc sends it: no NUL after it, which conmon would pass on
 * to the terminal as a byte of output. */
static int send_console(int sock, const char *name, int master)
{
	union {
		char buf[CMSG_SPACE(sizeof(int))];
		struct cmsghdr align;
	} u;
	struct iovec iov = { .iov_base = (void *)name, .iov_len = strlen(name) };
	struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = u.buf,
			      .msg_controllen = sizeof u.buf };
	struct cmsghdr *c = CMSG_FIRSTHDR(&msg);

	c->cmsg_level = SOL_SOCKET;
	c->cmsg_type = SCM_RIGHTS;
	c->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(c), &master, sizeof master);
	return sendmsg(sock, &msg, MSG_NOSIGNAL) < 0 ? -1 : 0;
}

int oci_console_setup(int sock, int console, const struct oci_process *p)
{
	/* /dev/ptmx here is the container's (its devpts instance), so the
	 * slave is one of its /dev/pts; pty(7), posix_openpt(3). */
	int master = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC), slave = -1;
	const char *name = master >= 0 && grantpt(master) == 0 && unlockpt(master) == 0
				   ? ptsname(master) : NULL;

	if (!name || (slave = open(name, O_RDWR | O_NOCTTY | O_CLOEXEC)) < 0) {
		md_warn("open a pseudo-terminal in the container (/dev/ptmx)");
		return -1;
	}
	/* process.consoleSize: the caller's terminal's size (tty_ioctl(4)),
	 * or `stty size` in the container reads 0 0. */
	struct winsize ws = { .ws_row = p->console_height, .ws_col = p->console_width };
	if (ws.ws_row && ws.ws_col && ioctl(master, TIOCSWINSZ, &ws) < 0) {
		md_warn("set the terminal's size");
		return -1;
	}
	if (console) {
		/* /dev/console is the terminal too, as runc's mountConsole. */
		int fd = open("/dev/console", O_CREAT | O_WRONLY | O_NOFOLLOW | O_CLOEXEC, 0600);
		if (fd >= 0)
			close(fd);
		if (fd < 0 || mount(name, "/dev/console", NULL, MS_BIND, NULL) < 0) {
			md_warn("bind %s on /dev/console", name);
			return -1;
		}
	}
	if (send_console(sock, name, master) < 0) {
		md_warn("send the terminal over the console socket");
		return -1;
	}
	close(master);
	close(sock);
	/* A session of its own, with the slave as its controlling terminal
	 * (credentials(7), tty_ioctl(4) TIOCSCTTY). */
	if (setsid() < 0 || ioctl(slave, TIOCSCTTY, 0) < 0) {
		md_warn("make %s the controlling terminal", name);
		return -1;
	}
	for (int i = 0; i < 3; i++)
		if (dup2(slave, i) < 0) {
			md_warn("dup2");
			return -1;
		}
	close(slave);
	return 0;
}

/* ---- joining ---------------------------------------------------------- */

static const struct {
	const char *name;
	int flag;
} joined[] = {
	{ "user", CLONE_NEWUSER }, { "ipc", CLONE_NEWIPC }, { "uts", CLONE_NEWUTS },
	{ "net", CLONE_NEWNET },   { "pid", CLONE_NEWPID }, { "cgroup", CLONE_NEWCGROUP },
	{ "time", CLONE_NEWTIME }, { "mnt", CLONE_NEWNS },
};
enum { NJOINED = sizeof joined / sizeof joined[0] };

/* PID's namespaces, those that are not already ours; then its root.  All
 * opened first: once in its mount namespace, /proc may be another. */
static int join_namespaces(pid_t pid)
{
	char path[64], ours[64];
	int fds[NJOINED];
	struct stat a, b;

	for (int i = 0; i < NJOINED; i++) {
		snprintf(path, sizeof path, "/proc/%d/ns/%s", (int)pid, joined[i].name);
		snprintf(ours, sizeof ours, "/proc/self/ns/%s", joined[i].name);
		fds[i] = -1;
		if (stat(path, &a) < 0 || stat(ours, &b) < 0 || (a.st_ino == b.st_ino && a.st_dev == b.st_dev))
			continue;
		if ((fds[i] = open(path, O_RDONLY | O_CLOEXEC)) < 0) {
			md_warn("open %s", path);
			return -1;
		}
	}
	snprintf(path, sizeof path, "/proc/%d/root", (int)pid);
	int root = open(path, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (root < 0) {
		md_warn("open %s", path);
		return -1;
	}
	for (int i = 0; i < NJOINED; i++) {
		if (fds[i] < 0)
			continue;
		if (setns(fds[i], joined[i].flag) < 0) {
			md_warn("join the container's %s namespace", joined[i].name);
			return -1;
		}
		close(fds[i]);
	}
	/* Its root, as the init sees it after its pivot_root. */
	if (fchdir(root) < 0 || chroot(".") < 0 || chdir("/") < 0) {
		md_warn("enter the container's root");
		return -1;
	}
	close(root);
	return 0;
}

/* ---- exec ------------------------------------------------------------- */

struct exec_opts {
	const char *process, *console, *pid_file, *cwd, *user;
	int tty, detach, preserve;
	char **env;
	int nenv;
};

static void exec_options(struct exec_opts *o, int argc, char **argv)
{
	static const char usage[] = "exec [--process FILE] [--tty] [--console-socket SOCK] "
				    "[--detach] [--pid-file FILE] [--cwd DIR] [--env K=V] "
				    "[--user UID[:GID]] CONTAINER [COMMAND [ARG...]]";
	static const struct option lo[] = {
		{ "process", required_argument, NULL, 'p' },
		{ "tty", no_argument, NULL, 't' },
		{ "console-socket", required_argument, NULL, 'c' },
		{ "detach", no_argument, NULL, 'd' },
		{ "pid-file", required_argument, NULL, 'P' },
		{ "cwd", required_argument, NULL, 'w' },
		{ "env", required_argument, NULL, 'e' },
		{ "user", required_argument, NULL, 'u' },
		{ "preserve-fds", required_argument, NULL, 'f' },
		{ 0 },
	};
	int c;

	opterr = 0;
	while ((c = getopt_long_only(argc, argv, "+p:tde:u:", lo, NULL)) != -1) {
		switch (c) {
		case 'p': o->process = optarg; break;
		case 't': o->tty = 1; break;
		case 'c': o->console = optarg; break;
		case 'd': o->detach = 1; break;
		case 'P': o->pid_file = optarg; break;
		case 'w': o->cwd = optarg; break;
		case 'u': o->user = optarg; break;
		case 'f': o->preserve = oci_preserve_fds(optarg); break;
		case 'e':
			o->env = md_realloc(o->env, (o->nenv + 2) * sizeof *o->env);
			o->env[o->nenv++] = optarg;
			o->env[o->nenv] = NULL;
			break;
		default:
			oci_bad_flag("exec", argv[optind - 1], usage);
		}
	}
	if (optind >= argc || (!o->process && optind + 1 >= argc))
		oci_fail("exec: %s\nusage: minidocker-oci %s",
			optind >= argc ? "no container id given" : "no command given", usage);
}

/* The flags' changes to P, config.json's process: the command, -e over
 * its variables, --cwd, --user. */
static int exec_process(const struct exec_opts *o, struct oci_process *p, char **args)
{
	p->args = args;
	p->terminal = o->tty;
	if (o->cwd)
		p->cwd = (char *)o->cwd;
	if (o->user) {
		char *end;
		unsigned long uid = strtoul(o->user, &end, 10), gid = 0;
		if (end == o->user || (*end && *end != ':') ||
		    (*end == ':' && (gid = strtoul(end + 1, &end, 10), *end))) {
			md_warnx("exec: --user %s: UID[:GID], numbers", o->user);
			return -1;
		}
		p->uid = uid;
		p->gid = gid;
		p->ngroups = 0;
	}
	int n = 0;
	while (p->env && p->env[n])
		n++;
	char **env = md_realloc(NULL, (n + o->nenv + 1) * sizeof *env);
	memcpy(env, p->env, n * sizeof *env);
	for (int i = 0; i < o->nenv; i++) {
		size_t k = strcspn(o->env[i], "=");
		int j = 0;
		while (j < n && (strncmp(env[j], o->env[i], k) || env[j][k] != '='))
			j++;
		env[j] = o->env[i];
		n += j == n;
	}
	env[n] = NULL;
	p->env = env;
	return 0;
}

/* In the container: the terminal, the process's settings, its exec.  A
 * failure's status (126, 127, 1) goes on REPORT; a successful exec
 * closes it (O_CLOEXEC). */
static noreturn void exec_child(const struct exec_opts *o, const struct oci_state *st,
				const struct oci_spec *s, const struct oci_process *p, int console,
				int report)
{
	char cmd[PATH_MAX];
	int rc = 1;

	/* The container's session keyring, not our caller's (as runc). */
	if (!st->no_new_keyring && oci_join_session_keyring(st->id, s->ns[OCI_NS_USER].wanted, 0) < 0)
		goto fail;

	if (console >= 0 && oci_console_setup(console, 0, p) < 0)
		goto fail;
	if ((rc = oci_find_command(p->args[0], p->env, cmd, sizeof cmd)) != 0)
		goto fail;
	rc = 1;
	if (oci_init_process(s, p) < 0)
		goto fail;
	md_exec_prepare();
	for (int fd = 3; fd < 3 + o->preserve; fd++)
		fcntl(fd, F_SETFD, 0);
	fcntl(report, F_SETFD, FD_CLOEXEC);
	execve(cmd, p->args, p->env);
	rc = errno == ENOENT ? MD_EXIT_NOT_FOUND : MD_EXIT_CANNOT_RUN;
	md_warn("exec: \"%s\"", p->args[0]);
fail:
	if (write(report, &rc, sizeof rc) != sizeof rc)
		_exit(rc);
	_exit(rc);
}

/* Wait for the child's exec: 0, or the status it reported. */
static int await_child(int report)
{
	int rc;
	ssize_t n;

	while ((n = read(report, &rc, sizeof rc)) < 0 && errno == EINTR)
		;
	close(report);
	return n == sizeof rc ? rc : 0;
}

int oci_exec(int argc, char **argv)
{
	struct exec_opts o = { 0 };
	struct oci_state st;
	struct oci_spec s;
	int console = -1, report[2], status;
	char parent[PATH_MAX];
	const char *cgid;

	exec_options(&o, argc, argv);
	if (oci_state_load(argv[optind], &st) < 0)
		return 1;
	enum oci_status now = oci_status(&st);
	if (now == OCI_PAUSED)
		oci_fail("cannot exec in a paused container");
	if (now == OCI_CREATING)
		oci_fail("cannot exec in a container that is still being created");
	if (now != OCI_RUNNING && now != OCI_CREATED)
		oci_fail("cannot exec in a stopped container");
	if (oci_spec_load(st.bundle, &s) < 0)
		return 1;
	struct oci_process *p = &s.process;
	if (o.process) {
		p = md_realloc(NULL, sizeof *p);
		memset(p, 0, sizeof *p);
		if (oci_process_load(o.process, p) < 0)
			return 1;
	} else if (exec_process(&o, p, argv + optind + 1) < 0) {
		return 1;
	}
	if (p->terminal != (o.console != NULL))
		oci_fail(o.console ? "--console-socket given, but the process has no terminal"
				  : "a terminal (--tty) needs --console-socket");
	if (o.console && (console = oci_console_connect(o.console)) < 0)
		return 1;
	/* The pid file is the host's: its folder opened before we leave. */
	int pid_dir = o.pid_file ? oci_open_dir_of(o.pid_file) : -1;
	if (o.pid_file && pid_dir < 0)
		return 1;
	oci_cgroup_split(st.cgroup, parent, sizeof parent, &cgid);
	if (pipe2(report, O_CLOEXEC) < 0)
		md_die("pipe");
	if (cgroup_join(parent, cgid, 0) < 0 || join_namespaces(st.pid) < 0)
		return 1;
	pid_t pid = fork();
	if (pid < 0)
		md_die("fork");
	if (pid == 0) {
		close(report[0]);
		exec_child(&o, &st, &s, p, console, report[1]);
	}
	close(report[1]);
	if (console >= 0)
		close(console);
	int rc = await_child(report[0]);
	if (rc) {
		waitpid(pid, &status, 0);
		return o.detach ? 1 : rc;
	}
	if (pid_dir >= 0 && oci_write_pid_file(pid_dir, o.pid_file, pid) < 0) {
		kill(pid, SIGKILL);
		return 1;
	}
	if (o.detach)
		return 0;
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

/* ---- the sealed copy ---------------------------------------------------- */

void oci_sealed(char **argv)
{
	if (md_in_sealed_copy())	/* already one */
		return;
	md_exec_self(argv);
}
