/* config.json (v2.0): an OCI bundle's configuration, read with jansson
 * and checked field by field before anything is made.
 *
 * A bundle is a folder with config.json and, usually, the root
 * filesystem (the OCI runtime spec, "Filesystem Bundle").  The config says
 * everything the minidocker CLI said with flags: the command and its
 * user, capabilities and limits; the mounts in order; the namespaces,
 * new or joined by path; the cgroup and its limits; seccomp; hooks.
 *
 * What the reader promises: a field of the wrong type, a required field
 * missing, a name it does not know (capability, rlimit, namespace) is an
 * error that names the field, as "config.json: process.args: must not be
 * empty".  A field the spec has and we do not implement is refused where
 * the container's isolation or limits depend on it (an AppArmor profile,
 * an Intel RDT class, a memory reservation): running without it would
 * be a silent ignore.  Fields no one relies on for isolation (vendor
 * annotations, another platform's object) are skipped, as runc does. */
#include "minidocker.h"
#include "oci.h"

#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

/* "config.json: WHERE: why", and -1 (ociseccomp.c's too). */
int oci_bad(const char *where, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	md_warnx("config.json: %s: %s", where, msg);
	return -1;
}

static char *dup_str(const char *s)
{
	char *d = strdup(s);

	if (!d)
		md_die("strdup");
	return d;
}

/* OBJ's KEY, which must be of TYPE (a JSON_* type) if present: 1 and *V,
 * 0 if absent or null, -1 after saying so. */
static int get(json_t *obj, const char *key, json_type type, const char *where, json_t **v)
{
	static const char *const names[] = { "an object", "an array",	   "a string",	    "an integer",
					     "a number",  "true or false", "true or false", "null" };

	*v = json_object_get(obj, key);
	if (!*v || json_is_null(*v))
		return 0;
	if (json_typeof(*v) == type || (type == JSON_TRUE && json_is_boolean(*v)))
		return 1;
	return oci_bad(where, "must be %s", names[type]);
}

/* A string KEY of OBJ into *OUT (strdup'ed): 1, 0 absent, -1. */
static int get_str(json_t *obj, const char *key, const char *where, char **out)
{
	json_t *v;
	int r = get(obj, key, JSON_STRING, where, &v);

	if (r == 1)
		*out = dup_str(json_string_value(v));
	return r;
}

static int get_bool(json_t *obj, const char *key, const char *where, int *out)
{
	json_t *v;
	int r = get(obj, key, JSON_TRUE, where, &v);

	if (r == 1)
		*out = json_is_true(v);
	return r;
}

/* 2^64-1, the largest unsigned 64-bit number: what podman and containerd
 * (Go's uint64) write for an unlimited rlimit, RLIM_INFINITY.  jansson's
 * integers are signed 64 bits, and it refuses the whole document for it
 * ("too big integer").  So load_json rewrites that number, outside
 * strings, into INT64_MIN, the same 20 characters, and remembers it did:
 * oci_u64 reads INT64_MIN back as 2^64-1 then.  A file that already holds
 * INT64_MIN is left as it is (one of the two is then refused). */
#define U64_MAX_TEXT "18446744073709551615"
#define U64_MAX_STANDIN "-9223372036854775808"
static int u64_max_rewritten;

/* Each number of TEXT (outside strings) that is 20 characters long and
 * is WHAT: replaced by WITH if not NULL.  How many there are. */
static int each_number(char *text, size_t len, const char *what, const char *with)
{
	int n = 0, in_string = 0;

	for (size_t i = 0; i < len; i++) {
		if (in_string) {
			if (text[i] == '\\')
				i++;
			else if (text[i] == '"')
				in_string = 0;
		} else if (text[i] == '"') {
			in_string = 1;
		} else if (len - i >= 20 && (!i || strchr(":,[ \t\r\n", text[i - 1])) &&
			   (i + 20 == len || strchr(",]} \t\r\n", text[i + 20])) &&
			   !memcmp(text + i, what, 20)) {
			if (with)
				memcpy(text + i, with, 20);
			n++;
		}
	}
	return n;
}

/* PATH's JSON, 2^64-1 rewritten as said above. */
static json_t *load_json(const char *path, json_error_t *err)
{
	size_t len = 0, size = 0;
	char *text = NULL;
	ssize_t n;
	/* O_NONBLOCK: a FIFO planted as config.json (or as exec's
	 * --process) must not hang the runtime on open(2) for a writer
	 * that never comes; it is refused, as anything but a file. */
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	struct stat st;

	u64_max_rewritten = 0;
	if (fd < 0)
		return json_load_file(path, 0, err);	/* its words for why */
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		err->line = err->column = 0;
		snprintf(err->text, sizeof err->text, "%s", "not a regular file");
		return NULL;
	}
	do {
		if (len == size)
			text = md_realloc(text, size = size ? size * 2 : 65536);
		n = read(fd, text + len, size - len);
		len += n > 0 ? n : 0;
	} while (n > 0 || (n < 0 && errno == EINTR));
	close(fd);
	if (n < 0) {
		free(text);
		return json_load_file(path, 0, err);
	}
	if (!each_number(text, len, U64_MAX_STANDIN, NULL))
		u64_max_rewritten = each_number(text, len, U64_MAX_TEXT, U64_MAX_STANDIN) > 0;
	json_t *j = json_loadb(text, len, 0, err);
	free(text);
	return j;
}

/* Why load_json could not read NAME: with the place in the text, where
 * there is one (not for a file refused or unopened). */
static void warn_json(const char *name, const json_error_t *err)
{
	if (err->line > 0)
		md_warnx("%s: line %d, column %d: %s", name, err->line, err->column, err->text);
	else
		md_warnx("%s: %s", name, err->text);
}

int oci_u64(json_t *v, unsigned long long *out)
{
	if (!json_is_integer(v))
		return -1;
	json_int_t n = json_integer_value(v);
	if (n == INT64_MIN && u64_max_rewritten)
		*out = UINT64_MAX;
	else if (n >= 0)
		*out = n;
	else
		return -1;
	return 0;
}

/* An integer KEY of OBJ, from MIN to MAX: 1, 0 absent, -1. */
static int get_int(json_t *obj, const char *key, const char *where, long long min, long long max, long long *out)
{
	json_t *v;
	int r = get(obj, key, JSON_INTEGER, where, &v);

	if (r == 1) {
		*out = json_integer_value(v);
		if (*out == INT64_MIN && u64_max_rewritten)
			return oci_bad(where, "%s is out of range (%lld to %lld)", U64_MAX_TEXT, min, max);
		if (*out < min || *out > max)
			return oci_bad(where, "%lld is out of range (%lld to %lld)", *out, min, max);
	}
	return r;
}

/* An unsigned 64-bit KEY of OBJ (2^64-1 included): 1, 0 absent, -1. */
static int get_u64(json_t *obj, const char *key, const char *where, unsigned long long *out)
{
	json_t *v;
	int r = get(obj, key, JSON_INTEGER, where, &v);

	if (r == 1 && oci_u64(v, out) < 0)
		return oci_bad(where, "%lld is out of range (0 to %s)", (long long)json_integer_value(v),
			       U64_MAX_TEXT);
	return r;
}

