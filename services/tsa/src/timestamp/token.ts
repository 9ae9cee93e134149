/**
 * Builds RFC 3161 responses: a TSTInfo, wrapped in CMS SignedData signed by the TSA key with the
 * signed attributes RFC 5652 and RFC 5816 require (content type, message digest, signing time and
 * the ESS signing-certificate-v2 that binds the signature to the TSA certificate), in a
 * TimeStampResp with status granted. The layout follows upstream (digitorus/timestamp as used by
 * sigstore/timestamp-authority): the `tsa` name is the TSA certificate's subject, and the token
 * carries the TSA certificate (or the whole chain) only when the request asks for it.
 *
 * All encoding is @peculiar/asn1-schema's. For speed, what depends only on the certificate is
 * converted once (Precomputed), attribute values and the token content are typed rather than ANY
 * (so nothing is encoded, parsed and encoded again per token), and the DER order of the signed
 * attributes is found once.
 */
import { createHash } from 'node:crypto';
import { AsnConvert, OctetString } from '@peculiar/asn1-schema';
import {
  Attribute,
  CertificateChoices,
  CertificateSet,
  CMSVersion,
  DigestAlgorithmIdentifier,
  DigestAlgorithmIdentifiers,
  EncapsulatedContent,
  EncapsulatedContentInfo,
  id_contentType,
  id_messageDigest,
  id_signingTime,
  IssuerAndSerialNumber,
  MessageDigest,
  SignatureAlgorithmIdentifier,
  SignedData,
  SignerIdentifier,
  SignerInfo,
  SignerInfos,
  SigningTime,
} from '@peculiar/asn1-cms';
import { Accuracy, id_ct_tstInfo, MessageImprint, PKIStatus, PKIStatusInfo, TimeStampResp, TimeStampToken, TSTInfo } from '@peculiar/asn1-tsp';
import { Certificate, GeneralName, GeneralNames } from '@peculiar/asn1-x509';
import { DIGEST_SIZE, type HashName } from '@sigstack/crypto/keys';
import { EssCertIdV2, ID_AA_SIGNING_CERTIFICATE_V2, IssuerSerial, SigningCertificateV2, type x509 } from '@sigstack/crypto/x509';
import type { CertifiedSigner, KeySigner } from '@sigstack/service-kit';
import { AttributeSet, ObjectIdentifierValue, Precomputed, SignedDataContentInfo, typedAttribute } from './asn1-types.js';
import { HASH_OIDS } from './oid.js';
import type { TimestampRequest } from './request.js';

/** ecdsa-with-SHA256/384/512 (RFC 5758): the signature algorithms sigstore-js accepts for tokens. */
const ECDSA_WITH: Readonly<Record<HashName, string>> = {
  sha256: '1.2.840.10045.4.3.2',
  sha384: '1.2.840.10045.4.3.3',
  sha512: '1.2.840.10045.4.3.4',
};

const SigningTimeAttribute = typedAttribute(SigningTime);
const MessageDigestAttribute = typedAttribute(MessageDigest);
const ContentTypeAttribute = typedAttribute(ObjectIdentifierValue);
const SigningCertificateV2Attribute = typedAttribute(SigningCertificateV2);

/** The variable parts of one token. */
export type TokenFields = {
  readonly request: TimestampRequest;
  readonly policy: string;
  /** Whole seconds: sigstore-js refuses fractional genTime forms (`.5Z`). */
  readonly genTime: Date;
  /** DER INTEGER contents of a positive serial number. */
  readonly serialNumber: Uint8Array;
};

export type TokenOptions = {
  /** Stated accuracy; 0 omits the field. */
  readonly accuracySeconds: number;
  /** Put the whole chain in tokens that ask for certificates, not only the TSA certificate. */
  readonly includeChain: boolean;
};

function bytes(buffer: ArrayBuffer): Uint8Array {
  return new Uint8Array(buffer);
}

/** Typed and precomputed stand-ins encode exactly as the asn1-cms/asn1-tsp types they replace. */
function standIn<T>(value: object): T {
  return value as T;
}

/**
 * Issues tokens for one TSA key and chain. Everything that depends only on the certificate (signer
 * identifier, ESS attribute, TSA name, certificate sets) is built once here, not per request.
 * Precondition: the chain was checked (openSigner, checkTsaChain) and the key is ECDSA.
 */
export class TokenIssuer {
  readonly #signer: KeySigner;
  readonly #hash: HashName;
  readonly #options: TokenOptions;
  readonly #tsaName: GeneralName;
  readonly #sid: SignerIdentifier;
  readonly #digestAlgorithm: DigestAlgorithmIdentifier;
  readonly #signatureAlgorithm: SignatureAlgorithmIdentifier;
  readonly #contentType: Attribute;
  readonly #signingCertificate: Attribute;
  readonly #leafOnly: CertificateSet;
  readonly #wholeChain: CertificateSet;
  /** Positions of [content type, signing time, message digest, ESS] in DER SET OF order. */
  readonly #order: readonly number[];

