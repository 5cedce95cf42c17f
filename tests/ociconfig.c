/* v2.0: config.json, as minidocker-oci reads it.  "oci config": the
 * configs podman 4.3 gave a runtime on this course's machines (in
 * tests/oci/, captured with runc; their host paths replaced by the
 * test's own) and `minidocker-oci spec`'s default are accepted: create
 * leaves the container created.  "oci config bad input": each field a
 * config can get wrong is refused by create, with a message that names
 * it, and nothing is left in --root.
 *
 * A refused create never starts an init, so the bad configs' bundles
 * need no root filesystem to copy: an empty folder does. */
#include "features.h"

#include <jansson.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* The bundle NAME, with the base image as rootfs (COPY) or an empty one. */
static void make_rootfs(const char *name, int copy)
{
	struct result r = copy ? sh("set -e; mkdir -p \"%s\"; cp -a \"%s\" \"%s/rootfs\"", bundle(name),
				    layer_dir("base"), bundle(name))
			       : sh("mkdir -p \"%s/rootfs\"", bundle(name));
	ck_status(r, 0);
}

static void write_config(const char *name, json_t *cfg)
{
	char path[4200];

	snprintf(path, sizeof path, "%s/config.json", bundle(name));
	ck_assert_int_eq(json_dump_file(cfg, path, JSON_INDENT(1)), 0);
}

/* `minidocker-oci spec` in NAME's bundle, read back. */
static json_t *spec_config(const char *name)
{
	char path[4200];
	json_error_t e;

	struct result r = oci("spec --bundle \"%s\"", bundle(name));
	ck_status(r, 0);
	snprintf(path, sizeof path, "%s/config.json", bundle(name));
	json_t *cfg = json_load_file(path, 0, &e);
	ck_assert_msg(cfg != NULL, "spec wrote no JSON: %s", e.text);
	/* No terminal (no console socket here), and this test's cgroup. */
	char cg[512];
	snprintf(cg, sizeof cg, "/%s/%s", cgroup_parent(), name);
	json_object_set_new(json_object_get(cfg, "process"), "terminal", json_false());
	json_object_set_new(json_object_get(cfg, "linux"), "cgroupsPath", json_string(cg));
	return cfg;
}

/* create NAME; 0 if it is then "created" (and deleted again), else its
 * status, with create's stderr in ERR (freed by the caller). */
static int try_create(const char *name, char **err)
{
	char path[4200];

	/* The init keeps create's stdout and stderr: files, not pipes. */
	struct result r = oci("create --bundle \"%s\" %s >\"%s.out\" 2>\"%s.err\"", bundle(name), name,
			      bundle(name), bundle(name));
	snprintf(path, sizeof path, "%s.err", bundle(name));
	*err = read_file(path);
	ck_assert_ptr_nonnull(*err);
	if (r.status != 0)
		return r.status;
	struct result st = oci("state %s", name);
	ck_status(st, 0);
	ck_contains(st.out, "\"created\"");
	struct result d = oci("delete --force %s", name);
	ck_status(d, 0);
	return 0;
}

static void accepted(const char *name)
{
	char *err;
	int rc = try_create(name, &err);

	ck_assert_msg(rc == 0, "create of %s: exit status %d\n%s", name, rc, err);
	free(err);
}

START_TEST(spec_writes_a_config_that_create_accepts)
{
	make_rootfs("dflt", 1);
	json_t *cfg = spec_config("dflt");
	/* runc's checks on the default it writes: a shell, read-only root,
	 * no_new_privs, a new mount namespace. */
	ck_assert_str_eq(json_string_value(json_object_get(cfg, "ociVersion")), "1.2.0");
	ck_assert(json_is_true(json_object_get(json_object_get(cfg, "root"), "readonly")));
	ck_assert(json_is_true(json_object_get(json_object_get(cfg, "process"), "noNewPrivileges")));
	write_config("dflt", cfg);
	json_decref(cfg);
	accepted("dflt");
	/* A second spec refuses to write over it, in runc's words. */
	struct result r = oci("spec --bundle \"%s\"", bundle("dflt"));
	ck_assert_int_ne(r.status, 0);
	ck_contains(r.err, "config.json exists. Remove it first");
}
END_TEST

/* tests/oci/FILE, podman's, made this test's: its root the bundle's
 * rootfs, each bind's source a file or folder of the bundle, a joined
 * network namespace the test's own, the cgroup under the test's parent. */
