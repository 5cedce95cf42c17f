/* NAT with nftables, through libnftables (v1.4): the library that the
 * `nft` command is a front end of, so what we send is exactly what a
 * learner would type after `nft`.  We chose it over iptables-nft because
 * one table of ours, with sets and maps, needs no rule to be found and
 * deleted again: a network or a published port is an element added to a
 * set or a map, and removed by its key.  See nft(8).
 *
 *   table ip minidocker
 *     set subnets, set bridges     the networks: masquerade what leaves them
 *     map ports_any, map ports_ip  -p: (proto . port) or (addr . proto . port)
 *                                  -> container address . port (DNAT)
 */
#include "lazy-nftables.h"	/* libnftables, loaded when first used */
#include "minidocker.h"

#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

/* prerouting: packets from elsewhere; output: the host's own, 127.0.0.1
 * included.  "fib daddr type local": any address of this host, which is
 * what -p without an address means.  postrouting: what a container sends
 * out of another interface leaves with the host's address (masquerade),
 * and what the host sends from 127.0.0.1 to a published port arrives from
 * the bridge's address, which the container can answer (a container's
 * 127.0.0.1 is its own). */
static const char table[] =
	"table ip minidocker {\n"
	"  set bridges { type ifname; }\n"
	"  set subnets { type ipv4_addr; flags interval; }\n"
	"  map ports_any { type inet_proto . inet_service : ipv4_addr . inet_service; }\n"
	"  map ports_ip { type ipv4_addr . inet_proto . inet_service : ipv4_addr . inet_service; }\n"
	"  chain prerouting { type nat hook prerouting priority dstnat; policy accept;\n"
	"    fib daddr type local dnat ip to meta l4proto . th dport map @ports_any\n"
	"    dnat ip to ip daddr . meta l4proto . th dport map @ports_ip\n  }\n"
	"  chain output { type nat hook output priority -100; policy accept;\n"
	"    fib daddr type local dnat ip to meta l4proto . th dport map @ports_any\n"
	"    dnat ip to ip daddr . meta l4proto . th dport map @ports_ip\n  }\n"
	"  chain postrouting { type nat hook postrouting priority srcnat; policy accept;\n"
	"    ip saddr @subnets oifname != @bridges masquerade\n"
	"    ip saddr 127.0.0.0/8 oifname @bridges masquerade\n  }\n"
	"}\n";

/* Run the nft commands FMT; 0, or -1 with nft's own message in ERR (its
 * first line).  EEXIST (a `create` that found the element) shows there. */
static int nft(char *err, size_t size, const char *fmt, ...) MD_PRINTF(3, 4);
static int nft(char *err, size_t size, const char *fmt, ...)
{
	char cmd[4096];
	va_list ap;

	va_start(ap, fmt);
	int n = vsnprintf(cmd, sizeof cmd, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= sizeof cmd)
		md_diex("nft command too long");
	/* NULL too if libnftables cannot be loaded (lazy.c says why): then,
	 * as after any failed command, the caller undoes what it began. */
	struct nft_ctx *ctx = nft_ctx_new(NFT_CTX_DEFAULT);
	if (!ctx) {
		if (err)
			snprintf(err, size, "no nftables context (libnftables)");
		return -1;
	}
	nft_ctx_buffer_output(ctx);
	nft_ctx_buffer_error(ctx);
	int rc = nft_run_cmd_from_buffer(ctx, cmd);
	if (err) {
		const char *e = nft_ctx_get_error_buffer(ctx);
		snprintf(err, size, "%.*s", (int)strcspn(e ? e : "", "\n"), e ? e : "");
	}
	nft_ctx_free(ctx);
	return rc == 0 ? 0 : -1;
}

/* Our table, made the first time a network needs it.  The caller holds
 * the networks' lock: two runs never both make it. */
int nft_ensure(void)
{
	char err[256];

	if (nft(NULL, 0, "list table ip minidocker") == 0)
		return 0;
	if (nft(err, sizeof err, "%s", table) < 0) {
		md_warnx("nftables: create table ip minidocker: %s", err);
		md_hint("this needs the kernel's nf_tables and nft_nat (modprobe nft_nat), and root");
		return -1;
	}
	return 0;
}

/* When the last network goes, the table goes with it. */
void nft_drop_table(void)
{
	nft(NULL, 0, "delete table ip minidocker");
}

/* A network's subnet and bridge: what leaves the subnet elsewhere than
 * its bridge is masqueraded.  ADD 0 takes them out. */
int nft_network(int add, const char *subnet, const char *bridge)
{
	char err[256];
	const char *verb = add ? "add" : "delete";

	if (nft(err, sizeof err,
		"%s element ip minidocker subnets { %s }\n%s element ip minidocker bridges { \"%s\" }\n",
		verb, subnet, verb, bridge) < 0 && add) {
		md_warnx("nftables: %s network %s: %s", verb, subnet, err);
		return -1;
	}
	return 0;
}

/* The DNAT for one published port P to address TO (dotted).  `create`
 * fails if the key is there already: the kernel refuses a port published
 * twice even if our own records missed it.  ADD 0 takes it out. */
int nft_port(int add, const struct port *p, const char *to)
{
	char err[256], key[64];

	if (p->host_ip[0])
		snprintf(key, sizeof key, "%s . %s . %u", p->host_ip, p->proto, p->host_port);
	else
		snprintf(key, sizeof key, "%s . %u", p->proto, p->host_port);
	const char *map = p->host_ip[0] ? "ports_ip" : "ports_any";
	if (!add)
		return nft(NULL, 0, "delete element ip minidocker %s { %s }", map, key);
	if (nft(err, sizeof err, "create element ip minidocker %s { %s : %s . %u }", map, key, to,
		p->port) < 0) {
		md_warnx("nftables: publish %s%s%u/%s: %s", p->host_ip, p->host_ip[0] ? ":" : "",
			 p->host_port, p->proto, err);
		return -1;
	}
	return 0;
}
