/* test_lib_conn.c — librdmad's public API against a scripted fake daemon. */
#include "config.h"

#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tutil.h"

#include "rdmad/rdmad.h"
#include "rdmad/shm_abi.h"
#include "wire/ctlmsg.h"
#include "wire/ctlverbs.h"

/*
 * A child process plays rdmad on two sockets: "ok" speaks
 * CTL_PROTO_VERSION, "old" answers HELLO with version 99.  It answers each request the way
 * the scenario in t_scenario() expects, checks every field it receives
 * and exits 0 when all its checks passed and the main connection closed.
 */

#define FK_MAXC		4
#define FK_CHECK(c)	do { if (!(c)) fk_fail(__LINE__); } while (0)

static char t_dir[64], t_ok[128], t_old[128];

struct fk {
	int		 lfd, lfd_old;
	int		 conn[FK_MAXC];
	int		 main_conn;		/* first on "ok" */
	int		 listen_conn;
	int		 fails;
	void		*mem;			/* the client's memory */
	uint64_t	 mem_base;		/* its address there */
	size_t		 mem_len;
	struct rdmad_shm_qp_ctrl *qp;		/* the first QP */
	int		 qp_db;
	unsigned int	 nqp, nmr, nmr_dereg;
	uint8_t		 buf[CTL_MSG_MAX];
};

static struct fk *fk_self;

static void
fk_fail(int line)
{
	fprintf(stderr, "fake rdmad: check at line %d failed\n", line);
	fk_self->fails++;
}

/* Send buf with an optional descriptor. */
static void
fk_send(int s, const void *buf, int len, int fd)
{
	union {
		struct cmsghdr	 h;
		char		 b[CMSG_SPACE(sizeof(int))];
	} cm;
	struct iovec iov = { (void *)(uintptr_t)buf, (size_t)len };
	struct msghdr msg;
	struct cmsghdr *c;

	FK_CHECK(len > 0);
	memset(&msg, 0, sizeof(msg));
	msg.msg_iov = &iov;
	msg.msg_iovlen = 1;
	if (fd >= 0) {
		memset(&cm, 0, sizeof(cm));
		msg.msg_control = cm.b;
		msg.msg_controllen = sizeof(cm.b);
		c = CMSG_FIRSTHDR(&msg);
		c->cmsg_level = SOL_SOCKET;
		c->cmsg_type = SCM_RIGHTS;
		c->cmsg_len = CMSG_LEN(sizeof(int));
		memcpy(CMSG_DATA(c), &fd, sizeof(int));
	}
	FK_CHECK(sendmsg(s, &msg, MSG_NOSIGNAL) == len);
}

/* Receive one message; returns its length (0 at EOF), *fd or -1. */
static ssize_t
fk_recv(struct fk *k, int s, int *fd)
{
	union {
		struct cmsghdr	 h;
		char		 b[CMSG_SPACE(sizeof(int))];
	} cm;
	struct iovec iov = { k->buf, sizeof(k->buf) };
	struct msghdr msg;
	struct cmsghdr *c;
	ssize_t n;

	*fd = -1;
	memset(&msg, 0, sizeof(msg));
	msg.msg_iov = &iov;
	msg.msg_iovlen = 1;
	msg.msg_control = cm.b;
	msg.msg_controllen = sizeof(cm.b);
	n = recvmsg(s, &msg, 0);
	c = CMSG_FIRSTHDR(&msg);
	if (n > 0 && c != NULL && c->cmsg_type == SCM_RIGHTS)
		memcpy(fd, CMSG_DATA(c), sizeof(int));
	return n < 0 ? 0 : n;
}

static void
fk_result(struct fk *k, int s, uint32_t reqid, uint32_t code,
    const char *text)
{
	struct ctl_result r;

	memset(&r, 0, sizeof(r));
	r.code = code;
	strcpy(r.message, text);
	fk_send(s, k->buf, ctl_result_encode(reqid, &r, k->buf,
	    sizeof(k->buf)), -1);
}

static void
fk_obj(struct fk *k, int s, uint32_t reqid, uint32_t id, uint64_t value)
{
	struct ctlv_obj_reply o = { id, value };

	fk_send(s, k->buf, ctlv_obj_reply_encode(reqid, &o, k->buf,
	    sizeof(k->buf)), -1);
}

/* A shared memfd of len octets, mapped. */
static int
fk_memfd(size_t len, void **map)
{
	int fd = memfd_create("fake-rdmad", MFD_CLOEXEC);

	FK_CHECK(fd >= 0 && ftruncate(fd, (off_t)len) == 0);
	*map = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	FK_CHECK(*map != MAP_FAILED);
	return fd;
}

