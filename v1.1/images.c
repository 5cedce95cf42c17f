/* Images as layers (v1.1).
 *
 * An image is a folder, ROOT/images/NAME, holding one layer: a tree of
 * files.  An image made by `commit` holds only what its container changed,
 * deletions included (as overlayfs whiteouts), and names its parent image
 * in ROOT/images/.meta/NAME; its layers are its own on top of its
 * parent's.  `make image`'s base and `import`'s images are single layers.
 * A container mounts them all, read-only, under its own upper layer. */
#include "lazy-archive.h"	/* libarchive, loaded when first used */
#include "minidocker.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <ftw.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

/* An image's parent ("" for none) and creation time, from .meta/NAME. */
static void image_meta(const char *image, char *parent, size_t len, time_t *created)
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

static void write_meta(const char *image, const char *parent)
{
	char dir[PATH_MAX], path[PATH_MAX];

	md_pathf(dir, "%s/images/.meta", md_state_root());
	if (mkdir(dir, 0700) < 0 && errno != EEXIST)
		md_die("mkdir %s", dir);
	md_pathf(path, "%s/%s", dir, image);
	FILE *f = fopen(path, "we");
	if (!f || fprintf(f, "parent=%s\ncreated=%lld\n", parent, (long long)time(NULL)) < 0 ||
	    fclose(f) != 0)
		md_die("write %s", path);
}

int image_layers(const char *image, char *lowers)
{
	char name[256], parent[256], path[PATH_MAX];
	time_t created;
	size_t len = 0;

	snprintf(name, sizeof name, "%s", image);
	for (int depth = 0; name[0]; depth++) {
		if (depth == 64) {
			md_warnx("image %s: more than 64 layers (a loop in .meta?)", image);
			return -1;
		}
		image_path(name, path);
		/* overlayfs splits lowerdir at ':' and its options at ','. */
		if (strpbrk(path, ":,")) {
			md_warnx("the path %s holds ':' or ',', which overlayfs cannot take", path);
			return -1;
		}
		len += snprintf(lowers + len, PATH_MAX - len, "%s%s", len ? ":" : "", path);
		if (len >= PATH_MAX) {
			md_warnx("image %s: too many layers for one mount", image);
			return -1;
		}
		image_meta(name, parent, sizeof parent, &created);
		snprintf(name, sizeof name, "%s", parent);
	}
	return 0;
}

/* These commands take no options but -h/--help: parse them as the others
 * do (an unknown flag is an error, not a file name); return the first
 * argument's index. */
static int no_options(const char *name, int argc, char **argv)
{
	static const struct option opts[] = { { "help", no_argument, NULL, 'h' }, { 0 } };

	while (next_opt(find_command(name), argc, argv, "", opts) != -1)
		;
	return optind;
}

/* Image names: lower-case letters, digits, '_', '.', '-'; a letter or
 * digit first.  Never a path. */
