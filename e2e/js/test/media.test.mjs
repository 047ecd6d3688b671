// Pictures through the real matrix-js-sdk: one user uploads an image (uploadContent) and sends it as m.image; the
// other user's client sees the event and downloads the same bytes, and a thumbnail, through the authenticated media
// endpoints (mxcUrlToHttp with useAuthentication), as Element does.
import { test, describe, before, after } from "node:test";
import assert from "node:assert/strict";
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
});
