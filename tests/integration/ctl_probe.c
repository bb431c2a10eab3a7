/* ctl_probe.c — tiny control-socket client for the daemon smoke test. */
#include "config.h"

#include <sys/eventfd.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "wire/ctlmsg.h"
#include "wire/ctlverbs.h"

#include "rdmad/rdmad.h"
#include "rdmad/shm_abi.h"

/*
 * usage: ctl_probe SOCKET MODE [ARG]
 *   hello [V]	HELLO with protocol version V (default ours); prints the
 *		reply, then "closed" or "open"
 *   garbage	8 octets of nonsense; prints "closed" or "open"
 *   oversize	a 70000-octet datagram
 *   fd		HELLO, then END (a daemon-bound message it must refuse)
 *		carrying a descriptor
 *   early	RESULT before HELLO
 *   type T	HELLO, then a header-only message of type T (reqid 9)
 *   flood N	HELLO, then N PD_ALLOC requests without reading a reply;
 *		prints "closed" when the daemon dropped us, else "open"
 *   verbs P	HELLO, then the verbs requests on objects, bad ids and
 *		bounds, and a loopback connection on TCP port P (listener,
 *		connector and acceptor on this one connection); prints one
 *		line per reply without ids; "verbs P keep" leaves every
 *		object and both streams open for the daemon to clean up
 *   isolation	two connections: the second names the first one's
 *		objects and must be told they do not exist
 *   e2e P	through librdmad: a forked server listens on TCP port P,
 *		accepts and receives; the client connects and sends
 *		"ping over rdmad" (one SEND, one RECV, both completions)
 *   fuzz N	N random requests (seeded, reproducible): valid headers of
 *		random verbs types with random payloads, sometimes a
 *		descriptor, reconnecting whenever the daemon drops us;
 *		prints "done DROPS"
 *   hold S	HELLO, print the reply, then stay connected S seconds
 *   notify P N	(no SOCKET) bind a datagram socket at path P and print
 *		the first N datagrams (60 s at most between two), one per line
 *		with newlines shown as '|'
 * Exit status 0 when the exchange ran, 2 on a local error.
 */

static int
probe_connect(const char *path)
{
	struct sockaddr_un sun;
	int fd;

	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	if (strlen(path) >= sizeof(sun.sun_path))
		return -1;
	strcpy(sun.sun_path, path);
	if ((fd = socket(AF_UNIX, SOCK_SEQPACKET, 0)) == -1)
		return -1;
	if (connect(fd, (struct sockaddr *)&sun, sizeof(sun)) == -1) {
		close(fd);
		return -1;
	}
	return fd;
}

/* Send one datagram, with `xfd` attached unless -1. */
static int
probe_send(int fd, const void *buf, size_t len, int xfd)
{
	union {
		struct cmsghdr	hdr;
		char		buf[CMSG_SPACE(sizeof(int))];
	} cm;
	struct msghdr msg;
	struct cmsghdr *c;
	struct iovec iov;

	memset(&msg, 0, sizeof(msg));
	iov.iov_base = (void *)(uintptr_t)buf;
	iov.iov_len = len;
	msg.msg_iov = &iov;
	msg.msg_iovlen = 1;
	if (xfd != -1) {
		memset(&cm, 0, sizeof(cm));
		msg.msg_control = cm.buf;
		msg.msg_controllen = sizeof(cm.buf);
		c = CMSG_FIRSTHDR(&msg);
		c->cmsg_level = SOL_SOCKET;
		c->cmsg_type = SCM_RIGHTS;
		c->cmsg_len = CMSG_LEN(sizeof(int));
		memcpy(CMSG_DATA(c), &xfd, sizeof(int));
	}
	return sendmsg(fd, &msg, MSG_NOSIGNAL) == -1 ? -1 : 0;
}

