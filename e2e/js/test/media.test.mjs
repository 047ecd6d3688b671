// Pictures through the real matrix-js-sdk: one user uploads an image (uploadContent) and sends it as m.image; the
// other user's client sees the event and downloads the same bytes, and a thumbnail, through the authenticated media
// endpoints (mxcUrlToHttp with useAuthentication), as Element does.
import { test, describe, before, after } from "node:test";
import assert from "node:assert/strict";
import { deflateSync } from "node:zlib";
import { roomOfTwo, startAndWaitPrepared, eventually } from "./lib.mjs";

/** A real PNG of width × height, one colour: what a client would upload. */
function png(width, height) {
  const crcTable = Array.from({ length: 256 }, (_, n) => {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    return c >>> 0;
  });
  const crc = (bytes) => {
    let c = 0xffffffff;
    for (const b of bytes) c = crcTable[(c ^ b) & 0xff] ^ (c >>> 8);
    return (c ^ 0xffffffff) >>> 0;
  };
  const chunk = (type, data) => {
    const out = Buffer.alloc(12 + data.length);
    out.writeUInt32BE(data.length, 0);
    out.write(type, 4, "ascii");
    data.copy(out, 8);
    out.writeUInt32BE(crc(Buffer.concat([Buffer.from(type, "ascii"), data])), 8 + data.length);
    return out;
  };
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header[8] = 8; // bit depth
  header[9] = 2; // truecolour
  const row = Buffer.alloc(1 + width * 3);
  for (let x = 0; x < width; x++) row.set([200, 60, 20], 1 + x * 3);
  const raw = Buffer.concat(Array.from({ length: height }, () => row));
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk("IHDR", header),
    chunk("IDAT", deflateSync(raw)),
    chunk("IEND", Buffer.alloc(0)),
  ]);
}

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
