/* The features each stage adds, as tests every later stage keeps: a
 * suite adds those of its own stage and of every stage before it. */
#ifndef MD_FEATURES_H
#define MD_FEATURES_H

#include "input.h"

/* v0.8: cli.c; V08: also the tests of what v0.9 changes on purpose. */
void add_cli_tests(Suite *s, int v08);
/* cli.c's helpers: the id of the one running container, of the newest,
 * a KEY of the state of the container whose id starts with PREFIX; the
 * time in seconds. */
char *running_id(void);
char *newest_id(void);
char *state_of(const char *prefix, const char *key);
double seconds_now(void);
void add_detach_tests(Suite *s);	/* v0.9: detach.c */
/* v1.0: limits.c; CHROOT_STAGE: the stage still uses chroot (v1.0),
 * whose escape reaches the host (v1.1's pivot_root ends that). */
void add_limit_tests(Suite *s, int chroot_stage);
/* v1.2: ranges.c; TCases "ranges", "capabilities" and its "bad input". */
void add_range_tests(Suite *s);
/* v1.3: seccomp.c; TCases "seccomp" and "seccomp bad input". */
void add_seccomp_tests(Suite *s);
/* v1.3: devices.c; TCases "devices", "masks", "read-only", "mount bad input". */
void add_device_tests(Suite *s);
/* v1.4: network.c; TCases "network" and "network bad input". */
void add_network_tests(Suite *s);
/* v1.5: volumes.c; TCases "environment", "volumes", "volume bad input". */
void add_volume_tests(Suite *s);
/* v1.5: everyday.c; kill, wait, logs times, inspect, cp, exec, ps, rename, restart. */
void add_everyday_tests(Suite *s);
/* v1.6: imageconfig.c; TCases "image config" and "image config bad input". */
void add_imageconfig_tests(Suite *s);
/* v1.6: imagestore.c; TCases "image store" (names, tags, rmi, layers by
 * digest) and "image archives" (load, save, export). */
void add_imagestore_tests(Suite *s);
/* imagestore.c's test archives: write_mk writes ROOT/mk.sh, whose shell
 * functions make them (layers, docker, oci); MK(script) runs SCRIPT in
 * ROOT with them, and the two layers of `layers` in ROOT/L. */
void write_mk(void);
#define MK(script) "set -e; cd \"$MINIDOCKER_ROOT\"; . ./mk.sh; [ -d L ] || layers L; " script
/* v1.6: podmanimages.c; TCase "podman interop": archives podman saved
 * load and run here, and archives saved here load and run in podman. */
void add_podman_image_tests(Suite *s);
/* v2.0: ocicli.c; TCases "oci lifecycle" and "oci bad input": minidocker-oci
 * driven as conmon drives a runtime. */
void add_ocicli_tests(Suite *s);
/* v2.0: ociconfig.c; TCases "oci config" (podman's configs and spec's
 * accepted by minidocker-oci create) and "oci config bad input". */
void add_ociconfig_tests(Suite *s);
/* v2.0: ocipodman.c; TCase "podman runtime": podman 4.3 and conmon run
 * minidocker-oci as their OCI runtime (--runtime), compared with runc. */
void add_ocipodman_tests(Suite *s);
/* v2.0: ociattack.c; TCase "oci attacks": minidocker-oci driven by a
 * careless or hostile caller (a create killed at any moment). */
void add_ociattack_tests(Suite *s);
/* v2.0: ocictr.c; TCase "containerd runtime": a containerd 1.6 of the
 * test's own and its runc shim run minidocker-oci (ctr run --runc-binary). */
void add_ocictr_tests(Suite *s);

#endif