/* Wait up to 2 s for a datagram: print it, "closed" or "open". */
static int
probe_recv(int fd, bool quiet_open)
{
	static uint8_t buf[CTL_MSG_MAX];
	struct pollfd pfd = { fd, POLLIN, 0 };
	struct ctl_hello_reply hr;
	struct ctl_result res;
	struct ctl_hdr hdr;
	ssize_t n;

	if (poll(&pfd, 1, 2000) == 0) {
		if (!quiet_open)
			printf("open\n");
		return 0;
	}
	n = recv(fd, buf, sizeof(buf), 0);
	if (n <= 0) {
		printf("closed\n");
		return 0;
	}
	ctl_hdr_load(buf, &hdr);
	if (n < (ssize_t)CTL_HDR_LEN) {
		printf("short %zd\n", n);
		return 1;
	}
	if (hdr.type == CTL_MSG_HELLO_REPLY &&
	    ctl_hello_reply_decode(buf + CTL_HDR_LEN, (size_t)n - CTL_HDR_LEN,
	    &hr) == CTL_OK)
		printf("HELLO_REPLY version %u hdr-version %u reqid %u "
		    "daemon \"%s\"\n", hr.version, hdr.version, hdr.reqid,
		    hr.daemon_version);
	else if (hdr.type == CTL_MSG_RESULT &&
	    ctl_result_decode(buf + CTL_HDR_LEN, (size_t)n - CTL_HDR_LEN,
	    &res) == CTL_OK)
		printf("RESULT %u reqid %u \"%s\"\n", res.code, hdr.reqid,
		    res.message);
	else
		printf("type %u len %zd\n", hdr.type, n);
	return 1;
}

/* Print the first n datagrams sent to a socket bound at path. */
static int
probe_notify(const char *path, int n)
{
	struct sockaddr_un sun;
	struct pollfd pfd;
	socklen_t slen;
	char buf[1024];
	ssize_t r;
	int fd, i;
	char *p;

	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	if (strlen(path) >= sizeof(sun.sun_path))
		return 2;
	strcpy(sun.sun_path, path);
	/* "@name": the abstract namespace, as systemd may hand out. */
	slen = path[0] == '@' ? (socklen_t)(offsetof(struct sockaddr_un,
	    sun_path) + strlen(path)) : (socklen_t)sizeof(sun);
	if (path[0] == '@')
		sun.sun_path[0] = '\0';
	if ((fd = socket(AF_UNIX, SOCK_DGRAM, 0)) == -1 ||
	    bind(fd, (struct sockaddr *)&sun, slen) == -1) {
		perror(path);
		return 2;
	}
	printf("bound\n");
	fflush(stdout);
	for (i = 0; i < n; i++) {
		pfd.fd = fd;
		pfd.events = POLLIN;
		if (poll(&pfd, 1, 60000) <= 0)
			break;
		if ((r = recv(fd, buf, sizeof(buf) - 1, 0)) < 0)
			break;
		buf[r] = '\0';
		for (p = buf; *p != '\0'; p++)
			if (*p == '\n')
				*p = '|';
		printf("%s\n", buf);
		fflush(stdout);
	}
	close(fd);
	if (path[0] != '@')
		unlink(path);
	return 0;
}

static size_t	probe_hello(uint8_t *, size_t, uint32_t);
static int	probe_memfd(size_t, bool);

/* One received message of the verbs run. */
struct probe_msg {
	struct ctl_hdr		 hdr;
	union ctlv_any		 v;
	struct ctl_result	 res;
	int			 fd;
};

/* Receive one message (2 s at most) with its descriptor; -1: none. */
static int
probe_get(int fd, struct probe_msg *m)
{
	static uint8_t buf[CTL_MSG_MAX];
	union {
		struct cmsghdr	hdr;
		char		buf[CMSG_SPACE(sizeof(int))];
	} cm;
	struct pollfd pfd = { fd, POLLIN, 0 };
	struct msghdr msg;
	struct cmsghdr *c;
	struct iovec iov;
	ssize_t n;
	enum ctl_err err;

	memset(m, 0, sizeof(*m));
	m->fd = -1;
	if (poll(&pfd, 1, 2000) <= 0)
		return -1;
	memset(&msg, 0, sizeof(msg));
	iov.iov_base = buf;
	iov.iov_len = sizeof(buf);
	msg.msg_iov = &iov;
	msg.msg_iovlen = 1;
	msg.msg_control = cm.buf;
	msg.msg_controllen = sizeof(cm.buf);
	if ((n = recvmsg(fd, &msg, 0)) <= 0)
		return -1;
	for (c = CMSG_FIRSTHDR(&msg); c != NULL; c = CMSG_NXTHDR(&msg, c))
		if (c->cmsg_type == SCM_RIGHTS)
			memcpy(&m->fd, CMSG_DATA(c), sizeof(int));
	err = ctl_msg_check(buf, (size_t)n, m->fd != -1, &m->hdr);
	if (err != CTL_OK) {
		printf("bad reply: %s\n", ctl_strerror(err));
		return -1;
	}
	if (m->hdr.type == CTL_MSG_RESULT)
		err = ctl_result_decode(buf + CTL_HDR_LEN, (size_t)n -
		    CTL_HDR_LEN, &m->res);
	else if (m->hdr.type >= CTLV_MSG_FIRST)
		err = ctlv_decode(m->hdr.type, buf + CTL_HDR_LEN, (size_t)n -
		    CTL_HDR_LEN, &m->v);
	if (err != CTL_OK) {
		printf("bad payload: %s\n", ctl_strerror(err));
		return -1;
	}
	return 0;
}

