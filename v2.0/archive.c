/* Images as archives (v1.6): load, save, export.
 *
 * Two layouts carry images between machines without a registry:
 *
 *  - docker-archive (`docker save`, `podman save`): manifest.json lists,
 *    for each image, its config file, its names (RepoTags) and its layer
 *    tars, bottom first;
 *  - the OCI image layout (`podman save --format oci-archive`, and Docker
 *    25's save too): oci-layout, index.json pointing at manifests, and
 *    every file a blob named by its digest, blobs/sha256/HEX.
 *
 * Nothing in an archive is trusted: every blob is checked against the
 * digest that names it, every layer against its diff_id in the config
 * (the sha256 of the layer uncompressed), and a layer is refused if it
 * climbs out with "../", an absolute path or a symlink planted before.
 * The archive is unpacked into ROOT/layers/.load-PID-START-XXXXXX, and
 * only when all of it checks are its layers moved into the store: a
 * refused archive leaves nothing. */
#include "lazy-archive.h"	/* libarchive, loaded when first used */
#include "minidocker.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <jansson.h>
#include <linux/openat2.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <sys/xattr.h>
#include <unistd.h>

/* ---- whiteouts --------------------------------------------------------- */

/* The folder DIR of the current folder, every step without following a
 * symlink (O_NOFOLLOW): a layer may have planted one.  Made if missing. */
static int open_beneath(const char *dir)
{
	char part[NAME_MAX + 1];
	int fd = open(".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	for (const char *p = dir; fd >= 0 && *p;) {
		size_t len = strcspn(p, "/");
		if (len > NAME_MAX) {
			close(fd);
			errno = ENAMETOOLONG;
			return -1;
		}
		snprintf(part, sizeof part, "%.*s", (int)len, p);
		p += len + strspn(p + len, "/");
		if (!len || !strcmp(part, "."))
			continue;
		if (mkdirat(fd, part, 0755) < 0 && errno != EEXIST) {
			close(fd);
			return -1;
		}
		int next = openat(fd, part, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		close(fd);
		fd = next;
	}
	return fd;
}

/* image-spec/layer.md, "Whiteouts": ".wh.NAME" deletes NAME of the layers
 * below, ".wh..wh..opq" hides everything below in its folder.  overlayfs
 * says the same with a character device 0/0 and the extended attribute
 * user.overlay.opaque "y" (the "user." form, as every overlay here is
 * mounted with userxattr: an idmapped or copied layer under a user
 * namespace reads them the same).  A whiteout of a file of its own layer
 * does nothing (the spec: it applies only to the layers below). */
int whiteout(const char *path, const char *tarball)
{
	char dir[PATH_MAX];
	const char *slash = strrchr(path, '/');

	if (slash && slash[1] == '\0')	/* "a/.wh.b/": not a file, no whiteout */
		return 0;
	const char *base = slash ? slash + 1 : path;
	if (strncmp(base, ".wh.", 4))
		return 0;
	size_t dlen = slash ? (size_t)(slash - path) : 0;
	int fd = -1;
	if (dlen < sizeof dir) {
		snprintf(dir, sizeof dir, "%.*s", (int)dlen, path);
		fd = open_beneath(dir);
	} else {
		errno = ENAMETOOLONG;	/* cut, it would name another folder */
	}
	if (fd < 0) {
		md_warn("load %s: whiteout '%s': its folder", tarball, path);
		return -1;
	}
	int rc = 0;
	if (!strcmp(base, ".wh..wh..opq"))
		rc = fsetxattr(fd, "user.overlay.opaque", "y", 1, 0);
	else if (!base[4] || !strcmp(base + 4, ".") || !strcmp(base + 4, ".."))
		errno = EINVAL, rc = -1;
	else if (mknodat(fd, base + 4, S_IFCHR | 0, makedev(0, 0)) < 0 && errno != EEXIST)
		rc = -1;
	if (rc < 0)
		md_warn("load %s: whiteout '%s'", tarball, path);
	close(fd);
	return rc < 0 ? -1 : 1;
}

/* A layer's own overlayfs attributes (a redirect, an opaque folder not
 * said with .wh..wh..opq) would be read by the overlay as ours: dropped. */
int strip_overlay_xattrs(struct archive_entry *e)
{
	const char *name;
	const void *value;
	size_t size;
	struct kept { char *name; void *value; size_t size; } *kept = NULL;
	int n = 0, dropped = 0;

	archive_entry_xattr_reset(e);
	while (archive_entry_xattr_next(e, &name, &value, &size) == ARCHIVE_OK) {
		if (!strncmp(name, "user.overlay.", 13) || !strncmp(name, "trusted.overlay.", 16)) {
			dropped = 1;
			continue;
		}
		kept = md_realloc(kept, (n + 1) * sizeof *kept);
		kept[n].name = strdup(name);
		kept[n].value = md_realloc(NULL, size ? size : 1);
		memcpy(kept[n].value, value, size);
		kept[n++].size = size;
	}
	if (dropped) {
		archive_entry_xattr_clear(e);
		for (int i = 0; i < n; i++)
			archive_entry_xattr_add_entry(e, kept[i].name, kept[i].value, kept[i].size);
	}
	for (int i = 0; i < n; i++) {
		free(kept[i].name);
		free(kept[i].value);
	}
	free(kept);
	return 0;
}

/* ---- reading the archive ---------------------------------------------- */

/* The folder load started in: back to it after unpacking somewhere, as
 * the state root may be a relative path (--root fresh). */
static int here = -1;

static void back_here(void)
{
	if (fchdir(here) < 0)
		md_die("chdir back");
}

struct layer_in {
	char path[PATH_MAX];	/* in the archive */
	char blob[65];		/* the blob's digest, if the archive names it; else "" */
	long long size;		/* its size, if given; else -1 */
	char diff[65];		/* its diff_id, from the config */
};

struct image_in {
	char config[PATH_MAX];
	char id[65];		/* the config's digest: the image's ID */
	json_t *cfg;
	int n;
	struct layer_in layer[MAX_LAYERS];
	int ntags;
	char tags[16][256];
};

struct load {
	const char *input;	/* NULL: stdin */
	pid_t parent;		/* the minidocker whose fill_temp child we are */
	char work[PATH_MAX];
	int quiet;
	int x;			/* the unpacked archive: a folder fd */
	int n;
	struct image_in *img;
};

/* Unpack the archive into DIR: files, folders, and symlinks (that the
 * blobs are opened beneath, never out of, RESOLVE_BENEATH). */
static int unpack_outer(struct load *l, const char *dir)
{
	struct archive *a = archive_read_new(), *w = archive_write_disk_new();
	struct archive_entry *e;
	const char *name = l->input ? l->input : "stdin";
	int r, rc = 0, files = 0;

	if (!a || !w)
		md_diex("load: out of memory");
	archive_read_support_filter_all(a);
	archive_read_support_format_tar(a);
	archive_write_disk_set_options(w, ARCHIVE_EXTRACT_SECURE_SYMLINKS | ARCHIVE_EXTRACT_SECURE_NODOTDOT |
				       ARCHIVE_EXTRACT_SECURE_NOABSOLUTEPATHS);
	if ((l->input ? archive_read_open_filename(a, l->input, 1 << 16) : archive_read_open_fd(a, 0, 1 << 16)) !=
	    ARCHIVE_OK) {
		md_warnx("load: cannot read %s: %s", name, archive_error_string(a));
		rc = -1;
	}
	if (rc == 0 && chdir(dir) < 0)
		md_die("chdir %s", dir);
	while (rc == 0 && (r = archive_read_next_header(a, &e)) != ARCHIVE_EOF) {
		int type = archive_entry_filetype(e);
		const char *path = archive_entry_pathname(e);
		if (r < ARCHIVE_WARN) {
			md_warnx("load: cannot read %s: %s", name, archive_error_string(a));
			rc = -1;
		} else if (type != AE_IFREG && type != AE_IFDIR && type != AE_IFLNK) {
			md_warnx("load %s: '%s' is not a file, a folder or a symlink: not an image archive", name, path);
			rc = -1;
		} else if (archive_read_extract2(a, e, w) < ARCHIVE_WARN) {
			md_warnx("load %s: '%s': %s", name, path, archive_error_string(a));
			rc = -1;
		} else {
			files++;
		}
	}
	if (rc == 0 && !files) {
		md_warnx("load: %s is empty: not an image archive", name);
		rc = -1;
	}
	archive_write_free(w);
	archive_read_free(a);
	back_here();
	return rc;
}

/* PATH of the archive, opened beneath its folder. */
static int open_in(const struct load *l, const char *path)
{
	struct open_how how = { .flags = O_RDONLY | O_CLOEXEC, .resolve = RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS };
	int fd = syscall(SYS_openat2, l->x, path, &how, sizeof how);

	if (fd < 0)
		md_warn("load %s: '%s'", l->input ? l->input : "stdin", path);
	return fd;
}

/* A small file of the archive (a manifest, a config), checked against
 * the digest WANT if not NULL, and the size SIZE if not -1: parsed. */
static json_t *read_json(const struct load *l, const char *path, const char *want, long long size, char *hex)
{
	int fd = open_in(l, path);
	struct stat st;
	char got[65];

	if (fd < 0)
		return NULL;
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) || st.st_size > (16 << 20)) {
		md_warnx("load: '%s' is not a file of at most 16 MiB", path);
		close(fd);
		return NULL;
	}
	char *buf = md_realloc(NULL, st.st_size + 1);
	ssize_t n = read(fd, buf, st.st_size);
	close(fd);
	if (n != st.st_size) {
		md_warnx("load: cannot read '%s'", path);
		free(buf);
		return NULL;
	}
	buf[n] = '\0';
	struct sha256 *h = sha256_new();
	sha256_add(h, buf, n);
	sha256_end(h, got);
	if (hex)
		snprintf(hex, 65, "%s", got);
	if ((want && strcmp(want, got)) || (size >= 0 && size != n)) {
		md_warnx("load: '%s' is not the blob its digest names: sha256:%s, %lld bytes, want sha256:%s%s",
			 path, got, (long long)n, want ? want : got, size >= 0 && size != n ? " (a wrong size)" : "");
		free(buf);
		return NULL;
	}
	json_error_t err;
	json_t *j = json_loadb(buf, n, 0, &err);
	free(buf);
	if (!j)
		md_warnx("load: '%s': not JSON: %s (line %d)", path, err.text, err.line);
	return j;
}

