/* v1.1: overlayfs instead of a copy, pivot_root instead of chroot, and
 * images as layers: import, commit, images, rmi. */
#include "basics.h"

#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <signal.h>
#include <unistd.h>

const char *run_words[] = { "-i", "base", NULL };

START_TEST(writes_and_deletions_never_reach_the_image)
{
	struct result r = md(NULL, "run", "--name", "writer", "base", "sh", "-c",
			     "echo new > /etc/new; rm /etc/group; rm -r /root; mkdir /root; "
			     "echo y > /root/y; ls /etc; ls /root", NULL);
	ck_status(r, 0);
	ck_assert_str_eq(r.out, "new\npasswd\ny\n");
	/* The image is as it was. */
	r = sh("cd \"$MINIDOCKER_ROOT/images/base\" && ls etc && ls -A root | wc -l");
	ck_assert_str_eq(r.out, "group\npasswd\n0\n");
	/* The container's upper layer holds the changes: a whiteout (a 0:0
	 * character device) for the deleted file. */
	struct stat st;
	r = sh("ls -d \"$MINIDOCKER_ROOT\"/containers/*/upper/etc/group");
	r.out[strcspn(r.out, "\n")] = '\0';
	ck_assert_int_eq(lstat(r.out, &st), 0);
	ck_assert(S_ISCHR(st.st_mode) && major(st.st_rdev) == 0 && minor(st.st_rdev) == 0);
}
END_TEST

START_TEST(two_containers_on_one_image_keep_apart)
{
	struct result a = md(NULL, "run", "-d", "--name", "aa", "base", "sh", "-c",
			     "echo mine > /tmp/a; sleep 30", NULL);
	ck_status(a, 0);
	struct result r;
	for (int i = 0; i < 100; i++) {
		r = md(NULL, "exec", "aa", "cat", "/tmp/a", NULL);
		if (r.status == 0)
			break;
		usleep(50000);
	}
	ck_assert_str_eq(r.out, "mine\n");
	r = md(NULL, "run", "--rm", "base", "sh", "-c", "test -e /tmp/a && echo seen || echo apart", NULL);
	ck_assert_str_eq(r.out, "apart\n");
	md(NULL, "rm", "-f", "aa", NULL);
}
END_TEST

START_TEST(the_chroot_escape_is_contained)
{
	struct result r = md(NULL, "run", "--rm", "base", "probe", "escape", host_marker(), NULL);
	ck_status(r, 0);
	ck_contains(r.out, "contained: ");
}
END_TEST

START_TEST(the_mount_table_holds_no_host_path)
{
	struct result r = md(NULL, "run", "--rm", "base", "cat", "/proc/self/mountinfo", NULL);
	ck_status(r, 0);
	/* Two mounts: the overlay at / and proc; the old root is gone. */
	int lines = 0;
	for (char *p = r.out; (p = strchr(p, '\n')); p++)
		lines++;
	ck_assert_msg(lines == 2, "%s", r.out);
	ck_contains(r.out, " / / ");
	ck_contains(r.out, " - overlay overlay ");
	ck_contains(r.out, " /proc ");
	ck_lacks(r.out, "/sys/fs/cgroup");
	ck_lacks(r.out, " /work");
	ck_lacks(r.out, " /tmp ");
}
END_TEST

START_TEST(no_overlay_is_left_on_the_host)
{
	char *before = read_file("/proc/self/mountinfo");
	struct result r = md(NULL, "run", "--rm", "base", "true", NULL);
	ck_status(r, 0);
	r = md(NULL, "run", "-d", "--name", "oo", "base", "sleep", "30", NULL);
	ck_status(r, 0);
	/* Not even while it runs: the overlay is in the container's namespace. */
	ck_assert_str_eq(read_file("/proc/self/mountinfo"), before);
	r = md(NULL, "rm", "-f", "oo", NULL);
	ck_status(r, 0);
	ck_assert_str_eq(read_file("/proc/self/mountinfo"), before);
	r = sh("ls -A \"$MINIDOCKER_ROOT/containers\"");
	ck_assert_str_eq(r.out, "");
}
END_TEST

