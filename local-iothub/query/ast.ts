/** The parsed form of a query, before it is compiled to closures. */

export type Literal = string | number | boolean | null;

/** A field path such as `tags.site` or `properties.reported.$version` (field names are case-sensitive). */
export interface Path {
  segments: string[];
  /** As written, for error messages. */
  text: string;
  position: number;
}

export type Operand = { kind: 'path'; path: Path } | { kind: 'literal'; value: Literal };

/** `<>` is read as `!=`. */
export type ComparisonOperator = '=' | '!=' | '<' | '>' | '<=' | '>=';

export type TypeCheck = 'IS_DEFINED' | 'IS_NULL' | 'IS_STRING' | 'IS_NUMBER' | 'IS_BOOL' | 'IS_OBJECT' | 'IS_ARRAY' | 'IS_PRIMITIVE';
export type StringTest = 'STARTSWITH' | 'ENDSWITH' | 'CONTAINS';

export type Condition =
  | { kind: 'and'; parts: Condition[] }
  | { kind: 'or'; parts: Condition[] }
  | { kind: 'not'; inner: Condition }
  | { kind: 'compare'; operator: ComparisonOperator; left: Path; right: Operand }
  /** `IN [...]`, or `NIN [...]` when negated. */
  | { kind: 'in'; path: Path; values: Literal[]; negated: boolean }
  | { kind: 'typeCheck'; name: TypeCheck; path: Path }
  | { kind: 'stringTest'; name: StringTest; path: Path; argument: string };

/** One item of a SELECT list; `name` is the key it gets in each result (alias, last path segment, or `$1`…). */
export type Projection = { kind: 'path'; path: Path; name: string } | { kind: 'count'; name: string };

export interface Query {
  select: '*' | Projection[];
  from: 'devices' | 'devices.jobs';
  where?: Condition;
  groupBy?: Path;
}