static json_t *podman_config(const char *file, const char *name)
{
	char path[4200];
	json_error_t e;
	json_t *m, *ns;
	size_t i;

	snprintf(path, sizeof path, "%s/tests/oci/%s", TOP, file);
	json_t *cfg = json_load_file(path, 0, &e);
	ck_assert_msg(cfg != NULL, "%s: %s", path, e.text);
	json_object_set_new(json_object_get(cfg, "root"), "path", json_string("rootfs"));
	json_array_foreach(json_object_get(cfg, "mounts"), i, m)
	{
		if (strcmp(json_string_value(json_object_get(m, "type")), "bind"))
			continue;
		const char *dest = json_string_value(json_object_get(m, "destination"));
		int dir = !strcmp(dest, "/dev/shm") || !strncmp(dest, "/data", 5);
		snprintf(path, sizeof path, "%s/bind%zu", bundle(name), i);
		struct result r = dir ? sh("mkdir -p \"%s\"", path) : sh("echo %s >\"%s\"", dest, path);
		ck_status(r, 0);
		json_object_set_new(m, "source", json_string(path));
	}
	json_array_foreach(json_object_get(json_object_get(cfg, "linux"), "namespaces"), i,
			   ns) if (json_object_get(ns, "path"))
	{
		snprintf(path, sizeof path, "/proc/%d/ns/net", (int)getpid());
		json_object_set_new(ns, "path", json_string(path));
	}
	snprintf(path, sizeof path, "/%s/%s", cgroup_parent(), name);
	json_object_set_new(json_object_get(cfg, "linux"), "cgroupsPath", json_string(path));
	/* run -it's console is ocicli.c's to test, with a console socket. */
	json_object_set_new(json_object_get(cfg, "process"), "terminal", json_false());
	return cfg;
}

START_TEST(podmans_configs_are_accepted)
{
	static const char *const files[] = { "podman-run-rm.json", "podman-run-d-limits.json",
					     "podman-run-it.json", "podman-run-p.json" };

	for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
		char name[16];
		snprintf(name, sizeof name, "pm%zu", i);
		make_rootfs(name, 1);
		json_t *cfg = podman_config(files[i], name);
		write_config(name, cfg);
		json_decref(cfg);
		accepted(name);
	}
}
END_TEST

/* What runc ignores, so do we: another platform's object, a vendor's
 * annotations, a field of a later spec that isolation does not rest on. */
START_TEST(harmless_unknown_fields_are_ignored)
{
	make_rootfs("unk", 1);
	json_t *cfg = spec_config("unk");
	json_object_set_new(cfg, "solaris", json_object());
	json_object_set_new(cfg, "x-vendor-field", json_integer(1));
	json_object_set_new(cfg, "annotations", json_pack("{ss}", "org.example.vendor/key", "value"));
	json_object_set_new(json_object_get(cfg, "process"), "x-vendor", json_true());
	write_config("unk", cfg);
	json_decref(cfg);
	accepted("unk");
}
END_TEST

/* What config.json asks is what the container's process gets: its
 * user, groups, umask, limits, five capability sets, no_new_privs,
 * oom_score_adj, cwd; the host and domain names; a namespaced sysctl; a
 * tmpfs with tmpcopyup; masked and read-only paths; the read-only root;
 * and a seccomp rule.  Run by create then start, its output in a file
 * (the init keeps create's stdout). */
