/**
 * A small typed client of the Kitanda API: `client.request(ProductListDocument, { first: 5 })`
 * returns a `ProductListQuery`, checked by the compiler against the generated documents.
 *
 * - The text sent for an operation is its canonical text from the persisted-query manifest
 *   (src/generated/persisted-queries.json, made from graph/operations like the server's allowlist),
 *   never a re-print of the document, so the sha256 always equals the server's.
 * - Queries go as persisted queries over GET (hash only; see `send` for the fallback to POST);
 *   mutations, and anything carrying files, go as POST.
 * - JWT: `login` keeps the access and refresh tokens; every request carries
 *   `Authorization: Bearer <access token>`; an access token that expires within
 *   `refreshMarginSeconds` is refreshed first (one refresh at a time: a rotated refresh token
 *   presented twice would revoke the whole family), and a request answered UNAUTHENTICATED is
 *   retried once after a refresh.
 * - Files (Blob/File values in the variables) go as a multipart request
 *   (https://github.com/jaydenseric/graphql-multipart-request-spec).
 * - Subscriptions go over a websocket: KitandaLive (live.ts), which sends this client's access token.
 */
import type { TypedDocumentNode } from "@graphql-typed-document-node/core";

import {
  LoginDocument,
  LogoutDocument,
  RefreshDocument,
  type LoginMutation,
  type LoginMutationVariables,
  type RefreshMutation,
} from "./generated/graphql.js";
import manifest from "./generated/persisted-queries.json" with { type: "json" };

export interface Tokens {
  token: string;
  refreshToken: string;
}

export interface GraphQLErrorEntry {
  message: string;
  path?: (string | number)[];
  extensions?: { code?: string; [key: string]: unknown };
}

/** Top-level GraphQL errors (UNAUTHENTICATED, FORBIDDEN, BAD_USER_INPUT, QUERY_TOO_COMPLEX, ...)
 * or an HTTP refusal (BAD_REQUEST, PAYLOAD_TOO_LARGE). Business failures are not thrown: they
 * come back in the payload's `errors { field message code }`. */
export class GraphQLRequestError extends Error {
  constructor(
    readonly operationName: string,
    readonly status: number,
    readonly errors: GraphQLErrorEntry[],
  ) {
    super(`${operationName}: HTTP ${status}: ${errors.map((e) => e.message).join("; ")}`);
    this.name = "GraphQLRequestError";
  }

  get codes(): string[] {
    return this.errors.map((error) => error.extensions?.code ?? "");
  }
}

export interface ClientOptions {
  /** The GraphQL endpoint, e.g. http://127.0.0.1:8000/graphql/ */
  endpoint: string;
  tokens?: Tokens | null;
  /** Called whenever the tokens change (login, refresh, logout), e.g. to store them. */
  onTokens?: (tokens: Tokens | null) => void;
  /** Refresh an access token that expires within this many seconds (default 60). */
  refreshMarginSeconds?: number;
  /** Send queries as persisted queries over GET (default true). */
  persistedQueries?: boolean;
  fetch?: typeof fetch;
}

/** How the requests went: persisted GETs answered, and POSTs sent after a GET fell back. */
export interface TransportStats {
  persistedGet: number;
  post: number;
  fallbacks: number;
}

interface PersistedOperation {
  type: string;
  sha256: string;
  text: string;
}

const OPERATIONS: Record<string, PersistedOperation> = manifest.operations;
const MAX_GET_URL = 2000;

type Variables = Record<string, unknown>;
type ResponseBody = { data?: unknown; errors?: GraphQLErrorEntry[] };

export class KitandaClient {
  tokens: Tokens | null;
  readonly stats: TransportStats = { persistedGet: 0, post: 0, fallbacks: 0 };
  readonly endpoint: string;
  private readonly fetch: typeof fetch;
  private readonly refreshMargin: number;
  private readonly onTokens?: (tokens: Tokens | null) => void;
  private usePersistedGet: boolean;
  private refreshing: Promise<void> | null = null;

  constructor(options: ClientOptions) {
    this.endpoint = options.endpoint;
    this.tokens = options.tokens ?? null;
    this.onTokens = options.onTokens;
    this.refreshMargin = options.refreshMarginSeconds ?? 60;
    this.usePersistedGet = options.persistedQueries ?? true;
    this.fetch = options.fetch ?? globalThis.fetch.bind(globalThis);
  }

