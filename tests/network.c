/* From v1.4 on: networking.  lo up in every container; the default bridge
 * with a veth pair, an address and a route; user-defined networks whose
 * containers find each other by name; --network none and host;
 * --hostname; -p through nftables, from the host's address and from its
 * 127.0.0.1; nothing left behind after exit, rm, --rm or SIGKILL.
 *
 * Every test runs in a network namespace of its own (the suite sets
 * with_network: see harness.c), so the bridges, veths, addresses and
 * nftables tables here are never the host's, and traffic goes only to
 * addresses in there: containers, bridges, 127.0.0.1, and an "uplink"
 * veth standing for the host's own interface. */
#include "features.h"

#include <arpa/inet.h>
#include <jansson.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <unistd.h>

/* The test namespace's links, names only, sorted: "lo minidocker0 ". */
static char *links(void)
{
	struct result r = sh("ip -o link | awk -F': ' '{ sub(/@.*/, \"\", $2); print $2 }' | sort | "
			     "tr '\\n' ' '");
	free(r.err);
	return r.out;
}

/* Our nftables table, as `nft list` prints it ("" if there is none). */
static char *nft_table(void)
{
	struct result r = sh("nft list table ip minidocker 2>/dev/null");
	free(r.err);
	return r.out;
}

/* How many containers the state root has. */
static int containers(void)
{
	struct result r = sh("ls \"$MINIDOCKER_ROOT/containers\" 2>/dev/null | wc -l");
	int n = atoi(r.out);
	free_result(&r);
	return n;
}

/* A veth pair standing for the host's network card, 198.51.100.1/24
 * (TEST-NET-2, never routed), inside the test's namespace. */
static void uplink(void)
{
	struct result r = sh("ip link add uplink0 type veth peer name uplink1 && "
			     "ip addr add 198.51.100.1/24 dev uplink0 && ip link set uplink0 up && "
			     "ip link set uplink1 up");
	ck_status(r, 0);
}

/* GET http://IP:PORT/PATH from the test's namespace, once: the body (the
 * host's busybox is static, and its wget crashes resolving even numbers:
 * a few lines of HTTP/1.0 are simpler).  -1 if nothing answered. */
static int get_once(const char *ip, int port, const char *path, char *body, size_t len)
{
	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons(port) };
	struct timeval tv = { 2, 0 };
	char buf[8192], req[256];
	size_t got = 0;
	ssize_t n;

	body[0] = '\0';
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0 || inet_pton(AF_INET, ip, &sa.sin_addr) != 1)
		return -1;
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
	snprintf(req, sizeof req, "GET %s HTTP/1.0\r\n\r\n", path);
	if (connect(fd, (struct sockaddr *)&sa, sizeof sa) < 0 || write(fd, req, strlen(req)) < 0) {
		close(fd);
		return -1;
	}
	while (got < sizeof buf - 1 && (n = read(fd, buf + got, sizeof buf - 1 - got)) > 0)
		got += n;
	close(fd);
	buf[got] = '\0';
	char *start = strstr(buf, "\r\n\r\n");
	if (strncmp(buf, "HTTP/1.", 7) || !start)
		return -1;
	snprintf(body, len, "%s", start + 4);
	return 0;
}

/* The same, until it answers or TIMEOUT seconds have passed. */
static char *get(const char *ip, int port, const char *path, double timeout)
{
	static char body[4096];
	for (struct deadline d = deadline(timeout); keep_polling(&d);)
		if (get_once(ip, port, path, body, sizeof body) == 0)
			return body;
	return "(no answer)";
}

/* A field of container NAME's state file. */
static char *field(const char *name, const char *key)
{
	struct result r = sh("grep -l '^name=%s$' \"$MINIDOCKER_ROOT\"/containers/*/state | head -n 1 | "
			     "xargs sed -n 's/^%s=//p'", name, key);
	r.out[strcspn(r.out, "\n")] = '\0';
	free(r.err);
	return r.out;
}

/* ---- the default bridge, none, host ------------------------------------- */

START_TEST(lo_is_up_and_eth0_has_an_address)
{
	/* v1.3 had lo down: a server on 127.0.0.1 was out of reach from its
	 * own container ("Network is unreachable"). */
	struct result r = md(NULL, "run", "--rm", "base", "sh", "-c",
			     "httpd -p 127.0.0.1:8080 -h /etc && wget -qO- http://127.0.0.1:8080/hostname && "
			     "ip -o -4 addr show eth0 | awk '{ print $4 }' && ip route", NULL);
	ck_status(r, 0);
	ck_assert_msg(!strncmp(r.out, "container\n10.88.0.2/16\n", 23), "%s", r.out);
	ck_contains(r.out, "default via 10.88.0.1 dev eth0");
	/* The bridge is ours, here, with the gateway's address. */
	r = sh("ip -o -4 addr show minidocker0 | awk '{ print $4 }'");
	ck_assert_str_eq(r.out, "10.88.0.1/16\n");
	/* And the container's veth went with it. */
	ck_assert_str_eq(links(), "lo minidocker0 ");
}
END_TEST

