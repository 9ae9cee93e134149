import t from 'tap';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileDurably } from '../src/index.js';

t.test('writeFileDurably replaces a file whole and leaves no temporary file', async (t) => {
  const dir = t.testdir();
  const path = join(dir, 'timestamp.json');
  writeFileSync(path, 'old');
  await writeFileDurably(path, 'new');
  t.equal(readFileSync(path, 'utf8'), 'new');
  await writeFileDurably(path, new Uint8Array([1, 2, 3]));
  t.same([...readFileSync(path)], [1, 2, 3]);
  t.same(readdirSync(dir), ['timestamp.json']);
});

t.test('writeFileDurably throws the file system error when the directory is missing', async (t) => {
  await t.rejects(writeFileDurably(join(t.testdir(), 'missing', 'x.json'), 'x'), { code: 'ENOENT' });
});

t.test('writeFileDurably removes its temporary file when the rename fails', async (t) => {
  const dir = t.testdir({ target: { inside: 'a directory cannot be replaced by a file' } });
  await t.rejects(writeFileDurably(join(dir, 'target'), 'x'));
  t.same(readdirSync(dir), ['target']);
});
