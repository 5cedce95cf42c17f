/* From v1.6 on: an image's configuration.  run combines its Env,
 * Entrypoint, Cmd, WorkingDir and User with --entrypoint, the command,
 * -e, -w and -u as Docker does; commit -c and import -c record one, in
 * Dockerfile's forms; inspect shows it; bad ones are 125, leaving nothing. */
#include "features.h"
#include "basics.h"

#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* THE one place the tests write an image config in imgconfig.c's format
 * (ROOT/imagedb/ID/config.json, the whole OCI config object): image
 * NAME, an import of base, whose OCI "config" is CONFIG (JSON), or, with
 * RAW, whose whole file is CONFIG. */
static void config_image_raw(const char *name, const char *config, int raw)
{
	char path[4096];

	struct result r = sh("cd \"$MINIDOCKER_ROOT\" && { test -e base.tar || tar -C images/base -cf base.tar .; } && "
			     "\"$MD\" import base.tar %s", name);
	ck_status(r, 0);
	/* import prints sha256:ID; the store keeps ID's config beside its
	 * record (v1.6/imgconfig.c). */
	ck_assert_msg(strncmp(r.out, "sha256:", 7) == 0 && strlen(r.out) == 7 + 64 + 1, "%s", r.out);
	snprintf(path, sizeof path, "%s/imagedb/%.64s/config.json", state_root(), r.out + 7);
	FILE *f = fopen(path, "w");
	ck_assert_msg(f != NULL, "%s", path);
	if (raw)
		fputs(config, f);
	else
		fprintf(f, "{\"architecture\":\"amd64\",\"os\":\"linux\",\"config\":%s,"
			"\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[]}}", config);
	ck_assert_int_eq(fclose(f), 0);
}

static void config_image(const char *name, const char *config)
{
	config_image_raw(name, config, 0);
}

/* `inspect -f FORMAT NAME`'s output. */
static char *inspect(const char *format, const char *name)
{
	struct result r = md(NULL, "inspect", "-f", format, name, NULL);
	ck_status(r, 0);
	return r.out;
}

/* What the test's state root holds: containers, images and configs (a
 * missing folder reads as an empty one: the state root's own folders
 * are no debris). */
static char *leftovers(void)
{
	return sh("cd \"$MINIDOCKER_ROOT\" && for d in containers images imagedb layers; do "
		  "echo \"$d:\"; ls -A $d 2>/dev/null; done").out;
}

/* ---- run: the image's config under run's flags ---------------------- */

START_TEST(commit_c_cmd_then_run_prints_x)
{
	ck_status(md(NULL, "run", "--name", "ct", "base", "true", NULL), 0);
	struct result r = md(NULL, "commit", "-c", "CMD [\"echo\",\"x\"]", "ct", "img", NULL);
	ck_status(r, 0);
	ck_assert_msg(!strncmp(r.out, "sha256:", 7) && strlen(r.out) == 7 + 64 + 1, "%s", r.out);
	char record[4096];
	snprintf(record, sizeof record, "ls -A \"$MINIDOCKER_ROOT/imagedb/%.64s\"", r.out + 7);
	r = md(NULL, "run", "--rm", "img", NULL);
	ck_status(r, 0);
	ck_assert_str_eq(r.out, "x\n");
	ck_assert_str_eq(inspect("{{json .Config.Cmd}} {{.Architecture}} {{.Os}}", "img"),
			 "[\"echo\",\"x\"] amd64 linux\n");
	/* Written whole: no temporary file beside it. */
	ck_assert_str_eq(sh("%s", record).out, "config.json\nimage\n");
	/* The config goes with the image. */
	ck_status(md(NULL, "rmi", "img", NULL), 0);
	ck_assert_str_eq(sh("%s 2>/dev/null", record).out, "");
}
END_TEST