START_TEST(the_bridge_reaches_the_container_and_back)
{
	struct result r = md(NULL, "run", "-d", "--name", "srv", "base", "httpd", "-f", "-p", "8080", "-h",
			     "/etc", NULL);
	ck_status(r, 0);
	char *ip = field("srv", "ip");
	ck_assert_str_eq(ip, "10.88.0.2");
	ck_assert_str_eq(get(ip, 8080, "/hostname", 10), "container\n");
	/* A second container reaches the first through the bridge, and the
	 * bridge's own address (the host, for it). */
	r = md(NULL, "run", "--rm", "base", "sh", "-c", "wget -qO- http://10.88.0.2:8080/hostname && "
			   "ping -c 1 -W 2 10.88.0.1 >/dev/null && echo gateway", NULL);
	ck_status(r, 0);
	ck_assert_str_eq(r.out, "container\ngateway\n");
	ck_status(md(NULL, "rm", "-f", "srv", NULL), 0);
}
END_TEST

START_TEST(network_none_has_only_lo)
{
	struct result r = md(NULL, "run", "--rm", "--network", "none", "base", "sh", "-c",
			     "ip -o link | awk -F': ' '{ print $2 }'; ip route | wc -l", NULL);
	ck_status(r, 0);
	ck_assert_str_eq(r.out, "lo\n0\n");
	/* No bridge made for it. */
	ck_assert_str_eq(links(), "lo ");
	ck_assert_str_eq(nft_table(), "");
}
END_TEST

START_TEST(network_host_is_the_hosts)
{
	uplink();
	struct result r = md(NULL, "run", "--rm", "--network", "host", "base", "sh", "-c",
			     "ip -o -4 addr show uplink0 | awk '{ print $4 }'; hostname", NULL);
	ck_status(r, 0);
	ck_assert_str_eq(r.out, "198.51.100.1/24\ncontainer\n");
	ck_assert_str_eq(links(), "lo uplink0 uplink1 ");
}
END_TEST

START_TEST(hostname_and_the_etc_files)
{
	/* The host's resolv.conf, in the test's own mount namespace: a
	 * loopback resolver (systemd-resolved's) and a real one. */
	struct result r = sh("printf 'nameserver 127.0.0.53\\nnameserver 192.0.2.53\\nsearch example\\n' "
			     "> \"$MINIDOCKER_ROOT/resolv\" && mount --bind \"$MINIDOCKER_ROOT/resolv\" "
			     "/etc/resolv.conf");
	ck_status(r, 0);
	r = md(NULL, "run", "--rm", "--name", "named", "--hostname", "h1", "base", "sh", "-c",
	       "hostname; echo $HOSTNAME; cat /etc/hostname /etc/resolv.conf; grep h1 /etc/hosts", NULL);
	ck_status(r, 0);
	ck_assert_str_eq(r.out, "h1\nh1\nh1\nnameserver 192.0.2.53\nsearch example\n10.88.0.2\th1 named\n");
	/* Bind-mounted: the image is not changed. */
	r = sh("cat '%s/etc/hostname' 2>/dev/null; ls '%s/etc'", image_dir(), image_dir());
	ck_lacks(r.out, "h1");
	ck_lacks(r.out, "resolv.conf");
	/* The container's root may edit them, as in Docker, --read-only or
	 * not: they are its own files, not the image's. */
	r = md(NULL, "run", "--rm", "--read-only", "base", "sh", "-c",
	       "echo 192.0.2.9 extra >> /etc/hosts && grep -c extra /etc/hosts", NULL);
	ck_status(r, 0);
	ck_assert_str_eq(r.out, "1\n");
	/* Only loopback resolvers: Docker's fallback, which is not ours. */
	r = sh("printf 'nameserver 127.0.0.53\\n' > \"$MINIDOCKER_ROOT/resolv\"");
	r = md(NULL, "run", "--rm", "base", "grep", "nameserver", "/etc/resolv.conf", NULL);
	ck_assert_str_eq(r.out, "nameserver 8.8.8.8\nnameserver 8.8.4.4\n");
}
END_TEST

/* ---- user-defined networks, names, published ports -------------------------- */

START_TEST(names_resolve_and_ports_publish_on_a_network)
{
	uplink();
	struct result r = md(NULL, "network", "create", "net1", NULL);
	ck_status(r, 0);
	ck_assert_uint_eq(strlen(r.out), 65);
	r = md(NULL, "run", "-d", "--name", "web", "--network", "net1", "-p", "127.0.0.1:18080:8080", "-p",
	       "18081:8080", "base", "httpd", "-f", "-p", "8080", "-h", "/etc", NULL);
	ck_status(r, 0);
	char id[65];
	snprintf(id, sizeof id, "%.64s", r.out);
	/* On the host: 127.0.0.1, and any of its addresses for the port
	 * published on all of them. */
	ck_assert_str_eq(get("127.0.0.1", 18080, "/hostname", 10), "container\n");
	ck_assert_str_eq(get("198.51.100.1", 18081, "/hostname", 10), "container\n");
	ck_assert_str_eq(get("127.0.0.1", 18081, "/hostname", 10), "container\n");
	/* 18080 is published on 127.0.0.1 only. */
	char body[256];
	ck_assert_int_eq(get_once("198.51.100.1", 18080, "/hostname", body, sizeof body), -1);
	/* By name, from another container on net1. */
	r = md(NULL, "run", "--rm", "--network", "net1", "base", "sh", "-c",
	       "wget -qO- http://web:8080/hostname && ping -c 1 -W 2 web | head -n 1", NULL);
	ck_status(r, 0);
	ck_assert_str_eq(r.out, "container\nPING web (10.89.0.2): 56 data bytes\n");
	r = md(NULL, "ps", NULL);
	ck_contains(r.out, "   PORTS   ");
	ck_contains(r.out, "127.0.0.1:18080->8080/tcp, 0.0.0.0:18081->8080/tcp   web\n");
	r = md(NULL, "network", "inspect", "net1", NULL);
	ck_status(r, 0);
	ck_contains(r.out, "\"Subnet\": \"10.89.0.0/24\"");
	/* JSON, Docker's array of one, whose Containers has web by its id. */
	json_t *a = json_loads(r.out, 0, NULL);
	ck_assert_msg(json_array_size(a) == 1, "not an array of one: %s", r.out);
	json_t *web = json_object_get(json_object_get(json_array_get(a, 0), "Containers"), id);
	ck_assert_str_eq(json_string_value(json_object_get(web, "Name")), "web");
	ck_assert_str_eq(json_string_value(json_object_get(web, "IPv4Address")), "10.89.0.2/24");
	json_decref(a);
	ck_status(md(NULL, "rm", "-f", "web", NULL), 0);
}
END_TEST

