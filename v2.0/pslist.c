/* ps's filters and --format (v1.5), as Docker's:
 *
 *   ps -f name=web -f status=exited    (the same key twice: either one;
 *                                       two keys: both)
 *   ps --format '{{.Names}} {{.Status}}'
 *
 * A row is a JSON object with Docker's placeholders for keys (.ID .Image
 * .Command .CreatedAt .RunningFor .Status .Ports .Names .State), printed
 * through format.c; a placeholder ps does not have is an error, as for
 * Docker, whose rows are Go structs. */
#include "minidocker.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

static const char *const status_words[] = { "created", "running", "exited", "dead" };

static void ps_filter_add(const struct command *cmd, struct ps_filter *f, const char *arg)
{
	const char *eq = strchr(arg, '=');

	if (f->n == MAX_FILTERS)
		usage_error(cmd, NULL, "at most %d filters", MAX_FILTERS);
	if (eq && !strncmp(arg, "name=", 5) && eq[1]) {
		f->key[f->n] = 'n';
	} else if (eq && !strncmp(arg, "id=", 3) && eq[1]) {
		f->key[f->n] = 'i';
	} else if (eq && !strncmp(arg, "status=", 7)) {
		int known = 0;
		for (int i = 0; i < 4; i++)
			known |= !strcmp(eq + 1, status_words[i]);
		if (!known)
			usage_error(cmd, NULL, "invalid filter '%s': status is created, running, exited "
				    "or dead", arg);
		f->key[f->n] = 's';
		f->status = 1;
	} else {
		usage_error(cmd, NULL, "invalid filter '%s': name=NAME, id=ID or status=STATUS", arg);
	}
	f->value[f->n++] = eq + 1;
}

/* Does C pass F?  For each key given, one of its values must match:
 * name as a part of the name (Docker takes a regular expression; a plain
 * word works the same), id as a prefix, status exactly. */
int ps_filter_match(const struct ps_filter *f, const struct container *c)
{
	static const char keys[] = "nis";

	for (const char *k = keys; *k; k++) {
		int asked = 0, ok = 0;
		for (int i = 0; i < f->n; i++) {
			if (f->key[i] != *k)
				continue;
			asked = 1;
			if (*k == 'n')
				ok |= strstr(c->name, f->value[i]) != NULL;
			else if (*k == 'i')
				ok |= !strncmp(c->id, f->value[i], strlen(f->value[i]));
			else
				ok |= !strcmp(status_words[c->status], f->value[i]);
		}
		if (asked && !ok)
			return 0;
	}
	return 1;
}

/* ps's row as Docker's placeholders: CELLS are the table's (ID, IMAGE,
 * COMMAND, CREATED, STATUS, PORTS, NAMES). */
static json_t *row_json(const struct container *c, char (*cells)[96])
{
	char created[64] = "";
	struct tm tm;

	if (c->created.tv_sec) {	/* Go's time.Time as Docker prints it */
		gmtime_r(&c->created.tv_sec, &tm);
		strftime(created, sizeof created, "%Y-%m-%d %H:%M:%S +0000 UTC", &tm);
	}
	return json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s}", "ID", cells[0], "Image", cells[1],
			 "Command", cells[2], "CreatedAt", created, "RunningFor", cells[3], "Status", cells[4],
			 "Ports", cells[5], "Names", cells[6], "State", status_words[c->status]);
}

static int ps_format_check(const char *tmpl)
{
	struct container c = { 0 };
	char cells[7][96] = { "" };

	if (format_check(tmpl) < 0)
		return -1;
	/* Every placeholder must be one of a row's: try it on an empty one. */
	json_t *row = row_json(&c, cells);
	FILE *null = fopen("/dev/null", "we");
	int rc = null ? format_print(null, tmpl, row, 1) : 0;
	if (null)
		fclose(null);
	json_decref(row);
	if (rc < 0)
		md_hint("ps --format knows .ID .Image .Command .CreatedAt .RunningFor .Status "
			".Ports .Names .State");
	return rc;
}

void ps_format_row(const char *tmpl, const struct container *c, char (*cells)[96])
{
	json_t *row = row_json(c, cells);
	format_print(stdout, tmpl, row, 1);
	json_decref(row);
}

void ps_option(const struct command *cmd, int opt, const char *arg, struct ps_opts *o)
{
	if (opt == 'T')
		o->notrunc = 1;
	else if (opt == 'F')
		o->format = arg;
	else if (opt == 'f')
		ps_filter_add(cmd, &o->filter, arg);
}

int ps_finish(struct ps_opts *o, int quiet, int *all)
{
	if (quiet)
		o->format = NULL;	/* -q wins, as in Docker */
	if (o->format && ps_format_check(o->format) < 0)
		return -1;
	*all |= o->filter.status;	/* -f status=exited shows exited ones without -a */
	return 0;
}
