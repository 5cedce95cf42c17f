/* since v0.7: random container ids */
/* Container ids: 64 hex digits from the kernel's random pool, as Docker's.
 * The seed seeds math/rand with the clock, so two runs started in the same
 * nanosecond (or on a coarse clock, the same microsecond) get the same id;
 * getrandom(2) has no such failure. */
#include "md.h"

#include <errno.h>
#include <sys/random.h>

void md_new_id(char id[65])
{
	unsigned char bytes[32];
	static const char hex[] = "0123456789abcdef";
	size_t got = 0;

	while (got < sizeof bytes) {
		ssize_t n = getrandom(bytes + got, sizeof bytes - got, 0);
		if (n < 0 && errno != EINTR)
			md_die("getrandom");
		if (n > 0)
			got += n;
	}
	for (size_t i = 0; i < sizeof bytes; i++) {
		id[2 * i] = hex[bytes[i] >> 4];
		id[2 * i + 1] = hex[bytes[i] & 15];
	}
	id[64] = '\0';
}
