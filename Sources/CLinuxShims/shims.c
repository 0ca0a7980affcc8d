#define _GNU_SOURCE
#include <string.h>
#include <sys/socket.h>
#include <signal.h>
#include <fcntl.h>
#include <unistd.h>
#include <sys/syscall.h>
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

int sy_pidfd_open(int pid) {
    return (int)syscall(SYS_pidfd_open, pid, 0);
}

int sy_pipe_for_child(int fds[2]) {
    if (pipe2(fds, O_CLOEXEC) != 0) return -1;
    int flags = fcntl(fds[0], F_GETFL);
    if (flags < 0 || fcntl(fds[0], F_SETFL, flags | O_NONBLOCK) != 0) {
        close(fds[0]);
        close(fds[1]);
        return -1;
    }
    return 0;
}
