// Pictures through the real matrix-js-sdk: one user uploads an image (uploadContent) and sends it as m.image; the
// other user's client sees the event and downloads the same bytes, and a thumbnail, through the authenticated media
// endpoints (mxcUrlToHttp with useAuthentication), as Element does.
import { test, describe, before, after } from "node:test";
import assert from "node:assert/strict";
import http from "node:http";
import { roomOfTwo, startAndWaitPrepared, eventually } from "./lib.mjs";
import { png } from "./png.mjs";

describe("media with matrix-js-sdk", () => {
  let alice, bob, a, b, roomId;

  before(async () => {
    ({ alice, bob, a, b, roomId } = await roomOfTwo("pictures"));
    await startAndWaitPrepared(b);
  });

  after(() => b?.stopClient());

  test("an uploaded picture sent as m.image is downloaded by the other member, with a thumbnail", async () => {
    const image = png(640, 480);
    const { content_uri: mxc } = await a.uploadContent(image, { name: "sunset.png", type: "image/png" });
    assert.match(mxc, /^mxc:\/\//);
    const { event_id: eventId } = await a.sendMessage(roomId, {
      msgtype: "m.image",
      body: "sunset.png",
      url: mxc,
      info: { mimetype: "image/png", size: image.length, w: 640, h: 480 },
    });
    const event = await eventually(() => b.getRoom(roomId)?.findEventById(eventId), "bob's client has the image");
    const url = event.getContent().url;
    assert.equal(url, mxc);

    const headers = { Authorization: `Bearer ${bob.access_token}` };
    const download = await fetch(b.mxcUrlToHttp(url, undefined, undefined, undefined, false, true, true), { headers });
    assert.equal(download.status, 200);
    assert.equal(download.headers.get("content-type"), "image/png");
    assert.deepEqual(Buffer.from(await download.arrayBuffer()), image, "the same bytes");

    const thumbnail = await fetch(b.mxcUrlToHttp(url, 96, 96, "scale", false, true, true), { headers });
    assert.equal(thumbnail.status, 200);
    const thumb = Buffer.from(await thumbnail.arrayBuffer());
    assert.ok(thumb.length > 0 && thumb.length < image.length, "a smaller thumbnail");
    // Without a token the authenticated endpoints refuse.
    const anonymous = await fetch(b.mxcUrlToHttp(url, undefined, undefined, undefined, false, true, true));
    assert.equal(anonymous.status, 401);
  });

  test("a link's preview has the page's title and image, stored here; previews never reach the server's own network", async () => {
    const cover = png(200, 100);
    const internalHits = [];
    const internal = http.createServer((request, response) => {
      internalHits.push(request.url);
      response.end("internal");
    });
    const pages = http.createServer((request, response) => {
      if (request.url === "/cover.png") return response.writeHead(200, { "Content-Type": "image/png" }).end(cover);
      if (request.url === "/to-internal") {
        return response.writeHead(302, { Location: `http://127.0.0.1:${internal.address().port}/secret` }).end();
      }
      if (request.url === "/to-metadata") {
        return response.writeHead(302, { Location: "http://169.254.169.254/latest/meta-data/" }).end();
      }
      response
        .writeHead(200, { "Content-Type": "text/html; charset=utf-8" })
        .end(`<html><head><meta property="og:title" content="Lattice release notes"><meta property="og:image" content="/cover.png"></head></html>`);
    });
    await new Promise((resolve) => internal.listen(0, "127.0.0.1", resolve));
    await new Promise((resolve) => pages.listen(0, "127.0.0.2", resolve));
    try {
      const page = `http://127.0.0.2:${pages.address().port}/notes?${Date.now()}`;
      const preview = await b.getUrlPreview(page, Date.now());
      assert.equal(preview["og:title"], "Lattice release notes");
      assert.equal(preview["og:image:type"], "image/png");
      assert.equal(preview["og:image:width"], 200);
      assert.equal(preview["og:image:height"], 100);
      assert.equal(preview["matrix:image:size"], cover.length);
      assert.match(preview["og:image"], /^mxc:\/\//);
      const image = await fetch(b.mxcUrlToHttp(preview["og:image"], undefined, undefined, undefined, false, true, true), {
        headers: { Authorization: `Bearer ${bob.access_token}` },
      });
      assert.deepEqual(Buffer.from(await image.arrayBuffer()), cover, "the page's image, downloadable as media");

      const internalPort = internal.address().port;
      for (const url of [
        `http://127.0.0.1:${internalPort}/secret`,
        `http://localhost:${internalPort}/secret`,
        `http://127.0.0.2:${pages.address().port}/to-internal`,
        `http://127.0.0.2:${pages.address().port}/to-metadata`,
      ]) {
        await assert.rejects(b.getUrlPreview(url, Date.now()), (e) => e.httpStatus === 403 && e.errcode === "M_FORBIDDEN", url);
      }
      assert.deepEqual(internalHits, [], "nothing on 127.0.0.1 was ever asked");
    } finally {
      internal.close();
      pages.close();
    }
  });
});
