import t from 'tap';
import { pemDecode, pemEncode } from '../../src/keys/pem.js';

const INVALID = { code: 'ERR_ENCODING_INVALID' };
const der = new Uint8Array(100).map((_, i) => i);

t.test('pemEncode writes Go pem.Encode layout', async (t) => {
  const pem = pemEncode('PUBLIC KEY', der);
  const lines = pem.split('\n');
  t.equal(lines[0], '-----BEGIN PUBLIC KEY-----');
  t.same(lines.slice(1, 4).map((l) => l.length), [64, 64, 8]);
  t.equal(lines[4], '-----END PUBLIC KEY-----');
  t.equal(lines[5], '');
  t.equal(pemEncode('X', new Uint8Array(48)).split('\n').length, 4, 'exactly 64 characters need no extra line');
});

t.test('pemEncode refuses bad labels and empty bodies', async (t) => {
  for (const label of ['', 'public key', 'A  B', 'A-B', ' A']) t.throws(() => pemEncode(label, der), INVALID, label);
  t.throws(() => pemEncode('A', new Uint8Array()), INVALID);
});

t.test('pemDecode round-trips one or several blocks', async (t) => {
  const [block] = pemDecode(pemEncode('CERTIFICATE', der));
  t.equal(block?.label, 'CERTIFICATE');
  t.same([...(block?.der ?? [])], [...der]);
  const two = `\n  \n${pemEncode('A', der)}\n${pemEncode('X509 CRL', der.subarray(1))}  \n`;
  t.same(pemDecode(two).map((b) => [b.label, b.der.length]), [['A', 100], ['X509 CRL', 99]]);
});

t.test('pemDecode accepts CRLF and any base64 line length', async (t) => {
  const b64 = Buffer.from(der).toString('base64');
  const text = `-----BEGIN A-----\r\n${b64.slice(0, 10)}\r\n${b64.slice(10)}\r\n-----END A-----\r\n`;
  t.equal(pemDecode(text)[0]?.der.length, 100);
});

t.test('pemDecode refuses anything outside strict PEM', async (t) => {
  const good = pemEncode('A', der);
  const body = Buffer.from(der).toString('base64');
  const bad = {
    nothing: '',
    whitespace: ' \n\t\n',
    'leading text': `hello\n${good}`,
    'trailing text': `${good}garbage`,
    'text between blocks': `${good}x\n${good}`,
    'lower-case label': good.replace(/-----(BEGIN|END) A-----/g, '-----$1 a-----'),
    'mismatched end': good.replace('END A', 'END B'),
    'no end': good.replace('\n-----END A-----\n', ''),
    headers: good.replace('-----\n', '-----\nProc-Type: 4,ENCRYPTED\n\n'),
    'blank line in body': good.replace('-----\n', '-----\n\n'),
    'space in body': good.replace(body.slice(0, 64), `${body.slice(0, 30)} ${body.slice(30, 64)}`),
    'url alphabet': `-----BEGIN A-----\n${body.replace(/\+/g, '-').replace(/\//g, '_')}\n-----END A-----\n`,
    'missing padding': `-----BEGIN A-----\nQQ\n-----END A-----\n`,
    'non-canonical bits': `-----BEGIN A-----\nQR==\n-----END A-----\n`,
    'empty body': `-----BEGIN A-----\n-----END A-----\n`,
    'trailing dashes garbage': good.replace('-----BEGIN A-----', '-----BEGIN A------'),
  };
  for (const [name, text] of Object.entries(bad)) t.throws(() => pemDecode(text), INVALID, name);
});