START_TEST(a_published_port_is_refused_the_second_time)
{
	struct result r = md(NULL, "run", "-d", "--name", "first", "-p", "18080:8080", "base", "sleep", "60", NULL);
	ck_status(r, 0);
	r = md(NULL, "run", "--name", "second", "-p", "127.0.0.1:18080:80", "base", "true", NULL);
	ck_status(r, 125);
	ck_contains(r.err, "minidocker: port 127.0.0.1:18080/tcp is already published by container ");
	ck_contains(r.err, "hint: ");
	/* Nothing of the second: no container, no lease. */
	ck_assert_int_eq(containers(), 1);
	r = sh("grep -c '^lease=' \"$MINIDOCKER_ROOT/networks/bridge\"");
	ck_assert_str_eq(r.out, "1\n");
	/* The same port over udp is another port. */
	r = md(NULL, "run", "--rm", "-p", "18080:80/udp", "base", "true", NULL);
	ck_status(r, 0);
	ck_status(md(NULL, "rm", "-f", "first", NULL), 0);
	/* Free again once its holder is gone. */
	r = md(NULL, "run", "--rm", "-p", "18080:80", "base", "true", NULL);
	ck_status(r, 0);
}
END_TEST

START_TEST(hosts_files_follow_containers_coming_and_going)
{
	ck_status(md(NULL, "network", "create", "--subnet", "10.77.3.0/24", "net2", NULL), 0);
	ck_status(md(NULL, "run", "-d", "--name", "aa", "--network", "net2", "base", "sleep", "60", NULL), 0);
	ck_status(md(NULL, "run", "-d", "--name", "bb", "--network", "net2", "base", "sleep", "60", NULL), 0);
	struct result r = md(NULL, "exec", "aa", "cat", "/etc/hosts", NULL);
	ck_contains(r.out, "10.77.3.2\tcontainer aa\n");
	ck_contains(r.out, "10.77.3.3\tbb\n");
	r = md(NULL, "exec", "aa", "ping", "-c", "1", "-W", "2", "bb", NULL);
	ck_status(r, 0);
	ck_status(md(NULL, "rm", "-f", "bb", NULL), 0);
	r = md(NULL, "exec", "aa", "cat", "/etc/hosts", NULL);
	ck_lacks(r.out, "\tbb\n");
	/* The default bridge resolves no names, as Docker's does not. */
	ck_status(md(NULL, "run", "-d", "--name", "cc", "base", "sleep", "60", NULL), 0);
	r = md(NULL, "run", "--rm", "base", "cat", "/etc/hosts", NULL);
	ck_lacks(r.out, "\tcc\n");	/* a random name may hold "cc" */
	ck_status(md(NULL, "rm", "-f", "aa", "cc", NULL), 0);
}
END_TEST

START_TEST(fifty_containers_at_once_get_distinct_addresses)
{
	struct result r = sh("for i in $(seq 50); do \"$MD\" run -d --network none base true >/dev/null & done; "
			     "wait; for i in $(seq 50); do \"$MD\" run -d base sleep 120 >/dev/null & done; wait");
	ck_status(r, 0);
	r = sh("sed -n 's/^ip=//p' \"$MINIDOCKER_ROOT\"/containers/*/state | grep . | sort -u | wc -l");
	ck_assert_str_eq(r.out, "50\n");
	r = sh("grep -c '^lease=' \"$MINIDOCKER_ROOT/networks/bridge\"; ip -o link | grep -c veth");
	ck_assert_str_eq(r.out, "50\n50\n");
	r = sh("\"$MD\" rm -f $(\"$MD\" ps -aq) >/dev/null");
	ck_status(r, 0);
	ck_assert_str_eq(links(), "lo minidocker0 ");
	r = sh("grep -c '^lease=' \"$MINIDOCKER_ROOT/networks/bridge\"");
	ck_assert_str_eq(r.out, "0\n");
}
END_TEST

/* ---- teardown ---------------------------------------------------------- */

