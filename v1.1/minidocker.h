/* minidocker v1.1: what the files of this stage share.
 *
 *   main.c       the command table, usage and option parsing, main()
 *   commands.c   one handler per command: run, ps, exec, logs, ...
 *   state.c      containers on disk: state files, names, lookup
 *   container.c  making a container: image copy, namespaces, init, setns
 *   monitor.c    the process that watches a container and keeps its log
 *   tty.c        pseudo-terminals and raw mode
 *   process.c    signals, waiting, and naming processes safely
 *   cgroup.c     limits on memory, CPU and processes (v1.0)
 *   images.c     images as layers: import, commit, images, rmi (v1.1)
 */
#ifndef MINIDOCKER_H
#define MINIDOCKER_H

#include "md.h"

#include <limits.h>
#include <stdio.h>
#include <sys/types.h>
#include <time.h>

/* ---- main.c: the command table -------------------------------------- */

struct command {
	const char *name;
	const char *summary;
	const char *usage;	/* after "minidocker " */
	const char *options;	/* one line per option, or NULL */
	int (*handler)(int argc, char **argv);
};

const struct command *find_command(const char *name);
void main_usage(FILE *f);
void command_usage(const struct command *c, FILE *f);
/* A usage error for command C (NULL: minidocker itself): the message, a
 * suggestion if SUGGEST is not NULL, the usage on stderr; exit 125. */
noreturn void usage_error(const struct command *c, const char *suggest, const char *fmt, ...)
	MD_PRINTF(3, 4);
struct option;
/* getopt_long for command C, with -h/--help and our own messages.  Options
 * may follow other words, except in run and exec, where they end at the
 * container's command.  Returns the option or -1. */
int next_opt(const struct command *c, int argc, char **argv, const char *shortopts,
	     const struct option *longopts);
extern const char *self_path;	/* argv[0], for the re-exec */
/* Docker's words for a duration: "5 seconds", "About a minute". */
void human_duration(double secs, char *buf, size_t len);
struct container;
/* Free the command that load_state or find_container read into C. */
void drop_command(struct container *c);

int cmd_run(int argc, char **argv);
int cmd_ps(int argc, char **argv);
int cmd_exec(int argc, char **argv);
int cmd_logs(int argc, char **argv);
int cmd_start(int argc, char **argv);
int cmd_stop(int argc, char **argv);
int cmd_rm(int argc, char **argv);
int cmd_stats(int argc, char **argv);
int cmd_images(int argc, char **argv);
int cmd_import(int argc, char **argv);
int cmd_commit(int argc, char **argv);
int cmd_rmi(int argc, char **argv);
int cmd_version(int argc, char **argv);
int cmd_help(int argc, char **argv);

/* ---- process.c ------------------------------------------------------- */

extern pid_t child;		/* where forwarded signals go */
void forward_signals(void);	/* installed, and held back... */
void release_signals(void);	/* ...until this */
int wait_for(pid_t pid);
unsigned long long start_time(pid_t pid);
int alive(pid_t pid, unsigned long long started);
int pidfd_open(pid_t pid);
int pidfd_signal(int pidfd, int sig);
int pidfd_wait(int pidfd, int ms);

/* ---- state.c --------------------------------------------------------- */

/* DEAD: a folder whose state is missing or damaged, and that nobody is
 * creating (ps shows it so, Docker's word; rm removes it).  Never saved. */
enum status { CREATED, RUNNING, EXITED, DEAD };

/* What run -m, --cpus and --pids-limit asked for; 0: no limit. */
struct limits {
	long long memory;	/* bytes */
	double cpus;		/* CPUs' worth of time per period */
	long pids;
};

struct container {
	char id[65];
	char name[64];
	char image[256];
	int argc;
	char **argv;		/* the command */
	int tty, interactive, autoremove;
	struct limits limits;
	char cgroup_parent[256];	/* run --cgroup-parent: "minidocker" */
	struct timespec created, finished;
	enum status status;
	pid_t pid;		/* the container's PID 1, as the host sees it */
	unsigned long long pid_start;
	pid_t monitor;		/* the minidocker process watching it */
	unsigned long long monitor_start;
	int exit_code;
};

