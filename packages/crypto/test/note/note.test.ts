import t from 'tap';
import { createPrivateKey } from 'node:crypto';
import {
  MAX_NOTE_BYTES,
  MAX_NOTE_SIGNATURES,
  checkNoteText,
  formatNote,
  isValidKeyName,
  openNote,
  parseNote,
  signNote,
  type NoteSignature,
  type NoteVerifier,
} from '../../src/note/note.js';
import { ed25519NoteSigner, ed25519NoteVerifier, parseVerifierKey } from '../../src/note/signers.js';
import { toHex, utf8Bytes } from '../../src/encoding.js';
import { ED25519_A_PEM, ED25519_B_PEM, keyPair } from '../fixtures/note-keys.js';
import { ENOCH_VKEY, GO_NOTE, GO_NOTE_TWO_SIGNERS, GO_TEXT, PETER_PRIVATE_PEM, PETER_VKEY } from '../fixtures/public-notes.js';

const A = keyPair(ED25519_A_PEM);
const B = keyPair(ED25519_B_PEM);
const signerA = ed25519NoteSigner('example.com/a', A.privateKey);
const verifierA = ed25519NoteVerifier('example.com/a', A.publicKey);
const verifierB = ed25519NoteVerifier('example.com/b', B.publicKey);

/** A syntactically valid signature line from a key nobody here knows. */
function foreignSig(i: number, name = `witness${i}.example`): NoteSignature {
  return { name, keyId: new Uint8Array([i, i, i, i]), signature: new Uint8Array(64).fill(i) };
}