/* "sha256:HEX" into HEX (65), or -1. */
static int digest_hex(const char *digest, char *hex)
{
	if (!digest || strncmp(digest, "sha256:", 7) || !is_hex64(digest + 7))
		return -1;
	snprintf(hex, 65, "%s", digest + 7);
	return 0;
}

/* The config of IMG, read and checked (its digest, its diff_ids). */
static int take_config(struct load *l, struct image_in *img, const char *want, long long size)
{
	img->cfg = read_json(l, img->config, want, size, img->id);
	if (!img->cfg)
		return -1;
	/* What run would refuse as damaged is refused here, before it is
	 * stored under a name. */
	const char *bad = image_config_bad(img->cfg);
	if (bad) {
		md_warnx("load: the config %s: %s is not what the OCI image spec says", img->config, bad);
		return -1;
	}
	json_t *ids = json_object_get(json_object_get(img->cfg, "rootfs"), "diff_ids");
	if (!json_is_array(ids) || json_array_size(ids) != (size_t)img->n) {
		md_warnx("load: the config %s lists %zu layers, the manifest %d", img->config,
			 json_is_array(ids) ? json_array_size(ids) : 0, img->n);
		return -1;
	}
	for (int i = 0; i < img->n; i++)
		if (digest_hex(json_string_value(json_array_get(ids, i)), img->layer[i].diff) < 0) {
			md_warnx("load: the config %s: diff_id %d is not a sha256 digest", img->config, i);
			return -1;
		}
	return 0;
}