/* An array of strings, each checked by CHECK (may be NULL), into a
 * NULL-ended array *OUT and its length *N. */
static int get_strings(json_t *obj, const char *key, const char *where, char ***out, int *n,
		       int (*check)(const char *s, const char *where))
{
	char at[256];
	json_t *v, *e;
	size_t i;
	int r = get(obj, key, JSON_ARRAY, where, &v);

	if (r <= 0)
		return r;
	*out = md_realloc(NULL, (json_array_size(v) + 1) * sizeof **out);
	(*out)[0] = NULL;
	*n = 0;
	json_array_foreach(v, i, e)
	{
		snprintf(at, sizeof at, "%s[%zu]", where, i);
		if (!json_is_string(e))
			return oci_bad(at, "must be a string");
		if (check && check(json_string_value(e), at) < 0)
			return -1;
		(*out)[(*n)++] = dup_str(json_string_value(e));
		(*out)[*n] = NULL;
	}
	return 1;
}

static void free_strings(char **v)
{
	for (char **p = v; p && *p; p++)
		free(*p);
	free(v);
}

/* Fields of the spec we know and do not implement: present (and not
 * empty, false or 0), they are refused. */
static int unsupported(json_t *obj, const char *const *keys, const char *prefix)
{
	char at[256];

	for (const char *const *k = keys; *k; k++) {
		json_t *v = json_object_get(obj, *k);
		if (!v || json_is_null(v) || json_is_false(v) || (json_is_string(v) && !*json_string_value(v)) ||
		    (json_is_integer(v) && !json_integer_value(v)) ||
		    ((json_is_object(v) || json_is_array(v)) && !json_object_size(v) && !json_array_size(v)))
			continue;
		snprintf(at, sizeof at, "%s%s", prefix, *k);
		return oci_bad(at, "not supported by minidocker");
	}
	return 0;
}

static int absolute(const char *s, const char *where)
{
	return s[0] == '/' ? 0 : oci_bad(where, "\"%s\" must be an absolute path", s);
}

/* ---- process --------------------------------------------------------- */

static const struct {
	const char *name;
	int resource;
} rlimit_names[] = {
	{ "RLIMIT_AS", RLIMIT_AS },
	{ "RLIMIT_CORE", RLIMIT_CORE },
	{ "RLIMIT_CPU", RLIMIT_CPU },
	{ "RLIMIT_DATA", RLIMIT_DATA },
	{ "RLIMIT_FSIZE", RLIMIT_FSIZE },
	{ "RLIMIT_LOCKS", RLIMIT_LOCKS },
	{ "RLIMIT_MEMLOCK", RLIMIT_MEMLOCK },
	{ "RLIMIT_MSGQUEUE", RLIMIT_MSGQUEUE },
	{ "RLIMIT_NICE", RLIMIT_NICE },
	{ "RLIMIT_NOFILE", RLIMIT_NOFILE },
	{ "RLIMIT_NPROC", RLIMIT_NPROC },
	{ "RLIMIT_RSS", RLIMIT_RSS },
	{ "RLIMIT_RTPRIO", RLIMIT_RTPRIO },
	{ "RLIMIT_RTTIME", RLIMIT_RTTIME },
	{ "RLIMIT_SIGPENDING", RLIMIT_SIGPENDING },
	{ "RLIMIT_STACK", RLIMIT_STACK },
};

static int read_rlimits(json_t *proc, struct oci_process *p)
{
	char at[256], w[300];
	json_t *v, *e;
	size_t i;
	int r = get(proc, "rlimits", JSON_ARRAY, "process.rlimits", &v);

	if (r <= 0)
		return r;
	p->rlimits = md_realloc(NULL, (json_array_size(v) + 1) * sizeof *p->rlimits);
	json_array_foreach(v, i, e)
	{
		char *type = NULL;
		unsigned long long soft, hard;
		size_t k;

		snprintf(at, sizeof at, "process.rlimits[%zu]", i);
		if (!json_is_object(e))
			return oci_bad(at, "must be an object");
		snprintf(w, sizeof w, "%s.type", at);
		if (get_str(e, "type", w, &type) <= 0)
			return type ? -1 : oci_bad(w, "required");
		for (k = 0; k < sizeof rlimit_names / sizeof rlimit_names[0]; k++)
			if (!strcmp(type, rlimit_names[k].name))
				break;
		if (k == sizeof rlimit_names / sizeof rlimit_names[0]) {
			oci_bad(w, "unknown rlimit \"%s\"", type);
			free(type);
			return -1;
		}
		free(type);
		for (int j = 0; j < p->nrlimits; j++)
			if (p->rlimits[j].resource == rlimit_names[k].resource)
				return oci_bad(w, "%s given twice", rlimit_names[k].name);
		snprintf(w, sizeof w, "%s.soft", at);
		/* 2^64-1 is RLIM_INFINITY (unlimited), as podman writes it. */
		if (get_u64(e, "soft", w, &soft) <= 0)
			return json_object_get(e, "soft") ? -1 : oci_bad(w, "required");
		snprintf(w, sizeof w, "%s.hard", at);
		if (get_u64(e, "hard", w, &hard) <= 0)
			return json_object_get(e, "hard") ? -1 : oci_bad(w, "required");
		if (soft > hard)
			return oci_bad(at, "soft limit %llu is above the hard limit %llu", soft, hard);
		p->rlimits[p->nrlimits].resource = rlimit_names[k].resource;
		p->rlimits[p->nrlimits].lim.rlim_cur = soft == UINT64_MAX ? RLIM_INFINITY : soft;
		p->rlimits[p->nrlimits++].lim.rlim_max = hard == UINT64_MAX ? RLIM_INFINITY : hard;
	}
	return 1;
}

/* process.capabilities: five optional lists of "CAP_..." names. */
static int read_caps(json_t *proc, struct oci_process *p)
{
	static const char *const sets[] = { "bounding", "effective", "inheritable", "permitted", "ambient" };
	char where[64], at[96];
	json_t *c, *v, *e;
	size_t i;
	int r = get(proc, "capabilities", JSON_OBJECT, "process.capabilities", &c);

	if (r <= 0)
		return r;
	p->has_caps = 1;
	for (int k = 0; k < 5; k++) {
		snprintf(where, sizeof where, "process.capabilities.%s", sets[k]);
		if ((r = get(c, sets[k], JSON_ARRAY, where, &v)) < 0)
			return -1;
		json_array_foreach(v, i, e)
		{
			snprintf(at, sizeof at, "%s[%zu]", where, i);
			if (!json_is_string(e))
				return oci_bad(at, "must be a string");
			const char *name = json_string_value(e);
			/* The spec's names only: caps_lookup also takes
			 * Docker's "SYS_TIME" and "ALL", config.json does not. */
			int cap = strncmp(name, "CAP_", 4) ? -1 : caps_lookup(name);
			if (cap < 0)
				return oci_bad(at, "unknown capability \"%s\"", name);
			p->caps[k] |= 1ULL << cap;
		}
	}
	return 1;
}

