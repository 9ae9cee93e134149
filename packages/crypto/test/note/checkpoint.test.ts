import t from 'tap';
import {
  formatCheckpoint,
  isRekorV1Origin,
  openCheckpoint,
  parseCheckpoint,
  rekorOrigin,
  signCheckpoint,
  type Checkpoint,
} from '../../src/note/checkpoint.js';
import { formatNote, parseNote, signNote } from '../../src/note/note.js';
import { ecdsaNoteSigner, ecdsaNoteVerifier, ed25519NoteSigner, ed25519NoteVerifier } from '../../src/note/signers.js';
import { toBase64, utf8Bytes } from '../../src/encoding.js';
import { ED25519_A_PEM, P256_A_PEM, P256_B_PEM, keyPair } from '../fixtures/note-keys.js';
import {
  REKOR_CHECKPOINT_CURRENT,
  REKOR_CHECKPOINT_CURRENT_ORIGIN,
  REKOR_CHECKPOINT_CURRENT_ROOT,
  REKOR_CHECKPOINT_CURRENT_SIZE,
  REKOR_CHECKPOINT_WITH_EXTENSION,
  REKOR_HOST,
  rekorPublicKey,
} from '../fixtures/public-rekor.js';

const P256 = keyPair(P256_A_PEM);
const P256_B = keyPair(P256_B_PEM);
const ED = keyPair(ED25519_A_PEM);
const rekor = ecdsaNoteVerifier(REKOR_HOST, rekorPublicKey());

const ROOT = new Uint8Array(32).map((_, i) => i);
const CP: Checkpoint = { origin: 'log.example - 42', size: 7, rootHash: ROOT, extensions: [] };

