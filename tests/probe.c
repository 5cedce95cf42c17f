/* probe: a small static program that the tests copy into containers to
 * report what a shell cannot show, or to use resources on purpose.
 *
 *   probe ns          one line per namespace: "uts 4026531838"
 *   probe fds         the open file descriptors, one per line
 *   probe caps        the capability sets, as cap_to_text(3) prints them
 *   probe ids         uid, gid, then uid_map and gid_map
 *   probe cgroup      /proc/self/cgroup
 *   probe eat MB      allocate and touch MB mebibytes, then exit 0
 *   probe fork N      start N sleeping children; print how many started
 *   probe spin SECS   keep one CPU busy for SECS seconds; print the CPU time
 *                     it got: "cpu 0.50 of 1.00 s"
 *   probe escape PATH the classic chroot escape, then say whether PATH (a
 *                     host path) is visible: "escaped" or "contained"
 *   probe exe PATH    what PATH (a /proc/PID/exe) links to, and the seals
 *                     of the file it opens (read-only): "seals write,..."
 *   probe depth DIR   how many folders named d nest under DIR (d/d/d...)
 *   probe exewatch SECS  for SECS seconds or until SIGTERM, open every other
 *                     process's /proc/PID/exe read-only, and print each one
 *                     that is neither this probe's file nor a sealed memfd
 *   probe exe-watch SECS  for SECS seconds, open /proc/PID/exe of every
 *                     other process, as a CVE-2019-5736 attacker would; print
 *                     "foreign exe PID: TARGET" for each that is neither a
 *                     file of this container nor a sealed memfd, then a count
 *   probe sti         push '#' into the input of the terminal on fd 0 with
 *                     ioctl TIOCSTI: "injected", or "refused: WHY"
 *   probe sys CALL [ARG...]  make system call CALL (a name below, or a
 *                     number) with up to 6 numeric arguments (0x.. too) and
 *                     print "CALL: ok" or "CALL: ENAME" (the errno's name)
 *   probe int80 CALL [ARG...]  the same through the 32-bit (i386) entry,
 *                     int $0x80, with the i386 call numbers
 *   probe keyring     the session keyring, as keyctl(2) describes it:
 *                     "keyring;UID;GID;PERM;NAME"
 *   probe filter PID  (on the host, as root) write the first seccomp filter
 *                     of process PID, its raw BPF, to stdout, for
 *                     scmp_bpf_disasm(1); its length in instructions on stderr
 *
 * Linked -static so it runs in any root filesystem. */
#include <dirent.h>
#include <fcntl.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/capability.h>
#include <linux/filter.h>
#include <sys/ioctl.h>
#include <sys/ptrace.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static int cat(const char *path)
{
	char buf[4096];
	FILE *f = fopen(path, "re");
	if (!f) {
		printf("%s: %s\n", path, strerror(errno));
		return 1;
	}
	size_t n;
	while ((n = fread(buf, 1, sizeof buf, f)) > 0)
		fwrite(buf, 1, n, stdout);
	fclose(f);
	return 0;
}

static int ns(void)
{
	static const char *names[] = { "cgroup", "ipc", "mnt", "net", "pid", "user", "uts" };
	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
		char path[64];
		struct stat st;
		snprintf(path, sizeof path, "/proc/self/ns/%s", names[i]);
		if (stat(path, &st) < 0)
			printf("%s ?\n", names[i]);
		else
			printf("%s %lu\n", names[i], (unsigned long)st.st_ino);
	}
	return 0;
}

static int fds(void)
{
	DIR *d = opendir("/proc/self/fd");
	if (!d) {
		perror("probe: /proc/self/fd");
		return 1;
	}
	struct dirent *e;
	while ((e = readdir(d))) {
		if (e->d_name[0] == '.' || atoi(e->d_name) == dirfd(d))
			continue;
		char path[300], target[4096];
		snprintf(path, sizeof path, "/proc/self/fd/%s", e->d_name);
		ssize_t n = readlink(path, target, sizeof target - 1);
		target[n > 0 ? n : 0] = '\0';
		printf("%s %s\n", e->d_name, target);
	}
	closedir(d);
	return 0;
}

static int caps(void)
{
	cap_t c = cap_get_proc();
	char *text = c ? cap_to_text(c, NULL) : NULL;
	if (!text) {
		perror("probe: cap_get_proc");
		return 1;
	}
	printf("%s\n", text[0] ? text : "=");
	cap_free(text);
	cap_free(c);
	return 0;
}

