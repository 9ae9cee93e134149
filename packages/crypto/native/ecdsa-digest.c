/*
 * ECDSA verification over a digest the caller already computed, through the OpenSSL that Node
 * itself links (the addon links no library of its own: its OpenSSL symbols resolve to Node's).
 *
 * node:crypto cannot do this: crypto.verify() always hashes the data it is given, and Rekor's
 * hashedrekord entries carry only the artifact's digest. This is a thin binding of ECDSA_verify().
 *
 *   verify(curveBits: 256 | 384 | 521, point: Uint8Array, digest: Uint8Array, derSignature: Uint8Array): boolean
 *
 * `point` is the uncompressed public point (04 || x || y) that our strict key parser already
 * checked; EC_KEY_oct2key checks it again. Any OpenSSL failure is a plain `false`.
 *
 * It uses the EC_KEY API, deprecated in OpenSSL 3 but present in every 3.x: building an EVP_PKEY
 * through the 3.x decoders (d2i_PUBKEY) costs twice the verification itself.
 */
#define OPENSSL_SUPPRESS_DEPRECATED
#include <node_api.h>
#include <openssl/ec.h>
#include <openssl/ecdsa.h>
#include <openssl/err.h>
#include <openssl/obj_mac.h>

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
  size_t argc = 4;
  napi_value args[4];
  napi_value result;
  const unsigned char *point, *digest, *sig;
  size_t point_len, digest_len, sig_len;
  int32_t bits = 0;
  int nid, ok = 0;

  if (napi_get_cb_info(env, info, &argc, args, NULL, NULL) != napi_ok || argc != 4 ||
      napi_get_value_int32(env, args[0], &bits) != napi_ok || !bytes_arg(env, args[1], &point, &point_len) ||
      !bytes_arg(env, args[2], &digest, &digest_len) || !bytes_arg(env, args[3], &sig, &sig_len)) {
    napi_throw_type_error(env, NULL, "verify(curveBits, point, digest, signature) takes a number and three Uint8Arrays");
    return NULL;
  }
  nid = bits == 256 ? NID_X9_62_prime256v1 : bits == 384 ? NID_secp384r1 : bits == 521 ? NID_secp521r1 : NID_undef;
  if (nid != NID_undef && sig_len <= 0x7fffffff && digest_len <= 0x7fffffff) {
    EC_KEY *key = EC_KEY_new_by_curve_name(nid);
    if (key != NULL && EC_KEY_oct2key(key, point, point_len, NULL) == 1) {
      ok = ECDSA_verify(0, digest, (int)digest_len, sig, (int)sig_len, key) == 1;
    }
    EC_KEY_free(key);
  }
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