/* Send a verbs request; print its reply as "REQ -> REPLY [code]". */
static int
probe_req(int fd, uint32_t type, const union ctlv_any *v, int xfd,
    struct probe_msg *m)
{
	static uint32_t reqid = 100;
	uint8_t buf[CTL_MSG_MAX];
	int n;

	n = ctlv_encode(type, ++reqid, v, buf, sizeof(buf));
	if (n < 0 || probe_send(fd, buf, (size_t)n, xfd) == -1) {
		printf("%s -> cannot send\n", ctl_type_name(type));
		return -1;
	}
	if (probe_get(fd, m) == -1) {
		printf("%s -> no reply\n", ctl_type_name(type));
		return -1;
	}
	if (m->hdr.type == CTL_MSG_RESULT)
		printf("%s -> RESULT %u\n", ctl_type_name(type), m->res.code);
	else if (m->hdr.type == CTL_MSG_CONN_REPLY)
		printf("%s -> CONN_REPLY %u\n", ctl_type_name(type),
		    m->v.conn_reply.code);
	else
		printf("%s -> %s%s\n", ctl_type_name(type),
		    ctl_type_name(m->hdr.type), m->fd != -1 ? " +fd" : "");
	if (m->hdr.reqid != reqid)
		printf("  reqid %u, expected %u\n", m->hdr.reqid, reqid);
	fflush(stdout);
	return 0;
}

/* A memfd of len octets, sealed against shrinking if `seal`. */
static int
probe_memfd(size_t len, bool seal)
{
	int fd = memfd_create("probe", MFD_CLOEXEC | MFD_ALLOW_SEALING);

	if (fd == -1 || ftruncate(fd, (off_t)len) == -1)
		exit(2);
	if (seal && fcntl(fd, F_ADD_SEALS, F_SEAL_SHRINK | F_SEAL_GROW) == -1)
		exit(2);
	return fd;
}

