/* inspect (v1.5): what minidocker knows about a container, an image or a
 * network, as the JSON Docker prints, for scripts and for jq(1).
 *
 * The JSON is built with jansson (Debian's libjansson-dev), never by
 * printf: a name or a command holding a quote or a newline must come out
 * escaped, and a library does that right every time.  The fields are
 * Docker's, for what minidocker has; what it does not have is left out
 * rather than made up (images have no content digest before v1.6, so an
 * image's Id is its name).
 *
 * Each kind of object is a row of one table: a function that returns its
 * JSON, or NULL when there is no such object of that kind. */
#include "minidocker.h"

#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <getopt.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <sys/capability.h>
#include <sys/stat.h>
#include <unistd.h>

/* Docker's time format, RFC 3339 with nanoseconds, trailing zeros cut;
 * Go's zero time for "never". */
static json_t *time_json(const struct timespec *t)
{
	char buf[64];
	rfc3339_text(t, buf, sizeof buf);
	return json_string(buf);
}

static json_t *strings(char **v, int n)
{
	json_t *a = json_array();
	for (int i = 0; i < n; i++)
		json_array_append_new(a, json_string(v[i]));
	return a;
}

/* Docker's State.  StartedAt is the time the state file recorded when the
 * command last started (run, start, restart); a container whose command
 * never ran, "created", has Go's zero time, as in Docker. */
static json_t *state_json(const struct container *c)
{
	static const char *const names[] = { "created", "running", "exited", "dead" };
	int running = is_running(c);
	struct timespec none = { 0 };

	return json_pack("{s:s, s:b, s:b, s:b, s:b, s:b, s:i, s:i, s:s, s:o, s:o}",
			 "Status", names[c->status], "Running", running, "Paused", 0, "Restarting", 0,
			 "OOMKilled", 0, "Dead", c->status == DEAD, "Pid", running ? (int)c->pid : 0,
			 "ExitCode", c->exit_code, "Error", "",
			 "StartedAt", time_json(c->status == CREATED ? &none : &c->started),
			 "FinishedAt", time_json(c->status == EXITED ? &c->finished : &none));
}

/* The capabilities it has against Docker's default: what --cap-add and
 * --cap-drop must have said. */
static json_t *caps_diff(unsigned long long have, unsigned long long want)
{
	json_t *a = json_array();
	for (int i = 0; i < 64; i++)
		if ((have >> i & 1) && !(want >> i & 1)) {
			char *name = cap_to_name(i), up[64];
			size_t j = 0;
			for (const char *p = name + 4; *p && j < sizeof up - 1; p++)	/* no "cap_" */
				up[j++] = *p >= 'a' && *p <= 'z' ? *p - 32 : *p;
			up[j] = '\0';
			json_array_append_new(a, json_string(up));
			cap_free(name);
		}
	if (json_array_size(a))
		return a;
	json_decref(a);
	return json_null();
}

/* "8080/tcp": [{"HostIp": "0.0.0.0", "HostPort": "18080"}], Docker's
 * PortBindings and NetworkSettings.Ports. */
static json_t *ports_json(const struct netcfg *n)
{
	json_t *o = json_object();
	for (int i = 0; i < n->nports; i++) {
		const struct port *p = &n->ports[i];
		char key[16], port[8];
		snprintf(key, sizeof key, "%u/%s", p->port, p->proto);
		snprintf(port, sizeof port, "%u", p->host_port);
		json_t *list = json_object_get(o, key);
		if (!list)
			json_object_set_new(o, key, list = json_array());
		json_array_append_new(list, json_pack("{s:s, s:s}", "HostIp", p->host_ip[0] ? p->host_ip : "0.0.0.0",
						      "HostPort", port));
	}
	return o;
}

