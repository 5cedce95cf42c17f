/* Images by digest, and their names (v1.6).
 *
 * A layer is stored once, in ROOT/layers/HEX, where HEX is its OCI
 * "diff_id": the sha256 of the layer as an uncompressed tar.  An image is
 * a record, ROOT/imagedb/ID/image, whose ID is the sha256 of its config
 * JSON (as Docker's image ID), listing its layers bottom first; its config
 * is ROOT/imagedb/ID/config.json (imgconfig.c reads and writes it).  Two
 * images with a common base list the same layers: nothing is copied.
 *
 * Names are a table, ROOT/imagedb/tags, one "NAME:TAG ID" a line, changed
 * under a lock (ROOT/imagedb/.lock) and replaced whole (rename(2)), so a
 * reader never sees half of it.  v1.1's images, plain folders in
 * ROOT/images/NAME (scripts/mkimage's base), still run, as one layer
 * with no config, and v1.1 to v1.5 sharing the root see nothing new
 * there: everything of v1.6 is outside ROOT/images. */
#include "lazy-crypto.h"	/* libcrypto, loaded when first used */
#include "minidocker.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <getopt.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

/* ---- sha256, through libcrypto's EVP interface (evp_digestinit(3)) ---- */

struct sha256 *sha256_new(void)
{
	EVP_MD_CTX *c = EVP_MD_CTX_new();

	if (!c || EVP_DigestInit_ex(c, EVP_sha256(), NULL) != 1)
		md_diex("sha256: cannot start a digest (libcrypto)");
	return (struct sha256 *)c;
}

void sha256_add(struct sha256 *h, const void *buf, size_t len)
{
	if (EVP_DigestUpdate((EVP_MD_CTX *)h, buf, len) != 1)
		md_diex("sha256: digest update failed (libcrypto)");
}

/* The digest as 64 lower-case hex digits in HEX; H is freed. */
void sha256_end(struct sha256 *h, char *hex)
{
	unsigned char d[EVP_MAX_MD_SIZE];
	unsigned int n = 0;

	if (EVP_DigestFinal_ex((EVP_MD_CTX *)h, d, &n) != 1 || n != 32)
		md_diex("sha256: digest failed (libcrypto)");
	EVP_MD_CTX_free((EVP_MD_CTX *)h);
	for (unsigned int i = 0; i < n; i++)
		sprintf(hex + 2 * i, "%02x", d[i]);
}

int is_hex64(const char *s)
{
	return strlen(s) == 64 && strspn(s, "0123456789abcdef") == 64;
}

/* ---- names: NAME[:TAG] -------------------------------------------------- */

/* REF as the tags table keeps it, "NAME:TAG" (TAG "latest" if none), in
 * OUT (256 bytes); -1 if it is not a name Docker would take: components
 * of lower-case letters, digits and separators ('.', '_', '-') between
 * '/', a host[:port] first; a tag of letters, digits, '_', '.', '-'. */
