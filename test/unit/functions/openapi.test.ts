/** The OpenAPI document: valid OpenAPI 3.1 (a maintained validator says so), and one operation per route of the table. */
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { openApiDocument, openApiPath } from '../../../functions/http/openapi';
import { routes } from '../../../functions/http/routes';

const document = openApiDocument(routes, '1.2.3');

describe('the OpenAPI document', () => {
  it('is valid OpenAPI 3.1', () => {
    const output = execFileSync(process.execPath, [path.resolve(__dirname, '../../support/validate-openapi.mjs')], { input: JSON.stringify(document) });
    expect(JSON.parse(output.toString())).toEqual({ valid: true, errors: [] });
  });

  it('has exactly the operations of the route table', () => {
    const documented = Object.entries(document.paths).flatMap(([p, ops]) => Object.keys(ops).map((method) => `${method.toUpperCase()} ${p}`)).sort();
    expect(documented).toEqual(routes.map((r) => `${r.method} ${openApiPath(r)}`).sort());
  });

  it('documents request bodies from the schemas, with limits and defaults', () => {
    const create = document.paths['/api/rollouts']!.post as { requestBody: { content: { 'application/json': { schema: { properties: Record<string, { description?: string; maxItems?: number }> } } } } };
    const schema = create.requestBody.content['application/json'].schema;
    expect(schema.properties.waves!.maxItems).toBe(20);
    expect(schema.properties.canarySoak!.description).toContain('default PT30M');
    const control = document.paths['/api/rollouts/{id}/{action}']!.post as { parameters: { name: string; schema: { enum?: string[] } }[]; 'x-permission': string };
    expect(control.parameters.find((p) => p.name === 'action')!.schema.enum).toEqual(['pause', 'resume', 'cancel', 'rollback']);
    expect(control['x-permission']).toBe('rollouts.control');
  });
});
