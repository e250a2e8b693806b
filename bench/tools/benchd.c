// benchd: the benchmarks' backend. A single-threaded epoll HTTP/1.1 server, small enough to be
// compiled with -static and run FROM scratch in a pod.
//
//   benchd [PORT]            (default 8080)
//
//   GET <anything>           200 "ok\n"; keep-alive unless the request says "Connection: close"
//   GET /bulk/<MiB>          200 with a body of <MiB> MiB, then the connection closes
//
// One request at a time per connection (wrk does not pipeline); bodies of requests are ignored.
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#define MAX_EVENTS 256
#define REQUEST_MAX 8192
#define CHUNK (256 * 1024)

struct conn {
  int fd;
  char in[REQUEST_MAX];
  size_t in_len;
  const char* out;       // header or small response being written
  size_t out_len, out_off;
  long long bulk_left;   // body bytes still to stream
  int close_after;
  char header[160];
};

static char chunk[CHUNK];
static int epfd;

static const char OK_KEEP[] = "HTTP/1.1 200 OK\r\nContent-Length: 3\r\nContent-Type: text/plain\r\n\r\nok\n";
static const char OK_CLOSE[] =
    "HTTP/1.1 200 OK\r\nContent-Length: 3\r\nContent-Type: text/plain\r\nConnection: close\r\n\r\nok\n";

static void drop(struct conn* c) {
  close(c->fd);
  free(c);
}

static void want(struct conn* c, unsigned events) {
  struct epoll_event ev = {.events = events, .data.ptr = c};
  epoll_ctl(epfd, EPOLL_CTL_MOD, c->fd, &ev);
}

// Writes what is pending; returns 0 when all is written, 1 when the socket is full, -1 on error.
static int flush(struct conn* c) {
  while (c->out_off < c->out_len) {
    ssize_t n = send(c->fd, c->out + c->out_off, c->out_len - c->out_off, MSG_NOSIGNAL);
    if (n < 0) return errno == EAGAIN ? 1 : -1;
    c->out_off += (size_t)n;
  }
  while (c->bulk_left > 0) {
    size_t len = c->bulk_left < CHUNK ? (size_t)c->bulk_left : CHUNK;
    ssize_t n = send(c->fd, chunk, len, MSG_NOSIGNAL);
    if (n < 0) return errno == EAGAIN ? 1 : -1;
    c->bulk_left -= n;
  }
  return 0;
}

// Handles one complete request in c->in; returns -1 to drop the connection.
static int respond(struct conn* c, size_t header_end) {
  c->in[header_end] = 0;
  int close_after = strcasestr(c->in, "\r\nconnection: close") != NULL;
  long mib = 0;
  if (sscanf(c->in, "GET /bulk/%ld", &mib) == 1 && mib > 0) {
    c->bulk_left = (long long)mib << 20;
    int len = snprintf(c->header, sizeof c->header,
                       "HTTP/1.1 200 OK\r\nContent-Length: %lld\r\nContent-Type: application/octet-stream\r\n"
                       "Connection: close\r\n\r\n",
                       c->bulk_left);
    c->out = c->header;
    c->out_len = (size_t)len;
    close_after = 1;
  } else {
    c->out = close_after ? OK_CLOSE : OK_KEEP;
    c->out_len = close_after ? sizeof OK_CLOSE - 1 : sizeof OK_KEEP - 1;
  }
  c->out_off = 0;
  c->close_after = close_after;
  c->in_len = 0;  // no pipelining
  return 0;
}

static void on_writable(struct conn* c) {
  int r = flush(c);
  if (r < 0) return drop(c);
  if (r == 1) return want(c, EPOLLOUT);
  if (c->close_after) {
    shutdown(c->fd, SHUT_WR);
    return drop(c);
  }
  want(c, EPOLLIN);
}

static void on_readable(struct conn* c) {
  for (;;) {
    ssize_t n = recv(c->fd, c->in + c->in_len, REQUEST_MAX - 1 - c->in_len, 0);
    if (n == 0) return drop(c);
    if (n < 0) {
      if (errno == EAGAIN) return;
      return drop(c);
    }
    c->in_len += (size_t)n;
    c->in[c->in_len] = 0;
    char* end = strstr(c->in, "\r\n\r\n");
    if (end) {
      respond(c, (size_t)(end - c->in) + 2);
      return on_writable(c);
    }
    if (c->in_len >= REQUEST_MAX - 1) return drop(c);
  }
}

int main(int argc, char** argv) {
  int port = argc > 1 ? atoi(argv[1]) : 8080;
  signal(SIGPIPE, SIG_IGN);
  memset(chunk, 'x', sizeof chunk);
  int lfd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  int one = 1;
  setsockopt(lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  struct sockaddr_in addr = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port), .sin_addr.s_addr = INADDR_ANY};
  if (bind(lfd, (struct sockaddr*)&addr, sizeof addr) < 0 || listen(lfd, 4096) < 0) {
    perror("benchd: listen");
    return 1;
  }
  epfd = epoll_create1(EPOLL_CLOEXEC);
  struct epoll_event ev = {.events = EPOLLIN, .data.ptr = NULL};
  epoll_ctl(epfd, EPOLL_CTL_ADD, lfd, &ev);
  fprintf(stderr, "benchd: listening on %d\n", port);
  struct epoll_event events[MAX_EVENTS];
  for (;;) {
    int n = epoll_wait(epfd, events, MAX_EVENTS, -1);
    if (n < 0 && errno != EINTR) return 1;
    for (int i = 0; i < n; ++i) {
      struct conn* c = events[i].data.ptr;
      if (!c) {
        int fd;
        while ((fd = accept4(lfd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC)) >= 0) {
          setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
          struct conn* nc = calloc(1, sizeof *nc);
          nc->fd = fd;
          struct epoll_event cev = {.events = EPOLLIN, .data.ptr = nc};
          epoll_ctl(epfd, EPOLL_CTL_ADD, fd, &cev);
        }
        continue;
      }
      if (events[i].events & EPOLLOUT) on_writable(c);
      else on_readable(c);
    }
  }
}
