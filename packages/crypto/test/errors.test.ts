import t from 'tap';
import { EncodingError, isSigstackError, KeyError, SigstackError, VerificationError } from '../src/errors.js';

t.test('errors carry a typed code, their class name and a cause', async (t) => {
  const cause = new Error('root');
  const err = new VerificationError('ERR_PROOF_INVALID', 'root mismatch at size 3', { cause });
  t.equal(err.code, 'ERR_PROOF_INVALID');
  t.equal(err.name, 'VerificationError');
  t.equal(err.cause, cause);
  t.ok(err instanceof SigstackError);
  t.equal(new EncodingError('ERR_ENCODING_INVALID', 'x').name, 'EncodingError');
  t.equal(new KeyError('ERR_KEY_MALFORMED', 'x').name, 'KeyError');
});

t.test('isSigstackError narrows by class and, when given, by code', async (t) => {
  const err = new KeyError('ERR_KEY_UNSUPPORTED', 'rsa 1024');
  t.ok(isSigstackError(err));
  t.ok(isSigstackError(err, 'ERR_KEY_UNSUPPORTED'));
  t.notOk(isSigstackError(err, 'ERR_KEY_MALFORMED'));
  t.notOk(isSigstackError(new Error('plain')));
  t.notOk(isSigstackError({ code: 'ERR_KEY_UNSUPPORTED' }));
});
