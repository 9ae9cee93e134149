/**
 * The text `sigstack up` prints once the stack is healthy: where each service listens, where the
 * trust material and logs are, and sign/verify commands for sigstore-js, cosign v3 and cosign v2
 * that work when pasted (the sigstore-js one from the repository, where `sigstore` is installed).
 * Pure: everything comes from the plan.
 */
import type { StackPlan } from './plan.js';

/** The identity of the examples' tokens. */
export const EXAMPLE_SUB = 'me';
export const EXAMPLE_EMAIL = 'me@example.com';

/** `text` as one shell word: bare when it is plainly safe, else in single quotes. */
export function shellWord(text: string): string {
  return /^[A-Za-z0-9_@%+=:,./-]+$/.test(text) ? text : `'${text.replace(/'/g, `'\\''`)}'`;
}

/** The dev issuer's token URL for the example identity. */
export function tokenUrl(plan: StackPlan): string {
  return `${plan.urls.oidc}/token?sub=${EXAMPLE_SUB}&email=${EXAMPLE_EMAIL}`;
}

const urls = (plan: StackPlan) => plan.urls;

/**
 * The sigstore-js example: one `node --input-type=module -e '…'` command that fetches a token,
 * signs "hello" (CA, transparency log, timestamp authority) and, when the trust service runs,
 * verifies the bundle with the trust root fetched through the TUF mirror.
 */
export function sigstoreJsExample(plan: StackPlan, trust: boolean): string {
  const u = urls(plan);
  const s = JSON.stringify;
  const js = [
    `import { sign${trust ? ', verify' : ''} } from "sigstore";`,
    `const token = await (await fetch(${s(tokenUrl(plan))})).text();`,
    `const payload = Buffer.from("hello");`,
    `const bundle = await sign(payload, { fulcioURL: ${s(u.fulcio)}, rekorURL: ${s(u.rekor)}, tsaServerURL: ${s(u.tsa)}, identityToken: token });`,
    `console.log(JSON.stringify(bundle, null, 2));`,
    ...(trust
      ? [
          `await verify(bundle, payload, { tufMirrorURL: ${s(u.trust)}, tufRootPath: ${s(plan.files.tufRoot)}, tufCachePath: ${s(plan.files.tufCache)}, certificateIdentityEmail: ${s(EXAMPLE_EMAIL)}, certificateIssuer: ${s(u.oidc)} });`,
          `console.log("verified: signed by ${EXAMPLE_EMAIL}, trust root from the TUF mirror ${u.trust}");`,
        ]
      : []),
  ];
  return `node --input-type=module -e '\n${js.join('\n').replace(/'/g, `'\\''`)}'`;
}

const token = (plan: StackPlan) => `--identity-token "$(curl -s ${shellWord(tokenUrl(plan))})"`;

/** cosign v3: signs through the signing config, verifies against the trusted root. */
export function cosignV3Example(plan: StackPlan): string {
  const f = plan.files;
  const oidc = urls(plan).oidc;
  return [
    `cosign sign-blob hello.txt --yes --bundle hello.sigstore.json --signing-config ${shellWord(f.signingConfig)} \\`,
    `  --trusted-root ${shellWord(f.trustedRoot)} ${token(plan)}`,
    `cosign verify-blob hello.txt --bundle hello.sigstore.json --trusted-root ${shellWord(f.trustedRoot)} \\`,
    `  --certificate-identity ${EXAMPLE_EMAIL} --certificate-oidc-issuer ${oidc}`,
  ].join('\n');
}

/** cosign v2: explicit URLs, trust from the legacy SIGSTORE_* files (no TUF needed). */
export function cosignV2Example(plan: StackPlan): string {
  const f = plan.files;
  const u = urls(plan);
  const env = `SIGSTORE_ROOT_FILE=${shellWord(f.caChain)} SIGSTORE_REKOR_PUBLIC_KEY=${shellWord(f.rekorPublicKey)} SIGSTORE_CT_LOG_PUBLIC_KEY_FILE=${shellWord(f.ctPublicKey)}`;
  return [
    `${env} \\`,
    `  cosign sign-blob hello.txt --yes --bundle hello.cosign.bundle --fulcio-url ${u.fulcio} --rekor-url ${u.rekor} ${token(plan)}`,
    `${env} \\`,
    `  cosign verify-blob hello.txt --bundle hello.cosign.bundle --rekor-url ${u.rekor} --certificate-identity ${EXAMPLE_EMAIL} --certificate-oidc-issuer ${u.oidc}`,
  ].join('\n');
}

const indent = (text: string, by = '    ') => text.split('\n').map((l) => `${by}${l}`).join('\n');

function table(rows: readonly (readonly [string, string])[]): string {
  const width = Math.max(...rows.map(([label]) => label.length)) + 2;
  return rows.map(([label, value]) => `    ${label.padEnd(width)}${value}`).join('\n');
}

/** The last line of the banner; tests and scripts wait for it. */
export const BANNER_END = 'Press Ctrl-C to stop every service.';

/**
 * The whole banner. `trust` false means the trust service is not built (then the verification
 * examples, which need its files, are left out and the banner says so).
 */
export function banner(plan: StackPlan, options: { trust: boolean; elapsedMs: number }): string {
  const u = urls(plan);
  const f = plan.files;
  const services: [string, string][] = [
    ['certificate authority (Fulcio API)', u.fulcio],
    ['transparency log (Rekor v1 API)', `${u.rekor}   tiles: ${u.rekor}/api/v2/checkpoint`],
    ['CT log (RFC 6962)', `${u.ctlog}   ${u.ctlog}/ct/v1/get-sth`],
    ['timestamp authority (RFC 3161)', `${u.tsa}   ${u.tsa}/api/v1/timestamp`],
    ['dev OIDC issuer', `${u.oidc}   token: ${tokenUrl(plan)}`],
    ['trust distribution (TUF mirror)', options.trust ? u.trust : 'not running: services/trust is not built'],
  ];
  const files: [string, string][] = [
    ['data', plan.settings.dataDir],
    ['logs', `${f.logDir}/<service>.log   (warnings and errors also appear here)`],
    ...(options.trust
      ? ([
          ['trusted root', f.trustedRoot],
          ['signing config', f.signingConfig],
          ['TUF root', `${f.tufRoot}   (mirror ${u.trust})`],
        ] as [string, string][])
      : []),
    ['CA chain', f.caChain],
    ['log public keys', `${f.rekorPublicKey} (transparency log), ${f.ctPublicKey} (CT log)`],
  ];
  const seconds = (options.elapsedMs / 1000).toFixed(1);
  return `
  sigstack is up in ${seconds} s, in dev mode: generated keys, and a dev OIDC issuer that gives a token to
  anyone who asks. Never use this configuration in production.

  services
${table(services)}

  files
${table(files)}

  sigstore-js: sign${options.trust ? ' and verify through the TUF mirror' : ''} (paste in the sigstack repository, where sigstore is installed)
${indent(sigstoreJsExample(plan, options.trust))}
${
  options.trust
    ? `
  cosign v3 (signing config and trusted root from the trust service)
    echo hello > hello.txt
${indent(cosignV3Example(plan))}
`
    : `
  (verification examples need the trust service: npm run build, then start again)
`
}
  cosign v2 (explicit URLs; keys and chain from the data directory)
    echo hello > hello.txt
${indent(cosignV2Example(plan))}

  ${BANNER_END}
`;
}
