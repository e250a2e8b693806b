// benchbulk: bulk-transfer client for the proxy benchmark.
//
//   benchbulk HOST PORT MIB REPS [STREAMS]
//
// Each repetition opens STREAMS (default 1) connections at once, asks each for
// "GET /bulk/<MIB>" (benchd streams that many MiB and closes) and reads until EOF with a
// 1 MiB buffer. Prints one line per repetition and then "median_mibps <value>": the median
// over repetitions of (all bytes received) / (wall time of the repetition) in MiB/s.
// Exits non-zero if a transfer came back short.
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

static const char* host;
static int port;
static long mib;

struct stream {
  pthread_t thread;
  long long received;  // body bytes
  int ok;
};

static double now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void* run_stream(void* arg) {
  struct stream* s = arg;
  s->received = 0;
  s->ok = 0;
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  struct sockaddr_in addr = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
  inet_pton(AF_INET, host, &addr.sin_addr);
  struct timeval timeout = {.tv_sec = 30};
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
  if (connect(fd, (struct sockaddr*)&addr, sizeof addr) < 0) {
    perror("benchbulk: connect");
    close(fd);
    return NULL;
  }
  char request[128];
  int len = snprintf(request, sizeof request, "GET /bulk/%ld HTTP/1.1\r\nHost: bench\r\nConnection: close\r\n\r\n", mib);
  if (send(fd, request, (size_t)len, MSG_NOSIGNAL) != len) {
    close(fd);
    return NULL;
  }
  static __thread char buffer[1 << 20];
  long long total = 0, header = -1;
  char head[512];
  size_t head_len = 0;
  for (;;) {
    ssize_t n = recv(fd, buffer, sizeof buffer, 0);
    if (n <= 0) break;
    if (header < 0) {  // find the end of the response header in the first bytes
      size_t take = (size_t)n < sizeof head - 1 - head_len ? (size_t)n : sizeof head - 1 - head_len;
      memcpy(head + head_len, buffer, take);
      head_len += take;
      head[head_len] = 0;
      char* end = strstr(head, "\r\n\r\n");
      if (end) header = (end - head) + 4;
    }
    total += n;
  }
  close(fd);
  s->received = header < 0 ? 0 : total - header;
  s->ok = s->received == (mib << 20);
  return NULL;
}

static int compare(const void* a, const void* b) {
  double x = *(const double*)a, y = *(const double*)b;
  return (x > y) - (x < y);
}

int main(int argc, char** argv) {
  if (argc < 5) {
    fprintf(stderr, "usage: benchbulk HOST PORT MIB REPS [STREAMS]\n");
    return 2;
  }
  host = argv[1];
  port = atoi(argv[2]);
  mib = atol(argv[3]);
  int reps = atoi(argv[4]);
  int streams = argc > 5 ? atoi(argv[5]) : 1;
  if (reps < 1 || reps > 1000 || streams < 1 || streams > 64) return 2;
  struct stream* s = calloc((size_t)streams, sizeof *s);
  double* rates = calloc((size_t)reps, sizeof *rates);
  int failed = 0;
  for (int r = 0; r < reps; ++r) {
    double start = now();
    for (int i = 0; i < streams; ++i) pthread_create(&s[i].thread, NULL, run_stream, &s[i]);
    long long bytes = 0;
    for (int i = 0; i < streams; ++i) {
      pthread_join(s[i].thread, NULL);
      bytes += s[i].received;
      if (!s[i].ok) failed = 1;
    }
    double seconds = now() - start;
    rates[r] = bytes / 1048576.0 / seconds;
    printf("rep %d: %lld bytes in %.3f s = %.1f MiB/s\n", r, bytes, seconds, rates[r]);
  }
  qsort(rates, (size_t)reps, sizeof *rates, compare);
  double median = reps % 2 ? rates[reps / 2] : (rates[reps / 2 - 1] + rates[reps / 2]) / 2;
  printf("median_mibps %.1f\n", median);
  if (failed) fprintf(stderr, "benchbulk: a transfer came back short\n");
  return failed;
}
