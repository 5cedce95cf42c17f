/* Images as layers (v1.1).
 *
 * An image is a folder, ROOT/images/NAME, holding one layer: a tree of
 * files.  An image made by `commit` holds only what its container changed,
 * deletions included (as overlayfs whiteouts), and names its parent image
 * in ROOT/images/.meta/NAME; its layers are its own on top of its
 * parent's.  `make image`'s base and `import`'s images are single layers.
 * A container mounts them all, read-only, under its own upper layer.
 *
 * v1.6: import and commit write into the store (store.c): the new layer
 * goes to ROOT/layers/HEX by its digest, and the image is a record of its
 * layers, its config, and its name.  The folder images above still run. */
#include "lazy-archive.h"	/* libarchive, loaded when first used */
#include "minidocker.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <jansson.h>
#include <signal.h>
#include <sys/file.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

/* An image's parent ("" for none) and creation time, from .meta/NAME. */
void image_meta(const char *image, char *parent, size_t len, time_t *created)	/* v1.5: inspect's too */
{
	char path[PATH_MAX], line[512];
	struct stat st;

	parent[0] = '\0';
	md_pathf(path, "%s/images/%s", md_state_root(), image);
	*created = stat(path, &st) == 0 ? st.st_mtime : 0;
	md_pathf(path, "%s/images/.meta/%s", md_state_root(), image);
	FILE *f = fopen(path, "re");
	while (f && fgets(line, sizeof line, f)) {
		line[strcspn(line, "\n")] = '\0';
		if (!strncmp(line, "parent=", 7))
			snprintf(parent, len, "%.*s", (int)len - 1, line + 7);
		else if (!strncmp(line, "created=", 8))
			*created = atoll(line + 8);
	}
	if (f)
		fclose(f);
}

/* PATH after the *LEN bytes of LOWERS (PATH_MAX), as overlayfs's lowerdir
 * takes it; -1 with a message if it cannot, for IMAGE. */
int lowers_add(char *lowers, size_t *len, const char *path, const char *image)	/* v1.6: the store's too */
{
	/* overlayfs splits lowerdir at ':' and its options at ','. */
	if (strpbrk(path, ":,")) {
		md_warnx("the path %s holds ':' or ',', which overlayfs cannot take", path);
		return -1;
	}
	*len += snprintf(lowers + *len, PATH_MAX - *len, "%s%s", *len ? ":" : "", path);
	if (*len >= PATH_MAX) {
		md_warnx("image %s: too many layers for one mount", image);
		return -1;
	}
	return 0;
}

int image_layers(const char *image, char *lowers)
{
	char name[256], parent[256], path[PATH_MAX];
	time_t created;
	size_t len = 0;
	struct record r;

	/* v1.6: a container's image, by its ID: even one rmi -f deleted,
	 * which is kept for its containers (store.c, record_delete). */
	if (is_hex64(image) && !legacy_image(image) && record_read(image, &r) == 0)
		return store_layers(image, lowers);
	if (image_resolve(image, name) == 1)	/* v1.6: an image of the store */
		return store_layers(name, lowers);
	snprintf(name, sizeof name, "%s", image);
	for (int depth = 0; name[0]; depth++) {
		if (depth == 64) {
			md_warnx("image %s: more than 64 layers (a loop in .meta?)", image);
			return -1;
		}
		image_path(name, path);
		if (lowers_add(lowers, &len, path, image) < 0)
			return -1;
		image_meta(name, parent, sizeof parent, &created);
		snprintf(name, sizeof name, "%s", parent);
	}
	return 0;
}

/* Is NAME (".import-PID-START-XXXXXX") a temporary folder whose maker,
 * the process (PID, START), is gone?  Killed, it could not remove it. */
static int stale_temp(const char *name, const char *what)
{
	char prefix[32];
	int pid;
	unsigned long long started;

	snprintf(prefix, sizeof prefix, ".%s-%%d-%%llu-", what);
	return sscanf(name, prefix, &pid, &started) == 2 && !alive(pid, started);
}