  constructor(certified: CertifiedSigner, options: TokenOptions) {
    this.#signer = certified.signer;
    this.#hash = certified.signer.publicKey.hash;
    this.#options = options;
    const certificates = certified.chain.map((cert) => AsnConvert.parse(cert.rawData, Certificate));
    const leaf = certificates[0] as Certificate;
    const tbs = leaf.tbsCertificate;
    this.#tsaName = standIn(new Precomputed(new GeneralName({ directoryName: tbs.subject })));
    this.#sid = standIn(new Precomputed(new SignerIdentifier({ issuerAndSerialNumber: new IssuerAndSerialNumber({ issuer: tbs.issuer, serialNumber: tbs.serialNumber }) })));
    this.#digestAlgorithm = standIn(new Precomputed(new DigestAlgorithmIdentifier({ algorithm: HASH_OIDS[this.#hash] })));
    this.#signatureAlgorithm = standIn(new Precomputed(new SignatureAlgorithmIdentifier({ algorithm: ECDSA_WITH[this.#hash] })));
    this.#contentType = standIn(new Precomputed(new ContentTypeAttribute(id_contentType, [new ObjectIdentifierValue(id_ct_tstInfo)])));
    // RFC 5816: ESSCertIDv2 with SHA-256 (the default, so no hashAlgorithm field) over the TSA certificate.
    const essCertId = new EssCertIdV2({
      certHash: new OctetString(createHash('sha256').update(bytes((certified.chain[0] as x509.X509Certificate).rawData)).digest()),
      issuerSerial: new IssuerSerial({ issuer: new GeneralNames([new GeneralName({ directoryName: tbs.issuer })]), serialNumber: tbs.serialNumber }),
    });
    this.#signingCertificate = standIn(new Precomputed(new SigningCertificateV2Attribute(ID_AA_SIGNING_CERTIFICATE_V2, [new SigningCertificateV2({ certs: [essCertId] })])));
    this.#order = derOrder([
      this.#contentType,
      standIn(new SigningTimeAttribute(id_signingTime, [new SigningTime(new Date(0))])),
      standIn(new MessageDigestAttribute(id_messageDigest, [new MessageDigest(new Uint8Array(DIGEST_SIZE[this.#hash]))])),
      this.#signingCertificate,
    ]);
    const choices = certificates.map((certificate) => standIn<CertificateChoices>(new Precomputed(new CertificateChoices({ certificate }))));
    this.#leafOnly = new CertificateSet(choices.slice(0, 1));
    this.#wholeChain = new CertificateSet(choices);
  }

  /** `attributes` (content type, signing time, message digest, ESS) in DER SET OF order. */
  #inDerOrder(attributes: Attribute[]): Attribute[] {
    return this.#order.map((i) => attributes[i] as Attribute);
  }

  /** The DER TimeStampResp (status granted) for `fields`. Rejects only when the signer does. */
  async issue(fields: TokenFields): Promise<Uint8Array> {
    const { request, genTime } = fields;
    const accuracy = this.#options.accuracySeconds > 0 ? new Accuracy({ seconds: this.#options.accuracySeconds }) : undefined;
    const tstInfo = new TSTInfo({
      policy: fields.policy,
      messageImprint: new MessageImprint({ hashAlgorithm: request.hashAlgorithm, hashedMessage: new OctetString(request.digest) }),
      serialNumber: fields.serialNumber.slice().buffer,
      genTime,
      ...(accuracy ? { accuracy } : {}),
      ...(request.nonce ? { nonce: request.nonce.slice().buffer } : {}),
      tsa: this.#tsaName,
    });
    const tstDer = AsnConvert.serialize(tstInfo);
    const signedAttrs = this.#inDerOrder([
      this.#contentType,
      standIn(new Precomputed(new SigningTimeAttribute(id_signingTime, [new SigningTime(genTime)]))),
      standIn(new Precomputed(new MessageDigestAttribute(id_messageDigest, [new MessageDigest(createHash(this.#hash).update(bytes(tstDer)).digest())]))),
      this.#signingCertificate,
    ]);
    const signature = await this.#signer.sign(bytes(AsnConvert.serialize(new AttributeSet(signedAttrs))));
    const signerInfo = new SignerInfo({
      version: CMSVersion.v1,
      sid: this.#sid,
      digestAlgorithm: this.#digestAlgorithm,
      signedAttrs,
      signatureAlgorithm: this.#signatureAlgorithm,
      signature: new OctetString(signature),
    });
    const signedData = new SignedData({
      version: CMSVersion.v3,
      digestAlgorithms: new DigestAlgorithmIdentifiers([this.#digestAlgorithm]),
      encapContentInfo: new EncapsulatedContentInfo({ eContentType: id_ct_tstInfo, eContent: new EncapsulatedContent({ single: new OctetString(tstDer) }) }),
      ...(request.certReq ? { certificates: this.#options.includeChain ? this.#wholeChain : this.#leafOnly } : {}),
      signerInfos: new SignerInfos([signerInfo]),
    });
    const response = new TimeStampResp({
      status: new PKIStatusInfo({ status: PKIStatus.granted }),
      timeStampToken: standIn<TimeStampToken>(new SignedDataContentInfo(signedData)),
    });
    return bytes(AsnConvert.serialize(response));
  }
}

/**
 * The DER order of the signed attributes: a SET OF is sorted by the encodings of its elements
 * (X.690 §11.6). The four encodings differ within their first bytes, which are fixed per TSA key:
 * the SEQUENCE length, then the attribute type OID. Every value has a fixed size (the digest is the
 * TSA key's hash; the signing time is a UTCTime until 2049 and a GeneralizedTime after, and both
 * lengths, 0x1c and 0x1e, sort between the content type's 0x1a and the digest's 0x2f or more). So
 * the order found once, with sample values, holds for every token.
 */
function derOrder(samples: Attribute[]): number[] {
  const encoded = samples.map((attribute, index) => ({ index, der: Buffer.from(AsnConvert.serialize(attribute)) }));
  return encoded.sort((a, b) => Buffer.compare(a.der, b.der)).map((e) => e.index);
}
