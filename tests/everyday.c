/* From v1.5 on: the commands people use every day.  kill and wait, logs
 * with times, inspect and its --format, cp both ways through the
 * container's own root, exec -d -i -t, ps --format/--no-trunc/-f,
 * rename, restart.  Each test starts its own containers in its own state
 * root (and network namespace: the suite sets with_network), and cp's
 * escape tests are built so that a failure would write only into a
 * folder the test owns. */
#include "features.h"

#include <jansson.h>
#include <limits.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/* `run -d ARGS...`: the 64-hex id it printed. */
static char *detach(const char *args)
{
	static char id[65];
	struct result r = sh("\"$MD\" run -d --network none %s", args);
	ck_status(r, 0);
	ck_assert_msg(strlen(r.out) == 65 && sscanf(r.out, "%64[0-9a-f]", id) == 1, "id: '%s'", r.out);
	free_result(&r);
	return id;
}

/* Is S an RFC 3339 time as Docker's logs -t prints it, 9 digits, UTC? */
static int rfc3339_nano(const char *s)
{
	int y, mo, d, h, mi, sec, n = 0;
	char frac[16];
	return sscanf(s, "%4d-%2d-%2dT%2d:%2d:%2d.%15[0-9]Z%n", &y, &mo, &d, &h, &mi, &sec, frac, &n) == 7 &&
	       strlen(frac) == 9 && n == 30;
}

/* An RFC 3339 time in UTC as inspect prints it (Go's RFC3339Nano: the
 * fraction's trailing zeros cut, or no fraction), in seconds since 1970. */
static double rfc3339_seconds(const char *s)
{
	struct tm tm = { 0 };
	char frac[20] = "0";
	int n = 0;

	ck_assert_msg(sscanf(s, "%4d-%2d-%2dT%2d:%2d:%2d%n", &tm.tm_year, &tm.tm_mon, &tm.tm_mday, &tm.tm_hour,
			     &tm.tm_min, &tm.tm_sec, &n) == 6 && n == 19, "not an RFC 3339 time: '%s'", s);
	if (s[n] == '.')
		ck_assert_int_eq(sscanf(s + n, "%15[.0-9]", frac + 1), 1);	/* "0.123" */
	tm.tm_year -= 1900;
	tm.tm_mon -= 1;
	return (double)timegm(&tm) + strtod(frac, NULL);
}

START_TEST(kill_sends_the_signal_and_wait_prints_the_status)
{
	detach("--name trap base sh -c 'trap \"exit 42\" USR1; while :; do sleep 0.1; done'");
	wait_for_handler("trap", SIGUSR1);
	struct result r = md(NULL, "kill", "-s", "USR1", "trap", NULL);
	ck_status(r, 0);
	ck_assert_str_eq(r.out, "trap\n");
	r = md(NULL, "wait", "trap", NULL);
	ck_status(r, 0);
	ck_assert_str_eq(r.out, "42\n");
	/* Already ended: at once, the same code. */
	r = md(NULL, "wait", "trap", NULL);
	ck_assert_str_eq(r.out, "42\n");
	/* The default is KILL; numbers and SIG names are taken. */
	detach("--name k9 base sleep 60");
	detach("--name kt base sh -c 'trap \"exit 3\" TERM; while :; do sleep 0.1; done'");
	wait_for_handler("kt", SIGTERM);
	r = md(NULL, "kill", "k9", NULL);
	ck_status(r, 0);
	r = md(NULL, "kill", "--signal", "SIGTERM", "kt", NULL);
	ck_status(r, 0);
	r = md(NULL, "wait", "k9", "kt", NULL);
	ck_status(r, 0);
	ck_assert_str_eq(r.out, "137\n3\n");
}
END_TEST

START_TEST(wait_blocks_until_the_end)
{
	detach("--name slow base sh -c 'sleep 0.5; exit 9'");
	double t0 = seconds_now();
	struct result r = md(NULL, "wait", "slow", NULL);
	ck_status(r, 0);
	ck_assert_str_eq(r.out, "9\n");
	ck_assert_msg(seconds_now() - t0 > 0.3, "wait returned after %.2f s", seconds_now() - t0);
}
END_TEST

START_TEST(kill_and_wait_bad_input)
{
	struct result r = md(NULL, "run", "--name", "done", "--network", "none", "base", "true", NULL);
	ck_status(r, 0);
	r = md(NULL, "kill", "done", NULL);
	ck_status(r, 1);
	ck_contains(r.err, "cannot kill container done: it is not running");
	r = md(NULL, "kill", "nosuch", NULL);
	ck_status(r, 1);
	ck_contains(r.err, "no such container: nosuch");
	detach("--name alive base sleep 60");
	const char *bad[] = { "NOSUCH", "SIGNOSUCH", "0", "99", "", "-1" };
	for (int i = 0; i < 6; i++) {
		r = md(NULL, "kill", "-s", bad[i], "alive", NULL);
		ck_status(r, 125);
		ck_contains(r.err, "invalid signal");
	}
	/* Still running: no bad signal reached it. */
	r = md(NULL, "ps", "-q", NULL);
	ck_assert_int_eq(strlen(r.out), 13);
	r = md(NULL, "wait", "nosuch", NULL);
	ck_status(r, 1);
	ck_contains(r.err, "no such container: nosuch");
	r = md(NULL, "kill", NULL);
	ck_status(r, 125);
	r = md(NULL, "wait", NULL);
	ck_status(r, 125);
}
END_TEST