START_TEST(nothing_outlives_rm_and_network_rm)
{
	uplink();
	char *before = links();
	ck_status(md(NULL, "network", "create", "net1", NULL), 0);
	ck_status(md(NULL, "run", "-d", "--name", "ww", "--network", "net1", "-p", "18080:80", "base", "sleep",
		     "60", NULL), 0);
	ck_status(md(NULL, "run", "--rm", "--network", "net1", "-p", "18082:80/udp", "base", "true", NULL), 0);
	ck_contains(nft_table(), "tcp . 18080 : 10.89.0.2 . 80");
	ck_lacks(nft_table(), "18082");
	ck_status(md(NULL, "network", "rm", "net1", NULL), 125);
	ck_status(md(NULL, "rm", "-f", "ww", NULL), 0);
	ck_lacks(nft_table(), "18080");
	struct result r = md(NULL, "network", "rm", "net1", NULL);
	ck_status(r, 0);
	ck_assert_str_eq(r.out, "net1\n");
	/* No bridge, veth, address, route or table of ours. */
	ck_assert_str_eq(links(), before);
	r = sh("ip -o addr | grep -c 10.89; ip route | grep -c 10.89; nft list ruleset | wc -c");
	ck_assert_str_eq(r.out, "0\n0\n0\n");
}
END_TEST

START_TEST(a_killed_run_gives_its_address_and_port_back)
{
	ck_status(md(NULL, "network", "create", "net1", NULL), 0);
	int pid = start_bg("\"$MD\" run --name kk --network net1 -p 18090:80 base sleep 60");
	for (struct deadline d = deadline(10); keep_polling(&d);)
		if (!strcmp(field("kk", "status"), "running"))
			break;
	ck_assert_str_eq(field("kk", "ip"), "10.89.0.2");
	struct procs started = proc_tree(pid, NULL);
	kill(pid, SIGKILL);	/* the run, which is its container's monitor */
	ck_assert_int_eq(wait_ended(&started, 10), 0);
	/* The namespace went with its processes, and the veth with it. */
	for (struct deadline d = deadline(10); keep_polling(&d);)
		if (!strstr(links(), "veth"))
			break;
	ck_lacks(links(), "veth");
	/* The next run sweeps the lease and the port: both come back. */
	struct result r = md(NULL, "run", "--rm", "--network", "net1", "-p", "18090:80", "base", "sh", "-c",
			     "ip -o -4 addr show eth0 | awk '{ print $4 }'", NULL);
	ck_status(r, 0);
	ck_assert_str_eq(r.out, "10.89.0.2/24\n");
	r = sh("grep -c lease= \"$MINIDOCKER_ROOT/networks/net1\"; wc -l < \"$MINIDOCKER_ROOT/networks/.ports\"");
	ck_assert_str_eq(r.out, "0\n0\n");
	ck_lacks(nft_table(), "18090");
	/* A killed monitor of run -d: ps finds it, and gives them back. */
	ck_status(md(NULL, "run", "-d", "--name", "k2", "--network", "net1", "-p", "18091:80", "base", "sleep",
		     "60", NULL), 0);
	kill(atoi(field("k2", "monitor")), SIGKILL);
	for (struct deadline d = deadline(10); keep_polling(&d);) {
		r = sh("\"$MD\" ps -a | grep ' k2$'");	/* kk is Exited (137) too */
		if (strstr(r.out, "Exited (137)"))
			break;
	}
	ck_contains(r.out, "Exited (137)");
	ck_lacks(nft_table(), "18091");
	r = sh("grep -c lease= \"$MINIDOCKER_ROOT/networks/net1\"");
	ck_assert_str_eq(r.out, "0\n");
	ck_status(md(NULL, "rm", "kk", "k2", NULL), 0);
	ck_status(md(NULL, "network", "rm", "net1", NULL), 0);
	ck_assert_str_eq(links(), "lo ");
}
END_TEST

START_TEST(a_subnet_the_host_routes_is_refused)
{
	uplink();
	struct result r = sh("ip route add 10.88.0.0/20 via 198.51.100.2");
	ck_status(r, 0);
	r = md(NULL, "run", "--rm", "base", "true", NULL);
	ck_status(r, 125);
	ck_contains(r.err, "minidocker: subnet 10.88.0.0/16 overlaps the host's route to 10.88.0.0/20\n");
	ck_contains(r.err, "hint: choose another with `network create --subnet CIDR NAME`");
	ck_assert_str_eq(links(), "lo uplink0 uplink1 ");
	ck_assert_str_eq(nft_table(), "");
	/* As the hint says. */
	ck_status(md(NULL, "network", "create", "--subnet", "10.99.0.0/24", "mine", NULL), 0);
	r = md(NULL, "run", "--rm", "--network", "mine", "base", "ip", "-o", "-4", "addr", "show", "eth0", NULL);
	ck_status(r, 0);
	ck_contains(r.out, "inet 10.99.0.2/24 ");
	ck_status(md(NULL, "network", "create", "--subnet", "10.88.8.0/24", "clash", NULL), 125);
}
END_TEST

/* ---- without root: pasta ------------------------------------------------ */

