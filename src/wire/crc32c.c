/* crc32c.c — placeholder, being written. */
#include "config.h"
typedef int crc32c_placeholder_t;