START_TEST(import_keeps_links_modes_owners_and_times)
{
	struct result r = sh("set -e; cd \"$MINIDOCKER_ROOT\"; mkdir -p t/bin t/etc t/data; "
			     "cp images/base/bin/busybox t/bin/; ln -s busybox t/bin/sh; ln -s /bin/busybox t/bin/cat; "
			     "echo hello > t/data/file; ln t/data/file t/data/hard; chown 1234:5678 t/data/file; "
			     "chmod 4751 t/data/file; touch -d '2001-02-03 04:05:06' t/data/file; "
			     "mknod t/data/null c 1 3; echo readable > t/data/readme; tar -C t -cf img.tar .");
	ck_status(r, 0);
	r = sh("cd \"$MINIDOCKER_ROOT\" && \"$MD\" import img.tar imp");
	ck_status(r, 0);
	ck_assert_str_eq(r.out, "imp\n");
	ck_contains(r.err, "skipped 1 device node");
	/* The same as the tree it was made from, the device node aside. */
	r = sh("cd \"$MINIDOCKER_ROOT\" && for f in data/file data/hard bin/sh bin/cat; do "
	       "a=\"$(stat -c '%%A %%u:%%g %%h %%Y' t/$f) $(readlink t/$f)\"; "
	       "b=\"$(stat -c '%%A %%u:%%g %%h %%Y' images/imp/$f) $(readlink images/imp/$f)\"; "
	       "[ \"$a\" = \"$b\" ] || echo \"$f: $a / $b\"; done; "
	       "stat -c '%%A %%u:%%g %%h' images/imp/data/file; test -e images/imp/data/null || echo no-device");
	ck_assert_str_eq(r.out, "-rwsr-x--x 1234:5678 2\nno-device\n");
	/* An absolute symlink (/bin/cat -> /bin/busybox) is fine inside an
	 * image: it resolves in the container's root. */
	r = md(NULL, "run", "--rm", "imp", "cat", "/data/readme", NULL);
	ck_status(r, 0);
	ck_assert_str_eq(r.out, "readable\n");
}
END_TEST

/* A tarball made by the shell commands CMD in ROOT/t; import must refuse
 * it with 125, and leave no image and no temporary folder. */
static void refused(const char *cmd, const char *why)
{
	struct result r = sh("set -e; cd \"$MINIDOCKER_ROOT\"; mkdir -p t; cd t; %s", cmd);
	ck_status(r, 0);
	r = sh("cd \"$MINIDOCKER_ROOT\" && \"$MD\" import t/evil.tar evil");
	ck_status(r, 125);
	ck_contains(r.err, why);
	r = sh("ls -A \"$MINIDOCKER_ROOT/images\" | grep -v -e '^base$' -e '^.meta$'; true");
	ck_assert_str_eq(r.out, "");
}

START_TEST(hostile_tarballs_are_refused)
{
	char target[4200];
	snprintf(target, sizeof target, "%s/outside", state_root());
	refused("echo x > x; tar -P -cf evil.tar --transform 's,^x,../escaped,' x 2>/dev/null", "points out of the image");
	refused("echo x > x; tar -P -cf evil.tar --transform 's,^x,/tmp/md-absolute-escape,' x 2>/dev/null",
		"points out of the image");
	struct result r = sh("mkdir -p \"%s\"", target);
	char cmd[9000];
	snprintf(cmd, sizeof cmd, "rm -rf l; mkdir -p l/d; ln -s '%s' l/evil; echo y > l/d/f; "
		 "tar -cf evil.tar -C l evil --transform 's,^d,evil,' d/f", target);
	refused(cmd, "evil/f");
	r = sh("ls -A \"%s\"; ls /tmp/md-absolute-escape ../escaped 2>/dev/null; true", target);
	ck_assert_str_eq(r.out, "");
	refused("echo 'not a tarball' > evil.tar", "cannot read");
}
END_TEST