/* A tun node of our own over /dev/net/tun, mode MODE, in the test's own
 * mount namespace (own_net_ns made it): Debian's udev makes it 0666, this
 * host may have it 0600, and a user's pasta must open it.  mknod makes a
 * new node in a tmpfs of the test's; the bind mount hides the host's from
 * this namespace alone.  Nothing is written to any device, and the host's
 * /dev is not changed.  The tmpfs goes once the node is bound (the bind
 * mount holds it), so nothing is left under the state root. */
static void own_tun(const char *mode)
{
	struct result r = sh("d=\"$MINIDOCKER_ROOT/tun\" && mkdir \"$d\" && mount -t tmpfs -o mode=0755 tmpfs \"$d\" && "
			     "mknod -m %s \"$d/tun\" c 10 200 && mount --bind \"$d/tun\" /dev/net/tun && "
			     "umount \"$d\" && rmdir \"$d\"", mode);
	ck_status(r, 0);
}

/* What pasta needs of "the host": the uplink (198.51.100.1, which pasta
 * copies into the container) with a default route through it, and a tun
 * node (TUN_MODE: 0666, open to nobody); and nobody's state root.  198.51.100.3, on the
 * uplink's other end, is another address of the test's namespace: a
 * server there is what the container reaches "outside". */
static void rootless_host(const char *tun_mode)
{
	uplink();
	struct result r = sh("ip route add default via 198.51.100.254 && ip addr add 198.51.100.3/24 dev uplink1 && "
			     "mkdir \"$MINIDOCKER_ROOT/www\" && echo outside > \"$MINIDOCKER_ROOT/www/hello\"");
	ck_status(r, 0);
	own_tun(tun_mode);
	nobody_root();
}

/* The pid in pasta's pid file in container NAME's folder (nobody's root). */
static int pasta_pid(const char *name)
{
	struct result r = sh("d=$(dirname \"$(grep -l '^name=%s$' \"$MINIDOCKER_ROOT\"/nobody/containers/*/state)\") && "
			     "cat \"$d/pasta.pid\"", name);
	int pid = atoi(r.out);
	free_result(&r);
	return pid;
}

/* Is PID (a pasta of our test's) gone, within 10 seconds?  One whose
 * monitor was killed is the test's child by then (the harness is a
 * subreaper): reaped here, or it would stay a zombie. */
static int gone(int pid)
{
	char path[64];
	snprintf(path, sizeof path, "/proc/%d", pid);
	for (struct deadline d = deadline(10); keep_polling(&d);) {
		waitpid(pid, NULL, WNOHANG);
		if (access(path, F_OK) < 0)
			return 1;
	}
	return 0;
}

/* nobody's `ps -a` line of container NAME, once it says that NAME was
 * killed (or after 10 seconds): the ps that finds it so stops its pasta. */
/* Is nobody's container NAME running (ps: "Up ...")?  Its pasta starts
 * before the run records it running: a run killed in between leaves a
 * container that never started, which is another test's. */
static int is_up(const char *name)
{
	struct result r = sh(AS_NOBODY " ps | grep ' %s$'", name);
	int up = strstr(r.out, " Up ") != NULL;
	free_result(&r);
	return up;
}

static char *seen_killed(const char *name)
{
	struct result r = { 0 };
	for (struct deadline d = deadline(10); keep_polling(&d);) {
		free_result(&r);
		r = sh(AS_NOBODY " ps -a | grep ' %s$'", name);
		if (strstr(r.out, "Exited (137)"))
			break;
	}
	free(r.err);
	return r.out;
}

START_TEST(without_root_pasta_gives_a_network)
{
	rootless_host("0666");
	/* The host's resolver on its loopback, as systemd-resolved's. */
	struct result r = sh("printf 'nameserver 127.0.0.53\\n' > \"$MINIDOCKER_ROOT/resolv\" && "
			     "mount --bind \"$MINIDOCKER_ROOT/resolv\" /etc/resolv.conf");
	ck_status(r, 0);
	int www = start_bg("exec busybox httpd -f -p 198.51.100.3:8000 -h \"$MINIDOCKER_ROOT/www\"");
	int lo = start_bg("exec busybox httpd -f -p 127.0.0.1:8001 -h \"$MINIDOCKER_ROOT/www\"");
	r = sh(AS_NOBODY " run --rm base sh -c 'ip -o -4 addr show eth0 | awk \"{ print \\$4 }\"; ip route | "
	       "grep default; grep nameserver /etc/resolv.conf; wget -qO- http://198.51.100.3:8000/hello; "
	       "nc -w 2 198.51.100.254 8001 </dev/null 2>/dev/null || echo no gateway; "
	       "nc -w 2 127.0.0.1 8001 </dev/null 2>/dev/null || echo no loopback'");
	ck_status(r, 0);
	/* The uplink's address and route, copied; DNS through pasta's
	 * forwarder; a server of "the host" reached.  The host's own
	 * 127.0.0.1 is not the container's, through its gateway
	 * (--no-map-gw) or its lo (-T none), as in podman. */
	ck_assert_str_eq(r.out, "198.51.100.1/24\ndefault via 198.51.100.254 dev eth0 \nnameserver 169.254.1.1\n"
				"outside\nno gateway\nno loopback\n");
	ck_assert_str_eq(r.err, "");
	/* Nothing of it on the host's side: no link, no table. */
	ck_assert_str_eq(links(), "lo uplink0 uplink1 ");
	ck_assert_str_eq(nft_table(), "");
	/* --network host without root: the host's namespace, as podman's
	 * (Docker rootless has its own daemon's namespace instead). */
	r = sh(AS_NOBODY " run --rm --network host base sh -c 'ip -o -4 addr show uplink0 | awk \"{ print \\$4 }\"'");
	ck_status(r, 0);
	ck_assert_str_eq(r.out, "198.51.100.1/24\n");
	kill(www, SIGTERM);
	kill(lo, SIGTERM);
}
END_TEST