START_TEST(logs_timestamps_since_and_until)
{
	char *id = detach("--name talk base sh -c 'echo one; sleep 1.2; echo two >&2'");
	struct result r = md(NULL, "wait", id, NULL);
	ck_assert_str_eq(r.out, "0\n");
	r = md(NULL, "logs", "talk", NULL);	/* as before: no times */
	ck_assert_str_eq(r.out, "one\n");
	ck_assert_str_eq(r.err, "two\n");
	r = md(NULL, "logs", "-t", "talk", NULL);
	ck_status(r, 0);
	ck_assert_msg(rfc3339_nano(r.out) && !strcmp(r.out + 30, " one\n"), "logs -t: '%s'", r.out);
	ck_assert_msg(rfc3339_nano(r.err) && !strcmp(r.err + 30, " two\n"), "logs -t: '%s'", r.err);
	/* --since the second line's own time keeps it alone; --until the
	 * first's keeps the first alone: both bounds are inclusive. */
	char first[31], second[31];
	snprintf(first, sizeof first, "%.30s", r.out);
	snprintf(second, sizeof second, "%.30s", r.err);
	r = md(NULL, "logs", "--since", second, "talk", NULL);
	ck_assert_str_eq(r.out, "");
	ck_assert_str_eq(r.err, "two\n");
	r = md(NULL, "logs", "--until", first, "talk", NULL);
	ck_assert_str_eq(r.out, "one\n");
	ck_assert_str_eq(r.err, "");
	/* Relative and other forms. */
	r = md(NULL, "logs", "--since", "10m", "talk", NULL);
	ck_assert_str_eq(r.out, "one\n");
	r = md(NULL, "logs", "--until", "1h", "talk", NULL);
	ck_assert_str_eq(r.out, "");
	ck_assert_str_eq(r.err, "");
	r = md(NULL, "logs", "--since", "2000-01-01", "--until", "2999-01-01T00:00:00+01:00", "talk", NULL);
	ck_assert_str_eq(r.out, "one\n");
	r = md(NULL, "logs", "--since", "1500000000.5", "talk", NULL);
	ck_assert_str_eq(r.out, "one\n");
	/* Past a time_t (undefined behaviour: UBSan's "outside the range of
	 * representable values"), strtod's own forms, a day the month lacks. */
	const char *bad[] = { "yesterday", "10x", "2026-13-01", "2026-12-02T25:00:00Z", "2026-12-02T10:00:00",
			      "99999999999999999999", "1e9", "9e99h", "0x10h", "2026-02-30" };
	for (int i = 0; i < 10; i++) {
		r = md(NULL, "logs", "--since", bad[i], "talk", NULL);
		ck_status(r, 125);
		ck_contains(r.err, "invalid time");
	}
}
END_TEST

START_TEST(logs_follow_with_timestamps)
{
	detach("--name tick base sh -c 'for i in 1 2; do echo $i; sleep 0.3; done'");
	struct result r = md(NULL, "logs", "-f", "-t", "tick", NULL);
	ck_status(r, 0);
	ck_assert_msg(rfc3339_nano(r.out) && !strncmp(r.out + 30, " 1\n", 3) && rfc3339_nano(r.out + 33) &&
		      !strcmp(r.out + 63, " 2\n"), "logs -f -t: '%s'", r.out);
}
END_TEST

START_TEST(rename_and_restart)
{
	char *id = detach("--name before base sh -c 'echo started; sleep 60'");
	char saved[65];
	snprintf(saved, sizeof saved, "%s", id);
	detach("--name taken base sleep 60");
	struct result r = md(NULL, "rename", "before", "taken", NULL);
	ck_status(r, 125);
	ck_contains(r.err, "the name 'taken' is already in use");
	r = md(NULL, "rename", "before", "bad/name", NULL);
	ck_status(r, 125);
	ck_contains(r.err, "invalid name");
	r = md(NULL, "rename", "nosuch", "fresh", NULL);
	ck_status(r, 125);
	ck_contains(r.err, "no such container: nosuch");
	r = md(NULL, "rename", "before", "after", NULL);
	ck_status(r, 0);
	r = md(NULL, "exec", "after", "true", NULL);
	ck_status(r, 0);
	r = md(NULL, "exec", "before", "true", NULL);
	ck_status(r, 125);
	/* restart: a new PID 1, the same container and log. */
	int pid = state_number(saved, "pid");
	r = md(NULL, "restart", "-t", "0", "after", NULL);
	ck_status(r, 0);
	ck_assert_str_eq(r.out, "after\n");
	ck_assert_int_ne(state_number(saved, "pid"), pid);
	r = md_until(10, "started\nstarted\n", "logs", "after", NULL);
	ck_assert_str_eq(r.out, "started\nstarted\n");
	r = md(NULL, "ps", "-q", "-a", NULL);
	ck_assert_int_eq(strlen(r.out), 26);	/* two containers, still */
	/* And a stopped one is started. */
	md(NULL, "stop", "-t", "0", "after", NULL);
	r = md(NULL, "inspect", "-f", "{{.State.FinishedAt}}", "after", NULL);
	double stopped = rfc3339_seconds(r.out);
	r = md(NULL, "restart", "after", NULL);
	ck_status(r, 0);
	/* StartedAt is the new start's, after the stop's end. */
	r = md(NULL, "inspect", "-f", "{{.State.StartedAt}}", "after", NULL);
	ck_assert_msg(rfc3339_seconds(r.out) >= stopped, "StartedAt %s before the last FinishedAt", r.out);
	r = md(NULL, "exec", "after", "true", NULL);
	ck_status(r, 0);
	r = md(NULL, "restart", "-t", "x", "after", NULL);
	ck_status(r, 125);
	md(NULL, "rm", "-f", "after", "taken", NULL);
}
END_TEST

/* The JSON TEXT, parsed: it must be an array of N objects. */
static json_t *parse_array(const char *text, size_t n)
{
	json_error_t e;
	json_t *a = json_loads(text, 0, &e);
	ck_assert_msg(a, "not JSON (%s, line %d): %s", e.text, e.line, text);
	ck_assert_msg(json_is_array(a) && json_array_size(a) == n, "not an array of %zu: %s", n, text);
	return a;
}

/* The value at PATH ("State.Status") in the object O, or NULL. */
static json_t *at(json_t *o, const char *path)
{
	char copy[128], *save;
	snprintf(copy, sizeof copy, "%s", path);
	for (char *f = strtok_r(copy, ".", &save); f && o; f = strtok_r(NULL, ".", &save))
		o = json_object_get(o, f);
	return o;
}

/* The string at PATH, or ""; the number or boolean there. */
static const char *str_at(json_t *o, const char *path)
{
	o = at(o, path);
	return json_is_string(o) ? json_string_value(o) : "";
}

static json_int_t int_at(json_t *o, const char *path)
{
	o = at(o, path);
	ck_assert_msg(json_is_integer(o) || json_is_boolean(o), "%s is not a number", path);
	return json_is_boolean(o) ? json_is_true(o) : json_integer_value(o);
}

