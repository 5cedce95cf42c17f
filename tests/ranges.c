/* From v1.2 on: root that isn't root.  Id ranges (the container's root is
 * a host id from /etc/subuid, not 0), layers seen through the range
 * (idmapped or a shifted copy), Docker's 14 capabilities with --cap-add,
 * --cap-drop and --privileged, -u, no_new_privs, and exec doing the same:
 * the tests every later stage keeps. */
#include "features.h"

#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

/* ---- v1.2: id ranges ----------------------------------------------------- */

/* A field of the state file of container NAME, in the test's own root. */
static char *state_field(const char *name, const char *key)
{
	struct result r = sh("grep -l '^name=%s$' \"$MINIDOCKER_ROOT\"/containers/*/state | head -n 1 | "
			     "xargs sed -n 's/^%s=//p'", name, key);
	r.out[strcspn(r.out, "\n")] = '\0';
	return r.out;
}

static void write_text(const char *name, const char *text)
{
	char path[4200];
	snprintf(path, sizeof path, "%s/%s", state_root(), name);
	FILE *f = fopen(path, "w");
	ck_assert_ptr_nonnull(f);
	fputs(text, f);
	fclose(f);
	chmod(path, 0644);
}

/* The shell script SCRIPT with the host's /etc/subuid and /etc/subgid
 * replaced by files holding SUBIDS, in a mount namespace of its own: the
 * host's files are never touched, and newuidmap reads ours. */
static struct result with_subids(const char *subids, const char *script)
{
	write_text("subuid", subids);
	write_text("subgid", subids);
	write_text("script", "mount --bind \"$MINIDOCKER_ROOT/subuid\" /etc/subuid && "
			     "mount --bind \"$MINIDOCKER_ROOT/subgid\" /etc/subgid || exit 99\n");
	char path[4200];
	snprintf(path, sizeof path, "%s/script", state_root());
	FILE *f = fopen(path, "a");
	fputs(script, f);
	fclose(f);
	return sh("unshare --mount --propagation private sh \"$MINIDOCKER_ROOT/script\"");
}

/* "0 N 65536" with N not 0: the container's root is not the host's. */
static unsigned long range_start(const char *map)
{
	unsigned long inside = 1, outside = 0, count = 0;
	ck_assert_msg(sscanf(map, " %lu %lu %lu", &inside, &outside, &count) == 3, "map: %s", map);
	ck_assert_msg(inside == 0 && outside != 0 && count == 65536, "map: %s", map);
	return outside;
}

START_TEST(root_is_a_range_not_host_root)
{
	struct result r = md(NULL, "run", "--name", "rr", "base", "cat", "/proc/self/uid_map",
			     "/proc/self/gid_map", NULL);
	ck_status(r, 0);
	char *nl = strchr(r.out, '\n');
	ck_assert_ptr_nonnull(nl);
	unsigned long n = range_start(r.out);
	ck_assert_uint_eq(range_start(nl + 1), n);
	/* And the state says so. */
	char want[64];
	snprintf(want, sizeof want, "0 %lu 65536", n);
	ck_assert_str_eq(state_field("rr", "uid_map"), want);
	ck_assert_str_eq(state_field("rr", "map"), "range");
}
END_TEST

START_TEST(first_use_makes_the_range_in_etc_subuid)
{
	/* Someone has 100000-165535 already: minidocker takes the next. */
	struct result r = with_subids("alice:100000:65536\n",
				      "\"$MD\" run --rm base cat /proc/self/uid_map && cat /etc/subuid /etc/subgid && "
				      "\"$MD\" run --rm base cat /proc/self/uid_map && cat /etc/subuid");
	ck_status(r, 0);
	ck_assert_msg(strstr(r.out, "alice:100000:65536\nminidocker:165536:65536\n"
				    "alice:100000:65536\nminidocker:165536:65536\n"), "%s", r.out);
	/* Made once: the second run found it (2 lines in the first cat, 1 in the last). */
	int lines = 0;
	for (char *p = r.out; (p = strstr(p, "minidocker:")); p++)
		lines++;
	ck_assert_msg(lines == 3, "%s", r.out);
	ck_assert_uint_eq(range_start(r.out), 165536);
}
END_TEST