START_TEST(without_root_a_published_port_reaches_the_container)
{
	rootless_host("0666");
	struct result r = sh(AS_NOBODY " run -d --name web -p 127.0.0.1:18081:8080 base httpd -f -p 8080 -h /etc");
	ck_status(r, 0);
	ck_assert_str_eq(get("127.0.0.1", 18081, "/hostname", 10), "container\n");
	/* On 127.0.0.1 only. */
	char body[256];
	ck_assert_int_eq(get_once("198.51.100.1", 18081, "/hostname", body, sizeof body), -1);
	r = sh(AS_NOBODY " ps");
	ck_contains(r.out, "127.0.0.1:18081->8080/tcp   web\n");
	/* The port is pasta's socket: a second container cannot have it. */
	r = sh(AS_NOBODY " run --rm -p 18081:80 base true");
	ck_status(r, 125);
	ck_contains(r.err, "minidocker: pasta could not give the container a network: Failed to bind");
	ck_contains(r.err, "hint: ");
	int pasta = pasta_pid("web");
	ck_assert_int_gt(pasta, 1);
	ck_status(sh(AS_NOBODY " rm -f web"), 0);
	ck_assert_msg(gone(pasta), "pasta %d outlived rm -f", pasta);
	ck_assert_int_eq(get_once("127.0.0.1", 18081, "/hostname", body, sizeof body), -1);
}
END_TEST

START_TEST(without_root_no_pasta_outlives_its_container)
{
	rootless_host("0666");
	/* Its command exits. */
	struct result r = sh(AS_NOBODY " run --name ended base sh -c 'ip -o -4 addr show eth0 | wc -l'");
	ck_status(r, 0);
	ck_assert_str_eq(r.out, "1\n");
	int pasta = pasta_pid("ended");
	ck_assert_int_gt(pasta, 1);
	ck_assert_msg(gone(pasta), "pasta %d outlived its container", pasta);
	/* Started again: a new pasta, awaited anew (not the old pid file). */
	r = sh(AS_NOBODY " start -a ended");
	ck_status(r, 0);
	ck_assert_str_eq(r.out, "1\n");
	int again = pasta_pid("ended");
	ck_assert_int_ne(again, pasta);
	ck_assert_msg(gone(again), "pasta %d outlived its container's second start", again);
	/* run -d's monitor is SIGKILLed: the next ps finds the container
	 * killed, and its pasta by its pid and start time. */
	ck_status(sh(AS_NOBODY " run -d --name k1 base sleep 60"), 0);
	pasta = pasta_pid("k1");
	r = sh("sed -n 's/^monitor=//p' \"$(grep -l '^name=k1$' \"$MINIDOCKER_ROOT\"/nobody/containers/*/state)\"");
	kill(atoi(r.out), SIGKILL);
	ck_contains(seen_killed("k1"), "Exited (137)");
	ck_assert_msg(gone(pasta), "pasta %d outlived its killed monitor", pasta);
	/* And an attached run, killed. */
	int pid = start_bg(AS_NOBODY " run --name k2 base sleep 60");
	for (struct deadline d = deadline(10); keep_polling(&d);)
		if (pasta_pid("k2") > 1 && is_up("k2"))
			break;
	pasta = pasta_pid("k2");
	ck_assert_int_gt(pasta, 1);
	struct procs started = proc_tree(pid, NULL);
	kill(pid, SIGKILL);
	ck_contains(seen_killed("k2"), "Exited (137)");
	ck_assert_msg(gone(pasta), "pasta %d outlived its killed run", pasta);
	ck_assert_int_eq(wait_ended(&started, 10), 0);
	ck_status(sh(AS_NOBODY " rm ended k1 k2"), 0);
}
END_TEST

/* nobody's minidocker with PATH=/nonexistent: no pasta to be found. */
#define AS_NOBODY_NO_PATH "setpriv --reuid=65534 --regid=65534 --clear-groups /usr/bin/env PATH=/nonexistent " \
	"MINIDOCKER_ROOT=\"$MINIDOCKER_ROOT/nobody\" HOME=/nonexistent \"$MINIDOCKER_ROOT/nobody/minidocker\""