static int ids(void)
{
	printf("uid %d gid %d\nuid_map:", (int)getuid(), (int)getgid());
	fflush(stdout);
	cat("/proc/self/uid_map");
	printf("gid_map:");
	fflush(stdout);
	return cat("/proc/self/gid_map");
}

static int eat(long mb)
{
	for (long i = 0; i < mb; i++) {
		char *p = malloc(1 << 20);
		if (!p) {
			printf("malloc failed after %ld MiB\n", i);
			return 1;
		}
		memset(p, 1, 1 << 20);	/* touch it: only used pages count */
	}
	printf("ate %ld MiB\n", mb);
	return 0;
}

static int forks(long n)
{
	long started = 0;
	int first_errno = 0;
	pid_t *pids = calloc(n, sizeof *pids);
	for (long i = 0; i < n && pids; i++) {
		pid_t pid = fork();
		if (pid == 0) {
			pause();
			_exit(0);
		}
		if (pid < 0) {
			if (!first_errno)
				first_errno = errno;
			continue;
		}
		pids[started++] = pid;
	}
	printf("started %ld of %ld%s%s\n", started, n, first_errno ? ": " : "",
	       first_errno ? strerror(first_errno) : "");
	fflush(stdout);
	for (long i = 0; i < started; i++)
		kill(pids[i], SIGTERM);
	while (wait(NULL) > 0)
		;
	free(pids);
	return 0;
}

static int spin(double secs)
{
	struct timespec a, b, cpu;
	double wall;
	clock_gettime(CLOCK_MONOTONIC, &a);
	do {
		clock_gettime(CLOCK_MONOTONIC, &b);
		wall = (b.tv_sec - a.tv_sec) + (b.tv_nsec - a.tv_nsec) / 1e9;
	} while (wall < secs);
	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &cpu);
	printf("cpu %.2f of %.2f s\n", cpu.tv_sec + cpu.tv_nsec / 1e9, wall);
	return 0;
}

/* chroot into a subfolder without going there: the current directory is
 * then outside the root, and ".." from it is not stopped at the root.
 * Climb, and chroot to wherever that leads.  It works against a chroot;
 * after pivot_root with the old root detached, there is nowhere to climb. */
static int escape(const char *path)
{
	struct stat st;

	if ((mkdir("/.escape", 0700) < 0 && errno != EEXIST) || chroot("/.escape") < 0) {
		perror("probe: chroot /.escape");
		return 1;
	}
	for (int i = 0; i < 256; i++)
		if (chdir("..") < 0)
			break;
	if (chroot(".") < 0) {
		perror("probe: chroot .");
		return 1;
	}
	printf(stat(path, &st) == 0 ? "escaped: %s is visible\n" : "contained: no %s\n", path);
	return 0;
}

/* Where PATH (a /proc/PID/exe) leads, and the seals of what it opens
 * (fcntl(2), "File sealing").  A sealed memfd holds a runtime that
 * re-executed itself from memory; a file on disk has no seals (EINVAL).
 * Opened read-only: a probe never writes to what it finds. */
static int exe(const char *path)
{
	char target[4096];
	ssize_t n = readlink(path, target, sizeof target - 1);
	target[n > 0 ? n : 0] = '\0';
	printf("exe %s\n", target);
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	int seals = fd < 0 ? -1 : fcntl(fd, F_GET_SEALS);
	if (seals < 0) {
		printf("seals none: %s\n", strerror(errno));
		return fd < 0;
	}
	printf("seals%s%s%s%s%s\n", seals & F_SEAL_SEAL ? " seal" : "",
	       seals & F_SEAL_SHRINK ? " shrink" : "", seals & F_SEAL_GROW ? " grow" : "",
	       seals & F_SEAL_WRITE ? " write" : "", seals ? "" : " none");
	close(fd);
	return 0;
}

/* How deep d/d/d... goes under DIR, walked with openat(2) one level at a
 * time, so that no path is ever longer than "d". */
static int depth(const char *dir)
{
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC), n = 0;
	if (fd < 0) {
		perror("probe: open");
		return 1;
	}
	for (int sub; (sub = openat(fd, "d", O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)) >= 0; n++) {
		close(fd);
		fd = sub;
	}
	close(fd);
	printf("%d\n", n);
	return 0;
}

static volatile sig_atomic_t watch_done;

static void end_watch(int sig)
{
	(void)sig;
	watch_done = 1;
}

