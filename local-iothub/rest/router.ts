/** Matches a request to a route: literal segments before `{param}` ones; tells 404 (no path) from 405 (no method). */
import type { Route } from './types';

interface Compiled {
  route: Route;
  segments: string[];
  literals: number;
}

export type Match = { route: Route; params: Record<string, string> } | { allowed: string[] } | undefined;

export class Router {
  private readonly routes: Compiled[];

  constructor(routes: readonly Route[]) {
    this.routes = routes
      .map((route) => {
        const segments = route.path.split('/').filter(Boolean);
        return { route, segments, literals: segments.filter((s) => !s.startsWith('{')).length };
      })
      .sort((a, b) => b.literals - a.literals);
  }

  match(method: string, segments: readonly string[]): Match {
    const allowed = new Set<string>();
    for (const { route, segments: pattern } of this.routes) {
      const params = matchPath(pattern, segments);
      if (!params) continue;
      if (route.method === method) return { route, params };
      allowed.add(route.method);
    }
    return allowed.size ? { allowed: [...allowed] } : undefined;
  }
}

function matchPath(pattern: readonly string[], segments: readonly string[]): Record<string, string> | undefined {
  if (pattern.length !== segments.length) return undefined;
  const params: Record<string, string> = {};
  for (let i = 0; i < pattern.length; i++) {
    const part = pattern[i]!;
    const value = segments[i]!;
    if (part.startsWith('{')) {
      if (!value) return undefined;
      params[part.slice(1, -1)] = value;
    } else if (part !== value) return undefined;
  }
  return params;
}
