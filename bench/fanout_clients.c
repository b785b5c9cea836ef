/*
 * The native worker of `bench/fanout_bench.ts` (`--generator native`): the
 * same arguments, behaviour and output as `bench/fanout_clients.ts`, in C on
 * one epoll loop. The load generator shares the 2 cores with the servers it
 * measures; in Deno a read is an async op and its promise (15 µs of CPU per
 * client per update in the Deno worker, 5 µs here: `bench/fanout_bench.ts`),
 * here a `read` system call, so at 50,000 clients the generator leaves the
 * cores to the servers (figures in BENCHMARKS.md).
 *
 * Opens `--count` HTTP/1.1 connections to `--path` on 127.0.0.1:`--port`,
 * `--batch` at a time, each batch waiting for its first `leaderboard` event
 * (then a connection is subscribed); prints {"connected":n,"failed":n,"cpu":s}.
 * Then records when each connection first sees each marker of `--expect`
 * (`|`-separated, arriving in that order and staying in every later frame),
 * and once every connection saw every marker, or after `--timeout` seconds,
 * prints {"received":[[epochMs...]...],"complete":n,"failed":n,"cpu":s}.
 *
 *   cc -O2 -o /tmp/fanout_clients bench/fanout_clients.c
 *   /tmp/fanout_clients --port 8000 --path /api/competitions/x/events --count 2500 --expect 'a|b'
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define READ_BYTES 65536
#define MAX_MARKER 256
#define SUBSCRIBED "event: leaderboard"

typedef struct {
  int fd;
  int next;          /* index of the first marker not seen yet */
  int kept;          /* bytes of `tail` in use */
  char sent;         /* the request was written */
  char subscribed;
  char complete;
  char tail[MAX_MARKER];
} Connection;

static Connection *connections;
static int count, batch = 100, markerCount, tailBytes, epollFd;
static int subscribed, complete, failed;
static char *markers[1024];
static size_t markerLengths[1024];
static double *received[1024];
static int receivedCount[1024];
static char request[2048];
static size_t requestLength;
static char scratch[MAX_MARKER + READ_BYTES];

static double epochMs(void) {
  struct timespec now;
  clock_gettime(CLOCK_REALTIME, &now);
  return now.tv_sec * 1e3 + now.tv_nsec / 1e6;
}

static double monotonicMs(void) {
  struct timespec now;
  clock_gettime(CLOCK_MONOTONIC, &now);
  return now.tv_sec * 1e3 + now.tv_nsec / 1e6;
}

static double cpuSeconds(void) {
  struct rusage usage;
  getrusage(RUSAGE_SELF, &usage);
  return usage.ru_utime.tv_sec + usage.ru_utime.tv_usec / 1e6 + usage.ru_stime.tv_sec + usage.ru_stime.tv_usec / 1e6;
}

/* A connection that ended (or never opened) counts as failed, as in the Deno worker. */
static void fail(Connection *c) {
  if (c->fd >= 0) close(c->fd);
  c->fd = -1;
  failed++;
}

static void open_connection(int index, int port) {
  Connection *c = &connections[index];
  c->fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (c->fd < 0) {
    fail(c);
    return;
  }
  struct sockaddr_in address = {.sin_family = AF_INET, .sin_port = htons(port)};
  inet_pton(AF_INET, "127.0.0.1", &address.sin_addr);
  if (connect(c->fd, (struct sockaddr *)&address, sizeof address) < 0 && errno != EINPROGRESS) {
    fail(c);
    return;
  }
  struct epoll_event event = {.events = EPOLLOUT | EPOLLIN, .data.u32 = index};
  if (epoll_ctl(epollFd, EPOLL_CTL_ADD, c->fd, &event) < 0) fail(c);
}

