/* Links, addresses and routes over netlink, with libmnl (v1.4).
 *
 * `ip link add`, `ip addr add` and `ip route add` are messages to the
 * kernel on a NETLINK_ROUTE socket (rtnetlink(7)): a header (nlmsghdr),
 * a fixed part (ifinfomsg, ifaddrmsg, rtmsg) and attributes, type-length-
 * value records that may nest.  libmnl builds and parses those records;
 * the messages themselves are what this file shows.  A netlink socket
 * talks to the network namespace it was opened in, whatever namespace
 * its owner moves to afterwards: that is how the runtime configures a
 * container's namespace without entering it for longer than an open. */
#include "minidocker.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <libmnl/libmnl.h>
#include <linux/if_link.h>
#include <linux/rtnetlink.h>
#include <linux/veth.h>
#include <net/if.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* A netlink socket in the network namespace of PID (0: our own).  To open
 * it there, we join that namespace for the length of socket(2) and come
 * back: the socket stays bound to it (setns(2), network_namespaces(7)). */
struct mnl_socket *nl_open(pid_t pid)
{
	int home = -1, there = -1;
	char path[64];

	if (pid) {
		snprintf(path, sizeof path, "/proc/%d/ns/net", (int)pid);
		if ((home = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC)) < 0 ||
		    (there = open(path, O_RDONLY | O_CLOEXEC)) < 0 || setns(there, CLONE_NEWNET) < 0) {
			int err = errno;
			if (home >= 0)
				close(home);
			if (there >= 0)
				close(there);
			errno = err;
			return NULL;
		}
		close(there);
	}
	struct mnl_socket *nl = mnl_socket_open2(NETLINK_ROUTE, SOCK_CLOEXEC);
	int err = errno;
	if (pid && setns(home, CLONE_NEWNET) < 0)
		md_die("return to the runtime's network namespace");
	if (home >= 0)
		close(home);
	if (nl && mnl_socket_bind(nl, 0, MNL_SOCKET_AUTOPID) < 0) {
		err = errno;
		mnl_socket_close(nl);
		nl = NULL;
	}
	errno = err;
	return nl;
}

/* Send one request and read the answer until the kernel's ACK (or, for a
 * dump, its end), handing each message to CB.  -1 with errno set: the
 * kernel's error (EEXIST, ENODEV...) arrives as a message too. */
static int nl_talk(struct mnl_socket *nl, struct nlmsghdr *nlh, mnl_cb_t cb, void *data)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	unsigned seq = nlh->nlmsg_seq = time(NULL) ^ rand();

	nlh->nlmsg_flags |= NLM_F_ACK;
	if (mnl_socket_sendto(nl, nlh, nlh->nlmsg_len) < 0)
		return -1;
	for (;;) {
		ssize_t n = mnl_socket_recvfrom(nl, buf, sizeof buf);
		if (n < 0)
			return -1;
		int rc = mnl_cb_run(buf, n, seq, mnl_socket_get_portid(nl), cb, data);
		if (rc <= MNL_CB_STOP)
			return rc < 0 ? -1 : 0;
	}
}

/* A message of TYPE with FLAGS, its fixed part LEN bytes (zeroed) at *EXTRA. */
static struct nlmsghdr *nl_msg(char *buf, int type, int flags, size_t len, void **extra)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);

	nlh->nlmsg_type = type;
	nlh->nlmsg_flags = NLM_F_REQUEST | flags;
	*extra = mnl_nlmsg_put_extra_header(nlh, len);
	return nlh;
}

/* `ip link set NAME up`: RTM_NEWLINK on an existing link, found by name. */
int nl_link_up(struct mnl_socket *nl, const char *name)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct ifinfomsg *ifi;
	struct nlmsghdr *nlh = nl_msg(buf, RTM_NEWLINK, 0, sizeof *ifi, (void **)&ifi);

	ifi->ifi_family = AF_UNSPEC;
	ifi->ifi_flags = ifi->ifi_change = IFF_UP;
	mnl_attr_put_strz(nlh, IFLA_IFNAME, name);
	return nl_talk(nl, nlh, NULL, NULL);
}

