/* ddp.c — placeholder, being written. */
#include "config.h"
typedef int ddp_placeholder_t;
