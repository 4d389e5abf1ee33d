import { dispatchPauseMs } from '../../../../domain/rollouts/dispatch-rate';

describe('dispatchPauseMs', () => {
  it.each<[string, number, number | undefined, number]>([
    ['no limit: no pause', 5000, undefined, 0],
    ['500 devices at 100 per second: 5 s', 500, 100, 5000],
    ['1 device at 1 per second: 1 s', 1, 1, 1000],
    ['3 devices at 7 per second: rounded up, never faster than the limit', 3, 7, 429],
    ['fractional rate: 1 device at 0.5 per second waits 2 s', 1, 0.5, 2000],
    ['nothing sent: no pause', 0, 100, 0],
  ])('%s', (_, sent, rate, expected) => {
    expect(dispatchPauseMs(sent, rate)).toBe(expected);
  });

  it.each([0, -1, Number.NaN])('refuses a limit of %s', (rate) => {
    expect(() => dispatchPauseMs(10, rate)).toThrow('maxDevicesPerSecond must be greater than 0');
  });
});
