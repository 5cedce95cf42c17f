/* From v1.5 on: the command's environment, working folder and entrypoint
 * (-e, --env-file, -w, --entrypoint, exec -e/-w/-u), bind mounts and
 * named volumes (-v, the volume command).  Host folders the tests mount
 * are made in the test's own state root, and removed with it. */
#include "features.h"
#include "basics.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* ---- environment, working folder, entrypoint ------------------------ */

START_TEST(env_and_env_file_reach_the_command)
{
	struct result r = sh("f=\"$MINIDOCKER_ROOT/app.env\"; printf '%%s\\n' '# a comment' '' "
			     "'  SPACED=with spaces inside  ' 'QUOTED=\"kept\"' 'EQ=a=b' 'FROMHOST' 'NOTSET' > \"$f\"; "
			     "FROMHOST=here \"$MD\" run --rm -e FOO=bar --env-file \"$f\" -e EQ=last base sh -c "
			     "'echo \"[$FOO][$SPACED][$QUOTED][$EQ][$FROMHOST]\"; env | grep -c ^NOTSET='");
	ck_status(r, 1);	/* grep -c found none: NOTSET is not set at all */
	ck_assert_str_eq(r.out, "[bar][with spaces inside  ][\"kept\"][last][here]\n0\n");
	/* -e K takes K from the caller, and nothing if it has none. */
	r = sh("unset NOPE; YES=1 \"$MD\" run --rm -e YES -e NOPE base sh -c 'env | grep -E \"^(YES|NOPE)\"'");
	ck_status(r, 0);
	ck_assert_str_eq(r.out, "YES=1\n");
}
END_TEST

START_TEST(workdir_is_made_and_is_the_cwd)
{
	struct result r = md(NULL, "run", "--rm", "-w", "/srv/app/deep", "base", "sh", "-c",
			     "pwd; stat -c '%a %u %g' /srv/app/deep /srv/app", NULL);
	ck_status(r, 0);
	ck_assert_str_eq(r.out, "/srv/app/deep\n755 0 0\n755 0 0\n");
	/* An existing folder is used as it is. */
	r = md(NULL, "run", "--rm", "--workdir", "/etc", "base", "pwd", NULL);
	ck_assert_str_eq(r.out, "/etc\n");
}
END_TEST

START_TEST(entrypoint_takes_the_words_after_the_image)
{
	struct result r = md(NULL, "run", "--rm", "--entrypoint", "/bin/echo", "base", "hi", "there", NULL);
	ck_status(r, 0);
	ck_assert_str_eq(r.out, "hi there\n");
	r = md(NULL, "run", "--rm", "--entrypoint", "/bin/pwd", "base", NULL);
	ck_assert_str_eq(r.out, "/\n");
	r = md(NULL, "run", "--rm", "--entrypoint", "/no/such", "base", NULL);
	ck_status(r, 127);
}
END_TEST

START_TEST(start_and_exec_keep_env_and_workdir)
{
	struct result r = md(NULL, "run", "--name", "keep", "-e", "K=v1", "-w", "/work", "base", "sh", "-c",
			     "echo $K $(pwd)", NULL);
	ck_assert_str_eq(r.out, "v1 /work\n");
	r = md(NULL, "start", "-a", "keep", NULL);
	ck_status(r, 0);
	ck_assert_str_eq(r.out, "v1 /work\n");
	r = md(NULL, "run", "-d", "--name", "ex", "-e", "X=0", "-e", "Y=y", "-w", "/tmp", "base", "sleep", "60",
	       NULL);
	ck_status(r, 0);
	r = md(NULL, "exec", "ex", "sh", "-c", "echo $X $Y $(pwd)", NULL);
	ck_assert_str_eq(r.out, "0 y /tmp\n");
	r = md(NULL, "exec", "-e", "X=1", "-w", "/etc", "ex", "sh", "-c", "echo $X $Y $(pwd)", NULL);
	ck_assert_str_eq(r.out, "1 y /etc\n");
	r = md(NULL, "exec", "-u", "nobody", "ex", "id", "-u", NULL);
	ck_assert_str_eq(r.out, "65534\n");
	r = md(NULL, "exec", "-w", "/no/such", "ex", "true", NULL);
	ck_status(r, 126);
	ck_contains(r.err, "minidocker: chdir to the working directory /no/such: No such file or directory");
	md(NULL, "rm", "-f", "ex", NULL);
}
END_TEST