/* A folder beside the images to build one in, renamed into place when it
 * is complete: a failed import or commit leaves no half image.  Its name
 * holds our PID and start time, so that the next import or commit can
 * tell the leftovers of a killed one (SIGKILL, a power cut) from the work
 * of one still running, and remove them. */
void temp_image(char *tmp, const char *what)	/* v1.6: load's too */
{
	char dir[PATH_MAX], path[PATH_MAX];
	struct dirent *e;

	/* 0700: images keep setuid files, that only we may reach (as the
	 * state root above, in case that was made 0755 by an older stage). */
	md_state_dir(dir, "layers", 0700);	/* v1.6: layers are built beside the layers */
	DIR *d = opendir(dir);
	while (d && (e = readdir(d)))
		if (stale_temp(e->d_name, "import") || stale_temp(e->d_name, "commit") ||
		    stale_temp(e->d_name, "load") || stale_temp(e->d_name, "save") ||
		    stale_temp(e->d_name, "export")) {	/* v1.6 */
			md_pathf(path, "%s/%s", dir, e->d_name);
			md_remove_tree(path);
		}
	if (d)
		closedir(d);
	md_pathf(tmp, "%s/.%s-%d-%llu-XXXXXX", dir, what, (int)getpid(), start_time(getpid()));
	if (!mkdtemp(tmp))
		md_die("mkdtemp %s", tmp);
	chmod(tmp, 0755);
}

/* Run FN(ARG), which fills the temporary folder TMP, in a child process,
 * and remove TMP if it fails or if we get SIGINT or SIGTERM meanwhile
 * (Ctrl-C during a long import): a signal handler could not safely walk a
 * tree, but this process, which only waits, can.  SIGINT, SIGTERM and
 * SIGCHLD are blocked and taken with sigwaitinfo(2).  0, or -1. */
int fill_temp(const char *tmp, int (*fn)(void *), void *arg)	/* v1.6: load's too */
{
	sigset_t set, old;
	siginfo_t si;
	int ws;

	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGCHLD);
	sigprocmask(SIG_BLOCK, &set, &old);
	signal(SIGCHLD, SIG_DFL);	/* ignored, the child would leave no status */
	pid_t parent = getpid(), pid = fork();
	if (pid < 0)
		md_die("fork");
	if (pid == 0) {
		/* Killed with us: after a SIGKILL, which we cannot catch,
		 * the child went on filling TMP, a folder the next command
		 * removes as a dead process's.  Dead before the prctl, we
		 * would not kill it: getppid(2) is then another's (prctl(2)). */
		if (prctl(PR_SET_PDEATHSIG, SIGKILL) < 0 || getppid() != parent)
			_exit(1);
		sigprocmask(SIG_SETMASK, &old, NULL);
		_exit(fn(arg) == 0 ? 0 : 1);
	}
	for (;;) {
		if (sigwaitinfo(&set, &si) < 0)
			continue;
		if (si.si_signo == SIGCHLD && waitpid(pid, &ws, WNOHANG) == pid)
			break;
		if (si.si_signo != SIGCHLD) {
			kill(pid, SIGKILL);
			waitpid(pid, NULL, 0);
			md_remove_tree(tmp);
			md_warnx("interrupted: removed %s", tmp);
			exit(128 + si.si_signo);
		}
	}
	sigprocmask(SIG_SETMASK, &old, NULL);
	if (WIFEXITED(ws) && WEXITSTATUS(ws) == 0)
		return 0;
	md_remove_tree(tmp);
	return -1;
}

/* The finished layer TMP into the store, as ROOT/layers/HEX, HEX its
 * digest, in R's next layer (the caller holds the store's lock): if the
 * store has that layer already, TMP goes and the one there serves. */
static void adopt_layer(const char *tmp, struct record *r)
{
	char path[PATH_MAX], *hex;
	struct stat st;

	if (r->n == MAX_LAYERS) {
		md_remove_tree(tmp);
		md_diex("an image has at most %d layers", MAX_LAYERS);
	}
	hex = r->layer[r->n];
	if (layer_digest(tmp, hex) < 0) {
		md_remove_tree(tmp);
		md_diex("cannot read the new layer %s back", tmp);
	}
	layer_path(hex, path);
	if (lstat(path, &st) == 0)
		md_remove_tree(tmp);
	else if (rename(tmp, path) < 0) {
		md_warn("rename %s to %s", tmp, path);
		md_remove_tree(tmp);
		exit(MD_EXIT_FAILED);
	}
	r->n++;
}