/* Object requests, refusals, then a loopback connection on port. */
static int
probe_verbs(int fd, uint16_t port, bool keep)
{
	uint8_t buf[2048];
	struct probe_msg m;
	union ctlv_any v;
	uint32_t mem, pd, stag, cq, qpa, qpb, lst, req;
	int pfd[2], xfd;
	size_t n;
	void *map;

	n = probe_hello(buf, sizeof(buf), CTL_PROTO_VERSION);
	if (probe_send(fd, buf, n, -1) == -1 || probe_get(fd, &m) == -1)
		return 2;

	memset(&v, 0, sizeof(v));
	v.mem_reg.length = 65536;
	v.mem_reg.base = 0x10000;
	xfd = probe_memfd(65536, true);
	probe_req(fd, CTL_MSG_MEM_REG, &v, xfd, &m);
	mem = m.v.obj_reply.id;
	close(xfd);
	xfd = probe_memfd(65536, false);
	probe_req(fd, CTL_MSG_MEM_REG, &v, xfd, &m);	/* unsealed */
	close(xfd);
	xfd = probe_memfd(4096, true);
	probe_req(fd, CTL_MSG_MEM_REG, &v, xfd, &m);	/* too short */
	close(xfd);
	if (pipe(pfd) == -1)
		return 2;
	probe_req(fd, CTL_MSG_MEM_REG, &v, pfd[0], &m);	/* not a file */

	memset(&v, 0, sizeof(v));
	probe_req(fd, CTL_MSG_PD_ALLOC, &v, -1, &m);
	pd = m.v.obj_reply.id;

	memset(&v, 0, sizeof(v));
	v.mr_reg.pd = pd;
	v.mr_reg.mem = mem;
	v.mr_reg.length = 4096;
	v.mr_reg.iova = 0x10000;
	v.mr_reg.access = CTLV_ACCESS_LOCAL_WRITE | CTLV_ACCESS_REMOTE_WRITE;
	probe_req(fd, CTL_MSG_MR_REG, &v, -1, &m);
	stag = m.v.obj_reply.id;
	v.mr_reg.offset = 65000;
	probe_req(fd, CTL_MSG_MR_REG, &v, -1, &m);	/* out of bounds */
	v.mr_reg.offset = 0;
	v.mr_reg.mem = mem + 1000;
	probe_req(fd, CTL_MSG_MR_REG, &v, -1, &m);	/* unknown mem */

	memset(&v, 0, sizeof(v));
	v.cq_create.depth = 16;
	xfd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	probe_req(fd, CTL_MSG_CQ_CREATE, &v, xfd, &m);
	close(xfd);
	cq = m.v.cq_reply.cq;
	if (m.fd != -1) {
		const struct rdmad_shm_cq_ctrl *ctrl;

		map = mmap(NULL, m.v.cq_reply.object_len, PROT_READ,
		    MAP_SHARED, m.fd, 0);
		ctrl = map;
		if (map != MAP_FAILED)
			printf("  cq page: abi %u depth %u num-ok %d "
			    "offset %llu len %llu\n", ctrl->abi_version,
			    ctrl->depth, ctrl->cq_num == cq,
			    (unsigned long long)ctrl->cqe_offset,
			    (unsigned long long)m.v.cq_reply.object_len);
		close(m.fd);
	}
	probe_req(fd, CTL_MSG_CQ_CREATE, &v, pfd[0], &m);  /* not eventfd */

	memset(&v, 0, sizeof(v));
	v.qp_create.pd = pd;
	v.qp_create.send_cq = cq;
	v.qp_create.recv_cq = cq;
	v.qp_create.sq_depth = 8;
	v.qp_create.rq_depth = 4;
	v.qp_create.ord = 4;
	v.qp_create.ird = 4;
	xfd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	probe_req(fd, CTL_MSG_QP_CREATE, &v, xfd, &m);
	qpa = m.v.qp_reply.qp;
	if (m.fd != -1) {
		const struct rdmad_shm_qp_ctrl *ctrl;

		map = mmap(NULL, m.v.qp_reply.object_len, PROT_READ,
		    MAP_SHARED, m.fd, 0);
		ctrl = map;
		if (map != MAP_FAILED)
			printf("  qp page: abi %u sq %u rq %u offsets %llu "
			    "%llu len %llu\n", ctrl->abi_version,
			    ctrl->sq_depth, ctrl->rq_depth,
			    (unsigned long long)ctrl->sq_offset,
			    (unsigned long long)ctrl->rq_offset,
			    (unsigned long long)m.v.qp_reply.object_len);
		close(m.fd);
	}
	probe_req(fd, CTL_MSG_QP_CREATE, &v, xfd, &m);
	qpb = m.v.qp_reply.qp;
	if (m.fd != -1)
		close(m.fd);
	close(xfd);
	v.qp_create.sq_depth = 1u << 30;
	xfd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	probe_req(fd, CTL_MSG_QP_CREATE, &v, xfd, &m);	/* too deep */
	close(xfd);

	memset(&v, 0, sizeof(v));
	v.id.id = qpa;
	probe_req(fd, CTL_MSG_QP_QUERY, &v, -1, &m);
	printf("  qp state %u\n", m.v.qp_info.state);
	v.id.id = pd;
	probe_req(fd, CTL_MSG_PD_FREE, &v, -1, &m);	/* busy */
	v.id.id = mem;
	probe_req(fd, CTL_MSG_MEM_DEREG, &v, -1, &m);	/* busy */

	/* Loopback: listen, connect qpa, accept on qpb. */
	memset(&v, 0, sizeof(v));
	v.listen.port = port;
	v.listen.backlog = 4;
	probe_req(fd, CTL_MSG_LISTEN, &v, -1, &m);
	lst = m.v.obj_reply.id;
	probe_req(fd, CTL_MSG_LISTEN, &v, -1, &m);	/* in use */
	memset(&v, 0, sizeof(v));
	v.qp_connect.qp = qpa;
	v.qp_connect.port = port;
	v.qp_connect.transport = CTLV_TRANSPORT_TCP;
	strcpy(v.qp_connect.host, "127.0.0.1");
	v.qp_connect.priv.len = 5;
	memcpy(v.qp_connect.priv.data, "hello", 5);
	if (probe_send(fd, buf, (size_t)ctlv_encode(CTL_MSG_QP_CONNECT, 500,
	    &v, buf, sizeof(buf)), -1) == -1)
		return 2;
	if (probe_get(fd, &m) == -1 || m.hdr.type != CTL_MSG_CONN_REQUEST) {
		printf("QP_CONNECT -> no CONN_REQUEST (type %u)\n",
		    m.hdr.type);
		return 0;
	}
	printf("QP_CONNECT -> CONN_REQUEST reqid %u listener-ok %d "
	    "priv \"%.*s\"\n", m.hdr.reqid, m.v.conn_request.listener == lst,
	    (int)m.v.conn_request.priv.len, m.v.conn_request.priv.data);
	req = m.v.conn_request.request;
	memset(&v, 0, sizeof(v));
	v.accept.request = req;
	v.accept.qp = qpb;
	v.accept.priv.len = 2;
	memcpy(v.accept.priv.data, "ok", 2);
	probe_req(fd, CTL_MSG_ACCEPT, &v, -1, &m);
	if (probe_get(fd, &m) == 0)
		printf("  then %s reqid %u code %u priv \"%.*s\"\n",
		    ctl_type_name(m.hdr.type), m.hdr.reqid,
		    m.v.conn_reply.code, (int)m.v.conn_reply.priv.len,
		    m.v.conn_reply.priv.data);
	memset(&v, 0, sizeof(v));
	v.id.id = qpa;
	probe_req(fd, CTL_MSG_QP_QUERY, &v, -1, &m);
	printf("  qp state %u transport %u\n", m.v.qp_info.state,
	    m.v.qp_info.transport);

	if (keep)		/* leave it all to the daemon */
		return 0;
	/* Tear down in order. */
	memset(&v, 0, sizeof(v));
	v.id.id = lst;
	probe_req(fd, CTL_MSG_LISTEN_CLOSE, &v, -1, &m);
	v.id.id = qpa;
	probe_req(fd, CTL_MSG_QP_DESTROY, &v, -1, &m);
	v.id.id = qpb;
	probe_req(fd, CTL_MSG_QP_DESTROY, &v, -1, &m);
	v.id.id = cq;
	probe_req(fd, CTL_MSG_CQ_DESTROY, &v, -1, &m);
	v.id.id = stag;
	probe_req(fd, CTL_MSG_MW_DEALLOC, &v, -1, &m);	/* not a window */
	probe_req(fd, CTL_MSG_MR_DEREG, &v, -1, &m);
	v.id.id = pd;
	probe_req(fd, CTL_MSG_PD_FREE, &v, -1, &m);
	v.id.id = mem;
	probe_req(fd, CTL_MSG_MEM_DEREG, &v, -1, &m);
	probe_req(fd, CTL_MSG_MEM_DEREG, &v, -1, &m);	/* gone */
	return 0;
}