static void
fk_conn_reply(struct fk *k, int s, uint32_t reqid, uint32_t code,
    const char *why, const char *peer, const char *priv)
{
	struct ctlv_conn_reply c;

	memset(&c, 0, sizeof(c));
	c.code = code;
	c.transport = CTLV_TRANSPORT_TCP;
	c.ord = 2;
	c.ird = 3;
	strcpy(c.why, why);
	strcpy(c.peer, peer);
	c.priv.len = (uint32_t)strlen(priv);
	memcpy(c.priv.data, priv, c.priv.len);
	fk_send(s, k->buf, ctlv_conn_reply_encode(reqid, &c, k->buf,
	    sizeof(k->buf)), -1);
}

static void
fk_conn_request(struct fk *k, int s, uint32_t request, const char *priv)
{
	struct ctlv_conn_request c;

	memset(&c, 0, sizeof(c));
	c.listener = 77;
	c.request = request;
	c.ird = 3;
	c.ord = 5;
	c.transport = CTLV_TRANSPORT_TCP;
	strcpy(c.peer, "10.0.0.9:40000");
	c.priv.len = (uint32_t)strlen(priv);
	memcpy(c.priv.data, priv, c.priv.len);
	fk_send(s, k->buf, ctlv_conn_request_encode(0, &c, k->buf,
	    sizeof(k->buf)), -1);
}

/* CQ_CREATE: a CQ of twice the depth asked, with one CQE already in. */
static void
fk_cq_create(struct fk *k, int s, uint32_t reqid, uint32_t depth, int efd)
{
	struct ctlv_cq_reply rep;
	struct rdmad_shm_cq_ctrl *c;
	struct rdmad_shm_cqe *q;
	uint64_t one = 1;
	void *map;
	size_t len = RDMAD_SHM_PAGE + 2 * depth * sizeof(*q);
	int fd = fk_memfd(len, &map);

	c = map;
	c->abi_version = RDMAD_SHM_ABI_VERSION;
	c->cq_num = 5;
	c->depth = 2 * depth;
	c->cqe_offset = RDMAD_SHM_PAGE;
	q = (struct rdmad_shm_cqe *)(void *)((char *)map + RDMAD_SHM_PAGE);
	q->opcode = RDMAD_SHM_WC_RECV;
	q->wr_id = 4242;
	q->byte_len = 5;
	q->term = RDMAD_SHM_TERM_NONE;
	__atomic_store_n(&q->flags, RDMAD_SHM_VALID, __ATOMIC_RELEASE);
	FK_CHECK(write(efd, &one, sizeof(one)) == sizeof(one));
	close(efd);
	rep.cq = 5;
	rep.depth = 2 * depth;
	rep.object_len = len;
	fk_send(s, k->buf, ctlv_cq_reply_encode(reqid, &rep, k->buf,
	    sizeof(k->buf)), fd);
	close(fd);
}

/* QP_CREATE: depths as asked, the daemon asleep on the doorbell. */
static void
fk_qp_create(struct fk *k, int s, uint32_t reqid,
    const struct ctlv_qp_create *m, int db)
{
	struct ctlv_qp_reply rep;
	struct rdmad_shm_qp_ctrl *c;
	size_t len = RDMAD_SHM_PAGE + m->sq_depth * 128 + m->rq_depth * 80;
	void *map;
	int fd = fk_memfd(len, &map);

	FK_CHECK(m->pd == 1 && m->send_cq == 5 && m->recv_cq == 5);
	FK_CHECK(m->sq_depth == 2 && m->rq_depth == 2);
	FK_CHECK(m->ord == 4 && m->ird == 4);
	c = map;
	c->abi_version = RDMAD_SHM_ABI_VERSION;
	c->qp_num = 100 + k->nqp;
	c->sq_depth = m->sq_depth;
	c->rq_depth = m->rq_depth;
	c->sq_offset = RDMAD_SHM_PAGE;
	c->rq_offset = RDMAD_SHM_PAGE + m->sq_depth * 128;
	c->sq_sleeping = 1;
	if (k->nqp++ == 0) {
		k->qp = c;
		k->qp_db = db;
	} else
		close(db);
	memset(&rep, 0, sizeof(rep));
	rep.qp = c->qp_num;
	rep.sq_depth = m->sq_depth;
	rep.rq_depth = m->rq_depth;
	rep.ord = m->ord;
	rep.ird = m->ird;
	rep.object_len = len;
	fk_send(s, k->buf, ctlv_qp_reply_encode(reqid, &rep, k->buf,
	    sizeof(k->buf)), fd);
	close(fd);
}