START_TEST(inspect_a_container_as_docker_does)
{
	char *id = detach("--name box -m 64m --pids-limit 20 --read-only --cap-add NET_ADMIN "
			  "--cap-drop CHOWN base sh -c 'sleep 60'");
	char full[65];
	snprintf(full, sizeof full, "%s", id);
	struct result r = md(NULL, "inspect", "box", NULL);
	ck_status(r, 0);
	json_t *a = parse_array(r.out, 1), *c = json_array_get(a, 0);
	ck_assert_str_eq(str_at(c, "Id"), full);
	ck_assert_int_eq(strspn(str_at(c, "Id"), "0123456789abcdef"), 64);
	ck_assert_str_eq(str_at(c, "Name"), "/box");
	ck_assert_str_eq(str_at(c, "State.Status"), "running");
	ck_assert_int_eq(int_at(c, "State.Running"), 1);
	ck_assert_int_eq(int_at(c, "State.Pid"), state_number(full, "pid"));
	ck_assert_str_eq(str_at(c, "State.FinishedAt"), "0001-01-01T00:00:00Z");
	/* When it started: after it was created, before now (not a time
	 * worked out from the boot's, which /proc/stat gives in whole
	 * seconds, and which a reboot changes). */
	struct timespec now;
	clock_gettime(CLOCK_REALTIME, &now);
	double created = rfc3339_seconds(str_at(c, "Created")), started = rfc3339_seconds(str_at(c, "State.StartedAt"));
	ck_assert_msg(created <= started && started <= now.tv_sec + 1, "Created %s, StartedAt %s",
		      str_at(c, "Created"), str_at(c, "State.StartedAt"));
	ck_assert_str_eq(str_at(c, "Config.Image"), "base");
	ck_assert_str_eq(str_at(c, "Config.Hostname"), "container");
	json_t *cmd = at(c, "Config.Cmd");
	ck_assert_int_eq(json_array_size(cmd), 3);
	ck_assert_str_eq(json_string_value(json_array_get(cmd, 2)), "sleep 60");
	ck_assert_int_eq(int_at(c, "HostConfig.Memory"), 64 << 20);
	ck_assert_int_eq(int_at(c, "HostConfig.PidsLimit"), 20);
	ck_assert_int_eq(int_at(c, "HostConfig.ReadonlyRootfs"), 1);
	ck_assert_str_eq(str_at(c, "HostConfig.NetworkMode"), "none");
	json_t *add = at(c, "HostConfig.CapAdd");
	ck_assert_str_eq(json_string_value(json_array_get(add, 0)), "NET_ADMIN");
	/* Env is what the command gets: compare with the container's own. */
	r = md(NULL, "exec", "box", "sh", "-c", "echo $PATH", NULL);
	json_t *env = at(c, "Config.Env");
	char want[512];
	snprintf(want, sizeof want, "PATH=%.*s", (int)strcspn(r.out, "\n"), r.out);
	ck_assert_str_eq(json_string_value(json_array_get(env, 0)), want);
	json_decref(a);
	/* --format: dotted paths, json, text around them. */
	r = md(NULL, "inspect", "--format", "{{.Name}} is {{.State.Status}}: {{json .Config.Cmd}}", "box", NULL);
	ck_status(r, 0);
	ck_assert_str_eq(r.out, "/box is running: [\"sh\",\"-c\",\"sleep 60\"]\n");
	r = md(NULL, "inspect", "-f", "{{.Config.Cmd}} {{.HostConfig.Privileged}} {{.Nope}}", "box", NULL);
	ck_assert_str_eq(r.out, "[sh -c sleep 60] false <no value>\n");
	/* Ended: its exit code and when. */
	md(NULL, "kill", "box", NULL);
	md(NULL, "wait", "box", NULL);
	r = md(NULL, "inspect", "-f", "{{.State.Status}} {{.State.ExitCode}} {{.State.Pid}} {{.State.Running}}",
	       "box", NULL);
	ck_assert_str_eq(r.out, "exited 137 0 false\n");
	r = md(NULL, "inspect", "-f", "{{.State.FinishedAt}}", "box", NULL);
	ck_assert_msg(strncmp(r.out, "0001", 4) && r.out[4] == '-', "FinishedAt: %s", r.out);
	ck_assert_msg(rfc3339_seconds(r.out) >= started, "FinishedAt %s before StartedAt", r.out);
}
END_TEST

START_TEST(inspect_images_and_networks)
{
	struct result r = md(NULL, "inspect", "base", NULL);
	ck_status(r, 0);
	json_t *a = parse_array(r.out, 1), *i = json_array_get(a, 0);
	ck_assert_str_eq(str_at(i, "Id"), "base");
	ck_assert_str_eq(json_string_value(json_array_get(json_object_get(i, "RepoTags"), 0)), "base");
	ck_assert_int_gt(int_at(i, "Size"), 100000);
	ck_assert_str_eq(str_at(i, "RootFS.Type"), "layers");
	json_decref(a);
	/* A committed image: its layers bottom first. */
	ck_status(md(NULL, "run", "--name", "maker", "--network", "none", "base", "touch", "/made", NULL), 0);
	ck_status(md(NULL, "commit", "maker", "mine", NULL), 0);
	r = md(NULL, "inspect", "-f", "{{.RootFS.Layers}} {{.Parent}}", "mine", NULL);
	if (strcmp(stage, "v1.6") >= 0) {	/* layers by digest; base a v1.1 folder, no image ID */
		ck_assert_msg(!strncmp(r.out, "[folder:base sha256:", 20) && strlen(r.out) == 20 + 64 + 3 &&
			      !strcmp(r.out + 84, "] \n"), "%s", r.out);
	} else {
		ck_assert_str_eq(r.out, "[base mine] base\n");
	}
	/* A network, and a container and an image at once. */
	ck_status(md(NULL, "network", "create", "--subnet", "10.97.0.0/24", "nett", NULL), 0);
	r = md(NULL, "run", "-d", "--name", "member", "--network", "nett", "base", "sleep", "60", NULL);
	ck_status(r, 0);
	r = md(NULL, "inspect", "nett", "member", "base", NULL);
	ck_status(r, 0);
	a = parse_array(r.out, 3);
	json_t *n = json_array_get(a, 0);
	ck_assert_str_eq(str_at(n, "Name"), "nett");
	ck_assert_str_eq(str_at(n, "Driver"), "bridge");
	json_t *cfg = json_array_get(at(n, "IPAM.Config"), 0);
	ck_assert_str_eq(str_at(cfg, "Subnet"), "10.97.0.0/24");
	ck_assert_str_eq(str_at(cfg, "Gateway"), "10.97.0.1");
	json_t *members = json_object_get(n, "Containers");
	ck_assert_int_eq(json_object_size(members), 1);
	json_t *c = json_array_get(a, 1);
	ck_assert_str_eq(str_at(json_object_get(members, str_at(c, "Id")), "Name"), "member");
	ck_assert_str_eq(str_at(c, "NetworkSettings.IPAddress"), "10.97.0.2");
	ck_assert_str_eq(str_at(c, "NetworkSettings.Networks.nett.Gateway"), "10.97.0.1");
	ck_assert_str_eq(str_at(json_array_get(a, 2), "Id"), "base");
	json_decref(a);
	/* network inspect: the same JSON, its names in one array. */
	struct result typed = md(NULL, "inspect", "--type", "network", "nett", NULL);
	ck_assert_str_eq(md(NULL, "network", "inspect", "nett", NULL).out, typed.out);
	r = md(NULL, "network", "inspect", "nett", "nosuch", "nett", NULL);
	ck_status(r, 125);
	ck_contains(r.err, "minidocker: network nosuch not found");
	json_decref(parse_array(r.out, 2));
	md(NULL, "rm", "-f", "member", NULL);
	md(NULL, "network", "rm", "nett", NULL);
}
END_TEST