START_TEST(config_is_applied_in_the_container)
{
	make_rootfs("app", 1);
	struct result r = sh("set -e; cd \"%s/rootfs\"; mkdir -p tmp opt/hidden ro; echo kept >tmp/keep; "
			     "echo secret >etc/secret; echo below >opt/hidden/f; chmod 1777 tmp",
			     bundle("app"));
	ck_status(r, 0);
	json_t *cfg = spec_config("app");
	json_t *p = json_object_get(cfg, "process");
	json_object_set_new(
		p, "args",
		json_pack("[sss]", "sh", "-c",
			  "id -u; id -G; umask; ulimit -Sn; ulimit -Hn; grep -E '^(Cap|NoNewPrivs)' /proc/self/status; "
			  "cat /proc/self/oom_score_adj; pwd; hostname; cat /proc/sys/kernel/domainname; "
			  "cat /proc/sys/net/ipv4/ping_group_range; cat /tmp/keep; cat /etc/secret; ls /opt/hidden; "
			  "{ echo no >/ro/x; } 2>&- || echo ro refused; mkdir /tmp/d 2>&- || echo mkdir refused; "
			  "touch /x 2>&- || echo root refused"));
	json_object_set_new(p, "cwd", json_string("/tmp"));
	json_object_set_new(p, "user",
			    json_pack("{si si si s[i]}", "uid", 1000, "gid", 1000, "umask", 027,
				      "additionalGids", 5));
	json_object_set_new(p, "rlimits",
			    json_pack("[{ss si si}]", "type", "RLIMIT_NOFILE", "soft", 256, "hard", 512));
	json_object_set_new(p, "capabilities",
			    json_pack("{s[ss] s[s] s[s] s[s] s[s]}", "bounding", "CAP_KILL", "CAP_CHOWN",
				      "effective", "CAP_KILL", "permitted", "CAP_KILL", "inheritable",
				      "CAP_KILL", "ambient", "CAP_KILL"));
	json_object_set_new(p, "oomScoreAdj", json_integer(500));
	json_object_set_new(cfg, "hostname", json_string("cfg-host"));
	json_object_set_new(cfg, "domainname", json_string("cfg.example"));
	json_array_append_new(json_object_get(cfg, "mounts"),
			      json_pack("{ss ss ss s[sss]}", "destination", "/tmp", "type", "tmpfs", "source",
					"tmpfs", "options", "nosuid", "nodev", "tmpcopyup"));
	json_t *lx = json_object_get(cfg, "linux");
	json_array_append_new(json_object_get(lx, "maskedPaths"), json_string("/etc/secret"));
	json_array_append_new(json_object_get(lx, "maskedPaths"), json_string("/opt/hidden"));
	json_array_append_new(json_object_get(lx, "readonlyPaths"), json_string("/ro"));
	/* The container's own network namespace's (spec's default has one). */
	json_object_set_new(lx, "sysctl", json_pack("{ss}", "net.ipv4.ping_group_range", "0 0"));
	json_object_set_new(lx, "seccomp",
			    json_pack("{ss s[{s[ss] ss si}]}", "defaultAction", "SCMP_ACT_ALLOW", "syscalls",
				      "names", "mkdir", "mkdirat", "action", "SCMP_ACT_ERRNO", "errnoRet", 1));
	/* The root's own /tmp and /ro were made above, while it was writable. */
	write_config("app", cfg);
	json_decref(cfg);

	char path[4200];
	r = oci("create --bundle \"%s\" --pid-file \"%s.pid\" app >\"%s.out\" 2>\"%s.err\"", bundle("app"),
		bundle("app"), bundle("app"), bundle("app"));
	snprintf(path, sizeof path, "%s.err", bundle("app"));
	ck_assert_msg(r.status == 0, "create: %d\n%s", r.status, read_file(path));
	snprintf(path, sizeof path, "%s.pid", bundle("app"));
	char *pid = read_file(path);
	ck_assert_ptr_nonnull(pid);
	r = oci("start app");
	ck_status(r, 0);
	ck_assert_int_eq(wait_exit(atoi(pid), 10), 0);
	free(pid);
	snprintf(path, sizeof path, "%s.out", bundle("app"));
	char *out = read_file(path);
	ck_assert_ptr_nonnull(out);
	/* CAP_KILL is bit 5: 0x20; the bounding set also has CAP_CHOWN, bit 0. */
	ck_assert_str_eq(out, "1000\n1000 5\n0027\n256\n512\n"
			      "CapInh:\t0000000000000020\nCapPrm:\t0000000000000020\nCapEff:\t0000000000000020\n"
			      "CapBnd:\t0000000000000021\nCapAmb:\t0000000000000020\nNoNewPrivs:\t1\n"
			      "500\n/tmp\ncfg-host\ncfg.example\n0\t0\nkept\n"
			      "ro refused\nmkdir refused\nroot refused\n");
	free(out);
	r = oci("delete app");
	ck_status(r, 0);
}
END_TEST

/* exec --process with podman's process file (tests/oci/, for podman exec
 * d1 id): read as config.json's process is, and run as it says. */
START_TEST(podmans_exec_process_is_accepted)
{
	char path[4200];

	make_rootfs("ex", 1);
	json_t *cfg = spec_config("ex");
	json_object_set_new(json_object_get(cfg, "process"), "args", json_pack("[ss]", "sleep", "30"));
	write_config("ex", cfg);
	json_decref(cfg);
	struct result r = oci("create --bundle \"%s\" --pid-file \"%s.pid\" ex >\"%s.out\" 2>\"%s.err\"",
			      bundle("ex"), bundle("ex"), bundle("ex"), bundle("ex"));
	ck_status(r, 0);
	snprintf(path, sizeof path, "%s.pid", bundle("ex"));
	char *pid = read_file(path);
	ck_assert_ptr_nonnull(pid);
	r = oci("start ex");
	ck_status(r, 0);
	r = oci("exec --process \"%s/tests/oci/podman-exec-process.json\" ex", TOP);
	ck_status(r, 0);
	ck_contains(r.out, "uid=1000 gid=1000");
	r = oci("kill ex KILL");
	ck_status(r, 0);
	ck_assert_int_eq(wait_exit(atoi(pid), 10), 137);
	free(pid);
	r = oci("delete ex");
	ck_status(r, 0);
}
END_TEST

/* --no-pivot: the root moved onto / and chrooted into (for a root on a
 * ramfs, where pivot_root is EINVAL); the container still sees only its
 * own files, its mounts and masks. */