static int read_user(json_t *proc, struct oci_process *p)
{
	char at[64];
	long long id;
	json_t *u, *v, *e;
	size_t i;
	int r = get(proc, "user", JSON_OBJECT, "process.user", &u);

	if (r <= 0)
		return r;
	if ((r = get_int(u, "uid", "process.user.uid", 0, UINT32_MAX - 1, &id)) < 0)
		return -1;
	p->uid = r ? id : 0;
	if ((r = get_int(u, "gid", "process.user.gid", 0, UINT32_MAX - 1, &id)) < 0)
		return -1;
	p->gid = r ? id : 0;
	if ((r = get_int(u, "umask", "process.user.umask", 0, 0777, &id)) < 0)
		return -1;
	p->umask = r ? id : -1;
	if ((r = get(u, "additionalGids", JSON_ARRAY, "process.user.additionalGids", &v)) < 0)
		return -1;
	p->groups = md_realloc(NULL, (json_array_size(v) + 1) * sizeof *p->groups);
	json_array_foreach(v, i, e)
	{
		snprintf(at, sizeof at, "process.user.additionalGids[%zu]", i);
		if (!json_is_integer(e) || json_integer_value(e) < 0 || json_integer_value(e) >= UINT32_MAX)
			return oci_bad(at, "must be a group id (0 to %u)", UINT32_MAX - 1);
		p->groups[p->ngroups++] = json_integer_value(e);
	}
	if (json_object_get(u, "username") && !json_is_null(json_object_get(u, "username")))
		return oci_bad("process.user.username", "for Windows only");
	return 1;
}

static int env_ok(const char *s, const char *where)
{
	return strchr(s, '=') && s[0] != '=' ? 0 : oci_bad(where, "\"%s\" is not KEY=VALUE", s);
}

/* The "process" object P (config.json's, or exec --process's) into OUT;
 * WHERE is its name in messages. */
static int read_process(json_t *proc, struct oci_process *p)
{
	static const char *const refused[] = { "apparmorProfile", "selinuxLabel", "scheduler", "ioPriority",
					       "execCPUAffinity", "commandLine",  NULL };
	long long v;
	int r, n;

	memset(p, 0, sizeof *p);
	p->umask = -1;
	if (!json_is_object(proc))
		return oci_bad("process", "must be an object");
	if (unsupported(proc, refused, "process.") < 0)
		return -1;
	if (get_bool(proc, "terminal", "process.terminal", &p->terminal) < 0)
		return -1;
	if ((r = get_strings(proc, "args", "process.args", &p->args, &n, NULL)) < 0)
		return -1;
	if (r == 0 || !p->args[0])
		return oci_bad("process.args", "must not be empty");
	if (get_strings(proc, "env", "process.env", &p->env, &n, env_ok) < 0)
		return -1;
	if (!p->env) {
		p->env = md_realloc(NULL, sizeof *p->env);
		p->env[0] = NULL;
	}
	if ((r = get_str(proc, "cwd", "process.cwd", &p->cwd)) < 0)
		return -1;
	if (r == 0)
		return oci_bad("process.cwd", "required");
	if (absolute(p->cwd, "process.cwd") < 0)
		return -1;
	if (read_user(proc, p) < 0 || read_caps(proc, p) < 0 || read_rlimits(proc, p) < 0)
		return -1;
	if (get_bool(proc, "noNewPrivileges", "process.noNewPrivileges", &p->no_new_privs) < 0)
		return -1;
	if ((r = get_int(proc, "oomScoreAdj", "process.oomScoreAdj", -1000, 1000, &v)) < 0)
		return -1;
	p->has_oom_score_adj = r;
	p->oom_score_adj = r ? v : 0;
	json_t *cs;
	if ((r = get(proc, "consoleSize", JSON_OBJECT, "process.consoleSize", &cs)) < 0)
		return -1;
	if (r) {
		if ((r = get_int(cs, "height", "process.consoleSize.height", 0, 65535, &v)) < 0)
			return -1;
		p->console_height = r ? v : 0;
		if ((r = get_int(cs, "width", "process.consoleSize.width", 0, 65535, &v)) < 0)
			return -1;
		p->console_width = r ? v : 0;
	}
	return 0;
}

static void free_process(struct oci_process *p)
{
	free_strings(p->args);
	free_strings(p->env);
	free(p->cwd);
	free(p->groups);
	free(p->rlimits);
	memset(p, 0, sizeof *p);
}

/* ---- mounts ---------------------------------------------------------- */

/* The options that are mount(2) flags: SET, or CLEAR; and those that are
 * propagation (the mount is made, then changed to it: mount(2), "Changing
 * the propagation type of an existing mount"). */
static const struct {
	const char *name;
	unsigned long set, clear, propagation;
} mount_words[] = {
	{ "ro", MS_RDONLY, 0, 0 },
	{ "rw", 0, MS_RDONLY, 0 },
	{ "nosuid", MS_NOSUID, 0, 0 },
	{ "suid", 0, MS_NOSUID, 0 },
	{ "nodev", MS_NODEV, 0, 0 },
	{ "dev", 0, MS_NODEV, 0 },
	{ "noexec", MS_NOEXEC, 0, 0 },
	{ "exec", 0, MS_NOEXEC, 0 },
	{ "sync", MS_SYNCHRONOUS, 0, 0 },
	{ "async", 0, MS_SYNCHRONOUS, 0 },
	{ "dirsync", MS_DIRSYNC, 0, 0 },
	{ "mand", MS_MANDLOCK, 0, 0 },
	{ "nomand", 0, MS_MANDLOCK, 0 },
	{ "atime", 0, MS_NOATIME, 0 },
	{ "noatime", MS_NOATIME, 0, 0 },
	{ "diratime", 0, MS_NODIRATIME, 0 },
	{ "nodiratime", MS_NODIRATIME, 0, 0 },
	{ "relatime", MS_RELATIME, 0, 0 },
	{ "norelatime", 0, MS_RELATIME, 0 },
	{ "strictatime", MS_STRICTATIME, 0, 0 },
	{ "nostrictatime", 0, MS_STRICTATIME, 0 },
	{ "nosymfollow", MS_NOSYMFOLLOW, 0, 0 },
	{ "symfollow", 0, MS_NOSYMFOLLOW, 0 },
	{ "bind", MS_BIND, 0, 0 },
	{ "rbind", MS_BIND | MS_REC, 0, 0 },
	{ "private", 0, 0, MS_PRIVATE },
	{ "rprivate", 0, 0, MS_PRIVATE | MS_REC },
	{ "shared", 0, 0, MS_SHARED },
	{ "rshared", 0, 0, MS_SHARED | MS_REC },
	{ "slave", 0, 0, MS_SLAVE },
	{ "rslave", 0, 0, MS_SLAVE | MS_REC },
	{ "unbindable", 0, 0, MS_UNBINDABLE },
	{ "runbindable", 0, 0, MS_UNBINDABLE | MS_REC },
};

/* Options of runtimes' own we do not have: refused, since each changes
 * what the container may reach (idmap: whose files; the r* attributes:
 * what is read-only below a bind). */
