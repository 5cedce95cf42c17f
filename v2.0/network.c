/* Networks (v1.4): a bridge each, with the gateway's address and its
 * subnet in our nftables table; the default one, "bridge" (minidocker0,
 * 10.88.0.0/16), made the first time a container asks for it; the sweep
 * of what killed containers held; and `network create|ls|rm|inspect`.
 * A container's side of it is endpoint.c's. */
#include "minidocker.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <jansson.h>
#include <libmnl/libmnl.h>
#include <net/if.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define DEFAULT_BRIDGE "minidocker0"
#define DEFAULT_SUBNET "10.88.0.0/16"	/* podman's; Docker's is 172.17.0.0/16 */

/* The host end of container ID's veth pair: "veth" and 11 hex digits of
 * its id, as long as a link's name may be (IFNAMSIZ - 1). */
void veth_name(const char *id, char *buf)
{
	snprintf(buf, IFNAMSIZ, "veth%.11s", id);
}

static void put_sysctl(const char *path, const char *value)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0 || write(fd, value, strlen(value)) < 0)
		md_warn("write %s", path);
	if (fd >= 0)
		close(fd);
}

/* N's bridge, up with the gateway's address, and its subnet in our
 * nftables table: made when missing (the first run on the default
 * network, a `network create`, or after a reboot took the links). */
static int network_up(const struct network *n)
{
	char path[PATH_MAX];
	struct mnl_socket *nl;

	if (if_nametoindex(n->bridge))
		return 0;
	if (!(nl = nl_open(0)) || nl_bridge_add(nl, n->bridge) < 0) {
		md_warn("create the bridge %s for network %s", n->bridge, n->name);
		if (nl)
			mnl_socket_close(nl);
		return -1;
	}
	if (nl_addr_add(nl, n->bridge, htonl(n->gw), n->len) < 0) {
		md_warn("give the bridge %s the address %s", n->bridge, n->subnet);
		nl_link_del(nl, n->bridge);
		mnl_socket_close(nl);
		return -1;
	}
	/* The bridge's own setting, not the host's: packets from 127.0.0.1,
	 * DNATed to a container, may leave through it (-p on 127.0.0.1).
	 * Forwarding is what lets a container's packets out through the
	 * host at all; Docker turns it on too.  See ip-sysctl in the
	 * kernel's Documentation/networking. */
	md_pathf(path, "/proc/sys/net/ipv4/conf/%s/route_localnet", n->bridge);
	put_sysctl(path, "1");
	put_sysctl("/proc/sys/net/ipv4/ip_forward", "1");
	int rc = nft_ensure() < 0 || nft_network(1, n->subnet, n->bridge) < 0 ? -1 : 0;
	if (rc < 0)	/* no bridge without its NAT: nothing left half made */
		nl_link_del(nl, n->bridge);
	mnl_socket_close(nl);
	return rc;
}

/* A subnet a new network may have: none of our networks has any of its
 * addresses, and no route of the host's leads into it.  0, or -1 after
 * saying why not. */
static int subnet_free(const char *subnet, const char *skip_bridge)
{
	uint32_t net, other;
	int len, olen, rc = 0;
	char **names, found[64];
	int n = network_list(&names);

	parse_cidr(subnet, &net, &len);
	for (int i = 0; i < n && rc == 0; i++) {
		struct network nw;
		if (network_load(names[i], &nw) < 0)
			continue;
		olen = nw.len < len ? nw.len : len;
		other = nw.net;
		if (((other ^ net) & (~0U << (32 - olen))) == 0) {
			md_warnx("subnet %s overlaps network %s (%s)", subnet, nw.name, nw.subnet);
			rc = -1;
		}
		network_free(&nw);
	}
	free_ids(names, n);
	if (rc == 0 && nl_route_overlap(htonl(net), len, skip_bridge, found, sizeof found) == 1) {
		md_warnx("subnet %s overlaps the host's route to %s", subnet, found);
		md_hint("choose another with `network create --subnet CIDR NAME` and run with --network NAME");
		rc = -1;
	}
	return rc;
}

/* A new network's file and bridge.  0, or -1 after saying why. */
static int network_new(const char *name, const char *subnet, const char *bridge, struct network *n)
{
	memset(n, 0, sizeof *n);
	snprintf(n->name, sizeof n->name, "%s", name);
	snprintf(n->subnet, sizeof n->subnet, "%s", subnet);
	md_new_id(n->id);
	if (bridge)
		snprintf(n->bridge, sizeof n->bridge, "%s", bridge);
	else	/* "md-" and 12 hex digits of its id, as Docker's "br-" */
		snprintf(n->bridge, sizeof n->bridge, "md-%.12s", n->id);
	parse_cidr(subnet, &n->net, &n->len);
	n->gw = n->net + 1;
	if (subnet_free(subnet, bridge) < 0 || network_up(n) < 0)
		return -1;
	network_save(n);
	return 0;
}

