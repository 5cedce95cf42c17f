/* From v1.3 on: what the container may see.  A /dev of its own (bound
 * device nodes, devpts, shm, mqueue, the console under -t), Docker's
 * masked and read-only paths in /proc and /sys, a read-only /sys,
 * --read-only, --tmpfs and --shm-size: the tests every later stage keeps.
 * Nothing here writes a sysctl, /sys or a device: writes are tried on
 * read-only mounts, or as probe openw (opens, writes nothing). */
#include "features.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* No container folder is left in the test's state root. */
static void no_containers_left(void)
{
	struct result r = sh("ls -A \"$MINIDOCKER_ROOT/containers\" 2>/dev/null");
	ck_assert_msg(!r.out[0], "left behind: %s", r.out);
}

/* ---- /dev ------------------------------------------------------------- */

START_TEST(the_six_nodes_are_character_devices)
{
	struct result r = md(NULL, "run", "--rm", "base", "sh", "-c",
			     "for n in null zero full random urandom tty; do "
			     "[ -c /dev/$n ] && echo $n; done; stat -c '%t,%T' /dev/null /dev/urandom",
			     NULL);
	ck_status(r, 0);
	ck_assert_str_eq(r.out, "null\nzero\nfull\nrandom\nurandom\ntty\n1,3\n1,9\n");
}
END_TEST

START_TEST(dev_null_stays_a_device_and_urandom_reads)
{
	struct result r = md(NULL, "run", "--rm", "base", "sh", "-c",
			     "echo hi > /dev/null; cat /dev/null; [ -c /dev/null ] && echo still-a-device; "
			     "head -c 16 /dev/urandom | wc -c; head -c 3 /dev/zero | od -An -tx1; "
			     "echo x > /dev/full",
			     NULL);
	ck_status(r, 1);
	ck_assert_str_eq(r.out, "still-a-device\n16\n 00 00 00\n");
	ck_contains(r.err, "No space left on device");
}
END_TEST

START_TEST(pts_shm_and_mqueue_are_their_filesystems)
{
	struct result r = md(NULL, "run", "--rm", "base", "sh", "-c",
			     "for m in /dev /dev/pts /dev/shm /dev/mqueue; do "
			     "grep \" $m \" /proc/self/mountinfo | sed 's/.* - \\([^ ]*\\) .*/\\1/'; done; "
			     "grep ' /dev/pts ' /proc/self/mountinfo; for l in ptmx fd stdin stdout stderr; do "
			     "readlink /dev/$l; done; stat -c '%a %g' /dev/pts/ptmx",
			     NULL);
	ck_status(r, 0);
	ck_contains(r.out, "tmpfs\ndevpts\ntmpfs\nmqueue\n");
	ck_contains(r.out, "ptmxmode=666");
	ck_contains(r.out, "mode=620");
	ck_contains(r.out, "pts/ptmx\n/proc/self/fd\n/proc/self/fd/0\n/proc/self/fd/1\n/proc/self/fd/2\n");
	/* A devpts of its own: the host's terminals are not in it. */
	ck_contains(r.out, "666 0\n");
	r = md(NULL, "run", "--rm", "base", "ls", "/dev/pts", NULL);
	ck_assert_str_eq(r.out, "ptmx\n");
}
END_TEST

START_TEST(tty_answers_under_t)
{
	struct pty p;
	pty_start(&p, 24, 80, "\"$MD\" run --rm -it base sh -c 'tty; [ -c /dev/console ] && echo console'");
	ck_assert_int_eq(pty_finish(&p, 20), 0);
	ck_contains(p.out, "/dev/console\r\nconsole\r\n");
	/* Without -t there is no terminal, and no console. */
	struct result r = md(NULL, "run", "--rm", "base", "sh", "-c", "tty; ls /dev/console", NULL);
	ck_status(r, 1);
	ck_assert_str_eq(r.out, "not a tty\n");
}
END_TEST

