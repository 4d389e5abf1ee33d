/** The route table: one entry per function, no two routes on one method and path, and the README's copy current. */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { permissions } from '../../../domain/access/roles';
import { routes } from '../../../functions/http/routes';
import { renderRouteTable, replaceRouteTable } from '../../../scripts/route-docs';

describe('the route table', () => {
  it('names every function once and serves each method and path once', () => {
    expect(new Set(routes.map((r) => r.name)).size).toBe(routes.length);
    expect(new Set(routes.map((r) => `${r.method} ${r.path}`)).size).toBe(routes.length);
  });

  it('gives every route a permission of the matrix, or says why it needs none', () => {
    for (const route of routes) {
      if (route.access === 'anyone' || route.access === 'signed-link') continue;
      expect(Object.keys(permissions)).toContain(route.access);
    }
    const open = routes.filter((r) => r.access === 'anyone').map((r) => r.name).sort();
    expect(open).toEqual(['dashboard', 'health', 'localTeamsInbox', 'me', 'openApi']);
  });

  it('keeps separation of duties: an approver cannot register updates, start or steer a rollout', () => {
    const approverOnly = routes.filter((r) => r.access !== 'anyone' && r.access !== 'signed-link' && permissions[r.access].includes('OTA.Approver'));
    expect(approverOnly.filter((r) => r.method !== 'GET').map((r) => r.name)).toEqual(['approveRollout']);
  });

  it('is what the README shows (run `npm run docs:routes` after changing a route)', () => {
    const readme = readFileSync(path.resolve(__dirname, '../../../README.md'), 'utf8');
    expect(readme).toContain(renderRouteTable());
    expect(replaceRouteTable(readme)).toBe(readme);
  });
});