START_TEST(bad_env_and_workdir_are_125)
{
	struct result r = md(NULL, "run", "--rm", "--env-file", "/no/such.env", "base", "true", NULL);
	ck_status(r, 125);
	ck_contains(r.err, "minidocker: --env-file /no/such.env: No such file or directory\nhint: ");
	r = sh("\"$MD\" run --rm --env-file \"$MINIDOCKER_ROOT\" base true");	/* a folder: no variables, said nothing */
	ck_status(r, 125);
	ck_contains(r.err, ": Is a directory\nhint: ");
	r = sh("printf 'BAD NAME=1\\n' > \"$MINIDOCKER_ROOT/e\"; \"$MD\" run --rm --env-file \"$MINIDOCKER_ROOT/e\" base true");
	ck_status(r, 125);
	ck_contains(r.err, "line 1: variable 'BAD NAME' has blanks in its name");
	r = md(NULL, "run", "--rm", "-e", "=x", "base", "true", NULL);
	ck_status(r, 125);
	ck_contains(r.err, "invalid environment variable '=x'");
	r = md(NULL, "run", "--rm", "-w", "relative", "base", "true", NULL);
	ck_status(r, 125);
	ck_contains(r.err, "invalid working directory 'relative'");
	r = md(NULL, "run", "--rm", "-w", "/a/../b", "base", "true", NULL);
	ck_status(r, 125);
	/* 200 kB of variables: more than one argument of the init's execve
	 * may hold (it said "re-exec minidocker from memory: Argument list
	 * too long"). */
	r = sh("i=0; while [ $i -lt 2000 ]; do echo V$i=$(printf %%0100d 0); i=$((i + 1)); done > \"$MINIDOCKER_ROOT/e\"; "
	       "\"$MD\" run --rm --env-file \"$MINIDOCKER_ROOT/e\" base true");
	ck_status(r, 125);
	ck_contains(r.err, "minidocker: run: the variables, -w and the mounts take 214892 bytes, and a container's "
			   "may take ");
	ck_assert_str_eq(containers_left(), "");
}
END_TEST

/* ---- bind mounts ------------------------------------------------------ */

START_TEST(bind_mount_reads_and_writes_host_files)
{
	/* The container's root is a host id of root's range: the folder lets
	 * everyone write, as a host folder must for it (notes/v1.5.md). */
	struct result r = sh("d=\"$MINIDOCKER_ROOT/host\"; mkdir \"$d\" && chmod 1777 \"$d\" && echo from-host > \"$d/in\"; "
			     "\"$MD\" run --rm -v \"$d:/data\" base sh -c 'cat /data/in; echo from-container > /data/out' "
			     "&& cat \"$d/out\"");
	ck_status(r, 0);
	ck_assert_str_eq(r.out, "from-host\nfrom-container\n");
	/* A single file can be bound too, and :rw is the default said aloud. */
	r = sh("\"$MD\" run --rm -v \"$MINIDOCKER_ROOT/host/in:/etc/motd:rw\" base cat /etc/motd");
	ck_assert_str_eq(r.out, "from-host\n");
	/* Backslashes in paths reach the init as they are. */
	r = sh("d=\"$MINIDOCKER_ROOT/a\\\\b\"; mkdir \"$d\" && echo bs > \"$d/f\" && "
	       "\"$MD\" run --rm -v \"$d:/data\" -w '/w\\\\x' base sh -c 'cat /data/f; pwd'");
	ck_status(r, 0);
	ck_assert_str_eq(r.out, "bs\n/w\\\\x\n");
}
END_TEST

START_TEST(read_only_bind_refuses_writes)
{
	struct result r = sh("d=\"$MINIDOCKER_ROOT/host\"; mkdir \"$d\" && chmod 1777 \"$d\"; "
			     "\"$MD\" run --rm -v \"$d:/data:ro\" base sh -c 'touch /data/x; grep \" /data \" /proc/self/mountinfo'; "
			     "ls -A \"$d\"");
	ck_status(r, 0);
	ck_contains(r.err, "touch: /data/x: Read-only file system");
	ck_contains(r.out, " ro");
	ck_lacks(r.out, "x\n");
}
END_TEST