/* Give back the addresses and ports of container ID, or with ID NULL of
 * every container that died without doing it (SIGKILL): the next run,
 * `network rm` and `network inspect` sweep them.  A dead holder's veth
 * goes too if it is still there (a namespace dies with its last process,
 * but something holding it open keeps its links alive).  Under the
 * networks' lock. */
void networks_give_back(const char *id)
{
	char **names, veth[IFNAMSIZ];
	int n = network_list(&names);
	struct mnl_socket *nl = nl_open(0);

	for (int i = 0; i < n; i++) {
		struct network net;
		if (network_load(names[i], &net) < 0)
			continue;
		for (int j = 0; j < net.n && nl; j++)
			if (id ? !strcmp(net.leases[j].id, id) : !holder_alive(net.leases[j].id)) {
				veth_name(net.leases[j].id, veth);
				nl_link_del(nl, veth);	/* ENODEV: gone with its namespace */
			}
		if (lease_drop(&net, id) > 0) {
			network_save(&net);
			hosts_refresh(&net);
		}
		network_free(&net);
	}
	free_ids(names, n);
	if (nl)
		mnl_socket_close(nl);
	struct claim *cl;
	int nc = claims_load(&cl), kept = 0;
	for (int i = 0; i < nc; i++)
		if (id ? strcmp(cl[i].id, id) != 0 : holder_alive(cl[i].id))
			cl[kept++] = cl[i];
		else
			nft_port(0, &cl[i].p, cl[i].to);
	if (kept < nc)
		claims_save(cl, kept);
	free(cl);
}

static void sweep(void)
{
	networks_give_back(NULL);
}

/* Network NAME, its bridge up; the default one made the first time it is
 * asked for.  0, or -1 after saying why.  Under the networks' lock. */
int network_get(const char *name, struct network *n)
{
	if (network_load(name, n) < 0) {
		if (errno != ENOENT || strcmp(name, DEFAULT_NETWORK)) {
			md_warnx("network %s not found", name);
			return -1;
		}
		return network_new(DEFAULT_NETWORK, DEFAULT_SUBNET, DEFAULT_BRIDGE, n);
	}
	if (network_up(n) < 0) {
		network_free(n);
		return -1;
	}
	return 0;
}

/* ---- the network command -------------------------------------------------- */

/* The first 10.89.N.0/24 that is free (podman's choice of defaults). */
static int pick_subnet(char *buf, size_t len)
{
	char **names, found[64];
	int n = network_list(&names);

	for (int third = 0; third < 256; third++) {
		uint32_t net = (10u << 24) | (89u << 16) | ((uint32_t)third << 8);
		int clash = nl_route_overlap(htonl(net), 24, NULL, found, sizeof found) != 0;
		for (int i = 0; i < n && !clash; i++) {
			struct network nw;
			if (network_load(names[i], &nw) == 0)
				clash = ((nw.net ^ net) & (~0U << (32 - (nw.len < 24 ? nw.len : 24)))) == 0;
			network_free(&nw);
		}
		if (!clash) {
			snprintf(buf, len, "10.89.%d.0/24", third);
			free_ids(names, n);
			return 0;
		}
	}
	free_ids(names, n);
	md_warnx("no free subnet in 10.89.0.0/16");
	md_hint("give one with --subnet CIDR");
	return -1;
}

static int network_create(const struct command *cmd, const char *name, const char *subnet)
{
	uint32_t net;
	int len;
	char pick[20];

	if (!valid_name(name))
		usage_error(cmd, NULL, "invalid network name '%s': a letter or digit, then letters, "
			    "digits, '_', '.' or '-', 2 to 63 in all", name);
	if (!strcmp(name, "bridge") || !strcmp(name, "none") || !strcmp(name, "host") || !strcmp(name, "pasta"))
		usage_error(cmd, NULL, "network %s is predefined: choose another name", name);
	if (subnet && parse_cidr(subnet, &net, &len) < 0)
		usage_error(cmd, NULL, "invalid --subnet '%s': an IPv4 network address and a prefix of "
			    "8 to 30 bits, such as 10.89.7.0/24", subnet);
	if (geteuid() != 0) {
		md_warnx("network create: a bridge needs root");
		md_hint("run as root; containers without root have --network none");
		return MD_EXIT_FAILED;
	}
	int lock = networks_lock();
	struct network n;
	int rc = MD_EXIT_FAILED;
	if (network_load(name, &n) == 0)
		md_warnx("network %s already exists", name);
	else if ((subnet || pick_subnet(pick, sizeof pick) == 0) &&
		 network_new(name, subnet ? subnet : pick, NULL, &n) == 0) {
		printf("%s\n", n.id);
		rc = 0;
	}
	network_free(&n);
	close(lock);
	return rc;
}

