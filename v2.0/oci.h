/* minidocker v2.0: the OCI runtime's shared declarations (a DRAFT of the
 * interface between the two halves of the stage, to be refined by them).
 *
 *   ocispec.c    config.json read into struct oci_spec, every field checked
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
	char *destination, *type, *source;
	unsigned long flags;	/* MS_* from the options */
	unsigned long propagation;	/* MS_SHARED, MS_PRIVATE... or 0 */
	int bind, recursive;
	char *data;		/* the options that are not flags, ','-joined */
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
	unsigned long long caps[5];	/* bounding, effective, inheritable, permitted, ambient */
	struct oci_rlimit *rlimits;
	int nrlimits;
	int no_new_privs;
	int oom_score_adj, has_oom_score_adj;
	char *apparmor, *selinux;	/* refused if set: not supported */
};

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
	struct json_t *devices;	/* linux.devices and resources.devices, as read */
	char **masked, **readonly;
	int nmasked, nreadonly;
	char **sysctl;		/* K=V */
	int nsysctl;
	unsigned long rootfs_propagation;
	struct json_t *seccomp;	/* linux.seccomp, or NULL */
	struct oci_hook *hooks[OCI_HOOK_MAX];
	int nhooks[OCI_HOOK_MAX];
	struct json_t *annotations;
	struct json_t *json;	/* the whole document */
};

/* BUNDLE/config.json read and checked: 0, or -1 after saying which field
 * is wrong and why (runc's words where it has them). */
int oci_spec_load(const char *bundle, struct oci_spec *s);
void oci_spec_free(struct oci_spec *s);
/* exec --process FILE: a "process" object on its own. */
int oci_process_load(const char *file, struct oci_process *p);

/* In the init, in its new mount namespace: the rootfs prepared (its
 * propagation, the mounts in order, pivot_root or, with NO_PIVOT, a
 * chroot after moving it to /, masked and read-only paths, root
 * read-only), sysctl written, hostname set.  0 or -1 after saying why. */
int oci_init_rootfs(const struct oci_spec *s, int no_pivot);
/* Last before execve: rlimits, oom_score_adj, umask, groups, gid, uid,
 * the five capability sets, no_new_privs, the seccomp filter, cwd. */
int oci_init_process(const struct oci_spec *s, const struct oci_process *p);

#endif