void container_path(char *buf, const char *id, const char *file);
void save_state(const struct container *c);
/* save_state, but -1 (errno set) instead of exit 125 on failure. */
int try_save_state(const struct container *c);
int load_state(const char *id, struct container *c);
/* Record the truth about a container whose run or start was killed, and
 * remove what it left (cgroups; all of it for --rm): 1 if it was removed.
 * settle_locked: the same, for a caller holding lock_container(). */
int settle(struct container *c);
int settle_locked(struct container *c);
int lock_container(const char *id, int wait);
int list_ids(char ***ids);
void free_ids(char **ids, int n);
/* The container NAME names: its name, its full id, or a unique prefix of
 * its id.  0, or -1 after saying why not; -2 if it has no readable state
 * (C->id is then its id, and nothing else is filled in). */
int find_container(const char *name, struct container *c);
int is_running(const struct container *c);
/* Docker's rule for names; a free name; a new random one.  Callers hold
 * lock_containers() while they check and claim a name. */
int valid_name(const char *name);
int name_in_use(const char *name, char *owner_id);
void random_name(char *buf, size_t len);
int lock_containers(void);

/* ---- container.c ----------------------------------------------------- */

void image_path(const char *image, char *path);
/* images.c: the overlay lowerdir for IMAGE, its layers top first, joined
 * by ':' (0), or -1 after saying why not. */
int image_layers(const char *image, char *lowers);
/* A new container, "created"; returns its lock (lock_container). */
int create_container(struct container *c, const char *image, char **cmd, int ncmd);
/* Start C's command in new namespaces with STDIO as its fds 0, 1, 2
 * (TTY: they are a terminal, to become its controlling terminal), and
 * record it "running" once the command is exec'd in its root.  Returns
 * the PID of its PID 1, or -1 after saying why; *FAILED gets the errno
 * of the command's exec if it failed (the container stays "created"). */
pid_t spawn_container(struct container *c, const int stdio[3], int tty, int *failed);
noreturn void container_init(int argc, char **argv);
void container_env(void);
void join_container(const struct container *c);

/* ---- monitor.c ------------------------------------------------------- */

struct run_opts {
	int detach, interactive, tty;
};

/* Start container C and watch it until it ends, as its monitor: relay its
 * output to the log (and to our stdout and stderr unless detached), record
 * its state.  READY, if not -1, gets a byte once it runs; LOCK, if not -1,
 * is closed then.  Returns the exit status. */
int supervise(struct container *c, const struct run_opts *o, int ready, int lock);
/* Fork a monitor in a session of its own for C, and return once C runs:
 * 0; 126 or 127 if its command could not be exec'd; 125 if it could not
 * start (the monitor said why on stderr). */
int start_detached(struct container *c, const struct run_opts *o, int lock);

/* ---- cgroup.c -------------------------------------------------------- */

struct cg_stats {
	long long memory, memory_limit;	/* bytes; -1: no limit */
	long long cpu_ns;		/* CPU time used, all processes */
	long long pids;
};

const char *cgroup_mode(void);	/* "v2", "v1" or "none" */
/* Can this host apply limits L?  If not, say why: 0 or -1. */
int cgroup_check(const struct limits *l);
/* Is PARENT a --cgroup-parent: a relative path, without "." or ".."? */
int valid_cgroup_parent(const char *parent);
/* The cgroups of container ID, PARENT/ID in each hierarchy, with limits L
 * written in. */
int cgroup_create(const char *parent, const char *id, const struct limits *l);
/* Move process PID into them; PID 0: the caller itself. */
int cgroup_join(const char *parent, const char *id, pid_t pid);
/* Kill what is left in them, and remove them (PARENT stays). */
void cgroup_remove(const char *parent, const char *id);
/* Did the OOM killer kill one of container ID's processes?  1 or 0. */
int cgroup_oom_killed(const char *parent, const char *id);
int cgroup_stats(const char *parent, const char *id, struct cg_stats *s);

/* ---- tty.c ----------------------------------------------------------- */

/* A new pseudo-terminal: its master, and its slave in *SLAVE. */
int open_pty(int *slave);
/* Our terminal's size onto the pty's (after a SIGWINCH too). */
void copy_winsize(int from, int to);
/* Put FD's terminal in raw mode, remembering how it was. */
void raw_mode(int fd);
void restore_mode(void);

#endif
