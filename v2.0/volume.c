/* Volumes (v1.5): run's -v, bind mounts of host paths and named volumes
 * kept in ROOT/volumes/NAME/_data, and the volume command.
 *
 * A mount is made in two halves.  The source: a detached copy of the host
 * tree (open_tree(2), OPEN_TREE_CLONE), made by the runtime when it is
 * host root, so that any path root can read may be mounted whatever the
 * container's ids, and handed over the layer socket (SCM_RIGHTS, as
 * idmap.c hands the root filesystem); or by the init itself in its user
 * namespace without root.  The target: a folder (or file) in the
 * container's root, found and made with openat2(2) RESOLVE_IN_ROOT, so
 * that an image's symlink cannot lead the mount out of its root, and the
 * source attached there with move_mount(2).  Mounts are private: nothing
 * the container mounts under a volume propagates back to the host
 * (mount_namespaces(7)). */
#include "minidocker.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <linux/openat2.h>

/* ---- run's -v ---------------------------------------------------- */

/* A volume's name, as a user gives it: a name (valid_name) or the 64-hex
 * id volume create gives an unnamed one.  Never a path: "a/../../x" would
 * name a folder outside ROOT/volumes, for volume rm to remove. */
static int volume_name_ok(const char *name)
{
	return valid_name(name) || (strlen(name) == 64 && strspn(name, "0123456789abcdef") == 64);
}

/* PATH, absolute, as filepath.Clean leaves it (Docker cleans mount points
 * so): no "//", no "." part, no trailing '/'.  Else "/a/" and "//a" were
 * other mount points than "/a" (two mounts stacked there), and deeper by
 * their count of '/', mounted after a volume below them, and over it. */
static void clean_path(char *path)
{
	char *out = path;

	for (const char *p = path; *p;) {
		p += strspn(p, "/");
		size_t n = strcspn(p, "/");
		if (n && !(n == 1 && p[0] == '.')) {
			*out++ = '/';
			memmove(out, p, n);
			out += n;
		}
		p += n;
	}
	if (out == path)
		*out++ = '/';
	*out = '\0';
}

/* Add the mount SOURCE on TARGET (read-only if RO) to CFG: SOURCE an
 * absolute host path (a bind mount) or a volume's name; TARGET absolute,
 * not / and without "..".  SPEC and FLAG (-v or --mount) for messages;
 * TYPE "bind" or "volume" (--mount's), or NULL: what SOURCE says (-v). */
static void volume_add(const struct command *cmd, const char *flag, const char *spec, const char *type,
		       const char *source, const char *target, int ro, struct config *cfg)
{
	if (cfg->nvol == MAX_VOLUMES)
		usage_error(cmd, NULL, "too many -v and --mount: at most %d", MAX_VOLUMES);
	struct volume *v = &cfg->vol[cfg->nvol];
	memset(v, 0, sizeof *v);
	v->fd = -1;
	v->ro = ro;
	if (source[0] == '/' && (!type || !strcmp(type, "bind"))) {
		if (!config_valid_path(source) || strlen(source) >= sizeof v->source)
			usage_error(cmd, NULL, "invalid host path '%s' in %s '%s': without '..'", source, flag, spec);
		snprintf(v->type, sizeof v->type, "bind");
	} else if (volume_name_ok(source) && (!type || !strcmp(type, "volume"))) {
		snprintf(v->type, sizeof v->type, "volume");
	} else {
		/* Docker's rule too: a relative host path would be relative
		 * to wherever the daemon runs, so it must be a name. */
		md_warnx("run: invalid %s '%s': '%s' is %s", flag, spec, source,
			 type && !strcmp(type, "bind") ? "not an absolute host path" :
			 type ? "not a volume name (a letter or digit, then letters, digits, '_', '.' or '-', "
				"2 to 63 in all)" :
				"neither an absolute host path nor a volume name (a letter or digit, then "
				"letters, digits, '_', '.' or '-', 2 to 63 in all)");
		md_hint("give a host folder by its absolute path: \"$PWD/%s\"",
			source + (strncmp(source, "./", 2) ? 0 : 2));
		exit(MD_EXIT_FAILED);
	}
	if (!config_valid_path(target) || strlen(target) >= sizeof v->target)
		usage_error(cmd, NULL, "invalid mount path '%s' in %s '%s': it must be absolute, "
			    "not / and without '..'", target, flag, spec);
	snprintf(v->target, sizeof v->target, "%s", target);
	clean_path(v->target);
	if (!strcmp(v->target, "/"))
		usage_error(cmd, NULL, "invalid mount path '%s' in %s '%s': it must be absolute, "
			    "not / and without '..'", target, flag, spec);
	for (int i = 0; i < cfg->nvol; i++)
		if (!strcmp(cfg->vol[i].target, v->target))
			usage_error(cmd, NULL, "duplicate mount point: %s", v->target);
	snprintf(v->source, sizeof v->source, "%s", source);
	cfg->nvol++;
}

