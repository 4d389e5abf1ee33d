/** The view the URL's hash names: `#/` the overview, `#/new` the New rollout form, `#/rollouts/<id>` one rollout. */
export type Route = { view: 'overview' } | { view: 'new-rollout' } | { view: 'rollout'; id: string };

export function routeOf(hash: string): Route {
  if (hash === '#/new') return { view: 'new-rollout' };
  const match = /^#\/rollouts\/([^/]+)$/.exec(hash);
  if (match) {
    try {
      return { view: 'rollout', id: decodeURIComponent(match[1]!) };
    } catch {
      return { view: 'overview' };
    }
  }
  return { view: 'overview' };
}
