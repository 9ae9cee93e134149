import t from 'tap';
import { createHash, verify } from 'node:crypto';
import { AsnConvert } from '@peculiar/asn1-schema';
import { id_contentType, id_messageDigest, id_signingTime, SigningTime } from '@peculiar/asn1-cms';
import { id_ct_tstInfo, PKIStatus } from '@peculiar/asn1-tsp';
import { Name } from '@peculiar/asn1-x509';
import { certificateDer } from '@sigstack/crypto/x509';
import { ID_AA_SIGNING_CERTIFICATE_V2, SigningCertificateV2 } from '@sigstack/crypto/x509';
import { parseDerRequest, parseJsonRequest } from '../../src/timestamp/request.js';
import { derRequest, HASH_OID, makeAuthority, NOW, parseResponse, sha256 } from '../helpers.js';

const hex = (b: ArrayBuffer | Uint8Array) => Buffer.from(b instanceof ArrayBuffer ? new Uint8Array(b) : b).toString('hex');

t.test('a token carries the request, the policy, a whole-second genTime and the TSA name', async (t) => {
  const { authority, certified } = await makeAuthority(t.testdir());
  const digest = sha256('artifact');
  const der = await authority.timestamp(parseDerRequest(derRequest({ digest, nonce: Uint8Array.of(0x12, 0x34) })));
  const { resp, signedData, tstInfo } = parseResponse(der);
  t.equal(resp.status.status, PKIStatus.granted);
  t.equal(tstInfo.version, 1);
  t.equal(tstInfo.policy, '1.3.6.1.4.1.57264.2', "Sigstore's policy by default");
  t.equal(tstInfo.messageImprint.hashAlgorithm.algorithm, HASH_OID.sha256);
  t.equal(hex(tstInfo.messageImprint.hashedMessage.buffer), hex(digest));
  t.equal(tstInfo.genTime.getTime(), NOW - 750, 'the clock truncated to whole seconds');
  t.equal(tstInfo.accuracy?.seconds, 1);
  t.equal(tstInfo.ordering, false);
  t.equal(hex(tstInfo.nonce!), '1234', 'the nonce is echoed');
  t.equal(tstInfo.serialNumber.byteLength, 20);
  t.ok(new Uint8Array(tstInfo.serialNumber)[0]! < 0x80 && new Uint8Array(tstInfo.serialNumber)[0]! > 0, 'the serial number is positive and minimal');
  const leaf = certified.chain[0]!;
  t.equal(hex(AsnConvert.serialize(tstInfo.tsa!.directoryName!)), hex(AsnConvert.serialize(AsnConvert.parse(leaf.subjectName.toArrayBuffer(), Name))));
  t.equal(signedData.version, 3);
  t.equal(signedData.encapContentInfo.eContentType, id_ct_tstInfo);
  t.equal(signedData.digestAlgorithms[0]?.algorithm, HASH_OID.sha256);
  t.equal(signedData.certificates, undefined, 'no certificates unless asked for');
});

t.test('the genTime encoding has no fractional seconds', async (t) => {
  const { authority } = await makeAuthority(t.testdir());
  const der = Buffer.from(await authority.timestamp(parseDerRequest(derRequest())));
  t.ok(der.includes(Buffer.from('20260101000000Z')), 'GeneralizedTime YYYYMMDDHHMMSSZ');
  t.notOk(der.includes(Buffer.from('20260101000000.')), 'no fraction');
});