/* Objects of one connection are invisible to another. */
static int
probe_isolation(const char *path, int a)
{
	uint8_t buf[256];
	struct probe_msg m;
	union ctlv_any v;
	uint32_t mem, pd;
	int b, xfd;
	size_t n;

	if ((b = probe_connect(path)) == -1)
		return 2;
	n = probe_hello(buf, sizeof(buf), CTL_PROTO_VERSION);
	if (probe_send(a, buf, n, -1) == -1 || probe_get(a, &m) == -1 ||
	    probe_send(b, buf, n, -1) == -1 || probe_get(b, &m) == -1)
		return 2;
	memset(&v, 0, sizeof(v));
	v.mem_reg.length = 65536;
	xfd = probe_memfd(65536, true);
	probe_req(a, CTL_MSG_MEM_REG, &v, xfd, &m);
	close(xfd);
	mem = m.v.obj_reply.id;
	memset(&v, 0, sizeof(v));
	probe_req(a, CTL_MSG_PD_ALLOC, &v, -1, &m);
	pd = m.v.obj_reply.id;
	memset(&v, 0, sizeof(v));
	v.mr_reg.pd = pd;
	v.mr_reg.mem = mem;
	v.mr_reg.length = 4096;
	printf("other: ");
	probe_req(b, CTL_MSG_MR_REG, &v, -1, &m);
	memset(&v, 0, sizeof(v));
	v.id.id = pd;
	printf("other: ");
	probe_req(b, CTL_MSG_PD_FREE, &v, -1, &m);
	v.id.id = mem;
	printf("other: ");
	probe_req(b, CTL_MSG_MEM_DEREG, &v, -1, &m);
	printf("owner: ");
	probe_req(a, CTL_MSG_MEM_DEREG, &v, -1, &m);
	close(b);
	return 0;
}

/* Stop on a librdmad failure, naming the call and the daemon's text. */
#define E2E(ctx, who, call) do {					\
	int e2e_r = (call);						\
	if (e2e_r < 0) {						\
		printf("%s: %s: %s (%s)\n", who, #call,			\
		    rdmad_strerror(e2e_r),				\
		    (ctx) ? rdmad_last_error(ctx) : "");		\
		fflush(stdout);						\
		return 1;						\
	}								\
} while (0)