static const char *const mount_refused[] = {
	"idmap",	"ridmap",	 "rro",		 "rrw",		 "rnosuid",  "rsuid",
	"rnodev",	"rdev",		 "rnoexec",	 "rexec",	 "rnoatime", "ratime",
	"rrelatime",	"rnorelatime",	 "rstrictatime", "rnosymfollow", "remount",  "copy-symlink",
	"src-nofollow", "dest-nofollow", "move",	 "rmove",	 NULL,
};

static int mount_word(struct oci_mount *m, const char *w, const char *at, char *data, size_t len)
{
	for (size_t i = 0; i < sizeof mount_words / sizeof mount_words[0]; i++)
		if (!strcmp(w, mount_words[i].name)) {
			m->flags = (m->flags | mount_words[i].set) & ~mount_words[i].clear;
			if (mount_words[i].propagation)
				m->propagation = mount_words[i].propagation;
			return 0;
		}
	/* runc's and crun's: podman asks it for --read-only's /tmp, /run. */
	if (!strcmp(w, "tmpcopyup")) {
		m->copy_up = 1;
		return 0;
	}
	for (const char *const *r = mount_refused; *r; r++)
		if (!strcmp(w, *r))
			return oci_bad(at, "\"%s\" is not supported by minidocker", w);
	if (!*w || strchr(w, ','))
		return oci_bad(at, "\"%s\" is not a mount option", w);
	/* The filesystem's own (mode=755, size=64m, newinstance): its data. */
	size_t n = strlen(data);
	if (n + strlen(w) + 2 > len)
		return oci_bad(at, "the options are too long");
	snprintf(data + n, len - n, "%s%s", n ? "," : "", w);
	return 0;
}

static int read_mount(json_t *e, const char *at, struct oci_mount *m)
{
	char w[300], data[4096] = "";
	json_t *v, *o;
	size_t i;
	int r;

	if (!json_is_object(e))
		return oci_bad(at, "must be an object");
	snprintf(w, sizeof w, "%s.destination", at);
	if ((r = get_str(e, "destination", w, &m->destination)) <= 0)
		return r ? -1 : oci_bad(w, "required");
	/* mount_target (volume.c) makes it one part at a time: under 1024. */
	if (!m->destination[0] || strlen(m->destination) >= 1024)
		return oci_bad(w, "must be a path of 1 to 1023 characters");
	snprintf(w, sizeof w, "%s.type", at);
	if (get_str(e, "type", w, &m->type) < 0)
		return -1;
	snprintf(w, sizeof w, "%s.source", at);
	if (get_str(e, "source", w, &m->source) < 0)
		return -1;
	snprintf(w, sizeof w, "%s.options", at);
	if (get(e, "options", JSON_ARRAY, w, &v) < 0)
		return -1;
	json_array_foreach(v, i, o)
	{
		snprintf(w, sizeof w, "%s.options[%zu]", at, i);
		if (!json_is_string(o))
			return oci_bad(w, "must be a string");
		if (mount_word(m, json_string_value(o), w, data, sizeof data) < 0)
			return -1;
	}
	snprintf(w, sizeof w, "%s.uidMappings", at);
	if (json_object_get(e, "uidMappings") || json_object_get(e, "gidMappings"))
		return oci_bad(w, "idmapped mounts are not supported by minidocker");
	m->data = dup_str(data);
	if (!m->type) /* a bind says so in its options; type is optional */
		m->type = dup_str(m->flags & MS_BIND ? "bind" : "none");
	if (!strcmp(m->type, "bind"))
		m->flags |= MS_BIND;
	if (m->copy_up && strcmp(m->type, "tmpfs"))
		return oci_bad(at, "tmpcopyup is for a tmpfs");
	if (m->flags & MS_BIND) {
		snprintf(w, sizeof w, "%s.source", at);
		if (!m->source)
			return oci_bad(w, "required for a bind mount");
	} else if (!m->source) {
		m->source = dup_str(m->type);
	}
	return 0;
}

static int read_mounts(json_t *root, struct oci_spec *s)
{
	char at[64];
	json_t *v, *e;
	size_t i;
	int r = get(root, "mounts", JSON_ARRAY, "mounts", &v);

	if (r <= 0)
		return r;
	s->mounts = md_realloc(NULL, (json_array_size(v) + 1) * sizeof *s->mounts);
	json_array_foreach(v, i, e)
	{
		snprintf(at, sizeof at, "mounts[%zu]", i);
		memset(&s->mounts[s->nmounts], 0, sizeof *s->mounts);
		struct oci_mount *m = &s->mounts[s->nmounts++];
		if (read_mount(e, at, m) < 0)
			return -1;
		/* A bind's relative source is the bundle's (the spec, "mounts"). */
		if ((m->flags & MS_BIND) && m->source[0] != '/') {
			char path[PATH_MAX];
			md_pathf(path, "%s/%s", s->bundle, m->source);
			free(m->source);
			m->source = dup_str(path);
		}
	}
	return 0;
}

/* ---- lx: namespaces, id maps ------------------------------------- */

static const char *const ns_names[OCI_NS_MAX] = {
	[OCI_NS_PID] = "pid",	[OCI_NS_NET] = "network", [OCI_NS_IPC] = "ipc",	      [OCI_NS_UTS] = "uts",
	[OCI_NS_MNT] = "mount", [OCI_NS_USER] = "user",	  [OCI_NS_CGROUP] = "cgroup", [OCI_NS_TIME] = "time",
};

static int read_namespaces(json_t *lx, struct oci_spec *s)
{
	char at[64], w[96];
	json_t *v, *e;
	size_t i;
	int r = get(lx, "namespaces", JSON_ARRAY, "linux.namespaces", &v);

	if (r < 0)
		return -1;
	json_array_foreach(v, i, e)
	{
		char *type = NULL, *path = NULL;
		int k;

		snprintf(at, sizeof at, "linux.namespaces[%zu]", i);
		if (!json_is_object(e))
			return oci_bad(at, "must be an object");
		snprintf(w, sizeof w, "%s.type", at);
		if ((r = get_str(e, "type", w, &type)) <= 0)
			return r ? -1 : oci_bad(w, "required");
		for (k = 0; k < OCI_NS_MAX && strcmp(type, ns_names[k]); k++)
			;
		if (k == OCI_NS_MAX)
			r = oci_bad(w, "unknown namespace type \"%s\"", type);
		else if (s->ns[k].wanted)
			r = oci_bad(w, "namespace \"%s\" given twice", type);
		free(type);
		if (r < 0)
			return -1;
		snprintf(w, sizeof w, "%s.path", at);
		if (get_str(e, "path", w, &path) < 0)
			return -1;
		s->ns[k].wanted = 1;
		s->ns[k].path = path;
		if (path && absolute(path, w) < 0)
			return -1;
	}
	/* Our mounts would be the host's without a mount namespace of the
	 * container's own (runc refuses that too). */
	if (!s->ns[OCI_NS_MNT].wanted || s->ns[OCI_NS_MNT].path)
		return oci_bad("linux.namespaces", "a new \"mount\" namespace is required");
	return 0;
}

