/* From v1.3 on: a seccomp filter with the intent of Docker's default
 * profile.  The probe makes raw system calls (`probe sys CALL ARGS`) and
 * prints the errno it got, so each test tells the filter's EPERM from the
 * kernel's own answer: with the filter off, the same call gets through to
 * the kernel, which says something else (EFAULT for a NULL pointer,
 * EINVAL for a bad command) or does it.  Nothing here changes the host:
 * the calls that get through have arguments the kernel refuses, or act
 * on the probe's own process (a user namespace, a keyring lookup). */
#include "features.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* SCRIPT run by sh in a container of its own, with run's options OPTS. */
static struct result in_container(const char *opts, const char *script)
{
	struct result r = sh("\"$MD\" run --rm %s base sh -c '%s'", opts, script);
	ck_status(r, 0);
	return r;
}

/* Flags of clone(2) and unshare(2), and keyctl's harmless question:
 * "the id of my session keyring, don't make one" (keyctl(2)). */
#define NEWUSER "0x10000000"
#define NEWNS "0x20000"
#define NEWNET "0x40000000"
#define SIGCHLD_ "17"
#define KEYCTL "probe sys keyctl 0 0xfffffffd"

START_TEST(the_filter_is_on_by_default_and_off_when_asked)
{
	const char *show = "grep ^Seccomp /proc/self/status";
	/* Mode 2: a filter (proc(5), "Seccomp"), and one of them. */
	ck_assert_str_eq(in_container("", show).out, "Seccomp:\t2\nSeccomp_filters:\t1\n");
	ck_assert_str_eq(in_container("--security-opt seccomp=unconfined", show).out,
			 "Seccomp:\t0\nSeccomp_filters:\t0\n");
	ck_assert_str_eq(in_container("--security-opt seccomp:unconfined", show).out,
			 "Seccomp:\t0\nSeccomp_filters:\t0\n");
	ck_assert_str_eq(in_container("--privileged", show).out, "Seccomp:\t0\nSeccomp_filters:\t0\n");
	/* A capability changes the filter, not whether there is one. */
	ck_assert_str_eq(in_container("--cap-add ALL", show).out, "Seccomp:\t2\nSeccomp_filters:\t1\n");
}
END_TEST

START_TEST(dockers_denied_calls_get_eperm)
{
	struct result r = in_container("", KEYCTL "; probe sys bpf 9999; probe sys unshare " NEWUSER
				       "; probe sys unshare " NEWNS "; probe sys setns 0 0; probe sys mount; "
				       "probe sys umount2 0 0; probe sys clock_settime 0 0; probe sys init_module");
	ck_assert_str_eq(r.out, "keyctl: EPERM\nbpf: EPERM\nunshare: EPERM\nunshare: EPERM\nsetns: EPERM\n"
				"mount: EPERM\numount2: EPERM\nclock_settime: EPERM\ninit_module: EPERM\n");
	/* A socket to the hypervisor (AF_VSOCK, 40) is refused, a Unix one
	 * (1) is not.  Never unfiltered: an unknown family makes the kernel
	 * load a module. */
	r = in_container("", "probe sys socket 40 1 0; probe sys socket 1 1 0");
	ck_assert_str_eq(r.out, "socket: EPERM\nsocket: ok\n");
	/* What the user sees: busybox's unshare and mount fail. */
	r = sh("\"$MD\" run --rm base sh -c 'unshare -U true; echo unshare $?; "
	       "mount -t tmpfs none /tmp; echo mount $?' 2>&1");
	ck_contains(r.out, "unshare(0x10000000): Operation not permitted\n");
	ck_contains(r.out, "unshare 1\n");
	ck_contains(r.out, "mount: permission denied");
	ck_contains(r.out, "mount 1\n");
}
END_TEST

/* The same calls without the filter reach the kernel: keyctl answers, a
 * user namespace is made, mount and clock_settime read their NULL
 * arguments and fail with EFAULT, bpf has no command 9999.  unshare of a
 * mount namespace still fails: Docker's 14 capabilities lack SYS_ADMIN,
 * and the kernel checks it, filter or none (capabilities(7)). */
