#include <mysql.h>

/* mysql_options takes its argument as `const void *` whose real type depends on the option;
   these spell the three shapes Swiftrack uses so the Swift side never casts pointers. */
static inline int swiftrack_mysql_option_uint(MYSQL *mysql, enum mysql_option option, unsigned int value) {
    return mysql_options(mysql, option, &value);
}
static inline int swiftrack_mysql_option_bool(MYSQL *mysql, enum mysql_option option, my_bool value) {
    return mysql_options(mysql, option, &value);
}
static inline int swiftrack_mysql_option_string(MYSQL *mysql, enum mysql_option option, const char *value) {
    return mysql_options(mysql, option, value);
}
/* mysql_stmt_attr_set takes `const void *` too. */
static inline my_bool swiftrack_mysql_stmt_update_max_length(MYSQL_STMT *stmt) {
    my_bool on = 1;
    return mysql_stmt_attr_set(stmt, STMT_ATTR_UPDATE_MAX_LENGTH, &on);
}
