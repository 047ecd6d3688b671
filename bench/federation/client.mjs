// What the federation benchmarks share: a client-server call as one of the accounts of e2e/federation/harness.mjs.

/** `method path` with the account's token and `body` as JSON; the answer's JSON, or an error unless it is 200. */
export async function call(account, method, path, body) {
  const response = await fetch(`${account.baseUrl}${path}`, {
    method,
    headers: { Authorization: `Bearer ${account.access_token}`, "Content-Type": "application/json" },
    body: body && JSON.stringify(body),
  });
  const json = await response.json();
  if (response.status !== 200) throw new Error(`${method} ${path}: ${response.status} ${JSON.stringify(json)}`);
  return json;
}
