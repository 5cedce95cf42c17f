/* IP address management (v1.4): which container has which address, and
 * which host ports are published, as small text files under
 * ROOT/networks, all changed under one lock:
 *
 *   ROOT/networks/.lock    flock(2)ed by whoever changes anything here
 *   ROOT/networks/NAME     a network: subnet, gateway, bridge, and a line
 *                          "lease=ADDRESS ID NAME HOSTNAME" per container
 *   ROOT/networks/.ports   "PROTO HOSTIP HOSTPORT ADDRESS PORT ID" per -p
 *
 * A lease belongs to a container while it runs, or while its monitor
 * (the minidocker that starts and watches it) lives.  One whose holder
 * was killed with SIGKILL nobody released: the next run sweeps it, so
 * the address comes back (mydocker keeps a bitmap in a JSON file; the
 * idea is the same, the sweep is what a killed run needs). */
#include "minidocker.h"

#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>

void network_path(char *buf, const char *name)
{
	md_pathf(buf, "%s/networks/%s", md_state_root(), name);
}

/* The lock on everything under ROOT/networks: an fd to close. */
int networks_lock(void)
{
	char dir[PATH_MAX], path[PATH_MAX];

	md_state_dir(dir, "networks", 0700);
	md_pathf(path, "%s/.lock", dir);
	int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (fd < 0 || flock(fd, LOCK_EX) < 0)
		md_die("lock %s", path);
	return fd;
}

const char *ip_text(uint32_t ip, char *buf)
{
	uint32_t be = htonl(ip);
	return inet_ntop(AF_INET, &be, buf, INET_ADDRSTRLEN);
}

/* "10.89.0.0/24": a network address and a prefix of 8 to 30 bits, its
 * host bits zero (Docker's rule: "10.89.0.1/24" is a typo, not a net). */
int parse_cidr(const char *s, uint32_t *net, int *len)
{
	char addr[INET_ADDRSTRLEN], *end;
	struct in_addr in;
	const char *slash = strchr(s, '/');

	if (!slash || slash - s >= (long)sizeof addr || !slash[1])
		return -1;
	memcpy(addr, s, slash - s);
	addr[slash - s] = '\0';
	errno = 0;
	long l = strtol(slash + 1, &end, 10);
	if (inet_pton(AF_INET, addr, &in) != 1 || *end || errno || l < 8 || l > 30)
		return -1;
	*net = ntohl(in.s_addr);
	*len = l;
	return (*net & ~(~0U << (32 - l))) ? -1 : 0;
}

static void add_lease(struct network *n, uint32_t ip, const char *id, const char *name, const char *host)
{
	n->leases = realloc(n->leases, (n->n + 1) * sizeof *n->leases);
	if (!n->leases)
		md_die("realloc");
	struct lease *l = &n->leases[n->n++];
	l->ip = ip;
	snprintf(l->id, sizeof l->id, "%s", id);
	snprintf(l->name, sizeof l->name, "%s", name);
	snprintf(l->hostname, sizeof l->hostname, "%s", host);
}

/* Network NAME's file: 0, or -1 (errno ENOENT: there is none). */
int network_load(const char *name, struct network *n)
{
	char path[PATH_MAX], *line = NULL;
	size_t cap = 0;

	memset(n, 0, sizeof *n);
	snprintf(n->name, sizeof n->name, "%s", name);
	network_path(path, name);
	FILE *f = fopen(path, "re");
	if (!f)
		return -1;
	while (getline(&line, &cap, f) > 0) {
		char a[64] = "", b[65] = "", c[64] = "", d[64] = "";
		struct in_addr in;
		line[strcspn(line, "\n")] = '\0';
		if (!strncmp(line, "id=", 3))
			snprintf(n->id, sizeof n->id, "%s", line + 3);
		else if (!strncmp(line, "subnet=", 7))
			snprintf(n->subnet, sizeof n->subnet, "%s", line + 7);
		else if (!strncmp(line, "bridge=", 7))
			snprintf(n->bridge, sizeof n->bridge, "%s", line + 7);
		else if (sscanf(line, "lease=%63s %64s %63s %63s", a, b, c, d) == 4 &&
			 inet_pton(AF_INET, a, &in) == 1)
			add_lease(n, ntohl(in.s_addr), b, c, d);
	}
	free(line);
	fclose(f);
	if (parse_cidr(n->subnet, &n->net, &n->len) < 0 || !n->bridge[0]) {
		md_warnx("network %s: %s is damaged (no subnet or bridge)", name, path);
		network_free(n);
		errno = EINVAL;
		return -1;
	}
	n->gw = n->net + 1;
	return 0;
}

void network_free(struct network *n)
{
	free(n->leases);
	n->leases = NULL;
	n->n = 0;
}

/* Written whole to a temporary, then renamed over the old file: a reader
 * sees one or the other.  The lock is a file of its own, so the rename
 * does not lose it. */
