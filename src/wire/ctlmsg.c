/* ctlmsg.c — placeholder, being written. */
#include "config.h"
typedef int ctlmsg_placeholder_t;
