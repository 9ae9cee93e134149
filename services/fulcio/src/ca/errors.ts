/**
 * The CA's error class. Codes and what the HTTP layer should answer (upstream message in quotes):
 * - ERR_KEY_MALFORMED (KeyError from @sigstack/crypto, passed through): 400 "The public key supplied in the request could not be parsed"
 * - ERR_KEY_UNSUPPORTED (KeyError, passed through): 400 "The public key supplied in the request is insecure"
 * - ERR_CSR_MALFORMED: 400 "The certificate signing request could not be parsed"
 * - ERR_ALGORITHM_UNSUPPORTED: 400 (a CSR signature algorithm we do not know, or a key/hash pair that is not permitted)
 * - ERR_SIGNATURE_INVALID: 400 "The signature supplied in the request could not be verified"
 * - ERR_IDENTITY_INVALID: 400 (the identity cannot be written into a certificate: no issuer, a bad SAN value)
 * - ERR_SIGNER_UNAVAILABLE (from the service-kit signer, passed through): 503 (the key store is down; nothing was issued)
 * - ERR_CA_UNAVAILABLE: 503 (the signer's signature does not verify, or the issuing certificate expires too soon)
 * - ERR_CLIENT_RESPONSE: 5xx (the CT log answered an SCT we cannot embed)
 * - ERR_CONFIG_INVALID: refuse to start (bad chain, key mismatch, unreadable files)
 */
import { SigstackError } from '@sigstack/crypto/errors';

export class CAError extends SigstackError {}