START_TEST(unconfined_lets_the_kernel_answer)
{
	const char *calls = KEYCTL "; probe sys bpf 9999; probe sys unshare " NEWUSER
			    "; probe sys unshare " NEWNS "; probe sys mount; probe sys clock_settime 0 0";
	struct result r = in_container("--security-opt seccomp=unconfined", calls);
	ck_assert_str_eq(r.out, "keyctl: ok\nbpf: EINVAL\nunshare: ok\nunshare: EPERM\nmount: EFAULT\n"
				"clock_settime: EFAULT\n");
	/* --privileged: no filter, and every capability. */
	r = in_container("--privileged", calls);
	ck_assert_str_eq(r.out, "keyctl: ok\nbpf: EINVAL\nunshare: ok\nunshare: ok\nmount: EFAULT\n"
				"clock_settime: EFAULT\n");
	r = sh("\"$MD\" run --rm --security-opt seccomp=unconfined base unshare -U true");
	ck_status(r, 0);
}
END_TEST

/* Docker's profile ties each call to the capability whose holder may
 * make it: the filter of a container with that capability allows it. */
START_TEST(a_capability_allows_the_calls_docker_ties_to_it)
{
	struct result r = in_container("--cap-add SYS_ADMIN", KEYCTL "; probe sys bpf 9999; probe sys unshare "
				       NEWNS "; probe sys mount; probe sys clone3; probe sys clone " NEWNET
				       "; probe sys clock_settime 0 0");
	/* keyctl stays denied: no capability allows it in Docker's profile. */
	ck_assert_str_eq(r.out, "keyctl: EPERM\nbpf: EINVAL\nunshare: ok\nmount: EFAULT\nclone3: EINVAL\n"
				"clone: ok\nclock_settime: EPERM\n");
	r = in_container("--cap-add SYS_TIME", "probe sys clock_settime 0 0; probe sys mount");
	ck_assert_str_eq(r.out, "clock_settime: EFAULT\nmount: EPERM\n");
	r = in_container("--cap-add CAP_BPF", "probe sys bpf 9999; probe sys mount");
	ck_assert_str_eq(r.out, "bpf: EINVAL\nmount: EPERM\n");
	r = in_container("--cap-add SYS_ADMIN", "mount -t tmpfs none /tmp && grep -c \" /tmp tmpfs \" /proc/mounts");
	ck_assert_str_eq(r.out, "1\n");
	/* Dropping a capability of the default set takes its calls away:
	 * chroot(NULL) reaches the kernel (EFAULT) only with SYS_CHROOT. */
	ck_assert_str_eq(in_container("", "probe sys chroot").out, "chroot: EFAULT\n");
	ck_assert_str_eq(in_container("--cap-drop SYS_CHROOT", "probe sys chroot").out, "chroot: EPERM\n");
}
END_TEST

START_TEST(clone_may_fork_but_not_make_namespaces)
{
	struct result r = in_container("", "probe sys clone " SIGCHLD_ "; probe sys clone 0x10000011; "
				       "probe sys clone 0x40000011; probe sys clone 0x20011; probe sys clone 0x2000011");
	/* fork; then NEWUSER, NEWNET, NEWNS, NEWCGROUP (each with SIGCHLD). */
	ck_assert_str_eq(r.out, "clone: ok\nclone: EPERM\nclone: EPERM\nclone: EPERM\nclone: EPERM\n");
	/* The shell's own forks: a pipeline and a background job. */
	r = in_container("", "echo a | cat; sleep 0.01 & wait; echo done");
	ck_assert_str_eq(r.out, "a\ndone\n");
}
END_TEST

/* clone3(2) takes its flags in memory, where a filter cannot look: it
 * fails with ENOSYS, "no such call", and the C library falls back to
 * clone.  Unfiltered, clone3(NULL, 0) is the kernel's EINVAL. */