  /** Run one of the project's operations; throws GraphQLRequestError on top-level errors. */
  async request<Result, Vars>(
    document: TypedDocumentNode<Result, Vars>,
    ...[variables]: Vars extends Record<string, never> ? [Vars?] : [Vars]
  ): Promise<Result> {
    const operation = operationOf(document);
    if (operation.type === "subscription") throw new Error(`${operation.name} is a subscription: use KitandaLive (live.ts)`);
    const vars = (variables ?? {}) as Variables;
    const hadToken = (await this.accessToken()) !== null;
    let answer = await this.send(operation, vars);
    if (hadToken && hasCode(answer.body, "UNAUTHENTICATED")) {
      await this.refresh(); // the token was refused before our margin said so: once more
      answer = await this.send(operation, vars);
    }
    return dataOf<Result>(operation.name, answer);
  }

  /** The access token, refreshed first when it expires within `refreshMarginSeconds`; null when
   * logged out. Requests send it, and so does a websocket's connection_init (live.ts). */
  async accessToken(): Promise<string | null> {
    if (this.refreshing) await this.refreshing;
    if (this.tokens && expiresWithin(this.tokens.token, this.refreshMargin)) await this.refresh();
    return this.tokens?.token ?? null;
  }

  /** tokenAuth: keeps the tokens when the login succeeds; merges the anonymous cart `cartCode`. */
  async login(variables: LoginMutationVariables): Promise<LoginMutation["tokenAuth"]> {
    const result = (await this.request(LoginDocument, variables)).tokenAuth;
    if (result.token && result.refreshToken) this.setTokens({ token: result.token, refreshToken: result.refreshToken });
    return result;
  }

  /** refreshToken: a new access token and a rotated refresh token. One refresh runs at a time. */
  refresh(): Promise<void> {
    this.refreshing ??= this.refreshOnce().finally(() => {
      this.refreshing = null;
    });
    return this.refreshing;
  }

  /** revokeToken: the refresh token (and its family) stops working; the client forgets both. */
  async logout(): Promise<void> {
    if (!this.tokens) return;
    const { refreshToken } = this.tokens;
    this.setTokens(null);
    await this.request(LogoutDocument, { refreshToken });
  }

  private async refreshOnce(): Promise<void> {
    const current = this.tokens;
    if (!current) throw new Error("refresh: not logged in");
    // Sent directly, not through request(): it must not wait for itself.
    const operation = operationOf(RefreshDocument);
    const answer = await this.send(operation, { refreshToken: current.refreshToken });
    const result = dataOf<RefreshMutation>(operation.name, answer).refreshToken;
    if (!result.token || !result.refreshToken) {
      this.setTokens(null);
      throw new Error(`refresh refused: ${result.errors.map((e) => e.code).join(", ")}`);
    }
    this.setTokens({ token: result.token, refreshToken: result.refreshToken });
  }

  private setTokens(tokens: Tokens | null): void {
    this.tokens = tokens;
    this.onTokens?.(tokens);
  }

  /**
   * Persisted queries, with the fallback kept to three cases. A query is first sent over GET with
   * only `extensions.persistedQuery.sha256Hash`. Then:
   * 1. `PersistedQueryNotFound` (the server does not know this hash yet): POST the full text
   *    (with the hash) this time, and keep trying GET for later queries.
   * 2. `PersistedQueryNotSupported`, HTTP 405, or a 4xx refusal without `data` (a server without
   *    persisted queries answers "No GraphQL query found" with 400 BAD_REQUEST): POST the full text,
   *    and send every later request of this client as POST.
   * 3. Anything else is the answer.
   * Mutations, uploads and GET URLs over MAX_GET_URL characters always go as POST.
   */
  private async send(operation: PersistedOperation & { name: string }, given: Variables) {
    const [variables, files] = extractFiles(given);
    if (this.usePersistedGet && operation.type === "query" && files.length === 0) {
      const params = new URLSearchParams({
        operationName: operation.name,
        variables: JSON.stringify(variables),
        extensions: JSON.stringify(persistedExtension(operation)),
      });
      const url = `${this.endpoint}?${params}`;
      if (url.length <= MAX_GET_URL) {
        const answer = await this.exchange(url, { method: "GET", headers: this.headers() });
        const fallback = persistedFallback(answer.status, answer.body);
        if (fallback === null) {
          this.stats.persistedGet += 1;
          return answer;
        }
        this.stats.fallbacks += 1;
        if (fallback === "unsupported") this.usePersistedGet = false;
      }
    }
    this.stats.post += 1;
    const payload = {
      query: operation.text,
      operationName: operation.name,
      variables,
      extensions: persistedExtension(operation),
    };
    if (files.length === 0) {
      return this.exchange(this.endpoint, {
        method: "POST",
        headers: { ...this.headers(), "Content-Type": "application/json" },
        body: JSON.stringify(payload),
      });
    }
    const form = new FormData();
    form.append("operations", JSON.stringify(payload));
    form.append("map", JSON.stringify(Object.fromEntries(files.map(([path], i) => [String(i), [`variables.${path}`]]))));
    files.forEach(([, file], i) => form.append(String(i), file, (file as File).name ?? `file${i}`));
    return this.exchange(this.endpoint, { method: "POST", headers: this.headers(), body: form });
  }

