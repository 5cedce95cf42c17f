/* From v1.1 on: overlayfs layers, pivot_root, and images as layers
 * (import, commit, images, rmi).  v1.1's suite and every later one add
 * these with add_layer_tests. */
#include "features.h"
#include "layers.h"

#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

START_TEST(writes_and_deletions_never_reach_the_image)
{
	struct result r = md(NULL, "run", "--name", "writer", "base", "sh", "-c",
			     "echo new > /etc/new; rm /etc/group; rm -r /root; mkdir /root; "
			     "echo y > /root/y; ls /etc; ls /root", NULL);
	ck_status(r, 0);
	/* From v1.4 on, /etc/hosts, hostname and resolv.conf are the
	 * runtime's, bind-mounted (the image has none). */
	ck_assert_str_eq(r.out, strcmp(stage, "v1.4") >= 0 ? "hostname\nhosts\nnew\npasswd\nresolv.conf\ny\n"
							  : "new\npasswd\ny\n");
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
	struct result r = md_until(10, "mine", "exec", "aa", "cat", "/tmp/a", NULL);
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

/* From v1.4 on: how many of the runtime's /etc/hosts, /etc/hostname and
 * /etc/resolv.conf mountinfo MI shows mounted (3; 0 before v1.4). */
static int etc_files_mounted(const char *mi)
{
	int n = 0;
	for (const char *l = mi; *l; l = strchr(l, '\n') + 1) {
		char point[4096];
		if (sscanf(l, "%*s %*s %*s %*s %4095s", point) == 1 &&
		    (!strcmp(point, "/etc/hosts") || !strcmp(point, "/etc/hostname") || !strcmp(point, "/etc/resolv.conf")))
			n++;
		if (!strchr(l, '\n'))
			break;
	}
	ck_assert_int_eq(n, strcmp(stage, "v1.4") >= 0 ? 3 : 0);
	return n;
}

START_TEST(the_mount_table_holds_no_host_path)
{
	struct result r = md(NULL, "run", "--rm", "base", "cat", "/proc/self/mountinfo", NULL);
	ck_status(r, 0);
	/* Two mounts: the overlay at / and proc; the old root is gone.
	 * From v1.3 on, /sys, /dev and the masks too, all below those three. */
	int lines = 0, v13 = strcmp(stage, "v1.3") >= 0;
	for (char *p = r.out; (p = strchr(p, '\n')); p++)
		lines++;
	lines -= etc_files_mounted(r.out);	/* v1.4 */
	ck_assert_msg(v13 ? lines > 2 : lines == 2, "%s", r.out);
	ck_contains(r.out, " / / ");
	ck_contains(r.out, " - overlay overlay ");
	ck_contains(r.out, " /proc ");
	ck_lacks(r.out, "/sys/fs/cgroup");
	/* Mounted at / and /proc only (v1.3: and in /proc, /sys and /dev):
	 * no host folder (the checkout, the state root, /tmp) is a mount
	 * point in it. */
	int v14 = strcmp(stage, "v1.4") >= 0;
	for (char *line = r.out; *line; line = strchr(line, '\n') + 1) {
		char point[4096];
		ck_assert_int_eq(sscanf(line, "%*s %*s %*s %*s %4095s", point), 1);
		int kernel = !strncmp(point, "/proc/", 6) || !strcmp(point, "/sys") || !strncmp(point, "/sys/", 5) ||
			     !strcmp(point, "/dev") || !strncmp(point, "/dev/", 5);
		ck_assert_msg(!strcmp(point, "/") || !strcmp(point, "/proc") || (v13 && kernel) ||
				      (v14 && (!strcmp(point, "/etc/hosts") || !strcmp(point, "/etc/hostname") ||
					       !strcmp(point, "/etc/resolv.conf"))),
			      "mount point %s in:\n%s", point, r.out);
	}
}
END_TEST

START_TEST(no_overlay_is_left_on_the_host)
{
	own_mount_ns(0);
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
	if (strcmp(stage, "v1.6") >= 0)	/* Docker's sha256:ID */
		ck_assert_msg(strlen(r.out) == 72 && !strncmp(r.out, "sha256:", 7), "%s", r.out);
	else
		ck_assert_str_eq(r.out, "imp\n");
	const char *imp = layer_dir("imp");
	ck_contains(r.err, "skipped 1 device node");
	/* The same as the tree it was made from, the device node aside. */
	r = sh("cd \"$MINIDOCKER_ROOT\" && for f in data/file data/hard bin/sh bin/cat; do "
	       "a=\"$(stat -c '%%A %%u:%%g %%h %%Y' t/$f) $(readlink t/$f)\"; "
	       "b=\"$(stat -c '%%A %%u:%%g %%h %%Y' %s/$f) $(readlink %s/$f)\"; "
	       "[ \"$a\" = \"$b\" ] || echo \"$f: $a / $b\"; done; "
	       "stat -c '%%A %%u:%%g %%h' %s/data/file; test -e %s/data/null || echo no-device", imp, imp, imp, imp);
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
void import_refused(const char *cmd, const char *why)
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
	import_refused("echo x > x; tar -P -cf evil.tar --transform 's,^x,../escaped,' x 2>/dev/null", "points out of the image");
	import_refused("echo x > x; tar -P -cf evil.tar --transform 's,^x,/tmp/md-absolute-escape,' x 2>/dev/null",
		"points out of the image");
	struct result r = sh("mkdir -p \"%s\"", target);
	char cmd[9000];
	snprintf(cmd, sizeof cmd, "rm -rf l; mkdir -p l/d; ln -s '%s' l/evil; echo y > l/d/f; "
		 "tar -cf evil.tar -C l evil --transform 's,^d,evil,' d/f", target);
	import_refused(cmd, "evil/f");
	r = sh("ls -A \"%s\"; ls /tmp/md-absolute-escape ../escaped 2>/dev/null; true", target);
	ck_assert_str_eq(r.out, "");
	import_refused("echo 'not a tarball' > evil.tar", "cannot read");
}
END_TEST

/* SIGKILL to an import, which minidocker cannot catch: the child that
 * unpacks the tarball goes with it (PR_SET_PDEATHSIG), where it went on
 * unpacking into a folder the next import removes as a dead one's.  The
 * child is stopped first, by its pid, so that it cannot finish meanwhile
 * (SIGKILL ends a stopped process too); the next import removes what
 * the killed one left. */
START_TEST(a_killed_import_takes_its_child_with_it)
{
	struct result r = sh("set -e; cd \"$MINIDOCKER_ROOT\"; mkdir big; (cd big && seq 30000 | xargs touch); "
			     "tar -C big -cf big.tar .; rm -rf big; mkdir -p s/bin; cp images/base/bin/busybox s/bin/; "
			     "tar -C s -cf small.tar .");
	ck_status(r, 0);
	int pid = start_bg("exec \"$MD\" import \"$MINIDOCKER_ROOT/big.tar\" big");
	ck_assert_msg(wait_tree(pid, NULL, 2, 30) == 2, "the import's child was never seen");
	struct procs p = proc_tree(pid, NULL);
	ck_assert_int_eq(p.n, 2);
	ck_assert_int_eq(kill(p.pid[1], SIGSTOP), 0);
	ck_assert_int_eq(kill(pid, SIGKILL), 0);
	ck_assert_int_eq(wait_exit(pid, 10), 137);
	int left = wait_ended(&p, 5);
	if (left)	/* the test's own, and the import's before the fix */
		kill(p.pid[1], SIGKILL);
	ck_assert_msg(left == 0, "the import's child outlived it");
	r = sh("cd \"$MINIDOCKER_ROOT\" && \"$MD\" import small.tar small > /dev/null && "
	       "ls -A images layers 2>/dev/null | grep -c '^\\.import-'; \"$MD\" images | grep -c big");
	ck_assert_str_eq(r.out, "0\n0\n");
}
END_TEST

START_TEST(commit_makes_a_layer_and_run_shows_it)
{
	struct result r = md(NULL, "run", "--name", "cc", "base", "sh", "-c",
			     "echo hi > /hello; rm /etc/group; mkdir -p /srv/x", NULL);
	ck_status(r, 0);
	r = md(NULL, "commit", "cc", "img2", NULL);
	ck_status(r, 0);
	int v16 = strcmp(stage, "v1.6") >= 0;	/* Docker's sha256:ID, Docker's columns */
	if (v16)
		ck_assert_msg(strlen(r.out) == 72 && !strncmp(r.out, "sha256:", 7), "%s", r.out);
	else
		ck_assert_str_eq(r.out, "img2\n");
	r = md(NULL, "run", "--rm", "img2", "sh", "-c", "cat /hello; test -e /etc/group || echo no-group; "
	       "ls -d /srv/x; ls /etc", NULL);
	ck_status(r, 0);
	ck_assert_str_eq(r.out, strcmp(stage, "v1.4") >= 0 ? "hi\nno-group\n/srv/x\nhostname\nhosts\npasswd\nresolv.conf\n"
							  : "hi\nno-group\n/srv/x\npasswd\n");
	/* ...but not in the layer, which has /etc/group's whiteout only:
	 * they were mount points, not changes. */
	r = sh("ls \"%s/etc\"", layer_dir("img2"));
	ck_assert_str_eq(r.out, "group\n");
	/* The new image holds the change only; base is its parent. */
	r = md(NULL, "images", NULL);
	ck_contains(r.out, v16 ? "REPOSITORY   TAG        IMAGE ID       CREATED                  SIZE\n"
			       : "IMAGE                PARENT               SIZE       CREATED\n");
	ck_contains(r.out, v16 ? "\nbase         latest     -    " : "\nbase                 -    ");
	ck_contains(r.out, v16 ? "\nimg2         latest     " : "\nimg2                 base ");
	r = sh("ls \"%s\"", layer_dir("img2"));
	ck_assert_str_eq(r.out, "etc\nhello\nsrv\n");
	/* And a layer on a layer. */
	r = md(NULL, "run", "--name", "c3", "img2", "sh", "-c", "echo more >> /hello", NULL);
	ck_status(md(NULL, "commit", "c3", "img3", NULL), 0);
	r = md(NULL, "run", "--rm", "img3", "cat", "/hello", NULL);
	ck_assert_str_eq(r.out, "hi\nmore\n");
}
END_TEST

/* No image at all: the header alone.  (The empty list was handed to
 * qsort(3) as NULL, which UBSan reports: SANITIZE=1 catches it.) */
START_TEST(images_of_an_empty_root_is_its_header)
{
	ck_status(sh("rm -rf \"$MINIDOCKER_ROOT/images\" && mkdir \"$MINIDOCKER_ROOT/images\""), 0);
	struct result r = md(NULL, "images", NULL);
	ck_status(r, 0);
	ck_assert_str_eq(r.out, strcmp(stage, "v1.6") >= 0
					? "REPOSITORY   TAG        IMAGE ID       CREATED                  SIZE\n"
					: "IMAGE                PARENT               SIZE       CREATED\n");
	ck_assert_str_eq(r.err, "");
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
	if (strcmp(stage, "v1.6") >= 0) {	/* Docker's words */
		ck_contains(r.out, "Untagged: child:latest\nDeleted: sha256:");
		ck_contains(r.err, "No such image: nosuch");
		r = sh("cat \"$MINIDOCKER_ROOT/imagedb/tags\"; ls -A \"$MINIDOCKER_ROOT/layers\"");
		ck_assert_str_eq(r.out, "");
	} else {
		ck_assert_str_eq(r.out, "child\n");
		ck_contains(r.err, "no such image: nosuch");
	}
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
	own_mount_ns(0);
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
	/* v1.6: a/b is a repository's name, as docker.io/library/busybox. */
	const char *bad15[] = { "../x", "Upper", ".hidden", "a/b", "", NULL };
	const char *bad16[] = { "../x", "Upper", ".hidden", "", "a//b", "x:", "x:-t", "x/-y", "/a", NULL };
	int v16 = strcmp(stage, "v1.6") >= 0;
	for (const char **bad = v16 ? bad16 : bad15; *bad; bad++) {
		r = md(NULL, "commit", "nn", *bad, NULL);
		ck_status(r, 125);
		ck_contains(r.err, v16 ? "invalid reference format" : "invalid image name");
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

/* libarchive (and from v1.4 libnftables, from v1.6 libcrypto) is loaded
 * where it is used (common/lazy.c): a run never maps it, nor the
 * libraries only it brings (libstdc++ is not one: SANITIZE=1's UBSan
 * runtime links it).  The monitor is the run's own process. */
START_TEST(a_run_maps_none_of_the_libraries_it_does_not_use)
{
	struct result r = sh("\"$MD\" run -d --name lz %s base sleep 30",
			     strcmp(stage, "v1.4") >= 0 ? "--network none" : "");
	ck_status(r, 0);
	const char *monitor = state_of("", "monitor");
	ck_assert_int_gt(atoi(monitor), 0);
	r = sh("grep -c libc.so /proc/%s/maps; grep -E 'lib(archive|xml2|icu|nftables|nftnl|crypto)' /proc/%s/maps",
	       monitor, monitor);
	md(NULL, "rm", "-f", "lz", NULL);
	ck_assert_msg(atoi(r.out) > 0 && !strchr(r.out, '/'), "the run maps:\n%s", r.out);
}
END_TEST

void add_layer_tests(Suite *s)
{
	TCase *tc = tcase(s, "overlay");
	add_root_test(tc, writes_and_deletions_never_reach_the_image);
	add_root_test(tc, two_containers_on_one_image_keep_apart);
	add_root_test(tc, the_chroot_escape_is_contained);
	add_root_test(tc, the_mount_table_holds_no_host_path);
	add_root_test(tc, no_overlay_is_left_on_the_host);
	add_root_test(tc, overlay_works_without_root);
	add_root_test(tc, a_run_maps_none_of_the_libraries_it_does_not_use);
	tc = tcase(s, "images");
	add_root_test(tc, import_keeps_links_modes_owners_and_times);
	add_root_test(tc, hostile_tarballs_are_refused);
	add_root_test(tc, a_killed_import_takes_its_child_with_it);
	add_root_test(tc, commit_makes_a_layer_and_run_shows_it);
	add_root_test(tc, rmi_refuses_an_image_in_use);
	add_root_test(tc, images_of_an_empty_root_is_its_header);
	add_root_test(tc, proc_is_never_mounted_through_a_symlink);
	add_root_test(tc, bad_image_names_are_refused);
}
