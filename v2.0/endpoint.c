/* A container's endpoint on a network (v1.4; libnetwork's word): run's
 * --network, --hostname and -p, its /etc files, its address and ports
 * taken and given back, and its side of the veth brought up by its init.
 *
 *   --network none     its own namespace with lo only (v0.7 had it down)
 *   --network bridge   the default: a veth pair from the bridge
 *                      minidocker0 (10.88.0.0/16) to its eth0, an address,
 *                      a default route, and masquerade on the way out
 *   --network NAME     the same on a network of `network create`, whose
 *                      containers find each other by name (/etc/hosts)
 *   --network host     the host's own namespace
 *   --network pasta    without root, the default: pasta's tap (pasta.c)
 *   -p [IP:]HOSTPORT:PORT[/tcp|/udp]   DNAT from the host's port (nft.c)
 *
 * The runtime (host root) makes the bridge (network.c) and the veth pair
 * (net.c), and hands out addresses and ports (ipam.c); the container's
 * init brings its own lo and eth0 up, with the address its folder names,
 * before it gives up its capabilities.  Without root there is no bridge
 * to plug into: the default network is pasta's (pasta.c), and where pasta
 * cannot run, --network none with a hint that names it. */
#include "minidocker.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <libmnl/libmnl.h>
#include <linux/openat2.h>
#include <net/if.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

/* On a network (a bridge of ours), rather than none, host or pasta? */
static int on_network(const struct netcfg *n)
{
	return n->mode[0] && strcmp(n->mode, "none") && strcmp(n->mode, "host") && strcmp(n->mode, "pasta");
}

static int on_pasta(const struct netcfg *n)
{
	return !strcmp(n->mode, "pasta");
}

/* ---- run's flags ------------------------------------------------------ */

static int port_number(const char *s, unsigned short *out)
{
	char *end;

	if (!*s || strspn(s, "0123456789") != strlen(s) || strlen(s) > 5)
		return -1;
	long n = strtol(s, &end, 10);
	if (n < 1 || n > 65535)
		return -1;
	*out = n;
	return 0;
}

/* -p [IP:]HOSTPORT:PORT[/tcp|/udp]: 0, or -1 if ARG is not one. */
static int parse_port(const char *arg, struct port *p)
{
	char buf[64], *part[3], *proto;
	int n = 0;

	memset(p, 0, sizeof *p);
	if (strlen(arg) >= sizeof buf)
		return -1;
	strcpy(buf, arg);
	snprintf(p->proto, sizeof p->proto, "tcp");
	if ((proto = strchr(buf, '/'))) {
		*proto++ = '\0';
		if (strcmp(proto, "tcp") && strcmp(proto, "udp"))
			return -1;
		snprintf(p->proto, sizeof p->proto, "%s", proto);
	}
	for (char *s = buf, *colon; n < 3; s = colon + 1) {
		part[n++] = s;
		if (!(colon = strchr(s, ':')))
			break;
		*colon = '\0';
		if (n == 3)
			return -1;	/* 1:2:3:4 */
	}
	if (n < 2)
		return -1;
	if (n == 3) {
		struct in_addr in;
		if (inet_pton(AF_INET, part[0], &in) != 1)
			return -1;
		if (in.s_addr != INADDR_ANY)
			snprintf(p->host_ip, sizeof p->host_ip, "%s", part[0]);
	}
	return port_number(part[n - 2], &p->host_port) < 0 || port_number(part[n - 1], &p->port) < 0 ? -1 : 0;
}