/* -v SOURCE:TARGET[:MODE], as Docker reads it on Linux; MODE ro or rw. */
void volume_option(const struct command *cmd, const char *spec, struct config *cfg)
{
	char parts[4][1024];
	int n = 0;
	const char *p = spec;

	for (; n < 4; n++) {
		size_t len = strcspn(p, ":");
		if (len >= sizeof parts[0])
			usage_error(cmd, NULL, "invalid volume specification '%.40s...': too long", spec);
		snprintf(parts[n], sizeof parts[n], "%.*s", (int)len, p);
		if (!p[len])
			break;
		p += len + 1;
	}
	if (n < 1 || n > 2 || !parts[0][0])
		usage_error(cmd, NULL, n < 1 ? "invalid volume specification '%s': a name is not enough, "
				       "use -v NAME:PATH or -v HOST_PATH:PATH" :
				       "invalid volume specification '%s': SOURCE:PATH[:ro|rw]", spec);
	if (n == 2 && strcmp(parts[2], "ro") && strcmp(parts[2], "rw"))
		usage_error(cmd, NULL, "invalid mode '%s' in -v '%s': ro or rw", parts[2], spec);
	volume_add(cmd, "-v", spec, NULL, parts[0], parts[1], n == 2 && !strcmp(parts[2], "ro"), cfg);
}

/* --mount type=bind|volume|tmpfs,source=S,target=T[,readonly]: Docker's
 * long form of -v, and of --tmpfs (tmpfs-size=, tmpfs-mode=). */
void mount_option(const struct command *cmd, const char *spec, struct config *cfg, struct mounts *m)
{
	char copy[2048], tmpfs[256] = "", type[16] = "", source[1024] = "", target[1024] = "";
	int ro = 0;

	if (strlen(spec) >= sizeof copy)
		usage_error(cmd, NULL, "invalid --mount '%.40s...': too long", spec);
	snprintf(copy, sizeof copy, "%s", spec);
	for (char *save, *w = strtok_r(copy, ",", &save); w; w = strtok_r(NULL, ",", &save)) {
		char *val = strchr(w, '=');
		if (val)
			*val++ = '\0';
		if (!strcmp(w, "readonly") || !strcmp(w, "ro")) {
			ro = !val || !strcmp(val, "true") || !strcmp(val, "1");
			if (val && !ro && strcmp(val, "false") && strcmp(val, "0"))
				usage_error(cmd, NULL, "invalid --mount '%s': readonly=%s (true or false)", spec, val);
		} else if (!val) {
			usage_error(cmd, NULL, "invalid --mount '%s': '%s' needs a value (KEY=VALUE)", spec, w);
		} else if (!strcmp(w, "type")) {
			snprintf(type, sizeof type, "%s", val);
		} else if (!strcmp(w, "source") || !strcmp(w, "src")) {
			snprintf(source, sizeof source, "%s", val);
		} else if (!strcmp(w, "target") || !strcmp(w, "destination") || !strcmp(w, "dst")) {
			snprintf(target, sizeof target, "%s", val);
		} else if (!strcmp(w, "tmpfs-size") || !strcmp(w, "tmpfs-mode")) {
			snprintf(tmpfs + strlen(tmpfs), sizeof tmpfs - strlen(tmpfs), ",%s=%s", w + 6, val);
		} else {
			usage_error(cmd, NULL, "invalid --mount '%s': unknown key '%s' (type, source, target, "
				    "readonly, tmpfs-size, tmpfs-mode)", spec, w);
		}
	}
	if (strcmp(type, "bind") && strcmp(type, "volume") && strcmp(type, "tmpfs"))
		usage_error(cmd, NULL, "invalid --mount '%s': type=bind, type=volume or type=tmpfs", spec);
	if (!target[0])
		usage_error(cmd, NULL, "invalid --mount '%s': no target", spec);
	if (!strcmp(type, "tmpfs")) {
		if (source[0])
			usage_error(cmd, NULL, "invalid --mount '%s': a tmpfs has no source", spec);
		char arg[1300];
		snprintf(arg, sizeof arg, "%s:%s%s", target, ro ? "ro" : "rw", tmpfs);
		mounts_option(cmd, 'T', arg, m);	/* v1.3's --tmpfs */
		return;
	}
	if (!source[0])
		usage_error(cmd, NULL, "invalid --mount '%s': no source (a volume needs its name)", spec);
	if (tmpfs[0])
		usage_error(cmd, NULL, "invalid --mount '%s': tmpfs- options are for type=tmpfs", spec);
	volume_add(cmd, "--mount", spec, type, source, target, ro, cfg);
}

