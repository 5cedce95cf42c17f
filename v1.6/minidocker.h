/* minidocker v1.6: what the files of this stage share.
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
 *   userns.c     id ranges: /etc/subuid, newuidmap, the maps (v1.2)
 *   idmap.c      layers seen through the range: idmapped or copied (v1.2)
 *   caps.c       capabilities with libcap (v1.2)
 *   user.c       -u, and user, capabilities, no_new_privs applied (v1.2)
 *   seccomp.c    the system calls a container may not make (v1.3)
 *   devices.c    /dev: bound nodes, devpts, shm, mqueue (v1.3)
 *   masks.c      /sys read-only, masked and read-only paths (v1.3)
 *   mounts.c     --read-only, --tmpfs, --shm-size (v1.3)
 *   endpoint.c   a container on a network: --network, --hostname, -p (v1.4)
 *   network.c    networks and their bridges, the network command (v1.4)
 *   net.c        links, addresses and routes over netlink, libmnl (v1.4)
 *   nft.c        NAT and published ports in nftables, libnftables (v1.4)
 *   ipam.c       addresses and ports handed out, in ROOT/networks (v1.4)
 *   pasta.c      a network without root, from pasta (v1.4)
 *   config.c     -e, --env-file, -w, --entrypoint: the command's settings (v1.5)
 *   volume.c     -v, --mount: bind mounts, named volumes, the volume command (v1.5)
 *   lifecycle.c  kill, wait, restart, rename, top (v1.5)
 *   logtime.c    logs -t, --since, --until: times as Docker writes them (v1.5)
 *   inspect.c    inspect: containers, images, volumes, networks as JSON (v1.5)
 *   format.c     --format's templates, for inspect and ps (v1.5)
 *   pslist.c     ps -f and ps --format (v1.5)
 *   copy.c       cp, through the container's root with openat2 (v1.5)
 *   execio.c     exec -i, -t, -d (v1.5)
 *   store.c      layers by digest, image records, names and tags (v1.6)
 *   layertar.c   a layer folder as an OCI layer tar, whiteouts (v1.6)
 *   archive.c    load, save, export: docker-archive and OCI layouts (v1.6)
 *   imgconfig.c  an image's config: kept, and applied by run (v1.6)
 *   change.c     commit and import -c: Dockerfile's CMD, ENV... (v1.6)
 */
#ifndef MINIDOCKER_H
#define MINIDOCKER_H

#include "md.h"

#include <limits.h>
#include <stdint.h>
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
/* C's subcommand, argv[1]: create, ls, rm or inspect; -h, none or another
 * handled here.  Its options follow, from ARGV + 1. */
const char *subcommand(const struct command *c, int argc, char **argv);
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
/* v1.5: lifecycle.c, inspect.c, copy.c */
int cmd_kill(int argc, char **argv);
int cmd_wait(int argc, char **argv);
int cmd_restart(int argc, char **argv);
int cmd_rename(int argc, char **argv);
int cmd_top(int argc, char **argv);
/* SIGTERM, then SIGKILL after TIMEOUT seconds (at once if negative), and
 * wait for the monitor to record the end (commands.c, stop's). */
void end_container(const struct container *c, int timeout);
/* stop's and restart's -t: seconds, 0 to 86400, or a usage error. */
int stop_timeout(const struct command *cmd, const char *arg);
/* logtime.c: logs -t ('t'), --since ('S'), --until ('U') into LF. */
struct log_filter {
	int timestamps;
	struct timespec since, until;	/* 0: no bound */
};
void log_option(const struct command *cmd, int opt, const char *arg, struct log_filter *lf);
/* A log record's own time; a < b. */
int record_time(const char *line, struct timespec *t);
int time_before(const struct timespec *a, const struct timespec *b);
/* T as Docker prints times, RFC 3339 with nanoseconds (Go's zero time if
 * T is 0). */
