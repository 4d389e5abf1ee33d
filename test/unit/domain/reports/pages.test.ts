import { forEachPage } from '../../../../domain/reports/pages';
import type { Page } from '../../../../domain/rollouts/rollout-store-port';

/** A list of `items` served `size` at a time, with the index of the next page as its token. */
function pagesOf<T>(items: T[], size: number, tokens: (string | undefined)[] = []) {
  return async (token: string | undefined): Promise<Page<T>> => {
    tokens.push(token);
    const start = Number(token ?? 0);
    const end = start + size;
    return { items: items.slice(start, end), ...(end < items.length ? { continuationToken: String(end) } : {}) };
  };
}

describe('forEachPage', () => {
  it('visits every page once, in order, passing each page its token', async () => {
    const seen: number[][] = [];
    const tokens: (string | undefined)[] = [];
    const pages = await forEachPage(pagesOf([1, 2, 3, 4, 5], 2, tokens), (items) => void seen.push(items));
    expect(seen).toEqual([[1, 2], [3, 4], [5]]);
    expect(tokens).toEqual([undefined, '2', '4']);
    expect(pages).toBe(3);
  });

  it('reads the next page only once the visit of this one is done', async () => {
    const events: string[] = [];
    const read = pagesOf(['a', 'b'], 1);
    await forEachPage(async (token) => { events.push(`read ${token ?? 'first'}`); return read(token); }, async (items) => {
      await new Promise((resolve) => setTimeout(resolve, 5));
      events.push(`visited ${items.join()}`);
    });
    expect(events).toEqual(['read first', 'visited a', 'read 1', 'visited b']);
  });

  it('an empty token ends the list as an absent one does', async () => {
    const pages = await forEachPage(async () => ({ items: [1], continuationToken: '' }), () => undefined);
    expect(pages).toBe(1);
  });

  it('refuses a list that hands back the token it was given, rather than looping', async () => {
    await expect(forEachPage(async () => ({ items: [1], continuationToken: 'same' }), () => undefined)).rejects.toThrow('same continuation token twice');
  });
});
