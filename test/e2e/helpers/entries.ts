import { createHash, generateKeyPairSync, sign } from 'node:crypto';

const key = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const pem = Buffer.from(key.publicKey.export({ type: 'spki', format: 'pem' }).toString()).toString('base64');

/** A valid hashedrekord 0.0.1 proposed entry for the artifact text. */
export function hashedrekord(artifact: string) {
  const data = Buffer.from(artifact);
  return {
    apiVersion: '0.0.1',
    kind: 'hashedrekord',
    spec: {
      data: { hash: { algorithm: 'sha256', value: createHash('sha256').update(data).digest('hex') } },
      signature: { content: sign('sha256', data, key.privateKey).toString('base64'), publicKey: { content: pem } },
    },
  };
}