START_TEST(dev_shm_is_64m_or_shm_size)
{
	struct result r = md(NULL, "run", "--rm", "base", "sh", "-c",
			     "df -k /dev/shm | tail -n 1 | awk '{print $2}'; echo x > /dev/shm/f && cat /dev/shm/f",
			     NULL);
	ck_status(r, 0);
	ck_assert_str_eq(r.out, "65536\nx\n");
	r = md(NULL, "run", "--rm", "--shm-size", "2m", "base", "sh", "-c",
	       "df -k /dev/shm | tail -n 1 | awk '{print $2}'; dd if=/dev/zero of=/dev/shm/big bs=1M count=3",
	       NULL);
	ck_status(r, 1);
	ck_assert_str_eq(r.out, "2048\n");
	ck_contains(r.err, "No space left on device");
}
END_TEST

START_TEST(commit_records_nothing_of_dev)
{
	struct result r = md(NULL, "run", "--name", "wr", "base", "sh", "-c",
			     "echo hi > /dev/null; echo x > /dev/shm/x; touch /dev/made; echo kept > /kept",
			     NULL);
	ck_status(r, 0);
	r = md(NULL, "commit", "wr", "snap", NULL);
	ck_status(r, 0);
	/* The new layer has /kept and no /dev; the image's /dev is as it was. */
	r = sh("cd \"$MINIDOCKER_ROOT/images\" && ls -A %s; ls -A base/dev; "
	       "ls -A \"$MINIDOCKER_ROOT\"/containers/*/upper", layer_dir("snap"));	/* v1.6: by digest */
	/* (From v1.4 on the upper layer holds etc/ too: the mount points of
	 * /etc/hosts, hostname and resolv.conf, which commit leaves out.) */
	ck_assert_str_eq(r.out, strcmp(stage, "v1.4") >= 0 ? "kept\netc\nkept\n" : "kept\nkept\n");
	r = md(NULL, "run", "--rm", "snap", "sh", "-c",
	       "[ -c /dev/null ] && ls -A /dev/shm && ls /dev/made; cat /kept", NULL);
	ck_assert_str_eq(r.out, "kept\n");
	ck_contains(r.err, "/dev/made");
}
END_TEST

/* ---- /proc and /sys ------------------------------------------------------ */

/* Docker's masked paths that this host has: each reads empty inside. */
START_TEST(masked_paths_read_empty)
{
	static const char *const paths[] = { "/proc/asound",
					     "/proc/acpi",
					     "/proc/kcore",
					     "/proc/keys",
					     "/proc/latency_stats",
					     "/proc/timer_list",
					     "/proc/timer_stats",
					     "/proc/sched_debug",
					     "/proc/scsi",
					     "/sys/firmware",
					     "/sys/devices/virtual/powercap" };
	char script[4096] = "";
	int n = 0;

	for (size_t i = 0; i < sizeof paths / sizeof paths[0]; i++)
		if (access(paths[i], F_OK) == 0) {
			/* A file: /dev/null over it; a folder: an empty one. */
			snprintf(script + strlen(script), sizeof script - strlen(script),
				 "p=%s; if [ -d $p ]; then c=$(ls -A $p); else c=$(cat $p); fi; "
				 "[ -z \"$c\" ] && echo \"$p: empty\" || echo \"$p: NOT EMPTY\"; ",
				 paths[i]);
			n++;
		}
	ck_assert_msg(n >= 3, "only %d masked paths on this host", n);
	struct result r = md(NULL, "run", "--rm", "base", "sh", "-c", script, NULL);
	ck_status(r, 0);
	ck_lacks(r.out, "NOT EMPTY");
	int empty = 0;
	for (char *p = r.out; (p = strstr(p, ": empty\n")); p++)
		empty++;
	ck_assert_int_eq(empty, n);
	/* On the host they are not: the test would prove nothing otherwise. */
	char *keys = read_file("/proc/timer_list");
	ck_assert_msg(keys && keys[0], "the host's /proc/timer_list is empty");
}
END_TEST

