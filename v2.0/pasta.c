/* A network without root, from pasta (v1.4; Debian's passt), as podman
 * gives its rootless containers.
 *
 * Root makes a veth pair and plugs one end into a bridge on the host.  A
 * user cannot: the host's network namespace belongs to the host's user
 * namespace, where the user has no CAP_NET_ADMIN, so no link, address,
 * route or nftables rule of theirs can appear there (network_namespaces(7),
 * user_namespaces(7)).  What a user may do is open ordinary sockets on the
 * host, and anything at all inside the container's namespace, which the
 * container's user namespace (theirs) owns.  pasta joins that namespace,
 * makes a tap device there (eth0: a network card whose "wire" is a file
 * descriptor, see the kernel's Documentation/networking/tuntap.rst), gives
 * it the host's address and default route (--config-net), and goes back to
 * the host's side: every packet the container sends is read from the tap
 * and becomes a connect(2) or sendto(2) of pasta's on the host, and the
 * answers are written back as packets.  A published port is a socket pasta
 * listens on (-t, -u).  Nothing on the host changes: no bridge, no NAT.
 *
 * pasta runs in the foreground as a child of the container's monitor (run,
 * or run -d's monitor), which stops it when the container has ended.  Its
 * pid and start time are in the state file: if the monitor is killed,
 * whoever finds the container killed (the next ps, run, rm) stops it.
 * (PR_SET_PDEATHSIG cannot do it: the kernel clears it when pasta joins
 * the container's user namespace, a change of credentials.) */