/* One side of the e2e run: memory, PD, region, CQ, QP. */
struct e2e_side {
	rdmad_ctx_t		*ctx;
	struct rdmad_mem	*mem;
	struct rdmad_pd		*pd;
	struct rdmad_mr		*mr;
	struct rdmad_cq		*cq;
	struct rdmad_qp		*qp;
};

static int
probe_e2e_setup(const char *path, const char *who, struct e2e_side *sd)
{
	struct rdmad_qp_attr a;

	sd->ctx = NULL;
	E2E(sd->ctx, who, rdmad_open(path, &sd->ctx));
	E2E(sd->ctx, who, rdmad_mem_alloc(sd->ctx, 65536, &sd->mem));
	E2E(sd->ctx, who, rdmad_pd_alloc(sd->ctx, &sd->pd));
	E2E(sd->ctx, who, rdmad_reg_mr(sd->pd, rdmad_mem_addr(sd->mem),
	    65536, RDMAD_ACCESS_LOCAL_WRITE | RDMAD_ACCESS_REMOTE_WRITE,
	    &sd->mr));
	E2E(sd->ctx, who, rdmad_create_cq(sd->ctx, 16, &sd->cq));
	memset(&a, 0, sizeof(a));
	a.send_cq = a.recv_cq = sd->cq;
	a.sq_depth = a.rq_depth = 8;
	a.ord = a.ird = 4;
	a.transport = RDMAD_TRANSPORT_TCP;
	E2E(sd->ctx, who, rdmad_create_qp(sd->pd, &a, &sd->qp));
	return 0;
}

/* Poll for one completion, 5 s at most. */
static int
probe_e2e_wc(struct rdmad_cq *cq, struct rdmad_wc *wc)
{
	int i, n;

	for (i = 0; i < 5000; i++) {
		if ((n = rdmad_poll_cq(cq, 1, wc)) != 0)
			return n;
		usleep(1000);
	}
	return 0;
}

/* The passive side, in the child. */
static int
probe_e2e_server(const char *path, uint16_t port, int ready)
{
	struct rdmad_listener *l;
	struct rdmad_conn_req *req;
	struct rdmad_recv_wr rw;
	struct e2e_side sd;
	struct rdmad_wc wc;
	const char *priv;
	size_t plen;
	int n;

	if (probe_e2e_setup(path, "server", &sd) != 0)
		return 1;
	memset(&rw, 0, sizeof(rw));
	rw.wr_id = 7;
	rw.num_sge = 1;
	rw.sg_list[0].addr = (uint64_t)(uintptr_t)rdmad_mem_addr(sd.mem);
	rw.sg_list[0].length = 4096;
	rw.sg_list[0].lkey = rdmad_mr_stag(sd.mr);
	E2E(sd.ctx, "server", rdmad_post_recv(sd.qp, &rw));
	E2E(sd.ctx, "server", rdmad_listen(sd.ctx, port, 4, &l));
	if (write(ready, "x", 1) != 1)
		return 1;
	E2E(sd.ctx, "server", rdmad_get_request(l, 0, &req));
	priv = rdmad_req_private_data(req, &plen);
	printf("server: request, private data \"%.*s\"\n", (int)plen,
	    priv ? priv : "");
	E2E(sd.ctx, "server", rdmad_accept(req, sd.qp, "yes", 3));
	n = probe_e2e_wc(sd.cq, &wc);
	printf("server: %d completion, status %d opcode %d len %u "
	    "wr_id %llu: \"%s\"\n", n, (int)wc.status, (int)wc.opcode,
	    wc.byte_len, (unsigned long long)wc.wr_id,
	    (char *)rdmad_mem_addr(sd.mem));
	rdmad_close(sd.ctx);
	return 0;
}

