/* What the container sees of the kernel (v1.3): /sys read-only, and
 * Docker's masked and read-only paths in /proc and /sys (moby's
 * oci/defaults.go).  Run by the init before pivot_root, on ROOTFS/proc
 * and ROOTFS/sys, which are kernel filesystems mounted a moment ago: no
 * path below them is the image's to point elsewhere.
 *
 * A mask is a mount over the path: /dev/null bound over a file (it reads
 * empty), an empty read-only tmpfs over a folder.  A read-only path is
 * bound onto itself and remounted read-only.  Every mount here keeps
 * nosuid, nodev and noexec: the kernel copied those flags, locked, from
 * the host's /proc and /sys into ours (mount_namespaces(7), "restrictions
 * on mount namespaces"), and a remount without them is EPERM. */
#include "minidocker.h"
#include "oci.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <fcntl.h>
#include <unistd.h>

enum { LOCKED = MS_NOSUID | MS_NODEV | MS_NOEXEC };

/* Hidden: each shows the host's hardware, memory or kernel internals,
 * whatever namespace reads it.  kcore is the host's memory as an ELF core
 * file; keys the keys of the kernel's keyrings a process may view;
 * timer_list, timer_stats, sched_debug and latency_stats what every host
 * process is doing and when (timing side channels); asound, acpi, scsi the
 * devices; /sys/firmware the firmware's tables (ACPI, EFI variables);
 * powercap the CPUs' energy counters (the PLATYPUS side channel). */
static const char *const masked[] = {
	"proc/asound",
	"proc/acpi",
	"proc/kcore",
	"proc/keys",
	"proc/latency_stats",
	"proc/timer_list",
	"proc/timer_stats",
	"proc/sched_debug",
	"proc/scsi",
	"sys/firmware",
	"sys/devices/virtual/powercap",
};

/* Read-only: writing them changes the host, not the container.  /proc/sys
 * is the sysctls (core_pattern names a program the kernel runs as host
 * root); /proc/sysrq-trigger reboots or crashes the host with one byte;
 * /proc/irq pins interrupts to CPUs; /proc/bus the PCI devices' config
 * space; /proc/fs the filesystems' knobs (nfsd's exports among them). */
static const char *const read_only[] = {
	"proc/bus", "proc/fs", "proc/irq", "proc/sys", "proc/sysrq-trigger",
};

/* ROOTFS/NAME to mount on, as v1.1 makes /proc: a folder the image
 * lacks is made (in the upper layer), a symlink refused, since mount(2)
 * would follow it out of the root (runc's mask.bats). */
void mount_point(const char *path, mode_t mode, const char *name)
{
	struct stat st;

	if (mkdir(path, mode) < 0 && errno != EEXIST)
		md_die("mkdir %s", path);
	if (lstat(path, &st) < 0 || !S_ISDIR(st.st_mode))
		md_diex("the image's %s is not a folder; refusing to mount through it", name);
}

/* /sys, read-only.  A sysfs of our own shows the network devices of the
 * network namespace it is mounted from, and the kernel allows that mount
 * only to a user namespace that owns that network namespace: the
 * container's does (clone makes both at once).  Should a kernel refuse,
 * the host's /sys, bound read-only with everything below it, shows the
 * same files but the host's network devices. */
void mount_sys(const char *rootfs)
{
	char sys[PATH_MAX];

	md_pathf(sys, "%s/sys", rootfs);
	mount_point(sys, 0555, "/sys");
	/* MINIDOCKER_SYSFS=bind asks for the fallback (to compare the two). */
	const char *e = getenv("MINIDOCKER_SYSFS");
	if (!(e && !strcmp(e, "bind"))) {
		if (mount("sysfs", sys, "sysfs", MS_RDONLY | LOCKED, NULL) == 0)
			return;
		if (errno != EPERM)
			md_die("mount sysfs on %s", sys);
	}
	/* mount_setattr(2), AT_RECURSIVE: read-only (and nosuid, nodev,
	 * noexec), the submounts too (/sys/fs/cgroup...), which a remount of
	 * the top one would leave writable. */
	struct mount_attr attr = { .attr_set = MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV |
					       MOUNT_ATTR_NOEXEC };
	if (mount("/sys", sys, NULL, MS_BIND | MS_REC, NULL) < 0 ||
	    mount_setattr(AT_FDCWD, sys, AT_RECURSIVE, &attr, sizeof attr) < 0)
		md_die("bind the host's /sys read-only on %s", sys);
}

/* PATH, whose lstat is ST, hidden (v2.0: also config.json's maskedPaths). */
void mask_path(const char *path, const struct stat *st)
{
	if (S_ISDIR(st->st_mode)) {
		if (mount("tmpfs", path, "tmpfs", MS_RDONLY | LOCKED, "size=0,mode=0555") < 0)
			md_die("mask %s with an empty tmpfs", path);
	} else if (mount("/dev/null", path, NULL, MS_BIND, NULL) < 0) {
		md_die("mask %s with /dev/null", path);
	}
}

/* v2.0: the tables as config.json's maskedPaths and readonlyPaths of
 * an in-memory config, applied by the OCI path's code (ociinit.c,
 * oci_protect_paths: a path this kernel lacks skipped, a read-only one
 * bound onto itself and remounted with the flags locked on it).  Here,
 * before pivot_root, on ROOTFS/proc and ROOTFS/sys, as v1.3 did: before
 * the volumes (a -v there is the user's choice) and with the host's
 * /dev/null, which a -v or --tmpfs on /dev cannot take away; a config's
 * are applied after pivot_root, as runc does. */
void mask_paths(const char *rootfs)
{
	enum { NMASKED = sizeof masked / sizeof masked[0], NREAD_ONLY = sizeof read_only / sizeof read_only[0] };
	static char paths[NMASKED + NREAD_ONLY][PATH_MAX];
	char *list[NMASKED + NREAD_ONLY];

	for (size_t i = 0; i < NMASKED + NREAD_ONLY; i++) {
		md_pathf(paths[i], "%s/%s", rootfs, i < NMASKED ? masked[i] : read_only[i - NMASKED]);
		list[i] = paths[i];
	}
	struct oci_spec s = { .masked = list, .nmasked = NMASKED, .readonly = list + NMASKED,
			      .nreadonly = NREAD_ONLY };
	if (oci_protect_paths(&s) < 0)
		exit(MD_EXIT_FAILED);
}
