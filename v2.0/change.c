/* commit -c and import -c (v1.6): Dockerfile instructions that change
 * the new image's config, as `docker commit --change` takes them:
 *
 *   CMD ["echo","x"]        the exec form, a JSON array of strings
 *   CMD echo $HOME          the shell form: ["/bin/sh", "-c", "echo $HOME"]
 *   ENTRYPOINT ...          the same two forms; it drops the Cmd, unless a
 *                           CMD comes with it (Docker's rule)
 *   ENV K=V K2="v 2"        (or the old ENV K V); $VAR and ${VAR} are
 *                           the config's variables before the instruction
 *   LABEL K=V ...           the same, into Labels
 *   WORKDIR /app            a relative path goes on from the last one
 *   USER name[:group]
 *   EXPOSE 80 53/udp 8000-8002
 *
 * Anything else, or a malformed one, is refused before the image exists.
 * The Dockerfile reference is docs.docker.com/reference/dockerfile/. */
#include "minidocker.h"

#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>

/* The state of one --change being read: for its messages. */
struct change {
	const char *cmdname;	/* "commit" or "import" */
	const char *text;	/* the instruction, as given */
};

static noreturn void bad_change(const struct change *ch, const char *why)
{
	md_warnx("%s: invalid --change '%s': %s", ch->cmdname, ch->text, why);
	md_hint("one Dockerfile instruction per -c: CMD, ENTRYPOINT, ENV, EXPOSE, LABEL, USER or "
		"WORKDIR, such as -c 'CMD [\"echo\",\"x\"]'");
	exit(MD_EXIT_FAILED);
}

/* $NAME or ${NAME} at P (after the '$'), from ENV: its value appended
 * to OUT; P moved past the name.  No name: a plain '$'. */
static void expand(const char **p, json_t *env, FILE *out)
{
	int brace = **p == '{';
	const char *s = *p + brace;
	size_t len = 0;
	size_t i;
	json_t *kv;

	while (isalnum((unsigned char)s[len]) || s[len] == '_')
		len++;
	if (!len || (brace && s[len] != '}')) {
		fputc('$', out);
		return;
	}
	*p = s + len + brace;
	json_array_foreach(env, i, kv) {
		const char *e = json_string_value(kv);
		if (!strncmp(e, s, len) && e[len] == '=') {
			fputs(e + len + 1, out);
			return;
		}
	}
}

/* The words of S, as Dockerfile's ENV, LABEL, EXPOSE, USER and WORKDIR
 * read them: blanks between words, '...' kept as it is, "..." and bare
 * text with \ escapes and $VAR from ENV.  A JSON array of strings. */
static json_t *words(const struct change *ch, const char *s, json_t *env)
{
	json_t *all = json_array();

	for (;;) {
		while (isspace((unsigned char)*s))
			s++;
		if (!*s)
			return all;
		char *buf = NULL;
		size_t len = 0;
		FILE *out = open_memstream(&buf, &len);
		char quote = 0;
		if (!out)
			md_die("open_memstream");
		for (; *s && (quote || !isspace((unsigned char)*s)); s++) {
			if (quote == '\'' && *s != '\'') {
				fputc(*s, out);
			} else if (*s == quote) {
				quote = 0;
			} else if (!quote && (*s == '\'' || *s == '"')) {
				quote = *s;
			} else if (*s == '\\' && s[1] && (!quote || strchr("\"\\$", s[1]))) {
				fputc(*++s, out);
			} else if (*s == '$') {
				s++;
				expand(&s, env, out);
				s--;
			} else {
				fputc(*s, out);
			}
		}
		if (fclose(out) != 0)
			md_die("open_memstream");
		if (quote) {
			free(buf);
			json_decref(all);
			bad_change(ch, quote == '"' ? "a \" is not closed" : "a ' is not closed");
		}
		json_array_append_new(all, json_string(buf));
		free(buf);
	}
}

/* CMD's and ENTRYPOINT's arguments: a JSON array of strings (the exec
 * form), else, as Docker does with anything that is not one, the shell
 * form: /bin/sh -c ARGS. */