START_TEST(commit_makes_a_layer_and_run_shows_it)
{
	struct result r = md(NULL, "run", "--name", "cc", "base", "sh", "-c",
			     "echo hi > /hello; rm /etc/group; mkdir -p /srv/x", NULL);
	ck_status(r, 0);
	r = md(NULL, "commit", "cc", "img2", NULL);
	ck_status(r, 0);
	ck_assert_str_eq(r.out, "img2\n");
	r = md(NULL, "run", "--rm", "img2", "sh", "-c", "cat /hello; test -e /etc/group || echo no-group; "
	       "ls -d /srv/x; ls /etc", NULL);
	ck_status(r, 0);
	ck_assert_str_eq(r.out, "hi\nno-group\n/srv/x\npasswd\n");
	/* The new image holds the change only; base is its parent. */
	r = md(NULL, "images", NULL);
	ck_contains(r.out, "IMAGE                PARENT               SIZE       CREATED\n");
	ck_contains(r.out, "\nbase                 -    ");
	ck_contains(r.out, "\nimg2                 base ");
	r = sh("ls \"$MINIDOCKER_ROOT/images/img2\"");
	ck_assert_str_eq(r.out, "etc\nhello\nsrv\n");
	/* And a layer on a layer. */
	r = md(NULL, "run", "--name", "c3", "img2", "sh", "-c", "echo more >> /hello", NULL);
	ck_status(md(NULL, "commit", "c3", "img3", NULL), 0);
	r = md(NULL, "run", "--rm", "img3", "cat", "/hello", NULL);
	ck_assert_str_eq(r.out, "hi\nmore\n");
}
END_TEST

START_TEST(rmi_refuses_an_image_in_use)
{
	md(NULL, "run", "--name", "user", "base", "sh", "-c", "echo x > /x", NULL);
	struct result r = md(NULL, "rmi", "base", NULL);
	ck_status(r, 125);
	ck_contains(r.err, "image base is used by container");
	ck_status(md(NULL, "commit", "user", "child", NULL), 0);
	ck_status(md(NULL, "rm", "user", NULL), 0);
	r = md(NULL, "rmi", "base", NULL);
	ck_status(r, 125);
	ck_contains(r.err, "image base is the parent of image child");
	r = md(NULL, "rmi", "child", "nosuch", NULL);
	ck_status(r, 125);
	ck_assert_str_eq(r.out, "child\n");
	ck_contains(r.err, "no such image: nosuch");
	r = sh("ls -A \"$MINIDOCKER_ROOT/images\" \"$MINIDOCKER_ROOT/images/.meta\"");
	ck_assert_msg(!strstr(r.out, "child"), "%s", r.out);
	ck_status(md(NULL, "rmi", "base", NULL), 0);
}
END_TEST

START_TEST(proc_is_never_mounted_through_a_symlink)
{
	/* An image whose /proc points at a host folder. */
	struct result r = sh("set -e; cd \"$MINIDOCKER_ROOT\"; mkdir -p t/bin; cp images/base/bin/busybox t/bin/; "
			     "ln -s busybox t/bin/sh; ln -s /tmp t/proc; tar -C t -cf p.tar . && "
			     "\"$MD\" import p.tar badproc");
	ck_status(r, 0);
	char *before = read_file("/proc/self/mountinfo");
	r = md(NULL, "run", "--rm", "badproc", "true", NULL);
	ck_status(r, 125);
	ck_contains(r.err, "the image's /proc is not a folder");
	ck_assert_str_eq(read_file("/proc/self/mountinfo"), before);
}
END_TEST

