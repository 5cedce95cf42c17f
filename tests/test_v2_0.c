/* v2.0: a runtime others can drive: runc's command line on an OCI bundle
 * (create, start, state, kill, delete, exec), so that podman and
 * containerd run minidocker.  Everything v1.6 checked still holds, and
 * comes first. */
#include "features.h"

/* The shared tests mount inside the container (that mounts never leak
 * is what add_mount_tests checks): from v1.3 on that takes CAP_SYS_ADMIN,
 * which Docker's default set, and ours, leaves out.  The new tests below
 * run without it and check the default set itself. */
const char *run_words[] = { "-i", "--cap-add", "SYS_ADMIN", "base", NULL };

int main(void)
{
	stage = "v2.0";
	with_image = 1;
	with_network = 1;
	Suite *s = suite_create(stage);
	add_basic_tests(s, 1, 1);
	add_session_tests(s);
	add_mount_tests(s);
	add_image_tests(s);
	add_lifecycle_tests(s);
	add_cli_tests(s, 0);
	add_detach_tests(s);
	add_limit_tests(s, 0);
	add_layer_tests(s);
	add_range_tests(s);
	add_seccomp_tests(s);
	add_device_tests(s);
	add_input_tests(s, INPUT_LIMITS | INPUT_IMAGES | INPUT_ROOT_711);
	add_network_tests(s);
	add_volume_tests(s);
	add_everyday_tests(s);
	add_imagestore_tests(s);	/* v1.6: names, layers by digest, archives */
	add_imageconfig_tests(s);	/* v1.6: the image's config */
	add_podman_image_tests(s);	/* v1.6: archives podman reads and writes */
	add_ocicli_tests(s);		/* v2.0: minidocker-oci, runc's command line */
	add_ociconfig_tests(s);		/* v2.0: config.json */
	add_ocipodman_tests(s);		/* v2.0: podman runs minidocker-oci */
	add_ociattack_tests(s);		/* v2.0: a hostile or careless caller */
	add_ocictr_tests(s);		/* v2.0: containerd runs minidocker-oci */
	return run_suite(s);
}