static json_t *command_form(const char *args)
{
	json_t *a = args[0] == '[' ? json_loads(args, JSON_DECODE_ANY, NULL) : NULL;
	size_t i;
	json_t *s;
	int ok = json_is_array(a);

	json_array_foreach(a, i, s)
		ok &= json_is_string(s);
	if (ok)
		return a;
	json_decref(a);
	return json_pack("[s, s, s]", "/bin/sh", "-c", args);
}

/* ENV's and LABEL's K=V pairs (or the old form, K V...) into OBJ: for
 * ENV, an array of "K=V", a K already there replaced in place. */
static void pairs(const struct change *ch, json_t *w, json_t *env, json_t *labels)
{
	size_t n = json_array_size(w);
	const char *first = json_string_value(json_array_get(w, 0));
	int old_form = !strchr(first, '=');

	if (old_form && n < 2)
		bad_change(ch, "a value is missing: K=V, or K V");
	for (size_t i = 0; i < (old_form ? 1 : n); i++) {
		char *kv = NULL;
		const char *word = json_string_value(json_array_get(w, i));
		if (old_form) {
			FILE *f = open_memstream(&kv, &(size_t){ 0 });
			if (!f)
				md_die("open_memstream");
			fprintf(f, "%s=", word);
			for (size_t j = 1; j < n; j++)
				fprintf(f, "%s%s", j > 1 ? " " : "", json_string_value(json_array_get(w, j)));
			if (fclose(f) != 0)
				md_die("open_memstream");
		} else if (!(kv = strdup(word))) {
			md_die("strdup");
		}
		char *eq = strchr(kv, '=');
		if (!eq || eq == kv) {
			free(kv);
			bad_change(ch, "each word is K=V, with a name before the '='");
		}
		*eq = '\0';
		if (labels) {
			json_object_set_new(labels, kv, json_string(eq + 1));
		} else {
			size_t j, klen = eq - kv;
			json_t *e;
			*eq = '=';
			json_array_foreach(env, j, e)
				if (!strncmp(json_string_value(e), kv, klen + 1))
					break;
			if (j < json_array_size(env))
				json_array_set_new(env, j, json_string(kv));
			else
				json_array_append_new(env, json_string(kv));
		}
		free(kv);
	}
}

/* EXPOSE's PORT[/PROTO] or FIRST-LAST[/PROTO], into ExposedPorts. */
static void expose(const struct change *ch, const char *word, json_t *ports)
{
	char proto[8] = "tcp", *end;
	const char *slash = strchr(word, '/');
	long first = strtol(word, &end, 10), last = first;

	if (!isdigit((unsigned char)word[0]))
		bad_change(ch, "EXPOSE takes PORT[/tcp|/udp|/sctp] or FIRST-LAST[/PROTO]");
	if (*end == '-' && isdigit((unsigned char)end[1]))
		last = strtol(end + 1, &end, 10);
	if ((*end && end != slash) || first < 1 || last > 65535 || last < first)
		bad_change(ch, "a port is a number from 1 to 65535 (a range FIRST-LAST)");
	if (slash) {
		if (strcmp(slash + 1, "tcp") && strcmp(slash + 1, "udp") && strcmp(slash + 1, "sctp"))
			bad_change(ch, "the protocol is tcp, udp or sctp");
		snprintf(proto, sizeof proto, "%s", slash + 1);
	}
	for (long p = first; p <= last; p++) {
		char key[32];
		snprintf(key, sizeof key, "%ld/%s", p, proto);
		json_object_set_new(ports, key, json_object());
	}
}

/* The object IC[KEY], made if it is missing or null. */
static json_t *member(json_t *ic, const char *key, json_t *(*make)(void))
{
	json_t *v = json_object_get(ic, key);
	if (!v || json_is_null(v))
		json_object_set_new(ic, key, v = make());
	return v;
}