function esc(value: unknown): string {
  return String(JSON.stringify(value)).replace(/[^\x20-\x7e]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** Replaces the checkpoint text of a signed note, keeping its signature lines. */
function withText(note: string, text: string): string {
  return text + note.slice(note.lastIndexOf('\n\n') + 1);
}

t.test('the real public-good Rekor checkpoint verifies with the real Rekor key', async (t) => {
  const opened = openCheckpoint(REKOR_CHECKPOINT_CURRENT, [rekor]);
  t.same(opened.verifiedBy, [REKOR_HOST]);
  t.equal(opened.checkpoint.origin, REKOR_CHECKPOINT_CURRENT_ORIGIN);
  t.equal(opened.checkpoint.size, REKOR_CHECKPOINT_CURRENT_SIZE);
  t.equal(toBase64(opened.checkpoint.rootHash), REKOR_CHECKPOINT_CURRENT_ROOT);
  t.same(opened.checkpoint.extensions, []);
  t.equal(opened.text, REKOR_CHECKPOINT_CURRENT.slice(0, REKOR_CHECKPOINT_CURRENT.indexOf('\n\n') + 1));
  t.ok(isRekorV1Origin(opened.checkpoint.origin));
  t.equal(rekorOrigin(REKOR_HOST, '1193050959916656506'), opened.checkpoint.origin);
  // The same note given as bytes.
  t.same(openCheckpoint(utf8Bytes(REKOR_CHECKPOINT_CURRENT), [rekor]).checkpoint, opened.checkpoint);
});

t.test('a real older Rekor checkpoint with a Timestamp extension line verifies', async (t) => {
  const opened = openCheckpoint(REKOR_CHECKPOINT_WITH_EXTENSION, [rekor]);
  t.equal(opened.checkpoint.origin, 'rekor.sigstore.dev - 2605736670972794746');
  t.equal(opened.checkpoint.size, 23083062);
  t.same(opened.checkpoint.extensions, ['Timestamp: 1689177396617352539']);
  t.equal(formatCheckpoint(opened.checkpoint), opened.text);
});

t.test('a checkpoint signed with a fixed P-256 key round-trips', async (t) => {
  const note = signCheckpoint(CP, [ecdsaNoteSigner('log.example', P256.privateKey)]);
  t.ok(note.startsWith('log.example - 42\n7\nAAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=\n\n\u2014 log.example '));
  const opened = openCheckpoint(note, [ecdsaNoteVerifier('log.example', P256.publicKey)]);
  t.same(opened.checkpoint, CP);
  t.same(opened.verifiedBy, ['log.example']);
});

t.test('a checkpoint signed with a fixed Ed25519 key and cosigned with P-256 round-trips', async (t) => {
  const cp: Checkpoint = { origin: 'example.com/log', size: 0, rootHash: new Uint8Array(32), extensions: ['ext one', 'ext two'] };
  const note = signCheckpoint(cp, [ed25519NoteSigner('example.com/log', ED.privateKey), ecdsaNoteSigner('witness.example', P256.privateKey)]);
  // Ed25519 is deterministic: the same checkpoint gets the same signature line.
  const edOnly = signCheckpoint(cp, [ed25519NoteSigner('example.com/log', ED.privateKey)]);
  t.equal(signCheckpoint(cp, [ed25519NoteSigner('example.com/log', ED.privateKey)]), edOnly);
  t.ok(note.startsWith(edOnly));
  const log = ed25519NoteVerifier('example.com/log', ED.publicKey);
  const witness = ecdsaNoteVerifier('witness.example', P256.publicKey);
  t.same(openCheckpoint(note, [log]).checkpoint, cp);
  t.same(openCheckpoint(note, [witness, log]).verifiedBy, ['example.com/log', 'witness.example']);
  t.notOk(isRekorV1Origin(cp.origin));
});

t.test('formatCheckpoint and parseCheckpoint are inverses', async (t) => {
  for (const cp of [CP, { ...CP, size: 0 }, { ...CP, size: Number.MAX_SAFE_INTEGER, extensions: ['a', 'b c'] }]) {
    const text = formatCheckpoint(cp);
    t.same(parseCheckpoint(text), cp);
    t.equal(formatCheckpoint(parseCheckpoint(text)), text);
  }
});

t.test('a checkpoint with a changed root or size does not verify', async (t) => {
  const text = REKOR_CHECKPOINT_CURRENT.slice(0, REKOR_CHECKPOINT_CURRENT.indexOf('\n\n') + 1);
  const wrongRoot = text.replace(REKOR_CHECKPOINT_CURRENT_ROOT, toBase64(new Uint8Array(32)));
  t.throws(() => openCheckpoint(withText(REKOR_CHECKPOINT_CURRENT, wrongRoot), [rekor]), { code: 'ERR_SIGNATURE_INVALID' });
  const wrongSize = text.replace('\n148680319\n', '\n148680320\n');
  t.throws(() => openCheckpoint(withText(REKOR_CHECKPOINT_CURRENT, wrongSize), [rekor]), { code: 'ERR_SIGNATURE_INVALID' });
  const wrongOrigin = text.replace('1193050959916656506', '1193050959916656507');
  t.throws(() => openCheckpoint(withText(REKOR_CHECKPOINT_CURRENT, wrongOrigin), [rekor]), { code: 'ERR_SIGNATURE_INVALID' });
});

t.test('a checkpoint signed by an unknown key is unverified', async (t) => {
  const note = signCheckpoint(CP, [ecdsaNoteSigner(REKOR_HOST, P256_B.privateKey)]);
  t.throws(() => openCheckpoint(note, [rekor]), { code: 'ERR_NOTE_UNVERIFIED' });
  t.throws(() => openCheckpoint(REKOR_CHECKPOINT_CURRENT, [ecdsaNoteVerifier(REKOR_HOST, P256_B.publicKey)]), { code: 'ERR_NOTE_UNVERIFIED' });
  t.throws(() => openCheckpoint(REKOR_CHECKPOINT_CURRENT, []), { code: 'ERR_NOTE_UNVERIFIED' });
});

t.test('a checkpoint whose key hint does not match is unverified', async (t) => {
  // wNI9 → xNI9: the first key-hint byte changes from c0 to c4.
  const badHint = REKOR_CHECKPOINT_CURRENT.replace(' wNI9aj', ' xNI9aj');
  t.throws(() => openCheckpoint(badHint, [rekor]), { code: 'ERR_NOTE_UNVERIFIED' });
});

t.test('a checkpoint signed under another name is unverified', async (t) => {
  t.throws(() => openCheckpoint(REKOR_CHECKPOINT_CURRENT, [ecdsaNoteVerifier('rekor.example.com', rekorPublicKey())]), { code: 'ERR_NOTE_UNVERIFIED' });
  const renamed = REKOR_CHECKPOINT_CURRENT.replace(`\u2014 ${REKOR_HOST} `, '\u2014 rekor.example.com ');
  t.throws(() => openCheckpoint(renamed, [rekor]), { code: 'ERR_NOTE_UNVERIFIED' });
});

t.test('a known signature next to sixteen unknown ones still verifies', async (t) => {
  const own = parseNote(REKOR_CHECKPOINT_CURRENT);
  const others = Array.from({ length: 16 }, (_, i) => ({ name: `witness${i}.example`, keyId: new Uint8Array([1, 2, 3, i]), signature: new Uint8Array(64).fill(i) }));
  const note = formatNote(own.text, [...others.slice(0, 8), ...own.signatures, ...others.slice(8)]);
  t.same(openCheckpoint(note, [rekor]).verifiedBy, [REKOR_HOST]);
});

t.test('parseCheckpoint rejects a missing or empty origin and too few lines', async (t) => {
  const root = toBase64(ROOT);
  for (const bad of ['', '\n', 'origin\n', 'origin\n5\n', `\n5\n${root}\n`, `5\n${root}\n`]) {
    t.throws(() => parseCheckpoint(bad), { code: 'ERR_NOTE_MALFORMED' }, esc(bad));
  }
});

t.test('parseCheckpoint requires a canonical decimal size in the safe range', async (t) => {
  const root = toBase64(ROOT);
  for (const size of ['', 'abc', '05', '00', '-1', '+5', ' 5', '5 ', '1e3', '0x10', '1.0', '9007199254740992', '18446744073709551616', '9'.repeat(1000)]) {
    t.throws(() => parseCheckpoint(`origin\n${size}\n${root}\n`), { code: 'ERR_NOTE_MALFORMED' }, size.slice(0, 30));
  }
  t.equal(parseCheckpoint(`origin\n9007199254740991\n${root}\n`).size, Number.MAX_SAFE_INTEGER);
});

t.test('parseCheckpoint requires a 32-byte root hash in standard padded base64', async (t) => {
  const root = toBase64(ROOT);
  for (const bad of ['', toBase64(new Uint8Array(31)), toBase64(new Uint8Array(33)), toBase64(new Uint8Array(64)), root.slice(0, -1), toBase64(new Uint8Array(32).fill(0xff)).replaceAll('/', '_'), `${root} `, 'not base64']) {
    t.throws(() => parseCheckpoint(`origin\n5\n${bad}\n`), { code: 'ERR_NOTE_MALFORMED' }, bad);
  }
});

t.test('parseCheckpoint rejects empty extension lines, control characters, CRLF and a missing newline', async (t) => {
  const text = formatCheckpoint(CP);
  for (const bad of [
    `${text}\n`, // an extra (empty) line
    `${text}ext\n\n`,
    `${text}\next\n`,
    text.replaceAll('\n', '\r\n'),
    text.replace('log.example', 'log\u0000example'),
    text.replace('log.example', 'log\texample'),
    `${text}ext\u0007\n`,
    text.slice(0, -1),
    `${text}ext`,
    'x'.repeat(2 * 1024 * 1024),
  ]) {
    t.throws(() => parseCheckpoint(bad), { code: 'ERR_NOTE_MALFORMED' }, esc(bad.slice(0, 80)));
  }
  t.throws(() => parseCheckpoint(undefined as unknown as string), { code: 'ERR_NOTE_MALFORMED' });
});

t.test('a validly signed note that is not a checkpoint does not open as one', async (t) => {
  const signer = ecdsaNoteSigner('log.example', P256.privateKey);
  const verifier = ecdsaNoteVerifier('log.example', P256.publicKey);
  for (const text of ['hello\n', 'origin\n01\nAAAA\n', `origin\n5\n${toBase64(ROOT)}\n\nafter blank\n`]) {
    t.throws(() => openCheckpoint(signNote(text, [signer]), [verifier]), { code: 'ERR_NOTE_MALFORMED' }, esc(text));
  }
});

t.test('a checkpoint note whose text has an extra blank line is split at the last one and rejected', async (t) => {
  // The first-split reading (sigstore-js) would see a valid checkpoint; the C2SP reading does not.
  const text = formatCheckpoint(CP);
  const note = signNote(text, [ecdsaNoteSigner('log.example', P256.privateKey)]);
  const smuggled = `${text}\n\u2014 log.example AAAAAAAA\n${note.slice(text.length)}`;
  t.throws(() => openCheckpoint(smuggled, [ecdsaNoteVerifier('log.example', P256.publicKey)]), { code: 'ERR_SIGNATURE_INVALID' });
});

t.test('formatCheckpoint validates every field', async (t) => {
  const bad: Checkpoint[] = [
    { ...CP, origin: '' },
    { ...CP, origin: 'a\nb' },
    { ...CP, origin: 'a\rb' },
    { ...CP, origin: 7 as unknown as string },
    { ...CP, size: -1 },
    { ...CP, size: 1.5 },
    { ...CP, size: Number.NaN },
    { ...CP, size: 2 ** 53 },
    { ...CP, size: '5' as unknown as number },
    { ...CP, rootHash: new Uint8Array(31) },
    { ...CP, rootHash: Array.from(ROOT) as unknown as Uint8Array },
    { ...CP, extensions: 'ext' as unknown as string[] },
    { ...CP, extensions: [''] },
    { ...CP, extensions: ['a\nb'] },
    { ...CP, extensions: ['a\u0000b'] },
    { ...CP, extensions: [5 as unknown as string] },
  ];
  for (const cp of bad) {
    t.throws(() => formatCheckpoint(cp), { code: 'ERR_NOTE_MALFORMED' }, esc({ ...cp, rootHash: cp.rootHash.length }));
  }
});

t.test('rekorOrigin builds "<host> - <tree id>" from a decimal string or a bigint', async (t) => {
  t.equal(rekorOrigin('rekor.sigstore.dev', '1193050959916656506'), 'rekor.sigstore.dev - 1193050959916656506');
  t.equal(rekorOrigin('rekor.sigstore.dev', 3904496407287907110n), 'rekor.sigstore.dev - 3904496407287907110');
  t.equal(rekorOrigin('localhost:3000', '1'), 'localhost:3000 - 1');
  t.equal(rekorOrigin('h', '9223372036854775807'), 'h - 9223372036854775807');
});

t.test('rekorOrigin rejects tree ids that are not positive int64s', async (t) => {
  for (const id of ['0', '01', '', '-1', '+1', '1.0', 'abc', '1e5', ' 1', '9223372036854775808', '99999999999999999999', 0n, -1n, 1n << 63n, 5 as unknown as bigint, null as unknown as bigint]) {
    t.throws(() => rekorOrigin('rekor.example', id), { code: 'ERR_ENCODING_INVALID' }, String(id));
  }
});

t.test('rekorOrigin rejects hostnames that cannot name a note key', async (t) => {
  for (const host of ['', 'a b', 'a+b', 'a\nb', 'a\u0000b', 3]) {
    t.throws(() => rekorOrigin(host as string, '1'), { code: 'ERR_NOTE_MALFORMED' }, esc(host));
  }
});

t.test('isRekorV1Origin matches sigstore-go: ends in " - " and digits', async (t) => {
  for (const good of ['rekor.sigstore.dev - 1193050959916656506', 'x - 0', ' - 1', 'a - b - 12', 'rekor - 0123']) {
    t.ok(isRekorV1Origin(good), good);
  }
  for (const bad of ['log2025-1.rekor.sigstore.dev', 'rekor.sigstore.dev', 'x - ', 'x - 12a', 'x -12', 'x- 12', 'x - 1 ', 'x - 1\n', 'x - \u0661', '', 5]) {
    t.notOk(isRekorV1Origin(bad as string), esc(bad));
  }
  // Hostile input is a linear scan.
  const start = performance.now();
  t.notOk(isRekorV1Origin(' - 1'.repeat(250000) + 'x'));
  t.notOk(isRekorV1Origin(`x - ${'1'.repeat(1000000)}x`));
  t.ok(performance.now() - start < 5000);
});
