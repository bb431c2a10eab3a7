/* mpa_fpdu.c — placeholder, being written. */
#include "config.h"
typedef int mpa_fpdu_placeholder_t;