/* docker-archive: manifest.json. */
static int read_docker(struct load *l)
{
	json_t *m = read_json(l, "manifest.json", NULL, -1, NULL), *v;
	size_t i;

	if (!m || !json_is_array(m) || !json_array_size(m)) {
		md_warnx("load: manifest.json lists no image");
		json_decref(m);
		return -1;
	}
	l->n = json_array_size(m);
	l->img = calloc(l->n, sizeof *l->img);
	if (!l->img)
		md_die("out of memory");
	json_array_foreach(m, i, v) {
		struct image_in *img = &l->img[i];
		const char *config = json_string_value(json_object_get(v, "Config"));
		json_t *layers = json_object_get(v, "Layers"), *tags = json_object_get(v, "RepoTags"), *x;
		size_t j;
		char want[65];
		if (!config || !json_is_array(layers) || json_array_size(layers) > MAX_LAYERS) {
			md_warnx("load: manifest.json: image %zu has no Config, or no Layers (or more than %d)", i,
				 MAX_LAYERS);
			json_decref(m);
			return -1;
		}
		if (strlen(config) >= sizeof img->config) {
			md_warnx("load: manifest.json: image %zu: its Config is not a path (%zu bytes)", i,
				 strlen(config));
			json_decref(m);
			return -1;
		}
		strcpy(img->config, config);
		json_array_foreach(layers, j, x) {
			const char *p = json_string_value(x);
			if (!p || strlen(p) >= sizeof img->layer[j].path) {
				md_warnx("load: manifest.json: image %zu: layer %zu is not a path", i, j);
				json_decref(m);
				return -1;
			}
			strcpy(img->layer[j].path, p);
			img->layer[j].size = -1;
			/* Docker 25 on: blobs/sha256/HEX, named by their digest. */
			if (!strncmp(p, "blobs/sha256/", 13) && is_hex64(p + 13))
				snprintf(img->layer[j].blob, 65, "%s", p + 13);
		}
		img->n = j;
		json_array_foreach(tags, j, x)
			if (json_string_value(x) && img->ntags < 16)
				snprintf(img->tags[img->ntags++], 256, "%s", json_string_value(x));
		/* The config is named by its digest: HEX.json, or blobs/sha256/HEX. */
		const char *base = strrchr(config, '/') ? strrchr(config, '/') + 1 : config;
		int named = snprintf(want, sizeof want, "%.64s", base) == 64 && is_hex64(want) &&
			    (!base[64] || !strcmp(base + 64, ".json"));
		if (take_config(l, img, named ? want : NULL, -1) < 0) {
			json_decref(m);
			return -1;
		}
	}
	json_decref(m);
	return 0;
}

/* The OCI layout: a manifest descriptor D into IMG. */
static int oci_manifest(struct load *l, struct image_in *img, json_t *d)
{
	char hex[65], path[PATH_MAX];
	json_t *m, *layers, *x;
	size_t i;

	if (digest_hex(json_string_value(json_object_get(d, "digest")), hex) < 0) {
		md_warnx("load: index.json: a manifest without a sha256 digest");
		return -1;
	}
	md_pathf(path, "blobs/sha256/%s", hex);
	m = read_json(l, path, hex, json_integer_value(json_object_get(d, "size")), NULL);
	if (!m)
		return -1;
	layers = json_object_get(m, "layers");
	json_t *config = json_object_get(m, "config");
	if (!json_is_array(layers) || json_array_size(layers) > MAX_LAYERS ||
	    digest_hex(json_string_value(json_object_get(config, "digest")), hex) < 0) {
		md_warnx("load: manifest %s: no config, or no layers (or more than %d)", path, MAX_LAYERS);
		json_decref(m);
		return -1;
	}
	json_array_foreach(layers, i, x) {
		struct layer_in *li = &img->layer[i];
		if (digest_hex(json_string_value(json_object_get(x, "digest")), li->blob) < 0) {
			md_warnx("load: manifest %s: layer %zu has no sha256 digest", path, i);
			json_decref(m);
			return -1;
		}
		md_pathf(li->path, "blobs/sha256/%s", li->blob);
		li->size = json_is_integer(json_object_get(x, "size")) ? json_integer_value(json_object_get(x, "size"))
								      : -1;
	}
	img->n = i;
	md_pathf(img->config, "blobs/sha256/%s", hex);
	json_t *size = json_object_get(config, "size");
	int rc = take_config(l, img, hex, json_is_integer(size) ? json_integer_value(size) : -1);
	json_decref(m);
	return rc;
}

/* The OCI layout: index.json, its manifests (an index in it: its first
 * manifest for linux). */
static int read_oci(struct load *l)
{
	json_t *index = read_json(l, "index.json", NULL, -1, NULL), *ms, *d;
	size_t i;
	int rc = 0;

	ms = json_object_get(index, "manifests");
	if (!json_is_array(ms) || !json_array_size(ms)) {
		md_warnx("load: index.json lists no manifest");
		json_decref(index);
		return -1;
	}
	l->n = json_array_size(ms);
	l->img = calloc(l->n, sizeof *l->img);
	if (!l->img)
		md_die("out of memory");
	json_array_foreach(ms, i, d) {
		const char *type = json_string_value(json_object_get(d, "mediaType"));
		json_t *ann = json_object_get(d, "annotations"), *nested = NULL;
		if (type && strstr(type, "index")) {	/* a multi-platform index: the first for linux */
			char hex[65], path[PATH_MAX];
			if (digest_hex(json_string_value(json_object_get(d, "digest")), hex) < 0) {
				md_warnx("load: index.json: an index without a sha256 digest");
				json_decref(index);
				return -1;
			}
			md_pathf(path, "blobs/sha256/%s", hex);
			nested = read_json(l, path, hex, json_integer_value(json_object_get(d, "size")), NULL);
			if (!nested) {
				json_decref(index);
				return -1;
			}
			json_t *sub = json_object_get(nested, "manifests"), *s;
			size_t k;
			d = NULL;
			json_array_foreach(sub, k, s) {
				const char *os = json_string_value(json_object_get(json_object_get(s, "platform"), "os"));
				if (!d && (!os || !strcmp(os, "linux")))
					d = s;
			}
			if (!d) {
				md_warnx("load: index.json: an index with no manifest for linux");
				rc = -1;
			}
		}
		if (rc == 0)
			rc = oci_manifest(l, &l->img[i], d);
		/* Its name: containerd's and Docker's full one, else the OCI
		 * ref.name if it is a whole reference (a bare tag names nothing). */
		const char *name = json_string_value(json_object_get(ann, "io.containerd.image.name"));
		if (!name)
			name = json_string_value(json_object_get(ann, "org.opencontainers.image.ref.name"));
		if (rc == 0 && name && (strchr(name, '/') || strchr(name, ':')))
			snprintf(l->img[i].tags[l->img[i].ntags++], 256, "%s", name);
		json_decref(nested);
		if (rc < 0)
			break;
	}
	json_decref(index);
	return rc;
}

