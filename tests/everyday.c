/* From v1.5 on: the commands people use every day.  kill and wait, logs
 * with times, inspect and its --format, cp both ways through the
 * container's own root, exec -d -i -t, ps --format/--no-trunc/-f,
 * rename, restart.  Each test starts its own containers in its own state
 * root (and network namespace: the suite sets with_network), and cp's
 * escape tests are built so that a failure would write only into a
 * folder the test owns. */
#include "features.h"

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

void add_everyday_tests(Suite *s)
{
	TCase *tc = tcase(s, "kill and wait");
	add_root_test(tc, kill_sends_the_signal_and_wait_prints_the_status);
	add_root_test(tc, wait_blocks_until_the_end);
	add_root_test(tc, kill_and_wait_bad_input);
	tc = tcase(s, "logs times");
	add_root_test(tc, logs_timestamps_since_and_until);
	add_root_test(tc, logs_follow_with_timestamps);
	tc = tcase(s, "rename and restart");
	add_root_test(tc, rename_and_restart);
}