/* `ip link del NAME`. */
int nl_link_del(struct mnl_socket *nl, const char *name)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct ifinfomsg *ifi;
	struct nlmsghdr *nlh = nl_msg(buf, RTM_DELLINK, 0, sizeof *ifi, (void **)&ifi);

	ifi->ifi_family = AF_UNSPEC;
	mnl_attr_put_strz(nlh, IFLA_IFNAME, name);
	return nl_talk(nl, nlh, NULL, NULL);
}

/* `ip link add NAME up type bridge`: a virtual switch (a software
 * Ethernet bridge) that the containers' veths plug into. */
int nl_bridge_add(struct mnl_socket *nl, const char *name)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct ifinfomsg *ifi;
	struct nlmsghdr *nlh = nl_msg(buf, RTM_NEWLINK, NLM_F_CREATE | NLM_F_EXCL, sizeof *ifi,
				      (void **)&ifi);

	ifi->ifi_family = AF_UNSPEC;
	ifi->ifi_flags = ifi->ifi_change = IFF_UP;
	mnl_attr_put_strz(nlh, IFLA_IFNAME, name);
	struct nlattr *info = mnl_attr_nest_start(nlh, IFLA_LINKINFO);
	mnl_attr_put_strz(nlh, IFLA_INFO_KIND, "bridge");
	mnl_attr_nest_end(nlh, info);
	return nl_talk(nl, nlh, NULL, NULL);
}

/* `ip link add NAME up master BRIDGE type veth peer name PEER netns PID`:
 * a pair of Ethernet devices joined by a wire, one end (NAME) plugged
 * into BRIDGE here, the other (PEER) made directly in the network
 * namespace of PID, so that its name (eth0) never has to be free here.
 * See veth(4). */
int nl_veth_add(struct mnl_socket *nl, const char *name, const char *bridge, const char *peer, pid_t pid)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct ifinfomsg *ifi, *peer_ifi;
	unsigned master = if_nametoindex(bridge);

	if (!master)
		return -1;
	struct nlmsghdr *nlh = nl_msg(buf, RTM_NEWLINK, NLM_F_CREATE | NLM_F_EXCL, sizeof *ifi,
				      (void **)&ifi);
	ifi->ifi_family = AF_UNSPEC;
	ifi->ifi_flags = ifi->ifi_change = IFF_UP;
	mnl_attr_put_strz(nlh, IFLA_IFNAME, name);
	mnl_attr_put_u32(nlh, IFLA_MASTER, master);
	struct nlattr *info = mnl_attr_nest_start(nlh, IFLA_LINKINFO);
	mnl_attr_put_strz(nlh, IFLA_INFO_KIND, "veth");
	struct nlattr *data = mnl_attr_nest_start(nlh, IFLA_INFO_DATA);
	/* The peer: an ifinfomsg of its own, then its attributes. */
	struct nlattr *p = mnl_attr_nest_start(nlh, VETH_INFO_PEER);
	peer_ifi = mnl_nlmsg_put_extra_header(nlh, sizeof *peer_ifi);
	peer_ifi->ifi_family = AF_UNSPEC;
	mnl_attr_put_strz(nlh, IFLA_IFNAME, peer);
	mnl_attr_put_u32(nlh, IFLA_NET_NS_PID, pid);
	mnl_attr_nest_end(nlh, p);
	mnl_attr_nest_end(nlh, data);
	mnl_attr_nest_end(nlh, info);
	return nl_talk(nl, nlh, NULL, NULL);
}

/* `ip addr add ADDR/LEN dev NAME`.  ADDR and BCAST in network order. */
int nl_addr_add(struct mnl_socket *nl, const char *name, uint32_t addr, int len)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct ifaddrmsg *ifa;
	unsigned index = if_nametoindex(name);

	if (!index)
		return -1;
	struct nlmsghdr *nlh = nl_msg(buf, RTM_NEWADDR, NLM_F_CREATE | NLM_F_EXCL, sizeof *ifa,
				      (void **)&ifa);
	ifa->ifa_family = AF_INET;
	ifa->ifa_prefixlen = len;
	ifa->ifa_scope = RT_SCOPE_UNIVERSE;
	ifa->ifa_index = index;
	mnl_attr_put_u32(nlh, IFA_LOCAL, addr);
	mnl_attr_put_u32(nlh, IFA_ADDRESS, addr);
	uint32_t mask = len ? htonl(~0U << (32 - len)) : 0;
	mnl_attr_put_u32(nlh, IFA_BROADCAST, addr | ~mask);
	return nl_talk(nl, nlh, NULL, NULL);
}