START_TEST(entrypoint_then_cmd_and_what_replaces_them)
{
	config_image("ec", "{\"Entrypoint\":[\"/bin/echo\",\"e\"],\"Cmd\":[\"c1\",\"c2\"]}");
	struct result r = md(NULL, "run", "--rm", "ec", NULL);
	ck_status(r, 0);
	ck_assert_str_eq(r.out, "e c1 c2\n");
	/* The words after the image replace Cmd, not Entrypoint. */
	r = md(NULL, "run", "--rm", "ec", "a", "b", NULL);
	ck_assert_str_eq(r.out, "e a b\n");
	/* --entrypoint replaces Entrypoint and drops Cmd. */
	r = md(NULL, "run", "--rm", "--entrypoint", "/bin/echo", "ec", NULL);
	ck_status(r, 0);
	ck_assert_str_eq(r.out, "\n");
	r = md(NULL, "run", "--rm", "--entrypoint", "/bin/echo", "ec", "z", NULL);
	ck_assert_str_eq(r.out, "z\n");
	/* --entrypoint '' leaves none: the command runs alone... */
	r = md(NULL, "run", "--rm", "--entrypoint", "", "ec", "echo", "alone", NULL);
	ck_status(r, 0);
	ck_assert_str_eq(r.out, "alone\n");
	/* ...and without one there is nothing to run (Docker's words). */
	r = md(NULL, "run", "--rm", "--entrypoint", "", "ec", NULL);
	ck_status(r, 125);
	ck_contains(r.err, "minidocker: run: no command specified");
	/* inspect and start see the combined command. */
	ck_status(md(NULL, "run", "--name", "kk", "ec", NULL), 0);
	ck_assert_str_eq(inspect("{{json .Config.Entrypoint}} {{json .Config.Cmd}} {{.Path}} {{json .Args}}", "kk"),
			 "[\"/bin/echo\",\"e\"] [\"c1\",\"c2\"] /bin/echo [\"e\",\"c1\",\"c2\"]\n");
	r = md(NULL, "start", "-a", "kk", NULL);
	ck_status(r, 0);
	ck_assert_str_eq(r.out, "e c1 c2\n");
}
END_TEST

START_TEST(no_entrypoint_no_cmd_no_command_is_125)
{
	config_image("bare", "{\"Env\":[\"A=1\"]}");
	struct result r = md(NULL, "run", "--rm", "bare", NULL);
	ck_status(r, 125);
	ck_contains(r.err, "minidocker: run: no command specified: image bare has no Entrypoint or Cmd");
	ck_assert_str_eq(containers_left(), "");
	r = md(NULL, "run", "--rm", "bare", "sh", "-c", "echo $A", NULL);
	ck_status(r, 0);
	ck_assert_str_eq(r.out, "1\n");
	/* An image with no config at all runs /bin/sh, as before v1.6. */
	r = md("echo from-sh", "run", "--rm", "-i", "base", NULL);
	ck_status(r, 0);
	ck_assert_str_eq(r.out, "from-sh\n");
	ck_assert_str_eq(inspect("{{json .Config.Cmd}}", "base"), "[\"/bin/sh\"]\n");
}
END_TEST

START_TEST(env_merges_by_name_and_e_wins)
{
	config_image("env", "{\"Env\":[\"PATH=/bin\",\"A=image\",\"B=image\"],\"Cmd\":[\"sh\",\"-c\","
		     "\"echo $PATH $A $B $C\"]}");
	struct result r = md(NULL, "run", "--rm", "-e", "A=flag", "-e", "C=new", "env", NULL);
	ck_status(r, 0);
	ck_assert_str_eq(r.out, "/bin flag image new\n");
	r = md(NULL, "run", "--name", "ee", "-e", "A=flag", "env", NULL);
	ck_assert_str_eq(inspect("{{json .Config.Env}}", "ee"),
			 "[\"PATH=/bin\",\"HOSTNAME=container\",\"HOME=/root\",\"A=flag\",\"B=image\"]\n");
	/* An image that sets no PATH gets the default one. */
	config_image("nopath", "{\"Env\":[\"A=1\"],\"Cmd\":[\"sh\",\"-c\",\"echo $PATH $A\"]}");
	r = md(NULL, "run", "--rm", "nopath", NULL);
	ck_assert_str_eq(r.out, "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin 1\n");
}
END_TEST

