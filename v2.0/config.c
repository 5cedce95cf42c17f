/* The container's environment, working folder and entrypoint (v1.5):
 * run's -e, --env-file, -w and --entrypoint, exec's -e and -w; how they
 * are kept in the state file (env=, workdir=, entrypoint=), carried to
 * the init in one word of its command line, and applied just before the
 * command's execve (environ(7), execve(2)). */
#include "minidocker.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Add K=V to the list, as given. */
void config_add_env(struct config *cfg, const char *kv)
{
	cfg->env = md_realloc(cfg->env, (cfg->nenv + 1) * sizeof *cfg->env);
	if (!(cfg->env[cfg->nenv++] = strdup(kv)))
		md_die("strdup");
}

/* -e K=V, or -e K: K's value in our own environment, and nothing at all
 * if we have none (Docker's rule: an unset variable is not passed).
 * Docker refuses an empty name; so do we. */
static void env_word(const struct command *cmd, const char *word, struct config *cfg)
{
	size_t n = strcspn(word, "=");

	if (n == 0)
		usage_error(cmd, NULL, "invalid environment variable '%s': no name before '='", word);
	if (word[n]) {
		config_add_env(cfg, word);
		return;
	}
	const char *val = getenv(word);
	if (!val)
		return;
	char *kv = NULL;
	if (asprintf(&kv, "%s=%s", word, val) < 0)
		md_die("asprintf");
	config_add_env(cfg, kv);
	free(kv);
}

/* --env-file FILE, in Docker's format (opts.ParseEnvFile): one K=V a
 * line, leading blanks dropped, blank lines and lines starting with '#'
 * skipped, a line without '=' a name to take from our environment as -e
 * K does.  The value is everything after the first '=', as it is: no
 * quotes are removed and no $ expanded. */
static void env_file(const struct command *cmd, const char *path, struct config *cfg)
{
	FILE *f = fopen(path, "re");
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;
	int lineno = 0;

	if (!f) {
		md_warn("--env-file %s", path);
		md_hint("give a file of K=V lines, one a line, such as --env-file ./app.env");
		exit(MD_EXIT_FAILED);
	}
	while ((n = getline(&line, &cap, f)) > 0) {
		lineno++;
		while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r'))
			line[--n] = '\0';
		char *p = line + strspn(line, " \t\v\f");
		if (!*p || *p == '#')
			continue;
		size_t name = strcspn(p, "=");
		if (strcspn(p, " \t") < name)
			usage_error(cmd, NULL, "--env-file %s, line %d: variable '%.*s' has blanks in its name",
				    path, lineno, (int)name, p);
		env_word(cmd, p, cfg);
	}
	if (ferror(f)) {	/* a folder opens, and reads EISDIR: not an empty file */
		md_warn("--env-file %s", path);
		md_hint("give a file of K=V lines, one a line, such as --env-file ./app.env");
		exit(MD_EXIT_FAILED);
	}
	free(line);
	fclose(f);
}

/* An absolute path without "..": -w's and -v's. */
int config_valid_path(const char *path)
{
	if (path[0] != '/' || strchr(path, '\n') || strchr(path, '\t'))
		return 0;
	for (const char *p = path; (p = strstr(p, "..")); p += 2)
		if (p[-1] == '/' && (!p[2] || p[2] == '/'))
			return 0;
	return 1;
}

/* run's -e ('e'), --env-file ('E'), -w ('w'), --entrypoint ('Y'). */
void config_option(const struct command *cmd, int opt, const char *arg, struct config *cfg)
{
	if (opt == 'e') {
		env_word(cmd, arg, cfg);
	} else if (opt == 'E') {
		env_file(cmd, arg, cfg);
	} else if (opt == 'w') {
		if (!config_valid_path(arg) || strlen(arg) >= sizeof cfg->workdir)
			usage_error(cmd, NULL, "invalid working directory '%s': an absolute path, "
				    "without '..', such as /app", arg);
		snprintf(cfg->workdir, sizeof cfg->workdir, "%s", arg);
	} else {
		if (strlen(arg) >= sizeof cfg->entrypoint || strchr(arg, '\n'))
			usage_error(cmd, NULL, "invalid --entrypoint '%.40s': one program, such as /bin/echo",
				    arg);
		snprintf(cfg->entrypoint, sizeof cfg->entrypoint, "%s", arg);
		cfg->entry_given = 1;	/* v1.6: '' too, which drops the image's */
	}
}

/* --entrypoint replaces the image's entrypoint and its default command:
 * the container runs ENTRYPOINT with the words after the image as its
 * arguments (Docker's rule; v1.6 gives images defaults of their own).
 * Returns the command, a new array, and its length in *N. */
char **config_command(const struct config *cfg, char **cmd, int *n)
{
	if (!cfg->entrypoint[0])
		return cmd;
	char **argv = calloc(*n + 2, sizeof *argv);
	if (!argv)
		md_die("calloc");
	argv[0] = (char *)cfg->entrypoint;
	memcpy(argv + 1, cmd, *n * sizeof *argv);
	*n += 1;
	return argv;
}

/* ---- the state file ----------------------------------------------- */

void config_save(FILE *f, const struct config *cfg)
{
	for (int i = 0; i < cfg->nenv; i++) {
		fputs("env=", f);
		put_escaped(f, cfg->env[i]);
		fputc('\n', f);
	}
	fprintf(f, "workdir=%s\nentrypoint=%s\n", cfg->workdir, cfg->entrypoint);
	fprintf(f, "entrypoint_words=%d\n", cfg->nentry);	/* v1.6: an image's may be several */
	volumes_save(f, cfg);	/* mount= lines (volume.c) */
}