START_TEST(su_and_groups_work_in_the_range)
{
	/* Debian's busybox has no adduser: write what `adduser -D alice`
	 * writes, then su, which needs uid 1000 mapped and setgroups(2). */
	struct result r = md(NULL, "run", "--rm", "base", "sh", "-c",
			     "echo 'alice:x:1000:1000::/home/alice:/bin/sh' >> /etc/passwd && "
			     "echo 'alice:x:1000:' >> /etc/group && su alice -c 'id -u' && "
			     "touch /f && chown 1000:1000 /f && stat -c '%u:%g' /f", NULL);
	ck_status(r, 0);
	ck_assert_str_eq(r.out, "1000\n1000:1000\n");
}
END_TEST

START_TEST(files_of_the_containers_root_are_not_host_roots)
{
	struct result r = md(NULL, "run", "--name", "ff", "base", "sh", "-c",
			     "echo x > /made; mkdir /d; stat -c '%u' /made /etc/passwd", NULL);
	ck_status(r, 0);
	/* Inside: its root's file, and the image's, both 0. */
	ck_assert_str_eq(r.out, "0\n0\n");
	unsigned long n = range_start(state_field("ff", "uid_map"));
	/* Outside: the range's first id, never 0; the image is untouched. */
	r = sh("cd \"$MINIDOCKER_ROOT\"/containers/*/upper && stat -c '%%u:%%g' made d && "
	       "stat -c '%%u:%%g' \"$MINIDOCKER_ROOT/images/base/etc/passwd\"");
	char want[128];
	snprintf(want, sizeof want, "%lu:%lu\n%lu:%lu\n0:0\n", n, n, n, n);
	ck_assert_str_eq(r.out, want);
}
END_TEST

START_TEST(the_sysctl_escape_is_refused_even_privileged)
{
	/* core_pattern names a program the kernel runs as host root: the
	 * classic escape.  Open it for appending, write nothing. */
	const char *try = "(: >> /proc/sys/kernel/core_pattern) 2>&1; echo status $?";
	struct result r = md(NULL, "run", "--rm", "base", "sh", "-c", try, NULL);
	ck_status(r, 0);
	ck_contains(r.out, "Permission denied");
	ck_contains(r.out, "status 1");
	/* Every capability changes nothing: the file checks host uid 0. */
	r = md(NULL, "run", "--rm", "--privileged", "base", "sh", "-c", try, NULL);
	ck_contains(r.out, "Permission denied");
	ck_contains(r.out, "status 1");
}
END_TEST

START_TEST(a_setuid_root_image_file_gives_no_host_root)
{
	/* A setuid-root program in the image (the probe, made 4755 root). */
	struct result r = sh("cd \"$MINIDOCKER_ROOT/images/base/bin\" && cp probe suidprobe && "
			     "chown 0:0 suidprobe && chmod 4755 suidprobe");
	ck_status(r, 0);
	r = md(NULL, "run", "-d", "--name", "su", "-u", "1000", "base", "/bin/suidprobe", "spin", "3", NULL);
	ck_status(r, 0);
	/* Its PID 1 from our own state file, and its ids as the host sees
	 * them: effective uid the range's root, not 0. */
	int pid = atoi(state_field("su", "pid"));
	unsigned long n = range_start(state_field("su", "uid_map"));
	ck_assert_int_gt(pid, 0);
	char path[64], want[128];
	snprintf(path, sizeof path, "/proc/%d/status", pid);
	snprintf(want, sizeof want, "\nUid:\t%lu\t%lu\t%lu\t%lu\n", n + 1000, n, n, n);
	/* Until it has exec'd the probe: real uid alice's, effective root's. */
	char *status = NULL;
	for (struct deadline d = deadline(5); !(status && strstr(status, want)) && keep_polling(&d);)
		status = read_file(path);
	ck_assert_ptr_nonnull(status);
	ck_contains(status, want);
	md(NULL, "rm", "-f", "su", NULL);
}
END_TEST

