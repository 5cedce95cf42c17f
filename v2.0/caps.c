/* Capabilities with libcap (v1.2): what the container's root may do.
 *
 * In its user namespace, the container's first process has all 41
 * capabilities (capabilities(7)).  They only reach what the namespace
 * owns, but that is a lot of kernel: mount, every file of the container
 * whatever its mode, raw sockets, module-free kernel code paths that have
 * had bugs.  Docker keeps 14 (moby oci/caps/defaults.go), the ones an
 * ordinary image's scripts use: chown and the file-mode overrides for
 * package managers, setuid/setgid for su and daemons dropping root, kill,
 * low ports, raw sockets for ping, mknod, chroot, audit messages.
 *
 * A process has five sets; we set them all:
 *   bounding     the most it can ever get back (execve of a setuid-root or
 *                file-capability program included): the kept set
 *   permitted    what it may turn on: the kept set
 *   effective    what it has on now: the kept set
 *   inheritable  empty: with it, a program with inheritable file
 *   ambient      capabilities would get more than the bounding set's
 *                share (CVE-2022-24769, moby and runc both fixed) */
#include "minidocker.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <sys/capability.h>
#include <sys/prctl.h>

static const cap_value_t docker_default[] = {
	CAP_CHOWN, CAP_DAC_OVERRIDE, CAP_FSETID, CAP_FOWNER, CAP_MKNOD, CAP_NET_RAW,
	CAP_SETGID, CAP_SETUID, CAP_SETFCAP, CAP_SETPCAP, CAP_NET_BIND_SERVICE,
	CAP_SYS_CHROOT, CAP_KILL, CAP_AUDIT_WRITE,
};

unsigned long long caps_all(void)
{
	int n = cap_max_bits();	/* what this kernel knows: 41 on 6.x */
	return n >= 64 ? ~0ULL : (1ULL << n) - 1;
}

unsigned long long caps_default(void)
{
	unsigned long long set = 0;
	for (size_t i = 0; i < sizeof docker_default / sizeof docker_default[0]; i++)
		set |= 1ULL << docker_default[i];
	return set;
}

/* A capability's number from its name, as Docker takes it: SYS_TIME,
 * CAP_SYS_TIME or cap_sys_time.  -2 for ALL, -1 for no such name. */
int caps_lookup(const char *name)
{
	char low[64];
	cap_value_t v;
	size_t i = 0;

	if (!strcasecmp(name, "ALL"))
		return -2;
	if (strncasecmp(name, "CAP_", 4))
		i = snprintf(low, sizeof low, "cap_");
	for (; *name && i < sizeof low - 1; name++)
		low[i++] = tolower((unsigned char)*name);
	low[i] = '\0';
	/* cap_from_name(3) also takes numbers ("25"); Docker does not. */
	if (strspn(low + 4, "abcdefghijklmnopqrstuvwxyz_") != strlen(low + 4) || !low[4] ||
	    cap_from_name(low, &v) < 0 || v >= cap_max_bits())
		return -1;
	return v;
}

/* The set a container gets: Docker's default, or all with --privileged;
 * ALL in --cap-drop empties it first, ALL in --cap-add fills it; then the
 * named adds, then the named drops (moby's TweakCapabilities). */
unsigned long long caps_compute(int privileged, const int *add, int nadd, const int *drop, int ndrop)
{
	unsigned long long set = privileged ? caps_all() : caps_default();

	for (int i = 0; i < ndrop; i++)
		if (drop[i] == -2)
			set = 0;
	for (int i = 0; i < nadd; i++)
		set |= add[i] == -2 ? caps_all() : 1ULL << add[i];
	for (int i = 0; i < ndrop; i++)
		if (drop[i] >= 0)
			set &= ~(1ULL << drop[i]);
	return set;
}

/* Take every capability not in KEEP out of the bounding set
 * (cap_drop_bound(3), PR_CAPBSET_DROP): from now on nothing, not even
 * exec of a setuid-root program, gives them back.  Needs CAP_SETPCAP,
 * which we still have: call it first. */
void caps_bound(unsigned long long keep)
{
	for (cap_value_t c = 0; c < cap_max_bits(); c++)
		if (!(keep & (1ULL << c)) && cap_drop_bound(c) < 0)
			md_die("drop %s from the bounding set", cap_to_name(c));
}

/* The other four sets: run's keep inheritable and ambient empty
 * (cap_iab(3)), permitted and effective the kept set (cap_set_proc(3)).
 * After a switch to a user other than root, execve empties permitted
 * and effective anyway: such a user gets capabilities only from a file
 * that has them.  v2.0: config.json gives the four apart, and run gives
 * them as config.json would (user.c): EFF, PERM, INH and AMB (an ambient
 * one must be permitted and inheritable too, capabilities(7)). */
void caps_set_sets(unsigned long long eff, unsigned long long perm, unsigned long long inh,
		   unsigned long long amb)
{
	cap_iab_t iab = cap_iab_init();	/* I and A empty, nothing more dropped */
	if (!iab || cap_iab_set_proc(iab) < 0)
		md_die("empty the inheritable and ambient capability sets");
	cap_t caps = cap_init();	/* all three sets clear */
	if (!caps)
		md_die("cap_init");
	for (cap_value_t c = 0; c < cap_max_bits(); c++) {
		if (((perm & (1ULL << c)) && cap_set_flag(caps, CAP_PERMITTED, 1, &c, CAP_SET) < 0) ||
		    ((eff & (1ULL << c)) && cap_set_flag(caps, CAP_EFFECTIVE, 1, &c, CAP_SET) < 0) ||
		    ((inh & (1ULL << c)) && cap_set_flag(caps, CAP_INHERITABLE, 1, &c, CAP_SET) < 0))
			md_die("cap_set_flag");
	}
	cap_free(iab);
	if (cap_set_proc(caps) < 0)
		md_die("set the capabilities (cap_set_proc)");
	cap_free(caps);
	/* One by one (prctl(2), PR_CAP_AMBIENT_RAISE): cap_iab_set_proc
	 * would want CAP_SETPCAP, which the sets may well not keep. */
	for (cap_value_t c = 0; c < cap_max_bits(); c++)
		if ((amb & (1ULL << c)) && prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, c, 0, 0) < 0)
			md_die("raise %s in the ambient set", cap_to_name(c));
}