/* QP_QUERY: check the doorbell and the posted SQE/RQE of the first QP. */
static void
fk_qp_query(struct fk *k, int s, uint32_t reqid, uint32_t qp)
{
	struct rdmad_shm_sqe *sq = (struct rdmad_shm_sqe *)(void *)
	    ((char *)k->qp + k->qp->sq_offset);
	struct rdmad_shm_rqe *rq = (struct rdmad_shm_rqe *)(void *)
	    ((char *)k->qp + k->qp->rq_offset);
	struct ctlv_qp_info qi;
	uint64_t v = 0;

	FK_CHECK(qp == 100);
	FK_CHECK(read(k->qp_db, &v, sizeof(v)) == sizeof(v) && v == 1);
	FK_CHECK(__atomic_load_n(&sq[0].flags, __ATOMIC_ACQUIRE) ==
	    RDMAD_SHM_VALID);
	FK_CHECK(sq[0].opcode == RDMAD_SHM_OP_SEND && sq[0].wr_id == 77 &&
	    sq[0].num_sge == 1 && sq[0].sge[0].length == 5 &&
	    sq[0].sge[0].lkey == 0xabc00);
	FK_CHECK(__atomic_load_n(&rq[0].flags, __ATOMIC_ACQUIRE) ==
	    RDMAD_SHM_VALID && rq[0].wr_id == 66);
	memset(&qi, 0, sizeof(qi));
	qi.qp = qp;
	qi.state = CTLV_QPS_RTS;
	qi.transport = CTLV_TRANSPORT_TCP;
	qi.ord = 2;
	qi.ird = 3;
	strcpy(qi.why, k->fails ? "bad" : "sqe ok");
	strcpy(qi.peer, "peer.example:7471");
	fk_send(s, k->buf, ctlv_qp_info_encode(reqid, &qi, k->buf,
	    sizeof(k->buf)), -1);
}

/* MEM_REG: map the client's memory and leave a mark in it. */
static void
fk_mem_reg(struct fk *k, int s, uint32_t reqid,
    const struct ctlv_mem_reg *m, int fd)
{
	struct stat st;

	FK_CHECK(fd >= 0 && fstat(fd, &st) == 0 &&
	    (uint64_t)st.st_size >= m->length);
	/* rdmad maps only memfds that cannot shrink under it. */
	FK_CHECK(fcntl(fd, F_GET_SEALS) & F_SEAL_SHRINK);
	k->mem_len = m->length;
	k->mem_base = m->base;
	k->mem = mmap(NULL, m->length, PROT_READ | PROT_WRITE, MAP_SHARED,
	    fd, 0);
	FK_CHECK(k->mem != MAP_FAILED);
	close(fd);
	strcpy(k->mem, "daemon was here");
	fk_obj(k, s, reqid, 1000, m->length);
}

/* One request of a client. */
static void
fk_dispatch(struct fk *k, int s, const struct ctl_hdr *h,
    const union ctlv_any *m, int fd)
{
	const struct ctlv_mr_reg *mr = &m->mr_reg;

	switch (h->type) {
	case CTL_MSG_MEM_REG:
		fk_mem_reg(k, s, h->reqid, &m->mem_reg, fd);
		return;
	case CTL_MSG_PD_ALLOC:
		fk_obj(k, s, h->reqid, 1, 0);
		return;
	case CTL_MSG_MR_REG:
		FK_CHECK(mr->pd == 1 && mr->mem == 1000);
		FK_CHECK(mr->offset == 4096 && mr->length == 4096);
		FK_CHECK(mr->iova == k->mem_base + 4096);
		FK_CHECK(mr->access == 3);
		fk_obj(k, s, h->reqid, 0xabc00 + k->nmr++, 0);
		return;
	case CTL_MSG_MR_DEREG:
		if (k->nmr_dereg++ == 0)
			fk_result(k, s, h->reqid, EBUSY, "window bound");
		else
			fk_result(k, s, h->reqid, 0, "");
		return;
	case CTL_MSG_MW_ALLOC:
		FK_CHECK(m->mw_alloc.pd == 1 && m->mw_alloc.type == 2);
		fk_obj(k, s, h->reqid, 0xdef00, 0);
		return;
	case CTL_MSG_CQ_CREATE:
		FK_CHECK(m->cq_create.depth == 4 && fd >= 0);
		fk_cq_create(k, s, h->reqid, m->cq_create.depth, fd);
		return;
	case CTL_MSG_QP_CREATE:
		fk_qp_create(k, s, h->reqid, &m->qp_create, fd);
		return;
	case CTL_MSG_QP_CONNECT:
		FK_CHECK(m->qp_connect.port == 7471);
		FK_CHECK(m->qp_connect.transport == CTLV_TRANSPORT_TCP);
		if (strcmp(m->qp_connect.host, "reject") == 0) {
			fk_conn_reply(k, s, h->reqid, ECONNREFUSED,
			    "rejected by peer", "reject:7471", "go away");
			return;
		}
		FK_CHECK(strcmp(m->qp_connect.host, "peer.example") == 0);
		FK_CHECK(m->qp_connect.qp == 100);
		FK_CHECK(m->qp_connect.priv.len == 5 &&
		    memcmp(m->qp_connect.priv.data, "hello", 5) == 0);
		fk_conn_reply(k, s, h->reqid, 0, "TCP by configuration",
		    "peer.example:7471", "welcome");
		return;
	case CTL_MSG_QP_QUERY:
		fk_qp_query(k, s, h->reqid, m->id.id);
		return;
	case CTL_MSG_LISTEN:
		/* rdmad_listen(): transport AUTO, the daemon's default. */
		FK_CHECK(m->listen.port == 7471 && m->listen.backlog == 8 &&
		    m->listen.transport == CTLV_TRANSPORT_AUTO);
		k->listen_conn = s;
		fk_obj(k, s, h->reqid, 77, 0);
		fk_conn_request(k, s, 555, "hi");
		return;
	case CTL_MSG_ACCEPT:
		FK_CHECK(s == k->main_conn);
		FK_CHECK(m->accept.request == 555 && m->accept.qp == 102);
		FK_CHECK(m->accept.priv.len == 2 &&
		    memcmp(m->accept.priv.data, "ok", 2) == 0);
		fk_conn_reply(k, s, h->reqid, 0, "TCP", "10.0.0.9:40000", "");
		fk_conn_request(k, k->listen_conn, 556, "");
		return;
	case CTL_MSG_REJECT:
		FK_CHECK(m->reject.request == 556 && m->reject.priv.len == 2);
		fk_result(k, s, h->reqid, 0, "");
		return;
	case CTL_MSG_PD_FREE:
		FK_CHECK(m->id.id == 1);
		fk_result(k, s, h->reqid, 0, "");
		return;
	default:
		/* The other id types: MEM_DEREG, MW_DEALLOC, ... */
		FK_CHECK(ctlv_is_id_type(h->type));
		fk_result(k, s, h->reqid, 0, "");
		return;
	}
}