static json_t *host_config(const struct container *c)
{
	int privileged = c->sec.caps == caps_all() && !c->sec.seccomp;
	json_t *tmpfs = json_object();
	for (int i = 0; i < c->mounts.ntmpfs; i++) {
		char path[256];
		const char *colon = strchr(c->mounts.tmpfs[i], ':');
		snprintf(path, sizeof path, "%.*s", colon ? (int)(colon - c->mounts.tmpfs[i]) : 255,
			 c->mounts.tmpfs[i]);
		json_object_set_new(tmpfs, path, json_string(colon ? colon + 1 : ""));
	}
	json_t *sec = json_array();
	if (c->sec.nnp)
		json_array_append_new(sec, json_string("no-new-privileges"));
	if (!c->sec.seccomp && !privileged)
		json_array_append_new(sec, json_string("seccomp=unconfined"));
	return json_pack("{s:I, s:I, s:o, s:s, s:s, s:o, s:b, s:b, s:b, s:o, s:o, s:I, s:o, s:o, s:s}",
			 "Memory", (json_int_t)c->limits.memory, "NanoCpus", (json_int_t)(c->limits.cpus * 1e9 + 0.5),
			 "PidsLimit", c->limits.pids ? json_integer(c->limits.pids) : json_null(),
			 "CgroupParent", c->cgroup_parent, "NetworkMode", c->net.mode[0] ? c->net.mode : DEFAULT_NETWORK,
			 "PortBindings", ports_json(&c->net), "ReadonlyRootfs", c->mounts.read_only,
			 "Privileged", privileged, "AutoRemove", c->autoremove,
			 "CapAdd", privileged ? json_null() : caps_diff(c->sec.caps, caps_default()),
			 "CapDrop", privileged ? json_null() : caps_diff(caps_default(), c->sec.caps),
			 "ShmSize", (json_int_t)c->mounts.shm_size, "Tmpfs", tmpfs, "SecurityOpt", sec,
			 "UsernsMode", "");
}

/* What the command gets (container.c, container_env), TERM aside: that
 * one is the caller's terminal's, taken at each run and exec. */
static json_t *config_json(const struct container *c, const char *hostname)
{
	char host[128];
	snprintf(host, sizeof host, "HOSTNAME=%s", hostname);
	json_t *env = json_pack("[s, s, s]", "PATH=" CONTAINER_PATH, host, "HOME=/root");
	/* Then -e and --env-file's (v1.6: and the image's), in order; a
	 * later K= replaces an earlier. */
	env_over_json(env, &c->cfg);
	/* The command is ENTRYPOINT's words then CMD's (config_command);
	 * v1.6: an image's entrypoint may be several words. */
	int entry = entrypoint_words(c);
	return json_pack("{s:s, s:s, s:b, s:b, s:b, s:b, s:o, s:o, s:s, s:s, s:o}", "Hostname", hostname,
			 "User", c->sec.user, "AttachStdin", c->interactive && !c->tty, "Tty", c->tty,
			 "OpenStdin", c->interactive, "StdinOnce", 0, "Env", env,
			 "Cmd", strings(c->argv + entry, c->argc - entry), "Image", c->image,
			 "WorkingDir", c->cfg.workdir,
			 "Entrypoint", entry ? strings(c->argv, entry) : json_null());
}

/* Mounts: its -v and --mount ones, as Docker lists them. */
static json_t *mounts_json(const struct container *c)
{
	json_t *all = json_array();
	char src[PATH_MAX];

	for (int i = 0; i < c->cfg.nvol; i++) {
		const struct volume *v = &c->cfg.vol[i];
		volume_host_path(v, src);
		json_t *m = json_pack("{s:s, s:s, s:s, s:s, s:b, s:s}", "Type", v->type, "Source", src,
				      "Destination", v->target, "Mode", v->ro ? "ro" : "", "RW", !v->ro,
				      "Propagation", "rprivate");
		if (v->type[0] == 'v') {
			json_object_set_new(m, "Name", json_string(v->source));
			json_object_set_new(m, "Driver", json_string("local"));
		}
		json_array_append_new(all, m);
	}
	return all;
}

/* NetworkSettings: its address on its network while it runs. */
static json_t *network_settings(const struct container *c)
{
	const char *mode = c->net.mode[0] ? c->net.mode : DEFAULT_NETWORK;
	const char *ip = is_running(c) ? c->net.ip : "";
	json_t *nets = json_object();
	char gw[INET_ADDRSTRLEN] = "";
	struct network n;

	if (strcmp(mode, "none") && strcmp(mode, "host") && network_load(mode, &n) == 0) {
		if (ip[0])
			ip_text(n.gw, gw);
		json_object_set_new(nets, mode, json_pack("{s:s, s:s, s:s, s:i}", "NetworkID", n.id,
							  "IPAddress", ip, "Gateway", gw,
							  "IPPrefixLen", ip[0] ? n.len : 0));
		network_free(&n);
	} else {
		json_object_set_new(nets, mode, json_pack("{s:s, s:s}", "IPAddress", "", "Gateway", ""));
	}
	return json_pack("{s:s, s:s, s:o, s:o}", "IPAddress", ip, "Gateway", gw,
			 "Ports", is_running(c) ? ports_json(&c->net) : json_object(), "Networks", nets);
}