START_TEST(bad_image_names_are_refused)
{
	struct result r = md(NULL, "run", "--name", "nn", "base", "true", NULL);
	const char *bad[] = { "../x", "Upper", ".hidden", "a/b", "" };
	for (int i = 0; i < 5; i++) {
		r = md(NULL, "commit", "nn", bad[i], NULL);
		ck_status(r, 125);
		ck_contains(r.err, "invalid image name");
	}
	r = md(NULL, "commit", "nn", "base", NULL);
	ck_status(r, 125);
	ck_contains(r.err, "image 'base' already exists");
	/* A flag is a flag, not a tarball's name. */
	r = md(NULL, "import", "--bogus", "x.tar", "fine", NULL);
	ck_status(r, 125);
	ck_contains(r.err, "import: unknown flag '--bogus'");
}
END_TEST

START_TEST(overlay_works_without_root)
{
	nobody_root();
	struct result r = sh(AS_NOBODY " run --rm base sh -c 'echo x > /etc/x; cat /etc/x; id -u'");
	ck_status(r, 0);
	ck_assert_str_eq(r.out, "x\n0\n");
	r = sh("test -e \"$MINIDOCKER_ROOT/nobody/images/base/etc/x\" && echo leaked; true");
	ck_assert_str_eq(r.out, "");
}
END_TEST

START_TEST(rootless_rm_works_after_deletions)
{
	/* Once a rootless container deletes something, overlayfs leaves a
	 * mode-0 work/work folder that nobody could remove: rm and --rm
	 * failed with "Is a directory". */
	nobody_root();
	struct result r = sh(AS_NOBODY " run --name rr base sh -c 'rm /etc/group; rm -r /root'");
	ck_status(r, 0);
	r = sh(AS_NOBODY " rm rr");
	ck_status(r, 0);
	ck_assert_str_eq(r.out, "rr\n");
	r = sh(AS_NOBODY " run --rm base sh -c 'rm /etc/passwd; echo gone'");
	ck_status(r, 0);
	ck_assert_str_eq(r.out, "gone\n");
	ck_assert_str_eq(r.err, "");
	r = sh("ls -A \"$MINIDOCKER_ROOT/nobody/containers\"");
	ck_assert_str_eq(r.out, "");
}
END_TEST

/* Wait until an import's temporary folder exists. */
static void wait_import_temp(void)
{
	for (int i = 0; i < 200; i++) {
		struct result r = sh("ls -d \"$MINIDOCKER_ROOT\"/images/.import-* 2>/dev/null");
		if (r.out[0])
			return;
		usleep(20000);
	}
	ck_abort_msg("no images/.import-* appeared");
}

START_TEST(an_interrupted_import_leaves_no_temporary)
{
	struct result r = sh("cd \"$MINIDOCKER_ROOT\" && mkdir big && cd big && seq 30000 | xargs touch && "
			     "tar -cf ../big.tar .");
	ck_status(r, 0);
	/* Ctrl-C at the terminal... */
	struct pty p;
	pty_start(&p, 24, 80, "cd \"$MINIDOCKER_ROOT\" && exec \"$MD\" import big.tar big1");
	wait_import_temp();
	pty_send(&p, "\x03");
	ck_assert_int_eq(pty_finish(&p, 20), 130);
	/* ...and SIGTERM. */
	int pid = start_bg("cd \"$MINIDOCKER_ROOT\" && exec \"$MD\" import big.tar big2");
	wait_import_temp();
	kill(pid, SIGTERM);
	r = sh("sleep 1; ls -A \"$MINIDOCKER_ROOT/images\"");
	ck_assert_str_eq(r.out, "base\n");
	/* A SIGKILLed import's temporary goes at the next one; a live
	 * importer's (ours, by its PID and start time) stays. */
	char *stat = read_file("/proc/self/stat");
	unsigned long long started = 0;
	sscanf(strrchr(stat, ')') + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %*u %*u "
	       "%*d %*d %*d %*d %*d %*d %llu", &started);
	pid_t dead = fork();
	if (dead == 0)
		_exit(0);
	waitpid(dead, NULL, 0);
	r = sh("cd \"$MINIDOCKER_ROOT\" && mkdir images/.import-%d-%llu-AAAAAA images/.import-%d-%llu-BBBBBB && "
	       "mkdir -p s/x && tar -cf s.tar -C s . && \"$MD\" import s.tar small && ls -A images",
	       (int)dead, started, (int)getpid(), started);
	ck_status(r, 0);
	char want[200];
	snprintf(want, sizeof want, "small\n.import-%d-%llu-BBBBBB\n.meta\nbase\nsmall\n", (int)getpid(), started);
	ck_assert_str_eq(r.out, want);
}
END_TEST