/* Is FD, an open /proc/PID/exe, harmless to hold: this probe's own file,
 * or a sealed memfd (a runtime's copy of itself that no one can write,
 * see "File sealing" in fcntl(2))? */
static int harmless_exe(int fd, const struct stat *self)
{
	struct stat st;
	int seals = fcntl(fd, F_GET_SEALS);

	if (seals >= 0 && (seals & F_SEAL_WRITE))
		return 1;
	return fstat(fd, &st) == 0 && st.st_dev == self->st_dev && st.st_ino == self->st_ino;
}

/* The first half of the CVE-2019-5736 attack, as a container process
 * would run it: watch /proc for a process of the runtime entering the
 * container and get an fd of its /proc/PID/exe, the runtime's binary on
 * the host, to write once the runtime has exited.  Opened read-only: a
 * test never writes.  Prints what it got (nothing, when the runtime is
 * out of reach); on stderr, how many opens were refused. */
static int exewatch(double secs)
{
	struct stat self;
	struct timespec a, b;
	long refused = 0, printed = 0, scans = 0;

	if (stat("/proc/self/exe", &self) < 0) {
		perror("probe: /proc/self/exe");
		return 1;
	}
	signal(SIGTERM, end_watch);	/* as PID 1, the only way to end it */
	clock_gettime(CLOCK_MONOTONIC, &a);
	do {
		DIR *d = opendir("/proc");
		struct dirent *e;
		while (d && (e = readdir(d))) {
			char path[300], target[4096];
			if (e->d_name[0] < '0' || e->d_name[0] > '9' || atoi(e->d_name) == getpid())
				continue;
			snprintf(path, sizeof path, "/proc/%s/exe", e->d_name);
			int fd = open(path, O_RDONLY | O_CLOEXEC);
			if (fd < 0) {
				refused += errno == EACCES || errno == EPERM;
				continue;
			}
			if (!harmless_exe(fd, &self) && printed++ < 20) {
				ssize_t n = readlink(path, target, sizeof target - 1);
				target[n > 0 ? n : 0] = '\0';
				printf("PID %s: opened %s\n", e->d_name, target);
				fflush(stdout);
			}
			close(fd);
		}
		if (d)
			closedir(d);
		scans++;
		clock_gettime(CLOCK_MONOTONIC, &b);
	} while (!watch_done && (b.tv_sec - a.tv_sec) + (b.tv_nsec - a.tv_nsec) / 1e9 < secs);
	fprintf(stderr, "probe: %ld scans, %ld opens refused\n", scans, refused);
	return 0;
}
static int exe_watch(double secs);
static int sti(void);
static int sys(int i386, int argc, char **argv);
static int filter(int pid);
static int openw(const char *path);

static int keyring(void)
{
	char desc[2048];
	/* KEYCTL_DESCRIBE (6) of KEY_SPEC_SESSION_KEYRING (-3). */
	long n = syscall(SYS_keyctl, 6, -3, desc, sizeof desc - 1);

	if (n < 0 || n >= (long)sizeof desc) {
		perror("keyctl describe");
		return 1;
	}
	desc[n] = '\0';
	printf("%s\n", desc);
	return 0;
}

int main(int argc, char **argv)
{
	const char *what = argc > 1 ? argv[1] : "";
	if (!strcmp(what, "ns"))
		return ns();
	if (!strcmp(what, "fds"))
		return fds();
	if (!strcmp(what, "caps"))
		return caps();
	if (!strcmp(what, "ids"))
		return ids();
	if (!strcmp(what, "cgroup"))
		return cat("/proc/self/cgroup");
	if (!strcmp(what, "eat") && argc > 2)
		return eat(atol(argv[2]));
	if (!strcmp(what, "fork") && argc > 2)
		return forks(atol(argv[2]));
	if (!strcmp(what, "spin") && argc > 2)
		return spin(atof(argv[2]));
	if (!strcmp(what, "escape") && argc > 2)
		return escape(argv[2]);
	if (!strcmp(what, "exe") && argc > 2)
		return exe(argv[2]);
	if (!strcmp(what, "depth") && argc > 2)
		return depth(argv[2]);
	if (!strcmp(what, "exewatch") && argc > 2)
		return exewatch(atof(argv[2]));
	if (!strcmp(what, "exe-watch") && argc > 2)
		return exe_watch(atof(argv[2]));
	if (!strcmp(what, "sti"))
		return sti();
	if ((!strcmp(what, "sys") || !strcmp(what, "int80")) && argc > 2 && argc <= 9)
		return sys(!strcmp(what, "int80"), argc - 2, argv + 2);
	if (!strcmp(what, "filter") && argc > 2)
		return filter(atoi(argv[2]));
	if (!strcmp(what, "openw") && argc > 2)
		return openw(argv[2]);
	if (!strcmp(what, "keyring"))
		return keyring();
	fprintf(stderr, "usage: probe ns|fds|caps|ids|cgroup|eat MB|fork N|spin SECS|escape PATH"
		"|exe PATH|depth DIR|exewatch SECS|exe-watch SECS|sti|sys CALL [ARG...]"
		"|int80 CALL [ARG...]|filter PID|openw PATH|keyring\n");
	return 2;
}

