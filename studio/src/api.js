// Calls to tally serve. With a token (given once as #token=... in the address), every call
// carries it as a bearer token.

const key = "tally-token";
const fromHash = new URLSearchParams(location.hash.slice(1)).get("token");
if (fromHash) {
  sessionStorage.setItem(key, fromHash);
  history.replaceState(null, "", location.pathname + location.search);
}

export async function call(path, body) {
  for (let attempt = 0; attempt < 2; attempt++) {
    const headers = { Accept: "application/json" };
    const token = sessionStorage.getItem(key);
    if (token) headers.Authorization = `Bearer ${token}`;
    if (body !== undefined) headers["Content-Type"] = "application/json";
    const response = await fetch(path, {
      method: body === undefined ? "GET" : "POST",
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    if (response.status === 401 && attempt === 0) {
      const given = prompt("This server needs its token:");
      if (!given) break;
      sessionStorage.setItem(key, given);
      continue;
    }
    const type = response.headers.get("Content-Type") || "";
    const data = type.includes("json") ? await response.json() : await response.text();
    return { ok: response.ok, status: response.status, data };
  }
  return { ok: false, status: 401, data: { message: "no token" } };
}