/* A new image of R's layers, with CONFIG (NULL: a fresh one), named NAME. */
static void publish(struct record *r, json_t *config, const char *name)
{
	r->created = time(NULL);
	json_t *c = config_new(r, config);
	record_new(r, c);
	json_decref(c);
	tag_set(name, r->id);
	printf("sha256:%s\n", r->id);
}

/* Does PATH, from a tarball, stay inside the image? */
static int climbs_out(const char *path)
{
	if (path[0] == '/')
		return 1;
	for (const char *p = path; p; p = strchr(p, '/') ? strchr(p, '/') + 1 : NULL)
		if (!strncmp(p, "..", 2) && (p[2] == '/' || p[2] == '\0'))
			return 1;
	return 0;
}

/* Is PATH, from a tarball, the image's top folder ("./", ".")?  Its mode
 * and owner are not the tarball's to set: a "./" of mode 0777 made the
 * layer world-writable.  The layer keeps ours, 0755. */
static int is_top(const char *path)
{
	for (const char *p = path; *p; p += strcspn(p, "/")) {
		p += strspn(p, "/");
		size_t len = strcspn(p, "/");
		if (len && !(len == 1 && p[0] == '.'))
			return 0;
	}
	return 1;
}

/* Extract every entry of A into the current folder.  libarchive's
 * ARCHIVE_EXTRACT_SECURE_* flags refuse, as the kernel cannot: paths with
 * "..", absolute paths, and writing through a symlink an earlier entry
 * planted (evil -> /etc, then evil/passwd).
 * v1.6: LAYER, for load: an OCI layer, whose whiteouts become overlayfs's
 * (archive.c, whiteout), and which may be empty. */
int extract(struct archive *a, const char *tarball, long *skipped, int layer)
{
	struct archive *w = archive_write_disk_new();
	struct archive_entry *e;
	int rc = 0, r, done;
	long files = 0;
	const char *verb = layer ? "load" : "import";

	if (!w) {	/* the caller removes the folder */
		md_warnx("%s: out of memory", verb);
		return -1;
	}

	archive_write_disk_set_options(w, ARCHIVE_EXTRACT_OWNER | ARCHIVE_EXTRACT_PERM |
				       ARCHIVE_EXTRACT_TIME | ARCHIVE_EXTRACT_XATTR |
				       ARCHIVE_EXTRACT_SECURE_SYMLINKS | ARCHIVE_EXTRACT_SECURE_NODOTDOT |
				       ARCHIVE_EXTRACT_SECURE_NOABSOLUTEPATHS);
	while (rc == 0 && (r = archive_read_next_header(a, &e)) != ARCHIVE_EOF) {
		const char *path = archive_entry_pathname(e), *link = archive_entry_hardlink(e);
		if (r < ARCHIVE_WARN) {
			md_warnx("%s %s: %s", verb, tarball, archive_error_string(a));
			rc = -1;
		} else if (climbs_out(path) || (link && climbs_out(link))) {
			md_warnx("%s %s: refusing '%s%s%s': it points out of the image", verb, tarball, path,
				 link ? "' linked to '" : "", link ? link : "");
			rc = -1;
		} else if (is_top(path)) {
			continue;
		} else if (layer && (done = whiteout(path, tarball)) != 0) {
			rc = done < 0 ? -1 : 0;	/* v1.6: .wh.NAME, .wh..wh..opq */
			files++;
		} else if (archive_entry_filetype(e) == AE_IFCHR || archive_entry_filetype(e) == AE_IFBLK) {
			(*skipped)++;	/* devices come from the runtime, not the image */
		} else if ((layer && strip_overlay_xattrs(e)) || archive_write_header(w, e) < ARCHIVE_WARN) {
			md_warnx("%s %s: '%s': %s", verb, tarball, path, archive_error_string(w));
			rc = -1;
		} else {
			const void *buf;
			size_t size;
			la_int64_t off;
			while ((r = archive_read_data_block(a, &buf, &size, &off)) == ARCHIVE_OK)
				if (archive_write_data_block(w, buf, size, off) < ARCHIVE_WARN)
					break;
			if (r != ARCHIVE_EOF || archive_write_finish_entry(w) < ARCHIVE_WARN) {
				md_warnx("%s %s: '%s': %s", verb, tarball, path,
					 archive_error_string(r != ARCHIVE_EOF ? a : w));
				rc = -1;
			}
			files++;
		}
	}
	if (rc == 0 && files + *skipped == 0 && !layer) {	/* an empty file, or just "./" */
		md_warnx("import %s: no files in it: an image needs some", tarball);
		rc = -1;
	}
	if (archive_write_close(w) < ARCHIVE_WARN && rc == 0) {
		md_warnx("%s %s: %s", verb, tarball, archive_error_string(w));
		rc = -1;
	}
	archive_write_free(w);
	return rc;
}