START_TEST(layers_fall_back_to_a_shifted_copy)
{
	/* MINIDOCKER_IDMAP=copy: what a kernel without idmapped overlay
	 * layers gets.  The container sees the same files the same way. */
	struct result r = sh("MINIDOCKER_IDMAP=copy \"$MD\" run --name cp base sh -c "
			     "'stat -c %%u /etc/passwd; echo y > /y'");
	ck_status(r, 0);
	ck_assert_str_eq(r.out, "0\n");
	ck_assert_str_eq(state_field("cp", "layers"), "copy");
	unsigned long n = range_start(state_field("cp", "uid_map"));
	/* The copy is kept per range, owned by it; the image is not touched. */
	r = sh("stat -c '%%u' \"$MINIDOCKER_ROOT/shifted/%lu/base/etc/passwd\" "
	       "\"$MINIDOCKER_ROOT/images/base/etc/passwd\" \"$MINIDOCKER_ROOT\"/containers/*/upper/y", n);
	char want[64];
	snprintf(want, sizeof want, "%lu\n0\n%lu\n", n, n);
	ck_assert_str_eq(r.out, want);
	/* Without the variable: idmapped where the kernel can (Linux 6.13 on). */
	r = md(NULL, "run", "--name", "im", "base", "stat", "-c", "%u", "/etc/passwd", NULL);
	ck_assert_str_eq(r.out, "0\n");
	const char *how = state_field("im", "layers");
	ck_assert_msg(!strcmp(how, "idmapped") || !strcmp(how, "copy"), "layers=%s", how);
	/* rmi takes the image's copies with it. */
	md(NULL, "rm", "cp", "im", NULL);
	r = md(NULL, "rmi", "base", NULL);
	ck_status(r, 0);
	r = sh("ls -A \"$MINIDOCKER_ROOT/shifted/%lu\"", n);
	ck_assert_str_eq(r.out, "");
}
END_TEST

START_TEST(commit_keeps_the_images_ids_unshifted)
{
	struct result r = md(NULL, "run", "--name", "cm", "base", "sh", "-c",
			     "mkdir /data && echo a > /data/a && chown 1000:1000 /data/a", NULL);
	ck_status(r, 0);
	ck_status(md(NULL, "commit", "cm", "shifted", NULL), 0);
	r = sh("stat -c '%%u:%%g' \"%s/data\" \"%s/data/a\"", layer_dir("shifted"), layer_dir("shifted"));
	ck_assert_str_eq(r.out, "0:0\n1000:1000\n");
	r = md(NULL, "run", "--rm", "shifted", "stat", "-c", "%u:%g", "/data/a", NULL);
	ck_assert_str_eq(r.out, "1000:1000\n");
}
END_TEST

START_TEST(stats_works_with_a_range)
{
	struct result r = md(NULL, "run", "-d", "--name", "st", "base", "sleep", "30", NULL);
	ck_status(r, 0);
	r = md(NULL, "stats", "--no-stream", "st", NULL);
	ck_status(r, 0);
	ck_contains(r.out, " st ");
	md(NULL, "rm", "-f", "st", NULL);
}
END_TEST

START_TEST(a_killed_run_takes_its_container_along)
{
	/* Becoming the range's root (and -u's user) clears the parent-death
	 * signal; minidocker sets it again.  Kill an attached run with
	 * SIGKILL: its container's PID 1 (from our own state file) must go. */
	const char *users[] = { "0", "1000" };
	for (int i = 0; i < 2; i++) {
		char name[16];
		snprintf(name, sizeof name, "pd%d", i);
		int run = start_bg("\"$MD\" run --name %s -u %s base sleep 60", name, users[i]);
		int pid = 0;
		char path[64];
		for (struct deadline d = deadline(5); !pid && keep_polling(&d);) {
			int p = atoi(state_field(name, "pid"));
			snprintf(path, sizeof path, "/proc/%d/status", p);
			char *st = p > 0 ? read_file(path) : NULL;
			/* Once it is sleep: every change of user is behind it. */
			if (st && strstr(st, "Name:\tsleep\n"))
				pid = p;
		}
		ck_assert_int_gt(pid, 0);
		ck_assert_int_eq(kill(run, SIGKILL), 0);
		int gone = 0;
		for (struct deadline d = deadline(5); !gone && keep_polling(&d);)
			gone = !process_alive(pid);
		ck_assert_msg(gone, "the container's PID 1 (%d) outlived its minidocker (user %s)", pid, users[i]);
	}
}
END_TEST

