/**
 * The README's table of routes and roles, rendered from the route table (functions/http/routes.ts) and the role
 * matrix (domain/access/roles.ts): `npm run docs:routes` rewrites it between its markers; a unit test fails while
 * the README's copy differs, so the table can never drift from what the app registers.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { permissions, roles } from '../domain/access/roles';
import { routes, type RouteDefinition } from '../functions/http/routes';

export const routeTableMarkers = { start: '<!-- route-table:start (npm run docs:routes) -->', end: '<!-- route-table:end -->' } as const;

/** `{action:regex(^(pause|resume)$)}` reads as `{pause|resume}`. */
function readablePath(route: RouteDefinition): string {
  return `/api/${route.path.replace(/\{(\w+):regex\(\^\(([^)]*)\)\$\)\}/g, '{$2}')}`;
}

/** A `|` inside a cell would end it. */
const escapeCell = (text: string) => text.replaceAll('|', '\\|');

function cell(route: RouteDefinition, role: (typeof roles)[number]): string {
  if (route.access === 'anyone') return '✓';
  if (route.access === 'signed-link') return 'link';
  return permissions[route.access].includes(role) ? '✓' : '';
}

export function renderRouteTable(): string {
  const header = `| route | what | permission | ${roles.map((r) => r.replace('OTA.', '')).join(' | ')} |`;
  const rule = `|---|---|---|${roles.map(() => ':-:').join('|')}|`;
  const rows = routes.map((route) =>
    `| \`${route.method} ${escapeCell(readablePath(route))}\` | ${escapeCell(route.summary)} | ${route.access} | ${roles.map((role) => cell(route, role)).join(' | ')} |`);
  return [routeTableMarkers.start, header, rule, ...rows, routeTableMarkers.end].join('\n');
}

export function replaceRouteTable(readme: string): string {
  const start = readme.indexOf(routeTableMarkers.start);
  const end = readme.indexOf(routeTableMarkers.end);
  if (start < 0 || end < start) throw new Error(`README.md has no ${routeTableMarkers.start} … ${routeTableMarkers.end} section`);
  return readme.slice(0, start) + renderRouteTable() + readme.slice(end + routeTableMarkers.end.length);
}

if (require.main === module) {
  const readmePath = path.resolve(__dirname, '../../README.md');
  writeFileSync(readmePath, replaceRouteTable(readFileSync(readmePath, 'utf8')));
  console.log(`README.md: route table rewritten (${routes.length} routes)`);
}
