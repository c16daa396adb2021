// What Swift's Glibc module leaves out on Linux: epoll, eventfd, accept4, fcntl, CPU affinity.
// _GNU_SOURCE is deliberately not defined: it changes socket declarations and makes them
// clash with the Glibc module; the GNU calls needed are declared by hand instead.
#ifndef GATEHOUSE_CLINUX_SHIM_H
#define GATEHOUSE_CLINUX_SHIM_H
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <fcntl.h>
#include <errno.h>
#include <string.h>

struct sockaddr;
extern int accept4(int fd, struct sockaddr *addr, unsigned int *addrlen, int flags);

static inline int gh_accept4(int fd, void *addr, unsigned int *len, int flags) {
    return accept4(fd, (struct sockaddr *)addr, len, flags);
}
// Swift cannot call variadic fcntl; these wrappers make the two uses explicit.
static inline int gh_set_nonblocking(int fd) {
    int flags = fcntl(fd, F_GETFL, 0);
    if (flags < 0) return -1;
    return fcntl(fd, F_SETFL, flags | O_NONBLOCK);
}
static inline int gh_set_cloexec(int fd) {
    int flags = fcntl(fd, F_GETFD, 0);
    if (flags < 0) return -1;
    return fcntl(fd, F_SETFD, flags | FD_CLOEXEC);
}
static inline int gh_errno(void) { return errno; }

// A thread's CPU mask as the kernel takes it (1024 CPUs), without cpu_set_t's GNU macros.
extern int sched_setaffinity(int tid, size_t size, const void *mask);
extern int sched_getaffinity(int tid, size_t size, void *mask);
enum { GH_CPU_WORDS = 16, GH_MAX_CPUS = GH_CPU_WORDS * 64 };

// The CPUs the calling thread may run on, in ascending order, into `cpus` (at most `max`).
// Returns how many, or -1 with errno set.
static inline int gh_thread_cpus(int *cpus, int max) {
    unsigned long mask[GH_CPU_WORDS];
    memset(mask, 0, sizeof mask);
    if (sched_getaffinity(0, sizeof mask, mask) != 0) return -1;
    int n = 0;
    for (int i = 0; i < GH_MAX_CPUS && n < max; i++)
        if ((mask[i / 64] >> (i % 64)) & 1UL) cpus[n++] = i;
    return n;
}

// Lets the calling thread run on `cpu` only. Returns 0, or -1 with errno set.
static inline int gh_pin_thread(int cpu) {
    unsigned long mask[GH_CPU_WORDS];
    if (cpu < 0 || cpu >= GH_MAX_CPUS) { errno = EINVAL; return -1; }
    memset(mask, 0, sizeof mask);
    mask[cpu / 64] = 1UL << (cpu % 64);
    return sched_setaffinity(0, sizeof mask, mask);
}
#endif
