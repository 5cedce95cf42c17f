/* Times for `logs -t`, `--since` and `--until` (v1.5).
 *
 * Every record of the log has carried its time since v0.9 (monitor.c):
 *
 *   2026-12-02T15:16:00.123456789Z stdout F hello
 *
 * so -t prints that first word, and --since/--until compare it.  They take
 * what Docker takes: an RFC 3339 time (2026-12-02T15:16:00Z, with a
 * fraction, or an offset such as +01:00), a date (2026-12-02), Unix
 * seconds (1764688560.5), or a duration back from now as Go writes it
 * (10m, 1h30m, 1.5s, 300ms). */
#include "minidocker.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

/* "2026-12-02T15:16:00[.fraction](Z|+hh:mm|-hh:mm)", or a date alone:
 * 0 and *T, or -1. */
static int rfc3339(const char *s, struct timespec *t)
{
	struct tm tm = { 0 };
	const char *p = strptime(s, "%Y-%m-%d", &tm);
	long nsec = 0, offset = 0;

	if (!p)
		return -1;
	if (*p == 'T' || *p == 't') {
		p = strptime(p + 1, "%H:%M:%S", &tm);
		if (!p)
			return -1;
		if (*p == '.') {
			long scale = 100000000;
			for (p++; isdigit((unsigned char)*p); p++, scale /= 10)
				nsec += (*p - '0') * scale;
		}
		int hh, mm, n = 0;
		if (*p == 'Z' || *p == 'z')
			p++;
		else if ((*p == '+' || *p == '-') && sscanf(p + 1, "%2d:%2d%n", &hh, &mm, &n) == 2 && n == 5) {
			offset = (*p == '+' ? 1 : -1) * (hh * 3600L + mm * 60L);
			p += 6;
		} else
			return -1;
	}
	if (*p)
		return -1;
	int mday = tm.tm_mday;
	time_t at = timegm(&tm);	/* which moves February 30 to March 2 */
	if (tm.tm_mday != mday)
		return -1;
	t->tv_sec = at - offset;
	t->tv_nsec = nsec;
	return 0;
}

/* Go's durations: one or more NUMBER UNIT, units ns us ms s m h.  Seconds
 * in *SECS: 0, or -1. */
static int duration(const char *s, double *secs)
{
	static const struct { const char *unit; double secs; } units[] = {
		{ "ns", 1e-9 }, { "us", 1e-6 }, { "ms", 1e-3 }, { "s", 1 }, { "m", 60 }, { "h", 3600 },
	};
	*secs = 0;
	if (!*s)
		return -1;
	while (*s) {
		char *end;
		if (!isdigit((unsigned char)*s) && *s != '.')
			return -1;
		double n = strtod(s, &end);
		if (end == s || end != s + strspn(s, "0123456789."))	/* no 1e9 nor 0x10 */
			return -1;
		size_t len = 0;
		int u = -1;
		for (size_t i = 0; i < sizeof units / sizeof units[0]; i++) {
			size_t l = strlen(units[i].unit);
			/* the longest unit that matches: "ms", not "m" and "s" */
			if (!strncmp(end, units[i].unit, l) && l > len) {
				len = l;
				u = i;
			}
		}
		if (u < 0)
			return -1;
		*secs += n * units[u].secs;
		s = end + len;
	}
	/* Go's longest, 2^63 ns: a time_t from a double out of range is
	 * undefined behaviour (C11 6.3.1.4), not a time. */
	return *secs <= 9223372036.854775807 ? 0 : -1;
}

/* A time as Docker's --since takes it (RFC 3339, a date, Unix seconds, a
 * duration back from now). */
static int parse_when(const char *s, struct timespec *t)
{
	double secs;
	char *end;

	if (rfc3339(s, t) == 0)
		return 0;
	if (duration(s, &secs) == 0) {
		clock_gettime(CLOCK_REALTIME, t);
		double at = t->tv_sec + t->tv_nsec / 1e9 - secs;
		t->tv_sec = (time_t)at;
		t->tv_nsec = (long)((at - t->tv_sec) * 1e9);
		return 0;
	}
	if (isdigit((unsigned char)s[0])) {	/* Unix seconds, with a fraction if any */
		double at = strtod(s, &end);
		size_t digits = strspn(s, "0123456789");
		if (s[digits] == '.')
			digits += 1 + strspn(s + digits + 1, "0123456789");
		if (!*end && end == s + digits && at < 9e18) {	/* as a time_t, defined */
			t->tv_sec = (time_t)at;
			t->tv_nsec = (long)((at - t->tv_sec) * 1e9);
			return 0;
		}
	}
	return -1;
}

int record_time(const char *line, struct timespec *t)
{
	char word[40];
	size_t n = strcspn(line, " ");

	if (n >= sizeof word)
		return -1;
	memcpy(word, line, n);
	word[n] = '\0';
	return rfc3339(word, t);
}

int time_before(const struct timespec *a, const struct timespec *b)
{
	return a->tv_sec < b->tv_sec || (a->tv_sec == b->tv_sec && a->tv_nsec < b->tv_nsec);
}

void rfc3339_text(const struct timespec *t, char *buf, size_t len)
{
	struct tm tm;

	if (!t->tv_sec) {
		snprintf(buf, len, "0001-01-01T00:00:00Z");
		return;
	}
	gmtime_r(&t->tv_sec, &tm);
	size_t n = strftime(buf, len, "%Y-%m-%dT%H:%M:%S", &tm);
	char frac[16];
	snprintf(frac, sizeof frac, ".%09ld", t->tv_nsec);
	size_t f = strlen(frac);
	while (f > 1 && frac[f - 1] == '0')	/* Go's RFC3339Nano: no trailing zeros */
		frac[--f] = '\0';
	snprintf(buf + n, len - n, "%sZ", f > 1 ? frac : "");
}

void log_option(const struct command *cmd, int opt, const char *arg, struct log_filter *lf)
{
	if (opt == 't')
		lf->timestamps = 1;
	else if (parse_when(arg, opt == 'S' ? &lf->since : &lf->until) < 0)
		usage_error(cmd, NULL, "invalid time '%s' for --%s: an RFC 3339 time "
			    "(2026-12-02T15:04:05Z), a date, Unix seconds, or a duration such as 10m",
			    arg, opt == 'S' ? "since" : "until");
}