/* One line of the state file: 1 if it was ours. */
int config_load(struct config *cfg, const char *key, char *val)
{
	if (!strcmp(key, "env")) {
		unescape(val);
		config_add_env(cfg, val);
	} else if (!strcmp(key, "workdir")) {
		snprintf(cfg->workdir, sizeof cfg->workdir, "%s", val);
	} else if (!strcmp(key, "entrypoint")) {
		snprintf(cfg->entrypoint, sizeof cfg->entrypoint, "%s", val);
	} else if (!strcmp(key, "entrypoint_words")) {
		cfg->nentry = atoi(val);
	} else {
		return volumes_load(cfg, key, val);
	}
	return 1;
}

void config_free(struct config *cfg)
{
	for (int i = 0; i < cfg->nenv; i++)
		free(cfg->env[i]);
	free(cfg->env);
	cfg->env = NULL;
	cfg->nenv = 0;
}

/* ---- the init's word ------------------------------------------------ */

/* One word for init's command line: a line per setting, "eK=V" for a
 * variable, "wPATH" for the working folder, "vKIND\tHOST\tPATH\tMODE" for
 * a mount (KIND: b, a bind mount; v, a named volume), newlines and
 * backslashes escaped.  Malloc'd. */
char *config_word(const struct container *c)
{
	char *buf = NULL, host[PATH_MAX];
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	if (!f)
		md_die("open_memstream");
	for (int i = 0; i < c->cfg.nenv; i++) {
		fputc('e', f);
		put_escaped(f, c->cfg.env[i]);
		fputc('\n', f);
	}
	fputc('w', f);
	put_escaped(f, c->cfg.workdir);
	fputc('\n', f);
	for (int i = 0; i < c->cfg.nvol; i++) {
		const struct volume *v = &c->cfg.vol[i];
		volume_host_path(v, host);
		fprintf(f, "v%c\t", v->type[0]);
		put_escaped(f, host);
		fputc('\t', f);
		put_escaped(f, v->target);
		fprintf(f, "\t%s\n", v->ro ? "ro" : "rw");
	}
	if (fclose(f) != 0)
		md_die("write the init's settings");
	return buf;
}

/* run, before anything is made: the word is one argument of the init's
 * execve, and the kernel takes none of MAX_ARG_STRLEN (32 pages) or more
 * (execve(2), "Limits on size of arguments"): said here, not as the
 * init's E2BIG once the container is half made. */
int config_check(const struct config *cfg)
{
	static struct container c;	/* config_word reads only the config */
	long limit = 32 * sysconf(_SC_PAGESIZE);

	c.cfg = *cfg;
	char *word = config_word(&c);
	size_t len = strlen(word);
	free(word);
	if ((long)len < limit)
		return 0;
	md_warnx("run: the variables, -w and the mounts take %zu bytes, and a container's may take %ld at most",
		 len, limit - 1);
	md_hint("give large data in a file (-v) rather than in variables");
	return -1;
}

/* The init's side: the word back into CFG (the mounts' sources are host
 * paths by now; type "v" is a named volume, whose image content is
 * copied in while it is empty). */
void config_parse(char *word, struct config *cfg)
{
	memset(cfg, 0, sizeof *cfg);
	for (char *save, *l = strtok_r(word, "\n", &save); l; l = strtok_r(NULL, "\n", &save)) {
		unescape(l);
		if (l[0] == 'e') {
			config_add_env(cfg, l + 1);
		} else if (l[0] == 'w') {
			snprintf(cfg->workdir, sizeof cfg->workdir, "%s", l + 1);
		} else if (l[0] == 'v' && cfg->nvol < MAX_VOLUMES) {
			struct volume *v = &cfg->vol[cfg->nvol++];
			char mode[4] = "";
			if (sscanf(l + 1, "%7[^\t]\t%1023[^\t]\t%1023[^\t]\t%3s", v->type, v->source, v->target,
				   mode) != 4)
				md_diex("init is internal to `minidocker run`; use run");
			v->ro = !strcmp(mode, "ro");
			v->fd = -1;
		}
	}
}

/* ---- just before the command ---------------------------------------- */

/* In the init, after pivot_root and as the container's root: the working
 * folder, made if missing, as Docker makes it (mode 0755, owned by the
 * container's root, in its writable layer). */
void config_make_workdir(const struct config *cfg)
{
	char path[sizeof cfg->workdir];

	if (!cfg->workdir[0])
		return;
	snprintf(path, sizeof path, "%s", cfg->workdir);
	for (char *p = path + 1;; p++)
		if (*p == '/' || !*p) {
			char c = *p;
			*p = '\0';
			if (mkdir(path, 0755) == 0)
				chmod(path, 0755);	/* whatever the umask we were given */
			else if (errno != EEXIST)
				md_die("make the working directory %s (-w)", path);
			if (!(*p = c))
				return;
		}
}

/* The container's variables over the defaults container_env set, then
 * EXTRA's (exec -e) over those.  v2.0: the working folder is entered by
 * security_apply, with the user and its capabilities (ociinit.c). */
void config_apply(const struct config *cfg, const struct config *extra)
{
	const struct config *sets[2] = { cfg, extra };

	for (int s = 0; s < 2; s++)
		for (int i = 0; sets[s] && i < sets[s]->nenv; i++) {
			char *kv = sets[s]->env[i], *eq = strchr(kv, '=');
			*eq = '\0';
			int rc = setenv(kv, eq + 1, 1);
			*eq = '=';
			if (rc < 0)
				md_die("setenv %s", kv);
		}
}