void rfc3339_text(const struct timespec *t, char *buf, size_t len);
int cmd_inspect(int argc, char **argv);
int cmd_cp(int argc, char **argv);
struct json_t;
/* inspect.c: network NAME as Docker's JSON, or NULL; and ALL, an array,
 * as Docker prints it, FLAGS jansson's order of keys. */
struct json_t *network_json(const char *name);
void print_json(struct json_t *all, size_t flags);
/* format.c: --format's template: refused with a message (-1) unless it
 * is one minidocker takes; then V printed through it, and a newline.
 * STRICT: a missing field is an error (ps), not "<no value>" (inspect). */
int format_check(const char *tmpl);
int format_print(FILE *out, const char *tmpl, struct json_t *v, int strict);
/* images.c: IMAGE's parent ("" if none) and when it was made. */
void image_meta(const char *image, char *parent, size_t len, time_t *created);
/* pslist.c: ps -f KEY=VALUE (name, id, status) and --format. */
enum { MAX_FILTERS = 16 };
struct ps_filter {
	int n, status;		/* STATUS: a status= filter was given */
	char key[MAX_FILTERS];	/* 'n'ame, 'i'd, 's'tatus */
	const char *value[MAX_FILTERS];
};
int ps_filter_match(const struct ps_filter *f, const struct container *c);
void ps_format_row(const char *tmpl, const struct container *c, char (*cells)[96]);
struct ps_opts {
	int notrunc;
	const char *format;
	struct ps_filter filter;
};
/* ps's --no-trunc ('T'), --format ('F'), -f; then, once all are read,
 * the template checked (-1) and -a implied by a status filter. */
void ps_option(const struct command *cmd, int opt, const char *arg, struct ps_opts *o);
int ps_finish(struct ps_opts *o, int quiet, int *all);
/* execio.c: exec's -d, -i and -t, through the steps of cmd_exec. */
struct exec_io {
	int detach, interactive, tty;
	int master, slave;	/* -t: the container's pty */
	int null;		/* /dev/null, for no input or (-d) no output */
	int report[2];		/* -d: the errno of a failed exec */
};
void exec_io_prepare(struct exec_io *io);
void exec_io_open_pty(struct exec_io *io);
void exec_io_child(const struct exec_io *io);
void exec_io_detach(const struct exec_io *io);
void exec_io_failed(const struct exec_io *io, int err);
int exec_io_parent(struct exec_io *io, pid_t pid, const char *cmd);
/* The PATH a container's command gets (container_env). */
#define CONTAINER_PATH "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
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

/* v1.2: how the container's ids map to the host's: one or two extents,
 * as in /proc/PID/uid_map (user_namespaces(7)). */
struct idext {
	unsigned long inside, outside, count;
};
enum map_how { MAP_SELF, MAP_RANGE, MAP_HELPER };
struct idmap {
	enum map_how how;	/* our own id; root's range; newuidmap */
	int n;
	struct idext uid[2], gid[2];
};

/* v1.2: what the container's processes are, and may do. */
struct security {
	char user[64];		/* -u as given; "" is root */
	unsigned long long caps;	/* bounding, permitted, effective */
	int nnp;		/* --security-opt no-new-privileges */
	int seccomp;		/* v1.3: 1: the filter; 0: seccomp=unconfined */
	int filter;		/* its BPF, from seccomp_build, or -1; not saved */
};

/* v1.3: run's --read-only, --tmpfs and --shm-size. */
enum { MAX_TMPFS = 16 };
struct mounts {
	int read_only;		/* the root filesystem is mounted read-only */
	long long shm_size;	/* /dev/shm's size, bytes */
	int ntmpfs;
	char tmpfs[MAX_TMPFS][256];	/* PATH[:OPTIONS], as given */
};