/* What -e, -w, --entrypoint and -v gave it, as Docker shows them; and a
 * volume by its name. */
START_TEST(inspect_shows_env_workdir_entrypoint_and_mounts)
{
	struct result r = sh("mkdir \"$MINIDOCKER_ROOT/src\"");
	ck_status(r, 0);
	detach("--name cfg -e A=1 -e PATH=/bin:/usr/bin -w /srv --entrypoint /bin/sleep "
	       "-v \"$MINIDOCKER_ROOT/src\":/data:ro -v vol1:/v base 60");
	r = md(NULL, "inspect", "cfg", NULL);
	ck_status(r, 0);
	json_t *a = parse_array(r.out, 1), *c = json_array_get(a, 0);
	json_t *cfg = json_object_get(c, "Config");
	char *env = json_dumps(json_object_get(cfg, "Env"), JSON_COMPACT);
	/* -e PATH replaces the default in its place; A comes after. */
	ck_assert_str_eq(env, "[\"PATH=/bin:/usr/bin\",\"HOSTNAME=container\",\"HOME=/root\",\"A=1\"]");
	free(env);
	ck_assert_str_eq(str_at(c, "Config.WorkingDir"), "/srv");
	ck_assert_str_eq(str_at(c, "Path"), "/bin/sleep");
	char *words = json_dumps(json_pack("[o, o]", json_incref(json_object_get(cfg, "Entrypoint")),
					   json_incref(json_object_get(cfg, "Cmd"))), JSON_COMPACT);
	ck_assert_str_eq(words, "[[\"/bin/sleep\"],[\"60\"]]");
	free(words);
	json_t *mounts = json_object_get(c, "Mounts");
	ck_assert_int_eq(json_array_size(mounts), 2);
	json_t *bind = json_array_get(mounts, 0), *vol = json_array_get(mounts, 1);
	char src[4200];
	snprintf(src, sizeof src, "%s/src", getenv("MINIDOCKER_ROOT"));
	ck_assert_str_eq(str_at(bind, "Type"), "bind");
	ck_assert_str_eq(str_at(bind, "Source"), src);
	ck_assert_str_eq(str_at(bind, "Destination"), "/data");
	ck_assert_int_eq(int_at(bind, "RW"), 0);
	ck_assert_str_eq(str_at(vol, "Type"), "volume");
	ck_assert_str_eq(str_at(vol, "Name"), "vol1");
	ck_assert_int_eq(int_at(vol, "RW"), 1);
	json_decref(a);
	/* The volume itself, by inspect as by volume inspect. */
	r = md(NULL, "inspect", "-f", "{{.Name}} {{.Driver}} {{.Mountpoint}}", "vol1", NULL);
	ck_status(r, 0);
	char want[4300];
	snprintf(want, sizeof want, "vol1 local %s/volumes/vol1/_data\n", getenv("MINIDOCKER_ROOT"));
	ck_assert_str_eq(r.out, want);
	md(NULL, "rm", "-f", "cfg", NULL);
	md(NULL, "volume", "rm", "vol1", NULL);
}
END_TEST

START_TEST(inspect_bad_input)
{
	detach("--name here base sleep 60");
	struct result r = md(NULL, "inspect", "nosuch", NULL);
	ck_status(r, 1);
	ck_contains(r.err, "no such object: nosuch");
	ck_assert_str_eq(r.out, "[]\n");
	/* One found, one not: the one, and status 1. */
	r = md(NULL, "inspect", "here", "nosuch", NULL);
	ck_status(r, 1);
	json_decref(parse_array(r.out, 1));
	const char *names[] = { "../images/base", ".meta", "", "/etc" };
	for (int i = 0; i < 4; i++) {
		r = md(NULL, "inspect", names[i], NULL);
		ck_status(r, 1);
	}
	r = md(NULL, "inspect", "--type", "image", "here", NULL);
	ck_status(r, 1);
	r = md(NULL, "inspect", "--type", "volcano", "here", NULL);
	ck_status(r, 125);
	const char *bad[] = { "{{.State.Status", "{{if .State}}x{{end}}", "{{.State | len}}", "{{ }}",
			      "{{..A}}", "{{.A.}}", "{{printf \"%s\" .Name}}", "{{json}}" };
	for (int i = 0; i < 8; i++) {
		r = md(NULL, "inspect", "--format", bad[i], "here", NULL);
		ck_status(r, 125);
		ck_contains(r.err, "--format");
		ck_assert_str_eq(r.out, "");
	}
	r = md(NULL, "inspect", "-f", "{{.Name.First}}", "here", NULL);
	ck_status(r, 125);
	r = md(NULL, "inspect", NULL);
	ck_status(r, 125);
}
END_TEST

START_TEST(ps_format_filters_and_no_trunc)
{
	char *id = detach("--name web base sh -c 'sleep 60 # a command longer than twenty'");
	char full[65];
	snprintf(full, sizeof full, "%s", id);
	ck_status(md(NULL, "run", "--name", "done", "--network", "none", "base", "true", NULL), 0);
	struct result r = md(NULL, "ps", "--format", "{{.Names}} {{.Status}}", NULL);
	ck_status(r, 0);
	ck_assert_msg(!strncmp(r.out, "web Up ", 7) && !strchr(r.out + 7, '\n')[1], "ps --format: %s", r.out);
	r = md(NULL, "ps", "-a", "--format", "{{.Names}}:{{.State}}", NULL);
	ck_assert_str_eq(r.out, "done:exited\nweb:running\n");
	r = md(NULL, "ps", "--format", "{{.ID}} {{.Image}} {{.Command}}", NULL);
	char want[256];
	snprintf(want, sizeof want, "%.12s base \"sh -c sleep 60 # a …\"\n", full);
	ck_assert_str_eq(r.out, want);
	r = md(NULL, "ps", "--no-trunc", "--format", "{{.ID}} {{.Command}}", NULL);
	snprintf(want, sizeof want, "%s \"sh -c sleep 60 # a command longer than twenty\"\n", full);
	ck_assert_str_eq(r.out, want);
	r = md(NULL, "ps", "--no-trunc", NULL);
	ck_contains(r.out, full);
	r = md(NULL, "ps", "-f", "status=exited", "--format", "{{.Names}}", NULL);
	ck_assert_str_eq(r.out, "done\n");
	r = md(NULL, "ps", "-a", "-f", "name=we", "--format", "{{.Names}}", NULL);
	ck_assert_str_eq(r.out, "web\n");
	r = md(NULL, "ps", "-a", "-f", "name=web", "-f", "name=done", "--format", "{{.Names}}", NULL);
	ck_assert_str_eq(r.out, "done\nweb\n");
	r = md(NULL, "ps", "-a", "-f", "name=web", "-f", "status=exited", "--format", "{{.Names}}", NULL);
	ck_assert_str_eq(r.out, "");
	r = md(NULL, "ps", "-f", "status=created", NULL);
	ck_assert_str_eq(r.out, "CONTAINER ID   IMAGE   COMMAND   CREATED   STATUS   PORTS   NAMES\n");
	const char *badf[] = { "foo=bar", "status=sleeping", "name=", "name" };
	for (int i = 0; i < 4; i++) {
		r = md(NULL, "ps", "-f", badf[i], NULL);
		ck_status(r, 125);
		ck_contains(r.err, "invalid filter");
	}
	r = md(NULL, "ps", "--format", "{{.Nope}}", NULL);
	ck_status(r, 125);
	ck_contains(r.err, "no such field");
	ck_assert_str_eq(r.out, "");
	r = md(NULL, "ps", "--format", "{{range .}}", NULL);
	ck_status(r, 125);
}
END_TEST