/* Read and answer one message; 0 when the peer closed. */
static int
fk_serve(struct fk *k, int s, int old)
{
	struct ctl_hello_reply hr = { CTL_PROTO_VERSION, 0, "fake 0.1" };
	union ctlv_any m;
	struct ctl_hdr h;
	ssize_t n;
	int fd, len;

	if ((n = fk_recv(k, s, &fd)) == 0)
		return 0;
	FK_CHECK(ctl_msg_check(k->buf, (size_t)n, fd >= 0, &h) == CTL_OK);
	FK_CHECK(ctl_msg_check_dir(&h, CTL_DIR_TO_DAEMON) == CTL_OK);
	FK_CHECK(h.reqid != 0);
	if (h.type == CTL_MSG_HELLO) {
		if (old) {
			/* A daemon from the future: version 99 everywhere. */
			hr.version = 99;
			len = ctl_hello_reply_encode(h.reqid, &hr, k->buf,
			    sizeof(k->buf));
			ctl_store_le32(k->buf + 8, 99);
			fk_send(s, k->buf, len, -1);
			return 1;
		}
		fk_send(s, k->buf, ctl_hello_reply_encode(h.reqid, &hr,
		    k->buf, sizeof(k->buf)), -1);
		return 1;
	}
	FK_CHECK(ctlv_decode(h.type, k->buf + CTL_HDR_LEN,
	    h.len - CTL_HDR_LEN, &m) == CTL_OK);
	fk_dispatch(k, s, &h, &m, fd);
	return 1;
}

/* The child's main loop: exit when the main connection closes. */
static void
fk_run(struct fk *k)
{
	struct pollfd p[2 + FK_MAXC];
	int i, j, s, old[FK_MAXC];

	for (;;) {
		p[0].fd = k->lfd;
		p[1].fd = k->lfd_old;
		for (i = 0; i < FK_MAXC; i++)
			p[2 + i].fd = k->conn[i];
		for (i = 0; i < 2 + FK_MAXC; i++)
			p[i].events = POLLIN;
		if (poll(p, 2 + FK_MAXC, 20000) <= 0)
			_exit(3);
		for (i = 0; i < 2; i++) {
			if (!(p[i].revents & POLLIN))
				continue;
			s = accept(p[i].fd, NULL, NULL);
			for (j = 0; j < FK_MAXC && k->conn[j] >= 0; j++)
				continue;
			if (s < 0 || j == FK_MAXC)
				_exit(4);
			k->conn[j] = s;
			old[j] = i;
			if (i == 0 && k->main_conn < 0)
				k->main_conn = s;
		}
		for (i = 0; i < FK_MAXC; i++) {
			if (k->conn[i] < 0 || !(p[2 + i].revents & (POLLIN |
			    POLLHUP)))
				continue;
			s = k->conn[i];
			if (fk_serve(k, s, old[i]))
				continue;
			close(s);
			k->conn[i] = -1;
			if (s == k->main_conn)
				_exit(k->fails ? 1 : 0);
		}
	}
}

/* ---- the client side ----------------------------------------------------- */

static pid_t t_child = -1;