/** A test message with every non-printable-ASCII character escaped (TAP output is line based). */
function esc(value: unknown): string {
  return String(JSON.stringify(value)).replace(/[^\x20-\x7e]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

function sigLine(name: string, b64: string): string {
  return `\u2014 ${name} ${b64}\n`;
}

t.test('parseNote splits the Go example into its text and signature', async (t) => {
  const parsed = parseNote(GO_NOTE);
  t.equal(parsed.text, GO_TEXT);
  t.equal(parsed.signatures.length, 1);
  t.equal(parsed.signatures[0]?.name, 'PeterNeumann');
  t.equal(toHex(parsed.signatures[0]!.keyId), 'c74f20a3');
  t.equal(parsed.signatures[0]?.signature.byteLength, 64);
});

t.test('signNote reproduces the Go example byte for byte', async (t) => {
  const signer = ed25519NoteSigner('PeterNeumann', createPrivateKey(PETER_PRIVATE_PEM));
  t.equal(signNote(GO_TEXT, [signer]), GO_NOTE);
});

t.test('openNote verifies the Go example with its verifier key', async (t) => {
  const opened = openNote(GO_NOTE, [parseVerifierKey(PETER_VKEY)]);
  t.equal(opened.text, GO_TEXT);
  t.same(opened.verifiedBy, ['PeterNeumann']);
});

t.test('openNote reports every known key that signed, and ignores the others', async (t) => {
  const peter = parseVerifierKey(PETER_VKEY);
  const enoch = parseVerifierKey(ENOCH_VKEY);
  t.same(openNote(GO_NOTE_TWO_SIGNERS, [peter, enoch]).verifiedBy, ['PeterNeumann', 'EnochRoot']);
  t.same(openNote(GO_NOTE_TWO_SIGNERS, [enoch]).verifiedBy, ['EnochRoot']);
  t.same(openNote(GO_NOTE_TWO_SIGNERS, [peter, verifierA]).verifiedBy, ['PeterNeumann']);
});

t.test('openNote accepts the note as bytes', async (t) => {
  t.same(openNote(utf8Bytes(GO_NOTE), [parseVerifierKey(PETER_VKEY)]).verifiedBy, ['PeterNeumann']);
});

t.test('a note signed only by unknown keys is unverified', async (t) => {
  t.throws(() => openNote(GO_NOTE, [verifierA]), { code: 'ERR_NOTE_UNVERIFIED' });
  t.throws(() => openNote(GO_NOTE, []), { code: 'ERR_NOTE_UNVERIFIED' });
});

t.test('a signature whose name matches but key id does not is ignored', async (t) => {
  // Same name as the Go key, different key: a different key id, so an unknown key.
  const impostor = ed25519NoteVerifier('PeterNeumann', A.publicKey);
  t.throws(() => openNote(GO_NOTE, [impostor]), { code: 'ERR_NOTE_UNVERIFIED' });
});

t.test('a signature whose key id matches but name does not is ignored', async (t) => {
  const peter = parseVerifierKey(PETER_VKEY);
  const renamed: NoteVerifier = { name: 'PeterN', keyId: peter.keyId, verify: () => true };
  t.throws(() => openNote(GO_NOTE, [renamed]), { code: 'ERR_NOTE_UNVERIFIED' });
});

t.test('a known key whose signature fails rejects the note', async (t) => {
  const peter = parseVerifierKey(PETER_VKEY);
  t.throws(() => openNote(GO_NOTE.replace('cryptography', 'cryptographY'), [peter]), { code: 'ERR_SIGNATURE_INVALID' });
  // Even when another known key verifies.
  const note = signNote('hello\n', [signerA]) + sigLine('PeterNeumann', GO_NOTE.split(' ').at(-1)!.trim());
  t.throws(() => openNote(note, [verifierA, peter]), { code: 'ERR_SIGNATURE_INVALID' });
});

t.test('every signature of a known key is checked, and its name is reported once', async (t) => {
  const note = formatNote('hello\n', [...parseNote(signNote('hello\n', [signerA])).signatures, ...parseNote(signNote('hello\n', [signerA])).signatures]);
  t.same(openNote(note, [verifierA]).verifiedBy, ['example.com/a']);
  const bad = { ...parseNote(note).signatures[0]!, signature: new Uint8Array(64) };
  t.throws(() => openNote(formatNote('hello\n', [...parseNote(note).signatures, bad]), [verifierA]), { code: 'ERR_SIGNATURE_INVALID' });
});

t.test('a note with 16 signatures of which only one is known verifies', async (t) => {
  const own = parseNote(signNote('checkpoint text\n', [signerA])).signatures[0]!;
  const sigs = [...Array.from({ length: 15 }, (_, i) => foreignSig(i)), own];
  t.same(openNote(formatNote('checkpoint text\n', sigs), [verifierA, verifierB]).verifiedBy, ['example.com/a']);
  // Also with the known signature first.
  t.same(openNote(formatNote('checkpoint text\n', [own, ...sigs.slice(0, 15)]), [verifierA]).verifiedBy, ['example.com/a']);
});

t.test('a note with exactly the maximum number of signatures parses, one more does not', async (t) => {
  const sigs = Array.from({ length: MAX_NOTE_SIGNATURES }, (_, i) => foreignSig(i));
  const note = formatNote('x\n', sigs);
  t.equal(parseNote(note).signatures.length, MAX_NOTE_SIGNATURES);
  t.throws(() => parseNote(note + sigLine('one.more', 'AAAAAAAA')), { code: 'ERR_NOTE_MALFORMED' });
  t.throws(() => formatNote('x\n', [...sigs, foreignSig(1)]), { code: 'ERR_NOTE_MALFORMED' });
});

t.test('the text is split from the signatures at the last blank line', async (t) => {
  const text = 'para one\n\npara two\n';
  const note = signNote(text, [signerA]);
  const parsed = parseNote(note);
  t.equal(parsed.text, text);
  t.same(openNote(note, [verifierA]).verifiedBy, ['example.com/a']);
  // A text that is only a newline is allowed by the spec.
  t.equal(parseNote(signNote('\n', [signerA])).text, '\n');
});

t.test('parseNote rejects an empty note, a note without blank line and one without signatures', async (t) => {
  for (const bad of ['', '\n', 'text\n', 'text\n\n', 'text\n\n\n', GO_TEXT + sigLine('PeterNeumann', 'AAAAAAAA')]) {
    t.throws(() => parseNote(bad), { code: 'ERR_NOTE_MALFORMED' }, esc(bad));
  }
});

t.test('parseNote rejects signature lines that are not em dash, space, name, space, base64', async (t) => {
  const b64 = 'xwAAAAE=';
  const lines = [
    `- name ${b64}\n`, // hyphen, not em dash
    `\u2013 name ${b64}\n`, // en dash
    `\u2014name ${b64}\n`, // no space after the dash
    `\u2014 name\n`, // no signature
    `\u2014 name \n`, // empty signature
    `\u2014  ${b64}\n`, // empty name
    `\u2014 na+me ${b64}\n`, // '+' in name
    `\u2014 na\u00a0me ${b64}\n`, // no-break space in name
    `\u2014 na\u3000me ${b64}\n`, // ideographic space in name
    `\u2014 name ${b64} \n`, // trailing space
    `\u2014 name  ${b64}\n`, // two spaces
    `\u2014 name xwAAAA==\n`, // 4 bytes: a key id and no signature
    `\u2014 name xwAAAAE\n`, // unpadded base64
    `\u2014 name xwAAAAF=\n`, // non-canonical base64
    `\u2014 name xw-_AAE=\n`, // url-safe alphabet
    `\u2014 name ${b64}`, // no final newline
  ];
  for (const line of lines) {
    t.throws(() => parseNote(`text\n\n${line}`), { code: 'ERR_NOTE_MALFORMED' }, esc(line));
  }
});

t.test('parseNote rejects a truncated signature', async (t) => {
  const b64 = GO_NOTE.slice(GO_NOTE.lastIndexOf(' ') + 1, -1);
  for (const cut of [1, 2, 3, 5, b64.length - 4]) {
    t.throws(() => parseNote(GO_TEXT + '\n' + sigLine('PeterNeumann', b64.slice(0, -cut))), { code: 'ERR_NOTE_MALFORMED' }, String(cut));
  }
  // Cut at a base64 quantum it is well-formed, and the known key's signature then fails.
  const short = GO_TEXT + '\n' + sigLine('PeterNeumann', b64.slice(0, -4));
  t.equal(parseNote(short).signatures[0]?.signature.byteLength, 62);
  t.throws(() => openNote(short, [parseVerifierKey(PETER_VKEY)]), { code: 'ERR_SIGNATURE_INVALID' });
});

t.test('parseNote rejects control characters, CRLF and broken UTF-8', async (t) => {
  const good = signNote('hello\n', [signerA]);
  for (const bad of [good.replace('hello', 'hel\u0000lo'), good.replace('hello', 'hel\tlo'), good.replace('hello', 'hel\u001blo'), good.replaceAll('\n', '\r\n'), good.replace('\n\n', '\n\r\n')]) {
    t.throws(() => parseNote(bad), { code: 'ERR_NOTE_MALFORMED' }, esc(bad));
  }
  // Lone surrogates have no UTF-8 encoding.
  for (const bad of ['a\ud800b\n', 'a\udc00\n', 'a\ud800']) {
    t.throws(() => parseNote(`${bad}\n${sigLine('n', 'xwAAAAE=')}`), { code: 'ERR_NOTE_MALFORMED' }, esc(bad));
  }
  const bytes = utf8Bytes(good);
  const broken = new Uint8Array([0xff, ...bytes]);
  t.throws(() => parseNote(broken), { code: 'ERR_NOTE_MALFORMED' });
  const overlong = new Uint8Array([0xc0, 0xaf, ...bytes]);
  t.throws(() => parseNote(overlong), { code: 'ERR_NOTE_MALFORMED' });
});

t.test('parseNote accepts DEL, non-ASCII text and astral characters, as the spec allows', async (t) => {
  const text = 'caf\u00e9 \u{1f600} \u007f \u0085\n';
  const note = signNote(text, [signerA]);
  t.equal(parseNote(note).text, text);
  t.equal(parseNote(utf8Bytes(note)).text, text);
  // A byte order mark is kept as part of the text, not silently dropped.
  const withBom = new Uint8Array([0xef, 0xbb, 0xbf, ...utf8Bytes(note)]);
  t.equal(parseNote(withBom).text, `\ufeff${text}`);
});

t.test('parseNote bounds the size of a note', async (t) => {
  const big = 'a'.repeat(MAX_NOTE_BYTES) + '\n\n' + sigLine('n', 'xwAAAAE=');
  t.throws(() => parseNote(big), { code: 'ERR_NOTE_MALFORMED' });
  t.throws(() => parseNote(utf8Bytes(big)), { code: 'ERR_NOTE_MALFORMED' });
  // Within the UTF-16 bound but beyond it in UTF-8 bytes.
  const wide = '\u00e9'.repeat(MAX_NOTE_BYTES / 2 + 1) + '\n\n' + sigLine('n', 'xwAAAAE=');
  t.throws(() => parseNote(wide), { code: 'ERR_NOTE_MALFORMED' });
});

t.test('parseNote rejects what is neither a string nor bytes', async (t) => {
  for (const bad of [undefined, null, 42, {}, ['a']]) {
    t.throws(() => parseNote(bad as unknown as string), { code: 'ERR_NOTE_MALFORMED' }, String(bad));
  }
});

t.test('a hostile key name is taken literally, and hostile lines parse in linear time', async (t) => {
  // A name that would be a catastrophic regex if anyone built a RegExp from it.
  const name = '(.*)*x';
  t.ok(isValidKeyName(name));
  const note = formatNote('hello\n', [foreignSig(1, name), ...parseNote(signNote('hello\n', [signerA])).signatures]);
  t.equal(parseNote(note).signatures[0]?.name, name);
  t.same(openNote(note, [verifierA]).verifiedBy, ['example.com/a']);
  t.throws(() => openNote(formatNote('hello\n', [foreignSig(1, name)]), [verifierA]), { code: 'ERR_NOTE_UNVERIFIED' });
  // Near the size bound: a single long line with no space, and many short bad lines.
  const start = performance.now();
  t.throws(() => parseNote(`x\n\n\u2014 ${'a'.repeat(MAX_NOTE_BYTES - 100)}\n`), { code: 'ERR_NOTE_MALFORMED' });
  t.throws(() => parseNote(`x\n\n\u2014 n ${'A'.repeat(MAX_NOTE_BYTES - 100)}!\n`), { code: 'ERR_NOTE_MALFORMED' });
  t.throws(() => parseNote(`x\n\n${'\u2014 (.*)*x AAAA!\n'.repeat(50000)}`), { code: 'ERR_NOTE_MALFORMED' });
  t.ok(performance.now() - start < 5000, 'hostile notes are rejected quickly');
});

t.test('isValidKeyName follows the spec: non-empty, no Unicode spaces, no plus', async (t) => {
  for (const good of ['a', 'rekor.sigstore.dev', 'example.com/log', 'x:8080', '\u00e9', 'a\u{1f600}']) {
    t.ok(isValidKeyName(good), esc(good));
  }
  for (const bad of ['', ' ', 'a b', 'a+b', 'a\tb', 'a\nb', 'a\u000bb', 'a\u0085b', 'a\u00a0b', 'a\u1680b', 'a\u2000b', 'a\u200ab', 'a\u2028b', 'a\u2029b', 'a\u202fb', 'a\u205fb', 'a\u3000b', 'a\u0001b', 'a\ud800', 42]) {
    t.notOk(isValidKeyName(bad as string), esc(bad));
  }
});

t.test('checkNoteText requires a string that ends in a newline', async (t) => {
  t.doesNotThrow(() => checkNoteText('a\n'));
  t.throws(() => checkNoteText('a'), { code: 'ERR_NOTE_MALFORMED' });
  t.throws(() => checkNoteText(''), { code: 'ERR_NOTE_MALFORMED' });
  t.throws(() => checkNoteText(7 as unknown as string), { code: 'ERR_NOTE_MALFORMED' });
});

t.test('formatNote checks the text and every signature', async (t) => {
  const sig = foreignSig(1);
  t.throws(() => formatNote('no newline', [sig]), { code: 'ERR_NOTE_MALFORMED' });
  t.throws(() => formatNote('a\r\n', [sig]), { code: 'ERR_NOTE_MALFORMED' });
  t.throws(() => formatNote('a\n', []), { code: 'ERR_NOTE_MALFORMED' });
  t.throws(() => formatNote('a\n', 'sig' as unknown as NoteSignature[]), { code: 'ERR_NOTE_MALFORMED' });
  t.throws(() => formatNote('a\n', [{ ...sig, name: 'a b' }]), { code: 'ERR_NOTE_MALFORMED' });
  t.throws(() => formatNote('a\n', [{ ...sig, keyId: new Uint8Array(3) }]), { code: 'ERR_NOTE_MALFORMED' });
  t.throws(() => formatNote('a\n', [{ ...sig, keyId: [1, 2, 3, 4] as unknown as Uint8Array }]), { code: 'ERR_NOTE_MALFORMED' });
  t.throws(() => formatNote('a\n', [{ ...sig, signature: new Uint8Array(0) }]), { code: 'ERR_NOTE_MALFORMED' });
  t.throws(() => formatNote('a\n', [{ ...sig, signature: 'abc' as unknown as Uint8Array }]), { code: 'ERR_NOTE_MALFORMED' });
  // A text within the bound whose signatures push the note over it.
  const text = 'a'.repeat(MAX_NOTE_BYTES - 10) + '\n';
  t.throws(() => formatNote(text, [sig]), { code: 'ERR_NOTE_MALFORMED' });
});

t.test('formatNote output parses back to the same text and signatures', async (t) => {
  const sigs = [foreignSig(1), foreignSig(2, 'example.com/\u00e9')];
  const parsed = parseNote(formatNote('a\n\nb\n', sigs));
  t.equal(parsed.text, 'a\n\nb\n');
  t.same(parsed.signatures, sigs);
});

t.test('signNote rejects a bad text or signer list', async (t) => {
  t.throws(() => signNote('no newline', [signerA]), { code: 'ERR_NOTE_MALFORMED' });
  t.throws(() => signNote('a\n', []), { code: 'ERR_NOTE_MALFORMED' });
  t.throws(() => signNote('a\n', signerA as unknown as []), { code: 'ERR_NOTE_MALFORMED' });
});

t.test('openNote rejects a malformed note before checking signatures', async (t) => {
  let called = false;
  const spy: NoteVerifier = { name: 'n', keyId: new Uint8Array(4), verify: () => (called = true) };
  t.throws(() => openNote('text\n\n\u2014 n AAAAAAAA\r\n', [spy]), { code: 'ERR_NOTE_MALFORMED' });
  t.notOk(called);
});

t.test('openNote rejects a verifier list that is not a list or names a key twice', async (t) => {
  t.throws(() => openNote(GO_NOTE, verifierA as unknown as NoteVerifier[]), { code: 'ERR_NOTE_UNVERIFIED' });
  const peter = parseVerifierKey(PETER_VKEY);
  const twin: NoteVerifier = { name: peter.name, keyId: new Uint8Array(peter.keyId), verify: () => true };
  t.throws(() => openNote(GO_NOTE, [peter, twin]), { code: 'ERR_NOTE_UNVERIFIED' });
});