/* One read: searched together with the previous read's tail, so a marker split across two reads is found. */
static void read_connection(Connection *c) {
  memcpy(scratch, c->tail, c->kept);
  ssize_t n = read(c->fd, scratch + c->kept, READ_BYTES);
  if (n < 0 && (errno == EAGAIN || errno == EINTR)) return;
  if (n <= 0) {
    fail(c);
    return;
  }
  double at = epochMs();
  size_t length = c->kept + n;
  if (!c->subscribed && memmem(scratch, length, SUBSCRIBED, sizeof SUBSCRIBED - 1)) {
    c->subscribed = 1;
    subscribed++;
  }
  while (c->next < markerCount && memmem(scratch, length, markers[c->next], markerLengths[c->next])) {
    received[c->next][receivedCount[c->next]++] = at;
    c->next++;
  }
  if (!c->complete && c->next == markerCount && c->subscribed) {
    c->complete = 1;
    complete++;
  }
  c->kept = length < (size_t)tailBytes ? (int)length : tailBytes;
  memcpy(c->tail, scratch + length - c->kept, c->kept);
}

static void poll_once(int timeoutMs) {
  static struct epoll_event events[1024];
  int n = epoll_wait(epollFd, events, 1024, timeoutMs);
  for (int i = 0; i < n; i++) {
    Connection *c = &connections[events[i].data.u32];
    if (c->fd < 0) continue;
    if (!c->sent) {
      int error = 0;
      socklen_t size = sizeof error;
      getsockopt(c->fd, SOL_SOCKET, SO_ERROR, &error, &size);
      if (error || write(c->fd, request, requestLength) != (ssize_t)requestLength) {
        fail(c);
        continue;
      }
      c->sent = 1;
      struct epoll_event event = {.events = EPOLLIN, .data.u32 = events[i].data.u32};
      epoll_ctl(epollFd, EPOLL_CTL_MOD, c->fd, &event);
      continue;
    }
    read_connection(c);
  }
}

static const char *option(int argc, char **argv, const char *name, const char *fallback) {
  for (int i = 1; i + 1 < argc; i++)
    if (strcmp(argv[i], name) == 0) return argv[i + 1];
  return fallback;
}

int main(int argc, char **argv) {
  int port = atoi(option(argc, argv, "--port", "0"));
  const char *path = option(argc, argv, "--path", "/");
  count = atoi(option(argc, argv, "--count", "2500"));
  batch = atoi(option(argc, argv, "--batch", "100"));
  double timeoutMs = atof(option(argc, argv, "--timeout", "120")) * 1000;
  char *expect = strdup(option(argc, argv, "--expect", ""));
  tailBytes = sizeof SUBSCRIBED - 2;
  for (char *marker = strtok(expect, "|"); marker && markerCount < 1024; marker = strtok(NULL, "|")) {
    markers[markerCount] = marker;
    markerLengths[markerCount] = strlen(marker);
    if (markerLengths[markerCount] >= MAX_MARKER) {
      fprintf(stderr, "a marker is longer than %d bytes\n", MAX_MARKER - 1);
      return 2;
    }
    if ((int)markerLengths[markerCount] - 1 > tailBytes) tailBytes = markerLengths[markerCount] - 1;
    received[markerCount] = malloc(sizeof(double) * (count > 0 ? count : 1));
    markerCount++;
  }
  requestLength = snprintf(request, sizeof request,
                           "GET %s HTTP/1.1\r\nhost: 127.0.0.1\r\naccept: text/event-stream\r\n\r\n", path);
  connections = calloc(count > 0 ? count : 1, sizeof(Connection));
  epollFd = epoll_create1(EPOLL_CLOEXEC);

  for (int i = 0; i < count; i += batch) {
    int size = count - i < batch ? count - i : batch;
    for (int j = 0; j < size; j++) open_connection(i + j, port);
    double deadline = monotonicMs() + 30000;
    while (subscribed + failed < i + size && monotonicMs() < deadline) poll_once(5);
  }
  printf("{\"connected\":%d,\"failed\":%d,\"cpu\":%.3f}\n", subscribed, failed, cpuSeconds());
  fflush(stdout);

  double deadline = monotonicMs() + timeoutMs;
  while (markerCount > 0 && complete < count && monotonicMs() < deadline) poll_once(100);

  printf("{\"received\":[");
  for (int m = 0; m < markerCount; m++) {
    printf(m ? ",[" : "[");
    for (int k = 0; k < receivedCount[m]; k++) printf(k ? ",%.3f" : "%.3f", received[m][k]);
    printf("]");
  }
  printf("],\"complete\":%d,\"failed\":%d,\"cpu\":%.3f}\n", complete, failed, cpuSeconds());
  fflush(stdout);
  return 0;
}