START_TEST(clone3_is_enosys)
{
	ck_assert_str_eq(in_container("", "probe sys clone3").out, "clone3: ENOSYS\n");
	ck_assert_str_eq(in_container("--security-opt seccomp=unconfined", "probe sys clone3").out,
			 "clone3: EINVAL\n");
}
END_TEST

START_TEST(personality_allows_only_dockers_safe_values)
{
	/* The query, PER_LINUX, PER_LINUX32, UNAME26 and both; the kernel
	 * reads 32 bits, so 0x100000008 is 8. */
	struct result r = in_container("", "for p in 0xffffffff 0 8 0x20000 0x20008 0x100000008; do "
				       "probe sys personality $p; done");
	ck_assert_str_eq(r.out, "personality: ok\npersonality: ok\npersonality: ok\npersonality: ok\n"
				"personality: ok\npersonality: ok\n");
	/* ADDR_NO_RANDOMIZE (no ASLR), READ_IMPLIES_EXEC, ADDR_NO_RANDOMIZE
	 * with PER_LINUX32, PER_SVR4, and 0xfffffffe. */
	r = in_container("", "for p in 0x40000 0x400000 0x40008 0x04100001 0xfffffffe; do "
			 "probe sys personality $p; done");
	ck_assert_str_eq(r.out, "personality: EPERM\npersonality: EPERM\npersonality: EPERM\n"
				"personality: EPERM\npersonality: EPERM\n");
	r = in_container("--security-opt seccomp=unconfined", "probe sys personality 0x40000");
	ck_assert_str_eq(r.out, "personality: ok\n");
}
END_TEST

/* A 64-bit program can make 32-bit calls with int $0x80, whose numbers
 * are i386's (keyctl: 288, not 250).  The filter is built for that
 * architecture too, as Docker's is, so that path is no way round it. */
START_TEST(the_i386_entry_is_filtered_too)
{
	struct result r = sh("\"$PROBE\" int80 getpid");
	ck_assert_msg(!strcmp(r.out, "getpid: ok\n"), "this kernel has no i386 entry "
		      "(CONFIG_IA32_EMULATION, ia32_emulation=): %s %s", r.out, r.err);
	r = in_container("", "probe int80 getpid; probe int80 keyctl 0 0xfffffffd; probe int80 unshare "
			 NEWUSER "; probe int80 clone 0x10000011; probe int80 personality 0x40000; "
			 "probe int80 mount");
	ck_assert_str_eq(r.out, "getpid: ok\nkeyctl: EPERM\nunshare: EPERM\nclone: EPERM\n"
				"personality: EPERM\nmount: EPERM\n");
	r = in_container("--security-opt seccomp=unconfined", "probe int80 keyctl 0 0xfffffffd; "
			 "probe int80 unshare " NEWUSER "; probe int80 mount");
	ck_assert_str_eq(r.out, "keyctl: ok\nunshare: ok\nmount: EFAULT\n");
}
END_TEST

/* The filter is loaded after the switch of user and capabilities, or,
 * without no_new_privs, just before it (loading one then takes
 * CAP_SYS_ADMIN): either way the command has it, and no_new_privs is
 * only set when asked for (libseccomp would set it on its own). */
START_TEST(the_filter_holds_for_other_users_with_and_without_nnp)
{
	const char *show = "grep -E \"^(Seccomp|NoNewPrivs):\" /proc/self/status; " KEYCTL;
	ck_assert_str_eq(in_container("", show).out, "NoNewPrivs:\t0\nSeccomp:\t2\nkeyctl: EPERM\n");
	ck_assert_str_eq(in_container("--security-opt no-new-privileges", show).out,
			 "NoNewPrivs:\t1\nSeccomp:\t2\nkeyctl: EPERM\n");
	ck_assert_str_eq(in_container("-u 1000:1000", show).out, "NoNewPrivs:\t0\nSeccomp:\t2\nkeyctl: EPERM\n");
	ck_assert_str_eq(in_container("-u 1000:1000 --security-opt no-new-privileges", show).out,
			 "NoNewPrivs:\t1\nSeccomp:\t2\nkeyctl: EPERM\n");
}
END_TEST

