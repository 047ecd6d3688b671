// Pictures through the real matrix-js-sdk: one user uploads an image (uploadContent) and sends it as m.image; the
// other user's client sees the event and downloads the same bytes, and a thumbnail, through the authenticated media
// endpoints (mxcUrlToHttp with useAuthentication), as Element does.
import { test, describe, before, after } from "node:test";
import assert from "node:assert/strict";
import http from "node:http";
import { readdirSync } from "node:fs";
import { crc32, deflateRawSync } from "node:zlib";
import { clientFor, eventually, register, roomOfTwo, startAndWaitPrepared, username } from "./lib.mjs";
import { blackPng, png } from "./png.mjs";

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

// Hostile media (issue #13's adversarial list): each refused with the spec's error, nothing stored, and the server
// healthy afterwards — same open files, heap far from its limit, uploads and thumbnails still working. The URL
// previews that aim at loopback, 169.254.169.254 and a name resolving to loopback are the test above.
describe("hostile media", () => {
  const pid = process.env.LATTICE_E2E_SERVER_PID;
  const metricsUrl = process.env.LATTICE_E2E_METRICS_URL;
  const dataDir = process.env.LATTICE_E2E_DATA_DIR;
  let account, c, serverName, headers;

  const openFiles = () => readdirSync(`/proc/${pid}/fd`).length;
  const heapUsedMb = async () => {
    const text = await (await fetch(metricsUrl)).text();
    const used = text
      .split("\n")
      .filter((line) => line.startsWith("jvm_memory_used_bytes{") && line.includes('area="heap"'))
      .reduce((sum, line) => sum + Number(line.split(" ").pop()), 0);
    return used / 1024 / 1024;
  };
  const contentFiles = (dir = `${dataDir}/media/content`) =>
    readdirSync(dir, { withFileTypes: true }).reduce(
      (n, entry) => n + (entry.isDirectory() ? contentFiles(`${dir}/${entry.name}`) : 1),
      0,
    );
  const media = (path) => fetch(`${c.baseUrl}/_matrix/client/v1/media/${path}`, { headers });
  const expectError = async (response, status, errcode, what) => {
    assert.equal(response.status, status, what);
    assert.equal((await response.json()).errcode, errcode, what);
  };

  before(async () => {
    assert.ok(pid && metricsUrl && dataDir, "run through e2e/js/run.sh: the test needs the server's pid, metrics and data");
    account = await register(username("mallory"));
    c = clientFor(account);
    serverName = account.user_id.split(":").slice(1).join(":");
    headers = { Authorization: `Bearer ${account.access_token}` };
  });

  test("bombs, traversal and oversized uploads are refused and the server stays healthy", async () => {
    // Warm the paths once, so the baseline counts the files a working server keeps open (pools, logs).
    const warm = png(64, 64);
    const { content_uri: warmUri } = await c.uploadContent(warm, { name: "warm.png", type: "image/png" });
    assert.equal((await media(`thumbnail/${warmUri.slice(6)}?width=32&height=32&method=crop`)).status, 200);
    const filesBefore = openFiles();

    // A real 20,000 × 20,000 PNG (45 KB, 400 megapixels: 1.6 GB as the JDK would decode it): the upload is media
    // like any other, its thumbnail is refused from the header, before a pixel is decoded.
    const bomb = blackPng(20_000, 20_000);
    assert.ok(bomb.length < 100_000, `${bomb.length} bytes on the wire`);
    const { content_uri: bombUri } = await c.uploadContent(bomb, { name: "huge.png", type: "image/png" });
    await expectError(await media(`thumbnail/${bombUri.slice(6)}?width=800&height=600`), 413, "M_TOO_LARGE", "20k × 20k");

    // A zip of 100 MB of zeros (about 100 KB) named bomb.png: never unpacked; not an image, so no thumbnail.
    const zip = zipOf("zeros.bin", Buffer.alloc(100 * 1024 * 1024));
    const { content_uri: zipUri } = await c.uploadContent(zip, { name: "bomb.png", type: "image/png" });
    await expectError(await media(`thumbnail/${zipUri.slice(6)}?width=96&height=96`), 400, "M_UNKNOWN", "zip bomb");
    const zipBack = await media(`download/${zipUri.slice(6)}`);
    assert.equal(zipBack.status, 200);
    assert.deepEqual(Buffer.from(await zipBack.arrayBuffer()), zip, "the upload itself is stored as sent");

    // Media IDs that try to leave the media store: unknown media, whatever the encoding.
    // (A bare ".." or "%2e%2e" segment never reaches the server: the client resolves it in the URL.)
    for (const id of ["..%2F..%2F..%2Fetc%2Fpasswd", "...", "..%5C..%5Cwindows", "abc%00def"]) {
      await expectError(await media(`download/${serverName}/${id}`), 404, "M_NOT_FOUND", id);
      await expectError(await media(`thumbnail/${serverName}/${id}?width=32&height=32`), 404, "M_NOT_FOUND", id);
    }

    // Over the upload limit (50 MB by default): 413 before the body is stored, and no file appears.
    const { "m.upload.size": limit } = await (await media("config")).json();
    const filesInStore = contentFiles();
    const tooLarge = await fetch(`${c.baseUrl}/_matrix/media/v3/upload?filename=big.bin`, {
      method: "POST",
      headers: { ...headers, "Content-Type": "application/octet-stream" },
      body: Buffer.alloc(limit + 1, 7),
    });
    await expectError(tooLarge, 413, "M_TOO_LARGE", "over the limit");
    assert.equal(contentFiles(), filesInStore, "nothing stored");

    // Healthy: a normal upload and its thumbnail work, no file handle leaked, the heap far from -Xmx1g.
    const photo = png(800, 600);
    const { content_uri: photoUri } = await c.uploadContent(photo, { name: "after.png", type: "image/png" });
    const thumbnail = await media(`thumbnail/${photoUri.slice(6)}?width=320&height=240`);
    assert.equal(thumbnail.status, 200);
    assert.equal(thumbnail.headers.get("content-type"), "image/png");
    await eventually(() => openFiles() <= filesBefore + 8 || undefined, `open files back near ${filesBefore}`);
    const heap = await heapUsedMb();
    assert.ok(heap > 0 && heap < 700, `heap in use ${heap.toFixed(0)} MB`);
  });
});

