/* minidocker v0.8: what the files of this stage share.
 *
 *   main.c       the command table, usage and option parsing, main()
 *   commands.c   one handler per command: run, ps, exec, start, stop, ...
 *   state.c      containers on disk: state files, locks, lookup
 *   container.c  making a container: image copy, namespaces, init, setns
 *   monitor.c    the process that waits for a container and records its end
 *   process.c    signals, waiting, and naming processes safely
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
struct container;
/* Free the command that load_state or find_container read into C. */
void drop_command(struct container *c);

int cmd_run(int argc, char **argv);
int cmd_ps(int argc, char **argv);
int cmd_exec(int argc, char **argv);
int cmd_start(int argc, char **argv);
int cmd_stop(int argc, char **argv);
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

enum status { CREATED, RUNNING, EXITED };

struct container {
	char id[65];
	char image[256];
	int argc;
	char **argv;		/* the command */
	int autoremove;		/* run --rm: remove it when it exits */
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
/* STATE_MISSING: no state file (yet, or its creation was killed);
 * STATE_DAMAGED: not a file that save_state wrote, whole. */
enum { STATE_OK = 0, STATE_MISSING = -1, STATE_DAMAGED = -2 };
int load_state(const char *id, struct container *c);
/* Say that container ID's state is damaged, and how to get rid of it. */
void damaged(const char *id);
/* Record the truth about a container whose run or start was killed (and
 * remove it if it was a --rm one): 1 if it was removed.  settle_locked:
 * the same, for a caller holding lock_container(). */
int settle(struct container *c);
int settle_locked(struct container *c);
int lock_container(const char *id, int wait);
int list_ids(char ***ids);
void free_ids(char **ids, int n);
/* The container NAME names: its full id, or a unique prefix of its id.
 * 0, or -1 after saying why not. */
int find_container(const char *name, struct container *c);
int is_running(const struct container *c);
int lock_containers(void);

/* ---- container.c ----------------------------------------------------- */

void image_path(const char *image, char *path);
/* A new container, "created"; returns its lock (lock_container). */
int create_container(struct container *c, const char *image, char **cmd, int ncmd);
/* Start C's command in new namespaces, attached to our stdio, and record
 * it "running" once the init is in its root, about to exec the command.
 * Returns the PID of its PID 1, or -1 after saying why. */
pid_t spawn_container(struct container *c);
noreturn void container_init(int argc, char **argv);
void container_env(void);
void join_container(const struct container *c);

/* ---- monitor.c ------------------------------------------------------- */

/* Start container C attached and wait for it, as its monitor: record its
 * state.  LOCK, C's lock, is closed once it runs.  Returns the exit status. */
int supervise(struct container *c, int lock);

#endif