/* v1.4: -p [IP:]HOSTPORT:PORT[/PROTO]. */
struct port {
	char proto[4];		/* "tcp" or "udp" */
	char host_ip[16];	/* "": every address of the host */
	unsigned short host_port, port;
};
enum { MAX_PORTS = 16 };
/* v1.4: the container's network, as run asked for it. */
struct netcfg {
	char mode[64];		/* "bridge", "none", "host", "pasta" or a network's name */
	char hostname[64];	/* --hostname; "" is "container" */
	char ip[16];		/* its address while it runs on a network */
	int nports;
	struct port ports[MAX_PORTS];
	pid_t pasta;		/* its pasta, a child of its monitor, and when */
	unsigned long long pasta_start;	/* it started (start_time) */
};

/* v1.5: a -v mount: a host path ("bind") or a named volume ("volume"). */
enum { MAX_VOLUMES = 16 };
struct volume {
	char type[8];		/* "bind" or "volume" */
	char source[1024];	/* the host path, or the volume's name */
	char target[1024];	/* where, in the container */
	int ro;
	int fd;			/* in the init: the detached tree; not saved */
};
/* v1.5: what the command runs with: run's -e, --env-file, -w,
 * --entrypoint, -v. */
struct config {
	int nenv;
	char **env;		/* K=V, in the order given: the last one wins */
	char workdir[1024];	/* "": / */
	char entrypoint[1024];	/* "": none; else it is argv[0] too */
	int entry_given;	/* v1.6: run had --entrypoint (maybe ''): not the image's */
	int nentry;		/* v1.6: the command's first NENTRY words are the entrypoint */
	int nvol;
	struct volume vol[MAX_VOLUMES];
};