/* The host id the container ID's root is (its state's uid_map). */
static long range_root(const char *id)
{
	long inside = -1, outside = -1;
	sscanf(state_of(id, "uid_map"), "%ld %ld", &inside, &outside);
	ck_assert_int_eq(inside, 0);
	return outside;
}

/* Where the cp tests copy to in a container: the test's own folder T in
 * its state root, made inside the container too.  A cp that followed
 * the host's paths instead of the container's would write only there. */
static const char *own_path(void)
{
	static char t[256];
	snprintf(t, sizeof t, "%s/t", state_root());
	return t;
}

START_TEST(cp_both_ways_files_and_folders)
{
	const char *t = own_path();
	char args[2048];
	snprintf(args, sizeof args, "--name box base sh -c 'mkdir -p %s && touch %s/ready && sleep 60'", t, t);
	char *id = detach(args);
	char full[65];
	snprintf(full, sizeof full, "%s", id);
	md_until(10, "ready", "exec", "box", "ls", t, NULL);
	struct result r = sh("mkdir -p \"$MINIDOCKER_ROOT/src/dir/sub\" && echo hello > \"$MINIDOCKER_ROOT/src/f\" && "
			     "echo deep > \"$MINIDOCKER_ROOT/src/dir/sub/g\" && ln -s sub/g \"$MINIDOCKER_ROOT/src/dir/l\" && "
			     "chmod 0750 \"$MINIDOCKER_ROOT/src/dir\"");
	ck_status(r, 0);
	/* In: into a folder by its name, as a new name, a folder. */
	r = sh("\"$MD\" cp \"$MINIDOCKER_ROOT/src/f\" box:%s && \"$MD\" cp \"$MINIDOCKER_ROOT/src/f\" box:%s/renamed && "
	       "\"$MD\" cp \"$MINIDOCKER_ROOT/src/dir\" box:%s/copied", t, t, t);
	ck_status(r, 0);
	char cmd[2048];
	snprintf(cmd, sizeof cmd, "cd %s && cat f renamed copied/sub/g; readlink copied/l; "
		 "stat -c '%%a %%u %%g' copied f", t);
	r = md(NULL, "exec", "box", "sh", "-c", cmd, NULL);
	ck_status(r, 0);
	ck_assert_str_eq(r.out, "hello\nhello\ndeep\nsub/g\n750 0 0\n644 0 0\n");
	/* Its root owns them, so it can use them: on disk, its range's root. */
	snprintf(cmd, sizeof cmd, "cd %s && echo more >> f && rm -r copied/sub && echo ok", t);
	r = md(NULL, "exec", "box", "sh", "-c", cmd, NULL);
	ck_assert_str_eq(r.out, "ok\n");
	r = sh("stat -c %%u \"$MINIDOCKER_ROOT/containers/%s/upper/%s/f\"", full, t);
	ck_assert_int_eq(atol(r.out), range_root(full));
	/* Overwritten in place the second time. */
	ck_status(sh("\"$MD\" cp \"$MINIDOCKER_ROOT/src/f\" box:%s/f", t), 0);
	snprintf(cmd, sizeof cmd, "%s/f", t);
	ck_assert_str_eq(md(NULL, "exec", "box", "cat", cmd, NULL).out, "hello\n");
	/* Out: a file, a folder; the caller owns them. */
	r = sh("mkdir \"$MINIDOCKER_ROOT/out\" && \"$MD\" cp box:%s/renamed \"$MINIDOCKER_ROOT/out/\" && "
	       "\"$MD\" cp box:%s/copied \"$MINIDOCKER_ROOT/out/tree\" && "
	       "\"$MD\" cp box:/etc/passwd \"$MINIDOCKER_ROOT/out/pw\" && cd \"$MINIDOCKER_ROOT/out\" && "
	       "cat renamed && readlink tree/l && stat -c '%%u %%g' renamed tree pw && head -n 1 pw", t, t);
	ck_status(r, 0);
	char want[128];
	snprintf(want, sizeof want, "hello\nsub/g\n%d %d\n%d %d\n%d %d\nroot:x:0:0:root:/root:/bin/sh\n",
		 (int)getuid(), (int)getgid(), (int)getuid(), (int)getgid(), (int)getuid(), (int)getgid());
	ck_assert_str_eq(r.out, want);
	/* DIR/. : what it holds. */
	r = sh("mkdir \"$MINIDOCKER_ROOT/out/flat\" && \"$MD\" cp box:%s/copied/. \"$MINIDOCKER_ROOT/out/flat\" && "
	       "ls \"$MINIDOCKER_ROOT/out/flat\"", t);
	ck_status(r, 0);
	ck_assert_str_eq(r.out, "l\n");
}
END_TEST

