/* config.json's linux.seccomp (v2.0): the OCI seccomp object as a
 * libseccomp filter, compiled to BPF by the runtime (as v1.3's
 * seccomp_build), loaded by the container's process (seccomp_install).
 *
 * The object is libseccomp's own vocabulary written as JSON (the spec
 * names its actions and operators after libseccomp's): a default action,
 * the architectures, and rules "these calls, maybe with these argument
 * comparisons: this action".  So the conversion is one seccomp_rule_add(3)
 * per name, with two twists that runc has too:
 *   - a name this libseccomp does not know is skipped, not refused: a
 *     profile lists calls of every architecture and of newer kernels
 *     (podman's lists 370-odd), and a call the library cannot name is
 *     one it could not filter anyway;
 *   - a rule whose action is the default is left out: libseccomp refuses
 *     it (EACCES), and it changes nothing. */
#include "minidocker.h"
#include "oci.h"

#include <ctype.h>
#include <errno.h>
#include <jansson.h>
#include <seccomp.h>
#include <string.h>

/* ACTION with ERRNO_RET (the rule's errnoRet, or the default's; -1 if
 * not given) as libseccomp's: 0, or -1 after saying why. */
static int action(json_t *v, json_t *errno_ret, const char *where, uint32_t *out)
{
	const char *name = json_string_value(v);
	int err = EPERM;

	if (!name)
		return oci_bad(where, v ? "must be a string" : "required");
	if (errno_ret && !json_is_null(errno_ret)) {
		if (!json_is_integer(errno_ret) || json_integer_value(errno_ret) < 0 ||
		    json_integer_value(errno_ret) > 4095)
			return oci_bad(where, "its errnoRet must be a number from 0 to 4095");
		err = json_integer_value(errno_ret);
	}
	if (!strcmp(name, "SCMP_ACT_ALLOW"))
		*out = SCMP_ACT_ALLOW;
	else if (!strcmp(name, "SCMP_ACT_ERRNO"))
		*out = SCMP_ACT_ERRNO(err);
	else if (!strcmp(name, "SCMP_ACT_KILL") || !strcmp(name, "SCMP_ACT_KILL_THREAD"))
		*out = SCMP_ACT_KILL_THREAD;
	else if (!strcmp(name, "SCMP_ACT_KILL_PROCESS"))
		*out = SCMP_ACT_KILL_PROCESS;
	else if (!strcmp(name, "SCMP_ACT_TRAP"))
		*out = SCMP_ACT_TRAP;
	else if (!strcmp(name, "SCMP_ACT_TRACE"))
		*out = SCMP_ACT_TRACE(err);
	else if (!strcmp(name, "SCMP_ACT_LOG"))
		*out = SCMP_ACT_LOG;
	else if (!strcmp(name, "SCMP_ACT_NOTIFY"))
		return oci_bad(where, "SCMP_ACT_NOTIFY needs a seccomp agent: not supported by minidocker");
	else
		return oci_bad(where, "unknown action \"%s\"", name);
	return 0;
}

/* "SCMP_ARCH_X86_64" is libseccomp's "x86_64" (seccomp_arch_resolve_name(3)). */
static int add_arch(scmp_filter_ctx ctx, const char *name, const char *where)
{
	char low[32];
	size_t i;

	if (strncmp(name, "SCMP_ARCH_", 10) || strlen(name + 10) >= sizeof low)
		return oci_bad(where, "unknown architecture \"%s\"", name);
	for (i = 0; name[10 + i]; i++)
		low[i] = tolower((unsigned char)name[10 + i]);
	low[i] = '\0';
	uint32_t arch = seccomp_arch_resolve_name(low);
	if (!arch)
		return oci_bad(where, "unknown architecture \"%s\"", name);
	int r = seccomp_arch_add(ctx, arch);
	if (r < 0 && r != -EEXIST)
		return oci_bad(where, "%s: %s", name, strerror(-r));
	return 0;
}

static const struct {
	const char *name;
	enum scmp_compare op;
} ops[] = {
	{ "SCMP_CMP_NE", SCMP_CMP_NE },
	{ "SCMP_CMP_LT", SCMP_CMP_LT },
	{ "SCMP_CMP_LE", SCMP_CMP_LE },
	{ "SCMP_CMP_EQ", SCMP_CMP_EQ },
	{ "SCMP_CMP_GE", SCMP_CMP_GE },
	{ "SCMP_CMP_GT", SCMP_CMP_GT },
	{ "SCMP_CMP_MASKED_EQ", SCMP_CMP_MASKED_EQ },
};

