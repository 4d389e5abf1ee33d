import { missingPrerequisites } from '../../../domain/packages/prerequisites';

const needs = [{ name: 'bootloader', minVersion: '1.2.0' }, { name: 'runtime', minVersion: '3.0.0' }];

describe('missingPrerequisites', () => {
  it.each([
    [{ bootloader: '1.2.0', runtime: '3.1.0' }, []],
    [{ bootloader: '1.10.0', runtime: '3.0.0' }, []],
    [{ bootloader: '1.1.9', runtime: '3.0.0' }, ['bootloader']],
    [{ runtime: '2.9.9' }, ['bootloader', 'runtime']],
    [{ bootloader: '1.2.0-rc.1', runtime: '3.0.0' }, ['bootloader']],
    [{ bootloader: 'unknown', runtime: '3.0.0' }, ['bootloader']],
  ])('a device running %j lacks %j', (software, missing) => {
    expect(missingPrerequisites(software, needs).map((p) => p.name)).toEqual(missing);
  });
});