START_TEST(cp_with_a_stopped_container)
{
	/* A name of the test's own in the image's /tmp, so that the copy
	 * makes overlayfs copy /tmp up from the image. */
	char added[300], host[300];
	snprintf(added, sizeof added, "/tmp/%s-added", strrchr(state_root(), '/') + 1);
	snprintf(host, sizeof host, "%s", added);
	detach("--name idle base sleep 60");
	ck_status(md(NULL, "stop", "-t", "0", "idle", NULL), 0);
	own_mount_ns(1);
	char *before = read_file("/proc/self/mountinfo");
	struct result r = sh("echo offline > \"$MINIDOCKER_ROOT/f\" && \"$MD\" cp \"$MINIDOCKER_ROOT/f\" idle:%s && "
			     "\"$MD\" cp idle:%s \"$MINIDOCKER_ROOT/back\" && cat \"$MINIDOCKER_ROOT/back\"", added, added);
	ck_status(r, 0);
	ck_assert_str_eq(r.out, "offline\n");
	struct stat st;
	int wrote = lstat(host, &st) == 0;
	if (wrote)
		unlink(host);	/* a name of ours: what a broken cp put there goes */
	ck_assert_msg(!wrote, "cp wrote %s on the host", host);
	/* Its overlay was mounted where nobody sees it, and is gone. */
	ck_assert_str_eq(read_file("/proc/self/mountinfo"), before);
	/* /tmp was copied up from the image for it: still the container's. */
	ck_status(md(NULL, "start", "idle", NULL), 0);
	char cmd[2048];
	snprintf(cmd, sizeof cmd, "cat %s; stat -c '%%u %%g' /tmp %s; touch /tmp/writable && echo ok", added, added);
	r = md(NULL, "exec", "idle", "sh", "-c", cmd, NULL);
	ck_assert_str_eq(r.out, "offline\n0 0\n0 0\nok\n");
}
END_TEST

/* A container's symlinks and ".." never take cp out of its root.  The
 * test's own folder T (in its state root) stands for the host's /: the
 * container makes the same path inside, and links to / and to ../..; a
 * copy through them must land in the container's T, never the host's,
 * and reading through them must find the container's files, never T's. */
START_TEST(cp_stays_inside_the_containers_root)
{
	const char *t = own_path();
	struct result r = sh("mkdir -p '%s' && echo HOST > '%s/secret' && echo host-file > '%s/target' && "
			     "echo payload > \"$MINIDOCKER_ROOT/f\"", t, t, t);
	ck_status(r, 0);
	char script[2048];
	snprintf(script, sizeof script, "--name jail base sh -c 'mkdir -p %s && ln -s / /escape && "
		 "ln -s ../../../../../../../../.. /up && ln -s %s/target /tmp/link && "
		 "ln -s /proc/1/root /magic && echo ready > /tmp/ready && sleep 60'", t, t);
	detach(script);
	ck_assert_str_eq(md_until(10, "ready", "exec", "jail", "cat", "/tmp/ready", NULL).out, "ready\n");
	const char *into[] = { "/escape%s/a", "/up%s/b", "/../../../..%s/c", "/tmp/link" };
	for (int i = 0; i < 4; i++) {
		char dst[600];
		snprintf(dst, sizeof dst, "jail:");
		snprintf(dst + 5, sizeof dst - 5, into[i], t);
		r = sh("\"$MD\" cp \"$MINIDOCKER_ROOT/f\" '%s'", dst);
		ck_status(r, 0);
	}
	/* The host's T: as it was. */
	r = sh("cd '%s' && ls && cat target", t);
	ck_assert_str_eq(r.out, "secret\ntarget\nhost-file\n");
	/* The container's: the copies, and its link replaced by a file. */
	char cmd[2048];
	snprintf(cmd, sizeof cmd, "cd %s && ls && cat a b c /tmp/link && test ! -L /tmp/link && echo file", t);
	r = md(NULL, "exec", "jail", "sh", "-c", cmd, NULL);
	ck_assert_str_eq(r.out, "a\nb\nc\npayload\npayload\npayload\npayload\nfile\n");
	/* Out through the same links: the container's T has no secret. */
	const char *from[] = { "/escape%s/secret", "/up%s/secret", "/..%s/secret", "/magic%s/secret" };
	for (int i = 0; i < 4; i++) {
		char src[600];
		snprintf(src, sizeof src, "jail:");
		snprintf(src + 5, sizeof src - 5, from[i], t);
		r = sh("\"$MD\" cp '%s' \"$MINIDOCKER_ROOT/got\"", src);
		ck_status(r, 1);
		r = sh("test -e \"$MINIDOCKER_ROOT/got\" && echo LEAKED");
		ck_assert_str_eq(r.out, "");
	}
}
END_TEST

/* PREFIX, then "./" as often as it takes to pass PATH_MAX, then a name
 * that a path cut short at PATH_MAX would cut in two: the copy would land
 * in PREFIX's folder as a stump of that name. */
static const char *too_long(const char *prefix)
{
	static char buf[PATH_MAX + 64];
	size_t n = strlen(prefix);

	ck_assert_uint_lt(n, PATH_MAX - 8);
	memcpy(buf, prefix, n);
	for (; n < PATH_MAX - 8; n += 2)
		memcpy(buf + n, "./", 2);
	snprintf(buf + n, sizeof buf - n, "a-name-cut-in-two");
	return buf;
}

START_TEST(cp_bad_input)
{
	const char *t = own_path();
	char args[2048];
	snprintf(args, sizeof args, "--name box base sh -c 'mkdir -p %s && touch %s/file && sleep 60'", t, t);
	detach(args);
	md_until(10, "file", "exec", "box", "ls", t, NULL);
	ck_status(sh("echo x > \"$MINIDOCKER_ROOT/f\" && mkdir \"$MINIDOCKER_ROOT/d\""), 0);
	struct result r = sh("\"$MD\" cp \"$MINIDOCKER_ROOT/f\" nosuch:%s", t);
	ck_status(r, 1);
	ck_contains(r.err, "no such container: nosuch");
	r = sh("\"$MD\" cp \"$MINIDOCKER_ROOT/f\" box:%s/no/such/f", t);
	ck_status(r, 1);
	ck_contains(r.err, "/no/such in container box");
	r = sh("\"$MD\" cp \"$MINIDOCKER_ROOT/f\" box:%s/nosuchdir/", t);
	ck_status(r, 1);
	r = sh("\"$MD\" cp box:/no/such/file \"$MINIDOCKER_ROOT/out\"");
	ck_status(r, 1);
	ck_contains(r.err, "/no/such/file in container box");
	r = sh("\"$MD\" cp box:/etc/passwd \"$MINIDOCKER_ROOT/no/such/place\"");
	ck_status(r, 1);
	r = sh("\"$MD\" cp \"$MINIDOCKER_ROOT/nosuch\" box:%s", t);
	ck_status(r, 1);
	r = sh("\"$MD\" cp \"$MINIDOCKER_ROOT/d\" box:%s/file", t);
	ck_status(r, 125);
	ck_contains(r.err, "cannot copy the folder");
	/* A folder where one is already: refused, nothing half done. */
	ck_status(sh("\"$MD\" cp \"$MINIDOCKER_ROOT/d\" box:%s/d", t), 0);
	r = sh("\"$MD\" cp \"$MINIDOCKER_ROOT/d\" box:%s/d/", t);
	ck_status(r, 0);	/* into it, as d/d */
	r = sh("\"$MD\" cp \"$MINIDOCKER_ROOT/d\" box:%s/d/", t);
	ck_status(r, 125);
	/* Longer than PATH_MAX, either side: refused, nothing made. */
	char f[600], in[600], out[600];
	snprintf(f, sizeof f, "%s/f", state_root());
	snprintf(in, sizeof in, "box:%s/", t);
	snprintf(out, sizeof out, "%s/d/", state_root());
	r = md(NULL, "cp", f, too_long(in), NULL);
	ck_status(r, 125);
	ck_contains(r.err, "minidocker: cp: ");
	ck_contains(r.err, "path too long");
	r = md(NULL, "cp", "box:/etc/passwd", too_long(out), NULL);
	ck_status(r, 125);
	ck_contains(r.err, "path too long");
	ck_assert_str_eq(sh("ls -A \"$MINIDOCKER_ROOT/d\"").out, "");
	const char *usage[][2] = { { "a", "b" }, { "box:/a", "box:/b" }, { "box:", "/tmp/x" }, { "", "box:/x" } };
	for (int i = 0; i < 4; i++) {
		r = md(NULL, "cp", usage[i][0], usage[i][1], NULL);
		ck_status(r, 125);
	}
	r = md(NULL, "cp", "box:/etc/passwd", NULL);
	ck_status(r, 125);
	/* Docker's "-", a tar stream, is refused, not made a file called "-"
	 * (in the test's own folder, had it been). */
	r = sh("cd \"$MINIDOCKER_ROOT\" && \"$MD\" cp box:/etc/passwd -");
	ck_status(r, 125);
	ck_contains(r.err, "'-' (a tar archive on stdout) is not supported");
	ck_status(sh("test ! -e \"$MINIDOCKER_ROOT/-\""), 0);
	r = sh("cd \"$MINIDOCKER_ROOT\" && \"$MD\" cp - box:/tmp/x < /dev/null");
	ck_status(r, 125);
	ck_contains(r.err, "on stdin) is not supported");
	/* Nothing was left in the container but what was asked. */
	char d[600];
	snprintf(d, sizeof d, "%s/d", t);
	r = md(NULL, "exec", "box", "ls", "-a", t, d, NULL);
	char want[1400];
	snprintf(want, sizeof want, "%s:\n.\n..\nd\nfile\n\n%s:\n.\n..\nd\n", t, d);
	ck_assert_str_eq(r.out, want);
}
END_TEST