START_TEST(read_only_paths_and_sys_refuse_writes)
{
	/* mkdir in sysfs: the mount is checked before any permission. */
	struct result r = md(NULL, "run", "--rm", "base", "mkdir", "/sys/x", NULL);
	ck_status(r, 1);
	ck_contains(r.err, "can't create directory '/sys/x': Read-only file system");
	/* The container's own network sysctls, which NET_ADMIN may otherwise
	 * change: read-only now.  Opened, never written. */
	r = md(NULL, "run", "--rm", "--cap-add", "NET_ADMIN", "base", "sh", "-c",
	       "probe openw /proc/sys/net/ipv4/ip_forward; [ ! -e /proc/sysrq-trigger ] || "
	       "probe openw /proc/sysrq-trigger; m=' /(sys|proc/sys|proc/irq|proc/bus|proc/fs) '; "
	       "grep -Ec \"$m\" /proc/self/mountinfo; grep -E \"$m\" /proc/self/mountinfo | grep -vc ' ro,'; "
	       "grep ' /sys ' /proc/self/mountinfo",
	       NULL);
	ck_contains(r.out, "/proc/sys/net/ipv4/ip_forward: Read-only file system\n");
	ck_lacks(r.out, "opened");
	/* Five mounts, none of them writable; /sys a sysfs of its own. */
	ck_contains(r.out, "\n5\n0\n");
	ck_contains(r.out, " - sysfs ");
}
END_TEST

START_TEST(masks_hold_in_exec)
{
	struct result r = md(NULL, "run", "-d", "--name", "mm", "base", "sleep", "60", NULL);
	ck_status(r, 0);
	r = md(NULL, "exec", "mm", "sh", "-c",
	       "cat /proc/timer_list | wc -c; "
	       "grep -c ' /proc/sys ro,' /proc/self/mountinfo; mkdir /sys/x",
	       NULL);
	ck_status(r, 1);
	ck_assert_str_eq(r.out, "0\n1\n");
	ck_contains(r.err, "Read-only file system");
	md(NULL, "rm", "-f", "mm", NULL);
}
END_TEST

START_TEST(masks_survive_umount_without_sys_admin)
{
	struct result r = md(NULL, "run", "--rm", "base", "sh", "-c",
			     "umount /proc/timer_list; umount -l /proc/sys; mount -o remount,rw /sys; "
			     "cat /proc/timer_list | wc -c; grep -c ' /proc/sys ro,' /proc/self/mountinfo; "
			     "mkdir /sys/x",
			     NULL);
	ck_assert_str_eq(r.out, "0\n1\n");
	ck_contains(r.err, "can't unmount /proc/timer_list: Operation not permitted");
	ck_contains(r.err, "can't unmount /proc/sys: Operation not permitted");
	ck_contains(r.err, "'/sys/x': Read-only file system");
}
END_TEST

/* With CAP_SYS_ADMIN the container may unmount what it mounted, and
 * remount /sys read-write: what holds then is the kernel's own checks
 * against the host's root, which the range's root is not. */
START_TEST(with_sys_admin_the_kernel_still_guards)
{
	struct result r = md(NULL, "run", "--rm", "--cap-add", "SYS_ADMIN", "base", "sh", "-c",
			     "umount /proc/sys && echo unmasked; probe openw /proc/sys/kernel/core_pattern; "
			     "mount -o remount,bind,rw /sys && echo sys-rw; probe openw /sys/kernel/uevent_seqnum; "
			     "mknod /tmp/sda b 8 0 || echo no-mknod",
			     NULL);
	ck_contains(r.out, "unmasked\n/proc/sys/kernel/core_pattern: Permission denied\n");
	/* The mount is writable now, the superblock still read-only. */
	ck_contains(r.out, "sys-rw\n/sys/kernel/uevent_seqnum: Read-only file system\n");
	ck_lacks(r.out, "opened");
	ck_contains(r.out, "no-mknod\n");
}
END_TEST

/* MINIDOCKER_SYSFS=bind: the fallback for kernels that refuse a user
 * namespace its own sysfs.  The host's /sys, every mount below it
 * read-only too, with the masks; the host's own stays as it was. */
