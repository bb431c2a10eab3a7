/* api_mem.c — librdmad contexts, shared memory, PDs, MRs and MWs. */
#include "config.h"

#include <sys/mman.h>
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lib.h"

_Static_assert(RDMAD_ACCESS_LOCAL_WRITE == CTLV_ACCESS_LOCAL_WRITE &&
    RDMAD_ACCESS_REMOTE_WRITE == CTLV_ACCESS_REMOTE_WRITE &&
    RDMAD_ACCESS_REMOTE_READ == CTLV_ACCESS_REMOTE_READ &&
    RDMAD_ACCESS_REMOTE_ATOMIC == CTLV_ACCESS_REMOTE_ATOMIC &&
    RDMAD_ACCESS_MW_BIND == CTLV_ACCESS_MW_BIND, "access bits");

/* Open a session with the daemon. */
int
rdmad_open(const char *socket_path, rdmad_ctx_t **ctxp)
{
	struct rdmad_ctx *ctx;
	const char *path = socket_path;
	int r;

	*ctxp = NULL;
	lib_open_err()[0] = '\0';
	if (path == NULL)
		path = secure_getenv(RDMAD_ENV_SOCKET);
	if (path == NULL || *path == '\0')
		path = RDMAD_DEFAULT_SOCKET;
	if (strlen(path) >= sizeof(ctx->path))
		return lib_err(lib_open_err(), -ENAMETOOLONG,
		    "socket path too long: %s", path);
	if ((ctx = calloc(1, sizeof(*ctx))) == NULL)
		return lib_err(lib_open_err(), -ENOMEM, "out of memory");
	memcpy(ctx->path, path, strlen(path) + 1);
	LIST_INIT(&ctx->mems);
	LIST_INIT(&ctx->pds);
	LIST_INIT(&ctx->mrs);
	LIST_INIT(&ctx->mws);
	LIST_INIT(&ctx->cqs);
	LIST_INIT(&ctx->qps);
	LIST_INIT(&ctx->listeners);
	LIST_INIT(&ctx->reqs);
	ctx->conn.err = ctx->err;
	if ((r = lib_conn_open(&ctx->conn, ctx->path,
	    ctx->daemon_version)) < 0) {
		memcpy(lib_open_err(), ctx->err, LIB_ERR_LEN);
		free(ctx);
		return r;
	}
	*ctxp = ctx;
	return 0;
}

/* Release everything locally; closing the socket releases the rest. */
void
rdmad_close(rdmad_ctx_t *ctx)
{
	struct rdmad_listener *l;
	struct rdmad_conn_req *req;
	struct rdmad_qp *qp;
	struct rdmad_cq *cq;
	struct rdmad_mr *mr;
	struct rdmad_mw *mw;
	struct rdmad_pd *pd;
	struct rdmad_mem *mem;

	if (ctx == NULL)
		return;
	while ((l = LIST_FIRST(&ctx->listeners)) != NULL)
		lib_listener_release(l);
	while ((req = LIST_FIRST(&ctx->reqs)) != NULL) {
		LIST_REMOVE(req, entry);
		free(req);
	}
	while ((qp = LIST_FIRST(&ctx->qps)) != NULL)
		lib_qp_release(qp);
	while ((cq = LIST_FIRST(&ctx->cqs)) != NULL)
		lib_cq_release(cq);
	while ((mw = LIST_FIRST(&ctx->mws)) != NULL) {
		LIST_REMOVE(mw, entry);
		free(mw);
	}
	while ((mr = LIST_FIRST(&ctx->mrs)) != NULL) {
		LIST_REMOVE(mr, entry);
		free(mr);
	}
	while ((pd = LIST_FIRST(&ctx->pds)) != NULL) {
		LIST_REMOVE(pd, entry);
		free(pd);
	}
	while ((mem = LIST_FIRST(&ctx->mems)) != NULL) {
		LIST_REMOVE(mem, entry);
		(void)munmap(mem->addr, mem->len);
		(void)close(mem->fd);
		free(mem);
	}
	lib_conn_close(&ctx->conn);
	free(ctx);
}