/* ---- Bad input and small correctness (issue 11) ---------------------- */

START_TEST(version_takes_no_arguments)
{
	struct result r = md(NULL, "version", "extra", NULL);
	ck_status(r, 125);
	ck_contains(r.err, "version: unexpected argument 'extra'");
	ck_assert_str_eq(r.out, "");
}
END_TEST

START_TEST(an_empty_state_root_is_refused)
{
	/* Each would have fallen back to the system's root: ps printed its
	 * table with exit 0. */
	struct result r = md(NULL, "--root=", "ps", "-a", NULL);
	ck_status(r, 125);
	ck_contains(r.err, "flag '--root' needs a folder");
	ck_assert_str_eq(r.out, "");
	r = md(NULL, "--root", "", "ps", "-a", NULL);
	ck_status(r, 125);
	ck_contains(r.err, "flag '--root' needs a folder");
	r = sh("MINIDOCKER_ROOT= \"$MD\" ps -a");
	ck_status(r, 125);
	ck_contains(r.err, "MINIDOCKER_ROOT is set but empty");
	ck_assert_str_eq(r.out, "");
}
END_TEST

START_TEST(the_state_root_is_made_0700)
{
	/* A root minidocker makes (here: the lock `run` takes first) is ours
	 * alone, as are its containers and images folders. */
	struct result r = sh("cd \"$MINIDOCKER_ROOT\" && mkdir -p fresh && \"$MD\" --root fresh/r run --rm base true; "
	       "stat -c '%%a %%u' fresh/r fresh/r/containers");
	ck_assert_str_eq(r.out, "700 0\n700 0\n");
	ck_contains(r.err, "image 'base' not found");
}
END_TEST

START_TEST(memory_sizes_are_checked_before_they_are_shifted)
{
	const char *bad[][2] = {
		{ "18014398509584384k", "too large" },	/* 2^64 + 100 MiB: came out as 100 MiB */
		{ "1048576g", "too large" }, { "1125899906842624", "too large" },
		{ "99999999999999999999", "too large" },
		{ "6143k", "at least 6m" }, { "0", "at least 6m" },
		{ "-1", "a whole number" }, { "1.5g", "1536m, not 1.5g" }, { " 64m", "a whole number" },
		{ "+64m", "a whole number" }, { "64mb", "a whole number" }, { "", "a whole number" } };
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		struct result r = md(NULL, "run", "--rm", "-m", bad[i][0], "base", "true", NULL);
		ck_status(r, 125);
		ck_contains(r.err, "invalid memory limit");
		ck_contains(r.err, bad[i][1]);
	}
	struct result r = sh("ls -A \"$MINIDOCKER_ROOT/containers\" 2>/dev/null");
	ck_assert_str_eq(r.out, "");
	/* The edges that are sizes: 6m exactly, and just under 1 PiB. */
	ck_status(md(NULL, "run", "--rm", "-m", "6144k", "base", "true", NULL), 0);
	ck_status(md(NULL, "run", "--rm", "-m", "1048575g", "base", "true", NULL), 0);
}
END_TEST

