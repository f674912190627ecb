/*
 * cserver is the floor of bench/echo: a minimal single-threaded C echo
 * server on one level-triggered epoll instance, so that the loops'
 * figures can be read against the least a server can spend on the same
 * sockets. One epoll_wait per wake-up, one read per readable connection,
 * the bytes written straight back; what the socket does not take is kept
 * and sent on EPOLLOUT, and reading pauses meanwhile (the flow control of
 * the other servers).
 *
 *     cc -O2 -o cserver cserver.c && ./cserver [port]    # default 0
 *
 * Prints "LISTEN 127.0.0.1:port" once it serves, and runs until killed.
 * run.sh builds it with the system's cc into a temporary directory.
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
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

enum { BUFSZ = 256 << 10, MAXEV = 256 };

/* conn is one client: what the socket did not take yet. */
struct conn {
	char *pend;
	size_t off, len;
};

static struct conn **conns; /* indexed by fd */
static int nconns;
static int ep;
static char buf[BUFSZ];

static void die(const char *what)
{
	perror(what);
	exit(1);
}

static void ctl(int op, int fd, unsigned events)
{
	struct epoll_event ev = {.events = events, .data.fd = fd};
	if (epoll_ctl(ep, op, fd, &ev) < 0)
		die("epoll_ctl");
}

static void drop(int fd)
{
	epoll_ctl(ep, EPOLL_CTL_DEL, fd, NULL);
	close(fd);
	free(conns[fd]->pend);
	free(conns[fd]);
	conns[fd] = NULL;
}

static void add(int fd)
{
	if (fd >= nconns) {
		int n = fd * 2 + 64;
		conns = realloc(conns, n * sizeof *conns);
		if (!conns)
			die("realloc");
		memset(conns + nconns, 0, (n - nconns) * sizeof *conns);
		nconns = n;
	}
	conns[fd] = calloc(1, sizeof **conns);
	if (!conns[fd])
		die("calloc");
	int one = 1;
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
	ctl(EPOLL_CTL_ADD, fd, EPOLLIN | EPOLLRDHUP);
}

/* send writes p[0:n] to fd and keeps the rest; 0 if fd must go. */
static int send_all(int fd, struct conn *c, const char *p, size_t n)
{
	while (n > 0) {
		ssize_t w = send(fd, p, n, MSG_NOSIGNAL);
		if (w < 0) {
			if (errno == EINTR)
				continue;
			if (errno != EAGAIN)
				return 0;
			break;
		}
		p += w;
		n -= w;
	}
	if (n == 0)
		return 1;
	c->pend = malloc(n);
	if (!c->pend)
		die("malloc");
	memcpy(c->pend, p, n);
	c->off = 0;
	c->len = n;
	ctl(EPOLL_CTL_MOD, fd, EPOLLOUT); /* pause reading until it drains */
	return 1;
}

static void on_out(int fd, struct conn *c)
{
	while (c->off < c->len) {
		ssize_t w = send(fd, c->pend + c->off, c->len - c->off, MSG_NOSIGNAL);
		if (w < 0) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN)
				return;
			drop(fd);
			return;
		}
		c->off += w;
	}
	free(c->pend);
	c->pend = NULL;
	ctl(EPOLL_CTL_MOD, fd, EPOLLIN | EPOLLRDHUP);
}

static void on_in(int fd, struct conn *c)
{
	ssize_t r = read(fd, buf, sizeof buf);
	if (r < 0 && (errno == EAGAIN || errno == EINTR))
		return;
	if (r <= 0 || !send_all(fd, c, buf, r))
		drop(fd);
}

int main(int argc, char **argv)
{
	int port = argc > 1 ? atoi(argv[1]) : 0;
	struct rlimit rl; /* room for the 10,000 idle connections, as Go and Python take */
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0) {
		rl.rlim_cur = rl.rlim_max;
		setrlimit(RLIMIT_NOFILE, &rl);
	}
	int ln = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (ln < 0)
		die("socket");
	int one = 1;
	setsockopt(ln, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
	struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons(port)};
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (bind(ln, (struct sockaddr *)&sa, sizeof sa) < 0)
		die("bind");
	if (listen(ln, 4096) < 0)
		die("listen");
	socklen_t sl = sizeof sa;
	getsockname(ln, (struct sockaddr *)&sa, &sl);
	ep = epoll_create1(EPOLL_CLOEXEC);
	if (ep < 0)
		die("epoll_create1");
	ctl(EPOLL_CTL_ADD, ln, EPOLLIN);
	printf("LISTEN 127.0.0.1:%d\n", ntohs(sa.sin_port));
	fflush(stdout);

	struct epoll_event evs[MAXEV];
	for (;;) {
		int n = epoll_wait(ep, evs, MAXEV, -1);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			die("epoll_wait");
		}
		for (int i = 0; i < n; i++) {
			int fd = evs[i].data.fd;
			if (fd == ln) {
				int c;
				while ((c = accept4(ln, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC)) >= 0)
					add(c);
				continue;
			}
			struct conn *c = fd < nconns ? conns[fd] : NULL;
			if (!c)
				continue; /* dropped earlier in this batch */
			if (c->pend)
				on_out(fd, c);
			else
				on_in(fd, c);
		}
	}
}