/* Send an id-only request answered by RESULT(0). */
int
lib_destroy_req(struct rdmad_ctx *ctx, uint32_t type, uint32_t id)
{
	struct ctlv_id m = { id };
	union ctlv_any out;
	int n;

	/* The daemon dropped everything of a lost connection. */
	if (ctx->conn.dead)
		return 0;
	n = ctlv_id_encode(type, lib_conn_reqid(&ctx->conn), &m,
	    ctx->conn.buf, sizeof(ctx->conn.buf));
	n = lib_conn_request(&ctx->conn, n, -1, CTL_MSG_RESULT, &out, NULL,
	    LIB_TIMEOUT_MS);
	return n == -ENOTCONN && ctx->conn.dead ? 0 : n;
}

/* MEM_REG an already mapped fd and link the object. */
static int
lib_mem_register(struct rdmad_ctx *ctx, int fd, void *addr, size_t len,
    struct rdmad_mem **memp)
{
	struct ctlv_mem_reg m = { len, (uint64_t)(uintptr_t)addr };
	struct rdmad_mem *mem;
	union ctlv_any out;
	int n;

	if ((mem = calloc(1, sizeof(*mem))) == NULL)
		return lib_err(ctx->err, -ENOMEM, "out of memory");
	n = ctlv_mem_reg_encode(lib_conn_reqid(&ctx->conn), &m,
	    ctx->conn.buf, sizeof(ctx->conn.buf));
	if ((n = lib_conn_request(&ctx->conn, n, fd, CTL_MSG_OBJ_REPLY, &out,
	    NULL, LIB_TIMEOUT_MS)) < 0) {
		free(mem);
		return n;
	}
	mem->ctx = ctx;
	mem->id = out.obj_reply.id;
	mem->fd = fd;
	mem->addr = addr;
	mem->len = len;
	LIST_INSERT_HEAD(&ctx->mems, mem, entry);
	*memp = mem;
	return 0;
}

/* Map len octets of fd shared, register, or undo everything. */
static int
lib_mem_map(struct rdmad_ctx *ctx, int fd, size_t len,
    struct rdmad_mem **memp)
{
	void *addr;
	int r;

	addr = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (addr == MAP_FAILED) {
		r = -errno;
		(void)close(fd);
		return lib_err(ctx->err, r, "mmap: %s", rdmad_strerror(r));
	}
	if ((r = lib_mem_register(ctx, fd, addr, len, memp)) < 0) {
		(void)munmap(addr, len);
		(void)close(fd);
	}
	return r;
}

/*
 * The daemon maps only memfds sealed against shrinking: a shrunk file
 * would make its accesses fault (SIGBUS).  Add the seal unless present.
 */
static int
lib_mem_seal(struct rdmad_ctx *ctx, int fd)
{
	int seals = fcntl(fd, F_GET_SEALS);

	if (seals >= 0 && (seals & F_SEAL_SHRINK))
		return 0;
	if (fcntl(fd, F_ADD_SEALS, F_SEAL_SHRINK) < 0)
		return lib_err(ctx->err, -EINVAL, "cannot seal the memfd "
		    "against shrinking (%s): create it with "
		    "MFD_ALLOW_SEALING", rdmad_strerror(-errno));
	return 0;
}

/* A new sealed memfd of len octets, mapped and registered. */
int
rdmad_mem_alloc(rdmad_ctx_t *ctx, size_t len, struct rdmad_mem **mem)
{
	int fd, r;

	*mem = NULL;
	if (len == 0)
		return lib_err(ctx->err, -EINVAL, "zero length");
	if ((fd = memfd_create("rdmad-mem", MFD_CLOEXEC |
	    MFD_ALLOW_SEALING)) < 0)
		return lib_err(ctx->err, -errno, "memfd_create: %s",
		    rdmad_strerror(-errno));
	if (ftruncate(fd, (off_t)len) < 0) {
		r = -errno;
		(void)close(fd);
		return lib_err(ctx->err, r, "ftruncate: %s",
		    rdmad_strerror(r));
	}
	if ((r = lib_mem_seal(ctx, fd)) < 0) {
		(void)close(fd);
		return r;
	}
	return lib_mem_map(ctx, fd, len, mem);
}

/* Register an application memfd (duplicated, sealed, mapped). */
int
rdmad_mem_import(rdmad_ctx_t *ctx, int fd, size_t len,
    struct rdmad_mem **mem)
{
	struct stat st;
	int dfd, r;

