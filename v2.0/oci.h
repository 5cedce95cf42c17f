/* minidocker v2.0: the OCI runtime's shared declarations: the interface
 * between the config reader and the command line.
 *
 *   ocispec.c    config.json read into struct oci_spec, every field checked;
 *                spec's default config.json
 *   ociinit.c    in the container's init: the spec's mounts, pivot_root,
 *                masks, sysctl, rlimits, user, capabilities, seccomp
 *   ociseccomp.c the OCI seccomp object as a libseccomp filter
 *   oci.c        runc's command line: create, start, state, kill, delete,
 *                exec, ps, features; the state under --root; hooks
 *
 * Owners while it is written: ocispec.c, ociinit.c, ociseccomp.c and the
 * struct below: the "ocispec" branch; oci.c and main.c's dispatch: the
 * "ocicli" branch.  A field either side needs is added by the spec's
 * owner; the other side merges that branch.
 */
#ifndef OCI_H
#define OCI_H

#include <sys/resource.h>
#include <sys/types.h>

struct json_t;

enum { OCI_NS_PID, OCI_NS_NET, OCI_NS_IPC, OCI_NS_UTS, OCI_NS_MNT, OCI_NS_USER, OCI_NS_CGROUP,
       OCI_NS_TIME, OCI_NS_MAX };

struct oci_ns {
	int wanted;		/* listed in linux.namespaces */
	char *path;		/* joined (setns) if not NULL, else new */
};

struct oci_idmap {
	unsigned long container, host, size;
};

struct oci_mount {
	char *destination, *type, *source;	/* SOURCE absolute for a bind */
	unsigned long flags;	/* MS_* from the options (MS_BIND, MS_REC with rbind) */
	unsigned long propagation;	/* MS_SHARED, MS_PRIVATE... (| MS_REC), or 0 */
	char *data;		/* the options that are not flags, ','-joined ("" if none) */
	int copy_up;		/* tmpcopyup: a tmpfs gets what the folder it hides held */
};

/* linux.devices: a node made in the container's /dev. */
struct oci_device {
	char *path;		/* absolute, in the container */
	mode_t type;		/* S_IFCHR, S_IFBLK or S_IFIFO ("u" is S_IFCHR) */
	unsigned int major, minor;
	mode_t mode;		/* fileMode's permission bits, 0666 if not given */
	uid_t uid;
	gid_t gid;
};

/* linux.resources.devices: the cgroup's device allow list, in order. */
struct oci_devrule {
	int allow;
	char type;		/* 'a', 'c' or 'b' */
	long long major, minor;	/* -1: any ('*') */
	char access[4];		/* some of "rwm" */
};

struct oci_rlimit {
	int resource;		/* RLIMIT_* */
	struct rlimit lim;
};

struct oci_hook {
	char *path, **args, **env;
	int timeout;		/* seconds, 0: none */
};
enum { OCI_HOOK_PRESTART, OCI_HOOK_CREATE_RUNTIME, OCI_HOOK_CREATE_CONTAINER, OCI_HOOK_START_CONTAINER,
       OCI_HOOK_POSTSTART, OCI_HOOK_POSTSTOP, OCI_HOOK_MAX };

/* config.json's "process", also exec --process's file. */
struct oci_process {
	int terminal;
	char **args, **env, *cwd;
	uid_t uid;
	gid_t gid;
	gid_t *groups;
	int ngroups;
	int umask;		/* -1: not given */
	int has_caps;		/* "capabilities" given; if not, every set is empty */
	unsigned long long caps[5];	/* OCI_CAP_*: bits 1 << CAP_* */
	struct oci_rlimit *rlimits;
	int nrlimits;
	int no_new_privs;
	int oom_score_adj, has_oom_score_adj;
	unsigned short console_height, console_width;	/* consoleSize, 0 if not given */
	/* Not config.json's: `run` and `exec` build this struct from their
	 * flags (user.c, security_process) and set these; a file leaves 0. */
	int from_flags;		/* cwd (-w) entered as the user, 126 if it may not be (v1.5's
				 * rule); NULL cwd: stay; messages that name the flags */
	char user_flag[64];	/* -u as given ("" for root), for those messages */
};
enum { OCI_CAP_BOUNDING, OCI_CAP_EFFECTIVE, OCI_CAP_INHERITABLE, OCI_CAP_PERMITTED, OCI_CAP_AMBIENT };