/* ---- a layer, checked and unpacked ------------------------------------- */

struct src {
	int fd;
	struct sha256 *h;
	long long n;
	char buf[1 << 16];
};

static la_ssize_t src_read(struct archive *a, void *arg, const void **buf)
{
	struct src *s = arg;
	ssize_t n = read(s->fd, s->buf, sizeof s->buf);

	if (n < 0) {
		archive_set_error(a, errno, "read");
		return -1;
	}
	sha256_add(s->h, s->buf, n);
	s->n += n;
	*buf = s->buf;
	return n;
}

/* LI's blob read whole: its digest, its size, and its diff_id (the
 * sha256 of its tar, uncompressed: gzip and zstd through libarchive). */
static int check_layer(const struct load *l, const struct layer_in *li, int fd)
{
	static char buf[1 << 16];
	struct src *s = md_realloc(NULL, sizeof *s);
	struct archive *a = archive_read_new();
	struct archive_entry *e;
	struct sha256 *diff = sha256_new();
	char blob[65], got[65];
	la_ssize_t n = 0;

	s->fd = fd;
	s->h = sha256_new();
	s->n = 0;
	archive_read_support_filter_all(a);
	archive_read_support_format_raw(a);
	int ok = archive_read_open(a, s, NULL, src_read, NULL) == ARCHIVE_OK &&
		 archive_read_next_header(a, &e) == ARCHIVE_OK;
	while (ok && (n = archive_read_data(a, buf, sizeof buf)) > 0)
		sha256_add(diff, buf, n);
	if (!ok || n < 0)	/* a gzip cut before its trailer: no error string */
		md_warnx("load: layer '%s': %s", li->path,
			 archive_error_string(a) ? archive_error_string(a) : "truncated or damaged");
	archive_read_free(a);
	while (ok && n == 0 && (n = read(fd, buf, sizeof buf)) > 0) {	/* what is past the end */
		sha256_add(s->h, buf, n);
		s->n += n;
		n = 0;
	}
	sha256_end(s->h, blob);
	sha256_end(diff, got);
	long long size = s->n;
	free(s);
	if (!ok || n < 0)
		return -1;
	if ((li->blob[0] && strcmp(li->blob, blob)) || (li->size >= 0 && li->size != size)) {
		md_warnx("load: layer '%s' is not the blob its digest names: sha256:%s, %lld bytes", li->path, blob,
			 size);
		return -1;
	}
	if (strcmp(li->diff, got)) {
		md_warnx("load: layer '%s' is not the layer the config names: its diff_id is sha256:%s, the config "
			 "says sha256:%s", li->path, got, li->diff);
		return -1;
	}
	(void)l;
	return 0;
}

/* LI, checked, unpacked into WORK/HEX unless the store or this load has
 * it already. */
static int take_layer(const struct load *l, const struct layer_in *li)
{
	char dir[PATH_MAX], what[PATH_MAX + 32];
	struct stat st;
	long skipped = 0;

	int fd = open_in(l, li->path);
	if (fd < 0 || check_layer(l, li, fd) < 0) {
		if (fd >= 0)
			close(fd);
		return -1;
	}
	layer_path(li->diff, dir);
	int have = lstat(dir, &st) == 0;
	md_pathf(dir, "%s/%s", l->work, li->diff);
	if (have || lstat(dir, &st) == 0) {
		close(fd);
		return 0;
	}
	struct archive *a = archive_read_new();
	if (!a || lseek(fd, 0, SEEK_SET) < 0)
		md_die("load: %s", li->path);
	archive_read_support_filter_all(a);
	archive_read_support_format_tar(a);
	snprintf(what, sizeof what, "layer '%s'", li->path);
	int rc = archive_read_open_fd(a, fd, 1 << 16) == ARCHIVE_OK ? 0 : -1;
	if (rc < 0)
		md_warnx("load: %s: %s", what, archive_error_string(a));
	if (rc == 0 && (mkdir(dir, 0755) < 0 || chdir(dir) < 0))
		md_die("mkdir %s", dir);
	if (rc == 0)
		rc = extract(a, what, &skipped, 1);
	back_here();
	if (skipped)
		fprintf(stderr, "minidocker: load: skipped %ld device node%s in %s: a container's devices come "
			"from the runtime, not its image\n", skipped, skipped == 1 ? "" : "s", what);
	archive_read_free(a);
	close(fd);
	return rc;
}

/* ---- into the store ------------------------------------------------------ */

static time_t config_created(json_t *cfg)
{
	const char *s = json_string_value(json_object_get(cfg, "created"));
	struct tm tm = { 0 };

	if (s && strptime(s, "%Y-%m-%dT%H:%M:%S", &tm))
		return timegm(&tm);
	return time(NULL);
}

/* Everything checked: the new layers into ROOT/layers, each image's
 * record and config, its names.  Under the store's lock. */
