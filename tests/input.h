/* From v0.9 on: bad input and the small correctness checks of issue 11,
 * kept by every later suite. */
#ifndef MD_INPUT_H
#define MD_INPUT_H

#include "layers.h"

enum {
	INPUT_LIMITS = 1,	/* v1.0 on: -m, stats, --cgroup-parent */
	INPUT_IMAGES = 2,	/* v1.1 on: import, commit, images, rmi */
	INPUT_ROOT_711 = 4,	/* v1.2 on: the range may search the state root */
};

void add_input_tests(Suite *s, unsigned features);

#endif