static int read_arg(json_t *a, const char *at, struct scmp_arg_cmp *c)
{
	json_t *idx = json_object_get(a, "index"), *val = json_object_get(a, "value");
	json_t *two = json_object_get(a, "valueTwo"), *op = json_object_get(a, "op");
	size_t k;

	if (!json_is_object(a))
		return oci_bad(at, "must be an object");
	if (!json_is_integer(idx) || json_integer_value(idx) < 0 || json_integer_value(idx) > 5)
		return oci_bad(at, "its index must be a number from 0 to 5");
	/* The values are unsigned 64 bits; jansson's integers are signed,
	 * so 2^63 to 2^64-2 cannot be read (a limit of this reader);
	 * 2^64-1 can (oci_u64). */
	unsigned long long a_val, b_val = 0;
	if (oci_u64(val, &a_val) < 0)
		return oci_bad(at, "its value must be a number from 0 up");
	if (two && !json_is_null(two) && oci_u64(two, &b_val) < 0)
		return oci_bad(at, "its valueTwo must be a number from 0 up");
	for (k = 0; k < sizeof ops / sizeof ops[0]; k++)
		if (json_is_string(op) && !strcmp(json_string_value(op), ops[k].name))
			break;
	if (k == sizeof ops / sizeof ops[0])
		return oci_bad(at, json_is_string(op) ? "unknown op \"%s\"" : "its op is required",
			       json_string_value(op));
	c->arg = json_integer_value(idx);
	c->op = ops[k].op;
	c->datum_a = a_val;
	c->datum_b = b_val;
	return 0;
}

/* One rule of syscalls[] for each of its names. */
static int add_rule(scmp_filter_ctx ctx, json_t *rule, const char *at, uint32_t dflt)
{
	struct scmp_arg_cmp cmp[6];
	char w[256];
	json_t *names, *args, *e;
	uint32_t act;
	size_t i;
	int n = 0, same_index = 0;

	if (!json_is_object(rule))
		return oci_bad(at, "must be an object");
	snprintf(w, sizeof w, "%.200s.action", at);
	if (action(json_object_get(rule, "action"), json_object_get(rule, "errnoRet"), w, &act) < 0)
		return -1;
	args = json_object_get(rule, "args");
	if (args && !json_is_null(args) && (!json_is_array(args) || json_array_size(args) > 6))
		return oci_bad(at, "its args must be an array of at most 6 comparisons");
	json_array_foreach(args, i, e)
	{
		snprintf(w, sizeof w, "%.200s.args[%zu]", at, i);
		if (read_arg(e, w, &cmp[n]) < 0)
			return -1;
		for (int j = 0; j < n; j++)
			same_index |= cmp[j].arg == cmp[n].arg;
		n++;
	}
	names = json_object_get(rule, "names");
	snprintf(w, sizeof w, "%.200s.names", at);
	if (!json_is_array(names) || !json_array_size(names))
		return oci_bad(w, "must be an array of system calls' names");
	json_array_foreach(names, i, e)
	{
		snprintf(w, sizeof w, "%.200s.names[%zu]", at, i);
		if (!json_is_string(e))
			return oci_bad(w, "must be a string");
		int nr = seccomp_syscall_resolve_name(json_string_value(e));
		if (nr == __NR_SCMP_ERROR || act == dflt)
			continue;
		int r = 0;
		/* Comparisons of one argument are and'ed in one rule, which
		 * libseccomp allows once per argument: two of the same
		 * argument are two rules (or'ed), as runc makes them. */
		if (!same_index)
			r = seccomp_rule_add_array(ctx, act, nr, n, cmp);
		for (int j = 0; same_index && j < n && r >= 0; j++)
			r = seccomp_rule_add_array(ctx, act, nr, 1, &cmp[j]);
		if (r < 0)
			return oci_bad(w, "%s: %s", json_string_value(e), strerror(-r));
	}
	return 0;
}