START_TEST(a_mount_in_the_container_stays_there)
{
	/* Private: a tmpfs mounted under the bind in the container does not
	 * show on the host's folder (mount_namespaces(7)). */
	own_mount_ns(1);
	struct result r = sh("d=\"$MINIDOCKER_ROOT/host\"; mkdir -p \"$d/sub\"; "
			     "\"$MD\" run --rm --cap-add SYS_ADMIN -v \"$d:/data\" -v etc:/etc base sh -c "
			     "'mount -t tmpfs t /data/sub && echo in > /data/sub/f && cat /data/sub/f'; "
			     "ls -A \"$d/sub\"; grep -c \"$MINIDOCKER_ROOT\" /proc/self/mountinfo");
	/* Nor do the init's own mounts in a volume: v1.4's /etc/hosts,
	 * hostname and resolv.conf in the volume on /etc. */
	ck_assert_str_eq(r.out, "in\n0\n");
	r = sh("\"$MD\" volume rm etc");
	ck_status(r, 0);
}
END_TEST

START_TEST(image_symlinks_do_not_lead_mounts_out)
{
	/* The image's /link points at a host folder's path, which the
	 * container has too: the mount point is made in the container's
	 * folder of that name, never in the host's. */
	struct result r = sh("h=\"$MINIDOCKER_ROOT/victim\"; mkdir \"$h\"; "
			     "\"$MD\" run --name mk base sh -c \"mkdir -p $h && ln -s $h /link\" && "
			     "\"$MD\" commit mk evil >/dev/null && "
			     "\"$MD\" run --rm -v vol:/link/sub evil sh -c \"ls -d $h/sub\" && ls -A \"$h\"");
	ck_status(r, 0);
	ck_assert_msg(strstr(r.out, "/victim/sub\n") && !strstr(r.out, "\nsub"), "%s", r.out);
	/* A symlink to a path the container lacks: refused, the host untouched. */
	r = sh("h=\"$MINIDOCKER_ROOT/victim2\"; mkdir \"$h\"; "
	       "\"$MD\" run --name mk2 base ln -s \"$h\" /link && \"$MD\" commit mk2 evil2 >/dev/null; "
	       "\"$MD\" run --rm -v vol:/link/sub evil2 true; echo $?; ls -A \"$h\"");
	ck_assert_str_eq(r.out, "125\n");
	ck_contains(r.err, "make the mount point /link");
}
END_TEST

START_TEST(bad_volume_specs_are_125)
{
	static const char *const specs[][2] = {
		{ "a:/b:ro:x", "invalid volume specification 'a:/b:ro:x'" },
		{ "rel/dir:/data", "'rel/dir' is neither an absolute host path nor a volume name" },
		{ "/tmp:/data:rx", "invalid mode 'rx'" },
		{ "/tmp:/data:RO", "invalid mode 'RO'" },
		{ "/tmp:data", "invalid mount path 'data'" },
		{ "/tmp:/", "invalid mount path '/'" },
		{ "/tmp:/a/../etc", "invalid mount path '/a/../etc'" },
		{ "/no/such/dir:/data", "the host path /no/such/dir: No such file or directory" },
		{ "justaname", "a name is not enough" },
	};
	for (size_t i = 0; i < sizeof specs / sizeof specs[0]; i++) {
		struct result r = md(NULL, "run", "--rm", "-v", specs[i][0], "base", "true", NULL);
		ck_status(r, 125);
		ck_contains(r.err, specs[i][1]);
	}
	struct result r = md(NULL, "run", "--rm", "-v", "/tmp:/d", "-v", "v1:/d", "base", "true", NULL);
	ck_status(r, 125);
	ck_contains(r.err, "duplicate mount point: /d");
	/* The same mount point however written (filepath.Clean's, Docker's). */
	r = md(NULL, "run", "--rm", "-v", "/tmp:/d", "-v", "v1://d/./", "base", "true", NULL);
	ck_status(r, 125);
	ck_contains(r.err, "duplicate mount point: /d");
	/* "/a//////" is /a, above /a/b: mounted first, not over it. */
	r = md(NULL, "run", "--rm", "-v", "v1:/a//////", "-v", "v2:/a//b", "base", "sh", "-c",
	       "grep -o ' /a[^ ]* ' /proc/self/mountinfo", NULL);
	ck_status(r, 0);
	ck_assert_str_eq(r.out, " /a \n /a/b \n");
	ck_status(md(NULL, "volume", "rm", "v1", "v2", NULL), 0);
	/* A run that fails makes no volume. */
	r = md(NULL, "run", "--rm", "-v", "fresh:/d", "nosuchimage", "true", NULL);
	ck_status(r, 125);
	ck_contains(r.err, "image 'nosuchimage' not found");
	r = sh("find \"$MINIDOCKER_ROOT/containers\" \"$MINIDOCKER_ROOT/volumes\" -mindepth 1 2>/dev/null");
	ck_assert_str_eq(r.out, "");
}
END_TEST

