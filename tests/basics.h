/* What every stage must keep doing: exit statuses, arguments, stdio,
 * usage errors, signals.  Each suite adds these to its own tests. */
#ifndef MD_BASICS_H
#define MD_BASICS_H

#include "harness.h"

/* The words a stage's `run` needs before the command: none in v0.1-v0.7;
 * the image from v0.8 on.  NULL-terminated; set by the suite. */
extern const char *run_words[];

/* minidocker run RUN_WORDS... ARGS... (the list ends with NULL). */
struct result md_run(const char *in, ...) __attribute__((sentinel));

/* Add the basic tests to S; ROOT: the stage needs root to run anything. */
void add_basic_tests(Suite *s, int root);

#endif
