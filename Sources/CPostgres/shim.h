/* libpq, PostgreSQL's C client. `pkg-config --cflags libpq` supplies -I/usr/include/postgresql. */
#include <libpq-fe.h>