#define NOBODY "setpriv --reuid=65534 --regid=65534 --clear-groups "

START_TEST(other_users_cannot_reach_a_containers_upper_layer)
{
	/* The container's root plants a setuid file (its own: host uid
	 * START) in its upper layer.  Container ids are no secret
	 * (/proc/PID/cgroup), so only the folders' modes keep a host user
	 * from running it and becoming every container's root.  In the copy
	 * fallback, so that ROOT/shifted/START is made too. */
	struct result r = sh("MINIDOCKER_IDMAP=copy \"$MD\" run -d --name up base sh -c "
			     "'cp /bin/probe /suid && chmod 4755 /suid && sleep 30'");
	ck_status(r, 0);
	r = sh("dirname \"$(grep -l '^name=up$' \"$MINIDOCKER_ROOT\"/containers/*/state)\"");
	char dir[4200];
	snprintf(dir, sizeof dir, "%.*s", (int)strcspn(r.out, "\n"), r.out);
	unsigned long n = range_start(state_field("up", "uid_map"));
	r = sh("for i in $(seq 100); do test -u '%s/upper/suid' && break; sleep 0.1; done; "
	       "stat -c '%%a %%u %%g' '%s/upper/suid' '%s' \"$MINIDOCKER_ROOT/shifted/%lu\"", dir, dir, dir, n);
	char want[256];
	snprintf(want, sizeof want, "4755 %lu %lu\n710 0 %lu\n710 0 %lu\n", n, n, n, n);
	ck_assert_str_eq(r.out, want);
	/* nobody: not into the container's folder, nor to its file. */
	r = sh(NOBODY "test -x '%s'", dir);
	ck_assert_int_ne(r.status, 0);
	r = sh(NOBODY "ls '%s/upper'", dir);
	ck_assert_int_ne(r.status, 0);
	r = sh(NOBODY "'%s/upper/suid' uid", dir);
	ck_assert_int_ne(r.status, 0);
	ck_assert_str_eq(r.out, "");
	r = sh(NOBODY "ls \"$MINIDOCKER_ROOT/shifted/%lu\"", n);
	ck_assert_int_ne(r.status, 0);
	md(NULL, "rm", "-f", "up", NULL);
}
END_TEST

START_TEST(a_state_root_of_another_is_never_narrowed)
{
	/* --root of a folder already there: ours to add o+x to, never to
	 * take bits from (it was chmod 0711 whatever it was: /tmp). */
	struct result r = sh("cd \"$MINIDOCKER_ROOT\" && mkdir wide && chmod 0755 wide && "
			     "cp -a images wide/ && \"$MD\" --root wide run --rm base true && "
			     "stat -c %%a wide");
	ck_status(r, 0);
	ck_assert_str_eq(r.out, "755\n");
}
END_TEST

/* A state root under a folder the range's root cannot search (mktemp -d
 * makes them 0700): 125, the folder named, before anything is made. */
START_TEST(a_state_root_the_range_cannot_reach_is_125)
{
	struct result r = sh("cd \"$MINIDOCKER_ROOT\" && mkdir -p shut/r && chmod 0700 shut && "
			     "cp -a images shut/r/ && \"$MD\" --root shut/r run --cgroup-parent %s --rm base true; "
			     "echo rc=$?; ls -A shut/r", cgroup_parent());
	ck_assert_msg(!strcmp(r.out, "rc=125\nimages\n"), "%s\nstderr: %s", r.out, r.err);
	ck_contains(r.err, "/shut is mode 0700\n");
	ck_contains(r.err, "hint: let others search it (chmod o+x ");
	ck_assert_str_eq(cgroups_left(), "");
}
END_TEST

