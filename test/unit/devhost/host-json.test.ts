import { resolveSettingReferences } from '../../../devhost/host-json';

describe('resolveSettingReferences (host.json %NAME%)', () => {
  it('replaces every %NAME% in nested strings and leaves other values alone', () => {
    const hostJson = {
      version: '2.0',
      extensions: { http: { routePrefix: '%PREFIX%' }, durableTask: { hubName: '%HUB%', maxConcurrentActivityFunctions: 5 } },
      list: ['%HUB%-%PREFIX%', true, null],
      text: '100% sure',
    };
    expect(resolveSettingReferences(hostJson, { PREFIX: 'api', HUB: 'Hub1' })).toEqual({
      version: '2.0',
      extensions: { http: { routePrefix: 'api' }, durableTask: { hubName: 'Hub1', maxConcurrentActivityFunctions: 5 } },
      list: ['Hub1-api', true, null],
      text: '100% sure',
    });
  });

  it('refuses a reference to a setting that is not set, naming it and where it is', () => {
    expect(() => resolveSettingReferences({ extensions: { durableTask: { hubName: '%MISSING_HUB%' } } }, {})).toThrow(
      "host.json extensions.durableTask.hubName refers to the app setting '%MISSING_HUB%', which is not set.",
    );
  });

  it('an empty setting is a value', () => {
    expect(resolveSettingReferences({ routePrefix: '%P%' }, { P: '' })).toEqual({ routePrefix: '' });
  });
});
