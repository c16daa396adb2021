// What Swift's Glibc module leaves out on Linux: epoll, eventfd, accept4, fcntl.
// _GNU_SOURCE is deliberately not defined: it changes socket declarations and makes them
// clash with the Glibc module; the one GNU call needed is declared by hand instead.
#ifndef GATEHOUSE_CLINUX_SHIM_H
#define GATEHOUSE_CLINUX_SHIM_H
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <fcntl.h>
#include <errno.h>

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
#endif