#include "minidocker.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* Where pasta's forwarder for DNS is, inside: queries sent there go to
 * the host's first resolver, from the host's side (a loopback one, such
 * as systemd-resolved's 127.0.0.53, included).  podman's address. */
#define PASTA_DNS "169.254.1.1"

/* Is there an executable NAME in $PATH, as execvp(3) would find it? */
static int in_path(const char *name)
{
	const char *path = getenv("PATH");
	char file[PATH_MAX];

	if (!path)
		path = "/usr/local/bin:/usr/bin:/bin";
	for (const char *p = path; *p; p += *p == ':') {
		size_t len = strcspn(p, ":");
		if (len && (size_t)snprintf(file, sizeof file, "%.*s/%s", (int)len, p, name) < sizeof file &&
		    access(file, X_OK) == 0)
			return 1;
		p += len;
	}
	return 0;
}

/* Can this user have a network from pasta?  It must be installed, and the
 * user must be able to open /dev/net/tun (Debian's udev makes it 0666;
 * opening it makes no device: that takes an ioctl, see tuntap.rst).  1, or
 * 0 after saying why not: a warning and a hint if the user ASKED for a
 * network (WHAT says how), the hint alone if not. */
int pasta_usable(int asked, const char *what)
{
	int found = in_path("pasta"), fd = found ? open("/dev/net/tun", O_RDWR | O_CLOEXEC) : -1;
	int err = found ? errno : 0;

	if (fd >= 0) {
		close(fd);
		return 1;
	}
	if (asked)
		md_warnx("%s without root needs pasta: this container gets --network none", what);
	if (!err)
		md_hint("without root, a container's network comes from pasta (Debian's passt: apt-get "
			"install passt)%s", asked ? "" : "; this one has --network none");
	else
		md_hint("pasta cannot open /dev/net/tun (%s): it must be open to you, as Debian's udev "
			"makes it (mode 0666)%s", strerror(err), asked ? "" : "; this one has --network none");
	return 0;
}

static char *arg_dup(const char *s)
{
	char *d = strdup(s);
	if (!d)
		md_die("strdup");
	return d;
}

/* pasta's -t or -u for port P: "[IP/]HOSTPORT:PORT". */
static char *port_spec(const struct port *p)
{
	char *spec;

	if (asprintf(&spec, "%s%s%u:%u", p->host_ip, p->host_ip[0] ? "/" : "", p->host_port, p->port) < 0)
		md_die("asprintf");
	return spec;
}

/* pasta's command line for the namespaces of PID (its user namespace,
 * then its network namespace, by the PID: see pasta(1)).  -T and -U none:
 * the container's own 127.0.0.1 stays its own; --no-map-gw: so does the
 * host's (the gateway is not the host's loopback), as podman and Docker
 * rootless have it.  DIR: where its pid file and log go. */
static char **pasta_argv(const struct netcfg *n, const char *dir, pid_t pid, int *argc)
{
	char **argv = calloc(24 + 2 * MAX_PORTS, sizeof *argv);
	int i = 0, tcp = 0, udp = 0;

	if (!argv)
		md_die("calloc");
	const char *fixed[] = { "pasta", "--config-net", "--foreground", "--quiet", "--ns-ifname", "eth0",
				"--no-map-gw", "--dns-forward", PASTA_DNS, "-T", "none", "-U", "none" };
	for (size_t k = 0; k < sizeof fixed / sizeof *fixed; k++)
		argv[i++] = arg_dup(fixed[k]);
	for (int k = 0; k < n->nports; k++) {
		int udp_port = !strcmp(n->ports[k].proto, "udp");
		argv[i++] = arg_dup(udp_port ? "-u" : "-t");
		argv[i++] = port_spec(&n->ports[k]);
		udp += udp_port;
		tcp += !udp_port;
	}
	/* Without -t, pasta would forward every port the container binds. */
	if (!tcp) {
		argv[i++] = arg_dup("-t");
		argv[i++] = arg_dup("none");
	}
	if (!udp) {
		argv[i++] = arg_dup("-u");
		argv[i++] = arg_dup("none");
	}
	if (asprintf(&argv[i++], "--log-file=%s/pasta.log", dir) < 0 ||
	    asprintf(&argv[i++], "--pid=%s/pasta.pid", dir) < 0 || asprintf(&argv[i++], "%d", (int)pid) < 0)
		md_die("asprintf");
	*argc = i;
	return argv;
}

/* The child: pasta, its output to its log only. */
static noreturn void exec_pasta(char **argv)
{
	/* A session of its own: the terminal's Ctrl-C, or a kill of run's
	 * process group, is for the container, which run forwards it to;
	 * pasta must outlive it until the container has ended. */
	if (setsid() < 0)
		_exit(MD_EXIT_FAILED);
	int null = open("/dev/null", O_RDWR | O_CLOEXEC);
	if (null < 0 || dup2(null, 0) < 0 || dup2(null, 1) < 0 || dup2(null, 2) < 0)
		_exit(MD_EXIT_FAILED);
	md_exec_prepare();
	execvp(argv[0], argv);
	_exit(MD_EXIT_NOT_FOUND);
}

/* What pasta said last, from its log DIR/pasta.log ("0.78: ERROR: why"),
 * into WHY. */
static void last_words(const char *dir, char *why, size_t len)
{
	char path[PATH_MAX], *line = NULL;
	size_t cap = 0;

	md_pathf(path, "%s/pasta.log", dir);
	snprintf(why, len, "it exited");
	FILE *f = fopen(path, "re");
	while (f && getline(&line, &cap, f) > 0) {
		char *e = strstr(line, "ERROR:");
		if (e) {
			e += strlen("ERROR:");
			e += strspn(e, " ");
			snprintf(why, len, "%.*s", (int)strcspn(e, "\n"), e);
		}
	}
	free(line);
	if (f)
		fclose(f);
}

/* Wait until pasta has configured the namespace: it writes its pid file
 * once the tap, its address and route are in place.  0, or -1 with *DONE
 * set if it exited first (nothing left to stop). */
static int await_pasta(const char *dir, pid_t pasta, int *done)
{
	char path[PATH_MAX];
	struct stat st;
	int ws;

	md_pathf(path, "%s/pasta.pid", dir);
	*done = 0;
	for (int ms = 0; ms < 10000; ms++) {
		if (stat(path, &st) == 0 && st.st_size > 0)
			return 0;
		if (waitpid(pasta, &ws, WNOHANG) == pasta) {
			*done = 1;
			return -1;
		}
		nanosleep(&(struct timespec){ 0, 1000000 }, NULL);
	}
	return -1;
}

/* Start pasta for the container C whose init PID waits in its new
 * namespaces; return once its eth0 is up.  0 (if pasta failed and no
 * port was asked for, with --network none), or -1 after saying why. */
int pasta_start(struct container *c, pid_t pid)
{
	char dir[PATH_MAX], pidfile[PATH_MAX], why[256];
	int argc, done;

	container_path(dir, c->id, NULL);
	/* A pid file of an earlier start would say "ready" at once. */
	md_pathf(pidfile, "%s/pasta.pid", dir);
	if (unlink(pidfile) < 0 && errno != ENOENT)
		md_die("remove %s", pidfile);
	char **argv = pasta_argv(&c->net, dir, pid, &argc);
	pid_t child = fork();
	if (child < 0)
		md_die("fork");
	if (child == 0)
		exec_pasta(argv);
	for (int i = 0; i < argc; i++)
		free(argv[i]);
	free(argv);
	if (await_pasta(dir, child, &done) == 0) {
		c->net.pasta = child;
		c->net.pasta_start = start_time(child);
		return 0;
	}
	if (!done) {
		kill(child, SIGKILL);
		waitpid(child, NULL, 0);
	}
	/* Without -p, a container without a network is still of use. */
	int fatal = c->net.nports > 0;
	last_words(dir, why, sizeof why);
	md_warnx("pasta could not give the container a network: %s%s", why,
		 fatal ? "" : ": it gets --network none");
	md_hint("pasta copies the host's address and default route, and binds -p's ports on the host: "
		"a port may be taken, or the host has no route out");
	if (fatal)
		return -1;
	snprintf(c->net.mode, sizeof c->net.mode, "none");
	return 0;
}

/* The container has ended: its pasta too, our child if we are its
 * monitor, else found by its pid and start time (never another process
 * that has the pid since).  Idempotent. */
void pasta_stop(struct container *c)
{
	if (c->net.pasta <= 0)
		return;
	int fd = pidfd_open(c->net.pasta);	/* checked, then signalled: the same one */
	if (fd >= 0 && alive(c->net.pasta, c->net.pasta_start))
		pidfd_signal(fd, SIGTERM);
	if (fd >= 0)
		close(fd);
	while (waitpid(c->net.pasta, NULL, 0) < 0 && errno == EINTR)
		;	/* ECHILD: not ours */
	c->net.pasta = 0;
	c->net.pasta_start = 0;
}