/* ---- named volumes ---------------------------------------------------- */

START_TEST(a_named_volume_outlives_its_containers)
{
	struct result r = md(NULL, "run", "--rm", "-v", "data:/data", "base", "sh", "-c", "echo kept > /data/f", NULL);
	ck_status(r, 0);
	r = md(NULL, "run", "--rm", "-v", "data:/other", "base", "cat", "/other/f", NULL);
	ck_status(r, 0);
	ck_assert_str_eq(r.out, "kept\n");	/* and --rm kept the volume */
	r = md(NULL, "volume", "ls", NULL);
	ck_assert_str_eq(r.out, "DRIVER    VOLUME NAME\nlocal     data\n");
	r = md(NULL, "volume", "rm", "data", NULL);
	ck_status(r, 0);
	ck_assert_str_eq(r.out, "data\n");
	r = md(NULL, "volume", "ls", "-q", NULL);
	ck_assert_str_eq(r.out, "");
	r = md(NULL, "volume", "list", "-q", NULL);	/* list is ls, -q too */
	ck_status(r, 0);
	ck_assert_str_eq(r.out, "");
	r = md(NULL, "run", "--rm", "-v", "data:/data", "base", "ls", "-A", "/data", NULL);
	ck_assert_str_eq(r.out, "");	/* made anew, empty */
}
END_TEST

START_TEST(a_new_volume_gets_the_images_content)
{
	/* Docker's copy-up: an empty volume on /etc gets the image's /etc,
	 * owners and modes kept; once it has content, it keeps its own. */
	struct result r = md(NULL, "run", "--rm", "-v", "etc:/etc", "base", "sh", "-c",
			     "cat /etc/passwd | head -1; stat -c '%a %u' /etc/passwd; echo mine > /etc/passwd", NULL);
	ck_status(r, 0);
	ck_assert_str_eq(r.out, "root:x:0:0:root:/root:/bin/sh\n644 0\n");
	r = md(NULL, "run", "--rm", "-v", "etc:/etc", "base", "cat", "/etc/passwd", NULL);
	ck_assert_str_eq(r.out, "mine\n");
	/* A bind mount copies nothing up. */
	r = sh("mkdir \"$MINIDOCKER_ROOT/empty\"; \"$MD\" run --rm -v \"$MINIDOCKER_ROOT/empty:/etc\" base ls -A /etc;"
	       " ls -A \"$MINIDOCKER_ROOT/empty\"");
	ck_assert_str_eq(r.out, "");
}
END_TEST

