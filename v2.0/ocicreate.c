/* create: a container's init, made and left waiting for start.
 *
 *   minidocker-oci create [--bundle DIR] [--console-socket SOCK]
 *                         [--pid-file FILE] [--no-pivot] [--preserve-fds N] ID
 *
 * Three processes, as runc has them:
 *
 *   create      reads config.json, makes ROOT/ID and its exec.fifo, the
 *               cgroup; forks the "joiner"; writes the uid/gid maps, puts
 *               the init in the cgroup, runs the createRuntime hooks, says
 *               "go", waits for "ready", writes the pid file, exits 0.
 *   the joiner  joins the namespaces config.json names by path (setns(2),
 *               the user namespace first, so that it owns the rest), makes
 *               the new ones (unshare(2)), forks the init, and exits.
 *   the init    PID 1 of a new PID namespace.  With the joiner gone, the
 *               kernel hands it to the nearest "subreaper" above: conmon
 *               (prctl(2), PR_SET_CHILD_SUBREAPER), which waits for it and
 *               reports its exit, so no minidocker process watches it.  It
 *               prepares its root (ociinit.c), its terminal, finds its
 *               command, says "ready", and blocks opening exec.fifo for
 *               writing, until `start` opens it for reading.
 *
 * The init keeps create's fds 0, 1 and 2 (conmon's pipes) as its own, or
 * with process.terminal gets a pseudo-terminal, whose master it sends
 * over --console-socket (SCM_RIGHTS, unix(7)). */
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
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

/* The namespaces in the order they are joined: user first, since it
 * decides what the others may do; mount last, since the paths of the
 * others are the host's. */
static const struct {
	int index, flag;
	const char *proc;
} nstab[] = {
	{ OCI_NS_USER, CLONE_NEWUSER, "user" },	{ OCI_NS_IPC, CLONE_NEWIPC, "ipc" },
	{ OCI_NS_UTS, CLONE_NEWUTS, "uts" },	{ OCI_NS_NET, CLONE_NEWNET, "net" },
	{ OCI_NS_PID, CLONE_NEWPID, "pid" },	{ OCI_NS_CGROUP, CLONE_NEWCGROUP, "cgroup" },
	{ OCI_NS_TIME, CLONE_NEWTIME, "time" },	{ OCI_NS_MNT, CLONE_NEWNS, "mnt" },
};
enum { NNS = sizeof nstab / sizeof nstab[0] };

struct create {
	const char *id, *bundle, *console, *pid_file;
	int no_pivot, preserve;
	struct oci_spec spec;
	struct oci_state st;
	char cg_parent[PATH_MAX];
	const char *cg_id;
	int go[2], report[2], pidpipe[2];
	int dirfd, fifo_fd, console_fd;
};

/* ---- the init ---------------------------------------------------------- */

static int lookup_dir(const char *dir, size_t len, const char *cmd, char *out, size_t size)
{
	struct stat st;

	if ((size_t)snprintf(out, size, "%.*s/%s", (int)len, dir, cmd) >= size)
		return -1;
	return stat(out, &st) == 0 && S_ISREG(st.st_mode) && access(out, X_OK) == 0 ? 0 : -1;
}

/* CMD as execvp(3) would find it in PATH (from ENV, the container's);
 * in OUT.  Refused as runc words it (its Go library's exec.LookPath):
 * callers such as podman read 126 and 127 from these words. */
int oci_find_command(const char *cmd, char **env, char *out, size_t size)
{
	const char *path = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
	struct stat st;

	if (!cmd || !*cmd) {
		md_warnx("exec: no command: process.args is empty");
		return MD_EXIT_NOT_FOUND;
	}
	if (strchr(cmd, '/')) {
		snprintf(out, size, "%s", cmd);
		if (stat(cmd, &st) < 0) {
			md_warn("exec: \"%s\": stat %s", cmd, cmd);
			return MD_EXIT_NOT_FOUND;
		}
		if (S_ISDIR(st.st_mode) || access(cmd, X_OK) < 0) {
			md_warnx("exec: \"%s\": permission denied", cmd);
			return MD_EXIT_CANNOT_RUN;
		}
		return 0;
	}
	for (char **e = env; e && *e; e++)
		if (!strncmp(*e, "PATH=", 5))
			path = *e + 5;
	for (const char *p = path;; p += strcspn(p, ":") + 1) {
		size_t len = strcspn(p, ":");
		if (lookup_dir(len ? p : ".", len ? len : 1, cmd, out, size) == 0)
			return 0;
		if (!p[len])
			break;
	}
	md_warnx("exec: \"%s\": executable file not found in $PATH", cmd);
	return MD_EXIT_NOT_FOUND;
}

