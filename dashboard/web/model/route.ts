/** The view the URL's hash names: `#/` the overview, `#/rollouts/<id>` one rollout. */
export type Route = { view: 'overview' } | { view: 'rollout'; id: string };

export function routeOf(hash: string): Route {
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
