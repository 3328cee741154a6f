/* tls.c — see tls.h. */
#include "http/tls.h"
#include "util/log.h"

#include <gnutls/abstract.h>
#include <gnutls/gnutls.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CHAIN_MAX 8
#define PEM_MAX (1024 * 1024)

typedef struct pair {
    gnutls_pcert_st pc[CHAIN_MAX];
    unsigned n;
    gnutls_privkey_t key;
    struct pair *older; /* replaced pairs, kept until od_tls_free */
} pair;

struct od_tls {
    char *cert_path, *key_path;
    _Atomic(pair *) cur;
};

static _Atomic(od_tls *) active;

static void pair_free(pair *p)
{
    while (p) {
        pair *o = p->older;
        for (unsigned i = 0; i < p->n; i++)
            gnutls_pcert_deinit(&p->pc[i]);
        if (p->key)
            gnutls_privkey_deinit(p->key);
        free(p);
        p = o;
    }
}

/* The whole file, or NULL (too large, unreadable). */
static char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    char *buf = malloc(PEM_MAX + 1);
    size_t n = buf ? fread(buf, 1, PEM_MAX + 1, f) : 0;
    fclose(f);
    if (!buf || n == 0 || n > PEM_MAX) {
        free(buf);
        return NULL;
    }
    buf[n] = 0;
    *len = n;
    return buf;
}

static od_err load(const char *cert_path, const char *key_path, pair **out, od_error *e)
{
    size_t clen = 0, klen = 0;
    char *cert = slurp(cert_path, &clen), *key = slurp(key_path, &klen);
    od_err rc = OD_OK;
    pair *p = NULL;
    if (!cert || !key) {
        rc = od_error_set(e, OD_E_IO, "tls",
                          "无法读取证书或私钥 %s、%s (cannot read the TLS certificate or key)", cert_path,
                          key_path);
        goto done;
    }
    gnutls_datum_t cd = {(unsigned char *)cert, (unsigned)clen}, kd = {(unsigned char *)key, (unsigned)klen};
    /* the pair as gnutls would take it: chain and key parse, and the key
     * belongs to the first certificate */
    gnutls_certificate_credentials_t check = NULL;
    int g = gnutls_certificate_allocate_credentials(&check);
    if (g == 0)
        g = gnutls_certificate_set_x509_key_mem2(check, &cd, &kd, GNUTLS_X509_FMT_PEM, NULL, 0);
    if (check)
        gnutls_certificate_free_credentials(check);
    if (g < 0) {
        rc = od_error_set(
            e, OD_E_INVALID, "tls",
            "证书或私钥无效，或二者不匹配 (the TLS certificate or key is invalid, or they do not match): %s",
            gnutls_strerror(g));
        goto done;
    }
    p = calloc(1, sizeof *p);
    if (!p) {
        rc = od_error_set(e, OD_E_NOMEM, NULL, "out of memory");
        goto done;
    }
    p->n = CHAIN_MAX;
    g = gnutls_pcert_list_import_x509_raw(p->pc, &p->n, &cd, GNUTLS_X509_FMT_PEM,
                                          GNUTLS_X509_CRT_LIST_IMPORT_FAIL_IF_EXCEED);
    if (g < 0) {
        p->n = 0;
        rc = od_error_set(
            e, OD_E_INVALID, "tls",
            "证书链无效或超过 %d 个证书 (the certificate chain is invalid or longer than %d): %s", CHAIN_MAX,
            CHAIN_MAX, gnutls_strerror(g));
        goto done;
    }
    g = gnutls_privkey_init(&p->key);
    if (g == 0)
        g = gnutls_privkey_import_x509_raw(p->key, &kd, GNUTLS_X509_FMT_PEM, NULL, 0);
    if (g < 0) {
        rc =
            od_error_set(e, OD_E_INVALID, "tls", "私钥无效 (the TLS key is invalid): %s", gnutls_strerror(g));
        goto done;
    }
done:
    free(cert);
    if (key) { /* the private key does not outlive the load in freed memory */
        explicit_bzero(key, klen);
        free(key);
    }
    if (rc) {
        pair_free(p);
        p = NULL;
    }
    *out = p;
    return rc;
}

od_err od_tls_open(const char *cert_path, const char *key_path, od_tls **out, od_error *e)
{
    *out = NULL;
    od_tls *t = calloc(1, sizeof *t);
    if (!t)
        return od_error_set(e, OD_E_NOMEM, NULL, "out of memory");
    t->cert_path = strdup(cert_path ? cert_path : "");
    t->key_path = strdup(key_path ? key_path : "");
    pair *p = NULL;
    od_err rc = t->cert_path && t->key_path ? load(t->cert_path, t->key_path, &p, e)
                                            : od_error_set(e, OD_E_NOMEM, NULL, "out of memory");
    if (rc) {
        od_tls_free(t);
        return rc;
    }
    atomic_store(&t->cur, p);
    atomic_store(&active, t);
    *out = t;
    return OD_OK;
}

od_err od_tls_reload(od_tls *t, od_error *e)
{
    pair *p = NULL;
    od_err rc = load(t->cert_path, t->key_path, &p, e);
    if (rc)
        return rc;
    /* only the signal thread reloads: no other writer races this */
    p->older = atomic_load(&t->cur);
    atomic_store(&t->cur, p);
    return OD_OK;
}

static int retrieve(gnutls_session_t session, const gnutls_datum_t *req_ca_dn, int nreqs,
                    const gnutls_pk_algorithm_t *pk_algos, int pk_algos_length, gnutls_pcert_st **pcert,
                    unsigned int *pcert_length, gnutls_privkey_t *pkey)
{
    (void)session, (void)req_ca_dn, (void)nreqs, (void)pk_algos, (void)pk_algos_length;
    od_tls *t = atomic_load(&active);
    pair *p = t ? atomic_load(&t->cur) : NULL;
    if (!p)
        return -1;
    *pcert = p->pc;
    *pcert_length = p->n;
    *pkey = p->key;
    return 0;
}

void *od_tls_callback(void)
{
    return (void *)(gnutls_certificate_retrieve_function2 *)retrieve;
}

void od_tls_free(od_tls *t)
{
    if (!t)
        return;
    od_tls *self = t;
    atomic_compare_exchange_strong(&active, &self, NULL);
    pair_free(atomic_load(&t->cur));
    free(t->cert_path);
    free(t->key_path);
    free(t);
}