START_TEST(volume_commands_as_docker_has_them)
{
	struct result r = md(NULL, "volume", "create", "v1", NULL);
	ck_status(r, 0);
	ck_assert_str_eq(r.out, "v1\n");
	r = md(NULL, "volume", "create", NULL);	/* a random 64-hex name */
	ck_status(r, 0);
	ck_assert_int_eq(strlen(r.out), 65);
	r = md(NULL, "volume", "inspect", "v1", NULL);
	ck_status(r, 0);
	ck_contains(r.out, "[\n    {\n        \"CreatedAt\": \"20");
	ck_contains(r.out, "\"Driver\": \"local\",\n        \"Labels\": {},\n        \"Mountpoint\": \"");
	ck_contains(r.out, "/volumes/v1/_data\",\n        \"Name\": \"v1\",");
	ck_contains(r.out, "\"Scope\": \"local\"\n    }\n]\n");
	r = md(NULL, "volume", "inspect", "nosuch", NULL);
	ck_status(r, 1);
	ck_assert_str_eq(r.out, "[]\n");
	ck_contains(r.err, "minidocker: no such volume: nosuch");
	r = md(NULL, "volume", "rm", "nosuch", NULL);
	ck_status(r, 1);
	r = md(NULL, "volume", "create", "a", NULL);
	ck_status(r, 125);
	r = md(NULL, "volume", "frob", NULL);
	ck_status(r, 125);
	ck_contains(r.err, "unknown subcommand 'frob': create, ls, rm or inspect");
	r = md(NULL, "volume", NULL);
	ck_status(r, 125);
	ck_contains(r.err, "minidocker: volume: no subcommand given");
	r = md(NULL, "volume", "--help", NULL);
	ck_status(r, 0);
	ck_contains(r.out, "Usage: minidocker volume ");
}
END_TEST

START_TEST(volume_names_are_never_paths)
{
	/* A 64-character name is an unnamed volume's id only if it is hex:
	 * "./././.../../victim" named ROOT/victim, and volume rm removed it. */
	struct result r = sh("mkdir -p \"$MINIDOCKER_ROOT/victim/sub\" && \"$MD\" volume create v1 >/dev/null && "
			     "n=..//victim; while [ ${#n} -lt 64 ]; do n=./$n; done; "
			     "\"$MD\" volume rm $n; echo $?; \"$MD\" volume inspect $n; echo $?; "
			     "ls \"$MINIDOCKER_ROOT/victim\"");
	ck_assert_str_eq(r.out, "1\n[]\n1\nsub\n");
	ck_contains(r.err, "minidocker: no such volume: ./././");
	/* And the id volume create gives is a name -v takes. */
	r = sh("id=$(\"$MD\" volume create) && \"$MD\" run --rm --network none -v $id:/v base sh -c "
	       "'echo in > /v/f' && cat \"$MINIDOCKER_ROOT/volumes/$id/_data/f\"");
	ck_status(r, 0);
	ck_assert_str_eq(r.out, "in\n");
}
END_TEST

START_TEST(a_volume_in_use_is_not_removed)
{
	/* In use by a container that has exited: refused all the same. */
	struct result r = md(NULL, "run", "--name", "user1", "-v", "busy:/b", "base", "true", NULL);
	ck_status(r, 0);
	r = md(NULL, "volume", "rm", "busy", NULL);
	ck_status(r, 1);
	ck_contains(r.err, "minidocker: remove volume busy: volume is in use by container ");
	ck_contains(r.err, "hint: remove the container first");
	r = md(NULL, "volume", "ls", "-q", NULL);
	ck_assert_str_eq(r.out, "busy\n");
	md(NULL, "rm", "user1", NULL);
	r = md(NULL, "volume", "rm", "busy", NULL);
	ck_status(r, 0);
}
END_TEST

START_TEST(start_mounts_the_volumes_again)
{
	struct result r = md(NULL, "run", "--name", "again", "-v", "count:/c", "base", "sh", "-c",
			     "echo x >> /c/n; wc -l < /c/n", NULL);
	ck_assert_str_eq(r.out, "1\n");
	r = md(NULL, "start", "-a", "again", NULL);
	ck_status(r, 0);
	ck_assert_str_eq(r.out, "2\n");
	r = sh("grep '^mount=' \"$MINIDOCKER_ROOT\"/containers/*/state");
	ck_assert_str_eq(r.out, "mount=volume\tcount\t/c\trw\n");
}
END_TEST

