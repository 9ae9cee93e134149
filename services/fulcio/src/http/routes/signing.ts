import type { FastifyInstance } from 'fastify';
import { pemEncode } from '@sigstack/crypto/keys';
import type { CertificateIssuer } from '../../issuance/issuer.js';
import { tokenOf, v1SigningRequest, v2SigningRequest } from '../request.js';

const pem = (der: Uint8Array) => pemEncode('CERTIFICATE', der);

export function signingRoutes(app: FastifyInstance, issuer: CertificateIssuer): void {
  app.post('/api/v2/signingCert', async (req) => {
    const request = v2SigningRequest(req.body);
    const token = tokenOf(req.body as { [key: string]: unknown }, req.headers.authorization);
    const { leaf, chain } = await issuer.issue(token, request);
    // Upstream trims each PEM here (no trailing newline), unlike the trust bundle.
    return { signedCertificateEmbeddedSct: { chain: { certificates: [leaf, ...chain].map((c) => pem(c).trim()) } } };
  });

  app.post('/api/v1/signingCert', async (req, reply) => {
    const request = v1SigningRequest(req.body);
    // The legacy API takes the token from the Authorization header only.
    const token = tokenOf(undefined, req.headers.authorization);
    const { leaf, chain } = await issuer.issue(token, request);
    return reply.code(201).type('application/pem-certificate-chain').send([leaf, ...chain].map((c) => pem(c).trim()).join('\n'));
  });
}