/* The container NAME names, by name, id or unique prefix, as
 * find_container, but silent: NAME may be an image, a volume or a network. */
static int quiet_find(const char *name, struct container *c)
{
	char owner[65], **ids, id[65] = "";
	int n, found = 0;

	if (name_in_use(name, owner)) {
		snprintf(id, sizeof id, "%s", owner);
	} else {
		n = list_ids(&ids);
		for (int i = 0; i < n && name[0]; i++)
			if (!strncmp(ids[i], name, strlen(name))) {
				found++;
				snprintf(id, sizeof id, "%s", ids[i]);
			}
		free_ids(ids, n);
		if (found != 1)
			return -1;
	}
	if (load_state(id, c) < 0 || settle(c)) {
		drop_command(c);
		return -1;
	}
	return 0;
}

static json_t *container_json(const char *name)
{
	struct container c;
	char dir[PATH_MAX], host[64];

	if (quiet_find(name, &c) < 0)
		return NULL;
	container_path(dir, c.id, NULL);
	net_hostname(dir, host, sizeof host);
	char slash[72];
	snprintf(slash, sizeof slash, "/%s", c.name);
	json_t *o = json_pack("{s:s, s:o, s:s, s:o, s:o, s:s, s:s, s:s, s:o, s:o, s:o, s:o}", "Id", c.id,
			      "Created", time_json(&c.created), "Path", c.argc ? c.argv[0] : "",
			      "Args", strings(c.argv + 1, c.argc ? c.argc - 1 : 0), "State", state_json(&c),
			      "Image", c.image, "Name", slash, "Driver", "overlay",
			      "HostConfig", host_config(&c),
			      "Mounts", mounts_json(&c),
			      "Config", config_json(&c, host), "NetworkSettings", network_settings(&c));
	drop_command(&c);
	return o;
}

/* Bytes on disk of the folder PATH, as `images` counts them. */
static int add_blocks(int dirfd, const char *name, const struct stat *st, void *arg)
{
	(void)dirfd;
	(void)name;
	*(long long *)arg += (long long)st->st_blocks * 512;
	return 0;
}

/* v1.6: O with IMAGE's config, as Docker shows it: the OCI config's
 * "config" as Config, and its platform.  An image without one runs
 * /bin/sh (imgconfig.c): that is its Config. */
static json_t *with_config(json_t *o, const char *name)
{
	json_t *all = image_config_read(name), *ic = json_object_get(all, "config");
	if (!all && errno) {
		json_decref(o);
		return NULL;
	}
	json_object_set_new(o, "Config", ic ? json_incref(ic) : json_pack("{s:[s]}", "Cmd", "/bin/sh"));
	json_object_set_new(o, "Architecture", json_incref(json_object_get(all, "architecture")));
	json_object_set_new(o, "Os", json_incref(json_object_get(all, "os")));
	json_decref(all);
	return o;
}

static json_t *image_json(const char *name)
{
	char path[PATH_MAX], parent[256], layer[256];
	struct stat st;
	time_t created;
	long long size = 0;

	json_t *stored = store_image_json(name);	/* v1.6: an image of the store */
	if (stored)
		return with_config(stored, name);
	if (!name[0] || strchr(name, '/') || name[0] == '.')
		return NULL;
	md_pathf(path, "%s/images/%s", md_state_root(), name);
	if (stat(path, &st) < 0 || !S_ISDIR(st.st_mode))
		return NULL;
	image_meta(name, parent, sizeof parent, &created);
	/* Docker lists the layers bottom first; each is an image here. */
	json_t *layers = json_array();
	snprintf(layer, sizeof layer, "%s", name);
	for (int depth = 0; layer[0] && depth < 64; depth++) {
		char up[256];
		time_t t;
		json_array_insert_new(layers, 0, json_string(layer));
		md_pathf(path, "%s/images/%s", md_state_root(), layer);
		if (md_walk_tree(path, add_blocks, &size) != 0)
			size = -1;
		image_meta(layer, up, sizeof up, &t);
		snprintf(layer, sizeof layer, "%s", up);
	}
	struct timespec ts = { created, 0 };
	json_t *o = json_pack("{s:s, s:[s], s:s, s:o, s:I, s:{s:s, s:o}}", "Id", name, "RepoTags", name,
			      "Parent", parent, "Created", time_json(&ts), "Size", (json_int_t)size, "RootFS",
			      "Type", "layers", "Layers", layers);
	return with_config(o, name);
}