/* V's host path: a bind mount's own, or a volume's folder (in the init,
 * a volume's source is that folder already: config_word). */
void volume_host_path(const struct volume *v, char *buf)
{
	if (v->type[0] == 'v' && v->source[0] != '/')
		md_pathf(buf, "%s/volumes/%s/_data", md_state_root(), v->source);
	else
		md_pathf(buf, "%s", v->source);
}

/* Before anything is made: every bind mount's host path is there.  We
 * refuse a missing one, as --mount type=bind does (-v in Docker would
 * make it, as root, where the user perhaps only mistyped). */
int volumes_check(const struct config *cfg)
{
	struct stat st;

	for (int i = 0; i < cfg->nvol; i++)
		if (cfg->vol[i].type[0] == 'b' && stat(cfg->vol[i].source, &st) < 0) {
			md_warn("-v %s:%s: the host path %s", cfg->vol[i].source, cfg->vol[i].target,
				cfg->vol[i].source);
			md_hint("a bind mount's host path must exist: make it first (mkdir -p)");
			return -1;
		}
	return 0;
}

/* ---- named volumes on disk ---------------------------------------- */

static void volume_dir(const char *name, char *buf, const char *file)
{
	md_pathf(buf, "%s/volumes/%s%s%s", md_state_root(), name, file ? "/" : "", file ? file : "");
}

/* Volume NAME, made if it is not there: ROOT/volumes/NAME/_data and
 * its record, volume.json.  1 if made, 0 if it was there, -1 on error.
 * Callers hold lock_containers(), as volume rm does. */
static int volume_make(const char *name)
{
	char dir[PATH_MAX], path[PATH_MAX], when[32];
	time_t now = time(NULL);

	md_state_dir(dir, "volumes", 0700);
	volume_dir(name, dir, NULL);
	if (mkdir(dir, 0700) < 0) {
		if (errno == EEXIST)
			return 0;
		md_warn("mkdir %s", dir);
		return -1;
	}
	volume_dir(name, path, "_data");
	strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%SZ", gmtime(&now));
	json_t *rec = json_pack("{s:s, s:{}}", "CreatedAt", when, "Labels");
	int rc = mkdir(path, 0755) < 0 ? -1 : 0;
	volume_dir(name, path, "volume.json");
	if (rc == 0)
		rc = json_dump_file(rec, path, JSON_INDENT(4) | JSON_SORT_KEYS);
	json_decref(rec);
	if (rc < 0) {
		md_warn("make volume %s in %s", name, dir);
		md_remove_tree(dir);
		return -1;
	}
	return 1;
}

/* run: the named volumes CFG names, made on first use (Docker's rule),
 * once IMAGE is known to be there: a run that fails leaves nothing. */