START_TEST(options_may_follow_the_container)
{
	struct result r = md(NULL, "run", "-d", "--name", "fl", "base", "sh", "-c", "echo hi; sleep 60", NULL);
	ck_status(r, 0);
	for (int i = 0; i < 200 && !strstr(r.out, "hi"); i++) {
		usleep(25000);
		r = md(NULL, "logs", "fl", "-n", "1", NULL);
		ck_status(r, 0);
	}
	ck_assert_str_eq(r.out, "hi\n");
	r = md(NULL, "stats", "fl", "--no-stream", NULL);
	ck_status(r, 0);
	ck_contains(r.out, " fl ");
	/* run and exec stop at the command: its flags are its own. */
	r = md(NULL, "exec", "fl", "echo", "-n", "y", NULL);
	ck_status(r, 0);
	ck_assert_str_eq(r.out, "y");
	r = md(NULL, "stop", "fl", "-t", "0", NULL);
	ck_status(r, 0);
	ck_assert_str_eq(r.out, "fl\n");
	r = md(NULL, "run", "--name", "once", "base", "echo", "-n", "x", NULL);
	ck_assert_str_eq(r.out, "x");
	r = md(NULL, "start", "once", "-a", NULL);
	ck_status(r, 0);
	ck_assert_str_eq(r.out, "x");
	r = md(NULL, "logs", "once", "-f", NULL);
	ck_status(r, 0);
	ck_assert_str_eq(r.out, "xx");
	ck_status(md(NULL, "start", "fl", NULL), 0);
	r = md(NULL, "rm", "fl", "-f", NULL);
	ck_status(r, 0);
	ck_assert_str_eq(r.out, "fl\n");
	r = md(NULL, "ps", "-a", "-q", NULL);
	ck_assert_int_eq(strlen(r.out), 13);	/* once, only */
}
END_TEST

START_TEST(a_refused_flag_is_the_one_named)
{
	/* An unknown short flag in a group: the message named the word
	 * before it ("unknown flag 'exec'"). */
	struct result r = md(NULL, "exec", "-zq", "c1", "sh", NULL);
	ck_status(r, 125);
	ck_contains(r.err, "exec: unknown flag '-z'");
	ck_lacks(r.err, "'exec'");
	r = md(NULL, "ps", "-az", NULL);
	ck_status(r, 125);
	ck_contains(r.err, "ps: unknown flag '-z'");
	r = md(NULL, "ps", "--all=1", NULL);
	ck_status(r, 125);
	ck_contains(r.err, "ps: flag '--all' takes no value");
	r = md(NULL, "stop", "x", "-t", NULL);
	ck_status(r, 125);
	ck_contains(r.err, "stop: flag '-t' needs a value");
	r = md(NULL, "--fooo", "exec", NULL);
	ck_status(r, 125);
	ck_contains(r.err, "minidocker: unknown flag '--fooo'");
}
END_TEST

START_TEST(stop_of_a_stopped_container_is_0)
{
	ck_status(md(NULL, "run", "--name", "done", "base", "true", NULL), 0);
	struct result r = md(NULL, "stop", "done", NULL);
	ck_status(r, 0);
	ck_assert_str_eq(r.out, "done\n");
	r = md(NULL, "stop", "nosuch", NULL);
	ck_status(r, 125);
	ck_contains(r.err, "no such container: nosuch");
}
END_TEST

START_TEST(ps_shows_a_container_it_cannot_read)
{
	struct result r = sh("cd \"$MINIDOCKER_ROOT\" && mkdir -p containers/%.64s containers/%.64s && "
			     "echo garbage > containers/%.64s/state",
			     "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
			     "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb",
			     "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb");
	ck_status(r, 0);
	r = md(NULL, "ps", "-a", NULL);
	ck_status(r, 0);
	ck_contains(r.out, "\naaaaaaaaaaaa   ");
	ck_contains(r.out, "\nbbbbbbbbbbbb   ");
	ck_contains(r.out, "Dead");
	r = md(NULL, "ps", NULL);
	ck_lacks(r.out, "aaaaaaaaaaaa");
}
END_TEST

/* Does valgrind find a leak in `minidocker ARGS` (a shell line) other
 * than find_container's own (state.c)?  Returns its report. */
static struct result leaks(const char *args)
{
	struct result r = sh("cd \"$MINIDOCKER_ROOT\" && printf '{\\n state\\n Memcheck:Leak\\n ...\\n "
			     "fun:find_container\\n}\\n' > vg.supp && valgrind -q --leak-check=full "
			     "--errors-for-leak-kinds=definite,indirect --error-exitcode=99 "
			     "--suppressions=vg.supp \"$MD\" %s >/dev/null", args);
	return r;
}