static int read_idmap(json_t *lx, const char *key, struct oci_idmap **out, int *n)
{
	static const char *const fields[] = { "containerID", "hostID", "size" };
	char where[64], at[96], w[128];
	json_t *v, *e;
	size_t i;

	snprintf(where, sizeof where, "linux.%s", key);
	if (get(lx, key, JSON_ARRAY, where, &v) < 0)
		return -1;
	if (json_array_size(v) > 340) /* the kernel's limit, user_namespaces(7) */
		return oci_bad(where, "at most 340 lines");
	*out = md_realloc(NULL, (json_array_size(v) + 1) * sizeof **out);
	json_array_foreach(v, i, e)
	{
		long long x[3];
		snprintf(at, sizeof at, "%s[%zu]", where, i);
		if (!json_is_object(e))
			return oci_bad(at, "must be an object");
		for (int k = 0; k < 3; k++) {
			snprintf(w, sizeof w, "%s.%s", at, fields[k]);
			int r = get_int(e, fields[k], w, k == 2, UINT32_MAX, &x[k]);
			if (r <= 0)
				return r ? -1 : oci_bad(w, "required");
		}
		(*out)[*n].container = x[0];
		(*out)[*n].host = x[1];
		(*out)[(*n)++].size = x[2];
	}
	return 0;
}

/* ---- lx: resources ------------------------------------------------- */

static int read_devrules(json_t *res, struct oci_spec *s)
{
	char at[96], w[128];
	json_t *v, *e;
	size_t i;

	if (get(res, "devices", JSON_ARRAY, "linux.resources.devices", &v) < 0)
		return -1;
	s->devrules = md_realloc(NULL, (json_array_size(v) + 1) * sizeof *s->devrules);
	json_array_foreach(v, i, e)
	{
		struct oci_devrule *d = &s->devrules[s->ndevrules];
		char *type = NULL, *access = NULL;
		int r;

		snprintf(at, sizeof at, "linux.resources.devices[%zu]", i);
		if (!json_is_object(e))
			return oci_bad(at, "must be an object");
		snprintf(w, sizeof w, "%s.allow", at);
		if ((r = get_bool(e, "allow", w, &d->allow)) <= 0)
			return r ? -1 : oci_bad(w, "required");
		snprintf(w, sizeof w, "%s.type", at);
		if (get_str(e, "type", w, &type) < 0)
			return -1;
		d->type = type ? type[0] : 'a';
		r = type && (strlen(type) != 1 || !strchr("acb", type[0]));
		free(type);
		if (r)
			return oci_bad(w, "must be \"a\", \"c\" or \"b\"");
		snprintf(w, sizeof w, "%s.major", at);
		if ((r = get_int(e, "major", w, 0, UINT32_MAX, &d->major)) < 0)
			return -1;
		if (!r)
			d->major = -1;
		snprintf(w, sizeof w, "%s.minor", at);
		if ((r = get_int(e, "minor", w, 0, UINT32_MAX, &d->minor)) < 0)
			return -1;
		if (!r)
			d->minor = -1;
		snprintf(w, sizeof w, "%s.access", at);
		if (get_str(e, "access", w, &access) < 0)
			return -1;
		r = access && (!access[0] || strlen(access) > 3 || strspn(access, "rwm") != strlen(access));
		snprintf(d->access, sizeof d->access, "%s", access && !r ? access : "rwm");
		free(access);
		if (r)
			return oci_bad(w, "must be some of \"rwm\"");
		s->ndevrules++;
	}
	return 0;
}

static int read_resources(json_t *lx, struct oci_spec *s)
{
	static const char *const res_refused[] = { "blockIO", "hugepageLimits", "network",
						   "rdma",    "unified",	NULL };
	static const char *const mem_refused[] = { "reservation", "kernel",	      "kernelTCP",
						   "swappiness",  "disableOOMKiller", "checkBeforeUpdate",
						   NULL };
	static const char *const cpu_refused[] = {
		"realtimeRuntime", "realtimePeriod", "cpus", "mems", "idle", "burst", NULL
	};
	json_t *res, *v;
	int r;

	s->mem_limit = s->mem_swap = s->pids_limit = -1;
	s->cpu_quota = s->cpu_period = s->cpu_shares = -1;
	if ((r = get(lx, "resources", JSON_OBJECT, "linux.resources", &res)) <= 0)
		return r;
	if (unsupported(res, res_refused, "linux.resources.") < 0)
		return -1;
	if ((r = get(res, "memory", JSON_OBJECT, "linux.resources.memory", &v)) < 0)
		return -1;
	if (r && (unsupported(v, mem_refused, "linux.resources.memory.") < 0 ||
		  get_int(v, "limit", "linux.resources.memory.limit", -1, LLONG_MAX, &s->mem_limit) < 0 ||
		  get_int(v, "swap", "linux.resources.memory.swap", -1, LLONG_MAX, &s->mem_swap) < 0))
		return -1;
	/* swap is memory+swap (runc's words for what it refuses). */
	if (s->mem_swap > 0 && s->mem_limit <= 0)
		return oci_bad("linux.resources.memory.swap", "unable to set swap limit without memory limit");
	if (s->mem_swap > 0 && s->mem_swap < s->mem_limit)
		return oci_bad("linux.resources.memory.swap", "memory+swap limit should be >= memory limit");
	if ((r = get(res, "cpu", JSON_OBJECT, "linux.resources.cpu", &v)) < 0)
		return -1;
	if (r && (unsupported(v, cpu_refused, "linux.resources.cpu.") < 0 ||
		  get_int(v, "shares", "linux.resources.cpu.shares", 0, 262144, &s->cpu_shares) < 0 ||
		  get_int(v, "quota", "linux.resources.cpu.quota", -1, LLONG_MAX, &s->cpu_quota) < 0 ||
		  get_int(v, "period", "linux.resources.cpu.period", 0, 1000000, &s->cpu_period) < 0))
		return -1;
	if ((r = get(res, "pids", JSON_OBJECT, "linux.resources.pids", &v)) < 0)
		return -1;
	if (r && get_int(v, "limit", "linux.resources.pids.limit", LLONG_MIN, LLONG_MAX, &s->pids_limit) < 0)
		return -1;
	if (s->pids_limit <= 0) /* 0 and -1: no limit (the spec) */
		s->pids_limit = -1;
	return read_devrules(res, s);
}

/* ---- lx: devices, paths, sysctl ----------------------------------- */