/* librdmad end to end: listen, connect, accept, SEND -> RECV. */
static int
probe_e2e(const char *path, uint16_t port)
{
	struct rdmad_send_wr sw;
	struct e2e_side sd;
	struct rdmad_wc wc;
	const char *priv;
	size_t plen;
	pid_t pid;
	int p[2], st, n;
	char c;

	if (pipe(p) == -1)
		return 2;
	fflush(stdout);
	if ((pid = fork()) == -1)
		return 2;
	if (pid == 0) {
		close(p[0]);
		n = probe_e2e_server(path, port, p[1]);
		fflush(stdout);
		_exit(n);
	}
	close(p[1]);
	if (read(p[0], &c, 1) != 1) {
		waitpid(pid, &st, 0);
		return 1;
	}
	if (probe_e2e_setup(path, "client", &sd) != 0)
		return 1;
	E2E(sd.ctx, "client", rdmad_connect(sd.qp, "127.0.0.1", port, "hi",
	    2));
	priv = rdmad_qp_peer_private_data(sd.qp, &plen);
	waitpid(pid, &st, WNOHANG);
	memset(&sw, 0, sizeof(sw));
	strcpy(rdmad_mem_addr(sd.mem), "ping over rdmad");
	sw.wr_id = 9;
	sw.opcode = RDMAD_WR_SEND;
	sw.flags = RDMAD_SEND_SIGNALED;
	sw.num_sge = 1;
	sw.sg_list[0].addr = (uint64_t)(uintptr_t)rdmad_mem_addr(sd.mem);
	sw.sg_list[0].length = 16;
	sw.sg_list[0].lkey = rdmad_mr_stag(sd.mr);
	E2E(sd.ctx, "client", rdmad_post_send(sd.qp, &sw));
	n = probe_e2e_wc(sd.cq, &wc);
	/* The server prints first: wait for it, then report. */
	waitpid(pid, &st, 0);
	printf("client: connected, private data \"%.*s\"\n", (int)plen,
	    priv ? priv : "");
	printf("client: %d completion, status %d opcode %d wr_id %llu\n", n,
	    (int)wc.status, (int)wc.opcode, (unsigned long long)wc.wr_id);
	printf("server exit %d\n", WIFEXITED(st) ? WEXITSTATUS(st) : -1);
	rdmad_close(sd.ctx);
	return 0;
}

/* Random requests; the daemon must answer or drop, never die. */
static int
probe_fuzz(const char *path, int fd, int count)
{
	static uint8_t buf[2048];
	uint32_t type, plen, r;
	int i, drops = 0, xfd;
	size_t n, k;
	struct buf_wr w;

	srandom(4242);
	for (i = 0; i < count; i++) {
		if (i == 0 || fd == -1) {
			if (fd == -1 && (fd = probe_connect(path)) == -1)
				return 2;
			n = probe_hello(buf, sizeof(buf), CTL_PROTO_VERSION);
			if (probe_send(fd, buf, n, -1) == -1)
				return 2;
		}
		type = 101 + (uint32_t)(random() % 19);	/* 101..119 */
		r = (uint32_t)random();
		/* Mostly the right length for the type, sometimes not. */
		plen = ctl_type_lookup(type) ? ctl_type_lookup(type)->payload_min
		    : 4;
		if (r % 8 == 0)
			plen = (uint32_t)(random() % 600);
		w = ctl_msg_begin(buf, sizeof(buf), type, (uint32_t)i + 1);
		for (k = 0; k < plen; k++)
			/* Small numbers, so that ids sometimes exist. */
			buf_put_u8(&w, (uint8_t)(random() % 16 == 0 ?
			    random() : random() % 3 == 0));
		n = (size_t)ctl_msg_finish(&w, buf);
		/* A descriptor where the type takes one, rarely elsewhere. */
		xfd = -1;
		if (ctl_type_lookup(type) && ctl_type_lookup(type)->nfds ?
		    r % 10 != 0 : r % 32 == 0)
			xfd = (r >> 8) % 2 ? eventfd(0, EFD_NONBLOCK) :
			    probe_memfd(65536, true);
		if (probe_send(fd, buf, n, xfd) == -1) {
			close(fd);
			fd = -1;
			drops++;
		}
		if (xfd != -1)
			close(xfd);
		/* Drain replies so that the queue bound does not bite. */
		while (fd != -1) {
			struct pollfd pfd = { fd, POLLIN, 0 };
			ssize_t got;

			if (poll(&pfd, 1, 0) <= 0)
				break;
			got = recv(fd, buf, sizeof(buf), MSG_DONTWAIT);
			if (got <= 0) {
				close(fd);
				fd = -1;
				drops++;
			}
		}
	}
	printf("done %d\n", drops > 0 ? 1 : 0);
	return 0;
}

/* A HELLO of `version` in header and payload, reqid 7. */
static size_t
probe_hello(uint8_t *buf, size_t cap, uint32_t version)
{
	struct ctl_hello h;
	int n;

	memset(&h, 0, sizeof(h));
	h.version = version;
	strcpy(h.client_name, "ctl_probe");
	if ((n = ctl_hello_encode(7, &h, buf, cap)) < 0)
		exit(2);
	ctl_store_le32(buf + 8, version);	/* header version too */
	return (size_t)n;
}