/* Wait until fd is readable (1) or 2 s passed (0). */
static int
t_readable(int fd)
{
	struct pollfd p = { fd, POLLIN, 0 };

	return poll(&p, 1, 2000) == 1;
}

static void
t_open_errors(void)
{
	char longpath[300];
	rdmad_ctx_t *ctx = (rdmad_ctx_t *)&ctx;

	CU_ASSERT_EQUAL(rdmad_open(t_old, &ctx), -EPROTO);
	CU_ASSERT_PTR_NULL(ctx);
	CU_ASSERT_STRING_EQUAL(rdmad_last_error(NULL), "rdmad speaks "
	    "control protocol version 99, this library speaks 2");
	CU_ASSERT_EQUAL(rdmad_open("/nonexistent/rdmad.sock", &ctx), -ENOENT);
	CU_ASSERT_PTR_NOT_NULL(strstr(rdmad_last_error(NULL),
	    "/nonexistent/rdmad.sock"));
	memset(longpath, 'a', sizeof(longpath) - 1);
	longpath[0] = '/';
	longpath[sizeof(longpath) - 1] = '\0';
	CU_ASSERT_EQUAL(rdmad_open(longpath, &ctx), -ENAMETOOLONG);
	CU_ASSERT_PTR_NULL(ctx);
}

/* rdmad_mem_import(): sealable memfds only, long enough. */
static void
t_import(rdmad_ctx_t *ctx)
{
	struct rdmad_mem *m;
	int fd = memfd_create("app", MFD_CLOEXEC | MFD_ALLOW_SEALING);
	int nofd = memfd_create("app-unsealable", MFD_CLOEXEC);

	CU_ASSERT_FATAL(fd >= 0 && nofd >= 0);
	CU_ASSERT_FATAL(ftruncate(fd, 4096) == 0 &&
	    ftruncate(nofd, 4096) == 0);
	CU_ASSERT_EQUAL(rdmad_mem_import(ctx, fd, 8192, &m), -EINVAL);
	CU_ASSERT_EQUAL(rdmad_mem_import(ctx, nofd, 4096, &m), -EINVAL);
	CU_ASSERT_PTR_NULL(m);
	CU_ASSERT_EQUAL_FATAL(rdmad_mem_import(ctx, fd, 4096, &m), 0);
	CU_ASSERT(fcntl(fd, F_GET_SEALS) & F_SEAL_SHRINK);
	CU_ASSERT_STRING_EQUAL(rdmad_mem_addr(m), "daemon was here");
	CU_ASSERT_EQUAL(rdmad_mem_free(m), 0);
	/* The caller's descriptor is still its own. */
	CU_ASSERT_EQUAL(fcntl(fd, F_GETFD) >= 0, 1);
	close(fd);
	close(nofd);
}

/* Memory, PD, MR, MW, CQ and the error paths of each. */
static void
t_objects(rdmad_ctx_t *ctx, struct rdmad_mem **mem, struct rdmad_pd **pd,
    struct rdmad_mr **mr, struct rdmad_mw **mw, struct rdmad_cq **cq)
{
	struct rdmad_mw *mw2;
	struct rdmad_mr *mr2;
	struct rdmad_wc wc[2];
	char *a;

	CU_ASSERT_STRING_EQUAL(rdmad_daemon_version(ctx), "fake 0.1");
	CU_ASSERT_STRING_EQUAL(rdmad_last_error(ctx), "");
	CU_ASSERT_EQUAL(rdmad_mem_alloc(ctx, 0, mem), -EINVAL);
	CU_ASSERT_EQUAL_FATAL(rdmad_mem_alloc(ctx, 8192, mem), 0);
	a = rdmad_mem_addr(*mem);
	CU_ASSERT_EQUAL(rdmad_mem_len(*mem), 8192);
	/* Shared for real: the daemon wrote into it before replying. */
	CU_ASSERT_STRING_EQUAL(a, "daemon was here");

	CU_ASSERT_EQUAL_FATAL(rdmad_pd_alloc(ctx, pd), 0);
	CU_ASSERT_EQUAL(rdmad_reg_mr(*pd, a + 4096, 4097, 1, &mr2), -EFAULT);
	CU_ASSERT_PTR_NULL(mr2);
	CU_ASSERT_EQUAL(rdmad_reg_mr(*pd, a + 4096, 4096,
	    RDMAD_ACCESS_REMOTE_WRITE, &mr2), -EINVAL);
	CU_ASSERT_EQUAL(rdmad_reg_mr(*pd, a, 16, 0x20, &mr2), -EINVAL);
	CU_ASSERT_EQUAL_FATAL(rdmad_reg_mr(*pd, a + 4096, 4096,
	    RDMAD_ACCESS_LOCAL_WRITE | RDMAD_ACCESS_REMOTE_WRITE, mr), 0);
	CU_ASSERT_EQUAL(rdmad_mr_stag(*mr), 0xabc00);
	CU_ASSERT_EQUAL(rdmad_mem_free(*mem), -EBUSY);
	CU_ASSERT_EQUAL(rdmad_alloc_mw(*pd, 3, &mw2), -EINVAL);
	CU_ASSERT_EQUAL_FATAL(rdmad_alloc_mw(*pd, RDMAD_MW_TYPE_2, mw), 0);
	CU_ASSERT_EQUAL(rdmad_mw_stag(*mw), 0xdef00);

