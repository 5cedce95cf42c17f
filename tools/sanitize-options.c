/* Linked into every stage and test binary of a `make SANITIZE=1` build
 * (see the Makefile), never into a plain one: the sanitizers' options,
 * built in.  Options in the environment still win (ASAN_OPTIONS=...), but
 * these hold where the environment does not reach: a container's init
 * gets an environment of its own, not the caller's.
 *
 * detect_leaks=0.  LeakSanitizer checks at exit by cloning a tracer task
 * that ptrace(2)s the others.  After `minidocker exec` has joined the
 * container's PID namespace with setns(2), every child it makes is born
 * in that namespace, the tracer too, and there its parent has no PID: the
 * tracer cannot attach, and LSan waits for it forever (sched_yield in a
 * loop, the exec'd command long gone).  Memory errors (ASan) and undefined
 * behaviour (UBSan) are still caught everywhere.
 *
 * What needs no option: clone(2) without CLONE_VM, on a stack we mmap, is
 * a fork as far as ASan is concerned (the child has a copy of the shadow
 * memory); the handlers ASan installs for SIGSEGV, SIGBUS and SIGFPE go
 * at exec, where md_exec_prepare resets every signal to SIG_DFL anyway;
 * and the container's command (busybox, the static probe) is not built
 * by us, so it runs unsanitized. */

const char *__asan_default_options(void);
const char *__ubsan_default_options(void);
void __asan_handle_no_return(void);

const char *__asan_default_options(void)
{
	return "detect_leaks=0";
}

/* Where undefined behaviour happened, not only what it was. */
const char *__ubsan_default_options(void)
{
	return "print_stacktrace=1";
}

/* The compiler calls __asan_handle_no_return before every call of a
 * noreturn function (md_die, md_exec_self), to unpoison the stack that a
 * longjmp or an exception would skip.  On the stack clone(2) runs its
 * child on (mmap'd, far below the main stack), libasan measures a span of
 * gigabytes from there to the main stack's top, refuses, and prints
 * "WARNING: ASan is ignoring requested __asan_handle_no_return" on
 * stderr, which is the container's: every run's output would change.  No
 * minidocker code longjmps or throws, so there is nothing to unpoison: an
 * empty one here, in the executable, is the one the dynamic linker binds
 * (it takes precedence over libasan's). */
void __asan_handle_no_return(void)
{
}