struct oci_spec {
	char *bundle;		/* absolute */
	char *version;		/* ociVersion */
	char *root;		/* root.path, absolute (bundle-relative resolved) */
	int root_readonly;
	char *hostname, *domainname;
	struct oci_process process;
	struct oci_mount *mounts;
	int nmounts;
	struct oci_ns ns[OCI_NS_MAX];
	struct oci_idmap *uidmap, *gidmap;
	int nuidmap, ngidmap;
	char *cgroups_path;
	long long mem_limit, mem_swap, pids_limit;	/* -1: none */
	long long cpu_quota, cpu_period, cpu_shares;	/* -1: none */
	struct oci_device *devices;	/* linux.devices */
	int ndevices;
	struct oci_devrule *devrules;	/* linux.resources.devices */
	int ndevrules;
	char **masked, **readonly;
	int nmasked, nreadonly;
	char **sysctl;		/* K=V */
	int nsysctl;
	unsigned long rootfs_propagation;
	int seccomp_fd;		/* linux.seccomp as BPF in a memfd (O_CLOEXEC), or -1 */
	struct oci_hook *hooks[OCI_HOOK_MAX];
	int nhooks[OCI_HOOK_MAX];
	struct json_t *annotations;	/* an object, maybe empty; of s->json */
	struct json_t *json;	/* the whole document */
};

/* "config.json: WHERE: why" on stderr (md_warnx), and -1. */
int oci_bad(const char *where, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* BUNDLE/config.json read and checked: 0, or -1 after saying which field
 * is wrong and why ("config.json: process.args: ..."), S then freed.
 * The seccomp filter is built here (ociseccomp.c), by the runtime. */
int oci_spec_load(const char *bundle, struct oci_spec *s);
void oci_spec_free(struct oci_spec *s);
/* exec --process FILE: a "process" object on its own. */
int oci_process_load(const char *file, struct oci_process *p);

/* An unsigned 64-bit number of config.json (V, in the file being read):
 * 0 and *OUT, or -1 if V is not one.  2^64-1 included, which jansson's
 * signed integers cannot hold (ocispec.c's load_json). */
int oci_u64(struct json_t *v, unsigned long long *out);

/* runc spec: a default config.json written into BUNDLE (ROOTLESS: with a
 * user namespace mapping the caller's ids), never over an existing one.
 * 0, or -1 after saying why. */
int oci_spec_default(const char *bundle, int rootless);

/* ociseccomp.c: linux.seccomp (V, at WHERE in the file) as a filter in
 * a memfd: its fd, or -1 after naming the bad field. */
int oci_seccomp_build(struct json_t *v, const char *where);
/* features' "seccomp" object: the actions, operators, flags, archs. */
struct json_t *oci_seccomp_features(void);

/* ociinit.c, in the init, in its new namespaces (the user namespace's
 * maps written, the joined ones joined): the rootfs prepared (/ made
 * rslave or rootfsPropagation, the root bound onto itself, the mounts in
 * order, the default /dev nodes if /dev is the container's own, then
 * linux.devices; BEFORE_PIVOT(ARG) if not NULL (createContainer hooks);
 * pivot_root or, with NO_PIVOT, a chroot after moving the root onto /;
 * then sysctl, readonlyPaths, maskedPaths, hostname, domainname, the
 * root read-only).  No /dev/console: the caller binds its terminal.
 * 0, or -1 after saying why.  (Some steps are v1.x's functions, which
 * exit 125 after their message: the init is a process of its own.) */
int oci_init_rootfs(const struct oci_spec *s, int no_pivot, void (*before_pivot)(void *), void *arg);
/* Its last two parts, also run's (container.c), whose mounts before
 * them are its own (the overlay, /proc, /sys, /dev, masks, volumes):
 * pivot_root into ROOT (HINT: the advice if that is EINVAL), then S's
 * steps in it (rootfsPropagation, sysctl, readonlyPaths, maskedPaths,
 * hostname, domainname, the root read-only; those S leaves 0 skipped). */
int oci_enter_root(const char *root, int no_pivot, const char *hint);
int oci_finish_root(const struct oci_spec *s);
/* oci_finish_root's readonlyPaths and maskedPaths; run's masks.c applies
 * Docker's with it, before pivot_root.  0, or -1 after saying why. */
int oci_protect_paths(const struct oci_spec *s);
/* Last before execve, in the root: rlimits, oom_score_adj, umask (0022 if
 * not given), cwd, seccomp (here if no noNewPrivileges: loading it needs
 * CAP_SYS_ADMIN then), the bounding set, groups, gid, uid, the other
 * four capability sets, no_new_privs, seccomp (here with it).  P is
 * S's process, or exec --process's, or (from_flags) the one `run` and
 * `exec` build from their flags; only S's seccomp_fd is read.  0 or -1
 * after saying why. */
int oci_init_process(const struct oci_spec *s, const struct oci_process *p);
/* The session keyring "_ses.ID", joined (made if missing) and, by the
 * INIT, made searchable (by everyone with USERNS); no keyrings on this
 * kernel is fine.  0 or -1 after saying why. */
int oci_join_session_keyring(const char *id, int userns, int init);
/* ocidevices.c: linux.resources.devices, then runc's default rules, on
 * the container's cgroup PARENT/ID, made (v1: its devices folder too,
 * struct limits' devices): 0, or -1 after saying why. */
int oci_devices_apply(const struct oci_spec *s, const char *parent, const char *id);

#endif