	/* The fake daemon put a CQE in and signalled the eventfd. */
	CU_ASSERT_EQUAL(rdmad_create_cq(ctx, 0, cq), -EINVAL);
	CU_ASSERT_EQUAL_FATAL(rdmad_create_cq(ctx, 4, cq), 0);
	CU_ASSERT(t_readable(rdmad_cq_fd(*cq)));
	CU_ASSERT_EQUAL(rdmad_cq_ack_event(*cq), 1);
	CU_ASSERT_EQUAL(rdmad_cq_ack_event(*cq), -EAGAIN);
	CU_ASSERT_EQUAL(rdmad_req_notify_cq(*cq, 0), 1);
	CU_ASSERT_EQUAL(rdmad_poll_cq(*cq, 2, wc), 1);
	CU_ASSERT_EQUAL(wc[0].wr_id, 4242);
	CU_ASSERT_EQUAL(wc[0].opcode, RDMAD_WC_RECV);
	CU_ASSERT_EQUAL(wc[0].byte_len, 5);
	CU_ASSERT_EQUAL(rdmad_req_notify_cq(*cq, 1), 0);
	CU_ASSERT_EQUAL(rdmad_poll_cq(*cq, 2, wc), 0);
	t_import(ctx);
}

/* Two QPs: one connects, one is rejected. */
static void
t_qps(rdmad_ctx_t *ctx, struct rdmad_mem *mem, struct rdmad_pd *pd,
    struct rdmad_mr *mr, struct rdmad_cq *cq, struct rdmad_qp **qp,
    struct rdmad_qp **qp2)
{
	struct rdmad_qp_attr attr = { cq, cq, 2, 2, 4, 4,
	    RDMAD_TRANSPORT_TCP };
	struct rdmad_qp_attr bad = attr;
	struct rdmad_send_wr swr;
	struct rdmad_recv_wr rwr;
	struct rdmad_qp_info info;
	const void *pp;
	size_t plen;

	bad.send_cq = NULL;
	CU_ASSERT_EQUAL(rdmad_create_qp(pd, &bad, qp), -EINVAL);
	bad = attr;
	bad.rq_depth = 0;
	CU_ASSERT_EQUAL(rdmad_create_qp(pd, &bad, qp), -EINVAL);
	CU_ASSERT_EQUAL_FATAL(rdmad_create_qp(pd, &attr, qp), 0);
	CU_ASSERT_EQUAL(rdmad_qp_num(*qp), 100);

	memset(&swr, 0, sizeof(swr));
	swr.wr_id = 77;
	swr.opcode = RDMAD_WR_SEND;
	swr.num_sge = 1;
	swr.sg_list[0].addr = (uintptr_t)rdmad_mem_addr(mem) + 4096;
	swr.sg_list[0].length = 5;
	swr.sg_list[0].lkey = rdmad_mr_stag(mr);
	memset(&rwr, 0, sizeof(rwr));
	rwr.wr_id = 66;
	CU_ASSERT_EQUAL(rdmad_post_send(*qp, &swr), -ENOTCONN);
	CU_ASSERT_EQUAL(rdmad_post_recv(*qp, &rwr), 0);

	CU_ASSERT_EQUAL(rdmad_connect(*qp, "peer.example", 7471, "hello", 300),
	    -EINVAL);
	CU_ASSERT_EQUAL(rdmad_connect(*qp, "peer.example", 7471, "hello", 5),
	    0);
	pp = rdmad_qp_peer_private_data(*qp, &plen);
	CU_ASSERT_EQUAL(plen, 7);
	CU_ASSERT(pp != NULL && memcmp(pp, "welcome", 7) == 0);
	CU_ASSERT_EQUAL(rdmad_connect(*qp, "peer.example", 7471, NULL, 0),
	    -EISCONN);
	CU_ASSERT_EQUAL(rdmad_post_send(*qp, &swr), 0);

	/* The fake daemon checks the doorbell and the slots here. */
	CU_ASSERT_EQUAL(rdmad_qp_query(*qp, &info), 0);
	CU_ASSERT_EQUAL(info.qp_num, 100);
	CU_ASSERT_EQUAL(info.state, RDMAD_QPS_RTS);
	CU_ASSERT_EQUAL(info.transport, RDMAD_TRANSPORT_TCP);
	CU_ASSERT_STRING_EQUAL(info.transport_why, "sqe ok");
	CU_ASSERT_STRING_EQUAL(info.peer, "peer.example:7471");
	CU_ASSERT_EQUAL(info.ord, 2);
	CU_ASSERT_EQUAL(info.ird, 3);