/* What the child of fill_temp needs for an import. */
struct extraction {
	struct archive *a;
	const char *tarball, *tmp;
};

/* Extract into X->tmp; the skipped device nodes are counted on stderr
 * here, since the child's memory dies with it. */
static int extract_into(void *arg)
{
	struct extraction *x = arg;
	long skipped = 0;

	if (chdir(x->tmp) < 0)
		md_die("chdir %s", x->tmp);
	if (extract(x->a, x->tarball, &skipped, 0) < 0)
		return -1;
	if (skipped)
		fprintf(stderr, "minidocker: import: skipped %ld device node%s: a container's devices "
			"come from the runtime, not its image\n", skipped, skipped == 1 ? "" : "s");
	return 0;
}

/* A gzip file's every member checks: its CRC-32 and length (RFC 1952).
 * libarchive reads gzip without checking them, so a tarball with a
 * flipped byte was imported as if it were whole; zlib's gzread checks
 * them at the end of each member (see zlib.h, gzread). */
static int gzip_checks(const char *tarball)
{
	static char buf[1 << 16];
	unsigned char magic[2];
	int n, fd = open(tarball, O_RDONLY | O_CLOEXEC);

	if (fd < 0 || read(fd, magic, 2) != 2 || magic[0] != 0x1f || magic[1] != 0x8b ||
	    lseek(fd, 0, SEEK_SET) < 0) {
		if (fd >= 0)
			close(fd);
		return 0;	/* not gzip: libarchive's filters check the others */
	}
	gzFile z = gzdopen(fd, "rb");
	if (!z)
		md_die("gzdopen %s", tarball);
	while ((n = gzread(z, buf, sizeof buf)) > 0)
		;
	if (n < 0) {
		int err;
		const char *why = gzerror(z, &err), *colon = strstr(why, ": ");
		md_warnx("import: cannot read %s: %s%s", tarball, colon ? colon + 2 : why,
			 err == Z_DATA_ERROR ? " (the file is corrupt)" : "");
	}
	gzclose(z);
	return n < 0 ? -1 : 0;
}

/* Read TARBALL's whole stream, decompressed, to its end.  The tar reader
 * stops at the archive's end marker, before the compressor's trailer and
 * its checksum: a corrupt tarball would be imported as if it were whole.
 * The "raw" format is the stream itself, as one entry. */
