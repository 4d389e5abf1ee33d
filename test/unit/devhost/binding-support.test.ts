import { indexingErrors } from '../../../devhost/binding-support';

const fn = (bindings: Record<string, { type: string; direction: 'in' | 'out' }>) => ({ name: 'f', bindings });

describe('indexingErrors: bindings the devhost implements', () => {
  it.each([
    ['an http trigger with its $return response', { t: { type: 'httpTrigger', direction: 'in' }, $return: { type: 'http', direction: 'out' } }],
    ['an http trigger with a named http output and a durable client', { t: { type: 'httpTrigger', direction: 'in' }, r: { type: 'http', direction: 'out' }, c: { type: 'durableClient', direction: 'in' } }],
    ['event grid', { t: { type: 'eventGridTrigger', direction: 'in' } }],
    ['event hubs', { t: { type: 'eventHubTrigger', direction: 'in' } }],
    ['timer', { t: { type: 'timerTrigger', direction: 'in' } }],
    ['orchestration', { t: { type: 'orchestrationTrigger', direction: 'in' } }],
    ['activity with a durable client', { t: { type: 'activityTrigger', direction: 'in' }, c: { type: 'durableClient', direction: 'in' } }],
    ['entity', { t: { type: 'entityTrigger', direction: 'in' } }],
  ] as const)('%s: none', (_what, bindings) => {
    expect(indexingErrors(fn(bindings))).toEqual([]);
  });

  it.each([
    ['queue output', { type: 'queue', direction: 'out' }],
    ['generic foo output', { type: 'foo', direction: 'out' }],
    ['cosmosDB input', { type: 'cosmosDB', direction: 'in' }],
    ['queue trigger', { type: 'queueTrigger', direction: 'in' }],
  ] as const)('%s: one error naming the function and the type', (_what, binding) => {
    const errors = indexingErrors(fn({ t: { type: 'httpTrigger', direction: 'in' }, x: binding }));
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(new RegExp(`^Error indexing function 'f': the binding type '${binding.type}' \\(direction '${binding.direction}'\\) is not supported`));
  });
});

describe('indexingErrors: a supported binding that is misconfigured', () => {
  it('names what a blob output lacks: its path and its connection setting', () => {
    const errors = indexingErrors(fn({ t: { type: 'httpTrigger', direction: 'in' }, x: { type: 'blob', direction: 'out' } }));
    expect(errors).toEqual([
      expect.stringMatching(/^Error indexing function 'f': the blob binding 'x' \(direction 'out'\): 'path' is required/),
      expect.stringMatching(/the storage connection 'AzureWebJobsStorage' is not set/),
    ]);
  });
});