START_TEST(ps_logs_stats_and_images_leak_nothing)
{
	if (system("valgrind --version >/dev/null 2>&1") != 0) {
		fprintf(stderr, "ps_logs_stats_and_images_leak_nothing: no valgrind here, not checked\n");
		return;
	}
	/* logs -f reads the state ten times a second: it leaked each one. */
	struct result r = md(NULL, "run", "-d", "--name", "lk", "base", "sh", "-c", "echo a; sleep 2", NULL);
	ck_status(r, 0);
	const char *cmds[] = { "logs -f lk", "ps -a", "stats --no-stream", "stats --no-stream lk",
			       "images", "stop lk", "commit lk lkimg", "rmi lkimg" };
	for (size_t i = 0; i < sizeof cmds / sizeof cmds[0]; i++) {
		r = leaks(cmds[i]);
		ck_assert_msg(r.status == 0, "%s: %d\n%s", cmds[i], r.status, r.err);
	}
}
END_TEST

START_TEST(corrupt_and_empty_tarballs_are_refused)
{
	/* A flipped byte in gzip's CRC (libarchive does not check it). */
	refused("mkdir -p d; echo hello > d/f; tar -czf ok.tgz d; cp ok.tgz evil.tar; "
		"n=$(stat -c %s evil.tar); printf '\\377' | dd of=evil.tar bs=1 seek=$((n - 8)) conv=notrunc "
		"2>/dev/null; ! gzip -t evil.tar 2>/dev/null", "(the file is corrupt)");
	refused("head -c 100 ok.tgz > evil.tar", "cannot read");
	refused(": > evil.tar", "it is empty (0 bytes)");
	refused("rm -rf e; mkdir e; tar -C e -cf evil.tar .", "no files in it");
	/* And the good one is fine. */
	struct result r = sh("cd \"$MINIDOCKER_ROOT\" && \"$MD\" import t/ok.tgz fine");
	ck_status(r, 0);
}
END_TEST

START_TEST(a_tarballs_top_folder_cannot_change_the_layers_mode)
{
	/* "./" of mode 0777, owned by someone else: the layer stays 0755 and
	 * ours; what is in it keeps the tarball's modes. */
	struct result r = sh("set -e; cd \"$MINIDOCKER_ROOT\"; mkdir -p t/sub; chmod 0777 t t/sub; "
			     "chown 1234:1234 t; echo x > t/sub/f; tar -C t -cf top.tar . && "
			     "\"$MD\" import top.tar top && stat -c '%%a %%u:%%g' images/top images/top/sub");
	ck_status(r, 0);
	ck_assert_str_eq(r.out, "top\n755 0:0\n777 0:0\n");
}
END_TEST

START_TEST(images_are_reachable_by_no_other_user)
{
	struct result r = sh("set -e; cd \"$MINIDOCKER_ROOT\"; mkdir -p t/bin; echo x > t/bin/x; chmod 4755 t/bin/x; "
			     "tar -C t -cf s.tar . && \"$MD\" --root fresh import s.tar suid >/dev/null && "
			     "stat -c '%%a' fresh fresh/images fresh/images/suid fresh/images/suid/bin/x; "
			     "setpriv --reuid=65534 --regid=65534 --clear-groups test -e fresh/images/suid/bin/x "
			     "&& echo reachable || echo unreachable");
	ck_status(r, 0);
	ck_assert_str_eq(r.out, "700\n700\n755\n4755\nunreachable\n");
}
END_TEST

