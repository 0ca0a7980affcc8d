#ifndef SWITCHYARD_CLINUXSHIMS_H
#define SWITCHYARD_CLINUXSHIMS_H
#include <stdint.h>
#include <sys/types.h>
#include <sys/socket.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/timerfd.h>
#include <sys/signalfd.h>
#include <sys/uio.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <sys/inotify.h>

// Plain integer constants: Glibc imports some of these as structs or enums.
static const uint32_t SY_EPOLLIN = EPOLLIN;
static const uint32_t SY_EPOLLOUT = EPOLLOUT;
static const uint32_t SY_EPOLLERR = EPOLLERR;
static const uint32_t SY_EPOLLHUP = EPOLLHUP;
static const uint32_t SY_EPOLLRDHUP = EPOLLRDHUP;
static const uint32_t SY_EPOLLONESHOT = EPOLLONESHOT;
static const int SY_SOCK_NONBLOCK = SOCK_NONBLOCK;
static const int SY_SOCK_CLOEXEC = SOCK_CLOEXEC;
static const int SY_SOCK_STREAM = SOCK_STREAM;
static const int SY_SOCK_DGRAM = SOCK_DGRAM;
static const int SY_EFD_NONBLOCK = EFD_NONBLOCK;
static const int SY_EFD_CLOEXEC = EFD_CLOEXEC;
static const int SY_TFD_NONBLOCK = TFD_NONBLOCK;
static const int SY_TFD_CLOEXEC = TFD_CLOEXEC;
static const int SY_IN_NONBLOCK = IN_NONBLOCK;
static const int SY_IN_CLOEXEC = IN_CLOEXEC;
static const uint32_t SY_IN_CLOSE_WRITE = IN_CLOSE_WRITE;
static const uint32_t SY_IN_MOVED_TO = IN_MOVED_TO;
static const uint32_t SY_IN_CREATE = IN_CREATE;
static const uint32_t SY_IN_DELETE_SELF = IN_DELETE_SELF;
static const uint32_t SY_IN_MOVE_SELF = IN_MOVE_SELF;
static const int SY_TFD_TIMER_ABSTIME = TFD_TIMER_ABSTIME;
static const int SY_SFD_NONBLOCK = SFD_NONBLOCK;
static const int SY_SFD_CLOEXEC = SFD_CLOEXEC;
static const int SY_EPOLL_CLOEXEC = EPOLL_CLOEXEC;
static const int SY_EPOLL_CTL_ADD = EPOLL_CTL_ADD;
static const int SY_EPOLL_CTL_MOD = EPOLL_CTL_MOD;
static const int SY_EPOLL_CTL_DEL = EPOLL_CTL_DEL;
static const int SY_TCP_NODELAY = TCP_NODELAY;
static const int SY_IPPROTO_TCP = IPPROTO_TCP;

/// accept4(2) with SOCK_NONBLOCK|SOCK_CLOEXEC; a GNU extension Swift cannot see.
int sy_accept4(int fd, struct sockaddr *addr, socklen_t *len);
/// signal(sig, SIG_IGN): `SIG_IGN` is a cast macro Swift cannot import. Returns 0 or -1.
int sy_ignore_signal(int sig);
/// memmem(3), a GNU extension.
void *sy_memmem(const void *hay, size_t hlen, const void *needle, size_t nlen);
/// pidfd_open(2) (Linux 5.3): a descriptor that becomes readable when the process exits. -1 on error.
int sy_pidfd_open(int pid);
/// pipe2(2) with O_CLOEXEC|O_NONBLOCK on the read end and O_CLOEXEC on the write end (the child's
/// stdout and stderr block as usual). Returns 0 or -1.
int sy_pipe_for_child(int fds[2]);
#endif