static int whole_stream(const char *tarball)
{
	struct stat st;

	if (stat(tarball, &st) == 0 && S_ISREG(st.st_mode) && st.st_size == 0) {
		md_warnx("import: cannot read %s: it is empty (0 bytes)", tarball);
		return -1;
	}
	if (gzip_checks(tarball) < 0)
		return -1;
	struct archive *a = archive_read_new();
	if (!a)
		md_diex("import: out of memory");
	struct archive_entry *e;
	static char buf[1 << 16];
	la_ssize_t n = 0;

	archive_read_support_filter_all(a);
	archive_read_support_format_raw(a);
	int ok = archive_read_open_filename(a, tarball, sizeof buf) == ARCHIVE_OK &&
		 archive_read_next_header(a, &e) == ARCHIVE_OK;
	while (ok && (n = archive_read_data(a, buf, sizeof buf)) > 0)
		;
	if (!ok || n < 0) {
		const char *why = archive_error_string(a);
		md_warnx("import: cannot read %s: %s", tarball, why ? why : "it is empty");
		ok = 0;
	}
	archive_read_free(a);
	return ok ? 0 : -1;
}

int cmd_import(int argc, char **argv)
{
	char name[256], tmp[PATH_MAX];
	struct record r = { .n = 0 };
	char **changes;
	int nchanges;

	int i = change_options("import", argc, argv, &changes, &nchanges);	/* v1.6: -c */
	if (argc - i != 2)
		usage_error(find_command("import"), NULL, "a tarball and a name, please");
	argv += i - 1;
	check_new_name(argv[2], name);
	/* v1.6: with -c, a config of its own; the changes are checked
	 * before anything is made. */
	json_t *conf = NULL;
	if (nchanges) {
		conf = change_new_config();
		change_config("import", conf, changes, nchanges);
		char comment[PATH_MAX + 16];
		snprintf(comment, sizeof comment, "Imported from %s", argv[1]);
		change_history(conf, "", comment);
	}
	free(changes);
	if (whole_stream(argv[1]) < 0)
		return MD_EXIT_FAILED;
	struct archive *a = archive_read_new();
	if (!a)
		md_diex("import: out of memory");
	archive_read_support_filter_all(a);	/* gzip, xz, zstd... */
	archive_read_support_format_all(a);	/* tar, cpio... */
	if (archive_read_open_filename(a, argv[1], 1 << 16) != ARCHIVE_OK) {
		md_warnx("import: cannot read %s: %s", argv[1], archive_error_string(a));
		archive_read_free(a);
		return MD_EXIT_FAILED;
	}
	temp_image(tmp, "import");
	struct extraction x = { .a = a, .tarball = argv[1], .tmp = tmp };
	int rc = fill_temp(tmp, extract_into, &x);
	archive_read_free(a);
	if (rc < 0)
		return MD_EXIT_FAILED;
	/* v1.6: one layer, by its digest, and an image of it in the store. */
	int lock = store_lock(LOCK_EX);
	adopt_layer(tmp, &r);
	publish(&r, conf, name);
	close(lock);
	json_decref(conf);
	return 0;
}

struct layer_copy {
	const struct container *c;
	const char *upper, *tmp;
};

static int copy_layer(void *arg)
{
	const struct layer_copy *copy = arg;
	/* v1.2: as the container's root, then its ids back out of the range */
	return copy_upper(copy->c, copy->upper, copy->tmp);
}

/* A v1.1 folder image's layers, bottom first, into R, as "folder:NAME". */
static int folder_layers(const char *image, struct record *r)
{
	char chain[MAX_LAYERS][256], parent[256];
	time_t created;
	int n = 0;

	snprintf(chain[0], sizeof chain[0], "%s", image);
	while (n < MAX_LAYERS - 1 && chain[n][0]) {
		image_meta(chain[n], parent, sizeof parent, &created);
		snprintf(chain[++n], sizeof chain[0], "%s", parent);
	}
	if (chain[n][0]) {
		md_warnx("image %s: more than %d layers (a loop in .meta?)", image, MAX_LAYERS);
		return -1;
	}
	while (n > 0)
		snprintf(r->layer[r->n++], sizeof r->layer[0], "folder:%.64s", chain[--n]);
	return 0;
}