static int read_devices(json_t *lx, struct oci_spec *s)
{
	char at[64], w[96];
	json_t *v, *e;
	size_t i;

	if (get(lx, "devices", JSON_ARRAY, "linux.devices", &v) < 0)
		return -1;
	s->devices = md_realloc(NULL, (json_array_size(v) + 1) * sizeof *s->devices);
	json_array_foreach(v, i, e)
	{
		struct oci_device *d = &s->devices[s->ndevices];
		char *type = NULL;
		long long x;
		int r;

		memset(d, 0, sizeof *d);
		snprintf(at, sizeof at, "linux.devices[%zu]", i);
		if (!json_is_object(e))
			return oci_bad(at, "must be an object");
		snprintf(w, sizeof w, "%s.path", at);
		if ((r = get_str(e, "path", w, &d->path)) <= 0)
			return r ? -1 : oci_bad(w, "required");
		s->ndevices++; /* d->path is freed with the spec from here */
		if (absolute(d->path, w) < 0 || strlen(d->path) >= 1024)
			return d->path[0] == '/' ? oci_bad(w, "too long") : -1;
		snprintf(w, sizeof w, "%s.type", at);
		if ((r = get_str(e, "type", w, &type)) <= 0)
			return r ? -1 : oci_bad(w, "required");
		r = strlen(type) == 1 && strchr("cubp", type[0]);
		d->type = type[0] == 'b' ? S_IFBLK : type[0] == 'p' ? S_IFIFO : S_IFCHR;
		free(type);
		if (!r)
			return oci_bad(w, "must be \"c\", \"u\", \"b\" or \"p\"");
		static const char *const nums[] = { "major", "minor" };
		for (int k = 0; k < 2; k++) {
			snprintf(w, sizeof w, "%s.%s", at, nums[k]);
			if ((r = get_int(e, nums[k], w, 0, UINT32_MAX, &x)) < 0)
				return -1;
			if (!r && d->type != S_IFIFO)
				return oci_bad(w, "required for a device");
			*(k ? &d->minor : &d->major) = r ? x : 0;
		}
		snprintf(w, sizeof w, "%s.fileMode", at);
		if ((r = get_int(e, "fileMode", w, 0, 07777, &x)) < 0)
			return -1;
		d->mode = r ? x : 0666;
		snprintf(w, sizeof w, "%s.uid", at);
		if ((r = get_int(e, "uid", w, 0, UINT32_MAX - 1, &x)) < 0)
			return -1;
		d->uid = r ? x : 0;
		snprintf(w, sizeof w, "%s.gid", at);
		if ((r = get_int(e, "gid", w, 0, UINT32_MAX - 1, &x)) < 0)
			return -1;
		d->gid = r ? x : 0;
	}
	return 0;
}

static int abs_short(const char *p, const char *where)
{
	if (absolute(p, where) < 0)
		return -1;
	return strlen(p) < 1024 ? 0 : oci_bad(where, "longer than 1023 characters");
}

/* The sysctls a container may set: those of a namespace it has of its
 * own (runc's list): writing any other would change the host. */
static int sysctl_ok(const struct oci_spec *s, const char *key, const char *at)
{
	static const char *const ipc[] = { "kernel.msgmax", "kernel.msgmnb",	      "kernel.msgmni",
					   "kernel.sem",    "kernel.shmall",	      "kernel.shmmax",
					   "kernel.shmmni", "kernel.shm_rmid_forced", NULL };
	int ns = -1;

	if (!*key || strstr(key, "..") || key[0] == '.' || key[0] == '/' || strstr(key, "/.") ||
	    strstr(key, "./") || strspn(key, "abcdefghijklmnopqrstuvwxyz0123456789_-./") != strlen(key))
		return oci_bad(at, "\"%s\" is not a sysctl's name", key);
	for (const char *const *k = ipc; *k; k++)
		if (!strcmp(key, *k))
			ns = OCI_NS_IPC;
	if (!strncmp(key, "fs.mqueue.", 10))
		ns = OCI_NS_IPC;
	else if (!strncmp(key, "net.", 4) || !strncmp(key, "net/", 4))
		ns = OCI_NS_NET;
	else if (!strcmp(key, "kernel.hostname") || !strcmp(key, "kernel.domainname"))
		ns = OCI_NS_UTS;
	if (ns < 0)
		return oci_bad(at, "sysctl \"%s\" is not in a separate kernel namespace", key);
	if (!s->ns[ns].wanted)
		return oci_bad(at, "sysctl \"%s\" needs a \"%s\" namespace of the container's own", key,
			       ns_names[ns]);
	return 0;
}

static int read_sysctl(json_t *lx, struct oci_spec *s)
{
	char at[256];
	const char *key;
	json_t *v, *e;

	if (get(lx, "sysctl", JSON_OBJECT, "linux.sysctl", &v) < 0)
		return -1;
	s->sysctl = md_realloc(NULL, (json_object_size(v) + 1) * sizeof *s->sysctl);
	s->sysctl[0] = NULL;
	json_object_foreach(v, key, e)
	{
		snprintf(at, sizeof at, "linux.sysctl.%.200s", key);
		if (!json_is_string(e))
			return oci_bad(at, "must be a string");
		if (sysctl_ok(s, key, at) < 0)
			return -1;
		char *kv = md_realloc(NULL, strlen(key) + json_string_length(e) + 2);
		sprintf(kv, "%s=%s", key, json_string_value(e));
		s->sysctl[s->nsysctl++] = kv;
		s->sysctl[s->nsysctl] = NULL;
	}
	return 0;
}

static int read_propagation(json_t *lx, struct oci_spec *s)
{
	char *p = NULL;
	int r = get_str(lx, "rootfsPropagation", "linux.rootfsPropagation", &p);

	s->rootfs_propagation = 0;
	if (r <= 0)
		return r;
	for (size_t i = 0; i < sizeof mount_words / sizeof mount_words[0]; i++)
		if (mount_words[i].propagation && !strcmp(p, mount_words[i].name))
			s->rootfs_propagation = mount_words[i].propagation;
	r = s->rootfs_propagation ? 0 : oci_bad("linux.rootfsPropagation", "unknown propagation \"%s\"", p);
	free(p);
	return r;
}

static int read_linux(json_t *root, struct oci_spec *s)
{
	static const char *const refused[] = { "intelRdt",     "personality", "mountLabel", "timeOffsets",
					       "memoryPolicy", "netDevices",  NULL };
	json_t *lx, *v;
	int r;

	if ((r = get(root, "linux", JSON_OBJECT, "linux", &lx)) < 0)
		return -1;
	if (!r)
		return oci_bad("linux", "required (minidocker runs Linux containers)");
	if (unsupported(lx, refused, "linux.") < 0 || read_namespaces(lx, s) < 0 ||
	    read_idmap(lx, "uidMappings", &s->uidmap, &s->nuidmap) < 0 ||
	    read_idmap(lx, "gidMappings", &s->gidmap, &s->ngidmap) < 0)
		return -1;
	if (s->ns[OCI_NS_USER].wanted && !s->ns[OCI_NS_USER].path && (!s->nuidmap || !s->ngidmap))
		return oci_bad("linux.uidMappings", "a new user namespace needs uidMappings and gidMappings");
	if (!s->ns[OCI_NS_USER].wanted && (s->nuidmap || s->ngidmap))
		return oci_bad("linux.uidMappings", "id mappings need a \"user\" namespace");
	if (s->ns[OCI_NS_USER].path && (s->nuidmap || s->ngidmap))
		return oci_bad("linux.uidMappings", "a joined user namespace has its mappings already");
	if (read_resources(lx, s) < 0 ||
	    get_str(lx, "cgroupsPath", "linux.cgroupsPath", &s->cgroups_path) < 0 || read_devices(lx, s) < 0 ||
	    get_strings(lx, "maskedPaths", "linux.maskedPaths", &s->masked, &s->nmasked, abs_short) < 0 ||
	    get_strings(lx, "readonlyPaths", "linux.readonlyPaths", &s->readonly, &s->nreadonly, abs_short) < 0 ||
	    read_sysctl(lx, s) < 0 || read_propagation(lx, s) < 0)
		return -1;
	if ((r = get(lx, "seccomp", JSON_OBJECT, "linux.seccomp", &v)) < 0)
		return -1;
	if (r && (s->seccomp_fd = oci_seccomp_build(v, "linux.seccomp")) < 0)
		return -1;
	return 0;
}

