import { createHash, generateKeyPairSync, sign } from 'node:crypto';

/** One valid hashedrekord proposed entry (JSON text) with a fresh P-256 key. */
export function hashedrekordTemplate(tag = 'template') {
  const key = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const data = Buffer.from(`${tag} artifact`);
  return JSON.stringify({
    apiVersion: '0.0.1', kind: 'hashedrekord',
    spec: {
      data: { hash: { algorithm: 'sha256', value: createHash('sha256').update(data).digest('hex') } },
      signature: { content: sign('sha256', data, key.privateKey).toString('base64'), publicKey: { content: Buffer.from(key.publicKey.export({ type: 'spki', format: 'pem' })).toString('base64') } },
    },
  });
}
