#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/crypto.h>
#include <openssl/core_names.h>
#include <openssl/param_build.h>
#include <openssl/ecdsa.h>
#include <openssl/bn.h>

/* Public keys from their JWK parts (RSA: n, e; EC P-256: the uncompressed point 04||x||y), through
 * OpenSSL 3's OSSL_PARAM interface, whose parameter names are macros Swift cannot see. NULL when
 * the parts do not make a valid key. */
static inline EVP_PKEY *swiftrack_public_key_from_params(const char *type, OSSL_PARAM_BLD *bld) {
    EVP_PKEY *key = NULL;
    OSSL_PARAM *params = OSSL_PARAM_BLD_to_param(bld);
    EVP_PKEY_CTX *ctx = params ? EVP_PKEY_CTX_new_from_name(NULL, type, NULL) : NULL;
    if (ctx && EVP_PKEY_fromdata_init(ctx) == 1 && EVP_PKEY_fromdata(ctx, &key, EVP_PKEY_PUBLIC_KEY, params) != 1) key = NULL;
    if (key) {
        EVP_PKEY_CTX *check = EVP_PKEY_CTX_new_from_pkey(NULL, key, NULL);
        if (!check || EVP_PKEY_public_check(check) != 1) { EVP_PKEY_free(key); key = NULL; }
        EVP_PKEY_CTX_free(check);
    }
    EVP_PKEY_CTX_free(ctx);
    OSSL_PARAM_free(params);
    return key;
}

static inline EVP_PKEY *swiftrack_rsa_public_key(const unsigned char *n, size_t n_len, const unsigned char *e, size_t e_len) {
    BIGNUM *bn_n = BN_bin2bn(n, (int) n_len, NULL), *bn_e = BN_bin2bn(e, (int) e_len, NULL);
    OSSL_PARAM_BLD *bld = OSSL_PARAM_BLD_new();
    EVP_PKEY *key = NULL;
    if (bn_n && bn_e && bld && OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_N, bn_n)
        && OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_E, bn_e)) {
        key = swiftrack_public_key_from_params("RSA", bld);
    }
    OSSL_PARAM_BLD_free(bld);
    BN_free(bn_n);
    BN_free(bn_e);
    return key;
}

static inline EVP_PKEY *swiftrack_ec_public_key(const char *curve, const unsigned char *point, size_t point_len) {
    OSSL_PARAM_BLD *bld = OSSL_PARAM_BLD_new();
    EVP_PKEY *key = NULL;
    if (bld && OSSL_PARAM_BLD_push_utf8_string(bld, OSSL_PKEY_PARAM_GROUP_NAME, curve, 0)
        && OSSL_PARAM_BLD_push_octet_string(bld, OSSL_PKEY_PARAM_PUB_KEY, point, point_len)) {
        key = swiftrack_public_key_from_params("EC", bld);
    }
    OSSL_PARAM_BLD_free(bld);
    return key;
}

/* A JWS ECDSA signature (r||s, each `half` bytes) as the DER that libcrypto verifies; the DER's
 * length, or -1. */
static inline int swiftrack_ecdsa_raw_to_der(const unsigned char *raw, size_t half, unsigned char *out, size_t capacity) {
    ECDSA_SIG *sig = ECDSA_SIG_new();
    BIGNUM *r = BN_bin2bn(raw, (int) half, NULL), *s = BN_bin2bn(raw + half, (int) half, NULL);
    if (!sig || !r || !s || ECDSA_SIG_set0(sig, r, s) != 1) { ECDSA_SIG_free(sig); BN_free(r); BN_free(s); return -1; }
    int length = i2d_ECDSA_SIG(sig, NULL);
    if (length <= 0 || (size_t) length > capacity) { ECDSA_SIG_free(sig); return -1; }
    unsigned char *cursor = out;
    i2d_ECDSA_SIG(sig, &cursor);
    ECDSA_SIG_free(sig);
    return length;
}

/* 1 when `signature` is `key`'s SHA-256 signature of `message` (PKCS#1 v1.5 for RSA, DER ECDSA for EC). */
static inline int swiftrack_verify_sha256(EVP_PKEY *key, const unsigned char *message, size_t message_len,
                                          const unsigned char *signature, size_t signature_len) {
    EVP_MD_CTX *ctx = EVP_MD_CTX_new();
    int ok = ctx && EVP_DigestVerifyInit(ctx, NULL, EVP_sha256(), NULL, key) == 1
        && EVP_DigestVerify(ctx, signature, signature_len, message, message_len) == 1;
    EVP_MD_CTX_free(ctx);
    return ok;
}
