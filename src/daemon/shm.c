/* shm.c — shared memory: memfd objects for rings, client memfd mappings. */
#include "config.h"

#include <sys/mman.h>
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <string.h>
#include <unistd.h>

#include "common/log.h"
#include "daemon/session.h"

#include "rdmad/shm_abi.h"

/*
 * The daemon creates one memfd per CQ and per QP (shm_abi.h), sealed
 * against shrinking and growing so that neither side can pull pages
 * from under the other; it maps client memfds once per MEM_REG.
 */

/* Round len up to whole pages of the ABI. */
size_t
shm_round(size_t len)
{
	return (len + RDMAD_SHM_PAGE - 1) & ~(size_t)(RDMAD_SHM_PAGE - 1);
}

/* A zeroed, sealed memfd of len octets, mapped read-write. */
int
shm_create(const char *name, size_t len, int *fdp, void **addrp)
{
	void *addr;
	int fd, saved;

	*fdp = -1;
	*addrp = NULL;
	fd = memfd_create(name, MFD_CLOEXEC | MFD_ALLOW_SEALING);
	if (fd == -1) {
		log_warn("shm", "memfd_create %s", name);
		return -1;
	}
	if (ftruncate(fd, (off_t)len) == -1 ||
	    fcntl(fd, F_ADD_SEALS, F_SEAL_SHRINK | F_SEAL_GROW |
	    F_SEAL_SEAL) == -1) {
		saved = errno;
		log_warn("shm", "memfd %s of %zu octets", name, len);
		close(fd);
		errno = saved;
		return -1;
	}
	addr = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (addr == MAP_FAILED) {
		saved = errno;
		log_warn("shm", "mmap %s of %zu octets", name, len);
		close(fd);
		errno = saved;
		return -1;
	}
	log_debug("shm", "created %s: %zu octets at %p", name, len, addr);
	*fdp = fd;
	*addrp = addr;
	return 0;
}

/*
 * Map len octets of a client's memfd (a regular file at least that
 * long).  The client may shrink an unsealed memfd later; the pages then
 * vanish and an access would raise SIGBUS, so a memfd must be sealed
 * against shrinking (F_SEAL_SHRINK) to be accepted.
 */
int
shm_map_client(int fd, uint64_t len, void **addrp, const char **why)
{
	struct stat st;
	void *addr;
	int seals;

	*addrp = NULL;
	if (fstat(fd, &st) == -1) {
		*why = "cannot fstat the descriptor";
		return -1;
	}
	if (!S_ISREG(st.st_mode)) {
		*why = "the descriptor is not a memfd or regular file";
		return -1;
	}
	if (len == 0 || len > SIZE_MAX || (uint64_t)st.st_size < len) {
		*why = "the memfd is shorter than the length";
		return -1;
	}
	seals = fcntl(fd, F_GET_SEALS);
	if (seals == -1 || !(seals & F_SEAL_SHRINK)) {
		*why = "the memfd is not sealed against shrinking";
		return -1;
	}
	addr = mmap(NULL, (size_t)len, PROT_READ | PROT_WRITE, MAP_SHARED,
	    fd, 0);
	if (addr == MAP_FAILED) {
		*why = strerror(errno);
		return -1;
	}
	*addrp = addr;
	return 0;
}

void
shm_unmap(void *addr, size_t len)
{
	if (addr != NULL && munmap(addr, len) == -1)
		log_warn("shm", "munmap %p", addr);
}