START_TEST(cp_refuses_fifos_and_paths_too_long)
{
	detach("--name pipe base sh -c 'mkfifo /tmp/fifo && sleep 60'");
	md_until(10, "/tmp/fifo\n", "exec", "pipe", "ls", "/tmp/fifo", NULL);
	/* A FIFO the container made: its open would wait for a writer,
	 * forever (the container's to choose when, and what it writes). */
	struct result r = sh("timeout 20 \"$MD\" cp pipe:/tmp/fifo \"$MINIDOCKER_ROOT/got\"");
	ck_status(r, 125);
	ck_contains(r.err, "minidocker: cp: /tmp/fifo is not a file, a folder or a symlink");
	r = sh("mkfifo \"$MINIDOCKER_ROOT/hf\" && timeout 20 \"$MD\" cp \"$MINIDOCKER_ROOT/hf\" pipe:/tmp/");
	ck_status(r, 125);
	/* /tmp/./././.../fff, 4,096 bytes: cut to PATH_MAX, it was /tmp/ff. */
	r = sh("echo x > \"$MINIDOCKER_ROOT/f\"; p=/tmp; i=0; while [ $i -lt 2044 ]; do p=$p/.; i=$((i + 1)); done; "
	       "\"$MD\" cp \"$MINIDOCKER_ROOT/f\" pipe:$p/fff");
	ck_status(r, 125);
	ck_contains(r.err, "minidocker: cp: /tmp/./././");
	ck_contains(r.err, "path too long (at most 4095 bytes)");
	r = md(NULL, "exec", "pipe", "ls", "/tmp", NULL);
	ck_assert_str_eq(r.out, "fifo\n");
}
END_TEST

START_TEST(cp_never_reads_the_kernels_files)
{
	/* A running container's root is seen with its mounts, /proc and /sys
	 * among them, and cp reads as host root: /proc/kmsg would give it the
	 * host's kernel log, taken from the host's own logger, and wait for
	 * more forever.  The test reads only /proc/version and /proc/sys's
	 * names, harmless; the container binds them where a user copies its
	 * files (SYS_ADMIN in its own user namespace, for mount). */
	detach("--name kern --cap-add SYS_ADMIN base sh -c 'mkdir -p /app/k && echo mine > /app/f && "
	       "touch /app/v && mount --bind /proc/version /app/v && mount --bind /proc/sys/kernel /app/k && "
	       "ln -s /proc /app/p && touch /tmp/ready && sleep 60'");
	md_until(10, "/tmp/ready\n", "exec", "kern", "ls", "/tmp/ready", NULL);
	struct result r = sh("\"$MD\" cp kern:/proc/version \"$MINIDOCKER_ROOT/got\"");
	ck_status(r, 125);
	ck_contains(r.err, "minidocker: cp: /proc/version in container kern: the kernel's files (/proc, /sys), "
			   "not the container's");
	r = sh("\"$MD\" cp kern:/app/p/ \"$MINIDOCKER_ROOT/got\"");
	ck_status(r, 125);
	/* In a folder: the bound file is left out, the bound folder copied
	 * empty (its mount point, as Docker's cp sees the container's
	 * files), the rest as it is. */
	r = sh("\"$MD\" cp kern:/app \"$MINIDOCKER_ROOT/got\" && cd \"$MINIDOCKER_ROOT/got\" && ls -A . k && cat f");
	ck_status(r, 0);
	ck_assert_str_eq(r.out, ".:\nf\nk\np\n\nk:\nmine\n");
	md(NULL, "kill", "kern", NULL);
}
END_TEST