/* Wait until container NAME can be exec'd into (its root is ready). */
static void wait_ready(const char *name)
{
	for (struct deadline d = deadline(10); keep_polling(&d);)
		if (md(NULL, "exec", name, "true", NULL).status == 0)
			return;
	ck_abort_msg("container %s never became ready for exec", name);
}

START_TEST(exec_gets_the_containers_filter)
{
	struct result fil = md(NULL, "run", "-d", "--name", "fil", "base", "sleep", "30", NULL);
	struct result unc = md(NULL, "run", "-d", "--name", "unc", "--security-opt", "seccomp=unconfined", "base",
			       "sleep", "30", NULL);
	ck_status(fil, 0);
	ck_status(unc, 0);
	fil.out[strcspn(fil.out, "\n")] = '\0';	/* the ids */
	unc.out[strcspn(unc.out, "\n")] = '\0';
	ck_status(md(NULL, "run", "-d", "--name", "adm", "--cap-add", "SYS_ADMIN", "base", "sleep", "30", NULL),
		  0);
	wait_ready("fil");
	wait_ready("unc");
	wait_ready("adm");
	const char *show = "grep ^Seccomp: /proc/self/status; " KEYCTL "; probe sys mount";
	struct result r = md(NULL, "exec", "fil", "sh", "-c", show, NULL);
	ck_status(r, 0);
	ck_assert_str_eq(r.out, "Seccomp:\t2\nkeyctl: EPERM\nmount: EPERM\n");
	r = md(NULL, "exec", "unc", "sh", "-c", show, NULL);
	ck_assert_str_eq(r.out, "Seccomp:\t0\nkeyctl: ok\nmount: EFAULT\n");
	/* Built from the container's capabilities, as run's was. */
	r = md(NULL, "exec", "adm", "sh", "-c", show, NULL);
	ck_assert_str_eq(r.out, "Seccomp:\t2\nkeyctl: EPERM\nmount: EFAULT\n");
	/* From the host, the BPF the kernel holds: a few hundred
	 * instructions of 8 bytes; the unconfined container has none. */
	r = sh("\"$PROBE\" filter %d | wc -c", state_number(fil.out, "pid"));
	ck_contains(r.err, " instructions\n");
	ck_assert_int_eq(atoi(r.out), 8 * atoi(strstr(r.err, "probe: ") + strlen("probe: ")));
	ck_assert_int_gt(atoi(r.out), 8 * 100);
	r = sh("\"$PROBE\" filter %d", state_number(unc.out, "pid"));
	ck_assert_int_eq(r.status, 1);
	ck_contains(r.err, "none");
	/* exec -u: the filter holds for another user too. */
	r = md(NULL, "exec", "-u", "1000", "fil", "sh", "-c", show, NULL);
	ck_assert_str_eq(r.out, "Seccomp:\t2\nkeyctl: EPERM\nmount: EPERM\n");
	md(NULL, "rm", "-f", "fil", "unc", "adm", NULL);
}
END_TEST

START_TEST(the_state_file_records_it_and_start_keeps_it)
{
	const char *show = "grep ^Seccomp: /proc/self/status";
	ck_status(md(NULL, "run", "--name", "dflt", "base", "sh", "-c", show, NULL), 0);
	ck_assert_str_eq(state_of(newest_id(), "seccomp"), "default");
	struct result r = md(NULL, "run", "--name", "unconf", "--security-opt", "seccomp=unconfined", "base", "sh",
			     "-c", show, NULL);
	ck_assert_str_eq(r.out, "Seccomp:\t0\n");
	ck_assert_str_eq(state_of(newest_id(), "seccomp"), "unconfined");
	ck_status(md(NULL, "run", "--name", "priv", "--privileged", "base", "true", NULL), 0);
	ck_assert_str_eq(state_of(newest_id(), "seccomp"), "unconfined");
	/* start runs the command again with what run recorded. */
	r = md(NULL, "start", "-a", "unconf", NULL);
	ck_status(r, 0);
	ck_assert_str_eq(r.out, "Seccomp:\t0\n");
	r = md(NULL, "start", "-a", "dflt", NULL);
	ck_assert_str_eq(r.out, "Seccomp:\t2\n");
}
END_TEST