int ref_normalize(const char *ref, char *out)
{
	const char *slash = strrchr(ref, '/'), *colon = strrchr(ref, ':');
	size_t len = strlen(ref);

	if (colon && slash && colon < slash)
		colon = NULL;	/* localhost:5000/name: a port, not a tag */
	size_t nlen = colon ? (size_t)(colon - ref) : len;
	const char *tag = colon ? colon + 1 : "latest";
	if (!nlen || len > 200 || !tag[0] || strlen(tag) > 128 || strchr("-.", tag[0]) ||
	    strspn(tag, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_.-") != strlen(tag))
		return -1;
	const char *first = memchr(ref, '/', nlen);
	for (size_t i = 0, start = 0; i <= nlen; i++) {
		if (i < nlen && ref[i] != '/')
			continue;
		/* A component: [a-z0-9] at both ends; the host may have a port. */
		const char *c = ref + start;
		size_t clen = i - start;
		int host = first && c == ref;
		const char *ok = host ? "abcdefghijklmnopqrstuvwxyz0123456789.-:ABCDEFGHIJKLMNOPQRSTUVWXYZ"
				      : "abcdefghijklmnopqrstuvwxyz0123456789._-";
		if (!clen || strspn(c, ok) < clen || !isalnum((unsigned char)c[0]) ||
		    !isalnum((unsigned char)c[clen - 1]) || (!host && !islower(c[0]) && !isdigit(c[0])))
			return -1;
		start = i + 1;
	}
	if (snprintf(out, 256, "%.*s:%s", (int)nlen, ref, tag) >= 256)
		return -1;
	return 0;
}

/* ---- the tags table ------------------------------------------------------ */

static void db_path(char *path, const char *file)
{
	md_pathf(path, "%s/imagedb%s%s", md_state_root(), file ? "/" : "", file ? file : "");
}

/* The lock every change of the store holds (flock(2)); a reader takes
 * it shared. */
int store_lock(int how)
{
	char path[PATH_MAX];

	md_state_dir(path, "imagedb", 0700);
	db_path(path, ".lock");
	int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (fd < 0 || flock(fd, how) < 0)
		md_die("lock %s", path);
	return fd;
}

void tags_free(struct tags *t)
{
	for (int i = 0; i < t->n; i++)
		free(t->ref[i]);
	free(t->ref);
	free(t->id);
	t->n = 0;
	t->ref = NULL;
	t->id = NULL;
}

void tags_add(struct tags *t, const char *ref, const char *id)
{
	t->ref = md_realloc(t->ref, (t->n + 1) * sizeof *t->ref);
	t->id = md_realloc(t->id, (t->n + 1) * sizeof *t->id);
	if (!(t->ref[t->n] = strdup(ref)))
		md_die("out of memory");
	snprintf(t->id[t->n].hex, sizeof t->id[t->n].hex, "%s", id);
	t->n++;
}

void tags_read(struct tags *t)
{
	char path[PATH_MAX], line[512], ref[256], id[65];

	t->n = 0;
	t->ref = NULL;
	t->id = NULL;
	db_path(path, "tags");
	FILE *f = fopen(path, "re");
	if (!f && errno != ENOENT)
		md_die("open %s", path);
	while (f && fgets(line, sizeof line, f))
		if (sscanf(line, "%255s %64s", ref, id) == 2 && is_hex64(id))
			tags_add(t, ref, id);
	if (f)
		fclose(f);
}

static int by_ref(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Write T whole, sorted, in place of the table (the caller holds the lock). */
void tags_write(struct tags *t)
{
	char path[PATH_MAX], tmp[PATH_MAX];

	/* Sort the pairs by name: an index, then both arrays in its order. */
	char **keys = md_realloc(NULL, (t->n + 1) * sizeof *keys);
	for (int i = 0; i < t->n; i++) {
		size_t len = strlen(t->ref[i]) + 66;
		keys[i] = md_realloc(NULL, len);
		snprintf(keys[i], len, "%s %s", t->ref[i], t->id[i].hex);
	}
	qsort(keys, t->n, sizeof *keys, by_ref);
	db_path(path, "tags");
	md_pathf(tmp, "%s.%d", path, (int)getpid());
	FILE *f = fopen(tmp, "we");
	int ok = f != NULL;
	for (int i = 0; i < t->n; i++) {
		if (ok && fprintf(f, "%s\n", keys[i]) < 0)
			ok = 0;
		free(keys[i]);
	}
	free(keys);
	if (!f || fflush(f) != 0 || fsync(fileno(f)) < 0 || !ok || fclose(f) != 0 || rename(tmp, path) < 0) {
		md_warn("write %s", path);
		unlink(tmp);
		exit(MD_EXIT_FAILED);
	}
}

/* ---- image records -------------------------------------------------------- */

void record_path(char *path, const char *id, const char *file)
{
	md_pathf(path, "%s/imagedb/%s/%s", md_state_root(), id, file);
}

/* Read the record FILE (an "image" file) into R, its ID left empty: 0,
 * or -1 (none). */
static int record_load(const char *file, struct record *r)
{
	char line[512];

	memset(r, 0, sizeof *r);
	FILE *f = fopen(file, "re");
	if (!f)
		return -1;
	while (fgets(line, sizeof line, f)) {
		line[strcspn(line, "\n")] = '\0';
		if (!strncmp(line, "created=", 8))
			r->created = atoll(line + 8);
		else if (!strncmp(line, "parent=", 7))
			snprintf(r->parent, sizeof r->parent, "%.64s", line + 7);
		else if (!strncmp(line, "layer=", 6) && r->n < MAX_LAYERS &&
			 (is_hex64(line + 6) || !strncmp(line + 6, "folder:", 7)))
			snprintf(r->layer[r->n++], sizeof r->layer[0], "%.71s", line + 6);
	}
	fclose(f);
	return 0;
}

/* Read image ID's record into R: 0, or -1 (none). */
int record_read(const char *id, struct record *r)
{
	char path[PATH_MAX];

	memset(r, 0, sizeof *r);
	if (!is_hex64(id))
		return -1;
	record_path(path, id, "image");
	if (record_load(path, r) < 0)
		return -1;
	snprintf(r->id, sizeof r->id, "%s", id);
	return 0;
}

/* Did rmi -f delete image ID while a stopped container used it?  Its
 * folder then holds "deleted": the image is gone for every command, its
 * record and layers kept for the container (image_release). */
static int record_deleted(const char *id)
{
	char path[PATH_MAX];

	record_path(path, id, "deleted");
	return access(path, F_OK) == 0;
}

/* Write R as DIR/image: 0, or -1 after saying why. */
static int record_file(const char *dir, const struct record *r)
{
	char path[PATH_MAX];

	md_pathf(path, "%s/image", dir);
	FILE *f = fopen(path, "wxe");
	int ok = f && fprintf(f, "created=%lld\nparent=%s\n", (long long)r->created, r->parent) > 0;
	for (int i = 0; ok && i < r->n; i++)
		ok = fprintf(f, "layer=%s\n", r->layer[i]) > 0;
	if (!f || fflush(f) != 0 || fsync(fileno(f)) < 0 || !ok) {
		md_warn("write %s", path);
		if (f)
			fclose(f);
		return -1;
	}
	if (fclose(f) != 0) {
		md_warn("write %s", path);
		return -1;
	}
	return 0;
}

/* A layer's folder: ROOT/layers/HEX, or a v1.1 image's ROOT/images/NAME. */
void layer_path(const char *layer, char *path)
{
	if (!strncmp(layer, "folder:", 7))
		md_pathf(path, "%s/images/%s", md_state_root(), layer + 7);
	else
		md_pathf(path, "%s/layers/%s", md_state_root(), layer);
}

/* A v1.1 image: a plain folder ROOT/images/NAME, NAME without '/' or ':'. */
int legacy_image(const char *name)
{
	char path[PATH_MAX];
	struct stat st;

	if (!name[0] || name[0] == '.' || strpbrk(name, "/:") || strlen(name) > 200)
		return 0;
	md_pathf(path, "%s/images/%s", md_state_root(), name);
	return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

/* Which image REF names: 1 and its ID in ID (65 bytes) for an image of
 * the store; 0 for a v1.1 folder; -1 for none.  REF is NAME[:TAG] (also
 * as docker.io/library/NAME, as podman names Docker Hub's images), the
 * ID, "sha256:ID", or a unique prefix of it. */
int image_resolve(const char *ref, char *id)
{
	char want[256], alt[256];
	struct tags t;
	int found = -1;

	if (legacy_image(ref))
		return 0;
	tags_read(&t);
	if (ref_normalize(ref, want) == 0) {
		for (int i = 0; i < t.n && found < 0; i++)
			if (!strcmp(t.ref[i], want))
				found = i;
		for (int i = 0; i < t.n && found < 0; i++)
			if (snprintf(alt, sizeof alt, "docker.io/library/%s", want) < (int)sizeof alt &&
			    !strcmp(t.ref[i], alt))
				found = i;
	}
	if (found >= 0) {
		snprintf(id, 65, "%s", t.id[found].hex);
		tags_free(&t);
		return 1;
	}
	tags_free(&t);
	/* An ID, or its prefix (Docker's shortest is one digit; we ask 3). */
	const char *hex = !strncmp(ref, "sha256:", 7) ? ref + 7 : ref;
	size_t len = strlen(hex);
	char path[PATH_MAX];
	struct dirent *e;
	int n = 0;
	if (len < 3 || len > 64 || strspn(hex, "0123456789abcdef") != len)
		return -1;
	db_path(path, NULL);
	DIR *d = opendir(path);
	while (d && (e = readdir(d)))
		if (is_hex64(e->d_name) && !strncmp(e->d_name, hex, len) && n++ == 0)
			snprintf(id, 65, "%s", e->d_name);
	if (d)
		closedir(d);
	struct record r;
	return n == 1 && record_read(id, &r) == 0 && !record_deleted(id) ? 1 : -1;
}

/* resolve, or exit 125 with Docker's words. */
int image_find(const char *ref, char *id)
{
	int rc = image_resolve(ref, id);

	if (rc < 0) {
		md_warnx("No such image: %s", ref);
		md_image_hint();
		exit(MD_EXIT_FAILED);
	}
	return rc;
}

/* imgconfig.c's path for IMAGE's config: ROOT/imagedb/ID/config.json, or
 * -1 for an image with none (a v1.1 folder, or no such image). */
int image_config_path(const char *image, char *path)
{
	char id[65];

	if (is_hex64(image)) {
		record_path(path, image, "config.json");
		return 0;
	}
	if (image_resolve(image, id) != 1)
		return -1;
	record_path(path, id, "config.json");
	return 0;
}

/* The layers an image is made of, top first, as the overlay's lowerdir. */
int store_layers(const char *id, char *lowers)
{
	char path[PATH_MAX], shortid[13];
	struct record r;
	size_t len = 0;

	snprintf(shortid, sizeof shortid, "%.12s", id);
	if (record_read(id, &r) < 0 || r.n == 0) {
		md_warnx("image %.12s: no record of its layers in %s/imagedb", id, md_state_root());
		return -1;
	}
	for (int i = r.n - 1; i >= 0; i--) {
		/* A layer listed twice (the empty layer of two steps that
		 * changed nothing, as Docker's builder makes it) is mounted
		 * once, where it is topmost: overlayfs refuses a folder twice
		 * among its layers (ELOOP), and the lower place could decide
		 * nothing the upper one does not (its files, whiteouts and
		 * opaque folders are all in the upper one, above it). */
		int above = 0;
		for (int k = i + 1; k < r.n && !above; k++)
			above = !strcmp(r.layer[k], r.layer[i]);
		if (above)
			continue;
		layer_path(r.layer[i], path);
		if (lowers_add(lowers, &len, path, shortid) < 0)
			return -1;
	}
	return 0;
}

/* Point NAME (normalized) at ID, taking it from any image it named
 * (the caller holds the lock). */
void tag_set(const char *name, const char *id)
{
	struct tags t;
	int done = 0;

	tags_read(&t);
	for (int i = 0; i < t.n; i++)
		if (!strcmp(t.ref[i], name)) {
			snprintf(t.id[i].hex, sizeof t.id[i].hex, "%s", id);
			done = 1;
		}
	if (!done)
		tags_add(&t, name, id);
	tags_write(&t);
	tags_free(&t);
}

/* A new name for an image: normalized into OUT, or exit 125.  A v1.1
 * folder of that name would hide it: refused. */
void check_new_name(const char *name, char *out)
{
	if (ref_normalize(name, out) < 0)
		md_diex("invalid reference format: '%s' (NAME[:TAG], lower-case name)", name);
	size_t len = strlen(out);
	if (len > 7 && !strcmp(out + len - 7, ":latest")) {
		char bare[256];
		snprintf(bare, sizeof bare, "%.*s", (int)len - 7, out);
		if (legacy_image(bare))
			md_diex("image '%s' already exists (a folder in %s/images)", bare, md_state_root());
	}
}

int cmd_tag(int argc, char **argv)
{
	static const struct option opts[] = { { "help", no_argument, NULL, 'h' }, { 0 } };
	char id[65], name[256];

	while (next_opt(find_command("tag"), argc, argv, "", opts) != -1)
		;
	if (argc - optind != 2)
		usage_error(find_command("tag"), NULL, "a source image and a target name, please");
	if (image_find(argv[optind], id) == 0)
		md_diex("tag: %s is a folder image (v1.1's): import or commit it to give it names",
			argv[optind]);
	check_new_name(argv[optind + 1], name);
	int lock = store_lock(LOCK_EX);
	tag_set(name, id);
	close(lock);
	return 0;
}

/* ---- a new image from layers ------------------------------------------- */

/* The architecture as the OCI spec names it (Go's GOARCH). */
#if defined(__x86_64__)
#define MD_ARCH "amd64"
#elif defined(__aarch64__)
#define MD_ARCH "arm64"
#else
#define MD_ARCH "unknown"
#endif

/* Every record's ID, in IDS (freed by the caller): their number. */
static int record_ids(char (**ids)[65])
{
	char path[PATH_MAX];
	struct dirent *e;
	int n = 0;

	*ids = NULL;
	db_path(path, NULL);
	DIR *d = opendir(path);
	while (d && (e = readdir(d)))
		if (is_hex64(e->d_name)) {
			*ids = md_realloc(*ids, (n + 1) * sizeof **ids);
			snprintf((*ids)[n++], 65, "%s", e->d_name);
		}
	if (d)
		closedir(d);
	return n;
}

/* Is LAYER listed by a record of the store? */
static int layer_used(const char *layer)
{
	char (*ids)[65];
	int n = record_ids(&ids), used = 0;
	struct record r;

	for (int i = 0; i < n && !used; i++)
		if (record_read(ids[i], &r) == 0)
			for (int j = 0; j < r.n; j++)
				used |= !strcmp(r.layer[j], layer);
	free(ids);
	return used;
}

/* R's layers no record lists any more, out of the store (the caller
 * holds the store's lock): 0, or -1 after saying why. */
static int layers_drop(const struct record *r)
{
	char path[PATH_MAX];

	for (int i = 0; i < r->n; i++) {
		if (!is_hex64(r->layer[i]) || layer_used(r->layer[i]))
			continue;
		layer_path(r->layer[i], path);
		if (md_remove_tree(path) < 0)
			return -1;
		shifted_remove(r->layer[i]);	/* v1.2's copies of it */
	}
	return 0;
}

/* A record out of the store, DIR (no reader's: not 64 hex digits), and
 * then the layers it listed that no record lists: 0, or -1. */
static int record_drop(const char *dir)
{
	char path[PATH_MAX];
	struct record r;

	md_pathf(path, "%s/image", dir);
	record_load(path, &r);	/* none yet: no layer of its own */
	if (md_remove_tree(dir) < 0)
		return -1;
	return layers_drop(&r);
}

/* What a killed command left in imagedb: a record it was making
 * (.new-XXXXXX) or removing (.gone-ID), and their layers no image lists.
 * Only for a caller holding the store's lock exclusive: every command
 * that makes or removes a record holds it until it is done, so what is
 * there now is a dead one's. */
static void store_sweep(void)
{
	char path[PATH_MAX];
	struct dirent *e;

	db_path(path, NULL);
	DIR *d = opendir(path);
	while (d && (e = readdir(d)))
		if (!strncmp(e->d_name, ".new-", 5) || !strncmp(e->d_name, ".gone-", 6)) {
			db_path(path, e->d_name);
			record_drop(path);
		}
	if (d)
		closedir(d);
}

/* Remove image ID's record, then the layers no other image lists (the
 * caller holds the store's lock).  The folder is first renamed out of
 * the readers' sight, whole: killed after that, the next store_sweep
 * ends the removal.  SAY: Docker's "Deleted:" line. */
static int record_remove(const char *id, int say)
{
	char path[PATH_MAX], gone[PATH_MAX];
	struct record r;

	if (record_read(id, &r) < 0)
		return -1;
	md_pathf(path, "%s/imagedb/%s", md_state_root(), id);
	md_pathf(gone, "%s/imagedb/.gone-%s", md_state_root(), id);
	if (rename(path, gone) < 0) {
		md_warn("remove %s", path);
		return -1;
	}
	if (say)
		printf("Deleted: sha256:%s\n", id);
	return record_drop(gone);
}

/* Put image R->id, of R's layers (in the store already) and CONFIG, in
 * the store whole or not at all: the record is made in imagedb/.new-XXXXXX
 * (a name no reader takes: not 64 hex digits), its layers listed first,
 * and renamed into place complete.  An image the store has already stays
 * as it is (its ID is the digest of its config: the same), taken back
 * from rmi -f if it was deleted (its marker goes).  On a failure the
 * folder goes, and so do R's layers no image lists: those this command
 * brought.  The caller holds the store's lock exclusive.  0, or -1 after
 * saying why. */
int record_make(struct record *r, json_t *config)
{
	char tmp[PATH_MAX], path[PATH_MAX];
	struct record old;

	store_sweep();
	md_state_dir(path, "imagedb", 0700);
	db_path(tmp, ".new-XXXXXX");
	if (!mkdtemp(tmp)) {
		md_warn("mkdir %s", tmp);
		layers_drop(r);
		return -1;
	}
	md_pathf(path, "%s/imagedb/%s", md_state_root(), r->id);
	if (record_file(tmp, r) < 0 || image_config_write(tmp, config) < 0)
		goto fail;
	/* rename(2) takes the place of an empty folder (an older
	 * minidocker's, killed after its mkdir), not of a full one. */
	if (rename(tmp, path) == 0)
		return 0;
	if (errno != EEXIST && errno != ENOTEMPTY) {
		md_warn("rename %s to %s", tmp, path);
		goto fail;
	}
	md_remove_tree(tmp);
	if (record_read(r->id, &old) < 0) {
		md_warnx("image %.12s: %s is there but holds no record: remove it", r->id, path);
		layers_drop(r);
		return -1;
	}
	record_path(path, r->id, "deleted");
	if (unlink(path) < 0 && errno != ENOENT) {
		md_warn("remove %s", path);
		return -1;
	}
	return 0;
fail:
	record_drop(tmp);
	return -1;
}

/* Record a new image: its CONFIG (the OCI image config object) and R's
 * layers and parent, already in the store (record_make); its ID, the
 * sha256 of CONFIG as written, in R->id.  The caller holds the store's
 * lock.  Exits 125 if it cannot. */
void record_new(struct record *r, json_t *config)
{
	char *text = json_dumps(config, JSON_COMPACT | JSON_SORT_KEYS);

	if (!text)
		md_diex("image config: cannot write it as JSON");
	struct sha256 *h = sha256_new();
	sha256_add(h, text, strlen(text));
	sha256_end(h, r->id);
	free(text);
	if (record_make(r, config) < 0)
		exit(MD_EXIT_FAILED);
}

/* The OCI config of an image made here (import, commit) from R's layers,
 * whose diff_ids are their names; PARENT's config (or NULL) to start from. */
json_t *config_new(const struct record *r, json_t *parent)
{
	char created[64], digest[80];
	struct tm tm;
	time_t now = r->created;

	gmtime_r(&now, &tm);
	strftime(created, sizeof created, "%Y-%m-%dT%H:%M:%SZ", &tm);
	json_t *c = parent ? json_deep_copy(parent) : json_object();
	json_t *ids = json_array();
	for (int i = 0; i < r->n; i++) {
		char hex[65], path[PATH_MAX];
		const char *id = r->layer[i];
		/* A v1.1 folder has no digest of its own: the one of the tar
		 * save writes of it, as for any layer. */
		if (!strncmp(id, "folder:", 7)) {
			layer_path(id, path);
			if (layer_digest(path, hex) < 0)
				md_diex("the digest of the layer %s", path);
			id = hex;
		}
		snprintf(digest, sizeof digest, "sha256:%s", id);
		json_array_append_new(ids, json_string(digest));
	}
	json_object_set_new(c, "architecture", json_string(MD_ARCH));
	json_object_set_new(c, "os", json_string("linux"));
	json_object_set_new(c, "created", json_string(created));
	json_object_set_new(c, "rootfs", json_pack("{s:s, s:o}", "type", "layers", "diff_ids", ids));
	if (!json_object_get(c, "config"))
		json_object_set_new(c, "config", json_object());
	return c;
}

/* ---- images ------------------------------------------------------------- */

static long long tree_bytes;

static int add_bytes(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)path;
	(void)flag;
	(void)ftw;
	tree_bytes += (long long)st->st_blocks * 512;
	return 0;
}

/* What a tree takes on disk, or -1.  glibc's nftw walks with directory
 * fds: a committed layer as deep as its container made it is counted. */
static long long bytes_of(const char *path)
{
	tree_bytes = 0;
	return nftw(path, add_bytes, 32, FTW_PHYS | FTW_MOUNT) == 0 ? tree_bytes : -1;
}

/* Docker's sizes: decimal units, three significant digits. */
static void human_size(long long bytes, char *buf, size_t len)
{
	if (bytes < 0)
		snprintf(buf, len, "?");
	else if (bytes < 1000)
		snprintf(buf, len, "%lldB", bytes);
	else if (bytes < 1000000)
		snprintf(buf, len, "%.3gkB", bytes / 1e3);
	else if (bytes < 1000000000)
		snprintf(buf, len, "%.3gMB", bytes / 1e6);
	else
		snprintf(buf, len, "%.3gGB", bytes / 1e9);
}

static void image_row(const char *repo, const char *tag, const char *id, time_t created, long long bytes,
		      int width)
{
	char ago[64], size[32];

	human_duration(difftime(time(NULL), created), ago, sizeof ago);
	human_size(bytes, size, sizeof size);
	printf("%-*s %-10s %-14.12s %-24s %s\n", width, repo, tag, id, strcat(ago, " ago"), size);
}

static long long record_bytes(const struct record *r)
{
	char path[PATH_MAX];
	long long sum = 0;

	for (int i = 0; i < r->n; i++) {
		layer_path(r->layer[i], path);
		long long b = bytes_of(path);
		if (b < 0)
			return -1;
		sum += b;
	}
	return sum;
}

/* v1.1's folder images, sorted, in NAMES: their number. */
static int legacy_names(char ***names)
{
	char dir[PATH_MAX];
	struct dirent *e;
	int n = 0;

	*names = NULL;
	md_pathf(dir, "%s/images", md_state_root());
	DIR *d = opendir(dir);
	while (d && (e = readdir(d)))
		if (e->d_name[0] != '.' && legacy_image(e->d_name)) {
			*names = md_realloc(*names, (n + 1) * sizeof **names);
			if (!((*names)[n++] = strdup(e->d_name)))
				md_die("out of memory");
		}
	if (d)
		closedir(d);
	if (n)	/* qsort(3) takes no NULL, even for none */
		qsort(*names, n, sizeof **names, by_ref);
	return n;
}

/* "docker.io/library/busybox:latest" as REPOSITORY and TAG. */
static void split_ref(const char *ref, char *repo, char *tag)
{
	const char *colon = strrchr(ref, ':');

	snprintf(repo, 256, "%.*s", (int)(colon - ref), ref);
	snprintf(tag, 256, "%s", colon + 1);
}

int cmd_images(int argc, char **argv)
{
	static const struct option opts[] = { { "quiet", no_argument, NULL, 'q' },
					      { "help", no_argument, NULL, 'h' }, { 0 } };
	char repo[256], tag[256], **legacy;
	char (*ids)[65];
	int quiet = 0, opt, width = 10;	/* as Docker's tabwriter: 3 spaces after the longest */
	struct record r;
	struct tags t;

	while ((opt = next_opt(find_command("images"), argc, argv, "q", opts)) != -1)
		quiet = opt == 'q';
	if (optind < argc)
		usage_error(find_command("images"), NULL, "unexpected argument '%s'", argv[optind]);
	int lock = store_lock(LOCK_SH);
	tags_read(&t);
	int n = record_ids(&ids), nl = legacy_names(&legacy);
	for (int i = 0; i < t.n; i++) {
		split_ref(t.ref[i], repo, tag);
		if ((int)strlen(repo) > width)
			width = strlen(repo);
	}
	for (int i = 0; i < nl; i++)
		if ((int)strlen(legacy[i]) > width)
			width = strlen(legacy[i]);
	width += 2;
	if (!quiet)
		printf("%-*s %-10s %-14s %-24s %s\n", width, "REPOSITORY", "TAG", "IMAGE ID", "CREATED", "SIZE");
	/* Named images, then those no name is left on ("<none>"), then v1.1's. */
	for (int i = 0; i < t.n; i++) {
		if (record_read(t.id[i].hex, &r) < 0)
			continue;
		split_ref(t.ref[i], repo, tag);
		int seen = 0;
		for (int j = 0; j < i && quiet; j++)
			seen |= !strcmp(t.id[j].hex, t.id[i].hex);
		if (quiet && !seen)
			printf("%.12s\n", r.id);
		else if (!quiet)
			image_row(repo, tag, r.id, r.created, record_bytes(&r), width);
	}
	for (int i = 0; i < n; i++) {
		int named = 0;
		for (int j = 0; j < t.n; j++)
			named |= !strcmp(t.id[j].hex, ids[i]);
		if (named || record_read(ids[i], &r) < 0 || record_deleted(ids[i]))
			continue;
		if (quiet)
			printf("%.12s\n", r.id);
		else
			image_row("<none>", "<none>", r.id, r.created, record_bytes(&r), width);
	}
	for (int i = 0; i < nl; i++) {
		char path[PATH_MAX];
		struct stat st;
		md_pathf(path, "%s/images/%s", md_state_root(), legacy[i]);
		if (quiet)
			printf("%s\n", legacy[i]);
		else if (stat(path, &st) == 0)
			image_row(legacy[i], "latest", "-", st.st_mtime, bytes_of(path), width);
		free(legacy[i]);
	}
	free(legacy);
	free(ids);
	tags_free(&t);
	close(lock);
	return 0;
}

/* ---- rmi -------------------------------------------------------------------- */

/* The container using image ID, running first: 2 running, 1 stopped, 0
 * none; its id in WHO. */
static int image_user(const char *id, char *who)
{
	char **ids;
	int n = list_ids(&ids), used = 0;
	struct container c;

	for (int i = 0; i < n && used < 2; i++) {
		if (load_state(ids[i], &c) == 0 && !strcmp(c.image_id, id)) {
			int running = c.status == RUNNING;
			if (running + 1 > used) {
				used = running + 1;
				snprintf(who, 65, "%s", c.id);
			}
		}
		drop_command(&c);
	}
	free_ids(ids, n);
	return used;
}

/* rmi -f of image ID, used by a stopped container: deleted, as Docker
 * deletes it (moby/moby#5063), for every command but that container,
 * which still starts from its layers.  The marker "deleted" in its
 * folder hides it; the last rm of a container using it removes it
 * (image_release); a new image of the same ID takes it back
 * (record_make).  The names went first: killed before the marker, the
 * image is a nameless one, still there.  0, or -1 after saying why. */
static int record_delete(const char *id)
{
	char path[PATH_MAX];

	record_path(path, id, "deleted");
	int fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (fd < 0 || fsync(fd) < 0) {
		md_warn("create %s", path);
		if (fd >= 0)
			close(fd);
		return -1;
	}
	close(fd);
	printf("Deleted: sha256:%s\n", id);
	return 0;
}

/* rmi of one image of the store, by name or by ID, as Docker does: a name
 * among others goes alone; the last name, or the ID, takes the image,
 * unless a container uses it (-f: the names go, the image stays for the
 * container; never while it runs). */
static int rmi_one(const char *arg, int force)
{
	char id[65], want[256], who[65];
	struct tags t;

	if (image_resolve(arg, id) != 1) {
		md_warnx("No such image: %s", arg);
		return -1;
	}
	tags_read(&t);
	int mine = 0, byname = -1;
	for (int i = 0; i < t.n; i++)
		if (!strcmp(t.id[i].hex, id)) {
			mine++;
			if (ref_normalize(arg, want) == 0 && (!strcmp(t.ref[i], want) ||
			    (!strncmp(t.ref[i], "docker.io/library/", 18) && !strcmp(t.ref[i] + 18, want))))
				byname = i;
		}
	int rc = 0, keep = 0;
	if (byname >= 0 && mine > 1) {
		printf("Untagged: %s\n", t.ref[byname]);
		free(t.ref[byname]);
		t.ref[byname] = t.ref[--t.n];
		t.id[byname] = t.id[t.n];
		tags_write(&t);
		tags_free(&t);
		return 0;
	}
	int used = image_user(id, who);
	if (byname < 0 && mine > 1 && !force) {
		md_warnx("conflict: unable to delete %.12s (must be forced) - image is referenced in multiple "
			 "repositories", id);
		rc = -1;
	} else if (used == 2) {
		md_warnx("conflict: unable to delete %.12s (cannot be forced) - image is being used by running "
			 "container %.12s", id, who);
		rc = -1;
	} else if (used && !force) {
		md_warnx("conflict: unable to remove repository reference \"%s\" (must force) - container %.12s "
			 "is using its referenced image %.12s", arg, who, id);
		rc = -1;
	}
	if (rc < 0) {
		tags_free(&t);
		return -1;
	}
	keep = used;
	for (int i = 0; i < t.n; i++)
		if (!strcmp(t.id[i].hex, id)) {
			printf("Untagged: %s\n", t.ref[i]);
			free(t.ref[i]);
			t.ref[i] = t.ref[--t.n];
			t.id[i--] = t.id[t.n];
		}
	tags_write(&t);
	tags_free(&t);
	return keep ? record_delete(id) : record_remove(id, 1);
}

/* The images rmi -f deleted (record_delete) that no container uses any
 * more, out of the store, and what killed commands left (store_sweep).
 * The caller holds the containers' lock, then the store's, as rmi. */
static void release_locked(void)
{
	char (*ids)[65], who[65];
	int n = record_ids(&ids);

	store_sweep();
	for (int i = 0; i < n; i++)
		if (record_deleted(ids[i]) && image_user(ids[i], who) == 0)
			record_remove(ids[i], 0);
	free(ids);
}

void image_release(void)
{
	int lock = lock_containers(), store = store_lock(LOCK_EX);

	release_locked();
	close(store);
	close(lock);
}

int cmd_rmi(int argc, char **argv)
{
	static const struct option opts[] = { { "force", no_argument, NULL, 'f' },
					      { "help", no_argument, NULL, 'h' }, { 0 } };
	int force = 0, opt, status = 0;

	while ((opt = next_opt(find_command("rmi"), argc, argv, "f", opts)) != -1)
		force = opt == 'f';
	if (optind >= argc)
		usage_error(find_command("rmi"), NULL, "no image given");
	/* The lock `run` holds while it creates a container: no container
	 * of the image can appear between the check and the removal. */
	int lock = lock_containers(), store = store_lock(LOCK_EX);
	for (int i = optind; i < argc; i++) {
		char id[65];
		int rc = image_resolve(argv[i], id);
		if (rc == 0 ? legacy_rmi(argv[i]) < 0 : rmi_one(argv[i], force) < 0)
			status = MD_EXIT_FAILED;
	}
	release_locked();
	close(store);
	close(lock);
	return status;
}

/* ---- inspect -------------------------------------------------------------- */

json_t *store_image_json(const char *ref)
{
	char id[65], digest[80], created[64];
	struct record r;
	struct tags t;
	struct tm tm;

	if (image_resolve(ref, id) != 1 || record_read(id, &r) < 0)
		return NULL;
	json_t *tags = json_array(), *layers = json_array();
	tags_read(&t);
	for (int i = 0; i < t.n; i++)
		if (!strcmp(t.id[i].hex, id))
			json_array_append_new(tags, json_string(t.ref[i]));
	tags_free(&t);
	for (int i = 0; i < r.n; i++) {
		if (is_hex64(r.layer[i]))
			snprintf(digest, sizeof digest, "sha256:%s", r.layer[i]);
		else
			snprintf(digest, sizeof digest, "%s", r.layer[i]);
		json_array_append_new(layers, json_string(digest));
	}
	gmtime_r(&r.created, &tm);
	strftime(created, sizeof created, "%Y-%m-%dT%H:%M:%SZ", &tm);
	snprintf(digest, sizeof digest, "sha256:%s", id);
	char parent[80] = "";
	if (r.parent[0])
		snprintf(parent, sizeof parent, "sha256:%s", r.parent);
	return json_pack("{s:s, s:o, s:s, s:s, s:I, s:{s:s, s:o}}", "Id", digest, "RepoTags", tags, "Parent",
			 parent, "Created", created, "Size", (json_int_t)record_bytes(&r), "RootFS", "Type",
			 "layers", "Layers", layers);
}
