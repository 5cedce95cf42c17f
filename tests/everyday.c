/* From v1.5 on: the commands people use every day.  kill and wait, logs
 * with times, inspect and its --format, cp both ways through the
 * container's own root, exec -d -i -t, ps --format/--no-trunc/-f,
 * rename, restart.  Each test starts its own containers in its own state
 * root (and network namespace: the suite sets with_network), and cp's
 * escape tests are built so that a failure would write only into a
 * folder the test owns. */
#include "features.h"

#include <jansson.h>
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
	const char *bad[] = { "yesterday", "10x", "2026-13-01", "2026-12-02T25:00:00Z", "2026-12-02T10:00:00" };
	for (int i = 0; i < 5; i++) {
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
	r = md(NULL, "restart", "after", NULL);
	ck_status(r, 0);
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

/* The string at PATH ("State.Status") in the object O, or "". */
static const char *str_at(json_t *o, const char *path)
{
	char copy[128], *save;
	snprintf(copy, sizeof copy, "%s", path);
	for (char *f = strtok_r(copy, ".", &save); f && o; f = strtok_r(NULL, ".", &save))
		o = json_object_get(o, f);
	return json_is_string(o) ? json_string_value(o) : "";
}

static json_int_t int_at(json_t *o, const char *path)
{
	char copy[128], *save;
	snprintf(copy, sizeof copy, "%s", path);
	for (char *f = strtok_r(copy, ".", &save); f && o; f = strtok_r(NULL, ".", &save))
		o = json_object_get(o, f);
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
	ck_assert_int_eq(strncmp(str_at(c, "State.StartedAt"), str_at(c, "Created"), 10), 0);
	ck_assert_str_eq(str_at(c, "Config.Image"), "base");
	ck_assert_str_eq(str_at(c, "Config.Hostname"), "container");
	json_t *cmd = json_object_get(json_object_get(c, "Config"), "Cmd");
	ck_assert_int_eq(json_array_size(cmd), 3);
	ck_assert_str_eq(json_string_value(json_array_get(cmd, 2)), "sleep 60");
	ck_assert_int_eq(int_at(c, "HostConfig.Memory"), 64 << 20);
	ck_assert_int_eq(int_at(c, "HostConfig.PidsLimit"), 20);
	ck_assert_int_eq(int_at(c, "HostConfig.ReadonlyRootfs"), 1);
	ck_assert_str_eq(str_at(c, "HostConfig.NetworkMode"), "none");
	json_t *add = json_object_get(json_object_get(c, "HostConfig"), "CapAdd");
	ck_assert_str_eq(json_string_value(json_array_get(add, 0)), "NET_ADMIN");
	/* Env is what the command gets: compare with the container's own. */
	r = md(NULL, "exec", "box", "sh", "-c", "echo $PATH", NULL);
	json_t *env = json_object_get(json_object_get(c, "Config"), "Env");
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
	ck_assert_str_eq(r.out, "[base mine] base\n");
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
	json_t *cfg = json_array_get(json_object_get(json_object_get(n, "IPAM"), "Config"), 0);
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
	md(NULL, "rm", "-f", "member", NULL);
	md(NULL, "network", "rm", "nett", NULL);
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
	add_root_test(tc, inspect_bad_input);
	tc = tcase(s, "ps format");
	add_root_test(tc, ps_format_filters_and_no_trunc);
	tc = tcase(s, "rename and restart");
	add_root_test(tc, rename_and_restart);
}
