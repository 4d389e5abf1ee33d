/** Compiles a query once into closures the hub runs over its twins (or job rows) for every page. */
import type { Json, JsonObject } from '../hub-state';
import type { Projection, Query } from './ast';
import { compileTest, readPath, type Reader, type Test } from './condition';
import { parseCondition, parseQuery } from './parser';

export interface CompiledQuery {
  from: 'devices' | 'devices.jobs';
  /** true when the query aggregates (COUNT or GROUP BY): results are computed over all rows, not paged lazily. */
  aggregate: boolean;
  /**
   * Filter + projection for one row; undefined when the row does not match. Not used for aggregate queries.
   * SELECT * returns the row itself and projections share its nested values: serialize, do not mutate.
   */
  project(row: JsonObject): JsonObject | undefined;
  /** Whole result for the given rows (applies WHERE, projection, GROUP BY/COUNT). */
  run(rows: Iterable<JsonObject>): JsonObject[];
}

/** Throws QuerySyntaxError for a query the hub would refuse. */
export function compileQuery(sql: string): CompiledQuery {
  const query = parseQuery(sql);
  const test = query.where ? compileTest(query.where) : undefined;
  const matches = test ? (row: JsonObject) => test(row) === true : () => true;
  const select = query.select;
  const aggregate = query.groupBy !== undefined || (select !== '*' && select.some((item) => item.kind === 'count'));
  if (aggregate) return aggregateQuery(query, matches);
  const shape = select === '*' ? (row: JsonObject) => row : projector(select);
  const project = (row: JsonObject): JsonObject | undefined => (matches(row) ? shape(row) : undefined);
  return {
    from: query.from,
    aggregate: false,
    project,
    run(rows) {
      const result: JsonObject[] = [];
      for (const row of rows) {
        const projected = project(row);
        if (projected) result.push(projected);
      }
      return result;
    },
  };
}

/** A job's `queryCondition` (only the WHERE clause) as a predicate; throws QuerySyntaxError when malformed. */
export function compileCondition(where: string): (row: JsonObject) => boolean {
  const test: Test = compileTest(parseCondition(where));
  return (row) => test(row) === true;
}

/** Keys are the alias or the last path segment; a missing field leaves its key out, as IoT Hub does. */
function projector(items: Projection[]): (row: JsonObject) => JsonObject {
  const names = items.map((item) => item.name);
  // Only fields here: a COUNT() makes the query an aggregate one.
  const readers = items.map((item): Reader => (item.kind === 'path' ? readPath(item.path) : () => undefined));
  return (row) => {
    const result: JsonObject = {};
    for (let i = 0; i < readers.length; i++) setKey(result, names[i] as string, (readers[i] as Reader)(row));
    return result;
  };
}

function aggregateQuery(query: Query, matches: (row: JsonObject) => boolean): CompiledQuery {
  const items = query.select as Projection[]; // the parser refuses SELECT * with GROUP BY
  const readGroup: Reader = query.groupBy ? readPath(query.groupBy) : () => undefined;
  return {
    from: query.from,
    aggregate: true,
    project() {
      throw new Error('project() is not available for aggregate queries (COUNT or GROUP BY): use run()');
    },
    run(rows) {
      const groups = new Groups();
      if (!query.groupBy) groups.of(undefined); // COUNT() alone answers one row, 0 over no rows
      for (const row of rows) if (matches(row)) groups.of(readGroup(row)).count++;
      return groups.list.map((group) => {
        const result: JsonObject = {};
        for (const item of items) setKey(result, item.name, item.kind === 'count' ? group.count : group.value);
        return result;
      });
    },
  };
}

/**
 * One group per distinct value, in order of first appearance; a missing field is a group of its own. A Map keeps
 * 1 and '1' apart; objects are told apart by their JSON text.
 */
class Groups {
  readonly list: Group[] = [];
  private readonly byValue = new Map<Json | undefined, Group>();
  private readonly byJson = new Map<string, Group>();

  of(value: Json | undefined): Group {
    const json = typeof value === 'object' && value !== null ? JSON.stringify(value) : undefined;
    const found = json === undefined ? this.byValue.get(value) : this.byJson.get(json);
    if (found) return found;
    const group = { value, count: 0 };
    this.list.push(group);
    if (json === undefined) this.byValue.set(value, group);
    else this.byJson.set(json, group);
    return group;
  }
}

interface Group {
  value: Json | undefined;
  count: number;
}

function setKey(target: JsonObject, key: string, value: Json | undefined): void {
  if (value === undefined) return;
  // Plain assignment to '__proto__' would set the prototype instead of adding a key.
  if (key === '__proto__') Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
  else target[key] = value;
}