/* Is the open file FD, an opened /proc/PID/exe, harmless: a sealed memfd
 * (minidocker's copy of itself), or a file of this container (its own
 * programs), found at the path /proc/self/fd/FD names?  TARGET gets it. */
static int foreign_exe_target(int fd, char *target, size_t len)
{
	struct stat a, b;
	char self[64];
	int seals = fcntl(fd, F_GET_SEALS);

	snprintf(self, sizeof self, "/proc/self/fd/%d", fd);
	ssize_t n = readlink(self, target, len - 1);
	target[n > 0 ? n : 0] = '\0';
	if (seals >= 0 && (seals & F_SEAL_WRITE))
		return 1;
	return fstat(fd, &a) == 0 && stat(target, &b) == 0 && a.st_dev == b.st_dev && a.st_ino == b.st_ino;
}

/* The CVE-2019-5736 attack's first half, without the second: poll for a
 * process whose /proc/PID/exe we can open and that is not ours, which an
 * attacker would reopen for writing once it exits.  Opened O_RDONLY only;
 * nothing is ever written. */
static int exe_watch(double secs)
{
	struct timespec a, b;
	long opened = 0, foreign = 0;

	clock_gettime(CLOCK_MONOTONIC, &a);
	do {
		DIR *d = opendir("/proc");
		struct dirent *e;
		while (d && (e = readdir(d))) {
			char path[300], target[4096];
			int pid = atoi(e->d_name);
			if (pid <= 0 || pid == getpid())
				continue;
			snprintf(path, sizeof path, "/proc/%d/exe", pid);
			int fd = open(path, O_RDONLY | O_CLOEXEC);
			if (fd < 0)
				continue;
			opened++;
			/* The first few are enough to tell. */
			if (!foreign_exe_target(fd, target, sizeof target) && foreign++ < 5)
				printf("foreign exe %d: %s\n", pid, target);
			close(fd);
		}
		if (d)
			closedir(d);
		clock_gettime(CLOCK_MONOTONIC, &b);
	} while ((b.tv_sec - a.tv_sec) + (b.tv_nsec - a.tv_nsec) / 1e9 < secs);
	printf("exe-watch: opened %ld, foreign %ld\n", opened, foreign);
	return 0;
}

/* What a command could do to the terminal of whoever started it
 * (ioctl_tty(2), TIOCSTI): push a byte into its input queue, which the
 * caller's shell would read as typed.  '#' starts a comment there, and the
 * tests give us a pseudo-terminal of their own. */
static int sti(void)
{
	char c = '#';
	if (ioctl(0, TIOCSTI, &c) == 0) {
		printf("injected\n");
		return 1;
	}
	printf("refused: %s\n", strerror(errno));
	return 0;
}

/* The calls the seccomp tests make, by name: x86-64's number and i386's
 * (arch/x86/entry/syscalls/syscall_32.tbl in the kernel's source). */
static const struct {
	const char *name;
	long nr, nr32;
} calls[] = {
	{ "getpid", SYS_getpid, 20 },		{ "keyctl", SYS_keyctl, 288 },
	{ "bpf", SYS_bpf, 357 },		{ "unshare", SYS_unshare, 310 },
	{ "setns", SYS_setns, 346 },		{ "mount", SYS_mount, 21 },
	{ "umount2", SYS_umount2, 52 },		{ "clone", SYS_clone, 120 },
	{ "clone3", SYS_clone3, 435 },		{ "personality", SYS_personality, 136 },
	{ "clock_settime", SYS_clock_settime, 264 },	{ "acct", SYS_acct, 51 },
	{ "sethostname", SYS_sethostname, 74 },	{ "init_module", SYS_init_module, 128 },
	{ "chroot", SYS_chroot, 61 },		{ "socket", SYS_socket, 359 },
};