START_TEST(without_pasta_the_network_is_none_with_a_hint)
{
	rootless_host("0600");
	struct result r = sh(AS_NOBODY_NO_PATH " run --rm base sh -c 'ip -o link | awk -F\": \" \"{ print \\$2 }\"; "
			     "ping -c 1 -W 2 127.0.0.1 >/dev/null && echo lo'");
	ck_status(r, 0);
	ck_assert_str_eq(r.out, "lo\nlo\n");
	/* Without asking: one line, naming the package. */
	ck_assert_str_eq(r.err, "hint: without root, a container's network comes from pasta (Debian's passt: "
				"apt-get install passt); this one has --network none\n");
	r = sh(AS_NOBODY_NO_PATH " run --rm --network bridge -p 18081:80 base sh -c 'ip -o link | wc -l'");
	ck_status(r, 0);
	ck_assert_str_eq(r.out, "1\n");
	ck_contains(r.err, "minidocker: --network bridge and -p without root needs pasta: this container gets "
			   "--network none\nhint: without root, a container's network comes from pasta (Debian's passt");
	/* pasta there, but /dev/net/tun not open to the user. */
	r = sh(AS_NOBODY " run --rm base sh -c 'ip -o link | wc -l'");
	ck_status(r, 0);
	ck_assert_str_eq(r.out, "1\n");
	ck_contains(r.err, "hint: pasta cannot open /dev/net/tun (Permission denied)");
	/* A network of `network create` is root's bridge. */
	r = sh(AS_NOBODY " run --rm --network net1 base true");
	ck_status(r, 0);
	ck_contains(r.err, "minidocker: --network net1 needs root: this container gets --network none\n");
	r = sh(AS_NOBODY " network create n1");
	ck_status(r, 125);
	ck_contains(r.err, "a bridge needs root");
}
END_TEST

/* valgrind on the network commands: leases, claims and hosts files are
 * lists on the heap, read and written often.  (run cannot be watched:
 * valgrind cannot follow its re-exec from memory, see md_exec_self.)
 * The netlink messages that libmnl and libnftnl build have padding that
 * nobody set between their attributes: valgrind's complaint about what
 * goes to the kernel is suppressed, leaks are not. */
START_TEST(the_network_commands_leak_nothing)
{
	ck_assert_msg(system("valgrind --version >/dev/null 2>&1") == 0, "valgrind is missing: scripts/install-deps");
	char supp[4200];
	snprintf(supp, sizeof supp, "%s/nl.supp", state_root());
	FILE *f = fopen(supp, "w");
	ck_assert_ptr_nonnull(f);
	fputs("{\n to-the-kernel\n Memcheck:Param\n socketcall.sendto(msg)\n fun:sendto\n ...\n}\n"
	      "{\n to-the-kernel-batch\n Memcheck:Param\n sendmsg(msg.msg_iov[0])\n fun:sendmsg\n ...\n}\n", f);
	fclose(f);
	ck_status(md(NULL, "network", "create", "net1", NULL), 0);
	ck_status(md(NULL, "run", "-d", "--name", "lk", "--network", "net1", "-p", "18080:80", "base", "sleep",
		     "60", NULL), 0);
	const char *cmds[] = { "network ls", "network inspect net1", "ps", "network create --subnet 10.77.0.0/24 net2",
			       "network rm net2" };
	for (size_t i = 0; i < sizeof cmds / sizeof cmds[0]; i++) {
		struct result r = sh("valgrind -q --leak-check=full --errors-for-leak-kinds=definite,indirect "
				     "--error-exitcode=99 --suppressions='%s' \"$MD\" %s >/dev/null", supp, cmds[i]);
		ck_assert_msg(r.status == 0, "%s: %d\n%s", cmds[i], r.status, r.err);
	}
	ck_status(md(NULL, "rm", "-f", "lk", NULL), 0);
	struct result r = sh("valgrind -q --leak-check=full --errors-for-leak-kinds=definite,indirect "
			     "--error-exitcode=99 --suppressions='%s' \"$MD\" network rm net1", supp);
	ck_assert_msg(r.status == 0, "network rm: %d\n%s", r.status, r.err);
}
END_TEST

/* ---- bad input: 125, a message, and nothing left ------------------------------ */

static void refused(struct result r, const char *message)
{
	ck_status(r, 125);
	ck_contains(r.err, message);
	ck_assert_int_eq(containers(), 0);
	ck_assert_str_eq(links(), "lo ");
	ck_assert_str_eq(nft_table(), "");
}

START_TEST(bad_publish_flags)
{
	const char *bad[] = { "99999:80", "abc", "1:2:3:4", "80", "0:80", "8080:80/sctp", "1.2.3:80:80",
			      "-1:80", ":80", "80:" };
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
		char want[128];
		snprintf(want, sizeof want, "minidocker: run: invalid -p '%s': [IP:]HOSTPORT:CONTAINERPORT", bad[i]);
		refused(md(NULL, "run", "-p", bad[i], "base", "true", NULL), want);
	}
	refused(md(NULL, "run", "-p", "80:80", "-p", "80:81", "base", "true", NULL),
		"run: host port 80/tcp is published twice");
	refused(md(NULL, "run", "--network", "none", "-p", "80:80", "base", "true", NULL),
		"run: -p needs a network: --network none has no ports to publish");
	/* --pids-limit is still itself, not -p. */
	struct result r = md(NULL, "run", "--rm", "--pids-limit", "50", "base", "true", NULL);
	ck_status(r, 0);
}
END_TEST

