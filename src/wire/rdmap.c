/* rdmap.c — placeholder, being written. */
#include "config.h"
typedef int rdmap_placeholder_t;