/* ---- hooks, root, the whole file ------------------------------------ */

static int read_hooks(json_t *root, struct oci_spec *s)
{
	static const char *const names[OCI_HOOK_MAX] = {
		[OCI_HOOK_PRESTART] = "prestart",
		[OCI_HOOK_CREATE_RUNTIME] = "createRuntime",
		[OCI_HOOK_CREATE_CONTAINER] = "createContainer",
		[OCI_HOOK_START_CONTAINER] = "startContainer",
		[OCI_HOOK_POSTSTART] = "poststart",
		[OCI_HOOK_POSTSTOP] = "poststop",
	};
	char where[64], at[96], w[128];
	json_t *hooks, *v, *e;
	size_t i;
	int r, n;

	if ((r = get(root, "hooks", JSON_OBJECT, "hooks", &hooks)) <= 0)
		return r;
	for (int k = 0; k < OCI_HOOK_MAX; k++) {
		snprintf(where, sizeof where, "hooks.%s", names[k]);
		if (get(hooks, names[k], JSON_ARRAY, where, &v) < 0)
			return -1;
		s->hooks[k] = md_realloc(NULL, (json_array_size(v) + 1) * sizeof *s->hooks[k]);
		json_array_foreach(v, i, e)
		{
			struct oci_hook *h = &s->hooks[k][s->nhooks[k]];
			long long t;

			memset(h, 0, sizeof *h);
			snprintf(at, sizeof at, "%s[%zu]", where, i);
			if (!json_is_object(e))
				return oci_bad(at, "must be an object");
			s->nhooks[k]++;
			snprintf(w, sizeof w, "%s.path", at);
			if ((r = get_str(e, "path", w, &h->path)) <= 0)
				return r ? -1 : oci_bad(w, "required");
			if (absolute(h->path, w) < 0)
				return -1;
			snprintf(w, sizeof w, "%s.args", at);
			if (get_strings(e, "args", w, &h->args, &n, NULL) < 0)
				return -1;
			snprintf(w, sizeof w, "%s.env", at);
			if (get_strings(e, "env", w, &h->env, &n, env_ok) < 0)
				return -1;
			snprintf(w, sizeof w, "%s.timeout", at);
			if ((r = get_int(e, "timeout", w, 1, INT32_MAX, &t)) < 0)
				return -1;
			h->timeout = r ? t : 0;
		}
	}
	return 0;
}

static int read_root(json_t *root, struct oci_spec *s)
{
	char path[PATH_MAX], *p = NULL;
	struct stat st;
	json_t *v;
	int r;

	if ((r = get(root, "root", JSON_OBJECT, "root", &v)) <= 0)
		return r ? -1 : oci_bad("root", "required");
	if ((r = get_str(v, "path", "root.path", &p)) <= 0)
		return r ? -1 : oci_bad("root.path", "required");
	if (p[0] == '/')
		md_pathf(path, "%s", p);
	else
		md_pathf(path, "%s/%s", s->bundle, p);
	free(p);
	if (stat(path, &st) < 0) {
		r = errno;
		return r == ENOENT ? oci_bad("root.path", "%s does not exist", path)
				   : oci_bad("root.path", "%s: %s", path, strerror(r));
	}
	if (!S_ISDIR(st.st_mode))
		return oci_bad("root.path", "%s is not a folder", path);
	s->root = dup_str(path);
	return get_bool(v, "readonly", "root.readonly", &s->root_readonly) < 0 ? -1 : 0;
}

/* ociVersion: 1.x.y, any x (the spec keeps 1.x compatible); the major
 * version is what says the document is one we can read. */
static int read_version(json_t *root, struct oci_spec *s)
{
	int r = get_str(root, "ociVersion", "ociVersion", &s->version);
	unsigned major, minor;
	char c;

	if (r <= 0)
		return r ? -1 : oci_bad("ociVersion", "required");
	if (sscanf(s->version, "%u.%u%c", &major, &minor, &c) < 2 || strspn(s->version, "0123456789") == 0)
		return oci_bad("ociVersion", "\"%s\" is not a version (1.0.0, 1.2.0...)", s->version);
	if (major != 1)
		return oci_bad("ociVersion", "version %s is not supported: minidocker reads 1.x (1.0 to 1.2)",
			       s->version);
	return 0;
}

static int read_spec(json_t *root, struct oci_spec *s)
{
	json_t *v;
	int r;

	if (!json_is_object(root))
		return oci_bad("the document", "must be an object");
	if (read_version(root, s) < 0 || read_root(root, s) < 0)
		return -1;
	if ((r = get(root, "process", JSON_OBJECT, "process", &v)) <= 0)
		return r ? -1 : oci_bad("process", "required");
	if (read_process(v, &s->process) < 0)
		return -1;
	if (get_str(root, "hostname", "hostname", &s->hostname) < 0 ||
	    get_str(root, "domainname", "domainname", &s->domainname) < 0 || read_mounts(root, s) < 0 ||
	    read_linux(root, s) < 0 || read_hooks(root, s) < 0)
		return -1;
	if ((s->hostname && *s->hostname) || (s->domainname && *s->domainname)) {
		if (!s->ns[OCI_NS_UTS].wanted)
			return oci_bad(s->hostname ? "hostname" : "domainname",
				       "setting it needs a \"uts\" namespace of the container's own");
		if ((s->hostname && strlen(s->hostname) > 64) || (s->domainname && strlen(s->domainname) > 64))
			return oci_bad(s->hostname && strlen(s->hostname) > 64 ? "hostname" : "domainname",
				       "longer than 64 characters");
	}
	if ((r = get(root, "annotations", JSON_OBJECT, "annotations", &v)) < 0)
		return -1;
	const char *key;
	json_t *e;
	json_object_foreach(v, key, e)
	{
		if (!json_is_string(e)) {
			char at[256];
			snprintf(at, sizeof at, "annotations.%.200s", key);
			return oci_bad(at, "must be a string");
		}
	}
	s->annotations = v;
	return 0;
}

int oci_spec_load(const char *bundle, struct oci_spec *s)
{
	char path[PATH_MAX], abs[PATH_MAX];
	json_error_t err;

	memset(s, 0, sizeof *s);
	s->seccomp_fd = -1;
	s->mem_limit = s->mem_swap = s->pids_limit = -1;
	s->cpu_quota = s->cpu_period = s->cpu_shares = -1;
	if (!realpath(bundle, abs)) {
		md_warn("the bundle %s", bundle);
		return -1;
	}
	s->bundle = dup_str(abs);
	md_pathf(path, "%s/config.json", abs);
	if (access(path, F_OK) < 0 && errno == ENOENT) {
		md_warnx("JSON specification file config.json not found");
		oci_spec_free(s);
		return -1;
	}
	s->json = load_json(path, &err);
	if (!s->json) {
		warn_json("config.json", &err);
		oci_spec_free(s);
		return -1;
	}
	if (read_spec(s->json, s) < 0) {
		oci_spec_free(s);
		return -1;
	}
	return 0;
}

