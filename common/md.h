/* since v0.1: the plumbing every stage has */
/* Plumbing shared by every minidocker stage: error reporting with hints,
 * the debug trace, and the exit-status conventions.  The lessons themselves
 * live in the stage folders; nothing here creates a namespace or a mount. */
#ifndef MD_COMMON_H
#define MD_COMMON_H

#include <stdio.h>
#include <stdnoreturn.h>

/* Exit statuses, the same as `docker run` (see docker-run(1), "Exit Status"). */
enum {
	MD_EXIT_FAILED = 125,	/* minidocker itself failed, bad usage included */
	MD_EXIT_CANNOT_RUN = 126, /* the command exists but cannot be run */
	MD_EXIT_NOT_FOUND = 127, /* the command was not found */
};

#define MD_PRINTF(a, b) __attribute__((format(printf, a, b)))

/* "minidocker: MSG: strerror(errno)" on stderr, then a "hint:" line when
 * errno has a usual cause (EPERM: not root).  errno is left as it was. */
void md_warn(const char *fmt, ...) MD_PRINTF(1, 2);
/* "minidocker: MSG" on stderr, without errno. */
void md_warnx(const char *fmt, ...) MD_PRINTF(1, 2);
/* "hint: MSG" on stderr: what the user can do about the error above. */
void md_hint(const char *fmt, ...) MD_PRINTF(1, 2);
/* md_warn or md_warnx, then exit 125. */
noreturn void md_die(const char *fmt, ...) MD_PRINTF(1, 2);
noreturn void md_diex(const char *fmt, ...) MD_PRINTF(1, 2);

/* A usage error: "minidocker: MSG", then USAGE, on stderr; exit 125. */
noreturn void md_usage_error(const char *usage, const char *fmt, ...)
	MD_PRINTF(2, 3);

/* After a failed execve of CMD: report it and _exit with 127 when the
 * command does not exist, 126 when it exists but cannot be run. */
noreturn void md_exec_failed(const char *cmd);

/* Just before a container's command is exec'd: fds from 3 up marked
 * close-on-exec (only 0, 1 and 2 cross), every signal disposition back to
 * its default, the signal mask empty.  See exec.c. */
void md_exec_prepare(void);

/* With MINIDOCKER_DEBUG=1 in the environment, print the seed's trace
 * "Process => [argv...] [pid]" on stderr, so the PIDs can be watched. */
void md_trace(char **argv);

/* since v0.2: the CAP_SYS_ADMIN pre-flight */
/* Pre-flight check with libcap (see capabilities(7)): does this process
 * have CAP_SYS_ADMIN in its effective set?  If not, explain what WHAT needs
 * and how to get it, and exit 125, instead of letting the kernel answer a
 * bare EPERM later. */
void md_require_sys_admin(const char *what);

/* since v0.3: minidocker re-executes itself, from a sealed copy */
/* execve ARGV with minidocker itself, from a sealed copy in memory
 * (memfd_create(2)), never from its file: a container process must not be
 * able to reach, and overwrite, the runtime's binary (CVE-2019-5736). */
noreturn void md_exec_self(char **argv);
/* since v1.3: is it the sealed copy that runs? */
/* Is this process running from that sealed copy (its /proc/self/exe a
 * memfd), not from minidocker's file? */
int md_in_sealed_copy(void);

/* since v0.5: the state root, which holds the image */
/* The state root: MINIDOCKER_ROOT if set; /var/lib/minidocker for root;
 * otherwise $XDG_DATA_HOME/minidocker, by default ~/.local/share/minidocker.
 * Images are ROOT/images/NAME, containers ROOT/containers/ID. */
const char *md_state_root(void);
/* hint: the `make image` that builds the image in this state root. */
void md_image_hint(void);

/* since v0.6: copying and removing trees, for images and containers */
/* realloc(3), or exit 125 saying so: for the small lists minidocker keeps. */
void *md_realloc(void *p, size_t size);

/* Copy the contents of the folder SRC into the existing, empty folder DST:
 * folders, files, symlinks, device nodes and FIFOs, with their modes,
 * owners and times; DST itself gets SRC's.  Hard links become separate
 * copies.  Returns 0, or -1 after printing what failed. */
int md_copy_tree(const char *src, const char *dst);
/* Is the open FD on procfs or sysfs?  md_copy_tree copies none of their
 * files (the kernel's, not the tree's): such a folder comes out empty. */
int md_kernel_files(int fd);
/* Remove PATH and everything under it, never following a symlink or
 * crossing into a mount.  Returns 0, or -1 after printing what failed. */
int md_remove_tree(const char *path);

/* since v0.7: user namespaces refused, random ids, the state root's folders */
/* When the kernel refused to create a user namespace (clone or unshare
 * failed with EPERM, EACCES or ENOSPC): say which setting of this host is
 * the reason, and what to do about it. */
void md_userns_hint(int err);

/* A new container id: 64 hex digits from getrandom(2), NUL-terminated. */
void md_new_id(char id[65]);

/* Format a path into BUF (PATH_MAX bytes); exit 125 if it does not fit,
 * rather than use a truncated path. */
void md_pathf(char *buf, const char *fmt, ...) MD_PRINTF(2, 3);

/* ROOT/SUB into PATH (PATH_MAX bytes), with ROOT (mode 0700) and ROOT/SUB
 * (MODE) made if missing; exit 125 if they cannot be. */
void md_state_dir(char *path, const char *sub, int mode);

/* since v1.2: a walk calling a function on every entry, to shift ids */
/* FN(DIRFD, NAME, ST, ARG) on every entry under the folder PATH, never
 * following a symlink: NAME is relative to the open folder DIRFD, and ST
 * its lstat; a folder after what it holds, PATH itself last (DIRFD
 * AT_FDCWD).  Any depth, with a few fds.  Stops at the first FN that
 * does not return 0, and returns that; -1 after printing what failed. */
struct stat;
typedef int (*md_walk_fn)(int dirfd, const char *name, const struct stat *st, void *arg);
int md_walk_tree(const char *path, md_walk_fn fn, void *arg);

#endif
