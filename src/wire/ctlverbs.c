/* ctlverbs.c — placeholder, being written. */
#include "config.h"
typedef int ctlverbs_placeholder_t;
