/* mpa_frame.c — placeholder, being written. */
#include "config.h"
typedef int mpa_frame_placeholder_t;