/* ---- v1.2: without root ------------------------------------------------- */

START_TEST(without_root_and_without_a_range_run_still_works)
{
	nobody_root();
	struct result r = with_subids("", AS_NOBODY " run --rm base sh -c 'cat /proc/self/uid_map; id -u'");
	ck_status(r, 0);
	/* One line, "0 65534 1": only nobody's own id; then root inside. */
	unsigned long in, out, count;
	int id = -1;
	ck_assert_msg(sscanf(r.out, " %lu %lu %lu %d", &in, &out, &count, &id) == 4 && in == 0 &&
		      out == 65534 && count == 1 && id == 0, "%s", r.out);
}
END_TEST

START_TEST(a_user_with_a_range_gets_it_through_newuidmap)
{
	nobody_root();
	struct result r = with_subids("nobody:300000:65536\n",
				      AS_NOBODY " run --name nn base sh -c \"cat /proc/self/uid_map; "
				      "echo 'alice:x:1000:1000::/:/bin/sh' >> /etc/passwd; "
				      "su alice -c 'id -u; touch /tmp/hers'\" && "
				      "stat -c %u \"$MINIDOCKER_ROOT\"/nobody/containers/*/upper/tmp/hers && "
				      AS_NOBODY " rm nn && ls -A \"$MINIDOCKER_ROOT/nobody/containers\"");
	ck_status(r, 0);
	/* Two extents: the user as 0, their range as 1 and up; alice is
	 * 300000 + 999 on the host; rm could remove her file. */
	ck_assert_msg(strstr(r.out, "65534") && strstr(r.out, "300000") && strstr(r.out, "1000\n300999\nnn\n"),
		      "%s", r.out);
}
END_TEST

/* ---- v1.2: capabilities, users, no_new_privs ---------------------------- */

/* The line "NAME:\tVALUE" of /proc/self/status in a container run with
 * the options OPTS (space separated). */
static char *status_line(const char *opts, const char *name)
{
	struct result r = sh("\"$MD\" run --rm %s base grep '^%s:' /proc/self/status", opts, name);
	ck_status(r, 0);
	return r.out;
}

START_TEST(default_capabilities_are_dockers_14)
{
	ck_assert_str_eq(status_line("", "CapEff"), "CapEff:\t00000000a80425fb\n");
	ck_assert_str_eq(status_line("", "CapPrm"), "CapPrm:\t00000000a80425fb\n");
	ck_assert_str_eq(status_line("", "CapBnd"), "CapBnd:\t00000000a80425fb\n");
	ck_assert_str_eq(status_line("", "CapInh"), "CapInh:\t0000000000000000\n");
	ck_assert_str_eq(status_line("", "CapAmb"), "CapAmb:\t0000000000000000\n");
}
END_TEST

START_TEST(mount_needs_cap_sys_admin)
{
	struct result r = md(NULL, "run", "--rm", "base", "mount", "-t", "tmpfs", "none", "/tmp", NULL);
	ck_assert_int_ne(r.status, 0);
	ck_contains(r.err, "permission denied");
	r = md(NULL, "run", "--rm", "--cap-add", "SYS_ADMIN", "base", "mount", "-t", "tmpfs", "none", "/tmp", NULL);
	ck_status(r, 0);
}
END_TEST

START_TEST(cap_drop_all_leaves_none)
{
	ck_assert_str_eq(status_line("--cap-drop ALL", "CapEff"), "CapEff:\t0000000000000000\n");
	ck_assert_str_eq(status_line("--cap-drop all", "CapBnd"), "CapBnd:\t0000000000000000\n");
	/* ALL first, then what is added back. */
	ck_assert_str_eq(status_line("--cap-drop ALL --cap-add KILL", "CapEff"), "CapEff:\t0000000000000020\n");
}
END_TEST