t.test('the signer info binds the TSTInfo and the TSA certificate, and its signature verifies', async (t) => {
  const { authority, certified } = await makeAuthority(t.testdir());
  const response = Buffer.from(await authority.timestamp(parseDerRequest(derRequest())));
  const { signedData, tstDer } = parseResponse(response);
  const leaf = certified.chain[0]!;
  const signer = signedData.signerInfos[0]!;
  t.equal(signedData.signerInfos.length, 1);
  t.equal(signer.version, 1);
  t.equal(hex(signer.sid.issuerAndSerialNumber!.serialNumber), leaf.serialNumber.replace(/^(00)+/, '').toLowerCase().padStart(2, '0'));
  t.equal(signer.signatureAlgorithm.algorithm, '1.2.840.10045.4.3.2', 'ecdsa-with-SHA256');
  const attrs = new Map(signer.signedAttrs!.map((a) => [a.attrType, a.attrValues[0]!]));
  t.same([...attrs.keys()].sort(), [id_contentType, id_messageDigest, id_signingTime, ID_AA_SIGNING_CERTIFICATE_V2].sort());
  t.equal(hex(attrs.get(id_contentType)!), '060b2a864886f70d0109100104', 'content type id-ct-TSTInfo');
  t.equal(hex(attrs.get(id_messageDigest)!), `0420${hex(createHash('sha256').update(tstDer).digest())}`, 'the digest of the TSTInfo');
  t.equal(AsnConvert.parse(attrs.get(id_signingTime)!, SigningTime).getTime().getTime(), NOW - 750);
  const ess = AsnConvert.parse(attrs.get(ID_AA_SIGNING_CERTIFICATE_V2)!, SigningCertificateV2);
  t.equal(ess.certs.length, 1);
  t.equal(ess.certs[0]!.hashAlgorithm, undefined, 'SHA-256, the default, is not written');
  t.equal(hex(ess.certs[0]!.certHash.buffer), hex(createHash('sha256').update(certificateDer(leaf)).digest()), 'ESSCertIDv2 hashes the TSA certificate');
  const encoded = signer.signedAttrs!.map((a) => Buffer.from(AsnConvert.serialize(a)));
  t.same(encoded, [...encoded].sort(Buffer.compare), 'signed attributes are in DER SET OF order');
  // RFC 5652 §5.4: the signature covers the attributes with an explicit SET OF tag instead of [0].
  const content = Buffer.concat(encoded);
  const length = content.length < 0x80 ? [content.length] : content.length < 0x100 ? [0x81, content.length] : [0x82, content.length >> 8, content.length & 0xff];
  t.ok(response.includes(Buffer.concat([Buffer.from([0xa0, ...length]), content])), 'the response holds the [0] IMPLICIT attributes');
  const covered = Buffer.concat([Buffer.from([0x31, ...length]), content]);
  t.ok(verify('sha256', covered, { key: Buffer.from(leaf.publicKey.rawData), format: 'der', type: 'spki' }, Buffer.from(signer.signature.buffer)), 'the signature verifies with the TSA key');
});

t.test('certificates are included when asked for: the TSA certificate, or the whole chain', async (t) => {
  const dir = t.testdir();
  const { authority, certified } = await makeAuthority(dir);
  const leafOnly = parseResponse(await authority.timestamp(parseDerRequest(derRequest({ certReq: true })))).signedData.certificates!;
  t.equal(leafOnly.length, 1);
  t.equal(hex(AsnConvert.serialize(leafOnly[0]!.certificate!)), hex(certificateDer(certified.chain[0]!)));
  const chained = await makeAuthority(dir, { TSA_INCLUDE_CHAIN_IN_RESPONSE: 'true' });
  const whole = parseResponse(await chained.authority.timestamp(parseDerRequest(derRequest({ certReq: true })))).signedData.certificates!;
  t.same(whole.map((c) => hex(AsnConvert.serialize(c.certificate!))), certified.chain.map((c) => hex(certificateDer(c))), 'leaf first, root last');
});

t.test('every token has its own serial number', async (t) => {
  const { authority } = await makeAuthority(t.testdir());
  const serials = new Set<string>();
  for (let i = 0; i < 20; i++) serials.add(hex(parseResponse(await authority.timestamp(parseDerRequest(derRequest()))).tstInfo.serialNumber));
  t.equal(serials.size, 20);
});

t.test('the message imprint is echoed as the client encoded it', async (t) => {
  const { authority } = await makeAuthority(t.testdir());
  const withNull = parseResponse(await authority.timestamp(parseDerRequest(derRequest({ parameters: Uint8Array.of(5, 0) })))).tstInfo;
  t.equal(withNull.messageImprint.hashAlgorithm.parameters, null, 'NULL parameters stay');
  const without = parseResponse(await authority.timestamp(parseDerRequest(derRequest()))).tstInfo;
  t.equal(without.messageImprint.hashAlgorithm.parameters, undefined, 'absent parameters stay absent');
  const sha512 = parseResponse(await authority.timestamp(parseDerRequest(derRequest({ hashOid: HASH_OID.sha512, digest: new Uint8Array(64).fill(3) })))).tstInfo;
  t.equal(sha512.messageImprint.hashAlgorithm.algorithm, HASH_OID.sha512);
});

