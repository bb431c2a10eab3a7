/* rdmatest_util.c — rdmatest: options, output, pattern, set-up, CQ wait. */

#include "rdmatest.h"

/* ---- options and results --------------------------------------------- */

const char	*opt_sock;
const char	*opt_host = "127.0.0.1";
unsigned int	 opt_port = 7471;
unsigned int	 opt_iter = 10;
uint64_t		 opt_seed;
unsigned int	 opt_qps = 1;
size_t		 opt_max = 64u << 20;
const char	*opt_ops = "all";
const char	*opt_neg;
const char	*opt_sizes;
unsigned int	 opt_time = 120;	/* seconds for the whole run */
int		 opt_quiet;
int		 opt_spin;
unsigned int	 opt_linger;	/* server: ms before tearing down */
enum rdmad_transport opt_transport = RDMAD_TRANSPORT_TCP;
enum rdmad_transport opt_listen_transport = RDMAD_TRANSPORT_AUTO;
enum rdmad_transport opt_expect = RDMAD_TRANSPORT_TCP;
const char	*opt_expect_why;

pthread_mutex_t	 t_lock = PTHREAD_MUTEX_INITIALIZER;
unsigned int	 t_pass, t_fail;
struct timespec	 t_start;

/* Seconds since start-up. */
double
t_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)(ts.tv_sec - t_start.tv_sec) +
	    (double)(ts.tv_nsec - t_start.tv_nsec) / 1e9;
}

/* One output line: prefix, message, newline, flushed (t_lock held). */
static void t_vline(const char *, const char *, va_list)
    __attribute__((format(printf, 2, 0)));
static void
t_vline(const char *prefix, const char *fmt, va_list ap)
{
	fputs(prefix, stdout);
	vprintf(fmt, ap);
	putchar('\n');
	fflush(stdout);
}

/* Record and print one check. */
bool __attribute__((format(printf, 2, 3)))
check(bool ok, const char *fmt, ...)
{
	va_list ap;

	pthread_mutex_lock(&t_lock);
	if (ok)
		t_pass++;
	else
		t_fail++;
	if (!ok || !opt_quiet) {
		va_start(ap, fmt);
		t_vline(ok ? "ok   - " : "FAIL - ", fmt, ap);
		va_end(ap);
	}
	pthread_mutex_unlock(&t_lock);
	return ok;
}

/* Print an informational line. */
void __attribute__((format(printf, 1, 2)))
info(const char *fmt, ...)
{
	va_list ap;

	pthread_mutex_lock(&t_lock);
	va_start(ap, fmt);
	t_vline("# ", fmt, ap);
	va_end(ap);
	pthread_mutex_unlock(&t_lock);
}

/* ---- pattern, checksum, random numbers ------------------------------ */

/* splitmix64 finalizer. */
static uint64_t
mix64(uint64_t x)
{
	x += 0x9e3779b97f4a7c15ull;
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
	x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
	return x ^ (x >> 31);
}

/* Next value of a per-thread generator. */
uint64_t
rnd(uint64_t *s)
{
	*s += 0x9e3779b97f4a7c15ull;
	return mix64(*s);
}

/* FNV-1a over len octets. */
uint64_t
fnv(uint64_t h, const uint8_t *p, size_t len)
{
	while (len-- > 0) {
		h ^= *p++;
		h *= 0x100000001b3ull;
	}
	return h;
}

/* The pattern octet at absolute offset off for seed. */
static inline uint8_t
pat_at(uint64_t seed, uint64_t off, uint64_t *w, uint64_t *wi)
{
	if (*wi != off >> 3) {
		*wi = off >> 3;
		*w = mix64(seed ^ (*wi * 0x2545f4914f6cdd1dull));
	}
	return (uint8_t)(*w >> ((off & 7) * 8));
}

/* Fill p with the pattern of offsets [off, off + len). */
void
pat_fill(uint8_t *p, uint64_t off, size_t len, uint64_t seed)
{
	uint64_t w = 0, wi = UINT64_MAX;
	size_t i;

	for (i = 0; i < len; i++)
		p[i] = pat_at(seed, off + i, &w, &wi);
}