/* One call through int $0x80, the 32-bit entry a 64-bit kernel keeps for
 * i386 programs: number in eax, arguments in ebx, ecx, edx, esi, edi, ebp
 * (ebp cannot be named here: the sixth is left out). */
static long int80(long nr, const unsigned long *a)
{
#if defined(__x86_64__)
	long r;
	__asm__ volatile("int $0x80"
			 : "=a"(r)
			 : "a"(nr), "b"(a[0]), "c"(a[1]), "d"(a[2]), "S"(a[3]), "D"(a[4])
			 : "memory", "r8", "r9", "r10", "r11", "r12", "r13", "r14", "r15");
	if (r < 0 && r > -4096) {
		errno = -r;
		return -1;
	}
	return r;
#else
	(void)nr;
	(void)a;
	errno = ENOSYS;
	return -1;
#endif
}

/* Make the call CALL with numeric arguments and say how it went: what a
 * seccomp filter did to it (EPERM, ENOSYS), or what the kernel said.  A
 * clone that worked made a child, which leaves at once. */
static int sys(int i386, int argc, char **argv)
{
	unsigned long a[6] = { 0 };
	long nr = -1, r;
	char *end;

	for (size_t i = 0; i < sizeof calls / sizeof calls[0]; i++)
		if (!strcmp(argv[0], calls[i].name))
			nr = i386 ? calls[i].nr32 : calls[i].nr;
	if (nr < 0 && ((nr = strtol(argv[0], &end, 0)) < 0 || *end || end == argv[0])) {
		fprintf(stderr, "probe: no such call %s\n", argv[0]);
		return 2;
	}
	for (int i = 1; i < argc; i++)
		a[i - 1] = strtoul(argv[i], NULL, 0);
	fflush(stdout);
	int is_clone = nr == (i386 ? 120 : SYS_clone);
	r = i386 ? int80(nr, a) : syscall(nr, a[0], a[1], a[2], a[3], a[4], a[5]);
	int err = errno;
	if (is_clone && r == 0)
		_exit(0);	/* the child */
	if (is_clone && r > 0)
		waitpid(r, NULL, __WALL);
	if (r == -1)
		printf("%s: %s\n", argv[0], strerrorname_np(err) ? strerrorname_np(err) : strerror(err));
	else
		printf("%s: ok\n", argv[0]);
	return 0;
}

/* A process's seccomp filter, as the kernel holds it (ptrace(2),
 * PTRACE_SECCOMP_GET_FILTER: the tracer needs CAP_SYS_ADMIN, the tracee
 * must be stopped).  Attach, copy filter 0 (the newest), detach: the
 * process goes on as before. */
static int filter(int pid)
{
	if (ptrace(PTRACE_ATTACH, pid, NULL, NULL) < 0 || waitpid(pid, NULL, __WALL) < 0) {
		fprintf(stderr, "probe: attach to %d: %s\n", pid, strerror(errno));
		return 1;
	}
	long n = ptrace(PTRACE_SECCOMP_GET_FILTER, pid, 0, NULL);
	struct sock_filter *prog = n > 0 ? calloc(n, sizeof *prog) : NULL;
	int ok = prog && ptrace(PTRACE_SECCOMP_GET_FILTER, pid, 0, prog) == n;
	int err = errno;
	ptrace(PTRACE_DETACH, pid, NULL, NULL);
	if (!ok) {
		/* EINVAL: the process is not in filter mode. */
		fprintf(stderr, "probe: filter of %d: %s\n", pid, err == EINVAL ? "none" : strerror(err));
		return 1;
	}
	fprintf(stderr, "probe: %ld instructions\n", n);
	fwrite(prog, sizeof *prog, n, stdout);
	free(prog);
	return 0;
}

/* Could PATH be written?  A shell's `>>` also creates, and a failed
 * redirection ends busybox's sh; this only opens, O_WRONLY without
 * O_CREAT or O_TRUNC, and writes nothing (a sysctl or a device is never
 * changed by a test).  "opened", or why not: EROFS from a read-only
 * mount comes after the permission check's EACCES. */
static int openw(const char *path)
{
	int fd = open(path, O_WRONLY | O_NOCTTY | O_CLOEXEC);
	if (fd < 0) {
		printf("%s: %s\n", path, strerror(errno));
		return 1;
	}
	close(fd);
	printf("%s: opened\n", path);
	return 0;
}