t.test('a requested policy must be the default or an accepted one', async (t) => {
  const { authority } = await makeAuthority(t.testdir(), { TSA_ACCEPTED_POLICY_OIDS: '1.2.3.4, 1.2.3.5' });
  const request = (policy: string) => parseJsonRequest({ artifactHash: Buffer.from(sha256('a')).toString('base64'), hashAlgorithm: 'sha256', tsaPolicyOID: policy });
  t.equal(parseResponse(await authority.timestamp(request('1.2.3.5'))).tstInfo.policy, '1.2.3.5');
  t.equal(parseResponse(await authority.timestamp(request('1.3.6.1.4.1.57264.2'))).tstInfo.policy, '1.3.6.1.4.1.57264.2');
  await t.rejects(authority.timestamp(request('1.2.3.6')), { code: 'ERR_POLICY_UNACCEPTED' });
});

t.test('accuracy can be configured or left out', async (t) => {
  const dir = t.testdir();
  t.equal(parseResponse(await (await makeAuthority(dir, { TSA_ACCURACY_SECONDS: '5' })).authority.timestamp(parseDerRequest(derRequest()))).tstInfo.accuracy?.seconds, 5);
  t.equal(parseResponse(await (await makeAuthority(dir, { TSA_ACCURACY_SECONDS: '0' })).authority.timestamp(parseDerRequest(derRequest()))).tstInfo.accuracy, undefined);
});

t.test('no token is issued while the clock is untrusted, and issuing resumes once it settled', async (t) => {
  const tsa = await makeAuthority(t.testdir(), { TSA_CLOCK_SETTLE_SECONDS: '30' });
  tsa.clockSource.jump(-5000);
  await t.rejects(tsa.authority.timestamp(parseDerRequest(derRequest())), { code: 'ERR_CLOCK_UNTRUSTED', message: /jumped by -5000 ms/ });
  const health = tsa.authority.health();
  t.equal(health.serving, false);
  t.equal(health.clock.lastJump?.byMs, -5000);
  tsa.clockSource.advance(30_000);
  t.equal(tsa.authority.health().serving, true);
  t.ok(await tsa.authority.timestamp(parseDerRequest(derRequest())));
});

t.test('with refuseOnClockFault false a jump is only reported', async (t) => {
  const tsa = await makeAuthority(t.testdir(), { TSA_REFUSE_ON_CLOCK_FAULT: 'false' });
  tsa.clockSource.jump(5000);
  t.ok(await tsa.authority.timestamp(parseDerRequest(derRequest())));
  const health = tsa.authority.health();
  t.equal(health.serving, true);
  t.equal(health.clock.trusted, false);
  t.match(health.problem, /jumped by 5000 ms/);
});

t.test('no token is issued outside the TSA certificate validity, whatever the policy', async (t) => {
  const tsa = await makeAuthority(t.testdir(), { TSA_REFUSE_ON_CLOCK_FAULT: 'false' });
  tsa.clockSource.advance(11 * 365 * 86_400_000);
  await t.rejects(tsa.authority.timestamp(parseDerRequest(derRequest())), { code: 'ERR_CLOCK_UNTRUSTED', message: /outside the TSA certificate's validity/ });
  t.equal(tsa.authority.health().serving, false);
});

t.test('the certificate chain is served as PEM, TSA certificate first', async (t) => {
  const { authority, certified } = await makeAuthority(t.testdir());
  const blocks = authority.certChainPem.match(/-----BEGIN CERTIFICATE-----/g);
  t.equal(blocks?.length, 2);
  t.ok(authority.certChainPem.startsWith(certified.chain[0]!.toString('pem').split('\n')[0]!));
  t.ok(authority.certChainPem.includes(Buffer.from(certificateDer(certified.chain[0]!)).toString('base64').slice(0, 64)));
});
