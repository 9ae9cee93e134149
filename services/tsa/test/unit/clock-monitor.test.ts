import t from 'tap';
import { ClockMonitor, systemClock } from '../../src/clock/clock-monitor.js';
import type { ClockEvent } from '../../src/clock/clock-monitor.js';
import { FakeClock, NOW } from '../helpers.js';

function monitor(clock = new FakeClock()) {
  const events: ClockEvent[] = [];
  const m = new ClockMonitor(clock, { maxJumpMs: 1000, settleMs: 60_000 }, (e) => events.push(e));
  return { m, clock, events };
}

t.test('a clock whose wall and monotonic time advance together is trusted', async (t) => {
  const { m, clock, events } = monitor();
  t.same(m.read(), { trusted: true, now: NOW });
  clock.advance(3_600_000);
  t.equal(m.read().trusted, true);
  t.same(events, []);
});

t.test('drift below the bound between readings is not a jump', async (t) => {
  const { m, clock, events } = monitor();
  for (let i = 0; i < 100; i++) {
    clock.advance(1000);
    clock.jump(900);
    t.equal(m.read().trusted, true);
  }
  t.same(events, [], 'a slewing clock (here far faster than NTP slews) never trips the check');
});

t.test('a forward jump makes the clock untrusted until it has settled', async (t) => {
  const { m, clock, events } = monitor();
  clock.advance(10);
  clock.jump(5000);
  const status = m.read();
  t.equal(status.trusted, false);
  t.same(status.lastJump, { at: NOW + 5010, byMs: 5000 });
  t.same(events, [{ kind: 'jump', jump: { at: NOW + 5010, byMs: 5000 } }]);
  clock.advance(59_999);
  t.equal(m.read().trusted, false, 'not before the settling period');
  clock.advance(1);
  const settled = m.read();
  t.equal(settled.trusted, true);
  t.same(settled.lastJump, { at: NOW + 5010, byMs: 5000 }, 'the last jump stays visible');
  t.same(events[1], { kind: 'settled', at: NOW + 65_010 });
  t.equal(events.length, 2);
});

t.test('a backward jump is a jump too', async (t) => {
  const { m, clock } = monitor();
  clock.jump(-1500);
  t.same(m.read().lastJump, { at: NOW - 1500, byMs: -1500 });
});

t.test('another jump while settling starts the settling period again', async (t) => {
  const { m, clock, events } = monitor();
  clock.jump(2000);
  m.read();
  clock.advance(50_000);
  clock.jump(-2000);
  t.equal(m.read().trusted, false);
  clock.advance(20_000);
  t.equal(m.read().trusted, false, '70 s after the first jump, 20 s after the second');
  clock.advance(40_000);
  t.equal(m.read().trusted, true);
  t.same(events.map((e) => e.kind), ['jump', 'jump', 'settled']);
});

t.test('the system clock reads wall and monotonic time', async (t) => {
  const before = Date.now();
  t.ok(systemClock.now() >= before);
  const a = systemClock.monotonic();
  t.ok(systemClock.monotonic() >= a);
  t.equal(new ClockMonitor(systemClock, { maxJumpMs: 1000, settleMs: 0 }).read().trusted, true);
});