START_TEST(cap_add_takes_docker_spellings)
{
	/* CAP_SYS_TIME is bit 25. */
	ck_assert_str_eq(status_line("--cap-add SYS_TIME", "CapEff"), "CapEff:\t00000000aa0425fb\n");
	ck_assert_str_eq(status_line("--cap-add CAP_SYS_TIME", "CapEff"), "CapEff:\t00000000aa0425fb\n");
	ck_assert_str_eq(status_line("--cap-add sys_time --cap-drop NET_RAW", "CapEff"),
			 "CapEff:\t00000000aa0405fb\n");
}
END_TEST

START_TEST(privileged_has_every_capability)
{
	char *line = status_line("--privileged", "CapEff");
	unsigned long long caps = strtoull(line + strlen("CapEff:\t"), NULL, 16);
	ck_assert_msg(caps & (1ULL << 21), "no CAP_SYS_ADMIN: %s", line);	/* bit 21 */
	ck_assert_msg((caps & (caps + 1)) == 0 && caps >= 0xffffffffffULL, "not all: %s", line);
}
END_TEST

START_TEST(user_flag_sets_uid_gid_and_groups)
{
	struct result r = md(NULL, "run", "--rm", "-u", "1000:1000", "base", "sh", "-c", "id -u; id -g", NULL);
	ck_status(r, 0);
	ck_assert_str_eq(r.out, "1000\n1000\n");
	/* A name from the image's /etc/passwd, and its groups from /etc/group. */
	r = md(NULL, "run", "--name", "ug", "base", "sh", "-c",
	       "echo 'bob:x:1001:1001::/home/bob:/bin/sh' >> /etc/passwd && "
	       "echo 'staff:x:50:bob' >> /etc/group", NULL);
	ck_status(r, 0);
	ck_status(md(NULL, "commit", "ug", "withbob", NULL), 0);
	r = md(NULL, "run", "--rm", "--user", "bob", "withbob", "sh", "-c",
	       "id -u; id -g; id -G; echo $HOME; grep CapEff /proc/self/status", NULL);
	ck_status(r, 0);
	ck_assert_str_eq(r.out, "1001\n1001\n1001 50\n/home/bob\nCapEff:\t0000000000000000\n");
	r = md(NULL, "run", "--rm", "-u", "nobody:root", "base", "sh", "-c", "id -u; id -g", NULL);
	ck_assert_str_eq(r.out, "65534\n0\n");
}
END_TEST

/* The image's /etc/group and /etc/passwd are the image's: a user in more
 * groups than minidocker gives, or with a name or home longer than it
 * holds, is refused, never cut (a 65th group once wrote past the array). */
START_TEST(a_user_in_too_many_groups_is_125)
{
	struct result r = md(NULL, "run", "--name", "many", "base", "sh", "-c",
			     "echo 'bob:x:1001:1001::/home/bob:/bin/sh' >> /etc/passwd && "
			     "echo 'carl:x:1002:1002::/:/bin/sh' >> /etc/passwd && "
			     "echo \"$(printf 'l%.0s' $(seq 70)):x:1003:1003::/:/bin/sh\" >> /etc/passwd && "
			     "for i in $(seq 64); do echo \"g$i:x:$((2000 + i)):bob,carl\"; done >> /etc/group && "
			     "echo 'g65:x:2065:carl' >> /etc/group", NULL);
	ck_status(r, 0);
	ck_status(md(NULL, "commit", "many", "manygroups", NULL), 0);
	r = md(NULL, "run", "--rm", "-u", "bob", "manygroups", "sh", "-c", "id -G | wc -w; id -G | tr ' ' '\\n' | tail -1", NULL);
	ck_status(r, 0);
	ck_assert_str_eq(r.out, "65\n2064\n");	/* 1001 and the 64 */
	r = md(NULL, "run", "--rm", "-u", "carl", "manygroups", "id", NULL);
	ck_status(r, 125);
	ck_contains(r.err, "user carl is in 65 groups of the image's /etc/group: at most 64");
	r = md(NULL, "run", "--rm", "-u", "1003", "manygroups", "id", NULL);
	ck_status(r, 125);
	ck_contains(r.err, "user 1003: the image's /etc/passwd gives it a name or home too long");
}
END_TEST