int cmd_commit(int argc, char **argv)
{
	char name[256], tmp[PATH_MAX], upper[PATH_MAX];
	struct container c;
	struct record r;
	char **changes;
	int nchanges;

	int i = change_options("commit", argc, argv, &changes, &nchanges);	/* v1.6: -c */
	if (argc - i != 2)
		usage_error(find_command("commit"), NULL, "a container and a name, please");
	argv += i - 1;
	if (find_container(argv[1], &c) < 0)
		return MD_EXIT_FAILED;
	check_new_name(argv[2], name);
	/* v1.6: the new image is its parent's layers and one more, the
	 * container's upper layer. */
	if (c.image_id[0] ? record_read(c.image_id, &r) < 0 : (memset(&r, 0, sizeof r), folder_layers(c.image, &r) < 0))
		md_diex("commit %s: its image %s is gone", argv[1], c.image_id[0] ? c.image_id : c.image);
	if (c.image_id[0])
		snprintf(r.parent, sizeof r.parent, "%s", c.image_id);
	/* v1.6: the container's config, as Docker commits it, then -c's
	 * changes: all checked before the layer is copied. */
	json_t *config = change_from_container(&c);
	change_config("commit", config, changes, nchanges);
	free(changes);
	char *by = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&by, &len);
	for (int w = 0; f && w < c.argc; w++)
		fprintf(f, "%s%s", w ? " " : "", c.argv[w]);
	if (!f || fclose(f) != 0)
		md_die("open_memstream");
	change_history(config, by, "minidocker commit");
	free(by);
	drop_command(&c);
	/* The new layer is the container's upper layer, whiteouts and opaque
	 * markers included. */
	container_path(upper, c.id, "upper");
	temp_image(tmp, "commit");
	struct layer_copy copy = { &c, upper, tmp };
	if (fill_temp(tmp, copy_layer, &copy) < 0)
		md_diex("commit %s: cannot copy %s", argv[1], upper);
	net_uncommit(tmp);	/* v1.4: the mount points of /etc/hosts and the like */
	int lock = store_lock(LOCK_EX);
	adopt_layer(tmp, &r);
	publish(&r, config, name);
	close(lock);
	json_decref(config);
	return 0;
}

/* Who uses IMAGE, a v1.1 folder: a container made from it, or an image
 * on top of it (v1.6: also one of the store). */
static int in_use(const char *image)
{
	char **ids, dir[PATH_MAX], parent[256], folder[256];
	int n = list_ids(&ids), used = 0;
	struct container c;
	time_t created;

	for (int i = 0; i < n && !used; i++) {
		if (load_state(ids[i], &c) == 0 && !c.image_id[0] && !strcmp(c.image, image)) {
			md_warnx("image %s is used by container %.12s (%s): rm it first", image, c.id, c.name);
			used = 1;
		}
		drop_command(&c);
	}
	free_ids(ids, n);
	md_pathf(dir, "%s/images", md_state_root());
	DIR *d = opendir(dir);
	struct dirent *e;
	while (!used && d && (e = readdir(d)))
		if (e->d_name[0] != '.') {
			image_meta(e->d_name, parent, sizeof parent, &created);
			if (!strcmp(parent, image)) {
				md_warnx("image %s is the parent of image %s: rmi that first", image, e->d_name);
				used = 1;
			}
		}
	if (d)
		closedir(d);
	/* v1.6: an image of the store made on it lists it as a layer. */
	struct tags t;
	struct record r;
	snprintf(folder, sizeof folder, "folder:%.64s", image);
	tags_read(&t);
	for (int i = 0; i < t.n && !used; i++)
		if (record_read(t.id[i].hex, &r) == 0)
			for (int j = 0; j < r.n && !used; j++)
				if (!strcmp(r.layer[j], folder)) {
					md_warnx("image %s is the parent of image %s: rmi that first", image, t.ref[i]);
					used = 1;
				}
	tags_free(&t);
	return used;
}

/* rmi of a v1.1 folder image (the caller holds the locks). */
int legacy_rmi(const char *name)
{
	char path[PATH_MAX];

	if (in_use(name))
		return -1;
	md_pathf(path, "%s/images/%s", md_state_root(), name);
	if (md_remove_tree(path) < 0)
		return -1;
	md_pathf(path, "%s/images/.meta/%s", md_state_root(), name);
	unlink(path);
	shifted_remove(name);	/* v1.2 */
	printf("Untagged: %s\n", name);
	return 0;
}