void network_save(const struct network *n)
{
	char path[PATH_MAX], tmp[PATH_MAX], ip[INET_ADDRSTRLEN];

	network_path(path, n->name);
	md_pathf(tmp, "%s/networks/.%s.tmp", md_state_root(), n->name);
	FILE *f = fopen(tmp, "we");
	if (!f)
		md_die("write %s", tmp);
	fprintf(f, "id=%s\nsubnet=%s\ngateway=%s\nbridge=%s\n", n->id, n->subnet, ip_text(n->gw, ip), n->bridge);
	for (int i = 0; i < n->n; i++)
		fprintf(f, "lease=%s %s %s %s\n", ip_text(n->leases[i].ip, ip), n->leases[i].id,
			n->leases[i].name, n->leases[i].hostname);
	if (fflush(f) != 0 || fsync(fileno(f)) < 0 || fclose(f) != 0 || rename(tmp, path) < 0)
		md_die("write %s", path);
}

/* The networks' names: every file but the dotfiles. */
int network_list(char ***names)
{
	char dir[PATH_MAX];
	struct dirent *e;
	int n = 0;

	*names = NULL;
	md_pathf(dir, "%s/networks", md_state_root());
	DIR *d = opendir(dir);
	while (d && (e = readdir(d))) {
		if (e->d_name[0] == '.')
			continue;
		*names = realloc(*names, (n + 1) * sizeof **names);
		if (!*names || !((*names)[n++] = strdup(e->d_name)))
			md_die("realloc");
	}
	if (d)
		closedir(d);
	return n;
}

/* Does container ID still hold what it was given?  While its PID 1 runs,
 * or its monitor lives (starting it, or watching it). */
int holder_alive(const char *id)
{
	struct container c;

	if (load_state(id, &c) < 0) {
		drop_command(&c);
		return 0;
	}
	int held = (c.status == RUNNING && alive(c.pid, c.pid_start)) ||
		   (c.monitor && alive(c.monitor, c.monitor_start));
	drop_command(&c);
	return held;
}

/* Drop the leases of ID (all of them if ID is NULL: those of dead
 * holders); how many went. */
int lease_drop(struct network *n, const char *id)
{
	int kept = 0, dropped = 0;

	for (int i = 0; i < n->n; i++)
		if (id ? strcmp(n->leases[i].id, id) != 0 : holder_alive(n->leases[i].id))
			n->leases[kept++] = n->leases[i];
		else
			dropped++;
	n->n = kept;
	return dropped;
}

/* The lowest free address of N for container ID: past the gateway, short
 * of the broadcast address.  0 and *IP, or -1 (ENOSPC) when all are taken. */
int lease_take(struct network *n, const char *id, const char *name, const char *host, uint32_t *ip)
{
	uint32_t last = n->net | ~(~0U << (32 - n->len));

	lease_drop(n, id);	/* an earlier start of ours, killed */
	for (uint32_t a = n->gw + 1; a < last; a++) {
		int used = 0;
		for (int i = 0; i < n->n && !used; i++)
			used = n->leases[i].ip == a;
		if (!used) {
			add_lease(n, a, id, name, host);
			*ip = a;
			return 0;
		}
	}
	errno = ENOSPC;
	return -1;
}

/* ---- published ports ----------------------------------------------- */

int claims_load(struct claim **cl)
{
	char path[PATH_MAX], *line = NULL;
	size_t cap = 0;
	int n = 0;

	*cl = NULL;
	md_pathf(path, "%s/networks/.ports", md_state_root());
	FILE *f = fopen(path, "re");
	while (f && getline(&line, &cap, f) > 0) {
		struct claim c = { 0 };
		char host[INET_ADDRSTRLEN];
		if (sscanf(line, "%3s %15s %hu %15s %hu %64s", c.p.proto, host, &c.p.host_port, c.to,
			   &c.p.port, c.id) != 6)
			continue;
		snprintf(c.p.host_ip, sizeof c.p.host_ip, "%s", strcmp(host, "0.0.0.0") ? host : "");
		*cl = realloc(*cl, (n + 1) * sizeof **cl);
		if (!*cl)
			md_die("realloc");
		(*cl)[n++] = c;
	}
	free(line);
	if (f)
		fclose(f);
	return n;
}

void claims_save(const struct claim *cl, int n)
{
	char path[PATH_MAX], tmp[PATH_MAX];

	md_pathf(path, "%s/networks/.ports", md_state_root());
	md_pathf(tmp, "%s.tmp", path);
	FILE *f = fopen(tmp, "we");
	if (!f)
		md_die("write %s", tmp);
	for (int i = 0; i < n; i++)
		fprintf(f, "%s %s %u %s %u %s\n", cl[i].p.proto, cl[i].p.host_ip[0] ? cl[i].p.host_ip : "0.0.0.0",
			cl[i].p.host_port, cl[i].to, cl[i].p.port, cl[i].id);
	if (fflush(f) != 0 || fsync(fileno(f)) < 0 || fclose(f) != 0 || rename(tmp, path) < 0)
		md_die("write %s", path);
}

/* Does P take a port that C has?  Same protocol and port, and the same
 * address or either one "every address". */
int claim_clashes(const struct claim *c, const struct port *p)
{
	return !strcmp(c->p.proto, p->proto) && c->p.host_port == p->host_port &&
	       (!c->p.host_ip[0] || !p->host_ip[0] || !strcmp(c->p.host_ip, p->host_ip));
}