json_t *network_json(const char *name)
{
	struct network n;
	char ip[INET_ADDRSTRLEN], addr[32];

	if (!name[0] || strchr(name, '/') || name[0] == '.' || network_load(name, &n) < 0)
		return NULL;
	json_t *cs = json_object();
	for (int i = 0; i < n.n; i++) {
		snprintf(addr, sizeof addr, "%s/%d", ip_text(n.leases[i].ip, ip), n.len);
		json_object_set_new(cs, n.leases[i].id, json_pack("{s:s, s:s}", "Name", n.leases[i].name,
								  "IPv4Address", addr));
	}
	json_t *o = json_pack("{s:s, s:s, s:s, s:s, s:{s:s, s:[{s:s, s:s}]}, s:o, s:{s:s}}", "Name", n.name,
			      "Id", n.id, "Driver", "bridge", "Scope", "local", "IPAM", "Driver", "default",
			      "Config", "Subnet", n.subnet, "Gateway", ip_text(n.gw, ip), "Containers", cs,
			      "Options", "com.docker.network.bridge.name", n.bridge);
	network_free(&n);
	return o;
}

/* The kinds inspect knows, in the order Docker tries them. */
static const struct {
	const char *type;
	json_t *(*find)(const char *name);
} kinds[] = {
	{ "container", container_json },
	{ "image", image_json },
	{ "volume", volume_json },
	{ "network", network_json },
};
enum { NKINDS = sizeof kinds / sizeof kinds[0] };

/* Docker's layout: four spaces an indent; [] when none was found. */
void print_json(json_t *all, size_t flags)
{
	char *text = json_dumps(all, JSON_INDENT(4) | flags);
	if (!text)
		md_diex("out of memory for the JSON");
	printf("%s\n", text);
	free(text);
}

int cmd_inspect(int argc, char **argv)
{
	static const struct option opts[] = { { "format", required_argument, NULL, 'f' },
					      { "type", required_argument, NULL, 'T' },
					      { "help", no_argument, NULL, 'h' }, { 0 } };
	const struct command *cmd = find_command("inspect");
	const char *format = NULL, *type = NULL;
	int opt, status = 0;

	while ((opt = next_opt(cmd, argc, argv, "f:", opts)) != -1)
		if (opt == 'f')
			format = optarg;
		else if (opt == 'T')
			type = optarg;
	if (optind >= argc)
		usage_error(cmd, NULL, "nothing to inspect: give a container, an image, a volume or a network");
	int known = !type;
	for (int k = 0; k < NKINDS; k++)
		known |= type && !strcmp(type, kinds[k].type);
	if (!known)
		usage_error(cmd, NULL, "invalid --type '%s': container, image, volume or network", type);
	if (format && format_check(format) < 0)
		return MD_EXIT_FAILED;
	json_t *all = json_array();
	for (int i = optind; i < argc; i++) {
		json_t *o = NULL;
		for (int k = 0; k < NKINDS && !o; k++)
			if (!type || !strcmp(type, kinds[k].type))
				o = kinds[k].find(argv[i]);
		if (!o) {
			/* Docker's words, and its status for them. */
			md_warnx("no such object: %s", argv[i]);
			status = 1;
			continue;
		}
		if (format && format_print(stdout, format, o, 0) < 0) {
			json_decref(o);
			json_decref(all);
			return MD_EXIT_FAILED;
		}
		json_array_append_new(all, o);
	}
	if (!format)
		print_json(all, JSON_PRESERVE_ORDER);
	json_decref(all);
	return status;
}
