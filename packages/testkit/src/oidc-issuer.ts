import Fastify from 'fastify';
import type { FastifyBaseLogger, FastifyInstance } from 'fastify';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import type { CryptoKey, JWK } from 'jose';

/**
 * A development OpenID Connect issuer: discovery, JWKS, and `GET /token?sub=&email=` that hands out
 * a signed ID token to anyone who asks. It exists so that a laptop can sign keylessly against the
 * dev stack and so that tests have a real issuer on loopback. NEVER trust it in production: the CA
 * accepts it only in dev mode.
 */
export type DevIssuerOptions = {
  /** The `iss` of every token and of the discovery document, e.g. `http://127.0.0.1:5556`. */
  issuer: string;
  /** The `aud` of every token (Fulcio's client ID). */
  audience?: string;
  /** Token lifetime in seconds. */
  lifetimeSeconds?: number;
  /** Milliseconds since the epoch; injected for deterministic tests. */
  clock?: () => number;
  /** The signing key pair; generated (ES256) when absent. */
  keys?: { privateKey: CryptoKey; publicKey: CryptoKey; kid: string };
  logger?: FastifyBaseLogger;
};

export type DevIssuer = {
  app: FastifyInstance;
  /** Mints a token directly, as GET /token does. */
  token(claims: { sub: string; email?: string } & Record<string, unknown>): Promise<string>;
  jwks: { keys: JWK[] };
};

const MAX_CLAIM = 256;

export async function createDevIssuer(options: DevIssuerOptions): Promise<DevIssuer> {
  const issuer = options.issuer.replace(/\/+$/, '');
  const audience = options.audience ?? 'sigstore';
  const lifetime = options.lifetimeSeconds ?? 600;
  const clock = options.clock ?? Date.now;
  const keys = options.keys ?? { ...(await generateKeyPair('ES256', { extractable: true })), kid: 'dev-1' };
  const jwk = { ...(await exportJWK(keys.publicKey)), kid: keys.kid, alg: 'ES256', use: 'sig' };
  const jwks = { keys: [jwk] };

  async function token(claims: { sub: string; email?: string } & Record<string, unknown>): Promise<string> {
    const now = Math.floor(clock() / 1000);
    const { sub, email, ...rest } = claims;
    const payload: Record<string, unknown> = { ...rest };
    if (email !== undefined) {
      payload.email = email;
      payload.email_verified = true;
    }
    return new SignJWT(payload)
      .setProtectedHeader({ alg: 'ES256', kid: keys.kid, typ: 'JWT' })
      .setIssuer(issuer)
      .setSubject(sub)
      .setAudience(audience)
      .setIssuedAt(now)
      .setNotBefore(now)
      .setExpirationTime(now + lifetime)
      .sign(keys.privateKey);
  }

  const app = Fastify(options.logger ? { loggerInstance: options.logger } : { logger: false });
  app.get('/.well-known/openid-configuration', async () => ({
    issuer,
    jwks_uri: `${issuer}/keys`,
    authorization_endpoint: `${issuer}/auth`,
    token_endpoint: `${issuer}/token`,
    response_types_supported: ['id_token'],
    subject_types_supported: ['public'],
    id_token_signing_alg_values_supported: ['ES256'],
    claims_supported: ['sub', 'email', 'email_verified', 'iss', 'aud', 'exp', 'iat', 'nbf'],
  }));
  app.get('/keys', async () => jwks);
  app.get('/token', async (req, reply) => {
    const q = req.query as Record<string, unknown>;
    const sub = typeof q.sub === 'string' && q.sub !== '' ? q.sub : typeof q.email === 'string' ? q.email : '';
    const email = typeof q.email === 'string' && q.email !== '' ? q.email : undefined;
    if (sub === '' || sub.length > MAX_CLAIM || (email?.length ?? 0) > MAX_CLAIM) {
      return reply.code(400).send({ code: 400, message: 'give sub and/or email, each up to 256 characters' });
    }
    return reply.type('text/plain; charset=utf-8').send(await token({ sub, email }));
  });
  app.get('/healthz', async () => ({ status: 'SERVING' }));
  return { app, token, jwks };
}
