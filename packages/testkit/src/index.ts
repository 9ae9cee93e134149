export { createDevIssuer } from './oidc-issuer.js';
export type { DevIssuer, DevIssuerOptions } from './oidc-issuer.js';
