import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseBodyText, readBodyFile } from '../../../cli/rollout-file';

describe('a rollout file', () => {
  it('YAML and JSON give the same body', () => {
    const yaml = 'updateId: { provider: contoso, name: line-controller, version: 2.0.0 }\nwaves:\n  - { percent: 100, soak: PT1H }\n';
    const json = JSON.stringify({ updateId: { provider: 'contoso', name: 'line-controller', version: '2.0.0' }, waves: [{ percent: 100, soak: 'PT1H' }] });
    expect(parseBodyText('r.yaml', yaml)).toEqual(parseBodyText('r.json', json));
    expect(parseBodyText('r.yml', yaml)).toEqual(JSON.parse(json));
  });

  it('YAML 1.2: a site called "no" stays a string', () => {
    expect(parseBodyText('r.yaml', 'target: { query: x }\nsite: no\n')).toEqual({ target: { query: 'x' }, site: 'no' });
  });

  it('a parse error names the file and the line (exit code 8)', () => {
    expect(() => parseBodyText('rollout.yaml', 'a: 1\na: 2\n')).toThrow(expect.objectContaining({ exitCode: 8, message: expect.stringMatching(/^rollout\.yaml: not valid YAML: .*unique.*line 2/s) }));
    expect(() => parseBodyText('rollout.json', '{ "a": 1,, }')).toThrow(/^rollout\.json: not valid JSON: /);
  });

  it('refuses a list, a lone value and an unknown extension', () => {
    expect(() => parseBodyText('r.yaml', '- a\n- b\n')).toThrow('r.yaml: must hold one object (the rollout), not a list or a single value');
    expect(() => parseBodyText('r.txt', '{}')).toThrow('r.txt: not a .json, .yaml or .yml file');
  });

  it('a missing file or a folder: the path and why', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rollout-file-'));
    try {
      expect(() => readBodyFile(path.join(dir, 'none.yaml'))).toThrow(`${path.join(dir, 'none.yaml')}: cannot read: no such file`);
      fs.mkdirSync(path.join(dir, 'folder.yaml'));
      expect(() => readBodyFile(path.join(dir, 'folder.yaml'))).toThrow('cannot read: is a folder, not a file');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
