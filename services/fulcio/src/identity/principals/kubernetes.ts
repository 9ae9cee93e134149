/**
 * `kubernetes` issuers (upstream pkg/identity/kubernetes): the SAN is
 * `https://kubernetes.io/namespaces/<kubernetes.io.namespace>/serviceaccounts/<kubernetes.io.serviceaccount.name>`.
 *
 * Stricter than upstream, which concatenates whatever the claims hold (even empty strings): the namespace
 * must be a Kubernetes DNS label and the service account name a DNS subdomain, as the API server itself
 * enforces, so a certificate never names `…/namespaces//serviceaccounts/` or smuggles `/`, `?` or `#`.
 */
import type { JsonObject } from '@sigstack/crypto/canonical-json';
import { objectClaim, stringClaim } from '../claims.js';
import { tokenInvalid } from '../errors.js';
import { makePrincipal, parseUrlValue, uriSan, type Principal, type PrincipalContext } from '../principal.js';

const DNS_LABEL = /^[a-z0-9](?:[-a-z0-9]{0,61}[a-z0-9])?$/;
const DNS_SUBDOMAIN = /^[a-z0-9](?:[-a-z0-9]*[a-z0-9])?(?:\.[a-z0-9](?:[-a-z0-9]*[a-z0-9])?)*$/;

export function kubernetesPrincipal(context: PrincipalContext): Principal {
  const k8s = objectClaim(context.claims, 'kubernetes.io') ?? (Object.create(null) as JsonObject);
  const namespace = stringClaim(k8s, 'namespace');
  const serviceAccount = objectClaim(k8s, 'serviceaccount') ?? (Object.create(null) as JsonObject);
  const name = stringClaim(serviceAccount, 'name');
  if (!DNS_LABEL.test(namespace)) throw tokenInvalid('identity', `kubernetes.io.namespace claim ${JSON.stringify(namespace.slice(0, 100))} is not a kubernetes namespace`);
  if (name.length > 253 || !DNS_SUBDOMAIN.test(name)) {
    throw tokenInvalid('identity', `kubernetes.io.serviceaccount.name claim ${JSON.stringify(name.slice(0, 100))} is not a kubernetes name`);
  }
  const uri = `https://kubernetes.io/namespaces/${namespace}/serviceaccounts/${name}`;
  return makePrincipal('kubernetes', context, context.sub, uriSan(parseUrlValue(uri, 'kubernetes URI'), 'kubernetes URI'));
}