static int by_key(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* IC[KEY], an object, with its keys in order, as Go writes a map (Docker's
 * Labels and ExposedPorts come out so). */
static void sort_keys(json_t *ic, const char *key)
{
	json_t *o = json_object_get(ic, key), *sorted = json_object(), *v;
	size_t n = json_object_size(o), i = 0;
	const char **keys = md_realloc(NULL, (n + 1) * sizeof *keys);
	const char *k;

	json_object_foreach(o, k, v)
		keys[i++] = k;
	qsort(keys, n, sizeof *keys, by_key);
	for (i = 0; i < n; i++)
		json_object_set(sorted, keys[i], json_object_get(o, keys[i]));
	free(keys);
	json_object_set_new(ic, key, sorted);
}

/* WORKDIR: one word, absolute or from the last WorkingDir on. */
static void workdir(const struct change *ch, json_t *w, json_t *ic)
{
	const char *dir = json_string_value(json_array_get(w, 0));
	const char *was = json_string_value(json_object_get(ic, "WorkingDir"));
	char path[PATH_MAX];

	if (json_array_size(w) != 1)
		bad_change(ch, "WORKDIR takes one path (quote one with blanks in it)");
	if (dir[0] == '/')
		snprintf(path, sizeof path, "%s", dir);
	else if (snprintf(path, sizeof path, "%s/%s", was && was[0] ? was : "", dir) >= (int)sizeof path)
		bad_change(ch, "the path is too long");
	if (!config_valid_path(path) || strlen(path) >= 1024)	/* struct config's workdir */
		bad_change(ch, "the working directory is an absolute path, without '..'");
	json_object_set_new(ic, "WorkingDir", json_string(path));
}

/* One instruction onto the config IC.  *CMD_SET: a CMD came before (so
 * that a later ENTRYPOINT keeps it, as in a Dockerfile). */
static void apply_one(const struct change *ch, json_t *ic, int *cmd_set)
{
	const char *s = ch->text + strspn(ch->text, " \t");
	size_t klen = strcspn(s, " \t");
	char key[16];
	const char *args = s + klen + strspn(s + klen, " \t");

	if (strchr(ch->text, '\n'))
		bad_change(ch, "one instruction per -c, on one line");
	if (!klen || klen >= sizeof key)
		bad_change(ch, "an instruction such as CMD, ENV or WORKDIR comes first");
	for (size_t i = 0; i <= klen; i++)
		key[i] = i < klen ? toupper((unsigned char)s[i]) : '\0';
	if (!*args)
		bad_change(ch, "the instruction has no arguments");

	if (!strcmp(key, "CMD") || !strcmp(key, "ENTRYPOINT")) {
		json_object_set_new(ic, key[0] == 'C' ? "Cmd" : "Entrypoint", command_form(args));
		if (key[0] == 'C')
			*cmd_set = 1;
		else if (!*cmd_set)
			json_object_set_new(ic, "Cmd", json_null());
		return;
	}
	json_t *w = words(ch, args, json_object_get(ic, "Env"));
	if (!json_array_size(w)) {
		json_decref(w);
		bad_change(ch, "the instruction has no arguments");
	}
	if (!strcmp(key, "ENV")) {
		pairs(ch, w, member(ic, "Env", json_array), NULL);
	} else if (!strcmp(key, "LABEL")) {
		pairs(ch, w, NULL, member(ic, "Labels", json_object));
		sort_keys(ic, "Labels");
	} else if (!strcmp(key, "WORKDIR")) {
		workdir(ch, w, ic);
	} else if (!strcmp(key, "USER")) {
		const char *u = json_string_value(json_array_get(w, 0));
		if (json_array_size(w) != 1 || !valid_user(u))
			bad_change(ch, "USER takes NAME or UID, then optionally :GROUP or :GID");
		json_object_set_new(ic, "User", json_string(u));
	} else if (!strcmp(key, "EXPOSE")) {
		size_t i;
		json_t *p, *ports = member(ic, "ExposedPorts", json_object);
		json_array_foreach(w, i, p) {
			expose(ch, json_string_value(p), ports);
		}
		sort_keys(ic, "ExposedPorts");
	} else {
		char why[64];
		snprintf(why, sizeof why, "%s is not an instruction --change takes", key);
		bad_change(ch, why);
	}
	json_decref(w);
}

void change_config(const char *cmdname, json_t *all, char **changes, int n)
{
	json_t *ic = json_object_get(all, "config");
	int cmd_set = 0;

	if (!json_is_object(ic))
		json_object_set_new(all, "config", ic = json_object());
	for (int i = 0; i < n; i++) {
		struct change ch = { cmdname, changes[i] };
		apply_one(&ch, ic, &cmd_set);
	}
}

/* A new image's history entry and time, as Docker writes them: RFC 3339
 * in UTC, the command that made it, a comment. */
void change_history(json_t *all, const char *created_by, const char *comment)
{
	struct timespec now;
	char when[64];

	clock_gettime(CLOCK_REALTIME, &now);
	rfc3339_text(&now, when, sizeof when);
	json_object_set_new(all, "created", json_string(when));
	json_t *h = json_object_get(all, "history");
	if (!json_is_array(h))
		json_object_set_new(all, "history", h = json_array());
	json_array_append_new(h, json_pack("{s:s, s:s, s:s}", "created", when, "created_by", created_by,
					   "comment", comment));
}

/* A config for an image that had none: this machine's architecture, in
 * Go's words as the OCI spec uses them (x86_64 is amd64). */
json_t *change_new_config(void)
{
	static const char *const arch[][2] = { { "x86_64", "amd64" }, { "aarch64", "arm64" },
					      { "i686", "386" }, { "armv7l", "arm" },
					      { "ppc64le", "ppc64le" }, { "s390x", "s390x" },
					      { "riscv64", "riscv64" } };
	struct utsname u;
	const char *a = "unknown";

	if (uname(&u) == 0)
		for (size_t i = 0; i < sizeof arch / sizeof arch[0]; i++)
			if (!strcmp(u.machine, arch[i][0]))
				a = arch[i][1];
	return json_pack("{s:s, s:s, s:{}}", "architecture", a, "os", "linux", "config");
}

int change_options(const char *name, int argc, char **argv, char ***changes, int *n)
{
	static const struct option opts[] = { { "change", required_argument, NULL, 'c' },
					      { "help", no_argument, NULL, 'h' }, { 0 } };
	int opt;

	*changes = NULL;
	*n = 0;
	while ((opt = next_opt(find_command(name), argc, argv, "c:", opts)) != -1) {
		*changes = md_realloc(*changes, (*n + 1) * sizeof **changes);
		(*changes)[(*n)++] = optarg;
	}
	return optind;
}

/* The words V[0..N) as a JSON array, or null for none. */
static json_t *word_array(char **v, int n)
{
	if (n <= 0)
		return json_null();
	json_t *a = json_array();
	for (int i = 0; i < n; i++)
		json_array_append_new(a, json_string(v[i]));
	return a;
}

json_t *change_from_container(const struct container *c)
{
	json_t *all = image_config_read(c->image_id[0] ? c->image_id : c->image);	/* by ID: even renamed */

	if (!all && errno)
		exit(MD_EXIT_FAILED);
	if (!all)
		all = change_new_config();
	json_t *ic = json_object_get(all, "config");
	if (!json_is_object(ic))
		json_object_set_new(all, "config", ic = json_object());
	/* The container's variables: its image's and -e's, merged by run;
	 * a name given twice keeps its place and its last value. */
	json_t *env = json_array();
	env_over_json(env, &c->cfg);
	int entry = entrypoint_words(c);
	json_object_set_new(ic, "Env", env);
	json_object_set_new(ic, "Entrypoint", word_array(c->argv, entry));
	json_object_set_new(ic, "Cmd", word_array(c->argv + entry, c->argc - entry));
	json_object_set_new(ic, "WorkingDir", json_string(c->cfg.workdir));
	json_object_set_new(ic, "User", json_string(c->sec.user));
	/* The layers' digests are the store's to list (images.c). */
	json_object_del(all, "rootfs");
	return all;
}
