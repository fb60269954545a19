/**
 * Live updates: the project's subscriptions (graph/operations/live.graphql) over a websocket on the
 * same /graphql/ path, through graphql-ws (the graphql-transport-ws protocol):
 *
 *   const live = new KitandaLive(kitanda); // ws(s)://…/graphql/, beside the client's endpoint
 *   for await (const { myOrderUpdates } of live.subscribe(OrderUpdatesDocument, { since: null })) { … }
 *   await live.dispose();
 *
 * - `connection_init` carries the KitandaClient's access token (`{"authorization": "Bearer …"}`),
 *   refreshed first when it is about to expire, and read again at every (re)connection: the server
 *   closes a socket whose token expires or is revoked with 4403, and graphql-ws reconnects.
 * - The text sent is the operation's canonical text from the persisted-query manifest, as for queries.
 * - Top-level errors of a subscription (UNAUTHENTICATED, FORBIDDEN, BAD_USER_INPUT) end its iterator
 *   with a GraphQLRequestError.
 * - After a reconnect graphql-ws subscribes again with the same variables: pass `since` (the last `seq`
 *   seen when subscribing) and skip the `seq`s already handled (a replay repeats a few, and events may
 *   arrive out of `seq` order).
 *
 * Needs a global WebSocket (browsers, Node 22 and later) or `webSocketImpl` (e.g. the `ws` package).
 */
import type { TypedDocumentNode } from "@graphql-typed-document-node/core";
import { createClient, type Client } from "graphql-ws";

import { GraphQLRequestError, operationOf, type GraphQLErrorEntry, type KitandaClient } from "./client.js";

export interface LiveOptions {
  /** The websocket endpoint; default: the client's endpoint with ws:// for http://, wss:// for https:// */
  url?: string;
  /** Reconnections in a row before giving up (graphql-ws's default: 5). */
  retryAttempts?: number;
  /** A WebSocket class where there is no global one. */
  webSocketImpl?: unknown;
}

export class KitandaLive {
  readonly client: Client;

  constructor(kitanda: KitandaClient, options: LiveOptions = {}) {
    this.client = createClient({
      url: options.url ?? websocketUrl(kitanda.endpoint),
      connectionParams: async () => {
        const token = await kitanda.accessToken();
        return token ? { authorization: `Bearer ${token}` } : {};
      },
      retryAttempts: options.retryAttempts,
      webSocketImpl: options.webSocketImpl,
    });
  }

  /** Each result of one of the project's subscriptions, typed by the generated document. */
  async *subscribe<Result, Vars>(
    document: TypedDocumentNode<Result, Vars>,
    ...[variables]: Vars extends Record<string, never> ? [Vars?] : [Vars]
  ): AsyncGenerator<Result, void, undefined> {
    const operation = operationOf(document);
    if (operation.type !== "subscription") throw new Error(`${operation.name} is not a subscription: use KitandaClient.request`);
    const results = this.client.iterate({
      query: operation.text,
      operationName: operation.name,
      variables: (variables ?? {}) as Record<string, unknown>,
    });
    for await (const result of results) {
      if (result.errors?.length) {
        throw new GraphQLRequestError(operation.name, 0, result.errors as unknown as GraphQLErrorEntry[]);
      }
      yield result.data as Result;
    }
  }

  /** Closes the websocket; every subscription ends. */
  dispose(): Promise<void> {
    return Promise.resolve(this.client.dispose());
  }
}

/** http://host/graphql/ → ws://host/graphql/, https:// → wss:// */
export function websocketUrl(endpoint: string): string {
  return endpoint.replace(/^http(s?):/, "ws$1:");
}

/** The first value of `values` that `wanted` accepts, or an error after `seconds`. */
export async function nextMatching<T>(
  values: AsyncIterator<T>,
  wanted: (value: T) => boolean,
  seconds: number,
): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`nothing wanted arrived within ${seconds} s`)), seconds * 1000);
  });
  try {
    for (;;) {
      const next = await Promise.race([values.next(), late]);
      if (next.done) throw new Error("the subscription ended");
      if (wanted(next.value)) return next.value;
    }
  } finally {
    clearTimeout(timer);
  }
}