START_TEST(no_new_privileges_sets_the_flag)
{
	ck_assert_str_eq(status_line("", "NoNewPrivs"), "NoNewPrivs:\t0\n");
	ck_assert_str_eq(status_line("--security-opt no-new-privileges", "NoNewPrivs"), "NoNewPrivs:\t1\n");
	ck_assert_str_eq(status_line("--security-opt no-new-privileges:true", "NoNewPrivs"), "NoNewPrivs:\t1\n");
}
END_TEST

/* run -d returns once the container's process exists; exec works once it
 * is in its root filesystem (the probe is only in the image). */
static void wait_ready(const char *name)
{
	for (struct deadline d = deadline(5); keep_polling(&d);) {
		struct result r = md(NULL, "exec", name, "/bin/probe", "ids", NULL);
		if (r.status == 0)
			return;
	}
	ck_abort_msg("container %s never became ready for exec", name);
}

START_TEST(exec_gets_the_same_user_caps_and_nnp)
{
	struct result r = md(NULL, "run", "-d", "--name", "ex", "--cap-drop", "ALL", "--cap-add", "NET_RAW",
			     "--security-opt", "no-new-privileges", "base", "sleep", "30", NULL);
	ck_status(r, 0);
	wait_ready("ex");
	const char *show = "grep -E '^(Cap(Eff|Bnd|Inh|Amb)|NoNewPrivs):' /proc/%s/status; cat /proc/%s/uid_map";
	char mine[256], pid1[256];
	snprintf(mine, sizeof mine, show, "self", "self");
	snprintf(pid1, sizeof pid1, show, "1", "1");
	struct result a = md(NULL, "exec", "ex", "sh", "-c", mine, NULL);
	struct result b = md(NULL, "exec", "ex", "sh", "-c", pid1, NULL);
	ck_status(a, 0);
	ck_assert_str_eq(a.out, b.out);
	ck_contains(a.out, "CapEff:\t0000000000002000\n");
	ck_contains(a.out, "NoNewPrivs:\t1\n");
	/* exec -u: another user in the same container. */
	r = md(NULL, "exec", "-u", "1000:1000", "ex", "sh", "-c", "id -u; id -g", NULL);
	ck_assert_str_eq(r.out, "1000\n1000\n");
	md(NULL, "rm", "-f", "ex", NULL);
}
END_TEST

/* ---- v1.2: bad input ------------------------------------------------------ */

/* 125, the message, and nothing left behind. */
static void refused_run(struct result r, const char *why)
{
	ck_status(r, 125);
	ck_contains(r.err, why);
	r = sh("ls -A \"$MINIDOCKER_ROOT/containers\" 2>/dev/null; true");
	ck_assert_str_eq(r.out, "");
}

START_TEST(unknown_capability_is_125)
{
	refused_run(md(NULL, "run", "--rm", "--cap-add", "NOPE", "base", "true", NULL),
		    "unknown capability 'NOPE'");
	refused_run(md(NULL, "run", "--rm", "--cap-drop", "CAP_FLY", "base", "true", NULL),
		    "unknown capability 'CAP_FLY'");
	/* libcap would take a number; Docker does not. */
	refused_run(md(NULL, "run", "--rm", "--cap-add", "25", "base", "true", NULL), "unknown capability '25'");
	/* v1.3 has seccomp, but reads no profile files (seccomp.c's tests). */
	refused_run(md(NULL, "run", "--rm", "--security-opt", "seccomp=x.json", "base", "true", NULL),
		    strcmp(stage, "v1.3") < 0 ? "unknown --security-opt" : "unsupported --security-opt");
}
END_TEST

START_TEST(user_not_in_the_image_is_125)
{
	struct result r = md(NULL, "run", "--rm", "-u", "nosuch", "base", "true", NULL);
	ck_status(r, 125);
	ck_contains(r.err, "unable to find user nosuch: no matching entries in the image's /etc/passwd");
	ck_contains(r.err, "hint: ");
	r = md(NULL, "run", "--rm", "-u", "root:nogroup2", "base", "true", NULL);
	ck_status(r, 125);
	ck_contains(r.err, "unable to find group nogroup2");
	refused_run(md(NULL, "run", "--rm", "-u", "a b", "base", "true", NULL), "invalid user 'a b'");
	/* A uid beyond the range cannot be taken. */
	r = md(NULL, "run", "--rm", "-u", "70000", "base", "true", NULL);
	ck_status(r, 125);
	ck_contains(r.err, "does not map that id");
}
END_TEST