int
main(int argc, char *argv[])
{
	static uint8_t buf[70000];
	uint32_t version = CTL_PROTO_VERSION;
	size_t len;
	int fd, n;

	if (argc < 3) {
		fprintf(stderr, "usage: ctl_probe socket mode [arg]\n");
		return 2;
	}
	if (strcmp(argv[1], "notify") == 0)
		return probe_notify(argv[2], argc > 3 ? atoi(argv[3]) : 1);
	if ((fd = probe_connect(argv[1])) == -1) {
		perror(argv[1]);
		return 2;
	}
	if (strcmp(argv[2], "hello") == 0) {
		if (argc > 3)
			version = (uint32_t)strtoul(argv[3], NULL, 0);
		len = probe_hello(buf, sizeof(buf), version);
		if (probe_send(fd, buf, len, -1) == -1) {
			printf("closed\n");
			return 0;
		}
		if (probe_recv(fd, false))
			probe_recv(fd, false);
	} else if (strcmp(argv[2], "type") == 0 && argc > 3) {
		struct buf_wr w;

		len = probe_hello(buf, sizeof(buf), version);
		if (probe_send(fd, buf, len, -1) == -1)
			return 2;
		probe_recv(fd, true);
		w = ctl_msg_begin(buf, sizeof(buf),
		    (uint32_t)strtoul(argv[3], NULL, 0), 9);
		n = ctl_msg_finish(&w, buf);
		if (n < 0 || probe_send(fd, buf, (size_t)n, -1) == -1)
			return 2;
		probe_recv(fd, false);
	} else if (strcmp(argv[2], "flood") == 0 && argc > 3) {
		struct buf_wr w;
		long i, count = strtol(argv[3], NULL, 0);
		bool gone = false;

		len = probe_hello(buf, sizeof(buf), version);
		if (probe_send(fd, buf, len, -1) == -1)
			return 2;
		for (i = 0; i < count && !gone; i++) {
			w = ctl_msg_begin(buf, sizeof(buf), 103, (uint32_t)i);
			n = ctl_msg_finish(&w, buf);
			gone = probe_send(fd, buf, (size_t)n, -1) == -1;
		}
		/* Drain what was queued before the daemon let go. */
		while (!gone) {
			struct pollfd pfd = { fd, POLLIN, 0 };

			if (poll(&pfd, 1, 2000) <= 0)
				break;
			if (recv(fd, buf, sizeof(buf), 0) <= 0)
				gone = true;
		}
		printf("%s\n", gone ? "closed" : "open");
	} else if (strcmp(argv[2], "verbs") == 0 && argc > 3) {
		return probe_verbs(fd, (uint16_t)atoi(argv[3]), argc > 4);
	} else if (strcmp(argv[2], "isolation") == 0) {
		return probe_isolation(argv[1], fd);
	} else if (strcmp(argv[2], "e2e") == 0 && argc > 3) {
		close(fd);
		return probe_e2e(argv[1], (uint16_t)atoi(argv[3]));
	} else if (strcmp(argv[2], "fuzz") == 0 && argc > 3) {
		return probe_fuzz(argv[1], fd, atoi(argv[3]));
	} else if (strcmp(argv[2], "hold") == 0) {
		len = probe_hello(buf, sizeof(buf), version);
		if (probe_send(fd, buf, len, -1) == -1) {
			printf("closed\n");
			return 0;
		}
		probe_recv(fd, true);
		fflush(stdout);
		sleep(argc > 3 ? (unsigned int)atoi(argv[3]) : 1);
	} else if (strcmp(argv[2], "garbage") == 0) {
		if (probe_send(fd, "garbage!", 8, -1) == -1)
			return 2;
		probe_recv(fd, false);
	} else if (strcmp(argv[2], "oversize") == 0) {
		memset(buf, 0xa5, sizeof(buf));
		if (probe_send(fd, buf, sizeof(buf), -1) == -1)
			return 2;
		probe_recv(fd, false);
	} else if (strcmp(argv[2], "fd") == 0) {
		len = probe_hello(buf, sizeof(buf), version);
		if (probe_send(fd, buf, len, -1) == -1)
			return 2;
		probe_recv(fd, true);
		n = ctl_end_encode(8, buf, sizeof(buf));
		if (n < 0 || probe_send(fd, buf, (size_t)n, 0) == -1)
			return 2;
		probe_recv(fd, false);
	} else if (strcmp(argv[2], "early") == 0) {
		struct ctl_result r;

		memset(&r, 0, sizeof(r));
		n = ctl_result_encode(9, &r, buf, sizeof(buf));
		if (n < 0 || probe_send(fd, buf, (size_t)n, -1) == -1)
			return 2;
		probe_recv(fd, false);
	} else {
		fprintf(stderr, "ctl_probe: unknown mode %s\n", argv[2]);
		return 2;
	}
	close(fd);
	return 0;
}