	CU_ASSERT_EQUAL_FATAL(rdmad_create_qp(pd, &attr, qp2), 0);
	CU_ASSERT_EQUAL(rdmad_connect(*qp2, "reject", 7471, "x", 1),
	    -ECONNREFUSED);
	CU_ASSERT_STRING_EQUAL(rdmad_last_error(ctx),
	    "connect to reject:7471 failed: rejected by peer");
	pp = rdmad_qp_peer_private_data(*qp2, &plen);
	CU_ASSERT_EQUAL(plen, 7);
	CU_ASSERT(pp != NULL && memcmp(pp, "go away", 7) == 0);
	CU_ASSERT_EQUAL(rdmad_post_send(*qp2, &swr), -ENOTCONN);
}

/* Listen, accept one request, reject the next. */
static void
t_passive(rdmad_ctx_t *ctx, struct rdmad_pd *pd, struct rdmad_cq *cq,
    struct rdmad_qp **qp3, struct rdmad_listener **l)
{
	struct rdmad_qp_attr attr = { cq, cq, 2, 2, 4, 4,
	    RDMAD_TRANSPORT_AUTO };
	struct rdmad_conn_req *req, *req2;
	unsigned int ird, ord;
	const void *pp;
	size_t plen;

	struct rdmad_listen_attr bad = { 8, (enum rdmad_transport)3 };

	/* An unknown transport never reaches the daemon. */
	CU_ASSERT_EQUAL(rdmad_listen_with(ctx, 7471, &bad, l), -EINVAL);
	CU_ASSERT_PTR_NULL(*l);
	CU_ASSERT_EQUAL_FATAL(rdmad_listen(ctx, 7471, 8, l), 0);
	CU_ASSERT(rdmad_listener_fd(*l) >= 0);
	CU_ASSERT(t_readable(rdmad_listener_fd(*l)));
	CU_ASSERT_EQUAL_FATAL(rdmad_get_request(*l, 1, &req), 0);
	CU_ASSERT_EQUAL(rdmad_get_request(*l, 1, &req2), -EAGAIN);
	CU_ASSERT_PTR_NULL(req2);
	pp = rdmad_req_private_data(req, &plen);
	CU_ASSERT_EQUAL(plen, 2);
	CU_ASSERT(pp != NULL && memcmp(pp, "hi", 2) == 0);
	CU_ASSERT_STRING_EQUAL(rdmad_req_peer(req), "10.0.0.9:40000");
	rdmad_req_ird_ord(req, &ird, &ord);
	CU_ASSERT_EQUAL(ird, 3);
	CU_ASSERT_EQUAL(ord, 5);

	CU_ASSERT_EQUAL_FATAL(rdmad_create_qp(pd, &attr, qp3), 0);
	CU_ASSERT_EQUAL(rdmad_qp_num(*qp3), 102);
	CU_ASSERT_EQUAL(rdmad_accept(req, *qp3, "toolong", 257), -EINVAL);
	CU_ASSERT_EQUAL(rdmad_accept(req, *qp3, "ok", 2), 0);
	pp = rdmad_qp_peer_private_data(*qp3, &plen);
	CU_ASSERT_PTR_NULL(pp);
	CU_ASSERT_EQUAL(plen, 0);

	/* The daemon pushed another request after the accept. */
	CU_ASSERT_EQUAL_FATAL(rdmad_get_request(*l, 0, &req2), 0);
	CU_ASSERT_PTR_NULL(rdmad_req_private_data(req2, &plen));
	CU_ASSERT_EQUAL(plen, 0);
	CU_ASSERT_EQUAL(rdmad_reject(req2, "no", 2), 0);
}

/*
 * The daemon is gone (the fake exited): the data path says so — what
 * the CQ holds first, then -ENOTCONN; the CQ descriptor is readable.
 */
static void
t_gone(rdmad_ctx_t *ctx, struct rdmad_cq *cq)
{
	struct rdmad_wc wc[2];

	CU_ASSERT_EQUAL(rdmad_cq_ack_event(cq), 1);	/* the fake's write */
	CU_ASSERT_EQUAL(rdmad_poll_cq(cq, 2, wc), 1);	/* the fake's CQE */
	CU_ASSERT_EQUAL(wc[0].wr_id, 4242);
	CU_ASSERT_EQUAL(rdmad_poll_cq(cq, 2, wc), -ENOTCONN);
	CU_ASSERT_EQUAL(rdmad_req_notify_cq(cq, 0), -ENOTCONN);
	CU_ASSERT(t_readable(rdmad_cq_fd(cq)));		/* the hang-up */
	CU_ASSERT_EQUAL(rdmad_destroy_cq(cq), 0);	/* local only */
	rdmad_close(ctx);
}

