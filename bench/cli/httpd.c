/*
 * httpd is the server of bench/cli/compare.sh: a minimal single-threaded
 * HTTP/1.1 responder on one level-triggered epoll instance, fast enough
 * that a load generator on a core of its own is the bottleneck, which is
 * what the comparison of aio bench with wrk needs. It answers every
 * request head (up to its blank line; bodies are not supported) with the
 * same small 200 response, pipelined requests in one write.
 *
 *     cc -O2 -o httpd httpd.c && ./httpd [port]    # default 0
 *
 * Prints "LISTEN 127.0.0.1:port" once it serves, and runs until killed.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

enum { BUFSZ = 64 << 10, MAXEV = 256, MAXFD = 65536 };

static const char resp[] = "HTTP/1.1 200 OK\r\n"
			   "Content-Type: text/plain\r\n"
			   "Content-Length: 13\r\n"
			   "\r\n"
			   "Hello, world!";

/* matched[fd]: how much of "\r\n\r\n" the bytes so far end with. */
static unsigned char matched[MAXFD];
static char in[BUFSZ], out[BUFSZ * 4];
static int ep;

static void die(const char *what)
{
	perror(what);
	exit(1);
}

static void drop(int fd)
{
	epoll_ctl(ep, EPOLL_CTL_DEL, fd, NULL);
	close(fd);
}

/* serve reads once and answers every request head that ended. */
static void serve(int fd)
{
	ssize_t n = read(fd, in, sizeof in);
	if (n <= 0) {
		if (n < 0 && errno == EAGAIN)
			return;
		drop(fd);
		return;
	}
	static const char end[] = "\r\n\r\n";
	unsigned m = matched[fd];
	size_t heads = 0;
	for (ssize_t i = 0; i < n; i++) {
		if (in[i] == end[m])
			m++;
		else
			m = in[i] == '\r' ? 1 : 0;
		if (m == 4) {
			heads++;
			m = 0;
		}
	}
	matched[fd] = m;
	size_t len = 0;
	while (heads > 0) {
		size_t k = heads < sizeof out / (sizeof resp - 1) ? heads : sizeof out / (sizeof resp - 1);
		for (size_t i = 0; i < k; i++, len += sizeof resp - 1)
			memcpy(out + len, resp, sizeof resp - 1);
		heads -= k;
		/* A load generator reads what it asked for: a short write
		 * here means a broken client, which is dropped. */
		if (write(fd, out, len) != (ssize_t)len) {
			drop(fd);
			return;
		}
		len = 0;
	}
}

int main(int argc, char **argv)
{
	int port = argc > 1 ? atoi(argv[1]) : 0;
	int ls = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
	int one = 1;
	setsockopt(ls, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
	struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons(port)};
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (bind(ls, (struct sockaddr *)&sa, sizeof sa) < 0 || listen(ls, 4096) < 0)
		die("listen");
	socklen_t sl = sizeof sa;
	getsockname(ls, (struct sockaddr *)&sa, &sl);
	printf("LISTEN 127.0.0.1:%d\n", ntohs(sa.sin_port));
	fflush(stdout);
	ep = epoll_create1(0);
	struct epoll_event ev = {.events = EPOLLIN, .data.fd = ls};
	epoll_ctl(ep, EPOLL_CTL_ADD, ls, &ev);
	struct epoll_event evs[MAXEV];
	for (;;) {
		int n = epoll_wait(ep, evs, MAXEV, -1);
		for (int i = 0; i < n; i++) {
			int fd = evs[i].data.fd;
			if (fd != ls) {
				serve(fd);
				continue;
			}
			int c;
			while ((c = accept4(ls, NULL, NULL, SOCK_NONBLOCK)) >= 0) {
				if (c >= MAXFD) {
					close(c);
					continue;
				}
				setsockopt(c, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
				matched[c] = 0;
				struct epoll_event cev = {.events = EPOLLIN, .data.fd = c};
				epoll_ctl(ep, EPOLL_CTL_ADD, c, &cev);
			}
		}
	}
}
