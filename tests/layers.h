/* From v1.1 on: the overlay and image tests every later stage keeps. */
#ifndef MD_LAYERS_H
#define MD_LAYERS_H

#include "basics.h"

/* TCases "overlay" and "images": writes and deletions stay in the upper
 * layer, pivot_root leaves no host path, import, commit, rmi. */
void add_layer_tests(Suite *s);

/* A tarball made by the shell commands CMD in ROOT/t (as t/evil.tar):
 * import must refuse it with 125 saying WHY, and leave no image and no
 * temporary folder. */
void import_refused(const char *cmd, const char *why);

#endif