START_TEST(bad_network_flags)
{
	refused(md(NULL, "run", "--network", "nope", "base", "true", NULL), "minidocker: network nope not found\n");
	refused(md(NULL, "run", "--network", "../x", "base", "true", NULL), "run: invalid --network '../x'");
	refused(md(NULL, "run", "--hostname", "no_way!", "base", "true", NULL), "run: invalid --hostname 'no_way!'");
	refused(md(NULL, "network", "create", "--subnet", "10.89.0.1/24", "n1", NULL),
		"network: invalid --subnet '10.89.0.1/24'");
	refused(md(NULL, "network", "create", "--subnet", "10.89.0.0/33", "n1", NULL), "invalid --subnet");
	refused(md(NULL, "network", "create", "--subnet", "abc", "n1", NULL), "invalid --subnet");
	refused(md(NULL, "network", "create", "bridge", NULL), "network bridge is predefined");
	refused(md(NULL, "network", "create", "pasta", NULL), "network pasta is predefined");
	refused(md(NULL, "run", "--network", "pasta", "base", "true", NULL),
		"run: --network pasta is for containers without root: as root, bridge");
	refused(md(NULL, "network", "rm", "nope", NULL), "minidocker: network nope not found\n");
	refused(md(NULL, "network", "frob", NULL), "unknown subcommand 'frob'");
	refused(md(NULL, "network", NULL), "minidocker: network: no subcommand given");
	refused(md(NULL, "network", "ls", "extra", NULL), "network: unexpected argument 'extra'");
	ck_status(md(NULL, "network", "-h", NULL), 0);
	ck_status(md(NULL, "network", "create", "--subnet", "10.89.0.0/24", "n1", NULL), 0);
	struct result r = md(NULL, "network", "create", "--subnet", "10.89.0.0/16", "n2", NULL);
	ck_status(r, 125);
	ck_contains(r.err, "minidocker: subnet 10.89.0.0/16 overlaps network n1 (10.89.0.0/24)\n");
	r = md(NULL, "network", "create", "n1", NULL);
	ck_status(r, 125);
	ck_contains(r.err, "network n1 already exists");
	r = md(NULL, "network", "ls", NULL);
	ck_lacks(r.out, "n2");
	ck_status(md(NULL, "network", "rm", "n1", NULL), 0);
	ck_assert_str_eq(links(), "lo ");
	ck_assert_str_eq(nft_table(), "");
}
END_TEST

/* minidocker with libnftables hidden (a mount namespace of its own binds
 * an empty file on it), as on a host that lacks it: `sh -c` words. */
#define WITHOUT_NFT                                                                                \
	"L=$(readlink -f \"$(ldconfig -p | awk '/libnftables[.]so[.]1 / { print $NF; exit }')\") && "   \
	"unshare -m --propagation private sh -c 'mount --bind /dev/null \"$0\" && exec \"$MD\" \"$@\"' \"$L\""

/* libnftables is loaded by the first network that needs it (common/lazy.c):
 * without it, a network cannot be made (125, the loader's message), and
 * no bridge is left without its NAT; one made before is still removed. */
START_TEST(without_libnftables_no_bridge_is_left)
{
	struct result r = sh(WITHOUT_NFT " network create --subnet 10.89.0.0/24 n1");
	ck_status(r, 125);
	ck_contains(r.err, "libnftables.so.1");
	ck_assert_str_eq(links(), "lo ");
	ck_lacks(md(NULL, "network", "ls", NULL).out, "n1");
	r = sh(WITHOUT_NFT " run --rm base true");
	ck_status(r, 125);
	ck_contains(r.err, "libnftables.so.1");
	ck_assert_str_eq(links(), "lo ");
	ck_status(md(NULL, "network", "create", "--subnet", "10.89.0.0/24", "n1", NULL), 0);
	ck_status(sh(WITHOUT_NFT " network rm n1"), 0);
	ck_assert_str_eq(links(), "lo ");
	ck_lacks(md(NULL, "network", "ls", NULL).out, "n1");
}
END_TEST

void add_network_tests(Suite *s)
{
	TCase *tc = tcase(s, "network");
	add_root_test(tc, lo_is_up_and_eth0_has_an_address);
	add_root_test(tc, the_bridge_reaches_the_container_and_back);
	add_root_test(tc, network_none_has_only_lo);
	add_root_test(tc, network_host_is_the_hosts);
	add_root_test(tc, hostname_and_the_etc_files);
	add_root_test(tc, names_resolve_and_ports_publish_on_a_network);
	add_root_test(tc, a_published_port_is_refused_the_second_time);
	add_root_test(tc, hosts_files_follow_containers_coming_and_going);
	add_root_test(tc, fifty_containers_at_once_get_distinct_addresses);
	add_root_test(tc, nothing_outlives_rm_and_network_rm);
	add_root_test(tc, a_killed_run_gives_its_address_and_port_back);
	add_root_test(tc, a_subnet_the_host_routes_is_refused);
	add_root_test(tc, without_root_pasta_gives_a_network);
	add_root_test(tc, without_root_a_published_port_reaches_the_container);
	add_root_test(tc, without_root_no_pasta_outlives_its_container);
	add_root_test(tc, without_pasta_the_network_is_none_with_a_hint);
#ifndef __SANITIZE_ADDRESS__
	add_root_test(tc, the_network_commands_leak_nothing);
#else	/* valgrind cannot run what ASan built: the ASan run is the check */
	(void)the_network_commands_leak_nothing;
#endif
	tc = tcase(s, "network bad input");
	add_root_test(tc, bad_publish_flags);
	add_root_test(tc, bad_network_flags);
	add_root_test(tc, without_libnftables_no_bridge_is_left);
}
