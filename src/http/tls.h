/* tls.h — the server's TLS certificate and key, replaceable while running
 * (SIGHUP, docs/configuration.md): each handshake takes the pair in force
 * when it starts, from libmicrohttpd's certificate callback.  A pair is
 * checked whole before it is put in force (the chain parses, the key
 * parses and belongs to the first certificate); a bad pair is refused and
 * the old one stays.  Pairs replaced are kept until od_tls_free (a
 * handshake may still be using one); a reload keeps a few KiB.
 * One TLS server per process (the callback has no argument). */
#ifndef OD_HTTP_TLS_H
#define OD_HTTP_TLS_H

#include "util/err.h"

typedef struct od_tls od_tls;

/* Reads cert_path (PEM, the chain: the server's certificate first) and
 * key_path (PEM) and puts them in force for od_tls_callback.  Errors:
 * OD_E_IO (unreadable), OD_E_INVALID (does not parse, or the key does not
 * match), field "tls". */
OD_NODISCARD od_err od_tls_open(const char *cert_path, const char *key_path, od_tls **out, od_error *e);
/* Reads the same two files again; on success the new pair serves the next
 * handshakes.  On error nothing changes. */
OD_NODISCARD od_err od_tls_reload(od_tls *t, od_error *e);
/* The callback for MHD_OPTION_HTTPS_CERT_CALLBACK (a
 * gnutls_certificate_retrieve_function2). */
void *od_tls_callback(void);
/* After the server stopped.  NULL-safe. */
void od_tls_free(od_tls *t);

#endif