static int add_flags(json_t *flags, const char *where)
{
	/* TSYNC: the init has one thread; LOG and SPEC_ALLOW only log, or
	 * give up a mitigation, and the filter is loaded without them
	 * (seccomp_install): accepted, not applied. */
	static const char *const known[] = { "SECCOMP_FILTER_FLAG_TSYNC", "SECCOMP_FILTER_FLAG_LOG",
					     "SECCOMP_FILTER_FLAG_SPEC_ALLOW", NULL };
	char at[256];
	json_t *e;
	size_t i;

	if (flags && !json_is_null(flags) && !json_is_array(flags))
		return oci_bad(where, "must be an array");
	json_array_foreach(flags, i, e)
	{
		const char *const *k = known;
		snprintf(at, sizeof at, "%.200s[%zu]", where, i);
		while (*k && (!json_is_string(e) || strcmp(*k, json_string_value(e))))
			k++;
		if (!*k)
			return oci_bad(at, "unknown flag %s%s%s", json_is_string(e) ? "\"" : "",
				       json_is_string(e) ? json_string_value(e) : "(not a string)",
				       json_is_string(e) ? "\"" : "");
	}
	return 0;
}

int oci_seccomp_build(json_t *v, const char *where)
{
	char w[256];
	json_t *e, *list;
	uint32_t dflt;
	size_t i;

	snprintf(w, sizeof w, "%s.defaultAction", where);
	if (action(json_object_get(v, "defaultAction"), json_object_get(v, "defaultErrnoRet"), w, &dflt) < 0)
		return -1;
	snprintf(w, sizeof w, "%s.listenerPath", where);
	if (json_is_string(json_object_get(v, "listenerPath")) &&
	    *json_string_value(json_object_get(v, "listenerPath")))
		return oci_bad(w, "a seccomp agent is not supported by minidocker");
	snprintf(w, sizeof w, "%s.flags", where);
	if (add_flags(json_object_get(v, "flags"), w) < 0)
		return -1;
	scmp_filter_ctx ctx = seccomp_init(dflt);
	if (!ctx)
		md_diex("seccomp_init: out of memory");
	list = json_object_get(v, "architectures");
	snprintf(w, sizeof w, "%s.architectures", where);
	if (list && !json_is_null(list) && !json_is_array(list)) {
		seccomp_release(ctx);
		return oci_bad(w, "must be an array");
	}
	json_array_foreach(list, i, e)
	{
		snprintf(w, sizeof w, "%s.architectures[%zu]", where, i);
		if (add_arch(ctx, json_is_string(e) ? json_string_value(e) : "", w) < 0) {
			seccomp_release(ctx);
			return -1;
		}
	}
	list = json_object_get(v, "syscalls");
	snprintf(w, sizeof w, "%s.syscalls", where);
	if (list && !json_is_null(list) && !json_is_array(list)) {
		seccomp_release(ctx);
		return oci_bad(w, "must be an array");
	}
	json_array_foreach(list, i, e)
	{
		snprintf(w, sizeof w, "%s.syscalls[%zu]", where, i);
		if (add_rule(ctx, e, w, dflt) < 0) {
			seccomp_release(ctx);
			return -1;
		}
	}
	return seccomp_export(ctx);
}

/* features' "seccomp" object (the runtime spec's features.md): what
 * oci_seccomp_build accepts. */
json_t *oci_seccomp_features(void)
{
	json_t *f = json_pack("{sb s[ssssssss] s[] s[sss] s[s] s[ssss]}", "enabled", 1, "actions",
			      "SCMP_ACT_ALLOW", "SCMP_ACT_ERRNO", "SCMP_ACT_KILL", "SCMP_ACT_KILL_THREAD",
			      "SCMP_ACT_KILL_PROCESS", "SCMP_ACT_TRAP", "SCMP_ACT_TRACE", "SCMP_ACT_LOG",
			      "operators", "knownFlags", "SECCOMP_FILTER_FLAG_TSYNC",
			      "SECCOMP_FILTER_FLAG_LOG", "SECCOMP_FILTER_FLAG_SPEC_ALLOW", "supportedFlags",
			      "SECCOMP_FILTER_FLAG_TSYNC", "archs", "SCMP_ARCH_X86_64", "SCMP_ARCH_X86",
			      "SCMP_ARCH_X32", "SCMP_ARCH_AARCH64");

	if (!f)
		md_diex("json_pack: out of memory");
	for (size_t i = 0; i < sizeof ops / sizeof ops[0]; i++)
		json_array_append_new(json_object_get(f, "operators"), json_string(ops[i].name));
	return f;
}