START_TEST(no_pivot_chroots_into_the_same_root)
{
	char path[4200];

	make_rootfs("np", 1);
	struct result r = sh("echo mine >\"%s/rootfs/etc/np-mark\"", bundle("np"));
	ck_status(r, 0);
	json_t *cfg = spec_config("np");
	json_object_set_new(json_object_get(cfg, "process"), "args",
			    json_pack("[sss]", "sh", "-c", "cat /etc/np-mark; ls /proc/1/root/etc/np-mark"));
	write_config("np", cfg);
	json_decref(cfg);
	r = oci("create --no-pivot --bundle \"%s\" --pid-file \"%s.pid\" np >\"%s.out\" 2>\"%s.err\"",
		bundle("np"), bundle("np"), bundle("np"), bundle("np"));
	ck_status(r, 0);
	snprintf(path, sizeof path, "%s.pid", bundle("np"));
	char *pid = read_file(path);
	ck_assert_ptr_nonnull(pid);
	r = oci("start np");
	ck_status(r, 0);
	ck_assert_int_eq(wait_exit(atoi(pid), 10), 0);
	free(pid);
	snprintf(path, sizeof path, "%s.out", bundle("np"));
	char *out = read_file(path);
	ck_assert_ptr_nonnull(out);
	ck_assert_str_eq(out, "mine\n/proc/1/root/etc/np-mark\n");
	free(out);
	r = oci("delete np");
	ck_status(r, 0);
}
END_TEST

/* create and start NAME's bundle, wait for its init: what it wrote. */
static char *run_bundle(const char *name)
{
	char path[4200];

	struct result r = oci("create --bundle \"%s\" --pid-file \"%s.pid\" %s >\"%s.out\" 2>\"%s.err\"",
			      bundle(name), bundle(name), name, bundle(name), bundle(name));
	snprintf(path, sizeof path, "%s.err", bundle(name));
	ck_assert_msg(r.status == 0, "create: %d\n%s", r.status, read_file(path));
	snprintf(path, sizeof path, "%s.pid", bundle(name));
	char *pid = read_file(path);
	ck_assert_ptr_nonnull(pid);
	r = oci("start %s", name);
	ck_status(r, 0);
	ck_assert_int_eq(wait_exit(atoi(pid), 10), 0);
	free(pid);
	r = oci("delete %s", name);
	ck_status(r, 0);
	snprintf(path, sizeof path, "%s.out", bundle(name));
	char *out = read_file(path);
	ck_assert_ptr_nonnull(out);
	return out;
}

/* podman and containerd write an unlimited rlimit as 2^64-1 (Go's
 * uint64 RLIM_INFINITY), more than jansson's integers hold; and "no
 * limit" for memory, swap, pids and CPU as -1. */
START_TEST(unlimited_is_read_as_podman_writes_it)
{
	make_rootfs("unl", 1);
	json_t *cfg = spec_config("unl");
	json_t *p = json_object_get(cfg, "process");
	json_object_set_new(p, "args", json_pack("[sss]", "sh", "-c", "ulimit -Sc; ulimit -Hc; ulimit -Ss"));
	json_object_set_new(p, "rlimits",
			    json_pack("[{ss ss ss} {ss ss si}]", "type", "RLIMIT_CORE", "soft", "@U64MAX@",
				      "hard", "@U64MAX@", "type", "RLIMIT_STACK", "soft", "@U64MAX@", "hard",
				      -1 /* replaced below */));
	json_object_set_new(json_object_get(cfg, "linux"), "resources",
			    json_pack("{s{sisi} s{si} s{si}}", "memory", "limit", -1, "swap", -1, "pids",
				      "limit", -1, "cpu", "quota", -1));
	write_config("unl", cfg);
	json_decref(cfg);
	/* As podman writes it: the number, not a string. */
	struct result r = sh("sed -i 's/\"@U64MAX@\"/18446744073709551615/g; s/\"hard\": -1/\"hard\": 18446744073709551615/' "
			     "\"%s/config.json\" && grep -o 18446744073709551615 \"%s/config.json\" | wc -l",
			     bundle("unl"), bundle("unl"));
	ck_status(r, 0);
	ck_assert_str_eq(r.out, "4\n");
	char *out = run_bundle("unl");
	ck_assert_str_eq(out, "unlimited\nunlimited\nunlimited\n");
	free(out);
}
END_TEST

/* linux.resources.memory.swap is memory+swap (cgroup v1's memsw), as
 * runc has it: written as memory.memsw.limit_in_bytes on v1, and as
 * memory.swap.max = swap - limit on v2.  No swap given: no limit on swap
 * (runc leaves the knob alone), unlike the CLI's -m, which allows none.
 * Run on both cgroup versions (make test-cgroup2 for v2). */
static void create_swap_pair(void)
{
	static const char *const names[] = { "sw", "nosw" };

	for (int i = 0; i < 2; i++) {
		make_rootfs(names[i], 1);
		json_t *cfg = spec_config(names[i]);
		json_t *mem = json_pack("{sI}", "limit", (json_int_t)64 << 20);
		if (i == 0)
			json_object_set_new(mem, "swap", json_integer((json_int_t)128 << 20));
		json_object_set_new(json_object_get(cfg, "linux"), "resources", json_pack("{so}", "memory", mem));
		write_config(names[i], cfg);
		json_decref(cfg);
		struct result r = oci("create --bundle \"%s\" %s >/dev/null 2>\"%s.err\"", bundle(names[i]),
				      names[i], bundle(names[i]));
		ck_status(r, 0);
	}
}