/* createContainer: after the mounts, before the pivot, in the
 * container's namespaces (ociinit.c calls it there); a failure ends the
 * init, and so create. */
static void create_container_hooks(void *arg)
{
	struct create *cr = arg;
	json_t *state = oci_state_json(&cr->st, OCI_CREATING, 0);

	if (oci_run_hooks(json_object_get(cr->spec.json, "hooks"), "createContainer", state) < 0)
		_exit(1);
	json_decref(state);
}

/* Wait for "go", then everything the container needs before start. */
static void init_prepare(struct create *cr)
{
	char go;

	close(cr->go[1]);
	close(cr->report[0]);
	close(cr->pidpipe[0]);
	close(cr->pidpipe[1]);
	/* End of file: create died or gave up; nothing to do but go. */
	if (read(cr->go[0], &go, 1) != 1)
		_exit(1);
	close(cr->go[0]);
	cr->st.pid = cr->spec.ns[OCI_NS_PID].wanted ? 1 : getpid();	/* as the hooks see it */
	if (cr->spec.ns[OCI_NS_USER].wanted && !cr->spec.ns[OCI_NS_USER].path &&
	    (setresgid(0, 0, 0) < 0 || setresuid(0, 0, 0) < 0)) {
		md_warn("become root in the new user namespace");
		_exit(1);
	}
	/* Before the createContainer hooks, as runc: theirs too. */
	if (!cr->st.no_new_keyring &&
	    oci_join_session_keyring(cr->id, cr->spec.ns[OCI_NS_USER].wanted, 1) < 0)
		_exit(1);
	if (oci_init_rootfs(&cr->spec, cr->no_pivot, create_container_hooks, cr) < 0)
		_exit(1);
	if (cr->console_fd >= 0 && oci_console_setup(cr->console_fd, 1, &cr->spec.process) < 0)
		_exit(1);
}

static noreturn void init_main(struct create *cr)
{
	struct oci_process *p = &cr->spec.process;
	char cmd[PATH_MAX], byte = '0';

	init_prepare(cr);
	int rc = oci_find_command(p->args ? p->args[0] : NULL, p->env, cmd, sizeof cmd);
	if (rc)
		_exit(rc);
	if (write(cr->report[1], "r", 1) != 1)
		_exit(1);
	close(cr->report[1]);
	/* Blocks until `start` opens the fifo for reading (fifo(7)); the
	 * byte tells start that we are on our way.  Through /proc/self/fd,
	 * as runc: the fifo's own mode (0622) decides, not ROOT/ID's 0700,
	 * which a root that is another uid on the host (a user namespace)
	 * cannot search.  By name where the container has no /proc. */
	char via[64];
	snprintf(via, sizeof via, "/proc/self/fd/%d", cr->fifo_fd);
	int fifo = open(via, O_WRONLY | O_CLOEXEC);
	if (fifo < 0 && errno == ENOENT)
		fifo = openat(cr->dirfd, "exec.fifo", O_WRONLY | O_CLOEXEC);
	if (fifo < 0 || write(fifo, &byte, 1) != 1) {
		md_warn("open exec.fifo to wait for start");
		_exit(1);
	}
	close(fifo);
	close(cr->dirfd);
	close(cr->fifo_fd);
	json_t *state = oci_state_json(&cr->st, OCI_RUNNING, 0);
	if (oci_run_hooks(json_object_get(cr->spec.json, "hooks"), "startContainer", state) < 0)
		_exit(1);
	json_decref(state);
	if (oci_init_process(&cr->spec, p) < 0)
		_exit(1);
	md_exec_prepare();
	for (int fd = 3; fd < 3 + cr->preserve; fd++)
		fcntl(fd, F_SETFD, 0);	/* --preserve-fds: these cross */
	execve(cmd, p->args, p->env);
	int err = errno;
	md_warn("exec: \"%s\"", p->args[0]);
	_exit(err == ENOENT ? MD_EXIT_NOT_FOUND : MD_EXIT_CANNOT_RUN);
}

/* ---- the joiner ---------------------------------------------------------- */