START_TEST(workdir_and_user_unless_w_and_u)
{
	config_image("wu", "{\"WorkingDir\":\"/srv/made\",\"User\":\"nobody\","
		     "\"Cmd\":[\"sh\",\"-c\",\"pwd; id -u\"]}");
	struct result r = md(NULL, "run", "--rm", "wu", NULL);
	ck_status(r, 0);
	ck_assert_str_eq(r.out, "/srv/made\n65534\n");	/* made, and nobody from its passwd */
	r = md(NULL, "run", "--rm", "-w", "/tmp", "-u", "0", "wu", NULL);
	ck_assert_str_eq(r.out, "/tmp\n0\n");
	/* exec runs as the container's user, in its folder. */
	r = md(NULL, "run", "-d", "--name", "ww", "wu", "sleep", "60", NULL);
	ck_status(r, 0);
	r = md(NULL, "exec", "ww", "sh", "-c", "pwd; id -u", NULL);
	ck_status(r, 0);
	ck_assert_str_eq(r.out, "/srv/made\n65534\n");
	ck_assert_str_eq(inspect("{{.Config.User}} {{.Config.WorkingDir}}", "ww"), "nobody /srv/made\n");
	md(NULL, "rm", "-f", "ww", NULL);
}
END_TEST

/* ---- commit -c and import -c ---------------------------------------- */

START_TEST(commit_c_takes_each_instruction)
{
	config_image("parent", "{\"Env\":[\"P=parent\"],\"Cmd\":[\"true\"],\"Labels\":{\"from\":\"parent\"}}");
	ck_status(md(NULL, "run", "--name", "ct", "-e", "R=run", "parent", NULL), 0);
	struct result r = md(NULL, "commit",
			     "-c", "ENV A=1 B=\"two words\" C=$P D=${R}x",
			     "-c", "env E F G",
			     "-c", "LABEL a=b \"c d\"='e f'",
			     "-c", "WORKDIR /srv", "-c", "WORKDIR app",
			     "-c", "USER nobody:nogroup",
			     "-c", "EXPOSE 80 53/udp 8000-8001",
			     "ct", "child", NULL);
	ck_status(r, 0);
	ck_assert_str_eq(inspect("{{json .Config.Env}}", "child"),
			 "[\"R=run\",\"P=parent\",\"A=1\",\"B=two words\",\"C=parent\",\"D=runx\",\"E=F G\"]\n");
	ck_assert_str_eq(inspect("{{json .Config.Labels}}", "child"),
			 "{\"a\":\"b\",\"c d\":\"e f\",\"from\":\"parent\"}\n");
	ck_assert_str_eq(inspect("{{.Config.WorkingDir}} {{.Config.User}} {{json .Config.ExposedPorts}}", "child"),
			 "/srv/app nobody:nogroup {\"53/udp\":{},\"80/tcp\":{},\"8000/tcp\":{},\"8001/tcp\":{}}\n");
	/* The container's command is the new image's Cmd (Docker's commit). */
	ck_assert_str_eq(inspect("{{json .Config.Cmd}} {{json .Config.Entrypoint}}", "child"), "[\"true\"] null\n");
	/* ENTRYPOINT drops the Cmd unless a CMD comes with it; the shell form. */
	ck_status(md(NULL, "commit", "-c", "ENTRYPOINT echo \"$0\" $A", "ct", "e1", NULL), 0);
	ck_assert_str_eq(inspect("{{json .Config.Entrypoint}} {{json .Config.Cmd}}", "e1"),
			 "[\"/bin/sh\",\"-c\",\"echo \\\"$0\\\" $A\"] null\n");
	r = md(NULL, "run", "--rm", "-e", "A=a", "e1", NULL);
	ck_assert_str_eq(r.out, "/bin/sh a\n");
	ck_status(md(NULL, "commit", "-c", "cmd [\"two\"]", "-c", "ENTRYPOINT [\"/bin/echo\",\"one\"]",
		     "ct", "e2", NULL), 0);
	r = md(NULL, "run", "--rm", "e2", NULL);
	ck_assert_str_eq(r.out, "one two\n");
	/* created and history, as an OCI config has them. */
	ck_assert_str_eq(inspect("{{.Config.Cmd}}", "e2"), "[two]\n");
	r = sh("grep -c '\"history\":\\[{\"created\":\"[0-9T:.-]*Z\",\"created_by\":\"true\",\"comment\":"
	       "\"minidocker commit\"}\\]' \"$MINIDOCKER_ROOT/imagedb/$(\"$MD\" inspect -f '{{.Id}}' e2 | "
	       "cut -d: -f2)/config.json\"");
	ck_assert_str_eq(r.out, "1\n");
}
END_TEST