static void delete_swap_pair(void)
{
	struct result r = oci("delete --force sw");
	ck_status(r, 0);
	r = oci("delete --force nosw");
	ck_status(r, 0);
}

START_TEST(memory_swap_is_memory_plus_swap)
{
	create_swap_pair();
	struct result r = sh("for c in sw nosw; do d=/sys/fs/cgroup/memory/%s/$c; "
			     "if [ -d $d ]; then echo $(cat $d/memory.limit_in_bytes $d/memory.memsw.limit_in_bytes); "
			     "else d=/sys/fs/cgroup/%s/$c; echo $(cat $d/memory.max $d/memory.swap.max); fi; done",
			     cgroup_parent(), cgroup_parent());
	ck_status(r, 0);
	if (!access("/sys/fs/cgroup/memory", F_OK))
		/* 9223372036854771712: v1's "no limit", a page below 2^63. */
		ck_assert_str_eq(r.out, "67108864 134217728\n67108864 9223372036854771712\n");
	else
		ck_assert_str_eq(r.out, "67108864 67108864\n67108864 max\n");
	delete_swap_pair();
}
END_TEST

/* A scratch folder laid out as a cgroup v2 root, MINIDOCKER_CGROUP set
 * to it, "v2:PATH", which is also left in VALUE. */
static void scratch_v2_root(char *value, size_t size)
{
	struct result r = sh("mkdir \"$MINIDOCKER_ROOT/cg\" && echo 'cpu memory pids' >\"$MINIDOCKER_ROOT/cg/cgroup.controllers\" && "
			     ": >\"$MINIDOCKER_ROOT/cg/cgroup.subtree_control\"");
	ck_status(r, 0);
	snprintf(value, size, "v2:%s/cg", state_root());
	setenv("MINIDOCKER_CGROUP", value, 1);
}

/* The same on v2, here: in a scratch folder laid out as a v2 root. */
START_TEST(memory_swap_is_written_as_runc_does_on_v2)
{
	char value[4200];

	scratch_v2_root(value, sizeof value);
	create_swap_pair();
	struct result r = sh("cd \"$MINIDOCKER_ROOT/cg/%s\" && for f in sw/memory.max sw/memory.swap.max nosw/memory.max nosw/memory.swap.max; "
	       "do echo \"$(cat $f)\"; done",
	       cgroup_parent());
	ck_status(r, 0);
	ck_assert_str_eq(r.out, "67108864\n67108864\n67108864\nmax\n");
	delete_swap_pair();
	unsetenv("MINIDOCKER_CGROUP");
}
END_TEST

/* linux.resources.cpu.shares was read and not applied.  As runc: v1's
 * cpu.shares, v2's cpu.weight = 1 + (shares - 2) * 9999 / 262142 (512:
 * 20).  ROOT: the cgroup root (v1's cpu tree is ROOT/cpu). */
static void check_cpu_shares(const char *root, int v2)
{
	make_rootfs("shares", 1);
	json_t *cfg = spec_config("shares");
	json_object_set_new(json_object_get(cfg, "linux"), "resources",
			    json_pack("{s{si}}", "cpu", "shares", 512));
	write_config("shares", cfg);
	json_decref(cfg);
	struct result r = oci("create --bundle \"%s\" shares >/dev/null 2>\"%s.err\"", bundle("shares"),
			      bundle("shares"));
	ck_status(r, 0);
	r = sh("echo $(cat \"%s%s/%s/shares/%s\")", root, v2 ? "" : "/cpu", cgroup_parent(), v2 ? "cpu.weight" : "cpu.shares");
	ck_status(r, 0);
	ck_assert_str_eq(r.out, v2 ? "20\n" : "512\n");
	r = oci("delete --force shares");
	ck_status(r, 0);
}

START_TEST(cpu_shares_are_applied)
{
	check_cpu_shares("/sys/fs/cgroup", access("/sys/fs/cgroup/cpu", F_OK) != 0);
}
END_TEST

/* The same on v2, here: in a scratch folder laid out as a v2 root. */
START_TEST(cpu_shares_are_written_as_runc_does_on_v2)
{
	char value[4200];

	scratch_v2_root(value, sizeof value);
	check_cpu_shares(value + 3, 1);
	unsetenv("MINIDOCKER_CGROUP");
}
END_TEST

/* ---- bad input ---------------------------------------------------------- */

/* CFG's member at PATH ("process.args", "linux.namespaces[1].type") set
 * to VALUE (JSON text), or removed if VALUE is NULL. */
