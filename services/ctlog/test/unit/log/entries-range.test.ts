import t from 'tap';
import { entriesRange, MAX_GET_ENTRIES } from '../../../src/log/ct-log.js';

t.test('get-entries ranges are capped at 1000 and aligned like CTFE', async (t) => {
  t.equal(MAX_GET_ENTRIES, 1000);
  t.same(entriesRange(0, 0), { start: 0, end: 0 });
  t.same(entriesRange(5, 998), { start: 5, end: 998 }, 'under the cap: unchanged');
  t.same(entriesRange(0, 999), { start: 0, end: 999 }, 'exactly the cap, aligned already');
  t.same(entriesRange(0, 5000), { start: 0, end: 999 });
  t.same(entriesRange(1500, 5000), { start: 1500, end: 1999 }, 'cut at the next multiple of 1000');
  t.same(entriesRange(1001, 2000), { start: 1001, end: 1999 }, 'a full-size request is aligned');
  t.same(entriesRange(999, 999 + 999), { start: 999, end: 999 }, 'it can shrink to one entry');
});