  private headers(): Record<string, string> {
    const headers: Record<string, string> = { Accept: "application/graphql-response+json, application/json" };
    if (this.tokens) headers.Authorization = `Bearer ${this.tokens.token}`;
    return headers;
  }

  private async exchange(url: string, init: RequestInit): Promise<{ status: number; body: ResponseBody }> {
    const response = await this.fetch(url, init);
    const text = await response.text();
    try {
      return { status: response.status, body: JSON.parse(text) as ResponseBody };
    } catch {
      return { status: response.status, body: { errors: [{ message: `HTTP ${response.status}: ${text.slice(0, 200)}` }] } };
    }
  }
}

/** The GET answer needs a POST instead: "retry" this time, or the server has no persisted queries. */
function persistedFallback(status: number, body: ResponseBody): "retry" | "unsupported" | null {
  const said = (what: string) =>
    body.errors?.some((e) => e.message === what || e.extensions?.code === toCode(what)) ?? false;
  if (said("PersistedQueryNotFound")) return "retry";
  if (said("PersistedQueryNotSupported") || status === 405) return "unsupported";
  if (status >= 400 && status < 500 && body.data === undefined) return "unsupported";
  return null;
}

/** "PersistedQueryNotFound" → "PERSISTED_QUERY_NOT_FOUND" */
function toCode(name: string): string {
  return name.replace(/([a-z])([A-Z])/g, "$1_$2").toUpperCase();
}

function persistedExtension(operation: PersistedOperation) {
  return { persistedQuery: { version: 1, sha256Hash: operation.sha256 } };
}

/** The manifest's entry for the document's (single) operation. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function operationOf(document: TypedDocumentNode<any, any>): PersistedOperation & { name: string } {
  const definition = document.definitions.find((d) => d.kind === "OperationDefinition");
  const name = definition && "name" in definition ? definition.name?.value : undefined;
  const entry = name ? OPERATIONS[name] : undefined;
  if (!name || !entry) throw new Error(`operation ${name ?? "(unnamed)"} is not in the persisted-query manifest`);
  return { name, ...entry };
}

/** Whether the JWT's `exp` is less than `seconds` away (a token that cannot be read counts as expiring). */
export function expiresWithin(jwt: string, seconds: number): boolean {
  try {
    const part = jwt.split(".")[1].replace(/-/g, "+").replace(/_/g, "/");
    const claims = JSON.parse(atob(part)) as { exp?: number };
    return typeof claims.exp !== "number" || claims.exp - Date.now() / 1000 < seconds;
  } catch {
    return true;
  }
}

function hasCode(body: ResponseBody, code: string): boolean {
  return body.errors?.some((e) => e.extensions?.code === code) ?? false;
}

function dataOf<Result>(name: string, answer: { status: number; body: ResponseBody }): Result {
  if (answer.body.errors?.length) throw new GraphQLRequestError(name, answer.status, answer.body.errors);
  return answer.body.data as Result;
}

/** A copy of `variables` with every Blob replaced by null, and the [dotted path, file] pairs. */
function extractFiles(variables: Variables): [Variables, [string, Blob][]] {
  const found: [string, Blob][] = [];
  const copy = (value: unknown, path: string): unknown => {
    if (value instanceof Blob) {
      found.push([path, value]);
      return null;
    }
    if (Array.isArray(value)) return value.map((item, i) => copy(item, `${path}.${i}`));
    if (value && typeof value === "object") {
      return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, copy(v, `${path}.${k}`)]));
    }
    return value;
  };
  const copied = Object.fromEntries(Object.entries(variables).map(([k, v]) => [k, copy(v, k)]));
  return [copied, found];
}