static void set_path(json_t *cfg, const char *path, const char *value)
{
	char copy[256], *save, *part, *next;
	json_t *cur = cfg, *v = NULL;
	json_error_t e;

	if (value) {
		v = json_loads(value, JSON_DECODE_ANY, &e);
		ck_assert_msg(v != NULL, "bad test value %s: %s", value, e.text);
	}
	snprintf(copy, sizeof copy, "%s", path);
	for (part = strtok_r(copy, ".", &save); part; part = next) {
		next = strtok_r(NULL, ".", &save);
		char *br = strchr(part, '[');
		int idx = br ? atoi(br + 1) : -1;
		if (br)
			*br = '\0';
		if (next || br) {
			json_t *child = json_object_get(cur, part);
			if (!child) {
				child = br ? json_array() : json_object();
				json_object_set_new(cur, part, child);
			}
			cur = child;
		}
		if (br && next) {
			cur = json_array_get(cur, idx);
			ck_assert_msg(cur != NULL, "%s: no such element", path);
		} else if (br) {
			if (!v)
				json_array_remove(cur, idx);
			else if ((size_t)idx < json_array_size(cur))
				json_array_set_new(cur, idx, v);
			else
				json_array_append_new(cur, v);
		} else if (!next) {
			if (v)
				json_object_set_new(cur, part, v);
			else
				json_object_del(cur, part);
		}
	}
}

