/** The service's HTTP API as the CLI calls it: base URL, the caller's headers, and errors turned into CliErrors. */
import { apiError } from './api-error';
import type { AuthHeaders } from './auth';
import { unreachable } from './unreachable';

export type Query = Record<string, string | number | undefined>;

export interface ApiResponse {
  status: number;
  contentType: string;
  text: string;
}

export class ApiClient {
  constructor(
    private readonly baseUrl: string,
    private readonly auth: AuthHeaders,
  ) {}

  /** The absolute URL of `path` (under /api) with the defined query parameters. */
  url(path: string, query: Query = {}): string {
    const url = new URL(`api/${path}`, this.baseUrl.endsWith('/') ? this.baseUrl : `${this.baseUrl}/`);
    for (const [name, value] of Object.entries(query)) if (value !== undefined && value !== '') url.searchParams.set(name, String(value));
    return url.toString();
  }

  /** Any 2xx answer as text; anything else throws the CliError that explains it. */
  async send(method: string, path: string, options: { query?: Query; body?: unknown } = {}): Promise<ApiResponse> {
    const url = this.url(path, options.query);
    const headers: Record<string, string> = { accept: 'application/json', ...(await this.auth()) };
    if (options.body !== undefined) headers['content-type'] = 'application/json';
    let response: Response;
    try {
      response = await fetch(url, { method, headers, body: options.body === undefined ? undefined : JSON.stringify(options.body) });
    } catch (err) {
      throw unreachable(new URL(url).origin, err);
    }
    const text = await response.text();
    if (response.status < 200 || response.status > 299) throw apiError(`${method} ${new URL(url).pathname}`, response.status, text);
    return { status: response.status, contentType: response.headers.get('content-type') ?? '', text };
  }

  async json<T>(method: string, path: string, options: { query?: Query; body?: unknown } = {}): Promise<T> {
    const { text } = await this.send(method, path, options);
    try {
      return JSON.parse(text) as T;
    } catch {
      throw new Error(`${method} /api/${path} answered something that is not JSON: ${text.slice(0, 200)}`);
    }
  }

  get<T>(path: string, query?: Query): Promise<T> {
    return this.json<T>('GET', path, { query });
  }

  post<T>(path: string, body?: unknown): Promise<T> {
    return this.json<T>('POST', path, { body: body ?? {} });
  }
}