/* A hostname as RFC 1123 has it: letters, digits, '-' and '.', 63 at most. */
static int valid_hostname(const char *s)
{
	size_t len = strlen(s);
	return len >= 1 && len < 64 && s[0] != '-' && s[0] != '.' &&
	       strspn(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-.") == len;
}

void net_option(const struct command *cmd, int opt, const char *arg, struct netcfg *n)
{
	if (opt == 'N') {
		if (strcmp(arg, "bridge") && strcmp(arg, "none") && strcmp(arg, "host") && !valid_name(arg))
			usage_error(cmd, NULL, "invalid --network '%s': bridge, none, host, pasta or the name "
				    "of a network (`minidocker network ls`)", arg);
		snprintf(n->mode, sizeof n->mode, "%s", arg);
	} else if (opt == 'H') {
		if (!valid_hostname(arg))
			usage_error(cmd, NULL, "invalid --hostname '%s': letters, digits, '-' and '.', "
				    "1 to 63 in all", arg);
		snprintf(n->hostname, sizeof n->hostname, "%s", arg);
	} else if (n->nports == MAX_PORTS) {
		usage_error(cmd, NULL, "too many -p: at most %d", MAX_PORTS);
	} else if (parse_port(arg, &n->ports[n->nports++]) < 0) {
		usage_error(cmd, NULL, "invalid -p '%s': [IP:]HOSTPORT:CONTAINERPORT[/tcp|/udp], ports "
			    "1 to 65535, such as 8080:80 or 127.0.0.1:8080:80/tcp", arg);
	}
}

/* A published port that a living container holds, and that P would take:
 * 1 after saying which, else 0.  Under the networks' lock. */
static int port_taken(const struct port *p)
{
	struct claim *cl;
	int n = claims_load(&cl), taken = 0;

	for (int i = 0; i < n && !taken; i++)
		if (claim_clashes(&cl[i], p) && holder_alive(cl[i].id)) {
			md_warnx("port %s%s%u/%s is already published by container %.12s", p->host_ip,
				 p->host_ip[0] ? ":" : "", p->host_port, p->proto, cl[i].id);
			md_hint("choose another host port, or `minidocker rm -f %.12s`", cl[i].id);
			taken = 1;
		}
	free(cl);
	return taken;
}

/* Without root there is no bridge: what podman does is pasta, a network
 * stack in user space (pasta.c); where it cannot run, --network none.
 * GIVEN: --network was; ASKED: it or -p was. */
static void without_root(struct netcfg *n, int given, int asked)
{
	char what[96];

	snprintf(what, sizeof what, "%s%s%s", given ? "--network " : "", given ? n->mode : "",
		 !n->nports ? "" : given ? " and -p" : "-p");
	int usable = pasta_usable(asked, what);
	snprintf(n->mode, sizeof n->mode, usable ? "pasta" : "none");
	if (!usable)
		n->nports = 0;
}

/* Everything run's network flags ask for, checked before the container
 * exists, so that a mistake leaves nothing behind. */
int net_check(const struct command *cmd, struct netcfg *n)
{
	int given = n->mode[0] != '\0', asked = given || n->nports;

	if (!n->mode[0])
		snprintf(n->mode, sizeof n->mode, DEFAULT_NETWORK);
	for (int i = 0; i < n->nports; i++)
		for (int j = 0; j < i; j++)
			if (claim_clashes(&(struct claim){ .p = n->ports[j] }, &n->ports[i]))
				usage_error(cmd, NULL, "host port %u/%s is published twice", n->ports[i].host_port,
					    n->ports[i].proto);
	if (on_pasta(n) && geteuid() == 0)
		usage_error(cmd, NULL, "--network pasta is for containers without root: as root, bridge");
	if ((!strcmp(n->mode, DEFAULT_NETWORK) || on_pasta(n)) && geteuid() != 0) {
		without_root(n, given, asked);
		return 0;
	}
	if (n->nports && !on_network(n))
		usage_error(cmd, NULL, "-p needs a network: --network %s has no ports to publish", n->mode);
	if (on_network(n) && geteuid() != 0) {
		/* A network of `network create` is a bridge: root's alone. */
		md_warnx("--network %s%s needs root: this container gets --network none", n->mode,
			 n->nports ? " and -p" : "");
		md_hint("run as root; without root, the default network (pasta) is the one there is");
		snprintf(n->mode, sizeof n->mode, "none");
		n->nports = 0;
		return 0;
	}
	if (!on_network(n))
		return 0;
	int lock = networks_lock();
	struct network net = { 0 };
	int rc = 0;
	if (strcmp(n->mode, DEFAULT_NETWORK) && network_load(n->mode, &net) < 0) {
		md_warnx("network %s not found", n->mode);
		md_hint("`minidocker network ls` lists them; `minidocker network create %s` makes it",
			n->mode);
		rc = -1;
	} else {
		network_free(&net);
	}
	for (int i = 0; i < n->nports && rc == 0; i++)
		rc = port_taken(&n->ports[i]) ? -1 : 0;
	close(lock);
	return rc;
}

/* ---- files in the container's folder ------------------------------------ */

/* The whole of the small file PATH, or NULL. */
static char *read_text(const char *path)
{
	char *text = NULL;
	size_t cap = 0;
	FILE *f = fopen(path, "re");

	if (!f)
		return NULL;
	if (getdelim(&text, &cap, '\0', f) < 0) {
		free(text);
		text = NULL;
	}
	fclose(f);
	return text;
}

/* DIR/NAME, written in place (O_TRUNC, not a rename): it is bind-mounted
 * into the container, and a mount holds the inode, not the name. */
static int put_file_how(const char *dir, const char *name, const char *text, int create)
{
	char path[PATH_MAX];

	md_pathf(path, "%s/%s", dir, name);
	int fd = open(path, O_WRONLY | (create ? O_CREAT : 0) | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0644);
	if (fd < 0 && !create && errno == ENOENT)
		return 0;	/* its container is being removed */
	size_t len = strlen(text);
	if (fd < 0 || write(fd, text, len) != (ssize_t)len || close(fd) < 0) {
		md_warn("write %s", path);
		return -1;
	}
	return 0;
}

static int put_file(const char *dir, const char *name, const char *text)
{
	return put_file_how(dir, name, text, 1);
}

/* The host's /etc/resolv.conf without the resolvers on loopback (systemd-
 * resolved's 127.0.0.53 is the host's own, not the container's); none
 * left: Docker's fallback, Google's public ones, or with PASTA pasta's
 * forwarder to the host's own.  HOST: all of it. */
static int put_resolv(const char *dir, int host, int pasta)
{
	char *text = NULL, *line = NULL;
	size_t size = 0, cap = 0;
	int servers = 0;
	FILE *out = open_memstream(&text, &size), *in = fopen("/etc/resolv.conf", "re");

	if (!out)
		md_die("open_memstream");
	while (in && getline(&line, &cap, in) > 0) {
		char addr[64];
		int ns = sscanf(line, " nameserver %63s", addr) == 1;
		if (ns && !host && (!strncmp(addr, "127.", 4) || !strcmp(addr, "::1")))
			continue;
		servers += ns;
		fputs(line, out);
	}
	if (!servers && pasta)	/* pasta.c */
		fputs("# the host's resolvers are on its loopback: pasta forwards to them\n"
		      "nameserver 169.254.1.1\n", out);
	else if (!servers && !host)
		fputs("# the host's resolvers are on its loopback, which is not ours\n"
		      "nameserver 8.8.8.8\nnameserver 8.8.4.4\n", out);
	free(line);
	if (in)
		fclose(in);
	fclose(out);
	int rc = put_file(dir, "resolv.conf", text);
	free(text);
	return rc;
}

/* Container ID's /etc/hosts: localhost, itself at IP (if it has one), and
 * on a user-defined network N, every other container there by name (the
 * default bridge resolves none, as Docker's does not). */
static int put_hosts(const char *id, const char *ip, const char *host, const char *name,
		     const struct network *n, int create)
{
	char dir[PATH_MAX], *text = NULL, addr[INET_ADDRSTRLEN];
	size_t size = 0;
	FILE *f = open_memstream(&text, &size);

	if (!f)
		md_die("open_memstream");
	fprintf(f, "127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\n");
	if (ip)
		fprintf(f, "%s\t%s%s%s\n", ip, host, strcmp(host, name) ? " " : "", strcmp(host, name) ? name : "");
	for (int i = 0; n && strcmp(n->name, DEFAULT_NETWORK) && i < n->n; i++)
		if (strcmp(n->leases[i].id, id))
			fprintf(f, "%s\t%s\n", ip_text(n->leases[i].ip, addr), n->leases[i].name);
	fclose(f);
	container_path(dir, id, NULL);
	int rc = put_file_how(dir, "hosts", text, create);
	free(text);
	return rc;
}

/* Every container on N gets the hosts file that says who is there now:
 * rewritten, never made (a folder that rm is removing stays empty).  The
 * default network's files name no one else: nothing to do there. */
void hosts_refresh(const struct network *n)
{
	char ip[INET_ADDRSTRLEN], dir[PATH_MAX];
	struct stat st;

	for (int i = 0; strcmp(n->name, DEFAULT_NETWORK) && i < n->n; i++) {
		container_path(dir, n->leases[i].id, NULL);
		if (stat(dir, &st) == 0)
			put_hosts(n->leases[i].id, ip_text(n->leases[i].ip, ip), n->leases[i].hostname,
				  n->leases[i].name, n, 0);
	}
}

/* The host's own /etc/hosts, for --network host. */
static int copy_hosts(const char *dir)
{
	char *text = read_text("/etc/hosts");
	int rc = put_file(dir, "hosts", text ? text : "127.0.0.1\tlocalhost\n");
	free(text);
	return rc;
}

/* ---- a container's start and end ------------------------------------------ */

/* C's ports, DNATed to IP, and recorded.  Under the networks' lock. */
static int claim_ports(const struct container *c, const char *ip)
{
	struct claim *cl;
	int n, rc = 0, i;

	if (!c->net.nports)
		return 0;
	n = claims_load(&cl);
	for (i = 0; i < c->net.nports && rc == 0; i++) {
		if (port_taken(&c->net.ports[i]) || nft_port(1, &c->net.ports[i], ip) < 0) {
			rc = -1;
			break;
		}
		cl = realloc(cl, (n + 1) * sizeof *cl);
		if (!cl)
			md_die("realloc");
		cl[n] = (struct claim){ .p = c->net.ports[i] };
		snprintf(cl[n].to, sizeof cl[n].to, "%s", ip);
		snprintf(cl[n].id, sizeof cl[n].id, "%s", c->id);
		n++;
	}
	if (rc < 0)	/* the ones already in, out again */
		while (i-- > 0)
			nft_port(0, &c->net.ports[i], ip);
	else
		claims_save(cl, n);
	free(cl);
	return rc;
}

/* C on its network: the network (the default one made if need be), an
 * address, its ports, and every hosts file there brought up to date.
 * Under the networks' lock. */
static int join_network(struct container *c, const char *dir)
{
	struct network n;
	char text[128], gw[INET_ADDRSTRLEN];
	uint32_t ip;
	const char *host = c->net.hostname[0] ? c->net.hostname : "container";

	networks_give_back(NULL);	/* the sweep */
	if (network_get(c->net.mode, &n) < 0)
		return -1;
	if (lease_take(&n, c->id, c->name, host, &ip) < 0) {
		md_warnx("network %s (%s) has no address left", n.name, n.subnet);
		network_free(&n);
		return -1;
	}
	ip_text(ip, c->net.ip);
	if (claim_ports(c, c->net.ip) < 0) {
		c->net.ip[0] = '\0';
		network_free(&n);
		return -1;
	}
	network_save(&n);
	snprintf(text, sizeof text, "network %s %d %s\n", c->net.ip, n.len, ip_text(n.gw, gw));
	int rc = put_file(dir, "net", text) < 0 || put_hosts(c->id, c->net.ip, host, c->name, &n, 1) < 0 ? -1 : 0;
	hosts_refresh(&n);
	network_free(&n);
	return rc;
}

/* The container's root may edit its /etc files, as in Docker: with an id
 * range (v1.2) they are the range's root's.  Its folder stays root's, so
 * it cannot put a link where the runtime writes. */
static int own_files(const struct container *c, const char *dir)
{
	static const char *const files[] = { "hosts", "hostname", "resolv.conf" };
	char path[PATH_MAX];

	for (int i = 0; c->map.how == MAP_RANGE && i < 3; i++) {
		md_pathf(path, "%s/%s", dir, files[i]);
		if (lchown(path, c->map.uid[0].outside, c->map.gid[0].outside) < 0) {
			md_warn("chown %s", path);
			return -1;
		}
	}
	return 0;
}

int net_prepare(struct container *c)
{
	char dir[PATH_MAX], text[80];
	const char *host = c->net.hostname[0] ? c->net.hostname : "container";
	int hostnet = !strcmp(c->net.mode, "host");

	container_path(dir, c->id, NULL);
	snprintf(text, sizeof text, "%s\n", host);
	if (put_file(dir, "hostname", text) < 0 || put_resolv(dir, hostnet, on_pasta(&c->net)) < 0)
		return -1;
	if (!on_network(&c->net)) {	/* pasta: lo is the init's, eth0 pasta's */
		snprintf(text, sizeof text, "%s\n", hostnet ? "host" : on_pasta(&c->net) ? "pasta" : "none");
		if (put_file(dir, "net", text) < 0 ||
		    (hostnet ? copy_hosts(dir) : put_hosts(c->id, NULL, host, c->name, NULL, 1)) < 0)
			return -1;
		return own_files(c, dir);
	}
	int lock = networks_lock();
	int rc = join_network(c, dir);
	close(lock);
	return rc < 0 ? -1 : own_files(c, dir);
}

/* The veth pair, once the container's namespace exists (PID waits in it
 * for our "go"): its host end plugged into the bridge, eth0 inside.
 * Without root, pasta's tap instead. */
int net_attach(struct container *c, pid_t pid)
{
	char veth[IFNAMSIZ];
	struct network n;
	struct mnl_socket *nl;

	if (on_pasta(&c->net))
		return pasta_start(c, pid);
	if (!on_network(&c->net))
		return 0;
	veth_name(c->id, veth);
	if (network_load(c->net.mode, &n) < 0)
		return -1;
	network_free(&n);
	if (!(nl = nl_open(0))) {
		md_warn("open a netlink socket");
		return -1;
	}
	int rc = nl_veth_add(nl, veth, n.bridge, "eth0", pid);
	if (rc < 0 && errno == EEXIST && nl_link_del(nl, veth) == 0)	/* a killed start's */
		rc = nl_veth_add(nl, veth, n.bridge, "eth0", pid);
	if (rc < 0)
		md_warn("create the veth pair %s (on %s) and eth0 (in the container)", veth, n.bridge);
	mnl_socket_close(nl);
	return rc;
}

/* What C had on its network, given back: its address (and its name in
 * the others' hosts files), its ports, its veth if it is still there.
 * Idempotent: the monitor, rm and whoever finds C killed may all call it. */
void net_release(struct container *c)
{
	char path[PATH_MAX];
	struct stat st;

	pasta_stop(c);	/* the monitor's child: only the monitor has one */
	md_pathf(path, "%s/networks", md_state_root());
	if (!on_network(&c->net) || stat(path, &st) < 0)
		return;
	int lock = networks_lock();
	networks_give_back(c->id);
	close(lock);
	c->net.ip[0] = '\0';
}

/* ---- in the container's init ---------------------------------------------- */

void net_hostname(const char *dir, char *buf, size_t len)
{
	char path[PATH_MAX];

	md_pathf(path, "%s/hostname", dir);
	char *text = read_text(path);
	snprintf(buf, len, "%.*s", text ? (int)strcspn(text, "\n") : 0, text ? text : "");
	if (!buf[0])
		snprintf(buf, len, "container");
	free(text);
}

/* lo up (a new network namespace has it down: 127.0.0.1 unreachable),
 * and on a network eth0 with its address and the default route.  We are
 * root of the namespace's owner, with CAP_NET_ADMIN still ours. */
void net_inside(const char *dir)
{
	char path[PATH_MAX], ip[INET_ADDRSTRLEN] = "", gw[INET_ADDRSTRLEN] = "", mode[16] = "";
	int len = 0;
	struct in_addr a, g;

	md_pathf(path, "%s/net", dir);
	char *text = read_text(path);
	if (!text)	/* EACCES: the range cannot walk to the state root */
		md_die("read %s", path);
	if (sscanf(text, "%15s %15s %d %15s", mode, ip, &len, gw) < 1)
		md_diex("%s: damaged", path);
	free(text);
	if (!strcmp(mode, "host"))
		return;
	struct mnl_socket *nl = nl_open(0);
	if (!nl)
		md_die("open a netlink socket");
	if (nl_link_up(nl, "lo") < 0)
		md_die("bring lo up");
	if (!strcmp(mode, "network")) {
		if (inet_pton(AF_INET, ip, &a) != 1 || inet_pton(AF_INET, gw, &g) != 1)
			md_diex("%s: damaged", path);
		if (nl_addr_add(nl, "eth0", a.s_addr, len) < 0)
			md_die("ip addr add %s/%d dev eth0", ip, len);
		if (nl_link_up(nl, "eth0") < 0)
			md_die("bring eth0 up");
		if (nl_route_default(nl, "eth0", g.s_addr) < 0)
			md_die("ip route add default via %s", gw);
	}
	mnl_socket_close(nl);
}

/* ROOTFS/etc/NAME, a regular file (made if missing, a symlink replaced),
 * found without leaving ROOTFS: openat2(2) with RESOLVE_IN_ROOT resolves
 * an image's /etc -> /somewhere inside it, never on the host. */
static int etc_file(int root, const char *name)
{
	struct open_how how = { .flags = O_PATH | O_DIRECTORY | O_CLOEXEC,
				.resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS };

	if (mkdirat(root, "etc", 0755) < 0 && errno != EEXIST)
		return -1;
	int etc = syscall(SYS_openat2, root, "etc", &how, sizeof how);
	if (etc < 0)
		return -1;
	int fd = openat(etc, name, O_RDONLY | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0644);
	if (fd < 0 && errno == ELOOP && unlinkat(etc, name, 0) == 0)
		fd = openat(etc, name, O_RDONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
	close(etc);
	return fd;
}

/* The container's /etc/hosts, /etc/hostname and /etc/resolv.conf are its
 * folder's, bind-mounted over the image's: the image is not changed, and
 * the runtime can rewrite hosts as containers come and go. */
void net_mount_files(const char *dir, const char *rootfs)
{
	static const char *const files[] = { "hosts", "hostname", "resolv.conf" };
	char src[PATH_MAX], dst[64];
	int root = open(rootfs, O_PATH | O_DIRECTORY | O_CLOEXEC);

	if (root < 0)
		md_die("open %s", rootfs);
	for (int i = 0; i < 3; i++) {
		md_pathf(src, "%s/%s", dir, files[i]);
		int fd = etc_file(root, files[i]);
		if (fd < 0)
			md_die("make /etc/%s in the container", files[i]);
		snprintf(dst, sizeof dst, "/proc/self/fd/%d", fd);
		if (mount(src, dst, NULL, MS_BIND, NULL) < 0)
			md_die("bind-mount %s on /etc/%s", src, files[i]);
		close(fd);
	}
	close(root);
}

/* ---- ps, the state file, commit ------------------------------------------- */

void net_ports_text(const struct container *c, char *buf, size_t len)
{
	size_t used = 0;

	buf[0] = '\0';
	for (int i = 0; c->status == RUNNING && i < c->net.nports && used < len; i++) {
		const struct port *p = &c->net.ports[i];
		used += snprintf(buf + used, len - used, "%s%s:%u->%u/%s", i ? ", " : "",
				 p->host_ip[0] ? p->host_ip : "0.0.0.0", p->host_port, p->port, p->proto);
	}
}

void net_save(FILE *f, const struct netcfg *n)
{
	fprintf(f, "network=%s\nhostname=%s\nip=%s\n", n->mode, n->hostname, n->ip);
	if (n->pasta)
		fprintf(f, "pasta=%d %llu\n", (int)n->pasta, n->pasta_start);
	for (int i = 0; i < n->nports; i++)
		fprintf(f, "port=%s %s %u %u\n", n->ports[i].proto,
			n->ports[i].host_ip[0] ? n->ports[i].host_ip : "0.0.0.0", n->ports[i].host_port,
			n->ports[i].port);
}

/* 1 if KEY was one of net_save's. */
int net_load(struct netcfg *n, const char *key, const char *val)
{
	if (!strcmp(key, "network"))
		snprintf(n->mode, sizeof n->mode, "%s", val);
	else if (!strcmp(key, "hostname"))
		snprintf(n->hostname, sizeof n->hostname, "%s", val);
	else if (!strcmp(key, "ip"))
		snprintf(n->ip, sizeof n->ip, "%s", val);
	else if (!strcmp(key, "pasta"))
		sscanf(val, "%d %llu", &n->pasta, &n->pasta_start);
	else if (!strcmp(key, "port") && n->nports < MAX_PORTS) {
		struct port *p = &n->ports[n->nports];
		char host[INET_ADDRSTRLEN];
		if (sscanf(val, "%3s %15s %hu %hu", p->proto, host, &p->host_port, &p->port) == 4) {
			snprintf(p->host_ip, sizeof p->host_ip, "%s", strcmp(host, "0.0.0.0") ? host : "");
			n->nports++;
		}
	} else
		return 0;
	return 1;
}

/* commit: the empty files the init made as mount points for /etc/hosts,
 * /etc/hostname and /etc/resolv.conf, where the image had none, are no
 * change of the container's: out of the layer LAYER (and /etc with them,
 * if nothing else of it changed).  The container's writes to those
 * files went to its folder, through the bind mounts, never to its upper
 * layer.  Docker keeps them out of its layers with an "init" layer of
 * its own between the image and the container. */
void net_uncommit(const char *layer)
{
	static const char *const files[] = { "hosts", "hostname", "resolv.conf" };
	char path[PATH_MAX];
	struct stat st;

	for (int i = 0; i < 3; i++) {
		md_pathf(path, "%s/etc/%s", layer, files[i]);
		if (lstat(path, &st) == 0 && S_ISREG(st.st_mode) && st.st_size == 0 && unlink(path) < 0)
			md_die("remove %s", path);
	}
	md_pathf(path, "%s/etc", layer);
	if (rmdir(path) < 0 && errno != ENOTEMPTY && errno != EEXIST && errno != ENOENT)
		md_die("remove %s", path);
}
