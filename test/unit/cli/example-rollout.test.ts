import path from 'node:path';
import { rolloutRequestSchema } from '../../../application/requests/request-schemas';
import { readBodyFile } from '../../../cli/rollout-file';

it('the example rollout of docs/cli.md is a valid rollout request', () => {
  const body = readBodyFile(path.join(__dirname, '../../../cli/examples/rollout.yaml'));
  const parsed = rolloutRequestSchema.safeParse(body);
  expect(parsed.error?.issues).toBeUndefined();
  expect(parsed.data).toMatchObject({ canary: { devices: 5 }, approval: { approvers: ['qa@contoso.com'] } });
});

it('the walkthrough rollout of docs/cli.md is a valid rollout request with short soaks and one approver', () => {
  const body = readBodyFile(path.join(__dirname, '../../../cli/examples/first-rollout.yaml'));
  const parsed = rolloutRequestSchema.safeParse(body);
  expect(parsed.error?.issues).toBeUndefined();
  expect(parsed.data).toMatchObject({ canarySoak: 60_000, approval: { approvers: ['qa@contoso.com'] } });
});