static int publish_load(struct load *l)
{
	char from[PATH_MAX], to[PATH_MAX], name[256];
	struct stat st;
	int lock = store_lock(LOCK_EX);

	/* Only for a load that still runs.  Killed, it kills us too
	 * (fill_temp), but a change of ids clears that (prctl(2),
	 * PR_SET_PDEATHSIG), and the lock may have been long in coming. */
	if (getppid() != l->parent) {
		close(lock);
		return -1;
	}
	/* A layer the store had when the archive was read may have gone
	 * since (rmi of the last image listing it): unpacked now, under the
	 * lock, from the archive still here. */
	for (int i = 0; i < l->n; i++)
		for (int j = 0; j < l->img[i].n; j++) {
			md_pathf(from, "%s/%s", l->work, l->img[i].layer[j].diff);
			layer_path(l->img[i].layer[j].diff, to);
			if (lstat(to, &st) < 0 && lstat(from, &st) < 0 && take_layer(l, &l->img[i].layer[j]) < 0) {
				close(lock);
				return -1;
			}
		}
	for (int i = 0; i < l->n; i++) {
		struct image_in *img = &l->img[i];
		struct record r = { .n = img->n };
		for (int j = 0; j < img->n; j++) {
			snprintf(r.layer[j], sizeof r.layer[j], "%s", img->layer[j].diff);
			md_pathf(from, "%s/%s", l->work, img->layer[j].diff);
			layer_path(img->layer[j].diff, to);
			if (lstat(to, &st) < 0 && rename(from, to) < 0)
				md_die("rename %s to %s", from, to);
		}
		snprintf(r.id, sizeof r.id, "%s", img->id);
		r.created = config_created(img->cfg);
		if (record_make(&r, img->cfg) < 0)
			exit(MD_EXIT_FAILED);
		int named = 0;
		for (int t = 0; t < img->ntags; t++)
			if (ref_normalize(img->tags[t], name) == 0) {
				tag_set(name, r.id);
				if (!l->quiet)
					printf("Loaded image: %s\n", name);
				named = 1;
			} else {
				md_warnx("load: '%s' is not a name Docker takes: left unnamed", img->tags[t]);
			}
		if (!named && !l->quiet)
			printf("Loaded image ID: sha256:%s\n", r.id);
	}
	close(lock);
	return 0;
}