START_TEST(import_c_gives_an_import_a_config)
{
	ck_status(sh("tar -C \"$MINIDOCKER_ROOT/images/base\" -cf \"$MINIDOCKER_ROOT/b.tar\" ."), 0);
	struct result r = sh("cd \"$MINIDOCKER_ROOT\" && \"$MD\" import --change 'CMD [\"/bin/echo\",\"imported\"]' "
			     "-c 'ENV X=1' b.tar imp && \"$MD\" run --rm imp && \"$MD\" run --rm imp sh -c 'echo $X'");
	ck_status(r, 0);
	ck_assert_msg(!strncmp(r.out, "sha256:", 7) && !strcmp(r.out + 7 + 64, "\nimported\n1\n"), "%s", r.out);
	/* Without -c, an import's config has no command, as Docker's: a run
	 * must name one. */
	ck_status(sh("cd \"$MINIDOCKER_ROOT\" && \"$MD\" import b.tar plain"), 0);
	r = md(NULL, "run", "--rm", "plain", NULL);
	ck_status(r, 125);
	ck_contains(r.err, "no command specified");
	ck_status(md(NULL, "run", "--rm", "plain", "true", NULL), 0);
}
END_TEST

/* ---- bad input ------------------------------------------------------ */

START_TEST(bad_changes_are_125_and_leave_nothing)
{
	static const char *const bad[][2] = {
		{ "RUN echo x", "RUN is not an instruction --change takes" },
		{ "FROM base", "FROM is not an instruction --change takes" },
		{ "CMD", "the instruction has no arguments" },
		{ "", "an instruction such as CMD, ENV or WORKDIR comes first" },
		{ "ENV A", "a value is missing" },
		{ "ENV =x", "a name before the '='" },
		{ "ENV A=\"open", "a \" is not closed" },
		{ "LABEL 'x", "a ' is not closed" },
		{ "EXPOSE 0", "a port is a number from 1 to 65535" },
		{ "EXPOSE 70000", "a port is a number from 1 to 65535" },
		{ "EXPOSE 90-80", "a port is a number from 1 to 65535" },
		{ "EXPOSE 80/http", "the protocol is tcp, udp or sctp" },
		{ "EXPOSE http", "EXPOSE takes PORT" },
		{ "USER a b", "USER takes NAME or UID" },
		{ "USER :x", "USER takes NAME or UID" },
		{ "WORKDIR ../up", "an absolute path, without '..'" },
		{ "WORKDIR /a /b", "WORKDIR takes one path" },
		{ "CMD a\nCMD b", "one instruction per -c, on one line" },
	};
	ck_status(md(NULL, "run", "--name", "ct", "base", "true", NULL), 0);
	char *before = leftovers();
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		struct result r = md(NULL, "commit", "-c", "ENV OK=1", "-c", bad[i][0], "ct", "bad", NULL);
		ck_status(r, 125);
		ck_contains(r.err, "minidocker: commit: invalid --change '");
		ck_contains(r.err, bad[i][1]);
		ck_assert_str_eq(leftovers(), before);
	}
	struct result r = sh("tar -C \"$MINIDOCKER_ROOT/images/base\" -cf \"$MINIDOCKER_ROOT/b.tar\" . && "
			     "\"$MD\" import -c 'ONBUILD RUN x' \"$MINIDOCKER_ROOT/b.tar\" bad");
	ck_status(r, 125);
	ck_contains(r.err, "minidocker: import: invalid --change 'ONBUILD RUN x': ONBUILD is not");
	ck_assert_str_eq(leftovers(), before);
	/* A JSON array that is not all strings is the shell form, as in Docker. */
	ck_status(md(NULL, "commit", "-c", "CMD [\"echo\", 1]", "ct", "shellform", NULL), 0);
	ck_assert_str_eq(inspect("{{json .Config.Cmd}}", "shellform"), "[\"/bin/sh\",\"-c\",\"[\\\"echo\\\", 1]\"]\n");
}
END_TEST