static int network_remove(const char *name)
{
	struct network n;
	struct mnl_socket *nl;
	char path[PATH_MAX], **names;

	if (!strcmp(name, "bridge") || !strcmp(name, "none") || !strcmp(name, "host") || !strcmp(name, "pasta")) {
		md_warnx("network %s is predefined and cannot be removed", name);
		return -1;
	}
	int lock = networks_lock();
	sweep();
	int rc = network_load(name, &n);
	if (rc < 0)
		md_warnx("network %s not found", name);
	else if (n.n > 0) {
		md_warnx("network %s is in use by container %.12s (%s)", name, n.leases[0].id, n.leases[0].name);
		md_hint("stop or remove its containers first");
		rc = -1;
	} else {
		if ((nl = nl_open(0))) {
			nl_link_del(nl, n.bridge);	/* its address and route go with it */
			mnl_socket_close(nl);
		}
		nft_network(0, n.subnet, n.bridge);
		network_path(path, name);
		if (unlink(path) < 0)
			md_die("remove %s", path);
		int left = network_list(&names);
		free_ids(names, left);
		if (left == 0)
			nft_drop_table();
	}
	network_free(&n);
	close(lock);
	return rc;
}

static int network_ls(void)
{
	char **names;
	int n = network_list(&names);

	printf("%-14s%-16s%-9s%s\n", "NETWORK ID", "NAME", "DRIVER", "SUBNET");
	/* The default network exists from its first container on. */
	char path[PATH_MAX];
	network_path(path, DEFAULT_NETWORK);
	if (access(path, F_OK) < 0)
		printf("%-14s%-16s%-9s%s\n", "-", DEFAULT_NETWORK, "bridge", DEFAULT_SUBNET " (on first use)");
	for (int i = 0; i < n; i++) {
		struct network nw;
		if (network_load(names[i], &nw) == 0)
			printf("%-14.12s%-16s%-9s%s\n", nw.id, nw.name, "bridge", nw.subnet);
		network_free(&nw);
	}
	printf("%-14s%-16s%-9s%s\n", "-", "host", "host", "-");
	printf("%-14s%-16s%-9s%s\n", "-", "none", "null", "-");
	free_ids(names, n);
	return 0;
}

/* v1.5: as Docker's JSON, inspect's (inspect.c), the networks in one
 * array; what dead containers held swept first. */
static int network_inspect(int argc, char **argv)
{
	int status = 0, lock = networks_lock();

	sweep();
	close(lock);
	json_t *all = json_array();
	for (int i = 0; i < argc; i++) {
		json_t *o = network_json(argv[i]);
		if (o) {
			json_array_append_new(all, o);
		} else {
			md_warnx("network %s not found", argv[i]);
			status = MD_EXIT_FAILED;
		}
	}
	print_json(all, JSON_PRESERVE_ORDER);
	json_decref(all);
	return status;
}

/* `network create|ls|rm|inspect`, Docker's subcommands. */
int cmd_network(int argc, char **argv)
{
	static const struct option opts[] = { { "subnet", required_argument, NULL, 's' },
					      { "help", no_argument, NULL, 'h' }, { 0 } };
	const struct command *cmd = find_command("network");
	const char *subnet = NULL;
	int opt, status = 0;
	const char *sub = subcommand(cmd, argc, argv);

	while ((opt = next_opt(cmd, argc - 1, argv + 1, "", opts)) != -1)
		subnet = optarg;
	argc -= 1;
	argv += 1;
	if (subnet && strcmp(sub, "create"))
		usage_error(cmd, NULL, "--subnet is for network create");
	if (!strcmp(sub, "ls")) {
		if (optind < argc)
			usage_error(cmd, NULL, "unexpected argument '%s'", argv[optind]);
		return network_ls();
	}
	if (optind >= argc)
		usage_error(cmd, NULL, "network %s: no network given", sub);
	if (!strcmp(sub, "create")) {
		if (optind + 1 < argc)
			usage_error(cmd, NULL, "network create: one name, not '%s' too", argv[optind + 1]);
		return network_create(cmd, argv[optind], subnet);
	}
	if (!strcmp(sub, "inspect"))
		return network_inspect(argc - optind, argv + optind);	/* v1.5 */
	for (int i = optind; i < argc; i++)
		if (network_remove(argv[i]) < 0)
			status = MD_EXIT_FAILED;
		else
			printf("%s\n", argv[i]);
	return status;
}