/* The filter a container of OPTS holds: on, and denying keyctl and a
 * user namespace (which --cap-add SYS_ADMIN lifts). */
static void ck_filtered(const char *opts, const char *unshare)
{
	struct result r = in_container(opts, "grep ^Seccomp: /proc/self/status; " KEYCTL
				       "; probe sys unshare " NEWUSER);
	char want[128];
	snprintf(want, sizeof want, "Seccomp:\t2\nkeyctl: EPERM\nunshare: %s\n", unshare);
	ck_assert_str_eq(r.out, want);
}

/* The kept programs in ROOT/seccomp: "NAME MODE INODE" a line each. */
static char *kept(void)
{
	return sh("cd \"$MINIDOCKER_ROOT/seccomp\" && stat -c \"%%n %%a %%i\" -- * .[!.]* 2>/dev/null; true").out;
}

/* libseccomp compiles the default profile once: the first run keeps the
 * program in ROOT/seccomp (a folder of its own, 0700; the file 0600), the
 * next one loads that file, not a new one (the same inode), and what the
 * container holds is the file's program, the one libseccomp makes. */
START_TEST(the_program_is_built_once_and_kept)
{
	ck_filtered("", "EPERM");
	char *first = kept();
	ck_assert_msg(strstr(first, ".bpf 600 ") && strchr(first, '\n') == strrchr(first, '\n'),
		      "one kept program, mode 0600: %s", first);
	ck_assert_str_eq(sh("stat -c %%a \"$MINIDOCKER_ROOT/seccomp\"").out, "700\n");
	ck_filtered("", "EPERM");
	ck_assert_str_eq(kept(), first);
	/* The program the kernel holds (probe filter) is the file's tail. */
	struct result c = md(NULL, "run", "-d", "--name", "kept", "base", "sleep", "30", NULL);
	ck_status(c, 0);
	c.out[strcspn(c.out, "\n")] = '\0';
	wait_ready("kept");
	const char *same = "cd \"$MINIDOCKER_ROOT/seccomp\" && \"$PROBE\" filter %d > ../held 2>/dev/null && "
			   "tail -c $(wc -c < ../held) *.bpf | cmp - ../held && echo same";
	ck_assert_str_eq(sh(same, state_number(c.out, "pid")).out, "same\n");
	/* Built again from nothing, it is the same program. */
	ck_status(sh("cd \"$MINIDOCKER_ROOT/seccomp\" && mv *.bpf ../old.bpf"), 0);
	ck_filtered("", "EPERM");
	ck_assert_str_eq(sh("cd \"$MINIDOCKER_ROOT\" && cmp old.bpf seccomp/*.bpf && echo same").out, "same\n");
	md(NULL, "rm", "-f", "kept", NULL);
}
END_TEST

/* A rebuilt minidocker (here: the same one in another file) never loads
 * what the old one kept: its code may turn the rows into other rules. */
START_TEST(another_minidocker_keeps_a_program_of_its_own)
{
	char md2[8300];

	ck_filtered("", "EPERM");
	snprintf(md2, sizeof md2, "%s/md2", state_root());
	ck_status(sh("cp \"$MD\" '%s'", md2), 0);
	setenv("MD", md2, 1);
	ck_filtered("", "EPERM");
	ck_assert_str_eq(sh("ls \"$MINIDOCKER_ROOT/seccomp\" | wc -l").out, "2\n");
}
END_TEST

/* Nor does another libseccomp of the same version (here: the same one in
 * another file), as a distribution's fix to its compiler would be. */