START_TEST(the_sysfs_fallback_binds_the_hosts_read_only)
{
	own_mount_ns(1);
	char *before = read_file("/proc/self/mountinfo");
	struct result r = sh(
		"MINIDOCKER_SYSFS=bind \"$MD\" run --rm base sh -c "
		"'grep \" /sys\" /proc/self/mountinfo | grep -vc \" ro,nosuid,nodev,noexec\"; "
		"grep -c \" /sys\" /proc/self/mountinfo; ls -A /sys/firmware; ls /sys/kernel | grep -cx mm; "
		"mkdir /sys/x'");
	ck_status(r, 1);
	ck_assert_msg(!strncmp(r.out, "0\n", 2) && atoi(r.out + 2) >= 2, "%s", r.out);
	ck_contains(r.out, "\n1\n");
	ck_contains(r.err, "'/sys/x': Read-only file system");
	ck_assert_str_eq(read_file("/proc/self/mountinfo"), before);
}
END_TEST

/* A flag the host's mount has is locked into the container's view: the
 * kernel copies read-only from the host's sysfs onto a new one
 * (mount_namespaces(7)), and no remount clears it, whatever the
 * container's capabilities.  The test's own mount namespace plays a host
 * whose /sys is read-only (a container host, say). */
START_TEST(a_read_only_host_sys_stays_read_only)
{
	own_mount_ns(0);
	struct result r = sh("mount -o remount,bind,ro /sys");
	ck_status(r, 0);
	r = md(NULL, "run", "--rm", "--cap-add", "SYS_ADMIN", "base", "sh", "-c",
	       "mount -o remount,bind,rw /sys || echo refused; grep -c ' /sys ro,' /proc/self/mountinfo", NULL);
	ck_assert_str_eq(r.out, "refused\n1\n");
	/* Without the host's flag, the same remount works: the lock is what
	 * refused it. */
	r = sh("mount -o remount,bind,rw /sys");
	r = md(NULL, "run", "--rm", "--cap-add", "SYS_ADMIN", "base", "sh", "-c",
	       "mount -o remount,bind,rw /sys && grep -c ' /sys rw,' /proc/self/mountinfo", NULL);
	ck_assert_str_eq(r.out, "1\n");
}
END_TEST

/* ---- --read-only and --tmpfs --------------------------------------------- */

START_TEST(read_only_root_with_writable_tmpfs)
{
	struct result r = md(NULL, "run", "--name", "ro", "--read-only", "--tmpfs", "/tmp", "base", "sh", "-c",
			     "touch /x; touch /tmp/y && echo tmp; echo z > /dev/shm/z && echo shm; "
			     "echo > /dev/null && echo null; awk '$5 == \"/\" {print $6}' /proc/self/mountinfo",
			     NULL);
	ck_status(r, 0);
	ck_contains(r.err, "touch: /x: Read-only file system");
	ck_assert_str_eq(r.out, "tmp\nshm\nnull\nro,relatime\n");
	/* start keeps them: they are in the state. */
	r = md(NULL, "start", "-a", "ro", NULL);
	ck_status(r, 0);
	ck_contains(r.err, "touch: /x: Read-only file system");
	ck_assert_str_eq(r.out, "tmp\nshm\nnull\nro,relatime\n");
	/* /tmp was a tmpfs: nothing of it in the upper layer. */
	r = sh("ls -A \"$MINIDOCKER_ROOT\"/containers/*/upper/tmp");
	ck_assert_str_eq(r.out, "");
	r = md(NULL, "rm", "ro", NULL);
	ck_status(r, 0);
	no_containers_left();
}
END_TEST

START_TEST(tmpfs_options_apply)
{
	struct result r = md(NULL, "run", "--rm", "--tmpfs", "/run:size=1m,mode=0700", "--tmpfs",
			     "/opt/new/dir:exec", "base", "sh", "-c",
			     "df -k /run | tail -n 1 | awk '{print $2}'; stat -c %a /run; "
			     "grep ' /run ' /proc/self/mountinfo; grep ' /opt/new/dir ' /proc/self/mountinfo",
			     NULL);
	ck_status(r, 0);
	ck_assert_msg(!strncmp(r.out, "1024\n700\n", 9), "%s", r.out);
	ck_contains(r.out, "/run rw,nosuid,nodev,noexec");
	ck_contains(r.out, "/opt/new/dir rw,nosuid,nodev,relatime ");
}
END_TEST

/* On a host whose / is shared, nothing of /dev, /sys, the masks or the
 * --tmpfs mounts shows up, during the run or after it. */