static const struct {
	const char *path, *value, *message;
} bad_fields[] = {
	{ "ociVersion", "\"2.0.0\"", "config.json: ociVersion: version 2.0.0 is not supported" },
	{ "ociVersion", NULL, "config.json: ociVersion: required" },
	{ "ociVersion", "\"one\"", "config.json: ociVersion: \"one\" is not a version" },
	{ "root", NULL, "config.json: root: required" },
	{ "root.path", "\"nothere\"", "config.json: root.path: " },
	{ "root.readonly", "\"yes\"", "config.json: root.readonly: must be true or false" },
	{ "process", NULL, "config.json: process: required" },
	{ "process.args", "[]", "config.json: process.args: must not be empty" },
	{ "process.args", "\"sh\"", "config.json: process.args: must be an array" },
	{ "process.args[0]", "7", "config.json: process.args[0]: must be a string" },
	{ "process.cwd", "\"tmp\"", "config.json: process.cwd: \"tmp\" must be an absolute path" },
	{ "process.cwd", NULL, "config.json: process.cwd: required" },
	{ "process.env[0]", "\"NOEQUALS\"", "config.json: process.env[0]: \"NOEQUALS\" is not KEY=VALUE" },
	{ "process.user.uid", "-1", "config.json: process.user.uid: -1 is out of range" },
	{ "process.user.gid", "\"0\"", "config.json: process.user.gid: must be an integer" },
	{ "process.user.additionalGids", "[-5]",
	  "config.json: process.user.additionalGids[0]: must be a group id" },
	{ "process.user.umask", "1000", "config.json: process.user.umask: 1000 is out of range" },
	{ "process.capabilities.bounding[1]", "\"CAP_FOO\"",
	  "config.json: process.capabilities.bounding[1]: unknown capability \"CAP_FOO\"" },
	{ "process.capabilities.effective[0]", "\"SYS_ADMIN\"",
	  "config.json: process.capabilities.effective[0]: unknown capability \"SYS_ADMIN\"" },
	{ "process.capabilities.ambient", "{}", "config.json: process.capabilities.ambient: must be an array" },
	{ "process.rlimits[0].type", "\"RLIMIT_FOO\"",
	  "config.json: process.rlimits[0].type: unknown rlimit \"RLIMIT_FOO\"" },
	{ "process.rlimits[0].soft", "2048",
	  "config.json: process.rlimits[0]: soft limit 2048 is above the hard limit 1024" },
	{ "process.rlimits[1]", "{\"type\": \"RLIMIT_NOFILE\", \"soft\": 1, \"hard\": 1}",
	  "config.json: process.rlimits[1].type: RLIMIT_NOFILE given twice" },
	{ "process.oomScoreAdj", "1001", "config.json: process.oomScoreAdj: 1001 is out of range" },
	{ "process.noNewPrivileges", "1", "config.json: process.noNewPrivileges: must be true or false" },
	{ "process.apparmorProfile", "\"docker-default\"",
	  "config.json: process.apparmorProfile: not supported by minidocker" },
	{ "process.selinuxLabel", "\"system_u:system_r:container_t:s0\"",
	  "config.json: process.selinuxLabel: not supported by minidocker" },
	{ "hostname", "5", "config.json: hostname: must be a string" },
	{ "mounts[0].destination", NULL, "config.json: mounts[0].destination: required" },
	{ "mounts[0].options", "[\"idmap\"]", "config.json: mounts[0].options[0]: \"idmap\" is not supported" },
	{ "mounts[0].options", "[\"a,b\"]", "config.json: mounts[0].options[0]: \"a,b\" is not a mount option" },
	{ "mounts[0]", "{\"destination\": \"/x\", \"type\": \"bind\"}",
	  "config.json: mounts[0].source: required for a bind mount" },
	{ "linux", NULL, "config.json: linux: required" },
	{ "linux.namespaces[0].type", "\"pidx\"",
	  "config.json: linux.namespaces[0].type: unknown namespace type \"pidx\"" },
	{ "linux.namespaces[1]", "{\"type\": \"pid\"}",
	  "config.json: linux.namespaces[1].type: namespace \"pid\" given twice" },
	{ "linux.namespaces[0].path", "\"ns/pid\"",
	  "config.json: linux.namespaces[0].path: \"ns/pid\" must be an absolute path" },
	{ "linux.namespaces", "[{\"type\": \"pid\"}]",
	  "config.json: linux.namespaces: a new \"mount\" namespace is required" },
	{ "linux.uidMappings", "[{\"containerID\": 0, \"hostID\": 0, \"size\": 1}]",
	  "config.json: linux.uidMappings: id mappings need a \"user\" namespace" },
	{ "linux.intelRdt", "{\"closID\": \"guaranteed\"}",
	  "config.json: linux.intelRdt: not supported by minidocker" },
	{ "linux.personality", "{\"domain\": \"LINUX32\"}",
	  "config.json: linux.personality: not supported by minidocker" },
	{ "linux.mountLabel", "\"system_u:object_r:container_file_t:s0\"",
	  "config.json: linux.mountLabel: not supported by minidocker" },
	{ "linux.resources.memory", "{\"reservation\": 1048576}",
	  "config.json: linux.resources.memory.reservation: not supported by minidocker" },
	{ "linux.cgroupsPath", "\"machine.slice:libpod:abc\"",
	  "cgroupsPath machine.slice:libpod:abc: systemd's form (slice:prefix:name) needs --systemd-cgroup" },
	{ "linux.resources.memory", "{\"limit\": 67108864, \"swap\": 1048576}",
	  "config.json: linux.resources.memory.swap: memory+swap limit should be >= memory limit" },
	{ "linux.resources.memory", "{\"swap\": 1048576}",
	  "config.json: linux.resources.memory.swap: unable to set swap limit without memory limit" },
	{ "linux.resources.pids", "{\"limit\": \"ten\"}",
	  "config.json: linux.resources.pids.limit: must be an integer" },
	{ "linux.resources.devices[0].access", "\"rwx\"",
	  "config.json: linux.resources.devices[0].access: must be some of \"rwm\"" },
	{ "linux.devices", "[{\"path\": \"/dev/x\", \"type\": \"q\", \"major\": 1, \"minor\": 3}]",
	  "config.json: linux.devices[0].type: must be \"c\", \"u\", \"b\" or \"p\"" },
	{ "linux.maskedPaths[0]", "\"proc/kcore\"",
	  "config.json: linux.maskedPaths[0]: \"proc/kcore\" must be an absolute path" },
	{ "linux.sysctl", "{\"kernel.core_pattern\": \"|/bin/true\"}",
	  "config.json: linux.sysctl.kernel.core_pattern: sysctl \"kernel.core_pattern\" is not in a separate kernel namespace" },
	{ "linux.sysctl", "{\"net.ipv4.ip_forward\": 1}",
	  "config.json: linux.sysctl.net.ipv4.ip_forward: must be a string" },
	{ "linux.sysctl", "{\"net/../../kernel/core_pattern\": \"x\"}", "is not a sysctl's name" },
	{ "linux.rootfsPropagation", "\"sideways\"",
	  "config.json: linux.rootfsPropagation: unknown propagation \"sideways\"" },
	{ "linux.seccomp", "{\"defaultAction\": \"SCMP_ACT_FOO\"}",
	  "config.json: linux.seccomp.defaultAction: unknown action \"SCMP_ACT_FOO\"" },
	{ "linux.seccomp", "{\"syscalls\": []}", "config.json: linux.seccomp.defaultAction: required" },
	{ "linux.seccomp", "{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"architectures\": [\"SCMP_ARCH_FOO\"]}",
	  "config.json: linux.seccomp.architectures[0]: unknown architecture \"SCMP_ARCH_FOO\"" },
	{ "linux.seccomp",
	  "{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"syscalls\": [{\"names\": [\"getcwd\"], "
	  "\"action\": \"SCMP_ACT_ERRNO\", \"args\": [{\"index\": 7, \"value\": 0, \"op\": \"SCMP_CMP_EQ\"}]}]}",
	  "config.json: linux.seccomp.syscalls[0].args[0]: its index must be a number from 0 to 5" },
	{ "linux.seccomp",
	  "{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"syscalls\": [{\"names\": [\"getcwd\"], "
	  "\"action\": \"SCMP_ACT_ERRNO\", \"args\": [{\"index\": 0, \"value\": 0, \"op\": \"SCMP_CMP_FOO\"}]}]}",
	  "config.json: linux.seccomp.syscalls[0].args[0]: unknown op \"SCMP_CMP_FOO\"" },
	{ "linux.seccomp",
	  "{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"syscalls\": [{\"names\": [\"getcwd\"], "
	  "\"action\": \"SCMP_ACT_BOGUS\"}]}",
	  "config.json: linux.seccomp.syscalls[0].action: unknown action \"SCMP_ACT_BOGUS\"" },
	{ "linux.seccomp",
	  "{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"syscalls\": [{\"names\": [\"getcwd\"], "
	  "\"action\": \"SCMP_ACT_NOTIFY\"}]}",
	  "SCMP_ACT_NOTIFY needs a seccomp agent: not supported" },
	{ "hooks.prestart", "[{\"path\": \"hook.sh\"}]",
	  "config.json: hooks.prestart[0].path: \"hook.sh\" must be an absolute path" },
	{ "hooks.poststop", "[{\"path\": \"/bin/true\", \"timeout\": 0}]",
	  "config.json: hooks.poststop[0].timeout: 0 is out of range" },
	{ "annotations", "{\"a\": 1}", "config.json: annotations.a: must be a string" },
};