struct container {
	char id[65];
	char name[64];
	char image[256];
	char image_id[65];	/* v1.6: the image of the store it was made from, or "" */
	int argc;
	char **argv;		/* the command */
	int tty, interactive, autoremove;
	struct limits limits;
	char cgroup_parent[256];	/* run --cgroup-parent: "minidocker" */
	struct timespec created, finished;
	struct timespec started;	/* v1.5: when its command last started (inspect) */
	enum status status;
	pid_t pid;		/* the container's PID 1, as the host sees it */
	unsigned long long pid_start;
	pid_t monitor;		/* the minidocker process watching it */
	unsigned long long monitor_start;
	int exit_code;
	struct idmap map;	/* v1.2 */
	struct security sec;
	char layers[16];	/* "idmapped", "copy" or "" (not root) */
	struct netcfg net;	/* v1.4 */
	struct mounts mounts;	/* v1.3 */
	struct config cfg;	/* v1.5 */
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

/* ---- userns.c, idmap.c, caps.c, user.c (v1.2) --------------------- */

/* The map for a new container: root's range, the caller's range through
 * newuidmap, or the caller's own id.  0, or -1 after saying why not. */
int userns_choose(struct idmap *m);
int userns_write_maps(pid_t pid, const struct idmap *m);
/* In the child, once the maps exist: uid and gid 0 of the namespace. */
void userns_become_root(const struct idmap *m);
void userns_rearm_pdeathsig(void);	/* after every change of user */
/* FN(ARG) as root of a namespace with M's maps (rm, commit without root). */
int userns_run_as(const struct idmap *m, int (*fn)(void *), void *arg);
void idmap_text(const struct idext *e, int n, char sep, char *buf, size_t len);
void idmap_parse(const char *text, struct idext *e, int *n);
long idmap_outside(const struct idext *e, int n, unsigned long id);
long idmap_inside(const struct idext *e, int n, unsigned long id);

/* Root only: send the container (PID) its root filesystem on SOCK, an
 * idmapped overlay or the shifted copies of LOWERS to mount; records
 * which in C->layers.  The container takes it with layers_receive(): 1
 * if mounted on ROOTFS, 0 with the layers to mount in LOWERS. */
int layers_send(struct container *c, pid_t pid, int sock, const char *lowers);
int layers_receive(int sock, const char *rootfs, char *lowers);
/* Ids of the tree DIR into the range of M, or back out of it (commit). */
int shift_ids(const char *dir, const struct idmap *m, int into_range);
/* v1.5: the shifted copies of LOWERS for C's range, ':'-joined, in OUT. */
int shifted_layers(const struct container *c, const char *lowers, char *out);
void shifted_remove(const char *image);

unsigned long long caps_all(void);
unsigned long long caps_default(void);
int caps_lookup(const char *name);	/* -2: ALL; -1: unknown */
unsigned long long caps_compute(int privileged, const int *add, int nadd, const int *drop, int ndrop);
void caps_bound(unsigned long long keep);
void caps_set(unsigned long long keep);

int valid_user(const char *spec);
/* run's -u, --cap-add, --cap-drop, --privileged, --security-opt. */
struct security_opts {
	int privileged, nadd, ndrop;
	int unconfined;		/* v1.3: --security-opt seccomp=unconfined */
	int add[64], drop[64];
};
void security_option(const struct command *cmd, int opt, const char *arg, struct security_opts *o,
		     struct security *s);
void security_finish(const struct security_opts *o, struct security *s);
/* In the container, just before the command: user, capabilities, nnp. */
void security_apply(const struct security *s);
/* SOCK: the layer socket's fd, or -1; FILTER (v1.3): the filter's. */
void security_word(const struct security *s, int sock, int filter, char *buf, size_t len);
/* v1.3 (seccomp.c): S's filter, for its capabilities, built by the
 * runtime in a memory file (its fd, or -1 if S has none), and loaded by
 * the container's process (security_apply). */
int seccomp_build(const struct security *s);
void seccomp_install(int fd);
int security_parse(const char *word, struct security *s);	/* the socket */
/* rm, and run --rm: C's folder, removed as its namespace's root. */
int remove_container_dir(const struct container *c);
/* commit: C's upper layer copied to TO, with the container's own ids. */
int copy_upper(const struct container *c, const char *upper, const char *to);
/* Root's range may enter ROOT: the folders on its way become 0711. */
void userns_prepare_dirs(const struct container *c);

/* ---- devices.c, masks.c, mounts.c (v1.3) -------------------------- */

/* In the init, before pivot_root: ROOTFS/dev (SHM: /dev/shm's bytes;
 * TTY: fd 0 becomes /dev/console), ROOTFS/sys, and the masks. */
void mount_dev(const char *rootfs, long long shm, int tty);
void mount_sys(const char *rootfs);
/* PATH, a folder to mount on, made if missing; NAME's symlink refused. */
void mount_point(const char *path, mode_t mode, const char *name);
void mask_paths(const char *rootfs);
/* commands.c: -m's sizes, also --shm-size's: bytes, -1 not a size, -2 too large. */
long long parse_size(const char *s);
/* run's --read-only ('R'), --tmpfs ('T'), --shm-size (others). */
void mounts_option(const struct command *cmd, int opt, const char *arg, struct mounts *m);
void mounts_word(const struct mounts *m, char *buf, size_t len);	/* for init */
void mounts_parse(const char *word, struct mounts *m);
/* In the init, after pivot_root: the --tmpfs mounts, then --read-only. */
void apply_mounts(const struct mounts *m);

/* ---- endpoint.c, network.c, net.c, nft.c, ipam.c (v1.4) ------------ */

#define DEFAULT_NETWORK "bridge"
int cmd_network(int argc, char **argv);
/* run's --network, --hostname and -p into N; then, before the container
 * exists, whether they can be had (a network that exists, ports free):
 * 0, or -1 after saying why not. */
void net_option(const struct command *cmd, int opt, const char *arg, struct netcfg *n);
int net_check(const struct command *cmd, struct netcfg *n);
/* Before clone: the container's /etc files in its folder, and on a
 * network its address and ports.  After clone, with PID waiting: its
 * veth.  Once it has ended (or was found killed): all of it given back. */
int net_prepare(struct container *c);
int net_attach(struct container *c, pid_t pid);
void net_release(struct container *c);
/* In the init, from the folder DIR: its hostname; lo, eth0 and its route
 * up; /etc/hosts, /etc/hostname, /etc/resolv.conf onto ROOTFS's. */
void net_hostname(const char *dir, char *buf, size_t len);
void net_inside(const char *dir);
void net_mount_files(const char *dir, const char *rootfs);
/* commit: the init's mount points in /etc out of the new LAYER. */
void net_uncommit(const char *layer);
/* ps's PORTS cell. */
void net_ports_text(const struct container *c, char *buf, size_t len);
/* The state file's lines. */
void net_save(FILE *f, const struct netcfg *n);
int net_load(struct netcfg *n, const char *key, const char *val);
/* pasta.c: can this user have pasta (else 0, after a hint)?  pasta for
 * the namespaces of PID, until the container's end. */
int pasta_usable(int asked, const char *what);
int pasta_start(struct container *c, pid_t pid);
void pasta_stop(struct container *c);
struct network;
/* Every container on network N gets the hosts file that says who is there. */
void hosts_refresh(const struct network *n);

/* network.c: the host end of container ID's veth pair, its name; network
 * NAME up (the default one made if need be); what container ID held given
 * back (ID NULL: what every dead container held).  Under networks_lock(). */
void veth_name(const char *id, char *buf);
int network_get(const char *name, struct network *n);
void networks_give_back(const char *id);

struct mnl_socket;
struct mnl_socket *nl_open(pid_t pid);
int nl_link_up(struct mnl_socket *nl, const char *name);
int nl_link_del(struct mnl_socket *nl, const char *name);
int nl_bridge_add(struct mnl_socket *nl, const char *name);
int nl_veth_add(struct mnl_socket *nl, const char *name, const char *bridge, const char *peer, pid_t pid);
int nl_addr_add(struct mnl_socket *nl, const char *name, uint32_t addr, int len);
int nl_route_default(struct mnl_socket *nl, const char *name, uint32_t gw);
int nl_route_overlap(uint32_t net, int len, const char *skip, char *found, size_t size);

int nft_ensure(void);
void nft_drop_table(void);
int nft_network(int add, const char *subnet, const char *bridge);
int nft_port(int add, const struct port *p, const char *to);

struct lease {
	uint32_t ip;		/* host byte order, as all of ipam.c's */
	char id[65], name[64], hostname[64];
};
struct network {
	char name[64], id[65], subnet[20], bridge[16];
	uint32_t net, gw;
	int len, n;
	struct lease *leases;
};
/* A -p held by a container: the port, its address, the holder. */
struct claim {
	struct port p;
	char to[16], id[65];
};
void network_path(char *buf, const char *name);
int networks_lock(void);
const char *ip_text(uint32_t ip, char *buf);
int parse_cidr(const char *s, uint32_t *net, int *len);
int network_load(const char *name, struct network *n);
void network_save(const struct network *n);
void network_free(struct network *n);
int network_list(char ***names);
int holder_alive(const char *id);
int lease_drop(struct network *n, const char *id);
int lease_take(struct network *n, const char *id, const char *name, const char *host, uint32_t *ip);
int claims_load(struct claim **cl);
void claims_save(const struct claim *cl, int n);
int claim_clashes(const struct claim *c, const struct port *p);

/* ---- config.c, volume.c (v1.5) ------------------------------------ */

int cmd_volume(int argc, char **argv);
/* state.c's escapes, one line per value. */
void put_escaped(FILE *f, const char *s);
void unescape(char *s);
/* run's -e ('e'), --env-file ('E'), -w ('w'), --entrypoint ('Y'), -v
 * and --mount (its tmpfs into M): into CFG, or a usage error. */
void config_option(const struct command *cmd, int opt, const char *arg, struct config *cfg);
void volume_option(const struct command *cmd, const char *spec, struct config *cfg);
void mount_option(const struct command *cmd, const char *spec, struct config *cfg, struct mounts *m);
void config_add_env(struct config *cfg, const char *kv);
int config_valid_path(const char *path);	/* absolute, no "..", one line */
/* The command with --entrypoint before it (a new array), or CMD. */
char **config_command(const struct config *cfg, char **cmd, int *n);
void config_save(FILE *f, const struct config *cfg);
int config_load(struct config *cfg, const char *key, char *val);	/* 1: its line */
void config_free(struct config *cfg);
/* The init's word: env, workdir and mounts (malloc'd), and back. */
char *config_word(const struct container *c);
void config_parse(char *word, struct config *cfg);
int config_check(const struct config *cfg);	/* the word fits in one argument */
/* In the init after pivot_root: -w made.  Just before execve, run's and
 * exec's: the variables over container_env's, and the working folder. */
void config_make_workdir(const struct config *cfg);
void config_apply(const struct config *cfg, const struct config *extra, const char *workdir);
void volume_host_path(const struct volume *v, char *buf);
/* volume inspect's object for volume NAME (jansson's json_t), or NULL. */
struct json_t *volume_json(const char *name);
int volumes_check(const struct config *cfg);	/* bind sources exist */
int volumes_prepare(const struct config *cfg, const char *image);	/* named volumes made */
void volumes_save(FILE *f, const struct config *cfg);
int volumes_load(struct config *cfg, const char *key, const char *val);
/* Root: the sources over the layer socket; the init takes them (or, with
 * SOCK -1, makes them), then attaches them in ROOTFS before pivot_root. */
int volumes_send(const struct container *c, int sock);
void volumes_receive(struct config *cfg, int sock);
void volumes_attach(const char *rootfs, struct config *cfg);
/* idmap.c: TEXT and FD over SOCK (SCM_RIGHTS). */
int send_layers(int sock, const char *text, int fd);

/* ---- tty.c ----------------------------------------------------------- */

/* A new pseudo-terminal: its master, and its slave in *SLAVE. */
int open_pty(int *slave);
/* Our terminal's size onto the pty's (after a SIGWINCH too). */
void copy_winsize(int from, int to);
/* Put FD's terminal in raw mode, remembering how it was. */
void raw_mode(int fd);
void restore_mode(void);

/* ---- store.c: layers by digest, image records, names (v1.6) ---------- */

/* sha256 through libcrypto: new, add, end (64 hex digits in HEX). */
struct sha256;
struct sha256 *sha256_new(void);
void sha256_add(struct sha256 *h, const void *buf, size_t len);
void sha256_end(struct sha256 *h, char *hex);
int is_hex64(const char *s);
/* REF as "NAME:TAG" in OUT (256 bytes), or -1 for a name Docker refuses. */
int ref_normalize(const char *ref, char *out);
/* check_new_name: ref_normalize, or exit 125 (also for a v1.1 folder's name). */
void check_new_name(const char *name, char *out);
enum { MAX_LAYERS = 64 };
struct record {
	char id[65];
	time_t created;
	char parent[65];
	int n;
	char layer[MAX_LAYERS][72];	/* bottom first: HEX, or "folder:NAME" (v1.1's) */
};
struct tags {
	int n;
	char **ref;
	struct { char hex[65]; } *id;
};
int store_lock(int how);	/* flock(2)'s LOCK_SH or LOCK_EX: its fd */
void tags_read(struct tags *t);
void tags_write(struct tags *t);	/* under the lock */
void tags_add(struct tags *t, const char *ref, const char *id);
void tags_free(struct tags *t);
void tag_set(const char *name, const char *id);	/* under the lock */
void record_path(char *path, const char *id, const char *file);
int record_read(const char *id, struct record *r);
/* Image R->id of R's layers and CONFIG into the store, whole or not at
 * all (under the lock): 0, or -1 after saying why, R's layers no image
 * lists removed.  record_new: its ID in R->id, the digest of CONFIG. */
int record_make(struct record *r, struct json_t *config);
void record_new(struct record *r, struct json_t *config);
/* An OCI config for R's layers, from PARENT's (or NULL). */
struct json_t *config_new(const struct record *r, struct json_t *parent);
void layer_path(const char *layer, char *path);
int legacy_image(const char *name);
/* 1 and ID for an image of the store, 0 for a v1.1 folder, -1 for none;
 * image_find says so and exits 125 for none. */
int image_resolve(const char *ref, char *id);
int image_find(const char *ref, char *id);
int store_layers(const char *id, char *lowers);
int lowers_add(char *lowers, size_t *len, const char *path, const char *image);	/* images.c */
/* inspect's object for an image of the store, or NULL. */
struct json_t *store_image_json(const char *ref);
int image_config_path(const char *image, char *path);
int legacy_rmi(const char *name);	/* images.c: v1.1's rmi of a folder */
/* rm: the images rmi -f deleted that no container uses now, out of the
 * store (takes the containers' lock, then the store's). */
void image_release(void);
/* images.c: a temporary folder in ROOT/layers for WHAT ("load"); FN(ARG)
 * run in a child to fill TMP, removed if it fails or we are stopped. */
void temp_image(char *tmp, const char *what);
int fill_temp(const char *tmp, int (*fn)(void *), void *arg);
struct archive;
struct archive_entry;
/* images.c: A's entries into the current folder (LAYER: an OCI layer). */
int extract(struct archive *a, const char *tarball, long *skipped, int layer);
/* archive.c: PATH, from a layer, as an overlayfs whiteout if it is one
 * (1; -1 after saying why); 0 if it is none.  E's overlayfs xattrs
 * dropped (a layer may not bring its own markers): 0. */
int whiteout(const char *path, const char *tarball);
int strip_overlay_xattrs(struct archive_entry *e);
int cmd_tag(int argc, char **argv);
int cmd_load(int argc, char **argv);
int cmd_save(int argc, char **argv);
int cmd_export(int argc, char **argv);
/* layertar.c: DIR as a layer tar into A (BACK: ids mapped back out of a
 * range; MERGED: a whole filesystem, no whiteouts); a pax writer; the
 * sha256 of DIR as a layer tar (its diff_id). */
int layer_tar(const char *dir, struct archive *a, const struct idmap *back, int merged);
struct archive *tar_writer(void);
int layer_digest(const char *dir, char *hex);

/* ---- imgconfig.c, change.c (v1.6) --------------------------------- */

/* IMAGE's OCI image config (the whole object), or NULL: with errno 0
 * and no message if it has none, else after saying why (errno set). */
struct json_t *image_config_read(const char *image);
const char *image_config_bad(struct json_t *config);	/* the bad field, or NULL */
/* CONFIG as DIR/config.json, DIR the folder of a record being made
 * (store.c's record_make), atomically (a temporary file, fsync, rename):
 * 0, or -1 after saying why. */
int image_config_write(const char *dir, struct json_t *config);
/* run: the command from IMAGE's Entrypoint and Cmd and the words CMD (N
 * of them) as Docker combines them, with its Env, User and WorkingDir
 * under -e, -u and -w, into C; a new array, its length in *N. */
char **image_config_apply(const char *image, struct container *c, char **cmd, int *n);
/* How many of C's first words are its entrypoint; ENV (a JSON array of
 * K=V) with CFG's variables over it, a K already there replaced in place
 * (inspect's Config.Env, commit's). */
int entrypoint_words(const struct container *c);
void env_over_json(struct json_t *env, const struct config *cfg);
/* commit's and import's -c/--change: the instructions into *CHANGES
 * (N of them, pointing into ARGV); the first argument's index. */
int change_options(const char *name, int argc, char **argv, char ***changes, int *n);
/* The instructions onto the image config ALL (its "config"), or exit
 * 125 saying which one is wrong: CMDNAME's message.  Nothing is made
 * before, so nothing is left. */
void change_config(const char *cmdname, struct json_t *all, char **changes, int n);
/* A new image's "created" and its history entry; a config for an image
 * that has none (architecture, os). */
void change_history(struct json_t *all, const char *created_by, const char *comment);
struct json_t *change_new_config(void);
/* commit: container C's config as Docker commits it: its image's, with
 * C's Env, Entrypoint, Cmd, WorkingDir and User (run's merge of the
 * image's and its flags).  A new object. */
struct json_t *change_from_container(const struct container *c);

#endif
