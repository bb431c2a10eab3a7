/* ssc.c — placeholder, being written. */
#include "config.h"
typedef int ssc_placeholder_t;