int volumes_prepare(const struct config *cfg, const char *image)
{
	char path[PATH_MAX];

	if (cfg->nvol)
		image_path(image, path);	/* exits 125 if there is none */
	for (int i = 0; i < cfg->nvol; i++)
		if (cfg->vol[i].type[0] == 'v' && volume_make(cfg->vol[i].source) < 0)
			return -1;
	return 0;
}

/* The state file's lines: mount=TYPE\tSOURCE\tTARGET\tMODE. */
void volumes_save(FILE *f, const struct config *cfg)
{
	for (int i = 0; i < cfg->nvol; i++)
		fprintf(f, "mount=%s\t%s\t%s\t%s\n", cfg->vol[i].type, cfg->vol[i].source, cfg->vol[i].target,
			cfg->vol[i].ro ? "ro" : "rw");
}

int volumes_load(struct config *cfg, const char *key, const char *val)
{
	char mode[4] = "";

	if (strcmp(key, "mount") || cfg->nvol == MAX_VOLUMES)
		return 0;
	struct volume *v = &cfg->vol[cfg->nvol];
	if (sscanf(val, "%7[^\t]\t%1023[^\t]\t%1023[^\t]\t%3s", v->type, v->source, v->target, mode) == 4) {
		v->ro = !strcmp(mode, "ro");
		v->fd = -1;
		cfg->nvol++;
	}
	return 1;
}

/* Is volume NAME mounted by a container, running or not (Docker's rule:
 * a volume goes only with the last container that names it)?  The first
 * one's id in OWNER. */
static int volume_in_use(const char *name, char *owner)
{
	char **ids;
	int n = list_ids(&ids), used = 0;

	for (int i = 0; i < n && !used; i++) {
		struct container c;
		if (load_state(ids[i], &c) == 0)
			for (int j = 0; j < c.cfg.nvol && !used; j++)
				if (c.cfg.vol[j].type[0] == 'v' && !strcmp(c.cfg.vol[j].source, name)) {
					snprintf(owner, 65, "%s", c.id);
					used = 1;
				}
		drop_command(&c);
	}
	free_ids(ids, n);
	return used;
}

/* ---- the sources: detached trees ------------------------------------ */

static int dir_empty(int fd);

/* A detached copy of the tree at V's host path, its submounts with it
 * (Docker's -v is a recursive bind, "rbind"), made private.  A copy of a
 * shared mount (every mount of a systemd host) is a peer of it, as a bind
 * mount would be: without MS_PRIVATE, what the init mounts in it (v1.4's
 * /etc/hosts in a volume on /etc) or the container does would appear on
 * the host's folder, and stay there (Docker's default, rprivate). */
static int source_tree(const struct volume *v)
{
	char host[PATH_MAX];
	struct mount_attr attr = { .propagation = MS_PRIVATE };

	volume_host_path(v, host);
	int fd = open_tree(AT_FDCWD, host, OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_RECURSIVE);
	if (fd < 0 || mount_setattr(fd, "", AT_EMPTY_PATH | AT_RECURSIVE, &attr, sizeof attr) < 0) {
		md_warn("-v %s:%s: bind %s", v->source, v->target, host);
		if (fd >= 0)
			close(fd);
		return -1;
	}
	return fd;
}

/* Host root, for a container of root's range: each source's tree over
 * SOCK, in order.  A named volume still empty becomes the range's root's,
 * so that the container's root may write in it, as in its own layer. */
int volumes_send(const struct container *c, int sock)
{
	char host[PATH_MAX];
	struct stat st;

	for (int i = 0; i < c->cfg.nvol; i++) {
		const struct volume *v = &c->cfg.vol[i];
		volume_host_path(v, host);
		int fd = v->type[0] == 'v' ? open(host, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC) : -1;
		if (fd >= 0 && fstat(fd, &st) == 0 && st.st_uid == 0 && dir_empty(fd) &&
		    fchownat(fd, "", c->map.uid[0].outside, c->map.gid[0].outside, AT_EMPTY_PATH) < 0)
			md_warn("chown %s", host);
		if (fd >= 0)
			close(fd);
		fd = source_tree(v);
		if (fd < 0)
			return -1;
		int rc = send_layers(sock, "", fd);
		close(fd);
		if (rc < 0) {
			md_warn("hand the volume %s to the container", v->source);
			return -1;
		}
	}
	return 0;
}

