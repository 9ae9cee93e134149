export { createDevIssuer } from './oidc-issuer.js';
export type { DevIssuer, DevIssuerOptions } from './oidc-issuer.js';
export { setupSoftHsm } from './softhsm.js';
export type { SoftHsm } from './softhsm.js';
