import { HostClock } from '../../../devhost/durable/clock';

const t0 = Date.parse('2024-05-01T10:00:00.000Z');
let realNow = t0;

beforeEach(() => {
  realNow = t0;
  jest.spyOn(Date, 'now').mockImplementation(() => realNow);
});
afterEach(() => jest.restoreAllMocks());

describe('HostClock: scale', () => {
  it('follows real time by default', () => {
    const clock = new HostClock();
    expect(clock.scale).toBe(1);
    expect(clock.nowMs()).toBe(t0);
    realNow += 1500;
    expect(clock.nowMs()).toBe(t0 + 1500);
    expect(clock.now().toISOString()).toBe('2024-05-01T10:00:01.500Z');
  });

  it.each<[number, number]>([
    [60, 60_000],
    [3600, 3_600_000],
    [0.5, 500],
  ])('scale %d: one real second is %d virtual ms', (scale, expected) => {
    const clock = new HostClock({ scale });
    expect(clock.scale).toBe(scale);
    realNow += 1000;
    expect(clock.nowMs() - t0).toBe(expected);
  });

  it.each<[number | undefined]>([[0], [-5], [undefined]])('scale %p falls back to real time', (scale) => {
    const clock = new HostClock({ scale });
    expect(clock.scale).toBe(1);
    realNow += 1000;
    expect(clock.nowMs()).toBe(t0 + 1000);
  });
});

describe('HostClock: advance', () => {
  it('jumps forward and stays ahead', () => {
    const clock = new HostClock({ scale: 10 });
    clock.advance(5 * 60_000);
    expect(clock.nowMs()).toBe(t0 + 5 * 60_000);
    realNow += 100;
    expect(clock.nowMs()).toBe(t0 + 5 * 60_000 + 1000);
  });

  it.each<[number]>([[0], [-1000]])('advance(%d) does not move the clock (never back in time)', (ms) => {
    const clock = new HostClock();
    clock.advance(ms);
    expect(clock.nowMs()).toBe(t0);
  });

  it('starts from a given offset', () => {
    expect(new HostClock({ offsetMs: 7000 }).nowMs()).toBe(t0 + 7000);
  });
});

describe('HostClock: realDelayUntil', () => {
  it.each<[string, number, number, number]>([
    ['real time, 2 s ahead', 1, 2000, 2000],
    ['scale 60: a virtual minute is a real second', 60, 60_000, 1000],
    ['scale 3600: a virtual hour is a real second', 3600, 3_600_000, 1000],
    ['already due', 1, 0, 0],
    ['in the past', 60, -60_000, 0],
  ])('%s', (_case, scale, ahead, expected) => {
    const clock = new HostClock({ scale });
    expect(clock.realDelayUntil(clock.nowMs() + ahead)).toBe(expected);
  });

  it('counts from the advanced time', () => {
    const clock = new HostClock();
    clock.advance(10_000);
    expect(clock.realDelayUntil(t0 + 15_000)).toBe(5000);
    expect(clock.realDelayUntil(t0 + 5000)).toBe(0);
  });
});

describe('HostClock: offsetMs survives a restart', () => {
  it.each<[number, number]>([
    [1, 0],
    [1, 30_000],
    [60, 0],
    [3600, 90_000],
  ])('scale %d, advanced %d ms: a new clock built from offsetMs continues from the same virtual time', (scale, advanced) => {
    const before = new HostClock({ scale });
    realNow += 2000;
    before.advance(advanced);
    const virtualAtRestart = before.nowMs();
    expect(virtualAtRestart).toBe(t0 + 2000 * scale + advanced);

    const after = new HostClock({ scale, offsetMs: before.offsetMs });
    expect(after.nowMs()).toBe(virtualAtRestart);
    realNow += 1000;
    expect(after.nowMs()).toBe(virtualAtRestart + 1000 * scale);
    expect(after.nowMs()).toBe(before.nowMs());
  });

  it('offsetMs is the virtual minus the real time', () => {
    const clock = new HostClock({ scale: 60 });
    realNow += 1000;
    expect(clock.offsetMs).toBe(59_000);
  });
});