START_TEST(exec_streams_i_t_and_d)
{
	detach("--name box base sleep 60");
	/* No -i: the command reads nothing, as Docker's. */
	struct result r = md("typed\n", "exec", "box", "cat", NULL);
	ck_status(r, 0);
	ck_assert_str_eq(r.out, "");
	r = md("typed\n", "exec", "-i", "box", "cat", NULL);
	ck_assert_str_eq(r.out, "typed\n");
	/* -t: a terminal of the container's own devpts. */
	r = md(NULL, "exec", "-t", "box", "tty", NULL);
	ck_status(r, 0);
	ck_assert_str_eq(r.out, "/dev/pts/0\r\n");
	r = md(NULL, "exec", "box", "tty", NULL);
	ck_assert_str_eq(r.out, "not a tty\n");
	/* -it at a terminal: typed lines, Ctrl-C, the exit status. */
	struct pty p;
	pty_start(&p, 24, 80, "\"$MD\" exec -it box sh");
	ck_assert_msg(pty_expect(&p, "# ", 10), "no prompt: %s", p.out);
	pty_send(&p, "tty; stty size\r");
	ck_assert_msg(pty_expect(&p, "/dev/pts/", 10) && pty_expect(&p, "24 80", 10), "tty: %s", p.out);
	/* Ctrl-C once sleep runs: one to the shell between its trap and its
	 * fork would leave sleep its 30 s. */
	pty_send(&p, "trap 'echo got-int' INT; sleep 30\r");
	ck_contains(md_until(10, "sleep 30", "exec", "box", "ps", NULL).out, "sleep 30");
	pty_send(&p, "\003");
	ck_assert_msg(pty_expect(&p, "got-int", 10), "no SIGINT: %s", p.out);
	pty_send(&p, "exit 3\r");
	ck_assert_int_eq(pty_finish(&p, 10), 3);
	/* -d: back at once; the command runs on without us. */
	double t0 = seconds_now();
	r = md(NULL, "exec", "-d", "box", "sh", "-c", "sleep 1; echo later > /tmp/bg", NULL);
	ck_status(r, 0);
	ck_assert_str_eq(r.out, "");
	ck_assert_msg(seconds_now() - t0 < 1, "exec -d waited %.1f s", seconds_now() - t0);
	r = md_until(10, "later", "exec", "box", "cat", "/tmp/bg", NULL);
	ck_assert_str_eq(r.out, "later\n");
	r = md(NULL, "exec", "-d", "box", "nosuch", NULL);
	ck_status(r, 127);
	ck_contains(r.err, "nosuch: command not found");
	/* What fails before the exec is said, and is the status, as without
	 * -d: a folder that is not there, a user the image lacks. */
	r = md(NULL, "exec", "-d", "-w", "/nosuch", "box", "true", NULL);
	ck_status(r, 126);
	ck_contains(r.err, "chdir to the working directory /nosuch: No such file or directory");
	r = md(NULL, "exec", "-d", "-u", "nosuchuser", "box", "true", NULL);
	ck_status(r, 125);
	ck_contains(r.err, "unable to find user nosuchuser");
	r = md(NULL, "exec", "-dt", "box", "true", NULL);
	ck_status(r, 125);
	r = md(NULL, "exec", "-d", "nosuch", "true", NULL);
	ck_status(r, 125);
}
END_TEST

START_TEST(restart_keeps_an_rm_container)
{
	/* Docker restarts a run --rm container; its end after the stop
	 * removed it, and the start found no such container. */
	char *id = detach("--rm --name rr base sleep 60");
	char full[65];
	snprintf(full, sizeof full, "%s", id);
	int before = state_number(full, "pid");
	struct result r = md(NULL, "restart", "-t", "0", "rr", NULL);
	ck_status(r, 0);
	ck_assert_str_eq(r.out, "rr\n");
	r = md(NULL, "inspect", "-f", "{{.State.Status}} {{.HostConfig.AutoRemove}}", "rr", NULL);
	ck_assert_str_eq(r.out, "running true\n");
	ck_assert_int_ne(state_number(full, "pid"), before);
	/* And it is still an --rm one: gone once it ends. */
	md(NULL, "kill", "rr", NULL);
	md(NULL, "wait", "rr", NULL);	/* its monitor, which removes it, has ended */
	r = md(NULL, "ps", "-aq", NULL);
	ck_assert_str_eq(r.out, "");
}
END_TEST

START_TEST(top_lists_the_containers_processes)
{
	char *id = detach("--name tp base sh -c 'sleep 60 & exec sleep 61'");
	char full[65];
	snprintf(full, sizeof full, "%s", id);
	struct result r = md_until(10, "sleep 60", "top", "tp", NULL);
	ck_status(r, 0);
	ck_assert_msg(!strncmp(r.out, "UID ", 4), "top: %s", r.out);
	char want[64];
	snprintf(want, sizeof want, " %-10d ", state_number(full, "pid"));
	ck_contains(r.out, want);
	ck_contains(r.out, "sleep 61\n");
	/* Only its own: three lines, the heading and its two. */
	int lines = 0;
	for (char *p = r.out; *p; p++)
		lines += *p == '\n';
	ck_assert_int_eq(lines, 3);
	md(NULL, "kill", "tp", NULL);
	md(NULL, "wait", "tp", NULL);
	r = md(NULL, "top", "tp", NULL);
	ck_status(r, 1);
	ck_contains(r.err, "container tp is not running");
	r = md(NULL, "top", "nosuch", NULL);
	ck_status(r, 1);
	/* A command line is the container's to write: a newline in it made
	 * a row of its own, an escape sequence reached our terminal. */
	detach("--name tq base sh -c 'sleep 60; true' \"$(printf 'x\\nFAKE 0 0 evil\\033[2J')\"");
	r = md_until(10, "sleep 60", "top", "tq", NULL);
	ck_contains(r.out, " sh -c sleep 60; true x?FAKE 0 0 evil?[2J\n");
	ck_lacks(r.out, "\033");
	md(NULL, "kill", "tq", NULL);
}
END_TEST

void add_everyday_tests(Suite *s)
{
	TCase *tc = tcase(s, "kill and wait");
	add_root_test(tc, kill_sends_the_signal_and_wait_prints_the_status);
	add_root_test(tc, wait_blocks_until_the_end);
	add_root_test(tc, kill_and_wait_bad_input);
	tc = tcase(s, "logs times");
	add_root_test(tc, logs_timestamps_since_and_until);
	add_root_test(tc, logs_follow_with_timestamps);
	tc = tcase(s, "inspect");
	add_root_test(tc, inspect_a_container_as_docker_does);
	add_root_test(tc, inspect_images_and_networks);
	add_root_test(tc, inspect_shows_env_workdir_entrypoint_and_mounts);
	add_root_test(tc, inspect_bad_input);
	tc = tcase(s, "cp");
	add_root_test(tc, cp_both_ways_files_and_folders);
	add_root_test(tc, cp_with_a_stopped_container);
	add_root_test(tc, cp_stays_inside_the_containers_root);
	add_root_test(tc, cp_bad_input);
	add_root_test(tc, cp_refuses_fifos_and_paths_too_long);
	add_root_test(tc, cp_never_reads_the_kernels_files);
	tc = tcase(s, "exec streams");
	add_root_test(tc, exec_streams_i_t_and_d);
	tc = tcase(s, "ps format");
	add_root_test(tc, ps_format_filters_and_no_trunc);
	tc = tcase(s, "rename and restart");
	add_root_test(tc, rename_and_restart);
	add_root_test(tc, top_lists_the_containers_processes);
	add_root_test(tc, restart_keeps_an_rm_container);
}
