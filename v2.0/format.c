/* --format for inspect and ps (v1.5): the part of Go's text/template that
 * scripts use with Docker.
 *
 *   {{.State.Status}}     a field, by a dotted path through the JSON
 *   {{.}}                 the whole value
 *   {{json .Config}}      the value as JSON
 *
 * with any text around them.  A value prints as Go prints it: a string as
 * it is, a number, true/false, <nil> for null, [a b] for an array and
 * map[k:v] for an object; a missing field prints <no value>, as Docker's
 * inspect does (it formats maps).  Anything else in {{ }} (pipelines,
 * if, range, functions other than json) is refused up front, exit 125,
 * rather than printed wrong. */
#include "minidocker.h"

#include <ctype.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

/* One action, the text between {{ and }}: JSON (0/1) and the path after
 * the dot ("" for the whole value) in PATH.  0, or -1 if unsupported. */
static int parse_action(const char *s, size_t n, int *json, char *path, size_t len)
{
	while (n && isspace((unsigned char)*s))
		s++, n--;
	while (n && isspace((unsigned char)s[n - 1]))
		n--;
	*json = n > 5 && !strncmp(s, "json", 4) && isspace((unsigned char)s[4]);
	if (*json) {
		s += 5, n -= 5;
		while (n && isspace((unsigned char)*s))
			s++, n--;
	}
	if (!n || *s != '.' || n >= len)
		return -1;
	s++, n--;
	/* Fields: letters, digits and '_', joined by dots; none empty. */
	for (size_t i = 0; i < n; i++)
		if (!(isalnum((unsigned char)s[i]) || s[i] == '_' || (s[i] == '.' && i && s[i - 1] != '.')))
			return -1;
	if (n && s[n - 1] == '.')
		return -1;
	memcpy(path, s, n);
	path[n] = '\0';
	return 0;
}

/* Walk PATH ("A.B") from V.  NULL for a missing key; *ERR set when a
 * step is not into an object (Go's "can't evaluate field"). */
static json_t *lookup(json_t *v, const char *path, int *err)
{
	char copy[256], *save;

	*err = 0;
	if (!path[0])
		return v;
	snprintf(copy, sizeof copy, "%s", path);
	for (char *f = strtok_r(copy, ".", &save); f; f = strtok_r(NULL, ".", &save)) {
		if (!json_is_object(v)) {
			*err = 1;
			return NULL;
		}
		if (!(v = json_object_get(v, f)))
			return NULL;
	}
	return v;
}

static int by_key(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* V as Go's fmt prints it (%v). */
static void go_print(FILE *out, json_t *v)
{
	if (json_is_string(v)) {
		fputs(json_string_value(v), out);
	} else if (json_is_integer(v)) {
		fprintf(out, "%" JSON_INTEGER_FORMAT, json_integer_value(v));
	} else if (json_is_real(v)) {
		fprintf(out, "%g", json_real_value(v));
	} else if (json_is_boolean(v)) {
		fputs(json_is_true(v) ? "true" : "false", out);
	} else if (json_is_array(v)) {
		size_t i;
		json_t *e;
		fputc('[', out);
		json_array_foreach(v, i, e) {
			if (i)
				fputc(' ', out);
			go_print(out, e);
		}
		fputc(']', out);
	} else if (json_is_object(v)) {
		/* Go prints a map's keys sorted. */
		size_t n = json_object_size(v), i = 0;
		const char **keys = md_realloc(NULL, (n + 1) * sizeof *keys);
		const char *k;
		json_t *e;
		json_object_foreach(v, k, e)
			keys[i++] = k;
		qsort(keys, n, sizeof *keys, by_key);
		fputs("map[", out);
		for (i = 0; i < n; i++) {
			fprintf(out, "%s%s:", i ? " " : "", keys[i]);
			go_print(out, json_object_get(v, keys[i]));
		}
		fputc(']', out);
		free(keys);
	} else {
		fputs("<nil>", out);
	}
}

int format_check(const char *tmpl)
{
	const char *p = tmpl;
	char path[256];
	int json;

	while ((p = strstr(p, "{{"))) {
		const char *end = strstr(p + 2, "}}");
		if (!end) {
			md_warnx("invalid --format '%s': a '{{' without its '}}'", tmpl);
			return -1;
		}
		if (parse_action(p + 2, end - p - 2, &json, path, sizeof path) < 0) {
			md_warnx("invalid --format: '%.*s' is not supported", (int)(end + 2 - p), p);
			md_hint("minidocker's --format takes {{.Field.Sub}}, {{.}} and {{json .Field}}, "
				"with text around them");
			return -1;
		}
		p = end + 2;
	}
	return 0;
}

int format_print(FILE *out, const char *tmpl, json_t *v, int strict)
{
	const char *p = tmpl;
	char path[256];
	int json, err;

	for (;;) {
		const char *open = strstr(p, "{{");
		if (!open) {
			fputs(p, out);
			break;
		}
		fwrite(p, 1, open - p, out);
		const char *end = strstr(open + 2, "}}");
		if (!end || parse_action(open + 2, end - open - 2, &json, path, sizeof path) < 0)
			return -1;	/* format_check said why */
		json_t *x = lookup(v, path, &err);
		if (err || (!x && strict)) {
			fputc('\n', out);
			fflush(out);
			md_warnx("--format: %.*s: %s", (int)(end + 2 - open), open,
				 err ? "a field of something that has none" : "no such field");
			return -1;
		}
		if (!x) {
			fputs(json ? "null" : "<no value>", out);
		} else if (json) {
			char *text = json_dumps(x, JSON_ENCODE_ANY | JSON_COMPACT);
			fputs(text ? text : "null", out);
			free(text);
		} else {
			go_print(out, x);
		}
		p = end + 2;
	}
	fputc('\n', out);
	return 0;
}