START_TEST(another_libseccomp_keeps_a_program_of_its_own)
{
	char lib[8300];

	ck_filtered("", "EPERM");
	snprintf(lib, sizeof lib, "%s/lib", state_root());
	ck_status(sh("mkdir '%s' && cp \"$(ldd \"$MD\" | awk '/libseccomp/ { print $3 }')\" '%s'", lib, lib), 0);
	setenv("LD_LIBRARY_PATH", lib, 1);
	ck_filtered("", "EPERM");
	unsetenv("LD_LIBRARY_PATH");
	ck_assert_str_eq(sh("ls \"$MINIDOCKER_ROOT/seccomp\" | wc -l").out, "2\n");
}
END_TEST

/* A kept file is loaded only if its recipe and checksum say it is the
 * right one; one that is not is built again, and replaced. */
START_TEST(a_damaged_kept_program_is_built_again)
{
	const char *damage[] = {
		"truncate -s 0 $F", "truncate -s 100 $F", "truncate -s -8 $F", "truncate -s -1 $F",
		"echo x >> $F",
		/* A byte of the recipe, then of the program. */
		"printf x | dd of=$F bs=1 seek=20 conv=notrunc 2>/dev/null",
		"printf x | dd of=$F bs=1 seek=$(( $(wc -c < $F) - 3 )) conv=notrunc 2>/dev/null",
		"rm $F && ln -s ../good $F", "rm $F && mkfifo -m 600 $F",
		/* Another profile's program under this one's name, as a hash
		 * that collides would put it: its recipe is not this one. */
		"for f in *; do [ $f = $F ] || cp $f $F; done",
	};
	ck_filtered("", "EPERM");
	char *name = sh("ls \"$MINIDOCKER_ROOT/seccomp\"").out;
	name[strcspn(name, "\n")] = '\0';
	setenv("F", name, 1);
	ck_status(sh("cd \"$MINIDOCKER_ROOT/seccomp\" && cp $F ../good"), 0);
	ck_filtered("--cap-add SYS_ADMIN", "ok");	/* a second file, for the last case */
	for (size_t i = 0; i < sizeof damage / sizeof damage[0]; i++) {
		ck_status(sh("cd \"$MINIDOCKER_ROOT/seccomp\" && %s", damage[i]), 0);
		ck_filtered("", "EPERM");
		struct result r = sh("cd \"$MINIDOCKER_ROOT/seccomp\" && cmp ../good $F && stat -c %%a $F");
		ck_assert_msg(!strcmp(r.out, "600\n"), "after \"%s\", the kept file was not built again: %s %s",
			      damage[i], r.out, r.err);
	}
	/* A folder in its place: the run builds the program, and cannot keep it. */
	ck_status(sh("cd \"$MINIDOCKER_ROOT/seccomp\" && rm $F && mkdir $F"), 0);
	ck_filtered("", "EPERM");
	ck_status(sh("test -d \"$MINIDOCKER_ROOT/seccomp/$F\""), 0);
	unsetenv("F");
}
END_TEST

/* A state root that cannot keep the program still runs, with the filter
 * built as if there were no cache, and nothing written where it should
 * not be: ROOT/seccomp a file, a symlink, a folder others may write in. */
START_TEST(a_root_that_cannot_keep_it_still_runs)
{
	ck_status(sh("touch \"$MINIDOCKER_ROOT/seccomp\""), 0);
	ck_filtered("", "EPERM");
	ck_assert_str_eq(sh("cd \"$MINIDOCKER_ROOT\" && wc -c < seccomp && rm seccomp").out, "0\n");
	ck_status(sh("cd \"$MINIDOCKER_ROOT\" && mkdir elsewhere && ln -s elsewhere seccomp"), 0);
	ck_filtered("", "EPERM");
	ck_assert_str_eq(sh("cd \"$MINIDOCKER_ROOT\" && ls -A elsewhere && rm seccomp").out, "");
	ck_status(sh("cd \"$MINIDOCKER_ROOT\" && mkdir seccomp && chmod 0777 seccomp"), 0);
	ck_filtered("", "EPERM");
	ck_assert_str_eq(sh("ls -A \"$MINIDOCKER_ROOT/seccomp\"").out, "");
}
END_TEST