	*mem = NULL;
	if (len == 0 || fd < 0)
		return lib_err(ctx->err, -EINVAL, "bad fd or zero length");
	if (fstat(fd, &st) < 0)
		return lib_err(ctx->err, -errno, "fstat: %s",
		    rdmad_strerror(-errno));
	if (st.st_size < 0 || (uint64_t)st.st_size < len)
		return lib_err(ctx->err, -EINVAL,
		    "file shorter than the length given");
	if ((dfd = fcntl(fd, F_DUPFD_CLOEXEC, 0)) < 0)
		return lib_err(ctx->err, -errno, "dup: %s",
		    rdmad_strerror(-errno));
	if ((r = lib_mem_seal(ctx, dfd)) < 0) {
		(void)close(dfd);
		return r;
	}
	return lib_mem_map(ctx, dfd, len, mem);
}

void *
rdmad_mem_addr(const struct rdmad_mem *mem)
{
	return mem->addr;
}

size_t
rdmad_mem_len(const struct rdmad_mem *mem)
{
	return mem->len;
}

/* MEM_DEREG, then unmap and close. */
int
rdmad_mem_free(struct rdmad_mem *mem)
{
	int r;

	if (mem->refs > 0)
		return lib_err(mem->ctx->err, -EBUSY,
		    "memory still covered by %u region(s)", mem->refs);
	if ((r = lib_destroy_req(mem->ctx, CTL_MSG_MEM_DEREG, mem->id)) < 0)
		return r;
	LIST_REMOVE(mem, entry);
	(void)munmap(mem->addr, mem->len);
	(void)close(mem->fd);
	free(mem);
	return 0;
}

/* ---- protection domains ------------------------------------------------ */

/* PD_ALLOC: a new protection domain. */
int
rdmad_pd_alloc(rdmad_ctx_t *ctx, struct rdmad_pd **pdp)
{
	struct rdmad_pd *pd;
	union ctlv_any out;
	int n;

	*pdp = NULL;
	if ((pd = calloc(1, sizeof(*pd))) == NULL)
		return lib_err(ctx->err, -ENOMEM, "out of memory");
	n = ctlv_pd_alloc_encode(lib_conn_reqid(&ctx->conn), ctx->conn.buf,
	    sizeof(ctx->conn.buf));
	if ((n = lib_conn_request(&ctx->conn, n, -1, CTL_MSG_OBJ_REPLY, &out,
	    NULL, LIB_TIMEOUT_MS)) < 0) {
		free(pd);
		return n;
	}
	pd->ctx = ctx;
	pd->id = out.obj_reply.id;
	LIST_INSERT_HEAD(&ctx->pds, pd, entry);
	*pdp = pd;
	return 0;
}

/* PD_FREE once nothing uses the PD. */
int
rdmad_pd_free(struct rdmad_pd *pd)
{
	int r;

	if (pd->refs > 0)
		return lib_err(pd->ctx->err, -EBUSY,
		    "PD still used by %u object(s)", pd->refs);
	if ((r = lib_destroy_req(pd->ctx, CTL_MSG_PD_FREE, pd->id)) < 0)
		return r;
	LIST_REMOVE(pd, entry);
	free(pd);
	return 0;
}

/* ---- memory regions and windows ---------------------------------------- */

/* The mem of ctx holding [addr, addr+len), or NULL. */
static struct rdmad_mem *
lib_mem_find(struct rdmad_ctx *ctx, uintptr_t addr, size_t len)
{
	struct rdmad_mem *mem;
	uintptr_t base;

	LIST_FOREACH(mem, &ctx->mems, entry) {
		base = (uintptr_t)mem->addr;
		if (addr >= base && addr - base <= mem->len &&
		    len <= mem->len - (addr - base))
			return mem;
	}
	return NULL;
}