START_TEST(a_3000_level_tree_commits_lists_and_goes)
{
	/* 3,000 levels are 6,000 bytes of path, past PATH_MAX: made of three
	 * 1,000-level trees moved into one another, each step under it. */
	struct result r = md(NULL, "run", "--name", "deep", "base", "sh", "-c",
			     "set -e; p=$(printf 'd/%.0s' $(seq 1000)); mkdir /deep; cd /deep; "
			     "mkdir -p a/$p b/$p c/$p; s=0123456789abcdef; for i in $(seq 18); do s=$s$s; done; "
			     "printf %s \"$s\" > c/$p/big; "
			     "mv c b/$p; mv b a/$p; echo made", NULL);
	ck_status(r, 0);
	ck_assert_str_eq(r.out, "made\n");
	r = md(NULL, "commit", "deep", "deepimg", NULL);
	ck_status(r, 0);
	ck_assert_str_eq(r.out, "deepimg\n");
	r = sh("cd \"$MINIDOCKER_ROOT/images/deepimg\" && find . -name big -size 4096k | wc -l && "
	       "find . -type d | wc -l");
	ck_assert_str_eq(r.out, "1\n3005\n");
	/* The size counts the big file at the bottom. */
	r = md(NULL, "images", NULL);
	ck_status(r, 0);
	double mb = 0;
	char *line = strstr(r.out, "\ndeepimg ");
	ck_assert_ptr_nonnull(line);
	ck_assert_int_eq(sscanf(line, "\ndeepimg base %lfMB", &mb), 1);
	ck_assert_msg(mb >= 4.1, "%s", r.out);
	ck_status(md(NULL, "rm", "deep", NULL), 0);
	ck_status(md(NULL, "rmi", "deepimg", NULL), 0);
	r = sh("ls -A \"$MINIDOCKER_ROOT/containers\"; ls \"$MINIDOCKER_ROOT/images\"");
	ck_assert_str_eq(r.out, "base\n");
}
END_TEST

int main(void)
{
	stage = "v1.1";
	with_image = 1;
	Suite *s = suite_create(stage);
	add_basic_tests(s, 1, 1);
	add_session_tests(s);
	add_mount_tests(s);
	add_image_tests(s);
	add_lifecycle_tests(s);
	TCase *tc = tcase(s, "overlay");
	add_root_test(tc, writes_and_deletions_never_reach_the_image);
	add_root_test(tc, two_containers_on_one_image_keep_apart);
	add_root_test(tc, the_chroot_escape_is_contained);
	add_root_test(tc, the_mount_table_holds_no_host_path);
	add_root_test(tc, no_overlay_is_left_on_the_host);
	add_root_test(tc, overlay_works_without_root);
	add_root_test(tc, rootless_rm_works_after_deletions);
	tc = tcase(s, "images");
	add_root_test(tc, import_keeps_links_modes_owners_and_times);
	add_root_test(tc, hostile_tarballs_are_refused);
	add_root_test(tc, commit_makes_a_layer_and_run_shows_it);
	add_root_test(tc, rmi_refuses_an_image_in_use);
	add_root_test(tc, proc_is_never_mounted_through_a_symlink);
	add_root_test(tc, bad_image_names_are_refused);
	add_root_test(tc, an_interrupted_import_leaves_no_temporary);
	tc = tcase(s, "input");
	add_root_test(tc, version_takes_no_arguments);
	add_root_test(tc, an_empty_state_root_is_refused);
	add_root_test(tc, the_state_root_is_made_0700);
	add_root_test(tc, memory_sizes_are_checked_before_they_are_shifted);
	add_root_test(tc, options_may_follow_the_container);
	add_root_test(tc, a_refused_flag_is_the_one_named);
	add_root_test(tc, stop_of_a_stopped_container_is_0);
	add_root_test(tc, ps_shows_a_container_it_cannot_read);
	add_root_test(tc, ps_logs_stats_and_images_leak_nothing);
	add_root_test(tc, corrupt_and_empty_tarballs_are_refused);
	add_root_test(tc, a_tarballs_top_folder_cannot_change_the_layers_mode);
	add_root_test(tc, images_are_reachable_by_no_other_user);
	add_root_test(tc, a_3000_level_tree_commits_lists_and_goes);
	return run_suite(s);
}
