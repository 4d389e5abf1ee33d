/**
 * Compiles a parsed condition to a closure, once per query; rows are then tested without re-parsing or allocating.
 *
 * SQL three-valued logic, as in IoT Hub: a test on a missing field is undefined (not false), NOT undefined is
 * undefined, and only `true` selects a row, so neither `tags.x = 'a'` nor `NOT tags.x = 'a'` selects a twin
 * without tag x. Equality between different types is false (`tags.x = 5` on a string tag); ordering (`<` …) is
 * defined only between two numbers, two strings or two booleans and undefined otherwise. The IS_* functions are
 * always true or false; STARTSWITH/ENDSWITH/CONTAINS are undefined unless the field is a string.
 */
import type { Json, JsonObject } from '../hub-state';
import type { ComparisonOperator, Condition, Literal, Path, StringTest, TypeCheck } from './ast';

/** true, false, or undefined when the outcome is unknown (a missing field). */
export type Test = (row: JsonObject) => boolean | undefined;
export type Reader = (row: JsonObject) => Json | undefined;

export function compileTest(condition: Condition): Test {
  switch (condition.kind) {
    case 'and': return allOf(condition.parts.map(compileTest));
    case 'or': return anyOf(condition.parts.map(compileTest));
    case 'not': {
      const inner = compileTest(condition.inner);
      return (row) => {
        const value = inner(row);
        return value === undefined ? undefined : !value;
      };
    }
    case 'compare':
      return condition.right.kind === 'literal'
        ? compareToLiteral(condition.operator, readPath(condition.left), condition.right.value)
        : compareFields(condition.operator, readPath(condition.left), readPath(condition.right.path));
    case 'in': {
      const read = readPath(condition.path);
      // Set.has compares primitives by value and never matches an object, which is what IN needs.
      const values = new Set<Json>(condition.values);
      const negated = condition.negated;
      return (row) => {
        const value = read(row);
        return value === undefined ? undefined : values.has(value) !== negated;
      };
    }
    case 'typeCheck': return typeCheck(condition.name, readPath(condition.path));
    case 'stringTest': return stringTest(condition.name, readPath(condition.path), condition.argument);
  }
}

/** Reads a dotted path; undefined when a step is missing or is not an object. */
export function readPath(path: Path): Reader {
  const keys = path.segments;
  // A name like `constructor` or `__proto__` must not find Object.prototype's member: check it is the object's own.
  if (keys.some((key) => key in Object.prototype)) {
    return (row) => {
      let value: Json | undefined = row;
      for (const key of keys) value = isRecord(value) && Object.hasOwn(value, key) ? value[key] : undefined;
      return value;
    };
  }
  // One small closure per step: each property access site then sees a single key, which V8 keeps fast.
  let read: Reader = (row) => row[keys[0] as string];
  for (const key of keys.slice(1)) {
    const parent = read;
    read = (row) => {
      const value = parent(row);
      return isRecord(value) ? value[key] : undefined;
    };
  }
  return read;
}

export function isRecord(value: Json | undefined): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function allOf(parts: Test[]): Test {
  return (row) => {
    let result: boolean | undefined = true;
    for (let i = 0; i < parts.length; i++) {
      const value = (parts[i] as Test)(row);
      if (value === false) return false;
      if (value === undefined) result = undefined;
    }
    return result;
  };
}

function anyOf(parts: Test[]): Test {
  return (row) => {
    let result: boolean | undefined = false;
    for (let i = 0; i < parts.length; i++) {
      const value = (parts[i] as Test)(row);
      if (value === true) return true;
      if (value === undefined) result = undefined;
    }
    return result;
  };
}

function compareToLiteral(operator: ComparisonOperator, read: Reader, literal: Literal): Test {
  if (operator === '=') {
    return (row) => {
      const value = read(row);
      return value === undefined ? undefined : value === literal;
    };
  }
  if (operator === '!=') {
    return (row) => {
      const value = read(row);
      return value === undefined ? undefined : value !== literal;
    };
  }
  const type = typeof literal;
  if (literal === null) return () => undefined; // null has no order
  const ordered = order(operator);
  return (row) => {
    const value = read(row);
    return typeof value === type ? ordered(value as Literal, literal) : undefined;
  };
}

function compareFields(operator: ComparisonOperator, readLeft: Reader, readRight: Reader): Test {
  const ordered = operator === '=' || operator === '!=' ? undefined : order(operator);
  return (row) => {
    const left = readLeft(row);
    const right = readRight(row);
    if (left === undefined || right === undefined) return undefined;
    if (!ordered) return jsonEqual(left, right) === (operator === '=');
    const type = typeof left;
    return type === typeof right && (type === 'number' || type === 'string' || type === 'boolean') ? ordered(left as Literal, right as Literal) : undefined;
  };
}

/** Callers pass two numbers, two strings or two booleans (strings compare by UTF-16 code units, false < true). */
function order(operator: '<' | '>' | '<=' | '>='): (a: Literal, b: Literal) => boolean {
  switch (operator) {
    case '<': return (a, b) => (a as number) < (b as number);
    case '>': return (a, b) => (a as number) > (b as number);
    case '<=': return (a, b) => (a as number) <= (b as number);
    case '>=': return (a, b) => (a as number) >= (b as number);
  }
}

function jsonEqual(a: Json, b: Json): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null || Array.isArray(a) !== Array.isArray(b)) return false;
  const keys = Object.keys(a);
  if (keys.length !== Object.keys(b).length) return false;
  const left = a as Record<string, Json>;
  const right = b as Record<string, Json>;
  return keys.every((key) => Object.hasOwn(right, key) && jsonEqual(left[key] as Json, right[key] as Json));
}

function typeCheck(name: TypeCheck, read: Reader): Test {
  switch (name) {
    case 'IS_DEFINED': return (row) => read(row) !== undefined;
    case 'IS_NULL': return (row) => read(row) === null;
    case 'IS_STRING': return (row) => typeof read(row) === 'string';
    case 'IS_NUMBER': return (row) => typeof read(row) === 'number';
    case 'IS_BOOL': return (row) => typeof read(row) === 'boolean';
    case 'IS_OBJECT': return (row) => isRecord(read(row));
    case 'IS_ARRAY': return (row) => Array.isArray(read(row));
    case 'IS_PRIMITIVE': return (row) => {
      const value = read(row);
      return value === null || (value !== undefined && typeof value !== 'object');
    };
  }
}

function stringTest(name: StringTest, read: Reader, argument: string): Test {
  switch (name) {
    case 'STARTSWITH': return (row) => {
      const value = read(row);
      return typeof value === 'string' ? value.startsWith(argument) : undefined;
    };
    case 'ENDSWITH': return (row) => {
      const value = read(row);
      return typeof value === 'string' ? value.endsWith(argument) : undefined;
    };
    case 'CONTAINS': return (row) => {
      const value = read(row);
      return typeof value === 'string' ? value.includes(argument) : undefined;
    };
  }
}