START_TEST(no_mount_leaks_to_the_host)
{
	own_mount_ns(1);
	char *before = read_file("/proc/self/mountinfo");
	int pid = start_bg("\"$MD\" run --rm --read-only --tmpfs /tmp --shm-size 8m base sleep 3");
	ck_assert_msg(wait_command(pid, "sleep 3", 10) > 0, "no 'sleep 3' under the run");
	ck_assert_str_eq(read_file("/proc/self/mountinfo"), before);
	ck_assert_int_eq(wait_exit(pid, 10), 0);
	ck_assert_str_eq(read_file("/proc/self/mountinfo"), before);
	no_containers_left();
}
END_TEST

/* ---- bad input ----------------------------------------------------------- */

static void refused(const char *flag, const char *value, const char *why)
{
	struct result r = md(NULL, "run", "--rm", flag, value, "base", "true", NULL);
	ck_status(r, 125);
	ck_contains(r.err, why);
	no_containers_left();
}

START_TEST(bad_shm_size_is_125)
{
	refused("--shm-size", "lots", "invalid --shm-size 'lots': a whole number above 0");
	refused("--shm-size", "0", "invalid --shm-size '0'");
	refused("--shm-size", "-5m", "invalid --shm-size '-5m'");
	refused("--shm-size", "99999999g", "too large");
}
END_TEST

START_TEST(bad_tmpfs_is_125)
{
	refused("--tmpfs", "tmp", "invalid --tmpfs 'tmp': the path must be absolute");
	refused("--tmpfs", "/", "invalid --tmpfs '/'");
	refused("--tmpfs", "/a/../etc", "without '..'");
	refused("--tmpfs", "/tmp:bogus", "unknown option 'bogus'");
	refused("--tmpfs", "/tmp:mode=999", "unknown option 'mode=999'");
	refused("--tmpfs", "/tmp:size=", "unknown option 'size='");
	refused("--tmpfs", "/tmp:size=%", "unknown option 'size=%'");
}
END_TEST

/* An image whose /dev is a symlink: mount(2) would follow it, and put the
 * container's /dev over whatever it names.  Refused, and nothing left. */
START_TEST(an_images_dev_symlink_is_refused)
{
	struct result r = sh("cd \"$MINIDOCKER_ROOT\" && mkdir t && cp -a images/base/. t/ && rmdir t/dev && "
			     "ln -s /etc t/dev && tar -C t -cf sym.tar . && \"$MD\" import sym.tar symdev");
	ck_status(r, 0);
	r = md(NULL, "run", "--rm", "symdev", "true", NULL);
	ck_status(r, 125);
	ck_contains(r.err, "the image's /dev is not a folder; refusing to mount through it");
	no_containers_left();
}
END_TEST

void add_device_tests(Suite *s)
{
	TCase *tc = tcase(s, "devices");
	add_root_test(tc, the_six_nodes_are_character_devices);
	add_root_test(tc, dev_null_stays_a_device_and_urandom_reads);
	add_root_test(tc, pts_shm_and_mqueue_are_their_filesystems);
	add_root_test(tc, tty_answers_under_t);
	add_root_test(tc, dev_shm_is_64m_or_shm_size);
	add_root_test(tc, commit_records_nothing_of_dev);
	tc = tcase(s, "masks");
	add_root_test(tc, masked_paths_read_empty);
	add_root_test(tc, read_only_paths_and_sys_refuse_writes);
	add_root_test(tc, masks_hold_in_exec);
	add_root_test(tc, masks_survive_umount_without_sys_admin);
	add_root_test(tc, with_sys_admin_the_kernel_still_guards);
	add_root_test(tc, a_read_only_host_sys_stays_read_only);
	add_root_test(tc, the_sysfs_fallback_binds_the_hosts_read_only);
	tc = tcase(s, "read-only");
	add_root_test(tc, read_only_root_with_writable_tmpfs);
	add_root_test(tc, tmpfs_options_apply);
	add_root_test(tc, no_mount_leaks_to_the_host);
	tc = tcase(s, "mount bad input");
	add_root_test(tc, bad_shm_size_is_125);
	add_root_test(tc, bad_tmpfs_is_125);
	add_root_test(tc, an_images_dev_symlink_is_refused);
}
