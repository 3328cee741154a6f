// harness.mjs — the browser tests' server and browser.  Starts a
// real opsdesk (OPSDESK_BIN, default build/opsdesk) on 127.0.0.1 with a
// temporary database and --test-clock, talks to its API with bearer tokens
// to prepare data, and drives Debian's chromium (/usr/bin/chromium,
// headless, --no-sandbox) through playwright-core — never a downloaded
// browser.  A missing node module, chromium or binary is an error with the
// fix in its message, never a silent skip.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, openSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const ARTIFACTS = join(ROOT, 'tests', 'e2e', 'artifacts');
export const ADMIN_PW = 'Admin-pass-1';
export const USER_PW = 'User-pass-1!';
const CHROMIUM = process.env.OPSDESK_CHROMIUM || '/usr/bin/chromium';

export async function loadPlaywright() {
  try {
    return await import('playwright-core');
  } catch (e) {
    throw new Error(`e2e: playwright-core is not installed (${e.message}); run \`bash scripts/deps.sh\` or \`npm ci\` at the repository root`);
  }
}

export async function launchBrowser() {
  if (!existsSync(CHROMIUM)) throw new Error(`e2e: ${CHROMIUM} is missing; run \`bash scripts/deps.sh\` (apt-get install chromium fonts-noto-cjk)`);
  const { chromium } = await loadPlaywright();
  return chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'] });
}

function freePort() {
  return new Promise((ok, fail) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => { const { port } = s.address(); s.close(() => ok(port)); });
    s.on('error', fail);
  });
}

export class Server {
  // extraArgs: more `serve` arguments, e.g. ['--bot-allow', '127.0.0.0/8']
  async start(extraArgs = []) {
    this.bin = process.env.OPSDESK_BIN || join(ROOT, 'build', 'opsdesk');
    if (!existsSync(this.bin)) throw new Error(`e2e: ${this.bin} is missing; build first (make build)`);
    this.tmp = mkdtempSync(join(tmpdir(), 'opsdesk-e2e-'));
    this.db = join(this.tmp, 'opsdesk.db');
    this.env = { ...process.env, OPSDESK_ADMIN_PASSWORD: ADMIN_PW, OPSDESK_PWHASH_COST: 'min' };
    const init = spawnSync(this.bin, ['init', '--db', this.db], { env: this.env, encoding: 'utf8' });
    if (init.status !== 0) throw new Error('e2e: init failed: ' + init.stdout + init.stderr);
    this.port = await freePort();
    this.base = `http://127.0.0.1:${this.port}`;
    this.logPath = join(this.tmp, 'server.log');
    const log = openSync(this.logPath, 'a');
    this.proc = spawn(this.bin, ['serve', '--db', this.db, '--listen', `127.0.0.1:${this.port}`, '--test-clock', ...extraArgs], { env: this.env, stdio: ['ignore', log, log] });
    this.exited = new Promise((ok) => this.proc.on('exit', (code, sig) => ok(code ?? sig)));
    for (let i = 0; i < 300; i++) {
      try {
        const r = await fetch(this.base + '/healthz');
        if (r.ok) break;
      } catch { /* not yet */ }
      if (this.proc.exitCode !== null) throw new Error('e2e: server exited: ' + this.log());
      await new Promise((ok) => setTimeout(ok, 100));
    }
    this.tokens = {};
    return this;
  }

  log() { try { return readFileSync(this.logPath, 'utf8'); } catch { return ''; } }

  async stop() {
    if (!this.proc) return 0;
    this.proc.kill('SIGTERM');
    const rc = await this.exited;
    this.proc = null;
    rmSync(this.tmp, { recursive: true, force: true });
    return rc;
  }

  async request(method, path, body, token) {
    const headers = {};
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    if (token) headers.Authorization = 'Bearer ' + token;
    const r = await fetch(this.base + path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    const text = await r.text();
    let json = null;
    try { json = JSON.parse(text); } catch { /* not JSON */ }
    return { status: r.status, json, text };
  }

  async must(method, path, body, token, status) {
    const r = await this.request(method, path, body, token);
    if (status ? r.status !== status : r.status >= 300) throw new Error(`${method} ${path}: ${r.status} ${r.text}`);
    return r.json;
  }

  async login(user, pw = USER_PW) {
    const r = await this.must('POST', '/api/v1/auth/login', { username: user, password: pw });
    this.tokens[user] = r.token;
    return r.token;
  }

  async admin(name) { return this.tokens[name] || this.login(name, ADMIN_PW); }

  async makeUser(username, roles, extra = {}) {
    const u = await this.must('POST', '/api/v1/users', { username, password: USER_PW, display_name: extra.display_name || username, department: extra.department || '运行部' }, await this.admin('sysadmin'));
    await this.must('PUT', `/api/v1/users/${u.id}/roles`, { roles }, await this.admin('secadmin'));
    return { id: u.id, token: await this.login(username) };
  }

  async clock(advanceSeconds) { return this.must('POST', '/api/v1/test/clock', { advance_seconds: advanceSeconds }); }
}

export function artifact(name) {
  mkdirSync(ARTIFACTS, { recursive: true });
  return join(ARTIFACTS, name);
}

// Pixels of a canvas that are not the background: [count, a sample of colours].
export async function canvasInk(page, selector) {
  return page.$eval(selector, (root) => {
    const c = root.querySelector('canvas');
    if (!c || !c.width || !c.height) return { canvas: false, ink: 0, colors: [] };
    const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
    let ink = 0;
    const colors = new Set();
    for (let i = 0; i < d.length; i += 4) {
      if (d[i + 3] > 0) {
        ink++;
        if (colors.size < 400) colors.add(`${d[i] >> 4},${d[i + 1] >> 4},${d[i + 2] >> 4}`);
      }
    }
    return { canvas: true, ink, colors: [...colors] };
  });
}
