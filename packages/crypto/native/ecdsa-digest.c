/*
 * ECDSA verification over a digest the caller already computed, through the OpenSSL that Node
 * itself links (the addon links no library of its own: its OpenSSL symbols resolve to Node's).
 *
 * node:crypto cannot do this: crypto.verify() always hashes the data it is given, and Rekor's
 * hashedrekord entries carry only the artifact's digest. This is a thin binding of
 * EVP_PKEY_verify(), which for an EC key runs ECDSA_do_verify() on the given bytes.
 *
 *   verify(spki: Uint8Array, digest: Uint8Array, derSignature: Uint8Array): boolean
 *
 * The SPKI must already have been checked by our strict key parser; this function re-parses it
 * with d2i_PUBKEY and refuses trailing bytes. Any OpenSSL failure is a plain `false`.
 */
#include <node_api.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/x509.h>

static int bytes_arg(napi_env env, napi_value value, const unsigned char **data, size_t *length) {
  bool is_typed = false;
  napi_typedarray_type type;
  void *raw = NULL;
  if (napi_is_typedarray(env, value, &is_typed) != napi_ok || !is_typed) return 0;
  if (napi_get_typedarray_info(env, value, &type, length, &raw, NULL, NULL) != napi_ok) return 0;
  if (type != napi_uint8_array) return 0;
  *data = (const unsigned char *)raw;
  return 1;
}

static napi_value verify(napi_env env, napi_callback_info info) {
  size_t argc = 3;
  napi_value args[3];
  napi_value result;
  const unsigned char *spki, *digest, *sig, *cursor;
  size_t spki_len, digest_len, sig_len;
  int ok = 0;

  if (napi_get_cb_info(env, info, &argc, args, NULL, NULL) != napi_ok || argc != 3 ||
      !bytes_arg(env, args[0], &spki, &spki_len) || !bytes_arg(env, args[1], &digest, &digest_len) ||
      !bytes_arg(env, args[2], &sig, &sig_len)) {
    napi_throw_type_error(env, NULL, "verify(spki, digest, signature) takes three Uint8Arrays");
    return NULL;
  }
  cursor = spki;
  EVP_PKEY *key = d2i_PUBKEY(NULL, &cursor, (long)spki_len);
  if (key != NULL && cursor == spki + spki_len && EVP_PKEY_base_id(key) == EVP_PKEY_EC) {
    EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new(key, NULL);
    if (ctx != NULL) {
      ok = EVP_PKEY_verify_init(ctx) == 1 && EVP_PKEY_verify(ctx, sig, sig_len, digest, digest_len) == 1;
      EVP_PKEY_CTX_free(ctx);
    }
  }
  EVP_PKEY_free(key);
  ERR_clear_error();
  napi_get_boolean(env, ok, &result);
  return result;
}

NAPI_MODULE_INIT() {
  napi_value fn;
  if (napi_create_function(env, "verify", NAPI_AUTO_LENGTH, verify, NULL, &fn) != napi_ok) return NULL;
  if (napi_set_named_property(env, exports, "verify", fn) != napi_ok) return NULL;
  return exports;
}