/* The whole conversation with the fake daemon, then tear-down. */
static void
t_scenario(void)
{
	rdmad_ctx_t *ctx, *ctx2;
	struct rdmad_cq *cq2;
	struct rdmad_mem *mem;
	struct rdmad_pd *pd;
	struct rdmad_mr *mr;
	struct rdmad_mw *mw;
	struct rdmad_cq *cq;
	struct rdmad_qp *qp, *qp2, *qp3;
	struct rdmad_listener *l;
	int status;

	CU_ASSERT_EQUAL_FATAL(setenv(RDMAD_ENV_SOCKET, t_ok, 1), 0);
	CU_ASSERT_EQUAL_FATAL(rdmad_open(NULL, &ctx), 0);
	/* A second session, to see the daemon die at the end. */
	CU_ASSERT_EQUAL_FATAL(rdmad_open(NULL, &ctx2), 0);
	CU_ASSERT_EQUAL_FATAL(rdmad_create_cq(ctx2, 4, &cq2), 0);
	t_objects(ctx, &mem, &pd, &mr, &mw, &cq);
	t_qps(ctx, mem, pd, mr, cq, &qp, &qp2);
	t_passive(ctx, pd, cq, &qp3, &l);

	/* Parents in use; an error from the daemon is passed through. */
	CU_ASSERT_EQUAL(rdmad_destroy_cq(cq), -EBUSY);
	CU_ASSERT_EQUAL(rdmad_pd_free(pd), -EBUSY);
	CU_ASSERT_EQUAL(rdmad_dereg_mr(mr), -EBUSY);
	CU_ASSERT_STRING_EQUAL(rdmad_last_error(ctx), "rdmad: window bound");
	CU_ASSERT_EQUAL(rdmad_listener_close(l), 0);
	CU_ASSERT_EQUAL(rdmad_destroy_qp(qp), 0);
	CU_ASSERT_EQUAL(rdmad_destroy_qp(qp2), 0);
	CU_ASSERT_EQUAL(rdmad_destroy_qp(qp3), 0);
	CU_ASSERT_EQUAL(rdmad_destroy_cq(cq), 0);
	CU_ASSERT_EQUAL(rdmad_dealloc_mw(mw), 0);
	CU_ASSERT_EQUAL(rdmad_dereg_mr(mr), 0);
	CU_ASSERT_EQUAL(rdmad_mem_free(mem), 0);
	CU_ASSERT_EQUAL(rdmad_pd_free(pd), 0);
	rdmad_close(ctx);

	/* The fake daemon's own checks. */
	CU_ASSERT_EQUAL_FATAL(waitpid(t_child, &status, 0), t_child);
	t_child = -1;
	CU_ASSERT(WIFEXITED(status));
	CU_ASSERT_EQUAL(WEXITSTATUS(status), 0);
	t_gone(ctx2, cq2);
}

/* A listening SEQPACKET socket at path. */
static int
t_listen(const char *path)
{
	struct sockaddr_un sun;
	int s = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);

	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	snprintf(sun.sun_path, sizeof(sun.sun_path), "%s", path);
	if (s < 0 || bind(s, (struct sockaddr *)&sun, sizeof(sun)) < 0 ||
	    listen(s, 8) < 0)
		return -1;
	return s;
}

int
main(void)
{
	static const struct tutil_case cases[] = {
		{ "rdmad_open errors", t_open_errors },
		{ "a whole session", t_scenario },
		{ NULL, NULL }
	};
	static struct fk k;
	int rc, i;

	snprintf(t_dir, sizeof(t_dir), "/tmp/rdmad-test.XXXXXX");
	if (mkdtemp(t_dir) == NULL)
		return 2;
	snprintf(t_ok, sizeof(t_ok), "%s/ok", t_dir);
	snprintf(t_old, sizeof(t_old), "%s/old", t_dir);
	k.lfd = t_listen(t_ok);
	k.lfd_old = t_listen(t_old);
	if (k.lfd < 0 || k.lfd_old < 0)
		return 2;
	k.main_conn = k.listen_conn = -1;
	for (i = 0; i < FK_MAXC; i++)
		k.conn[i] = -1;
	fflush(NULL);
	if ((t_child = fork()) < 0)
		return 2;
	if (t_child == 0) {
		fk_self = &k;
		fk_run(&k);
		_exit(5);
	}
	close(k.lfd);
	close(k.lfd_old);
	rc = tutil_run("lib_conn", cases);
	if (t_child > 0) {
		kill(t_child, SIGKILL);
		waitpid(t_child, NULL, 0);
	}
	unlink(t_ok);
	unlink(t_old);
	rmdir(t_dir);
	return rc;
}
