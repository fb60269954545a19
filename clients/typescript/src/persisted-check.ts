/**
 * The persisted-query fallback against fake servers (no network): `node dist/persisted-check.js`.
 * Today's server has no persisted queries; the next one answers hashes it knows, and
 * PersistedQueryNotFound for those it does not. The client must work against each.
 */
import { KitandaClient } from "./client.js";
import { CategoriesDocument, MeDocument } from "./generated/graphql.js";
import manifest from "./generated/persisted-queries.json" with { type: "json" };

type Sent = { method: string; hash: string | null; text: string | null };
type Answer = { status: number; body: object };

function fakeServer(answer: (request: Sent) => Answer) {
  const sent: Sent[] = [];
  const fetch = async (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
    const url = new URL(String(input));
    let request: Sent;
    if (init?.method === "GET") {
      const extensions = JSON.parse(url.searchParams.get("extensions") ?? "{}");
      request = { method: "GET", hash: extensions.persistedQuery?.sha256Hash ?? null, text: url.searchParams.get("query") };
    } else {
      const body = JSON.parse(String(init?.body));
      request = { method: "POST", hash: body.extensions?.persistedQuery?.sha256Hash ?? null, text: body.query ?? null };
    }
    sent.push(request);
    const { status, body } = answer(request);
    return new Response(JSON.stringify(body), { status, headers: { "Content-Type": "application/json" } });
  };
  return { sent, client: new KitandaClient({ endpoint: "http://kitanda.test/graphql/", fetch }) };
}

function check(condition: unknown, message: string): asserts condition {
  if (!condition) throw new Error(`persisted queries: ${message}`);
}

const categories = manifest.operations.Categories;
const data = { data: { categories: [], me: null } };

async function main(): Promise<void> {
  // Today's server: a GET without a query is a 400 BAD_REQUEST. POST, and POST from then on.
  const today = fakeServer((r) =>
    r.text
      ? { status: 200, body: data }
      : { status: 400, body: { errors: [{ message: "No GraphQL query found in the request", extensions: { code: "BAD_REQUEST" } }] } },
  );
  await today.client.request(CategoriesDocument);
  await today.client.request(MeDocument);
  check(today.sent.map((r) => r.method).join() === "GET,POST,POST", `today: ${today.sent.map((r) => r.method)}`);
  check(today.sent[1].text === categories.text && today.sent[1].hash === categories.sha256, "the POST carries text and hash");

  // The next server knows the allowlisted hashes: one GET each, never the text.
  const known = new Set(Object.values(manifest.operations).map((o) => o.sha256));
  const next = fakeServer((r) =>
    r.hash && known.has(r.hash) ? { status: 200, body: data } : { status: 400, body: { errors: [{ message: "unknown" }] } },
  );
  await next.client.request(CategoriesDocument);
  await next.client.request(MeDocument);
  check(next.sent.every((r) => r.method === "GET" && r.text === null), "the next server is asked by hash only");
  check(next.client.stats.persistedGet === 2 && next.client.stats.post === 0, "two persisted GETs");

  // A server that has not seen a hash yet: POST the text once, and keep using GET.
  const seen = new Set<string>();
  const apq = fakeServer((r) => {
    if (r.text && r.hash) seen.add(r.hash);
    if (r.hash && seen.has(r.hash)) return { status: 200, body: data };
    return { status: 200, body: { errors: [{ message: "PersistedQueryNotFound", extensions: { code: "PERSISTED_QUERY_NOT_FOUND" } }] } };
  });
  await apq.client.request(CategoriesDocument);
  await apq.client.request(CategoriesDocument);
  check(apq.sent.map((r) => r.method).join() === "GET,POST,GET", `apq: ${apq.sent.map((r) => r.method)}`);

  // A server that says it does not support persisted queries: POST from then on.
  const unsupported = fakeServer((r) =>
    r.text ? { status: 200, body: data } : { status: 200, body: { errors: [{ message: "PersistedQueryNotSupported" }] } },
  );
  await unsupported.client.request(CategoriesDocument);
  await unsupported.client.request(CategoriesDocument);
  check(unsupported.sent.map((r) => r.method).join() === "GET,POST,POST", "unsupported: POST from then on");

  // Mutations are never sent over GET.
  const mutations = fakeServer(() => ({ status: 200, body: { data: { revokeToken: { revoked: true, errors: [] } } } }));
  mutations.client.tokens = { token: "x.eyJleHAiOjk5OTk5OTk5OTl9.y", refreshToken: "r" };
  await mutations.client.logout();
  check(mutations.sent.length === 1 && mutations.sent[0].method === "POST", "a mutation is a POST");

  console.log("persisted-query fallbacks passed");
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? (error.stack ?? error.message) : error);
  process.exit(1);
});