int oci_process_load(const char *file, struct oci_process *p)
{
	json_error_t err;
	json_t *v = load_json(file, &err);

	memset(p, 0, sizeof *p);
	if (!v) {
		warn_json(file, &err);
		return -1;
	}
	int r = read_process(v, p);
	json_decref(v);
	if (r < 0)
		free_process(p);
	return r;
}

void oci_spec_free(struct oci_spec *s)
{
	free(s->bundle);
	free(s->version);
	free(s->root);
	free(s->hostname);
	free(s->domainname);
	free_process(&s->process);
	for (int i = 0; i < s->nmounts; i++) {
		free(s->mounts[i].destination);
		free(s->mounts[i].type);
		free(s->mounts[i].source);
		free(s->mounts[i].data);
	}
	free(s->mounts);
	for (int i = 0; i < OCI_NS_MAX; i++)
		free(s->ns[i].path);
	free(s->uidmap);
	free(s->gidmap);
	free(s->cgroups_path);
	for (int i = 0; i < s->ndevices; i++)
		free(s->devices[i].path);
	free(s->devices);
	free(s->devrules);
	free_strings(s->masked);
	free_strings(s->readonly);
	free_strings(s->sysctl);
	if (s->seccomp_fd >= 0)
		close(s->seccomp_fd);
	for (int k = 0; k < OCI_HOOK_MAX; k++) {
		for (int i = 0; i < s->nhooks[k]; i++) {
			free(s->hooks[k][i].path);
			free_strings(s->hooks[k][i].args);
			free_strings(s->hooks[k][i].env);
		}
		free(s->hooks[k]);
	}
	if (s->json)
		json_decref(s->json);
	memset(s, 0, sizeof *s);
	s->seccomp_fd = -1;
}

/* ---- runc spec: a default config.json ------------------------------- */

/* runc's default, with minidocker's name: sh on a terminal in ./rootfs,
 * read-only, with three capabilities, no_new_privs, Docker's masks, a
 * new namespace of each kind but user (ROOTLESS: user too, mapping the
 * caller's uid and gid to root, and no network namespace of its own:
 * runc spec --rootless's choices). */
static json_t *default_spec(int rootless)
{
	json_t *caps = json_pack("[sss]", "CAP_AUDIT_WRITE", "CAP_KILL", "CAP_NET_BIND_SERVICE");
	json_t *ns = json_pack("[{ss}{ss}{ss}{ss}]", "type", "pid", "type", "ipc", "type", "uts", "type",
			       "mount");
	json_t *lx = json_pack("{s:[sssssssss],s:[ssssss]}", "maskedPaths", "/proc/acpi", "/proc/asound",
			       "/proc/kcore", "/proc/keys", "/proc/latency_stats", "/proc/timer_list",
			       "/proc/timer_stats", "/proc/sched_debug", "/sys/firmware", "readonlyPaths",
			       "/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys", "/proc/sysrq-trigger",
			       "/proc/scsi");
	json_t *mounts = json_pack("[{ss ss ss}"
				   " {ss ss ss s[sssss]}"
				   " {ss ss ss s[ssssss]}"
				   " {ss ss ss s[sssss]}"
				   " {ss ss ss s[sss]}"
				   " {ss ss ss s[ssss]}]",
				   "destination", "/proc", "type", "proc", "source", "proc", "destination",
				   "/dev", "type", "tmpfs", "source", "tmpfs", "options", "nosuid",
				   "strictatime", "mode=755", "size=65536k", "noexec", "destination",
				   "/dev/pts", "type", "devpts", "source", "devpts", "options", "nosuid",
				   "noexec", "newinstance", "ptmxmode=0666", "mode=0620",
				   rootless ? "nodev" : "gid=5", "destination", "/dev/shm", "type", "tmpfs",
				   "source", "shm", "options", "nosuid", "noexec", "nodev", "mode=1777",
				   "size=65536k", "destination", "/dev/mqueue", "type", "mqueue", "source",
				   "mqueue", "options", "nosuid", "noexec", "nodev", "destination", "/sys",
				   "type", "sysfs", "source", "sysfs", "options", "nosuid", "noexec", "nodev",
				   "ro");

	if (!caps || !ns || !lx || !mounts)
		md_diex("json_pack: out of memory");
	if (rootless) {
		json_array_append_new(ns, json_pack("{ss}", "type", "user"));
		json_object_set_new(lx, "uidMappings",
				    json_pack("[{sisisi}]", "containerID", 0, "hostID", (int)getuid(), "size",
					      1));
		json_object_set_new(lx, "gidMappings",
				    json_pack("[{sisisi}]", "containerID", 0, "hostID", (int)getgid(), "size",
					      1));
	} else {
		json_array_insert_new(ns, 1, json_pack("{ss}", "type", "network"));
		json_array_append_new(ns, json_pack("{ss}", "type", "cgroup"));
		json_object_set_new(lx, "resources",
				    json_pack("{s[{sbss}]}", "devices", "allow", 0, "access", "rwm"));
		json_array_append_new(mounts, json_pack("{ss ss ss s[sssss]}", "destination", "/sys/fs/cgroup",
							"type", "cgroup", "source", "cgroup", "options",
							"nosuid", "noexec", "nodev", "relatime", "ro"));
	}
	json_object_set_new(lx, "namespaces", ns);
	return json_pack("{ss s{sb s{sisi} s[s] s[ss] ss s{sOsOso} s[{sssisi}] sb}"
			 " s{sssb} ss so so}",
			 "ociVersion", "1.2.0", "process", "terminal", 1, "user", "uid", 0, "gid", 0, "args",
			 "sh", "env", "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
			 "TERM=xterm", "cwd", "/", "capabilities", "bounding", caps, "effective", caps,
			 "permitted", caps, "rlimits", "type", "RLIMIT_NOFILE", "hard", 1024, "soft", 1024,
			 "noNewPrivileges", 1, "root", "path", "rootfs", "readonly", 1, "hostname",
			 "minidocker", "mounts", mounts, "linux", lx);
}

int oci_spec_default(const char *bundle, int rootless)
{
	char path[PATH_MAX];

	md_pathf(path, "%s/config.json", bundle);
	if (access(path, F_OK) == 0) {
		md_warnx("File %s exists. Remove it first", path);
		return -1;
	}
	json_t *spec = default_spec(rootless);
	if (!spec)
		md_diex("json_pack: out of memory");
	/* O_EXCL: never over a config.json made since the check. */
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
	if (fd < 0 || json_dumpfd(spec, fd, JSON_INDENT(2) | JSON_PRESERVE_ORDER) < 0 ||
	    write(fd, "\n", 1) != 1 || close(fd) < 0) {
		md_warn("write %s", path);
		json_decref(spec);
		return -1;
	}
	json_decref(spec);
	return 0;
}