START_TEST(a_range_holding_the_callers_own_id_is_125)
{
	/* Root: a minidocker range from 0 would make the container's root host root. */
	struct result r = with_subids("minidocker:0:65536\n", "\"$MD\" run --rm base true");
	ck_status(r, 125);
	ck_contains(r.err, "holds root's own id");
	ck_contains(r.err, "hint: delete the minidocker lines");
	/* A user whose range holds their own id (nobody is 65534). */
	nobody_root();
	r = with_subids("nobody:65500:100\n", AS_NOBODY " run --rm base true");
	ck_status(r, 125);
	ck_contains(r.err, "holds your own id 65534");
	ck_contains(r.err, "hint: ");
}
END_TEST

START_TEST(a_range_without_newuidmap_is_125)
{
	nobody_root();
	struct result r = with_subids("nobody:300000:65536\n",
				      "setpriv --reuid=65534 --regid=65534 --clear-groups /usr/bin/env PATH=/nonexistent "
				      "MINIDOCKER_ROOT=\"$MINIDOCKER_ROOT/nobody\" HOME=/nonexistent "
				      "\"$MINIDOCKER_ROOT/nobody/minidocker\" run --rm base true");
	ck_status(r, 125);
	ck_contains(r.err, "newuidmap/newgidmap are not on the PATH");
	ck_contains(r.err, "hint: install Debian's uidmap package");
}
END_TEST

void add_range_tests(Suite *s)
{
	TCase *tc;
	tc = tcase(s, "ranges");
	add_root_test(tc, root_is_a_range_not_host_root);
	add_root_test(tc, first_use_makes_the_range_in_etc_subuid);
	add_root_test(tc, su_and_groups_work_in_the_range);
	add_root_test(tc, files_of_the_containers_root_are_not_host_roots);
	add_root_test(tc, the_sysctl_escape_is_refused_even_privileged);
	add_root_test(tc, a_setuid_root_image_file_gives_no_host_root);
	add_root_test(tc, layers_fall_back_to_a_shifted_copy);
	add_root_test(tc, commit_keeps_the_images_ids_unshifted);
	add_root_test(tc, stats_works_with_a_range);
	add_root_test(tc, a_killed_run_takes_its_container_along);
	add_root_test(tc, other_users_cannot_reach_a_containers_upper_layer);
	add_root_test(tc, a_state_root_of_another_is_never_narrowed);
	/* Root only to become nobody and to replace /etc/subuid privately. */
	add_root_test(tc, without_root_and_without_a_range_run_still_works);
	add_root_test(tc, a_user_with_a_range_gets_it_through_newuidmap);
	tc = tcase(s, "capabilities");
	add_root_test(tc, default_capabilities_are_dockers_14);
	add_root_test(tc, mount_needs_cap_sys_admin);
	add_root_test(tc, cap_drop_all_leaves_none);
	add_root_test(tc, cap_add_takes_docker_spellings);
	add_root_test(tc, privileged_has_every_capability);
	add_root_test(tc, user_flag_sets_uid_gid_and_groups);
	add_root_test(tc, no_new_privileges_sets_the_flag);
	add_root_test(tc, exec_gets_the_same_user_caps_and_nnp);
	tc = tcase(s, "bad input");
	add_root_test(tc, unknown_capability_is_125);
	add_root_test(tc, user_not_in_the_image_is_125);
	add_root_test(tc, a_user_in_too_many_groups_is_125);
	add_root_test(tc, a_range_holding_the_callers_own_id_is_125);
	add_root_test(tc, a_range_without_newuidmap_is_125);
	add_root_test(tc, a_state_root_the_range_cannot_reach_is_125);
}