/* The init, before it takes its root filesystem: every source, from the
 * runtime over SOCK (root), or made here (without root: our user
 * namespace owns our mount namespace, so we may bind what we can read). */
void volumes_receive(struct config *cfg, int sock)
{
	for (int i = 0; i < cfg->nvol; i++) {
		if (sock < 0) {
			if ((cfg->vol[i].fd = source_tree(&cfg->vol[i])) < 0)
				exit(MD_EXIT_FAILED);
			continue;
		}
		union {
			char buf[CMSG_SPACE(sizeof(int))];
			struct cmsghdr align;
		} u;
		char byte;
		struct iovec iov = { .iov_base = &byte, .iov_len = 1 };
		struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = u.buf,
				      .msg_controllen = sizeof u.buf };
		struct cmsghdr *c;
		if (recvmsg(sock, &msg, MSG_CMSG_CLOEXEC) <= 0 || !(c = CMSG_FIRSTHDR(&msg)) ||
		    c->cmsg_type != SCM_RIGHTS)
			md_diex("the volume %s never came (minidocker run went away?)", cfg->vol[i].source);
		memcpy(&cfg->vol[i].fd, CMSG_DATA(c), sizeof(int));
	}
}

/* ---- the targets, in the container's root --------------------------- */

/* Is the folder FD (any fd of it, O_PATH too) empty? */
static int dir_empty(int fd)
{
	int dfd = openat(fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	DIR *d = dfd < 0 ? NULL : fdopendir(dfd);
	struct dirent *e;
	int empty = 1;

	if (!d) {
		if (dfd >= 0)
			close(dfd);
		return 0;
	}
	while (empty && (e = readdir(d)))
		empty = !strcmp(e->d_name, ".") || !strcmp(e->d_name, "..");
	closedir(d);
	return empty;
}

/* PATH in the tree ROOT, as if ROOT were /: symlinks, ".." in them
 * included, cannot lead out of it (openat2(2), RESOLVE_IN_ROOT); an
 * O_PATH fd, or -1. */
int in_root(int root, const char *path)
{
	struct open_how how = { .flags = O_PATH | O_CLOEXEC, .resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS };
	return syscall(SYS_openat2, root, path, &how, sizeof how);
}

/* The mount point TARGET in ROOT, made where missing one part at a time
 * (folders; the last an empty file if DIR is 0), each part looked up in
 * the root: an O_PATH fd. */
int mount_target(int root, const char *target, int dir)
{
	char copy[1024], prefix[1024] = "";
	int cur = in_root(root, "/");

	snprintf(copy, sizeof copy, "%s", target);
	for (char *save, *part = strtok_r(copy, "/", &save); part && cur >= 0;) {
		char *next_part = strtok_r(NULL, "/", &save);
		snprintf(prefix + strlen(prefix), sizeof prefix - strlen(prefix), "/%s", part);
		int next = in_root(root, prefix);
		if (next < 0 && errno == ENOENT) {
			int rc = next_part || dir ? mkdirat(cur, part, 0755)
						  : openat(cur, part, O_CREAT | O_EXCL | O_WRONLY | O_NOFOLLOW | O_CLOEXEC, 0644);
			if (rc < 0 && errno != EEXIST)
				md_die("make the mount point %s", prefix);
			if (!next_part && !dir && rc >= 0)
				close(rc);
			next = in_root(root, prefix);
			if (next < 0)	/* a symlink to a path that is not there */
				md_die("make the mount point %s (a dangling symlink?)", prefix);
		} else if (next < 0) {
			md_die("look up the mount point %s", prefix);
		}
		close(cur);
		cur = next;
		part = next_part;
	}
	if (cur < 0)
		md_die("open the container's root for %s", target);
	return cur;
}

/* A named volume still empty gets what the image has at its mount point
 * (Docker's copy-up), copied as the container's root: the files keep
 * their owners as the container sees them.  TARGET the mount point
 * (O_PATH), SRC the image's folder there, opened before the mount hid
 * it; reached through /proc/self/fd, which names exactly that folder. */
static void copy_up(int target, int src, const struct volume *v)
{
	char from[64], link[64], to[PATH_MAX];

	snprintf(from, sizeof from, "/proc/self/fd/%d", src);
	snprintf(link, sizeof link, "/proc/self/fd/%d", target);
	ssize_t n = readlink(link, to, sizeof to - 1);
	if (n < 0)
		md_die("readlink %s", link);
	to[n] = '\0';
	if (md_copy_tree(from, to) < 0)
		md_diex("copy the image's %s into the volume %s", v->target, v->source);
}

/* How deep PATH is: its number of '/'. */
static int depth(const char *path)
{
	int d = 0;
	for (; *path; path++)
		d += *path == '/';
	return d;
}

/* V's source on its target in the tree ROOT, filled from the image
 * first if it is a named volume still empty, read-only if asked
 * (mount_setattr(2) on the mount, its submounts too). */
static void attach_one(int root, struct volume *v)
{
	struct stat st, tst;

	if (fstat(v->fd, &st) < 0)
		md_die("stat the source of %s", v->target);
	int target = mount_target(root, v->target, S_ISDIR(st.st_mode));
	if (fstat(target, &tst) < 0 || S_ISDIR(tst.st_mode) != S_ISDIR(st.st_mode))
		md_diex("-v %s:%s: cannot mount a %s on a %s", v->source, v->target,
			S_ISDIR(st.st_mode) ? "folder" : "file", S_ISDIR(st.st_mode) ? "file" : "folder");
	int src = v->type[0] == 'v' && !v->ro && dir_empty(v->fd) && !dir_empty(target)
			  ? openat(target, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC)
			  : -1;
	if (move_mount(v->fd, "", target, "", MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH) < 0)
		md_die("mount %s on %s", v->source, v->target);
	close(v->fd);
	v->fd = -1;
	if (src >= 0) {
		copy_up(target, src, v);
		close(src);
	}
	struct mount_attr attr = { .attr_set = MOUNT_ATTR_RDONLY };
	int top = in_root(root, v->target);
	if (v->ro && (top < 0 || mount_setattr(top, "", AT_EMPTY_PATH | AT_RECURSIVE, &attr, sizeof attr) < 0))
		md_die("make %s read-only", v->target);
	if (top >= 0)
		close(top);
	close(target);
}

/* In the init, before pivot_root: each source on its target in ROOTFS,
 * shallowest first, so that /data/logs lands inside /data's volume. */
void volumes_attach(const char *rootfs, struct config *cfg)
{
	int root = open(rootfs, O_PATH | O_DIRECTORY | O_CLOEXEC), order[MAX_VOLUMES];

	if (root < 0)
		md_die("open %s", rootfs);
	for (int i = 0; i < cfg->nvol; i++) {	/* insertion sort, by depth */
		int j = i;
		for (; j > 0 && depth(cfg->vol[order[j - 1]].target) > depth(cfg->vol[i].target); j--)
			order[j] = order[j - 1];
		order[j] = i;
	}
	for (int k = 0; k < cfg->nvol; k++)
		attach_one(root, &cfg->vol[order[k]]);
	close(root);
}

/* ---- the volume command --------------------------------------------- */

static int volume_create(const char *name)
{
	char id[65];

	if (!name) {	/* Docker names an unnamed volume with a random id */
		md_new_id(id);
		name = id;
	}
	int lock = lock_containers();
	int rc = volume_make(name);
	close(lock);
	if (rc < 0)
		return MD_EXIT_FAILED;
	printf("%s\n", name);
	return 0;
}

static int by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int volume_ls(int quiet)
{
	char dir[PATH_MAX];
	char **names = NULL;
	int n = 0;
	struct dirent *e;

	md_pathf(dir, "%s/volumes", md_state_root());
	DIR *d = opendir(dir);
	while (d && (e = readdir(d)))
		if (e->d_name[0] != '.') {
			names = md_realloc(names, (n + 1) * sizeof *names);
			if (!(names[n++] = strdup(e->d_name)))
				md_die("strdup");
		}
	if (d)
		closedir(d);
	if (n)	/* qsort(3) takes no NULL, even for none */
		qsort(names, n, sizeof *names, by_name);
	if (!quiet)	/* Docker's table: columns at least 10 wide, 3 apart */
		printf("%-10s%s\n", "DRIVER", "VOLUME NAME");
	for (int i = 0; i < n; i++)
		if (quiet)
			printf("%s\n", names[i]);
		else
			printf("%-10s%s\n", "local", names[i]);
	free_ids(names, n);
	return 0;
}

static int volume_rm(const char *name)
{
	char dir[PATH_MAX], owner[65];
	struct stat st;

	if (!volume_name_ok(name)) {
		md_warnx("no such volume: %s", name);
		return -1;
	}
	int lock = lock_containers();	/* no run may take it meanwhile */
	volume_dir(name, dir, NULL);
	int rc = -1;
	if (lstat(dir, &st) < 0) {
		md_warnx("no such volume: %s", name);
	} else if (volume_in_use(name, owner)) {
		md_warnx("remove volume %s: volume is in use by container %.12s", name, owner);
		md_hint("remove the container first (minidocker rm %.12s)", owner);
	} else {
		rc = md_remove_tree(dir);
	}
	close(lock);
	return rc;
}

/* Docker's shape for docker volume inspect, for one volume, or NULL if
 * there is none of that name.  The caller json_decref()s it. */
json_t *volume_json(const char *name)
{
	char path[PATH_MAX];
	json_error_t err;

	volume_dir(name, path, "volume.json");
	json_t *rec = volume_name_ok(name) ? json_load_file(path, 0, &err) : NULL;
	if (!rec)
		return NULL;
	volume_dir(name, path, "_data");
	json_object_set_new(rec, "Name", json_string(name));
	json_object_set_new(rec, "Driver", json_string("local"));
	json_object_set_new(rec, "Mountpoint", json_string(path));
	json_object_set_new(rec, "Options", json_object());
	json_object_set_new(rec, "Scope", json_string("local"));
	return rec;
}

static int volume_inspect(int argc, char **argv)
{
	json_t *all = json_array();
	int status = 0;

	for (int i = 0; i < argc; i++) {
		json_t *v = volume_json(argv[i]);
		if (v) {
			json_array_append_new(all, v);
		} else {
			md_warnx("no such volume: %s", argv[i]);
			status = 1;
		}
	}
	print_json(all, JSON_SORT_KEYS);
	json_decref(all);
	return status;
}

int cmd_volume(int argc, char **argv)
{
	static const struct option opts[] = { { "quiet", no_argument, NULL, 'q' },
					      { "help", no_argument, NULL, 'h' }, { 0 } };
	const struct command *cmd = find_command("volume");
	int opt, quiet = 0, status = 0;
	const char *sub = subcommand(cmd, argc, argv);

	while ((opt = next_opt(cmd, argc - 1, argv + 1, "q", opts)) != -1)
		quiet = 1;
	argc -= 1;
	argv += 1;
	if (quiet && strcmp(sub, "ls"))
		usage_error(cmd, NULL, "-q is for volume ls");
	if (!strcmp(sub, "ls")) {
		if (optind < argc)
			usage_error(cmd, NULL, "unexpected argument '%s'", argv[optind]);
		return volume_ls(quiet);
	}
	if (!strcmp(sub, "create")) {
		if (optind + 1 < argc)
			usage_error(cmd, NULL, "volume create: one name, not '%s' too", argv[optind + 1]);
		if (optind < argc && !valid_name(argv[optind]))
			usage_error(cmd, NULL, "invalid volume name '%s': a letter or digit, then letters, "
				    "digits, '_', '.' or '-', 2 to 63 in all", argv[optind]);
		return volume_create(optind < argc ? argv[optind] : NULL);
	}
	if (optind >= argc)
		usage_error(cmd, NULL, "volume %s: no volume given", sub);
	if (!strcmp(sub, "inspect"))
		return volume_inspect(argc - optind, argv + optind);
	/* Docker's status for a volume it cannot remove is 1, not 125. */
	for (int i = optind; i < argc; i++)
		if (volume_rm(argv[i]) < 0)
			status = 1;
		else
			printf("%s\n", argv[i]);
	return status;
}