static int load_all(void *arg)
{
	struct load *l = arg;
	char x[PATH_MAX];
	struct stat st;

	if ((here = open(".", O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0)
		md_die("open the current folder");
	md_pathf(x, "%s/archive", l->work);
	if (mkdir(x, 0700) < 0)
		md_die("mkdir %s", x);
	if ((l->x = open(x, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0)
		md_die("open %s", x);
	if (unpack_outer(l, x) < 0)
		return -1;
	int docker = fstatat(l->x, "manifest.json", &st, AT_SYMLINK_NOFOLLOW) == 0;
	if (!docker && fstatat(l->x, "index.json", &st, AT_SYMLINK_NOFOLLOW) < 0) {
		md_warnx("load: %s holds neither manifest.json (docker-archive) nor index.json (OCI layout)",
			 l->input ? l->input : "stdin");
		return -1;
	}
	if ((docker ? read_docker(l) : read_oci(l)) < 0)
		return -1;
	for (int i = 0; i < l->n; i++)
		for (int j = 0; j < l->img[i].n; j++)
			if (take_layer(l, &l->img[i].layer[j]) < 0)
				return -1;
	if (publish_load(l) < 0)
		return -1;
	fflush(stdout);
	return 0;
}

int cmd_load(int argc, char **argv)
{
	static const struct option opts[] = { { "input", required_argument, NULL, 'i' },
					      { "quiet", no_argument, NULL, 'q' },
					      { "help", no_argument, NULL, 'h' }, { 0 } };
	struct load l = { .input = NULL };
	int opt;

	while ((opt = next_opt(find_command("load"), argc, argv, "i:q", opts)) != -1)
		if (opt == 'i')
			l.input = optarg;
		else
			l.quiet = 1;
	if (optind < argc)
		usage_error(find_command("load"), NULL, "unexpected argument '%s'", argv[optind]);
	if (!l.input && isatty(0))
		md_diex("load: requested load from stdin, but stdin is a terminal: -i FILE, or < FILE");
	temp_image(l.work, "load");
	l.parent = getpid();
	if (fill_temp(l.work, load_all, &l) < 0)
		return MD_EXIT_FAILED;
	md_remove_tree(l.work);	/* the archive, and the layers the store had */
	return 0;
}

/* ---- save ------------------------------------------------------------------ */

/* save's or export's FILE.PID.tmp, removed at any exit before its rename:
 * fill_temp exits on Ctrl-C, md_die anywhere. */
static char out_tmp[PATH_MAX];

static void remove_out_tmp(void)
{
	if (out_tmp[0])
		unlink(out_tmp);
}

static void keep_out_tmp(const char *tmp)
{
	snprintf(out_tmp, sizeof out_tmp, "%s", tmp);
	atexit(remove_out_tmp);
}

/* An image to save: its record, its config (with the diff_ids of the
 * layers as written), its names. */
struct image_out {
	struct record r;
	json_t *cfg;
	char *text;		/* the config as written */
	char id[65];		/* its digest */
	char diff[MAX_LAYERS][65];
	struct tags names;
};

static la_ssize_t fd_write(struct archive *a, void *arg, const void *buf, size_t len)
{
	struct src *s = arg;
	ssize_t n = write(s->fd, buf, len);

	if (n < 0) {
		archive_set_error(a, errno, "write");
		return -1;
	}
	if (s->h)
		sha256_add(s->h, buf, n);
	s->n += n;
	return n;
}

/* LAYER (a folder of the store) as a tar in WORK/HEX.tar, HEX its
 * digest: the same tar as the one whose digest named it (layertar.c). */
static int save_layer(const char *work, const char *layer, char *hex)
{
	char dir[PATH_MAX], tmp[PATH_MAX], path[PATH_MAX];
	struct src s = { .h = sha256_new() };

	layer_path(layer, dir);
	md_pathf(tmp, "%s/layer.tmp", work);
	s.fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (s.fd < 0)
		md_die("open %s", tmp);
	struct archive *a = tar_writer();
	int rc = archive_write_open(a, &s, NULL, fd_write, NULL) == ARCHIVE_OK ? layer_tar(dir, a, NULL, 0) : -1;
	if (archive_write_close(a) != ARCHIVE_OK || rc < 0) {
		md_warnx("save: layer %s: %s", layer, archive_error_string(a));
		rc = -1;
	}
	archive_write_free(a);
	sha256_end(s.h, hex);
	if (close(s.fd) < 0)
		rc = -1;
	md_pathf(path, "%s/%s.tar", work, hex);
	if (rc == 0 && rename(tmp, path) < 0)
		md_die("rename %s", tmp);
	return rc;
}

/* Image REF for save: its layers written into WORK, its config updated. */
static int take_image(const char *work, const char *ref, struct image_out *o)
{
	char id[65], name[256], digest[80];
	int kind = image_resolve(ref, id);

	memset(o, 0, sizeof *o);
	if (kind < 0) {
		md_warnx("save: No such image: %s", ref);
		return -1;
	}
	if (kind == 0) {	/* a v1.1 folder: one layer (and those below), no config */
		if (ref_normalize(ref, name) < 0)
			return -1;
		char parent[256];
		time_t created;
		snprintf(parent, sizeof parent, "%s", ref);
		for (int n = 0; parent[0] && n < MAX_LAYERS; n++) {
			memmove(o->r.layer[1], o->r.layer[0], sizeof o->r.layer[0] * o->r.n++);
			snprintf(o->r.layer[0], sizeof o->r.layer[0], "folder:%.64s", parent);
			image_meta(parent, parent, sizeof parent, &created);
		}
		o->r.created = time(NULL);
		tags_add(&o->names, name, "");
	} else {
		struct tags t;
		if (record_read(id, &o->r) < 0)
			return -1;
		o->cfg = image_config_read(id);
		tags_read(&t);
		int by_name = ref_normalize(ref, name) == 0;
		for (int i = 0; i < t.n; i++)	/* the name given, or every name of the ID */
			if (!strcmp(t.id[i].hex, id) && (!by_name || !strcmp(t.ref[i], name) ||
			    (!strncmp(t.ref[i], "docker.io/library/", 18) && !strcmp(t.ref[i] + 18, name))))
				tags_add(&o->names, t.ref[i], id);
		tags_free(&t);
	}
	json_t *ids = json_array();
	for (int i = 0; i < o->r.n; i++) {
		if (save_layer(work, o->r.layer[i], o->diff[i]) < 0) {
			json_decref(ids);
			return -1;
		}
		snprintf(digest, sizeof digest, "sha256:%s", o->diff[i]);
		json_array_append_new(ids, json_string(digest));
	}
	if (!o->cfg)
		o->cfg = config_new(&o->r, NULL);
	json_t *rootfs = json_pack("{s:s, s:o}", "type", "layers", "diff_ids", ids);
	json_object_set_new(o->cfg, "rootfs", rootfs);
	o->text = json_dumps(o->cfg, JSON_COMPACT | JSON_SORT_KEYS);
	if (!o->text)
		md_diex("save: the config of %s as JSON", ref);
	struct sha256 *h = sha256_new();
	sha256_add(h, o->text, strlen(o->text));
	sha256_end(h, o->id);
	return 0;
}

/* One entry of the archive: a folder (DATA NULL, LEN 0), bytes, or the
 * file FROM. */
static int put(struct archive *a, const char *path, const void *data, size_t len, const char *from)
{
	struct archive_entry *e = archive_entry_new();
	struct stat st;
	int fd = -1, rc = 0;

	if (from && ((fd = open(from, O_RDONLY | O_CLOEXEC)) < 0 || fstat(fd, &st) < 0))
		md_die("open %s", from);
	archive_entry_set_pathname(e, path);
	archive_entry_set_filetype(e, !data && !from ? AE_IFDIR : AE_IFREG);
	archive_entry_set_perm(e, !data && !from ? 0755 : 0644);
	archive_entry_set_size(e, from ? st.st_size : (la_int64_t)len);
	archive_entry_set_mtime(e, time(NULL), 0);
	if (archive_write_header(a, e) < ARCHIVE_WARN)
		rc = -1;
	if (rc == 0 && data && archive_write_data(a, data, len) != (la_ssize_t)len)
		rc = -1;
	static char buf[1 << 16];
	ssize_t n;
	while (rc == 0 && fd >= 0 && (n = read(fd, buf, sizeof buf)) > 0)
		if (archive_write_data(a, buf, n) != n)
			rc = -1;
	if (fd >= 0)
		close(fd);
	archive_entry_free(e);
	if (rc < 0)
		md_warnx("save: %s: %s", path, archive_error_string(a));
	return rc;
}

static int put_json(struct archive *a, const char *path, json_t *j, char *hex)
{
	char *text = json_dumps(j, JSON_COMPACT);
	int rc = put(a, path, text, strlen(text), NULL);

	if (hex) {
		struct sha256 *h = sha256_new();
		sha256_add(h, text, strlen(text));
		sha256_end(h, hex);
	}
	free(text);
	json_decref(j);
	return rc;
}

/* docker-archive: HEX/layer.tar, CONFIG.json, manifest.json, repositories
 * (what docker save wrote before 25, and docker and podman load take). */
static int write_docker(struct archive *a, const char *work, struct image_out *o, int n)
{
	char path[PATH_MAX], file[PATH_MAX];
	json_t *manifest = json_array(), *repos = json_object();
	int rc = 0;

	for (int i = 0; i < n && rc == 0; i++) {
		json_t *layers = json_array(), *tags = json_array();
		for (int j = 0; j < o[i].r.n && rc == 0; j++) {
			int seen = 0;
			for (int k = 0; k <= i; k++)
				for (int m = 0; m < (k < i ? o[k].r.n : j); m++)
					seen |= !strcmp(o[k].diff[m], o[i].diff[j]);
			md_pathf(path, "%s/layer.tar", o[i].diff[j]);
			md_pathf(file, "%s/%s.tar", work, o[i].diff[j]);
			if (!seen)
				rc = put(a, o[i].diff[j], NULL, 0, NULL) || put(a, path, NULL, 0, file);
			json_array_append_new(layers, json_string(path));
		}
		md_pathf(path, "%s.json", o[i].id);
		if (rc == 0)
			rc = put(a, path, o[i].text, strlen(o[i].text), NULL);
		for (int t = 0; t < o[i].names.n; t++) {
			char repo[256];
			const char *colon = strrchr(o[i].names.ref[t], ':');
			json_array_append_new(tags, json_string(o[i].names.ref[t]));
			snprintf(repo, sizeof repo, "%.*s", (int)(colon - o[i].names.ref[t]), o[i].names.ref[t]);
			if (!json_object_get(repos, repo))
				json_object_set_new(repos, repo, json_object());
			json_object_set_new(json_object_get(repos, repo), colon + 1,
					    json_string(o[i].diff[o[i].r.n - 1]));
		}
		json_array_append_new(manifest, json_pack("{s:s, s:o, s:o}", "Config", path, "RepoTags", tags,
							  "Layers", layers));
	}
	if (rc == 0)
		rc = put_json(a, "manifest.json", manifest, NULL) || put_json(a, "repositories", repos, NULL);
	else
		json_decref(manifest), json_decref(repos);
	return rc;
}

/* The OCI image layout: oci-layout, blobs/sha256/..., index.json. */
static int write_oci(struct archive *a, const char *work, struct image_out *o, int n)
{
	char path[PATH_MAX], file[PATH_MAX], hex[65], digest[80];
	json_t *index = json_array();
	struct stat st;
	int rc = put(a, "oci-layout", "{\"imageLayoutVersion\":\"1.0.0\"}", 30, NULL) || put(a, "blobs", NULL, 0, NULL) ||
		 put(a, "blobs/sha256", NULL, 0, NULL);

	for (int i = 0; i < n && rc == 0; i++) {
		json_t *layers = json_array();
		for (int j = 0; j < o[i].r.n && rc == 0; j++) {
			int seen = 0;
			for (int k = 0; k <= i; k++)
				for (int m = 0; m < (k < i ? o[k].r.n : j); m++)
					seen |= !strcmp(o[k].diff[m], o[i].diff[j]);
			md_pathf(path, "blobs/sha256/%s", o[i].diff[j]);
			md_pathf(file, "%s/%s.tar", work, o[i].diff[j]);
			if (stat(file, &st) < 0)
				md_die("stat %s", file);
			if (!seen)
				rc = put(a, path, NULL, 0, file);
			snprintf(digest, sizeof digest, "sha256:%s", o[i].diff[j]);
			json_array_append_new(layers, json_pack("{s:s, s:s, s:I}", "mediaType",
								"application/vnd.oci.image.layer.v1.tar", "digest", digest,
								"size", (json_int_t)st.st_size));
		}
		md_pathf(path, "blobs/sha256/%s", o[i].id);
		if (rc == 0)
			rc = put(a, path, o[i].text, strlen(o[i].text), NULL);
		snprintf(digest, sizeof digest, "sha256:%s", o[i].id);
		json_t *m = json_pack("{s:i, s:s, s:{s:s, s:s, s:I}, s:o}", "schemaVersion", 2, "mediaType",
				      "application/vnd.oci.image.manifest.v1+json", "config", "mediaType",
				      "application/vnd.oci.image.config.v1+json", "digest", digest, "size",
				      (json_int_t)strlen(o[i].text), "layers", layers);
		char *text = json_dumps(m, JSON_COMPACT);
		json_decref(m);
		struct sha256 *h = sha256_new();
		sha256_add(h, text, strlen(text));
		sha256_end(h, hex);
		md_pathf(path, "blobs/sha256/%s", hex);
		if (rc == 0)
			rc = put(a, path, text, strlen(text), NULL);
		snprintf(digest, sizeof digest, "sha256:%s", hex);
		for (int t = 0; t < (o[i].names.n ? o[i].names.n : 1); t++) {
			json_t *d = json_pack("{s:s, s:s, s:I}", "mediaType", "application/vnd.oci.image.manifest.v1+json",
					      "digest", digest, "size", (json_int_t)strlen(text));
			if (o[i].names.n)	/* podman's and containerd's names for it */
				json_object_set_new(d, "annotations",
						    json_pack("{s:s, s:s}", "org.opencontainers.image.ref.name",
							      o[i].names.ref[t], "io.containerd.image.name",
							      o[i].names.ref[t]));
			json_array_append_new(index, d);
		}
		free(text);
	}
	if (rc == 0)
		rc = put_json(a, "index.json", json_pack("{s:i, s:o}", "schemaVersion", 2, "manifests", index), NULL);
	else
		json_decref(index);
	return rc;
}

struct save {
	int argc, oci, out;
	char **argv;
	const char *work;
};

static int save_all(void *arg)
{
	struct save *s = arg;
	struct image_out *o = calloc(s->argc, sizeof *o);
	struct src dst = { .fd = s->out };
	int rc = 0;

	if (!o)
		md_die("out of memory");
	int n = 0;
	for (int i = 0; i < s->argc && rc == 0; i++) {
		rc = take_image(s->work, s->argv[i], &o[n]);
		/* The same image twice (two of its names): once, with both. */
		int dup = -1;
		for (int j = 0; j < n && rc == 0 && dup < 0; j++)
			if (!strcmp(o[j].id, o[n].id))
				dup = j;
		if (dup < 0) {
			n++;
			continue;
		}
		for (int t = 0; t < o[n].names.n; t++) {
			int have = 0;
			for (int u = 0; u < o[dup].names.n; u++)
				have |= !strcmp(o[dup].names.ref[u], o[n].names.ref[t]);
			if (!have)
				tags_add(&o[dup].names, o[n].names.ref[t], o[n].names.id[t].hex);
		}
		tags_free(&o[n].names);
		json_decref(o[n].cfg);
		free(o[n].text);
	}
	struct archive *a = tar_writer();
	if (rc == 0 && archive_write_open(a, &dst, NULL, fd_write, NULL) != ARCHIVE_OK)
		rc = -1;
	if (rc == 0)
		rc = s->oci ? write_oci(a, s->work, o, n) : write_docker(a, s->work, o, n);
	if (archive_write_close(a) != ARCHIVE_OK && rc == 0) {
		md_warnx("save: %s", archive_error_string(a));
		rc = -1;
	}
	archive_write_free(a);
	return rc;
}

int cmd_save(int argc, char **argv)
{
	static const struct option opts[] = { { "output", required_argument, NULL, 'o' },
					      { "format", required_argument, NULL, 'F' },
					      { "help", no_argument, NULL, 'h' }, { 0 } };
	char work[PATH_MAX], tmp[PATH_MAX];
	const char *output = NULL;
	int opt, oci = 0;

	while ((opt = next_opt(find_command("save"), argc, argv, "o:", opts)) != -1)
		if (opt == 'o')
			output = optarg;
		else if (!strcmp(optarg, "oci-archive"))
			oci = 1;
		else if (strcmp(optarg, "docker-archive"))
			usage_error(find_command("save"), NULL, "unknown --format '%s': docker-archive or oci-archive",
				    optarg);
	if (optind >= argc)
		usage_error(find_command("save"), NULL, "no image given");
	if (!output && isatty(1))
		md_diex("save: cowardly refusing to save to a terminal: -o FILE, or > FILE");
	/* Into FILE.PID first, renamed when whole: a failed save leaves no
	 * half archive, nor an old one damaged. */
	int out = 1;
	if (output) {
		md_pathf(tmp, "%s.%d.tmp", output, (int)getpid());
		if ((out = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644)) < 0)
			md_die("save: create %s", tmp);
		keep_out_tmp(tmp);
	}
	temp_image(work, "save");
	struct save s = { argc - optind, oci, out, argv + optind, work };
	int rc = fill_temp(work, save_all, &s);
	if (rc == 0)
		md_remove_tree(work);
	if (output && (close(out) < 0 || rc < 0 || rename(tmp, output) < 0)) {
		if (rc == 0)
			md_warn("save: write %s", output);
		unlink(tmp);
		return MD_EXIT_FAILED;
	}
	out_tmp[0] = '\0';
	return rc < 0 ? MD_EXIT_FAILED : 0;
}

/* ---- export ---------------------------------------------------------------- */

struct export {
	struct container c;
	int out;
};

/* In a mount namespace of our own (private: nothing reaches the host),
 * the container's files as one read-only overlay: its upper layer on top
 * of its image's layers, all as lower layers (no upperdir: no clash with
 * the overlay a running container has).  Written as a tar, the owners
 * taken back out of the container's id range (v1.2), so that an import
 * of it elsewhere keeps them. */
static int export_child(void *arg)
{
	struct export *x = arg;
	char dir[PATH_MAX], lowers[PATH_MAX], shifted[PATH_MAX], opts[3 * PATH_MAX + 64], rootfs[PATH_MAX];
	const struct container *c = &x->c;

	if (image_layers(c->image_id[0] ? c->image_id : c->image, lowers) < 0)
		return -1;
	if (!strcmp(c->layers, "copy") && shifted_layers(c, lowers, shifted) == 0)
		snprintf(lowers, sizeof lowers, "%s", shifted);	/* v1.2's copies, as it ran */
	container_path(dir, c->id, NULL);
	md_pathf(rootfs, "%s/rootfs", dir);
	if ((size_t)snprintf(opts, sizeof opts, "userxattr,lowerdir=%s/upper:%s", dir, lowers) >= sizeof opts)
		md_diex("overlay options too long");
	if (unshare(CLONE_NEWNS) < 0 || mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0)
		md_die("export: a mount namespace for the container's files");
	if (mount("overlay", rootfs, "overlay", MS_RDONLY | MS_NOSUID | MS_NODEV, opts) < 0)
		md_die("export: mount container %s's files on %s", c->name, rootfs);
	struct src dst = { .fd = x->out };
	struct archive *a = tar_writer();
	int rc = archive_write_open(a, &dst, NULL, fd_write, NULL) == ARCHIVE_OK ? 0 : -1;
	if (rc == 0)
		rc = layer_tar(rootfs, a, c->map.how == MAP_RANGE ? &c->map : NULL, 1);
	if (archive_write_close(a) != ARCHIVE_OK && rc == 0) {
		md_warnx("export: %s", archive_error_string(a));
		rc = -1;
	}
	archive_write_free(a);
	return rc;
}

int cmd_export(int argc, char **argv)
{
	static const struct option opts[] = { { "output", required_argument, NULL, 'o' },
					      { "help", no_argument, NULL, 'h' }, { 0 } };
	char tmp[PATH_MAX], work[PATH_MAX];
	const char *output = NULL;
	struct export x;
	int opt;

	while ((opt = next_opt(find_command("export"), argc, argv, "o:", opts)) != -1)
		output = optarg;
	if (argc - optind != 1)
		usage_error(find_command("export"), NULL, "one container, please");
	if (geteuid() != 0)
		md_diex("export: only root can mount a container's files to read them");
	if (!output && isatty(1))
		md_diex("export: cowardly refusing to save to a terminal: -o FILE, or > FILE");
	if (find_container(argv[optind], &x.c) < 0)
		return MD_EXIT_FAILED;
	drop_command(&x.c);
	x.out = 1;
	if (output) {
		md_pathf(tmp, "%s.%d.tmp", output, (int)getpid());
		if ((x.out = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644)) < 0)
			md_die("export: create %s", tmp);
		keep_out_tmp(tmp);
	}
	/* fill_temp's child, for its clean end on Ctrl-C; the folder unused. */
	temp_image(work, "export");
	int rc = fill_temp(work, export_child, &x);
	if (rc == 0)
		md_remove_tree(work);
	if (output && (close(x.out) < 0 || rc < 0 || rename(tmp, output) < 0)) {
		if (rc == 0)
			md_warn("export: write %s", output);
		unlink(tmp);
		return MD_EXIT_FAILED;
	}
	out_tmp[0] = '\0';
	return rc < 0 ? MD_EXIT_FAILED : 0;
}