/* A capability that lifts rows of the profile gets a program of its own
 * (and the calls); one that lifts none shares the default program. */
START_TEST(a_capability_gets_a_program_of_its_own)
{
	ck_filtered("", "EPERM");
	ck_filtered("--cap-add NET_ADMIN", "EPERM");
	ck_assert_str_eq(sh("ls \"$MINIDOCKER_ROOT/seccomp\" | wc -l").out, "1\n");
	ck_filtered("--cap-add SYS_ADMIN", "ok");
	ck_assert_str_eq(sh("ls \"$MINIDOCKER_ROOT/seccomp\" | wc -l").out, "2\n");
	ck_assert_str_eq(in_container("--cap-add SYS_TIME", "probe sys clock_settime 0 0").out,
			 "clock_settime: EFAULT\n");
	ck_assert_str_eq(sh("ls \"$MINIDOCKER_ROOT/seccomp\" | wc -l").out, "3\n");
	/* Each loaded again from its file gives the same answers. */
	ck_filtered("", "EPERM");
	ck_filtered("--cap-add SYS_ADMIN", "ok");
	ck_assert_str_eq(in_container("--cap-add SYS_TIME", "probe sys clock_settime 0 0").out,
			 "clock_settime: EFAULT\n");
	ck_assert_str_eq(sh("ls -A \"$MINIDOCKER_ROOT/seccomp\" | wc -l").out, "3\n");
}
END_TEST

/* 125, the message, and nothing left behind. */
static void refused(const char *opt, const char *why)
{
	struct result r = md(NULL, "run", "--rm", "--security-opt", opt, "base", "true", NULL);
	ck_status(r, 125);
	ck_contains(r.err, why);
	r = sh("ls -A \"$MINIDOCKER_ROOT/containers\" 2>/dev/null; true");
	ck_assert_str_eq(r.out, "");
}

START_TEST(an_unsupported_security_opt_is_125)
{
	refused("seccomp=/etc/profile.json", "unsupported --security-opt 'seccomp=/etc/profile.json': "
		"seccomp profile files are not read by this stage");
	refused("seccomp=/etc/profile.json", "hint: leave it out for the built-in filter");
	refused("seccomp=", "unsupported --security-opt 'seccomp='");
	refused("apparmor=unconfined", "unknown --security-opt 'apparmor=unconfined': this stage knows "
		"no-new-privileges and seccomp=unconfined");
	refused("seccomp", "unknown --security-opt 'seccomp'");
}
END_TEST

void add_seccomp_tests(Suite *s)
{
	TCase *tc = tcase(s, "seccomp");
	add_root_test(tc, the_filter_is_on_by_default_and_off_when_asked);
	add_root_test(tc, dockers_denied_calls_get_eperm);
	add_root_test(tc, unconfined_lets_the_kernel_answer);
	add_root_test(tc, a_capability_allows_the_calls_docker_ties_to_it);
	add_root_test(tc, clone_may_fork_but_not_make_namespaces);
	add_root_test(tc, clone3_is_enosys);
	add_root_test(tc, personality_allows_only_dockers_safe_values);
	add_root_test(tc, the_i386_entry_is_filtered_too);
	add_root_test(tc, the_filter_holds_for_other_users_with_and_without_nnp);
	add_root_test(tc, exec_gets_the_containers_filter);
	add_root_test(tc, the_state_file_records_it_and_start_keeps_it);
	add_root_test(tc, the_program_is_built_once_and_kept);
	add_root_test(tc, a_damaged_kept_program_is_built_again);
	add_root_test(tc, a_root_that_cannot_keep_it_still_runs);
	add_root_test(tc, a_capability_gets_a_program_of_its_own);
	add_root_test(tc, another_minidocker_keeps_a_program_of_its_own);
	add_root_test(tc, another_libseccomp_keeps_a_program_of_its_own);
	tc = tcase(s, "seccomp bad input");
	add_root_test(tc, an_unsupported_security_opt_is_125);
}