static void check_new_image(const char *name, char *path)
{
	size_t len = strlen(name);
	struct stat st;

	if (!len || len > 63 || !strchr("abcdefghijklmnopqrstuvwxyz0123456789", name[0]) ||
	    strspn(name, "abcdefghijklmnopqrstuvwxyz0123456789_.-") != len)
		md_diex("invalid image name '%s': lower-case letters, digits, '_', '.' and '-'", name);
	md_pathf(path, "%s/images/%s", md_state_root(), name);
	if (lstat(path, &st) == 0)
		md_diex("image '%s' already exists", name);
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
static void temp_image(char *tmp, const char *what)
{
	char dir[PATH_MAX], path[PATH_MAX];
	struct dirent *e;

	/* 0700: images keep setuid files, that only we may reach (as the
	 * state root above, in case that was made 0755 by an older stage). */
	md_state_dir(dir, "images", 0700);
	DIR *d = opendir(dir);
	while (d && (e = readdir(d)))
		if (stale_temp(e->d_name, "import") || stale_temp(e->d_name, "commit")) {
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
static int fill_temp(const char *tmp, int (*fn)(void *), void *arg)
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

static void publish(const char *tmp, const char *path, const char *name, const char *parent)
{
	if (rename(tmp, path) < 0) {
		md_warn("rename %s to %s", tmp, path);
		md_remove_tree(tmp);
		exit(MD_EXIT_FAILED);
	}
	write_meta(name, parent);
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
 * planted (evil -> /etc, then evil/passwd). */
static int extract(struct archive *a, const char *tarball, long *skipped)
{
	struct archive *w = archive_write_disk_new();
	struct archive_entry *e;
	int rc = 0, r;
	long files = 0;

	if (!w) {	/* the caller removes the folder */
		md_warnx("import: out of memory");
		return -1;
	}

	archive_write_disk_set_options(w, ARCHIVE_EXTRACT_OWNER | ARCHIVE_EXTRACT_PERM |
				       ARCHIVE_EXTRACT_TIME | ARCHIVE_EXTRACT_XATTR |
				       ARCHIVE_EXTRACT_SECURE_SYMLINKS | ARCHIVE_EXTRACT_SECURE_NODOTDOT |
				       ARCHIVE_EXTRACT_SECURE_NOABSOLUTEPATHS);
	while (rc == 0 && (r = archive_read_next_header(a, &e)) != ARCHIVE_EOF) {
		const char *path = archive_entry_pathname(e), *link = archive_entry_hardlink(e);
		if (r < ARCHIVE_WARN) {
			md_warnx("import %s: %s", tarball, archive_error_string(a));
			rc = -1;
		} else if (climbs_out(path) || (link && climbs_out(link))) {
			md_warnx("import %s: refusing '%s%s%s': it points out of the image", tarball, path,
				 link ? "' linked to '" : "", link ? link : "");
			rc = -1;
		} else if (is_top(path)) {
			continue;
		} else if (archive_entry_filetype(e) == AE_IFCHR || archive_entry_filetype(e) == AE_IFBLK) {
			(*skipped)++;	/* devices come from the runtime, not the image */
		} else if (archive_write_header(w, e) < ARCHIVE_WARN) {
			md_warnx("import %s: '%s': %s", tarball, path, archive_error_string(w));
			rc = -1;
		} else {
			const void *buf;
			size_t size;
			la_int64_t off;
			while ((r = archive_read_data_block(a, &buf, &size, &off)) == ARCHIVE_OK)
				if (archive_write_data_block(w, buf, size, off) < ARCHIVE_WARN)
					break;
			if (r != ARCHIVE_EOF || archive_write_finish_entry(w) < ARCHIVE_WARN) {
				md_warnx("import %s: '%s': %s", tarball, path,
					 archive_error_string(r != ARCHIVE_EOF ? a : w));
				rc = -1;
			}
			files++;
		}
	}
	if (rc == 0 && files + *skipped == 0) {	/* an empty file, or just "./" */
		md_warnx("import %s: no files in it: an image needs some", tarball);
		rc = -1;
	}
	if (archive_write_close(w) < ARCHIVE_WARN && rc == 0) {
		md_warnx("import %s: %s", tarball, archive_error_string(w));
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
	if (extract(x->a, x->tarball, &skipped) < 0)
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
	char path[PATH_MAX], tmp[PATH_MAX];

	int i = no_options("import", argc, argv);
	if (argc - i != 2)
		usage_error(find_command("import"), NULL, "a tarball and a name, please");
	argv += i - 1;
	check_new_image(argv[2], path);
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
	publish(tmp, path, argv[2], "");
	printf("%s\n", argv[2]);
	return 0;
}

static int copy_layer(void *arg)
{
	const char **copy = arg;
	return md_copy_tree(copy[0], copy[1]);
}

int cmd_commit(int argc, char **argv)
{
	char path[PATH_MAX], tmp[PATH_MAX], upper[PATH_MAX];
	struct container c;

	int i = no_options("commit", argc, argv);
	if (argc - i != 2)
		usage_error(find_command("commit"), NULL, "a container and a name, please");
	argv += i - 1;
	if (find_container(argv[1], &c) < 0)
		return MD_EXIT_FAILED;
	drop_command(&c);
	check_new_image(argv[2], path);
	/* The new layer is the container's upper layer, whiteouts and opaque
	 * markers included: its parent is the container's image. */
	container_path(upper, c.id, "upper");
	temp_image(tmp, "commit");
	const char *copy[2] = { upper, tmp };
	if (fill_temp(tmp, copy_layer, copy) < 0)
		md_diex("commit %s: cannot copy %s", argv[1], upper);
	publish(tmp, path, argv[2], c.image);
	printf("%s\n", argv[2]);
	return 0;
}

static long long layer_bytes;

static int add_size(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)path;
	(void)flag;
	(void)ftw;
	layer_bytes += (long long)st->st_blocks * 512;
	return 0;
}

static int by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int cmd_images(int argc, char **argv)
{
	char dir[PATH_MAX], path[PATH_MAX], parent[256];
	char **names = NULL;
	int n = 0;

	int i = no_options("images", argc, argv);
	if (i < argc)
		usage_error(find_command("images"), NULL, "unexpected argument '%s'", argv[i]);
	md_pathf(dir, "%s/images", md_state_root());
	DIR *d = opendir(dir);
	struct dirent *e;
	while (d && (e = readdir(d)))
		if (e->d_name[0] != '.') {
			names = md_realloc(names, (n + 1) * sizeof *names);
			if (!(names[n++] = strdup(e->d_name)))
				md_die("out of memory");
		}
	if (d)
		closedir(d);
	if (n)	/* qsort(3) takes no NULL, even for none */
		qsort(names, n, sizeof *names, by_name);
	printf("%-20s %-20s %-10s %s\n", "IMAGE", "PARENT", "SIZE", "CREATED");
	for (int i = 0; i < n; i++) {
		time_t created;
		char ago[64];
		image_meta(names[i], parent, sizeof parent, &created);
		md_pathf(path, "%s/%s", dir, names[i]);
		/* glibc's nftw walks with directory fds: a committed layer as
		 * deep as its container made it is counted whole.  If it fails,
		 * no made-up number. */
		layer_bytes = 0;
		long long bytes = nftw(path, add_size, 32, FTW_PHYS | FTW_MOUNT) == 0 ? layer_bytes : -1;
		double secs = difftime(time(NULL), created);
		human_duration(secs, ago, sizeof ago);
		char size[32];
		if (bytes < 0)
			snprintf(size, sizeof size, "?");
		else if (bytes >= 1 << 20)
			snprintf(size, sizeof size, "%.1fMB", bytes / 1e6);
		else
			snprintf(size, sizeof size, "%.1fkB", bytes / 1e3);
		printf("%-20s %-20s %-10s %s ago\n", names[i], parent[0] ? parent : "-", size, ago);
		free(names[i]);
	}
	free(names);
	return 0;
}

/* Who uses IMAGE: a container made from it, or an image on top of it. */
static int in_use(const char *image)
{
	char **ids, dir[PATH_MAX], parent[256];
	int n = list_ids(&ids), used = 0;
	struct container c;
	time_t created;

	for (int i = 0; i < n && !used; i++) {
		if (load_state(ids[i], &c) == 0 && !strcmp(c.image, image)) {
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
	return used;
}

int cmd_rmi(int argc, char **argv)
{
	char path[PATH_MAX];
	int status = 0;

	int first = no_options("rmi", argc, argv);
	if (first >= argc)
		usage_error(find_command("rmi"), NULL, "no image given");
	/* The lock `run` holds while it creates a container: no container
	 * of the image can appear between the check and the removal. */
	int lock = lock_containers();
	for (int i = first; i < argc; i++) {
		struct stat st;
		if (strchr(argv[i], '/') || argv[i][0] == '.') {
			md_warnx("invalid image name '%s'", argv[i]);
			status = MD_EXIT_FAILED;
			continue;
		}
		md_pathf(path, "%s/images/%s", md_state_root(), argv[i]);
		if (stat(path, &st) < 0) {
			md_warnx("no such image: %s", argv[i]);
			status = MD_EXIT_FAILED;
			continue;
		}
		if (in_use(argv[i])) {
			status = MD_EXIT_FAILED;
			continue;
		}
		if (md_remove_tree(path) < 0) {
			status = MD_EXIT_FAILED;
			continue;
		}
		md_pathf(path, "%s/images/.meta/%s", md_state_root(), argv[i]);
		unlink(path);
		printf("%s\n", argv[i]);
	}
	close(lock);
	return status;
}
