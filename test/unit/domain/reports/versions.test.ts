import { isOlder, newestFirst, versionRunning } from '../../../../domain/reports/versions';
import { isoDuration } from '../../../../domain/reports/elapsed';
import { durationToMs } from '../../../../domain/duration';

describe('versionRunning', () => {
  const device = { installedVersion: '1.0.0', software: { bootloader: '2.1.0' } };
  it.each([
    ['line-controller', '1.0.0'],
    ['bootloader', '2.1.0'],
    ['constructor', '1.0.0'],
  ])('%s → %s', (name, version) => expect(versionRunning(device, name)).toBe(version));
  it('reads the main firmware when the device lists no software', () => {
    expect(versionRunning({ installedVersion: '3.0.0' }, 'bootloader')).toBe('3.0.0');
  });
});

describe('isOlder', () => {
  it.each<[string, string, boolean]>([
    ['1.0.0', '2.0.0', true],
    ['2.0.0', '2.0.0', false],
    ['2.1.0', '2.0.0', false],
    ['2.0.0-rc.1', '2.0.0', true],
    ['1.10.0', '1.9.0', false],
    ['custom-build', '2.0.0', true],
    ['custom-build', 'custom-build', false],
  ])('%s older than %s: %s', (version, target, older) => expect(isOlder(version, target)).toBe(older));
});

describe('newestFirst', () => {
  it('orders semantic versions by precedence, then others by text', () => {
    expect(['1.9.0', 'beta', '1.10.0', '2.0.0-rc.1', 'alpha', '2.0.0'].sort(newestFirst)).toEqual(['2.0.0', '2.0.0-rc.1', '1.10.0', '1.9.0', 'alpha', 'beta']);
  });
});

describe('isoDuration', () => {
  it.each([
    [0, 'PT0S'],
    [1500, 'PT1.5S'],
    [60_000, 'PT1M'],
    [3_600_000, 'PT1H'],
    [5_400_000, 'PT1H30M'],
    [86_400_000, 'P1D'],
    [93_784_500, 'P1DT2H3M4.5S'],
    [-60_000, '-PT1M'],
  ])('%d ms → %s', (ms, text) => {
    expect(isoDuration(ms)).toBe(text);
    if (ms >= 0) expect(durationToMs(text)).toBe(ms);
  });
});