/* FNV-1a continued over the pattern of offsets [off, off + len). */
uint64_t
pat_fnv(uint64_t h, uint64_t off, size_t len, uint64_t seed)
{
	uint64_t w = 0, wi = UINT64_MAX;
	size_t i;

	for (i = 0; i < len; i++) {
		h ^= pat_at(seed, off + i, &w, &wi);
		h *= 0x100000001b3ull;
	}
	return h;
}

/* ---- set-up, waiting for completions -------------------------------- */

/* A Send of message m, copied (with its magic) into slot of lkey. */
void
t_msg_wr(struct rdmad_send_wr *wr, uint8_t *slot, struct t_msg *m,
    uint32_t lkey)
{
	m->magic = T_MAGIC;
	memcpy(slot, m, sizeof(*m));
	memset(wr, 0, sizeof(*wr));
	wr->opcode = RDMAD_WR_SEND;
	wr->num_sge = 1;
	wr->sg_list[0].addr = (uintptr_t)slot;
	wr->sg_list[0].length = T_MSG_LEN;
	wr->sg_list[0].lkey = lkey;
}

/* Destroy what of a QP and its CQs exists (NULL: skipped). */
void
t_qp_free(struct rdmad_qp *qp, struct rdmad_cq *scq, struct rdmad_cq *rcq)
{
	if (qp != NULL)
		(void)rdmad_destroy_qp(qp);
	if (scq != NULL)
		(void)rdmad_destroy_cq(scq);
	if (rcq != NULL)
		(void)rdmad_destroy_cq(rcq);
}

/* Two CQs of cq_depth and a QP (ORD/IRD 16) on them; 0 or an error. */
int
t_qp_make(rdmad_ctx_t *ctx, struct rdmad_pd *pd, unsigned int cq_depth,
    unsigned int sq_depth, struct rdmad_cq **scq, struct rdmad_cq **rcq,
    struct rdmad_qp **qp)
{
	struct rdmad_qp_attr qa;
	int r;

	if ((r = rdmad_create_cq(ctx, cq_depth, scq)) != 0 ||
	    (r = rdmad_create_cq(ctx, cq_depth, rcq)) != 0)
		return r;
	memset(&qa, 0, sizeof(qa));
	qa.send_cq = *scq;
	qa.recv_cq = *rcq;
	qa.sq_depth = sq_depth;
	qa.rq_depth = T_NRECV;
	qa.ord = 16;
	qa.ird = 16;
	qa.transport = opt_transport;
	return rdmad_create_qp(pd, &qa, qp);
}

/*
 * Take one completion from cq, waiting at most ms milliseconds: spin
 * briefly, then sleep on the CQ's notification descriptor.  Returns 1,
 * 0 on timeout, or a negative error of rdmad_poll_cq().
 */
int
cq_wait(struct rdmad_cq *cq, struct rdmad_wc *wc, int ms)
{
	struct pollfd pfd;
	double end = t_now() + ms / 1000.0;
	int n, spins = opt_spin ? 1000000 : 200;

	for (;;) {
		n = rdmad_poll_cq(cq, 1, wc);
		if (n != 0)
			return n;
		if (spins > 0) {
			spins--;
			continue;
		}
		if (t_now() >= end)
			return 0;
		n = rdmad_req_notify_cq(cq, 0);
		if (n < 0)
			return n;
		if (n == 1)
			continue;
		pfd.fd = rdmad_cq_fd(cq);
		pfd.events = POLLIN;
		/* Short sleeps: a lost notification costs 10 ms, no hang. */
		if (poll(&pfd, 1, 10) > 0)
			(void)rdmad_cq_ack_event(cq);
	}
}

static const char *const wc_status_names[] = {
	"SUCCESS", "LOC_LEN_ERR", "LOC_QP_OP_ERR", "LOC_PROT_ERR",
	"WR_FLUSH_ERR", "MW_BIND_ERR", "REM_ACCESS_ERR", "REM_OP_ERR",
	"REM_INV_REQ_ERR", "TRANSPORT_ERR", "FATAL_ERR"
};

/* Name of a completion status. */
const char *
st_name(int st)
{
	if (st >= 0 && (size_t)st < sizeof(wc_status_names) /
	    sizeof(wc_status_names[0]))
		return wc_status_names[st];
	return "?";
}