/** A ZIP archive (one deflated entry), as a zip bomb is made: the bytes a client could name "bomb.png". */
function zipOf(name, content) {
  const data = deflateRawSync(content, { level: 9 });
  const nameBytes = Buffer.from(name);
  const crc = crc32(content);
  const local = Buffer.alloc(30);
  local.writeUInt32LE(0x04034b50, 0);
  local.writeUInt16LE(20, 4); // version needed
  local.writeUInt16LE(8, 8); // deflate
  local.writeUInt32LE(crc, 14);
  local.writeUInt32LE(data.length, 18);
  local.writeUInt32LE(content.length, 22);
  local.writeUInt16LE(nameBytes.length, 26);
  const central = Buffer.alloc(46);
  central.writeUInt32LE(0x02014b50, 0);
  central.writeUInt16LE(20, 4);
  central.writeUInt16LE(20, 6);
  central.writeUInt16LE(8, 10);
  central.writeUInt32LE(crc, 16);
  central.writeUInt32LE(data.length, 20);
  central.writeUInt32LE(content.length, 24);
  central.writeUInt16LE(nameBytes.length, 28);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(1, 8);
  end.writeUInt16LE(1, 10);
  end.writeUInt32LE(central.length + nameBytes.length, 12);
  end.writeUInt32LE(local.length + nameBytes.length + data.length, 16);
  return Buffer.concat([local, nameBytes, data, central, nameBytes, end]);
}
