/* An image's configuration (v1.6): the OCI image config, the JSON object
 * `docker save` puts beside the layers (architecture, os, created,
 * config{Env, Entrypoint, Cmd, WorkingDir, User, ExposedPorts, Labels},
 * rootfs, history), kept whole, one file per image; and how `run`
 * combines it with its flags, as Docker's daemon does (its merge() and
 * mergeAndVerifyConfig()).
 *
 * Every reader and writer of that file goes through the two functions
 * below: a damaged file is refused in one place, and a file is never
 * seen half-written (a temporary file, fsync(2), then rename(2)). */
#include "minidocker.h"

#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Where IMAGE's config lives: the folder of its record in the store,
 * ROOT/imagedb/ID/config.json (store.c's image_config_path, which takes
 * a name, an ID or its prefix), and that folder.  -1 for an image of
 * v1.1's kind (a plain folder, no config) or none. */
static int config_file(const char *image, char *path, char *dir)
{
	if (image_config_path(image, path) < 0)
		return -1;
	md_pathf(dir, "%s", path);
	*strrchr(dir, '/') = '\0';
	return 0;
}

/* Is V null or an array of strings (Entrypoint, Cmd)? */
static int strings_or_null(json_t *v)
{
	size_t i;
	json_t *s;

	if (!v || json_is_null(v))
		return 1;
	if (!json_is_array(v))
		return 0;
	json_array_foreach(v, i, s)
		if (!json_is_string(s))
			return 0;
	return 1;
}

/* What run reads must have the types the spec gives them: a config
 * written by hand, or by a tool with a bug, is refused by name rather
 * than half applied.  The field's name, or NULL if all is well. */
const char *image_config_bad(json_t *all)
{
	json_t *c = json_object_get(all, "config"), *v;
	size_t i;

	if (!json_is_object(all))
		return "the whole file";
	if (!c || json_is_null(c))
		return NULL;
	if (!json_is_object(c))
		return "config";
	if (!strings_or_null(json_object_get(c, "Entrypoint")))
		return "config.Entrypoint";
	if (!strings_or_null(json_object_get(c, "Cmd")))
		return "config.Cmd";
	if (!strings_or_null(json_object_get(c, "Env")))
		return "config.Env";
	json_array_foreach(json_object_get(c, "Env"), i, v)
		if (strcspn(json_string_value(v), "=") == 0 || !strchr(json_string_value(v), '='))
			return "config.Env";	/* K=V, a name first */
	static const char *const text[][2] = { { "WorkingDir", "config.WorkingDir" },
					       { "User", "config.User" } };
	for (int k = 0; k < 2; k++) {
		v = json_object_get(c, text[k][0]);
		if (v && !json_is_null(v) && !json_is_string(v))
			return text[k][1];
	}
	return NULL;
}

json_t *image_config_read(const char *image)
{
	char path[PATH_MAX], dir[PATH_MAX];
	json_error_t err;

	if (config_file(image, path, dir) < 0) {	/* a folder image: none */
		errno = 0;
		return NULL;
	}
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		if (errno == ENOENT) {	/* an image without a config */
			errno = 0;
			return NULL;
		}
		md_warn("read the config of image %s, %s", image, path);
		return NULL;
	}
	json_t *conf = json_loadfd(fd, JSON_REJECT_DUPLICATES, &err);
	close(fd);
	const char *bad = NULL;
	if (!conf)
		md_warnx("image %s: its config %s is damaged: %s (line %d)", image, path, err.text,
			 err.line);
	else if ((bad = image_config_bad(conf)))
		md_warnx("image %s: its config %s is damaged: %s is not what the OCI image spec says",
			 image, path, bad);
	if (!conf || bad) {
		md_hint("remove the image (minidocker rmi %s) and make it again", image);
		json_decref(conf);
		errno = EINVAL;
		return NULL;
	}
	return conf;
}

int image_config_write(const char *dir, json_t *config)
{
	char path[PATH_MAX], tmp[PATH_MAX];

	md_pathf(path, "%s/config.json", dir);
	md_pathf(tmp, "%s.XXXXXX", path);
	int fd = mkostemp(tmp, O_CLOEXEC);
	if (fd < 0) {
		md_warn("create %s", tmp);
		return -1;
	}
	/* The bytes on disk are the file's fsync(2) before its name is:
	 * after a crash, the old config or the new one, never a torn one. */
	/* The text first, then write(2) itself: json_dumpfd's -1 leaves
	 * errno as it finds it, and a full disk (ENOSPC) or a file size
	 * limit (EFBIG) is worth its words. */
	char *text = json_dumps(config, JSON_COMPACT | JSON_PRESERVE_ORDER);
	size_t len = text ? strlen(text) : 0, done = 0;
	ssize_t w;
	if (!text)
		errno = ENOMEM;
	while (text && done < len && (w = write(fd, text + done, len - done)) > 0)
		done += w;
	int ok = text && done == len && fsync(fd) == 0;
	free(text);
	if (!ok)
		md_warn("write %s", tmp);
	if (close(fd) < 0 && ok) {
		md_warn("write %s", tmp);
		ok = 0;
	}
	if (!ok) {
		unlink(tmp);
		return -1;
	}
	if (rename(tmp, path) < 0) {
		md_warn("rename %s to %s", tmp, path);
		unlink(tmp);
		return -1;
	}
	int d = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);	/* and the rename itself */
	if (d < 0 || fsync(d) < 0) {
		md_warn("fsync %s", dir);
		if (d >= 0)
			close(d);
		return -1;
	}
	close(d);
	return 0;
}

/* ---- run ------------------------------------------------------------ */

