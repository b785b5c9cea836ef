import assert from "node:assert/strict";
import { Hono } from "hono";
import { clientAddress, type ClientAddressVariables, type ServeBindings } from "./client_address.ts";

function app(trustedProxies: number) {
  return new Hono<{ Bindings: ServeBindings; Variables: ClientAddressVariables }>()
    .use(clientAddress({ trustedProxies }))
    .get("/", (c) => c.text(c.var.clientAddress));
}

const peer = { remoteAddr: { transport: "tcp", hostname: "192.0.2.10", port: 5555 } } as Deno.ServeHandlerInfo<
  Deno.NetAddr
>;

Deno.test("client address - the connection's address; X-Forwarded-For only behind trusted proxies", async () => {
  const spoofed = { headers: { "x-forwarded-for": "203.0.113.1, 198.51.100.2" } };
  const read = async (trusted: number, init: RequestInit = {}, info?: typeof peer) =>
    await (await app(trusted).request("/", init, info)).text();
  assert.equal(await read(0, spoofed, peer), "192.0.2.10", "a header any client can write is ignored");
  assert.equal(await read(1, spoofed, peer), "198.51.100.2", "one proxy: the address it saw, the last entry");
  assert.equal(await read(2, spoofed, peer), "203.0.113.1");
  assert.equal(await read(3, spoofed, peer), "192.0.2.10", "fewer entries than proxies: the connection's");
  assert.equal(await read(1, { headers: { "x-forwarded-for": "not an address" } }, peer), "192.0.2.10");
  assert.equal(await read(0), "unknown", "in-process requests");
});