/* create of BUNDLE refused (runc's exit status 1) with MESSAGE, and
 * nothing of ID left under --root. */
static void refused(const char *name, const char *what, const char *message)
{
	char *err;
	int rc = try_create(name, &err);

	ck_assert_msg(rc == 1, "%s: create exited %d, want 1\n%s", what, rc, err);
	ck_assert_msg(strstr(err, message) != NULL, "%s: '%s' not in:\n%s", what, message, err);
	free(err);
	struct result r = sh("ls -A \"$MINIDOCKER_ROOT/oci\" 2>/dev/null | grep -x %s", name);
	ck_assert_msg(r.status == 1, "%s: create left %s in --root", what, name);
}

START_TEST(each_bad_field_is_refused_naming_it)
{
	for (size_t i = 0; i < sizeof bad_fields / sizeof bad_fields[0]; i++) {
		char name[16], what[512];
		snprintf(name, sizeof name, "bad%zu", i);
		snprintf(what, sizeof what, "%s = %s", bad_fields[i].path,
			 bad_fields[i].value ? bad_fields[i].value : "(removed)");
		make_rootfs(name, 0);
		json_t *cfg = spec_config(name);
		set_path(cfg, bad_fields[i].path, bad_fields[i].value);
		write_config(name, cfg);
		json_decref(cfg);
		refused(name, what, bad_fields[i].message);
	}
}
END_TEST

START_TEST(a_bundle_without_a_valid_config_is_refused)
{
	char path[4200];

	make_rootfs("none", 0);
	refused("none", "no config.json", "JSON specification file config.json not found");
	snprintf(path, sizeof path, "%s/config.json", bundle("none"));
	FILE *f = fopen(path, "w");
	ck_assert_ptr_nonnull(f);
	fputs("{\"ociVersion\": \"1.0.2\",\n \"process\": {\n", f);
	ck_assert_int_eq(fclose(f), 0);
	refused("none", "cut config.json", "config.json: line ");
	f = fopen(path, "w");
	ck_assert_ptr_nonnull(f);
	fputs("[\"ociVersion\"]\n", f);
	ck_assert_int_eq(fclose(f), 0);
	refused("none", "an array", "config.json: the document: must be an object");
}
END_TEST

START_TEST(a_missing_rootfs_is_refused_naming_it)
{
	make_rootfs("nort", 0);
	json_t *cfg = spec_config("nort");
	write_config("nort", cfg);
	json_decref(cfg);
	struct result r = sh("rmdir \"%s/rootfs\"", bundle("nort"));
	ck_status(r, 0);
	char want[4300];
	snprintf(want, sizeof want, "config.json: root.path: %s/rootfs does not exist", bundle("nort"));
	refused("nort", "no rootfs", want);
}
END_TEST

void add_ociconfig_tests(Suite *s)
{
	TCase *tc = tcase(s, "oci config");
	add_root_test(tc, spec_writes_a_config_that_create_accepts);
	add_root_test(tc, podmans_configs_are_accepted);
	add_root_test(tc, harmless_unknown_fields_are_ignored);
	add_root_test(tc, config_is_applied_in_the_container);
	add_root_test(tc, podmans_exec_process_is_accepted);
	add_root_test(tc, no_pivot_chroots_into_the_same_root);
	add_root_test(tc, unlimited_is_read_as_podman_writes_it);
	add_root_test(tc, memory_swap_is_written_as_runc_does_on_v2);
	add_root_test(tc, cpu_shares_are_written_as_runc_does_on_v2);
	tc = tcase(s, "oci cgroups");
	add_root_test(tc, memory_swap_is_memory_plus_swap);
	add_root_test(tc, cpu_shares_are_applied);
	tc = tcase(s, "oci config bad input");
	add_root_test(tc, each_bad_field_is_refused_naming_it);
	add_root_test(tc, a_bundle_without_a_valid_config_is_refused);
	add_root_test(tc, a_missing_rootfs_is_refused_naming_it);
}