int entrypoint_words(const struct container *c)
{
	/* v1.5's state files name a one-word entrypoint only. */
	int n = c->cfg.nentry ? c->cfg.nentry : c->cfg.entrypoint[0] && c->argc > 0;
	return n < c->argc ? n : c->argc;
}

void env_over_json(json_t *env, const struct config *cfg)
{
	for (int i = 0; i < cfg->nenv; i++) {
		const char *kv = cfg->env[i];
		size_t klen = strcspn(kv, "=") + 1, j;
		for (j = 0; j < json_array_size(env); j++)
			if (!strncmp(json_string_value(json_array_get(env, j)), kv, klen))
				break;
		if (j < json_array_size(env))
			json_array_set_new(env, j, json_string(kv));
		else
			json_array_append_new(env, json_string(kv));
	}
}

/* The strings of the array A, after the N words in V: a new array. */
static char **add_words(char **v, int *n, json_t *a)
{
	size_t i;
	json_t *s;

	v = md_realloc(v, (*n + json_array_size(a) + 1) * sizeof *v);
	json_array_foreach(a, i, s)
		if (!(v[(*n)++] = strdup(json_string_value(s))))
			md_die("strdup");
	v[*n] = NULL;
	return v;
}

/* Env: the image's variables after -e's, those whose name -e did not
 * give (Docker's merge: the user's list, then the image's others).  A
 * variable given twice is set in order, so -e wins either way. */
static void merge_env(struct config *cfg, json_t *env)
{
	size_t i;
	json_t *s;
	int given = cfg->nenv;

	json_array_foreach(env, i, s) {
		const char *kv = json_string_value(s);
		size_t klen = strcspn(kv, "=") + 1;
		int j = 0;
		while (j < given && strncmp(cfg->env[j], kv, klen))
			j++;
		if (j == given)
			config_add_env(cfg, kv);
	}
}

/* User and WorkingDir: the image's, unless -u or -w said otherwise. */
static void merge_text(const char *image, json_t *ic, struct container *c)
{
	const char *user = json_string_value(json_object_get(ic, "User"));
	const char *dir = json_string_value(json_object_get(ic, "WorkingDir"));

	if (!c->sec.user[0] && user && user[0]) {
		if (!valid_user(user))
			md_diex("image %s: invalid User '%s' in its config: NAME or UID, then "
				"optionally :GROUP or :GID", image, user);
		snprintf(c->sec.user, sizeof c->sec.user, "%s", user);
	}
	if (!c->cfg.workdir[0] && dir && dir[0]) {
		if (!config_valid_path(dir) || strlen(dir) >= sizeof c->cfg.workdir)
			md_diex("image %s: invalid WorkingDir '%s' in its config: an absolute "
				"path, without '..'", image, dir);
		snprintf(c->cfg.workdir, sizeof c->cfg.workdir, "%s", dir);
	}
}

char **image_config_apply(const char *image, struct container *c, char **cmd, int *n)
{
	char path[PATH_MAX];

	image_path(image, path);	/* there is such an image, or exit 125 */
	json_t *all = image_config_read(image);

	if (!all && errno)
		exit(MD_EXIT_FAILED);
	/* An image without a config (mkimage's base, v1.1's imports) runs
	 * /bin/sh by default, as in v1.5: as if its config said CMD
	 * ["/bin/sh"], as busybox's does. */
	json_t *ic = all ? json_object_get(all, "config") : json_pack("{s:[s]}", "Cmd", "/bin/sh");
	merge_env(&c->cfg, json_object_get(ic, "Env"));
	merge_text(image, ic, c);

	char **argv;
	int given = *n;
	json_t *entry = json_object_get(ic, "Entrypoint");
	if (c->cfg.entry_given) {
		/* --entrypoint replaces the image's, and its Cmd goes with it:
		 * the words after IMAGE are all the arguments (v1.5's rule);
		 * --entrypoint '' leaves no entrypoint at all. */
		argv = config_command(&c->cfg, cmd, n);
		c->cfg.nentry = c->cfg.entrypoint[0] != '\0';
	} else {
		/* ENTRYPOINT's words, then the command given, or else CMD's;
		 * Docker resets an entrypoint of [""] to none. */
		*n = 0;
		argv = NULL;
		if (!(json_array_size(entry) == 1 && !json_string_length(json_array_get(entry, 0))))
			argv = add_words(argv, n, entry);
		c->cfg.nentry = *n;
		if (given) {
			argv = md_realloc(argv, (*n + given + 1) * sizeof *argv);
			memcpy(argv + *n, cmd, given * sizeof *argv);
			*n += given;
			argv[*n] = NULL;
		} else {
			argv = add_words(argv, n, json_object_get(ic, "Cmd"));
		}
		if (c->cfg.nentry && strlen(argv[0]) >= sizeof c->cfg.entrypoint)
			md_diex("image %s: its Entrypoint's first word is too long", image);
		if (c->cfg.nentry)	/* v1.5's state: it is argv[0] too */
			snprintf(c->cfg.entrypoint, sizeof c->cfg.entrypoint, "%s", argv[0]);
	}
	if (*n == 0) {
		if (c->cfg.entry_given)
			md_warnx("run: no command specified: --entrypoint '' drops image %s's Entrypoint "
				 "and Cmd, and no command was given", image);
		else
			md_warnx("run: no command specified: image %s has no Entrypoint or Cmd, and none "
				 "was given", image);
		md_hint("give one after the image: minidocker run %s COMMAND [ARG...]", image);
		exit(MD_EXIT_FAILED);
	}
	if (!all)
		json_decref(ic);
	json_decref(all);
	return argv;
}