static noreturn void joiner_main(struct create *cr)
{
	int unshare_flags = 0;

	for (int i = 0; i < NNS; i++) {
		const struct oci_ns *ns = &cr->spec.ns[nstab[i].index];
		if (!ns->wanted)
			continue;
		if (!ns->path) {
			unshare_flags |= nstab[i].flag;
			continue;
		}
		int fd = open(ns->path, O_RDONLY | O_CLOEXEC);
		if (fd < 0 || setns(fd, nstab[i].flag) < 0) {
			md_warn("join the %s namespace %s", nstab[i].proc, ns->path);
			_exit(1);
		}
		close(fd);
	}
	/* The user namespace, if new, is made first by the kernel, and owns
	 * the others made in the same call (user_namespaces(7)).  A new PID
	 * namespace is the next child's. */
	if (unshare_flags && unshare(unshare_flags) < 0) {
		md_warn("create the container's namespaces");
		_exit(1);
	}
	pid_t pid = fork();
	if (pid < 0) {
		md_warn("fork the container's init");
		_exit(1);
	}
	if (pid == 0)
		init_main(cr);
	_exit(write(cr->pidpipe[1], &pid, sizeof pid) == sizeof pid ? 0 : 1);
}

/* ---- create itself ------------------------------------------------------- */

static int write_map(pid_t pid, const char *file, const struct oci_idmap *m, int n)
{
	char path[64], text[4096] = "";
	size_t len = 0;

	for (int i = 0; i < n && len < sizeof text; i++)
		len += snprintf(text + len, sizeof text - len, "%lu %lu %lu\n", m[i].container, m[i].host,
				m[i].size);
	snprintf(path, sizeof path, "/proc/%d/%s", (int)pid, file);
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0 || write(fd, text, len) != (ssize_t)len) {
		md_warn("write %s", path);
		if (fd >= 0)
			close(fd);
		return -1;
	}
	return close(fd);
}

static int cgroup_setup(struct create *cr)
{
	const struct oci_spec *s = &cr->spec;
	struct limits l = { 0 };
	char path[PATH_MAX];

	/* systemd's form, for --systemd-cgroup (which we refuse).  runc
	 * without it takes the whole as one folder's name, "a:b:c", below
	 * its own cgroup: a caller set up for systemd (kubelet's
	 * cgroupDriver) and a runtime for cgroupfs; say so instead. */
	if (s->cgroups_path && strchr(s->cgroups_path, ':')) {
		md_warnx("cgroupsPath %s: systemd's form (slice:prefix:name) needs --systemd-cgroup, "
			 "which minidocker-oci does not support; a cgroupfs path is /PARENT/NAME",
			 s->cgroups_path);
		md_hint("use the cgroupfs driver: podman --cgroup-manager cgroupfs; containerd's runc "
			"options SystemdCgroup = false, with the kubelet's cgroupDriver: cgroupfs");
		return -1;
	}
	/* No cgroupsPath: one named by the id at the root, as runc's. */
	md_pathf(path, "%s", s->cgroups_path ? s->cgroups_path + strspn(s->cgroups_path, "/") : cr->id);
	if (!valid_cgroup_parent(path)) {
		md_warnx("cgroupsPath /%s: not a path of folders below the cgroup root", path);
		return -1;
	}
	cr->st.cgroup = strdup(path);
	if (!cr->st.cgroup)
		md_die("strdup");
	oci_cgroup_split(cr->st.cgroup, cr->cg_parent, sizeof cr->cg_parent, &cr->cg_id);
	l.memory = s->mem_limit > 0 ? s->mem_limit : 0;
	/* memory+swap; none (or 0, which runc reads as none): unlimited. */
	l.swap = s->mem_swap > 0 ? s->mem_swap : -1;
	l.pids = s->pids_limit > 0 ? s->pids_limit : 0;
	l.freezer = 1;	/* for pause */
	l.devices = s->ndevrules > 0;	/* v1: a devices cgroup for the rules */
	/* 0: none, as runc reads it (the kernel's default, 1024). */
	l.cpu_shares = s->cpu_shares > 0 ? s->cpu_shares : 0;
	if (s->cpu_quota > 0)
		l.cpus = (double)s->cpu_quota / (s->cpu_period > 0 ? s->cpu_period : 100000);
	/* state.json names the cgroup before it exists, with no pid yet: a
	 * create killed from here on leaves what delete --force finds and
	 * removes (tests/ociattack.c).  Saved again once the init has a pid. */
	if (cgroup_check(&l) < 0 || oci_state_save(&cr->st) < 0)
		return -1;
	/* The device rules before the init joins the cgroup: it never
	 * opens a node they would refuse (ocidevices.c). */
	if (cgroup_create(cr->cg_parent, cr->cg_id, &l) < 0)
		return -1;
	return oci_devices_apply(s, cr->cg_parent, cr->cg_id);
}

/* FILE's folder, opened (O_PATH): a pid file written from another mount
 * namespace still lands in the host's. */
