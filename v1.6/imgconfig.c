/* An image's config JSON, read and written (v1.6).
 *
 * The config is the OCI image config object (image-spec/config.md) as
 * the archive held it: architecture, os, created, config{Env, Cmd, ...},
 * rootfs{diff_ids}, history.  Only these two functions touch its file,
 * whose place store.c decides (image_config_path). */
#include "minidocker.h"

#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

json_t *image_config_read(const char *image)
{
	char path[PATH_MAX];
	json_error_t err;

	if (image_config_path(image, path) < 0 || access(path, F_OK) < 0)
		return NULL;
	json_t *c = json_load_file(path, JSON_REJECT_DUPLICATES, &err);
	if (!c || !json_is_object(c)) {
		md_warnx("image %s: damaged config %s: %s", image, path, c ? "not an object" : err.text);
		json_decref(c);
		errno = EINVAL;
		return NULL;
	}
	return c;
}

int image_config_write(const char *image, json_t *config)
{
	char path[PATH_MAX], tmp[PATH_MAX];

	if (image_config_path(image, path) < 0) {
		md_warnx("image %s: no such image for its config", image);
		return -1;
	}
	md_pathf(tmp, "%s.new", path);
	int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0 || json_dumpfd(config, fd, JSON_COMPACT | JSON_SORT_KEYS) < 0 || fsync(fd) < 0 ||
	    close(fd) < 0 || rename(tmp, path) < 0) {
		md_warn("write %s", path);
		if (fd >= 0)
			unlink(tmp);
		return -1;
	}
	return 0;
}