/* `ip route add default via GW dev NAME`: the container's way out is the
 * bridge's address. */
int nl_route_default(struct mnl_socket *nl, const char *name, uint32_t gw)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct rtmsg *rtm;
	unsigned index = if_nametoindex(name);

	if (!index)
		return -1;
	struct nlmsghdr *nlh = nl_msg(buf, RTM_NEWROUTE, NLM_F_CREATE | NLM_F_EXCL, sizeof *rtm,
				      (void **)&rtm);
	rtm->rtm_family = AF_INET;
	rtm->rtm_table = RT_TABLE_MAIN;
	rtm->rtm_protocol = RTPROT_BOOT;
	rtm->rtm_scope = RT_SCOPE_UNIVERSE;
	rtm->rtm_type = RTN_UNICAST;
	mnl_attr_put_u32(nlh, RTA_GATEWAY, gw);
	mnl_attr_put_u32(nlh, RTA_OIF, index);
	return nl_talk(nl, nlh, NULL, NULL);
}

struct overlap {
	uint32_t net, mask;	/* the subnet asked about, network order */
	unsigned skip;		/* routes through this link do not count */
	char found[64];		/* the first route that overlaps, as text */
};

static int attr_cb(const struct nlattr *attr, void *data)
{
	const struct nlattr **tb = data;
	int type = mnl_attr_get_type(attr);

	if (mnl_attr_type_valid(attr, RTA_MAX) > 0)
		tb[type] = attr;
	return MNL_CB_OK;
}

/* One route of the dump: does its destination share addresses with ours? */
static int route_cb(const struct nlmsghdr *nlh, void *data)
{
	struct overlap *o = data;
	struct rtmsg *rtm = mnl_nlmsg_get_payload(nlh);
	const struct nlattr *tb[RTA_MAX + 1] = { 0 };

	mnl_attr_parse(nlh, sizeof *rtm, attr_cb, tb);
	/* The default route covers everything and says nothing; the local
	 * table holds the host's own addresses, whose subnets the main
	 * table routes too. */
	if (rtm->rtm_family != AF_INET || rtm->rtm_dst_len == 0 || !tb[RTA_DST] ||
	    rtm->rtm_table == RT_TABLE_LOCAL || o->found[0])
		return MNL_CB_OK;
	if (o->skip && tb[RTA_OIF] && mnl_attr_get_u32(tb[RTA_OIF]) == o->skip)
		return MNL_CB_OK;
	uint32_t dst = mnl_attr_get_u32(tb[RTA_DST]);
	uint32_t mask = htonl(~0U << (32 - rtm->rtm_dst_len));
	/* Two prefixes overlap when the shorter one contains the other. */
	uint32_t both = mask & o->mask;
	if ((dst & both) == (o->net & both)) {
		char text[INET_ADDRSTRLEN];
		inet_ntop(AF_INET, &dst, text, sizeof text);
		snprintf(o->found, sizeof o->found, "%s/%d", text, rtm->rtm_dst_len);
	}
	return MNL_CB_OK;
}

/* `ip route show table all`, looking for a route into NET/LEN (network
 * order) other than through SKIP (a bridge's own route): 1 with the route
 * in FOUND, 0 if none, -1 if the dump failed. */
int nl_route_overlap(uint32_t net, int len, const char *skip, char *found, size_t size)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct rtmsg *rtm;
	struct overlap o = { .net = net, .mask = len ? htonl(~0U << (32 - len)) : 0,
			     .skip = skip ? if_nametoindex(skip) : 0 };
	struct mnl_socket *nl = nl_open(0);

	if (!nl)
		return -1;
	struct nlmsghdr *nlh = nl_msg(buf, RTM_GETROUTE, NLM_F_DUMP, sizeof *rtm, (void **)&rtm);
	rtm->rtm_family = AF_INET;
	int rc = nl_talk(nl, nlh, route_cb, &o);
	mnl_socket_close(nl);
	if (rc < 0)
		return -1;
	snprintf(found, size, "%s", o.found);
	return o.found[0] != '\0';
}