START_TEST(mount_is_the_long_form)
{
	struct result r = sh("d=\"$MINIDOCKER_ROOT/host\"; mkdir \"$d\" && echo hi > \"$d/f\"; "
			     "\"$MD\" run --rm --mount \"type=bind,source=$d,target=/data,readonly\" base sh -c "
			     "'cat /data/f; touch /data/g'");
	ck_status(r, 1);
	ck_assert_str_eq(r.out, "hi\n");
	ck_contains(r.err, "Read-only file system");
	r = md(NULL, "run", "--rm", "--mount", "type=volume,src=long,dst=/m", "base", "sh", "-c", "echo v > /m/f",
	       NULL);
	ck_status(r, 0);
	r = md(NULL, "run", "--rm", "-v", "long:/n", "base", "cat", "/n/f", NULL);
	ck_assert_str_eq(r.out, "v\n");
	r = md(NULL, "run", "--rm", "--mount", "type=tmpfs,destination=/t,tmpfs-size=1m", "base", "sh", "-c",
	       "grep ' /t ' /proc/self/mountinfo", NULL);
	ck_status(r, 0);
	ck_contains(r.out, "size=1024k");
	static const char *const bad[][2] = {
		{ "type=nfs,src=a,dst=/a", "type=bind, type=volume or type=tmpfs" },
		{ "type=bind,src=/tmp", "no target" },
		{ "type=bind,src=rel,dst=/a", "'rel' is not an absolute host path" },
		{ "type=volume,dst=/a", "no source" },
		{ "type=volume,src=v,dst=/a,color=red", "unknown key 'color'" },
		{ "type=bind,src=/tmp,dst=/a,readonly=maybe", "readonly=maybe" },
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		r = md(NULL, "run", "--rm", "--mount", bad[i][0], "base", "true", NULL);
		ck_status(r, 125);
		ck_contains(r.err, bad[i][1]);
	}
}
END_TEST

START_TEST(volumes_work_without_root)
{
	/* Without root, the init makes the detached trees itself, in the
	 * user namespace that owns its mount namespace; its root is the
	 * caller, so it writes in the caller's folder and volumes. */
	nobody_root();
	struct result r = sh("d=\"$MINIDOCKER_ROOT/nobody/host\"; mkdir \"$d\" && echo hi > \"$d/f\" && "
			     "chown -R 65534:65534 \"$d\" && "
			     AS_NOBODY " run --rm --network none -e K=v -w /w -v \"$d:/data\" -v nv:/etc base sh -c "
			     "'cat /data/f; echo out > /data/g; echo $K $(pwd); ls /etc/passwd' && "
			     AS_NOBODY " run --rm --network none -v \"$d:/data:ro\" base touch /data/h; "
			     "ls -n \"$d\" | awk 'NR > 1 { print $3, $NF }'; ls \"$MINIDOCKER_ROOT/nobody/volumes/nv/_data/passwd\"");
	ck_assert_msg(strstr(r.out, "hi\nv /w\n/etc/passwd\n65534 f\n65534 g\n") && strstr(r.out, "/_data/passwd"),
		      "%s\n%s", r.out, r.err);
	ck_contains(r.err, "Read-only file system");
}
END_TEST

void add_volume_tests(Suite *s)
{
	TCase *tc = tcase(s, "environment");
	add_root_test(tc, env_and_env_file_reach_the_command);
	add_root_test(tc, workdir_is_made_and_is_the_cwd);
	add_root_test(tc, entrypoint_takes_the_words_after_the_image);
	add_root_test(tc, start_and_exec_keep_env_and_workdir);
	add_root_test(tc, bad_env_and_workdir_are_125);
	tc = tcase(s, "volumes");
	add_root_test(tc, bind_mount_reads_and_writes_host_files);
	add_root_test(tc, read_only_bind_refuses_writes);
	add_root_test(tc, a_mount_in_the_container_stays_there);
	add_root_test(tc, image_symlinks_do_not_lead_mounts_out);
	add_root_test(tc, a_named_volume_outlives_its_containers);
	add_root_test(tc, a_new_volume_gets_the_images_content);
	add_root_test(tc, volume_commands_as_docker_has_them);
	add_root_test(tc, volume_names_are_never_paths);
	add_root_test(tc, a_volume_in_use_is_not_removed);
	add_root_test(tc, start_mounts_the_volumes_again);
	add_root_test(tc, mount_is_the_long_form);
	add_root_test(tc, volumes_work_without_root);
	tc = tcase(s, "volume bad input");
	add_root_test(tc, bad_volume_specs_are_125);
}
