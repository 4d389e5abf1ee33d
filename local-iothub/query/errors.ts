/** A query the hub cannot parse; the REST layer answers it with 400 BadRequest / InvalidQuery. */
export class QuerySyntaxError extends Error {
  override name = 'QuerySyntaxError';
  constructor(
    message: string,
    /** 1-based character offset in the query text where parsing stopped, when there is one. */
    readonly position?: number,
  ) {
    super(message);
  }
}

/** `Query syntax error at 23: expected a value after '=', found the end of the query` */
export function syntaxError(position: number, problem: string): QuerySyntaxError {
  return new QuerySyntaxError(`Query syntax error at ${position}: ${problem}`, position);
}
