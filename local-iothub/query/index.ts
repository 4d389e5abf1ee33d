/** IoT Hub's query language over twin and job documents, as the local hub's REST layer uses it. */
export { compileCondition, compileQuery, type CompiledQuery } from './query';
export { QuerySyntaxError } from './errors';
export { maxNestingDepth, maxQueryBytes } from './parser';
export type { Json, JsonObject } from '../hub-state';
