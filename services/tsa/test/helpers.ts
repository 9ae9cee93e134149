import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { AsnConvert, OctetString } from '@peculiar/asn1-schema';
import { MessageImprint, TimeStampReq, TimeStampResp, TSTInfo } from '@peculiar/asn1-tsp';
import { SignedData } from '@peculiar/asn1-cms';
import { AlgorithmIdentifier } from '@peculiar/asn1-x509';
import { buildApp } from '../src/app.js';
import type { Clock } from '../src/clock/clock-monitor.js';
import { loadConfig } from '../src/config.js';
import { openAuthority } from '../src/open.js';

/** The fixed start of the test clock: 2026-01-01T00:00:00.750Z (a fraction, to see it truncated). */
export const NOW = Date.UTC(2026, 0, 1, 0, 0, 0, 750);

/** A clock tests drive: `advance` moves both clocks, `jump` only the wall clock. */
export class FakeClock implements Clock {
  wall = NOW;
  mono = 1_000;
  now(): number {
    return this.wall;
  }
  monotonic(): number {
    return this.mono;
  }
  advance(ms: number): void {
    this.wall += ms;
    this.mono += ms;
  }
  jump(ms: number): void {
    this.wall += ms;
  }
}

/** Counting bytes: deterministic serial numbers that still differ per token. */
export function counterBytes(): (n: number) => Uint8Array {
  let counter = 0;
  return (n) => {
    counter++;
    const out = new Uint8Array(n).fill(0xab);
    new DataView(out.buffer).setUint32(n - 4, counter);
    return out;
  };
}

export function configFor(dir: string, env: Record<string, string> = {}) {
  return loadConfig({ env: { TSA_SIGNER: 'ephemeral', TSA_DATA_DIR: dir, ...env }, argv: [], readFile: () => '' });
}

/** A TSA with the ephemeral signer in `dir`, on a FakeClock. */
export async function makeAuthority(dir: string, env: Record<string, string> = {}, clock = new FakeClock()) {
  const config = configFor(dir, env);
  const opened = await openAuthority(config, { clock, randomBytes: counterBytes() });
  return { ...opened, config, clockSource: clock };
}

export async function makeApp(dir: string, env: Record<string, string> = {}, clock = new FakeClock()) {
  const tsa = await makeAuthority(dir, env, clock);
  const app = buildApp({ config: tsa.config, authority: tsa.authority });
  return { ...tsa, app };
}

export const sha256 = (data: string | Uint8Array) => new Uint8Array(createHash('sha256').update(data).digest());

export const HASH_OID = { sha1: '1.3.14.3.2.26', sha256: '2.16.840.1.101.3.4.2.1', sha384: '2.16.840.1.101.3.4.2.2', sha512: '2.16.840.1.101.3.4.2.3' } as const;

export type DerRequestOptions = {
  hashOid?: string;
  digest?: Uint8Array;
  /** DER INTEGER contents. */
  nonce?: Uint8Array;
  certReq?: boolean;
  policy?: string;
  version?: number;
  /** DER of the hash AlgorithmIdentifier parameters; absent by default. */
  parameters?: Uint8Array;
};

/** A DER TimeStampReq built with the same ASN.1 library, for tests that need a particular field. */
export function derRequest(options: DerRequestOptions = {}): Uint8Array {
  const req = new TimeStampReq({
    version: options.version ?? 1,
    messageImprint: new MessageImprint({
      hashAlgorithm: new AlgorithmIdentifier({ algorithm: options.hashOid ?? HASH_OID.sha256, ...(options.parameters ? { parameters: options.parameters.slice().buffer } : {}) }),
      hashedMessage: new OctetString(options.digest ?? sha256('artifact')),
    }),
    certReq: options.certReq ?? false,
    ...(options.nonce ? { nonce: options.nonce.slice().buffer } : {}),
    ...(options.policy ? { reqPolicy: options.policy } : {}),
  });
  return new Uint8Array(AsnConvert.serialize(req));
}

/** The response taken apart: status, SignedData and TSTInfo. */
export function parseResponse(der: Uint8Array) {
  const resp = AsnConvert.parse(der, TimeStampResp);
  const token = resp.timeStampToken;
  if (!token) throw new Error('no token');
  const signedData = AsnConvert.parse(token.content, SignedData);
  const eContent = signedData.encapContentInfo.eContent?.single;
  if (!eContent) throw new Error('no eContent');
  const tstInfo = AsnConvert.parse(eContent.buffer, TSTInfo);
  return { resp, signedData, tstInfo, tstDer: new Uint8Array(eContent.buffer) };
}

/** Runs the openssl CLI in `cwd`; returns its exit status and output. */
export function openssl(args: string[], cwd: string) {
  const run = spawnSync('openssl', args, { cwd, encoding: 'utf8' });
  return { status: run.status, out: `${run.stdout}${run.stderr}` };
}
