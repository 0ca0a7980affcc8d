#define _GNU_SOURCE
#include <string.h>
#include <sys/socket.h>
#include <signal.h>
#include "CLinuxShims.h"

int sy_accept4(int fd, struct sockaddr *addr, socklen_t *len) {
    return accept4(fd, addr, len, SOCK_NONBLOCK | SOCK_CLOEXEC);
}

void *sy_memmem(const void *hay, size_t hlen, const void *needle, size_t nlen) {
    return memmem(hay, hlen, needle, nlen);
}

int sy_ignore_signal(int sig) {
    return signal(sig, SIG_IGN) == SIG_ERR ? -1 : 0;
}
