import { integer, logLevel, text, url } from '@sigstack/service-kit';

/** Settings of the dev OIDC issuer process (dev-oidc-main.ts). Dev only, never in production. */
export const SCHEMA = {
  host: { env: 'DEV_OIDC_HOST', default: '127.0.0.1', parse: text, description: 'Address to listen on. Use 0.0.0.0 in a container.' },
  port: { env: 'DEV_OIDC_PORT', default: 5556, parse: integer(0, 65535), description: 'TCP port of discovery, JWKS and GET /token?sub=…&email=….' },
  issuer: { env: 'DEV_OIDC_ISSUER', default: 'http://127.0.0.1:5556', parse: url, description: 'The iss of its tokens and discovery document; the CA must reach this URL (FULCIO_DEV_ISSUER_URL).' },
  audience: { env: 'DEV_OIDC_AUDIENCE', default: 'sigstore', parse: text, description: 'The aud of its tokens.' },
  logLevel: { env: 'DEV_OIDC_LOG_LEVEL', default: 'info', parse: logLevel, description: 'pino log level.' },
};