int oci_open_dir_of(const char *file)
{
	char dir[PATH_MAX];

	md_pathf(dir, "%s", file);
	char *slash = strrchr(dir, '/');
	if (slash == dir)
		slash[1] = '\0';
	else if (slash)
		*slash = '\0';
	int fd = open(slash ? dir : ".", O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		md_warn("open the pid file's folder %s", slash ? dir : ".");
	return fd;
}

/* The pid file, whole or not at all (written beside, then renamed).
 * The file beside is made new (O_EXCL, as runc's): one planted there,
 * a symlink in particular, is refused, never written through. */
int oci_write_pid_file(int dirfd, const char *file, pid_t pid)
{
	char tmp[PATH_MAX], num[32];
	const char *base = strrchr(file, '/') ? strrchr(file, '/') + 1 : file;

	if (dirfd < 0)
		return -1;	/* oci_open_dir_of said why */
	md_pathf(tmp, ".%s.tmp", base);
	int len = snprintf(num, sizeof num, "%d", (int)pid);
	int fd = openat(dirfd, tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
	if (fd < 0) {
		md_warn("write the pid file %s: create %s", file, tmp);
		close(dirfd);
		return -1;
	}
	if (write(fd, num, len) != len || close(fd) < 0 || renameat(dirfd, tmp, dirfd, base) < 0) {
		md_warn("write the pid file %s", file);
		unlinkat(dirfd, tmp, 0);
		close(dirfd);
		return -1;
	}
	close(dirfd);
	return 0;
}

static void options(struct create *cr, int argc, char **argv)
{
	static const char usage[] = "create [--bundle DIR] [--console-socket SOCK] [--pid-file FILE] "
				    "[--no-pivot] [--preserve-fds N] CONTAINER";
	static const struct option lo[] = {
		{ "bundle", required_argument, NULL, 'b' },
		{ "console-socket", required_argument, NULL, 'c' },
		{ "pid-file", required_argument, NULL, 'p' },
		{ "no-pivot", no_argument, NULL, 'P' },
		{ "preserve-fds", required_argument, NULL, 'f' },
		/* The container keeps its caller's session keyring, instead
		 * of one of its own (oci_join_session_keyring). */
		{ "no-new-keyring", no_argument, NULL, 'K' },
		{ 0 },
	};
	int c;

	cr->bundle = ".";
	opterr = 0;
	while ((c = getopt_long_only(argc, argv, "+b:", lo, NULL)) != -1) {
		if (c == 'b')
			cr->bundle = optarg;
		else if (c == 'c')
			cr->console = optarg;
		else if (c == 'p')
			cr->pid_file = optarg;
		else if (c == 'P')
			cr->no_pivot = 1;
		else if (c == 'K')
			cr->st.no_new_keyring = 1;
		else if (c == 'f')
			cr->preserve = oci_preserve_fds(optarg);
		else
			oci_bad_flag("create", argv[optind - 1], usage);
	}
	if (optind != argc - 1)
		oci_fail("create: %s\nusage: minidocker-oci %s",
			optind >= argc ? "no container id given" : "too many arguments", usage);
	cr->id = argv[optind];
}

/* Everything up to the fork: -1 after saying why (nothing made yet
 * but ROOT/ID, which the caller removes). */
static int prepare(struct create *cr)
{
	char path[PATH_MAX], bundle[PATH_MAX], now[64];
	struct stat st;

	if (!realpath(cr->bundle, bundle)) {
		md_warn("bundle %s", cr->bundle);
		return -1;
	}
	if (oci_spec_load(bundle, &cr->spec) < 0)
		return -1;
	if (stat(cr->spec.root, &st) < 0 || !S_ISDIR(st.st_mode)) {
		md_warnx("rootfs (\"%s\") does not exist", cr->spec.root);
		return -1;
	}
	if ((cr->spec.process.terminal != 0) != (cr->console != NULL)) {
		md_warnx(cr->console ? "--console-socket given, but process.terminal is false"
				     : "process.terminal is true, but no --console-socket was given");
		return -1;
	}
	if (cr->console && (cr->console_fd = oci_console_connect(cr->console)) < 0)
		return -1;
	oci_path(path, cr->id, "exec.fifo");
	/* 0622 whatever our umask: writable by the container's root. */
	if (mkfifo(path, 0622) < 0 || chmod(path, 0622) < 0 ||
	    (cr->fifo_fd = open(path, O_PATH | O_CLOEXEC)) < 0) {
		md_warn("create %s", path);
		return -1;
	}
	oci_path(path, cr->id, NULL);
	cr->dirfd = open(path, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (cr->dirfd < 0) {
		md_warn("open %s", path);
		return -1;
	}
	oci_time_now(now, sizeof now);
	cr->st.bundle = strdup(bundle);
	cr->st.rootfs = strdup(cr->spec.root);
	cr->st.created = strdup(now);
	cr->st.version = strdup(cr->spec.version ? cr->spec.version : OCI_SPEC_VERSION);
	if (!cr->st.bundle || !cr->st.rootfs || !cr->st.created || !cr->st.version)
		md_die("strdup");
	snprintf(cr->st.id, sizeof cr->st.id, "%s", cr->id);
	cr->st.creator = getpid();	/* "creating" until launch is done */
	cr->st.creator_start = start_time(cr->st.creator);
	cr->st.annotations = json_incref(cr->spec.annotations);
	cr->st.hooks = json_incref(json_object_get(cr->spec.json, "hooks"));
	if (cgroup_setup(cr) < 0)
		return -1;
	if (pipe2(cr->go, O_CLOEXEC) < 0 || pipe2(cr->report, O_CLOEXEC) < 0 ||
	    pipe2(cr->pidpipe, O_CLOEXEC) < 0)
		md_die("pipe");
	return 0;
}

/* The init's pid from the joiner, its maps, its cgroup, the hooks: then
 * "go", and its "ready".  0, or -1 after saying why. */
static int launch(struct create *cr)
{
	int status;

	pid_t joiner = fork();
	if (joiner < 0) {
		md_warn("fork");
		return -1;
	}
	if (joiner == 0)
		joiner_main(cr);
	close(cr->go[0]);
	close(cr->report[1]);
	close(cr->pidpipe[1]);
	ssize_t n = read(cr->pidpipe[0], &cr->st.pid, sizeof cr->st.pid);
	while (waitpid(joiner, &status, 0) < 0 && errno == EINTR)
		;
	if (n != sizeof cr->st.pid)
		return -1;	/* the joiner said why */
	cr->st.pid_start = start_time(cr->st.pid);
	const struct oci_spec *s = &cr->spec;
	if (s->ns[OCI_NS_USER].wanted && !s->ns[OCI_NS_USER].path &&
	    (write_map(cr->st.pid, "uid_map", s->uidmap, s->nuidmap) < 0 ||
	     write_map(cr->st.pid, "gid_map", s->gidmap, s->ngidmap) < 0))
		return -1;
	/* The pid saved first: delete --force kills an init in the cgroup. */
	if (oci_state_save(&cr->st) < 0 || cgroup_join(cr->cg_parent, cr->cg_id, cr->st.pid) < 0)
		return -1;
	json_t *state = oci_state_json(&cr->st, OCI_CREATING, 0);
	json_t *hooks = cr->st.hooks;
	int rc = oci_run_hooks(hooks, "prestart", state) < 0 ||
			 oci_run_hooks(hooks, "createRuntime", state) < 0 ? -1 : 0;
	json_decref(state);
	if (rc < 0 || write(cr->go[1], "g", 1) != 1)
		return -1;
	char ready;
	if (read(cr->report[0], &ready, 1) != 1)
		return -1;	/* the init said why, and exited */
	cr->st.creator = 0;	/* created */
	if (oci_state_save(&cr->st) < 0)
		return -1;
	if (cr->pid_file && oci_write_pid_file(oci_open_dir_of(cr->pid_file), cr->pid_file,
						cr->st.pid) < 0)
		return -1;
	return 0;
}

static void undo(struct create *cr)
{
	char dir[PATH_MAX];

	if (cr->st.pid > 0 && alive(cr->st.pid, cr->st.pid_start))
		kill(cr->st.pid, SIGKILL);
	if (cr->st.cgroup)
		cgroup_remove(cr->cg_parent, cr->cg_id);
	oci_path(dir, cr->id, NULL);
	md_remove_tree(dir);
}

int oci_create(int argc, char **argv)
{
	struct create cr = { .console_fd = -1, .dirfd = -1, .fifo_fd = -1 };
	char dir[PATH_MAX];

	options(&cr, argc, argv);
	if (!oci_valid_id(cr.id) || oci_root_make() < 0)
		return 1;
	oci_path(dir, cr.id, NULL);
	/* mkdir is the lock: of two creates of one id, one gets EEXIST. */
	if (mkdir(dir, 0700) < 0) {
		if (errno == EEXIST)
			oci_fail("container with given ID already exists: %s", cr.id);
		md_warn("create %s", dir);
		return 1;
	}
	if (prepare(&cr) < 0 || launch(&cr) < 0) {
		undo(&cr);
		return 1;
	}
	return 0;
}
