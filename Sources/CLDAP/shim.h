// OpenLDAP's client library (Debian's libldap-dev), with small wrappers for what Swift cannot
// call directly: options passed as void pointers, and macros that are casts.
#ifndef SWIFTRACK_CLDAP_SHIM_H
#define SWIFTRACK_CLDAP_SHIM_H
#define LDAP_DEPRECATED 0
#include <ldap.h>
#include <sys/time.h>

static const int swiftrack_ldap_scope_base = LDAP_SCOPE_BASE;
static const int swiftrack_ldap_scope_subtree = LDAP_SCOPE_SUBTREE;

static inline int swiftrack_ldap_set_int(LDAP *ld, int option, int value) {
    return ldap_set_option(ld, option, &value);
}

static inline int swiftrack_ldap_set_string(LDAP *ld, int option, const char *value) {
    return ldap_set_option(ld, option, value);
}

static inline int swiftrack_ldap_set_timeout(LDAP *ld, int option, double seconds) {
    struct timeval tv;
    tv.tv_sec = (long)seconds;
    tv.tv_usec = (long)((seconds - (double)tv.tv_sec) * 1e6);
    return ldap_set_option(ld, option, &tv);
}

static inline int swiftrack_ldap_referrals_off(LDAP *ld) {
    return ldap_set_option(ld, LDAP_OPT_REFERRALS, LDAP_OPT_OFF);
}

/// A simple bind; the password is passed with its length (it may hold any bytes but NUL).
static inline int swiftrack_ldap_simple_bind(LDAP *ld, const char *dn, const char *password, unsigned long length) {
    struct berval credentials;
    credentials.bv_val = (char *)password;
    credentials.bv_len = length;
    return ldap_sasl_bind_s(ld, dn, LDAP_SASL_SIMPLE, &credentials, NULL, NULL, NULL);
}

/// A search with a time limit (whole seconds, at least 1) and a size limit.
static inline int swiftrack_ldap_search(LDAP *ld, const char *base, int scope, const char *filter, char **attributes,
                                        double seconds, int sizeLimit, LDAPMessage **result) {
    struct timeval tv;
    tv.tv_sec = seconds < 1 ? 1 : (long)seconds;
    tv.tv_usec = 0;
    return ldap_search_ext_s(ld, base, scope, filter, attributes, 0, NULL, NULL, &tv, sizeLimit, result);
}

/// The server's diagnostic message for the last operation, or NULL; free it with ldap_memfree.
static inline char *swiftrack_ldap_diagnostic(LDAP *ld) {
    char *message = NULL;
    if (ldap_get_option(ld, LDAP_OPT_DIAGNOSTIC_MESSAGE, &message) != LDAP_OPT_SUCCESS) return NULL;
    return message;
}
#endif