START_TEST(a_damaged_config_is_refused_by_name)
{
	static const char *const bad[][2] = {
		{ "{\"config\":{\"Cmd\":\"echo x\"}}", "config.Cmd is not what the OCI image spec says" },
		{ "{\"config\":{\"Entrypoint\":[1]}}", "config.Entrypoint is not" },
		{ "{\"config\":{\"Env\":[\"NOEQUALS\"]}}", "config.Env is not" },
		{ "{\"config\":{\"User\":7}}", "config.User is not" },
		{ "{\"config\":{\"WorkingDir\":[\"/srv\"]}}", "config.WorkingDir is not" },
		{ "{\"config\":[]}", "config is not" },
		{ "[]", "the whole file is not" },
		{ "{\"config\":{\"Cmd\":[\"x\"]}", "is damaged: " },
		{ "", "is damaged: " },
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		char name[16];
		snprintf(name, sizeof name, "dmg%zu", i);
		config_image_raw(name, bad[i][0], 1);
		char *before = leftovers();
		struct result r = md(NULL, "run", "--rm", name, "true", NULL);
		ck_status(r, 125);
		ck_contains(r.err, "its config");
		ck_contains(r.err, bad[i][1]);
		ck_assert_str_eq(leftovers(), before);
		r = md(NULL, "inspect", "--type", "image", name, NULL);
		ck_status(r, 1);
		ck_contains(r.err, bad[i][1]);
	}
	/* Fields of the right type but wrong values. */
	config_image("relwd", "{\"WorkingDir\":\"srv\",\"Cmd\":[\"true\"]}");
	struct result r = md(NULL, "run", "--rm", "relwd", NULL);
	ck_status(r, 125);
	ck_contains(r.err, "minidocker: image relwd: invalid WorkingDir 'srv' in its config");
	config_image("baduser", "{\"User\":\"a b\",\"Cmd\":[\"true\"]}");
	r = md(NULL, "run", "--rm", "baduser", NULL);
	ck_status(r, 125);
	ck_contains(r.err, "minidocker: image baduser: invalid User 'a b' in its config");
	ck_assert_str_eq(containers_left(), "");
}
END_TEST

void add_imageconfig_tests(Suite *s)
{
	TCase *tc = tcase(s, "image config");
	add_root_test(tc, commit_c_cmd_then_run_prints_x);
	add_root_test(tc, entrypoint_then_cmd_and_what_replaces_them);
	add_root_test(tc, no_entrypoint_no_cmd_no_command_is_125);
	add_root_test(tc, env_merges_by_name_and_e_wins);
	add_root_test(tc, workdir_and_user_unless_w_and_u);
	add_root_test(tc, commit_c_takes_each_instruction);
	add_root_test(tc, import_c_gives_an_import_a_config);
	tc = tcase(s, "image config bad input");
	add_root_test(tc, bad_changes_are_125_and_leave_nothing);
	add_root_test(tc, a_damaged_config_is_refused_by_name);
}