/* MR_REG of a range inside one mem of the context. */
int
rdmad_reg_mr(struct rdmad_pd *pd, void *addr, size_t len,
    unsigned int access, struct rdmad_mr **mrp)
{
	struct rdmad_ctx *ctx = pd->ctx;
	struct ctlv_mr_reg m;
	struct rdmad_mem *mem;
	struct rdmad_mr *mr;
	union ctlv_any out;
	int n;

	*mrp = NULL;
	if (len == 0 || (access & ~CTLV_ACCESS_ALL) != 0)
		return lib_err(ctx->err, -EINVAL, "zero length or bad access");
	if ((access & (RDMAD_ACCESS_REMOTE_WRITE |
	    RDMAD_ACCESS_REMOTE_ATOMIC)) &&
	    !(access & RDMAD_ACCESS_LOCAL_WRITE))
		return lib_err(ctx->err, -EINVAL,
		    "remote write or atomic access needs local write");
	if ((mem = lib_mem_find(ctx, (uintptr_t)addr, len)) == NULL)
		return lib_err(ctx->err, -EFAULT, "range not inside memory "
		    "from rdmad_mem_alloc() or rdmad_mem_import()");
	if ((mr = calloc(1, sizeof(*mr))) == NULL)
		return lib_err(ctx->err, -ENOMEM, "out of memory");
	m.pd = pd->id;
	m.mem = mem->id;
	m.offset = (uintptr_t)addr - (uintptr_t)mem->addr;
	m.length = len;
	m.iova = (uintptr_t)addr;
	m.access = access;
	n = ctlv_mr_reg_encode(lib_conn_reqid(&ctx->conn), &m,
	    ctx->conn.buf, sizeof(ctx->conn.buf));
	if ((n = lib_conn_request(&ctx->conn, n, -1, CTL_MSG_OBJ_REPLY, &out,
	    NULL, LIB_TIMEOUT_MS)) < 0) {
		free(mr);
		return n;
	}
	mr->pd = pd;
	mr->mem = mem;
	mr->stag = out.obj_reply.id;
	mem->refs++;
	pd->refs++;
	LIST_INSERT_HEAD(&ctx->mrs, mr, entry);
	*mrp = mr;
	return 0;
}

/* MR_DEREG; the daemon refuses while a window is bound. */
int
rdmad_dereg_mr(struct rdmad_mr *mr)
{
	int r;

	if ((r = lib_destroy_req(mr->pd->ctx, CTL_MSG_MR_DEREG,
	    mr->stag)) < 0)
		return r;
	mr->mem->refs--;
	mr->pd->refs--;
	LIST_REMOVE(mr, entry);
	free(mr);
	return 0;
}

uint32_t
rdmad_mr_stag(const struct rdmad_mr *mr)
{
	return mr->stag;
}

/* MW_ALLOC of a type 1 or 2 window. */
int
rdmad_alloc_mw(struct rdmad_pd *pd, int type, struct rdmad_mw **mwp)
{
	struct rdmad_ctx *ctx = pd->ctx;
	struct ctlv_mw_alloc m;
	struct rdmad_mw *mw;
	union ctlv_any out;
	int n;

	*mwp = NULL;
	if (type != RDMAD_MW_TYPE_1 && type != RDMAD_MW_TYPE_2)
		return lib_err(ctx->err, -EINVAL, "bad window type %d", type);
	if ((mw = calloc(1, sizeof(*mw))) == NULL)
		return lib_err(ctx->err, -ENOMEM, "out of memory");
	m.pd = pd->id;
	m.type = (uint32_t)type;
	n = ctlv_mw_alloc_encode(lib_conn_reqid(&ctx->conn), &m,
	    ctx->conn.buf, sizeof(ctx->conn.buf));
	if ((n = lib_conn_request(&ctx->conn, n, -1, CTL_MSG_OBJ_REPLY, &out,
	    NULL, LIB_TIMEOUT_MS)) < 0) {
		free(mw);
		return n;
	}
	mw->pd = pd;
	mw->stag = out.obj_reply.id;
	mw->type = type;
	pd->refs++;
	LIST_INSERT_HEAD(&ctx->mws, mw, entry);
	*mwp = mw;
	return 0;
}

/* MW_DEALLOC. */
int
rdmad_dealloc_mw(struct rdmad_mw *mw)
{
	int r;

	if ((r = lib_destroy_req(mw->pd->ctx, CTL_MSG_MW_DEALLOC,
	    mw->stag)) < 0)
		return r;
	mw->pd->refs--;
	LIST_REMOVE(mw, entry);
	free(mw);
	return 0;
}

uint32_t
rdmad_mw_stag(const struct rdmad_mw *mw)
{
	return mw->stag;
}
