// Checks every HTML <audio> player of a page in Debian's headless Chromium (playwright-core), for AudioPlaybackIT.java:
//
//   node check_audio.js --url URL --profile DIR [--mode file|notebook] [--token T] [--play-ms 300]
//                       [--screenshot FILE] [--executable /usr/bin/chromium]
//
// --mode file (default): URL is a page, e.g. file:///.../06_exercises.html (the notebook exported by nbconvert).
// --mode notebook: URL is a notebook page of a running Jupyter Notebook server (classic 6.x frontend) with --token.
//   The players are read as the page first shows them (an executed notebook nobody signed is "not trusted": its HTML
//   outputs are sanitized); then the notebook is trusted as a reader does (File > Trust Notebook > Trust; the page
//   reloads) and the players are read again (report.untrusted.players before, report.players after). Autosave is switched off; the page never saves the notebook.
//
// For each player: the src (a data: URI is parsed here: the RIFF/WAVE header's format and the duration its data chunk
// holds), canPlayType('audio/wav'), and after load() the readyState, networkState, MediaError and duration; the
// sound decoded by Chromium's Web Audio decoder (OfflineAudioContext.decodeAudioData: duration, RMS and peak); and
// each player, played for --play-ms (autoplay allowed by a flag; no user gesture in a headless test): the
// currentTime reached. Writes one JSON report on stdout; progress on stderr. Exit status 0 when the page could be
// read (the test judges the report), 2 on usage errors, 1 when it could not (the report then has "fatal").
'use strict';

const fs = require('fs');
const path = require('path');
const { parseArgs: parseOptions, logger, launch, finish, runMain } = require('./browser_common');

// As run_notebook.js, plus: media may start without a click, and no sound device is needed (headless).
const MEDIA_ARGS = ['--autoplay-policy=no-user-gesture-required', '--mute-audio'];
const LOAD_TIMEOUT_MS = 15_000;

function parseArgs(argv) {
    const opts = parseOptions(argv, { mode: 'file', 'play-ms': '300', executable: '/usr/bin/chromium' },
        ['url', 'profile']);
    if (!['file', 'notebook'].includes(opts.mode)) throw new Error(`--mode must be file or notebook, got ${opts.mode}`);
    if (opts.mode === 'notebook' && !opts.token) throw new Error('--mode notebook needs --token');
    return opts;
}

const log = logger('audio');

/** The RIFF/WAVE header of a data:audio/...;base64 URI, read here independently of the browser. */
function wavHeader(src) {
    const m = /^data:([^;,]+)(;base64)?,/.exec(src || '');
    if (!m) return { error: `not a data: URI: ${String(src).slice(0, 40)}` };
    if (!m[2]) return { mime: m[1], error: 'data: URI not base64' };
    const buf = Buffer.from(src.slice(m[0].length), 'base64');
    const h = { mime: m[1], bytes: buf.length };
    if (buf.length < 12 || buf.toString('ascii', 0, 4) !== 'RIFF' || buf.toString('ascii', 8, 12) !== 'WAVE') {
        h.error = 'no RIFF/WAVE header';
        return h;
    }
    for (let off = 12; off + 8 <= buf.length;) {
        const id = buf.toString('ascii', off, off + 4);
        const size = buf.readUInt32LE(off + 4);
        if (id === 'fmt ' && off + 24 <= buf.length) {
            h.audioFormat = buf.readUInt16LE(off + 8); // 1 = PCM
            h.channels = buf.readUInt16LE(off + 10);
            h.sampleRate = buf.readUInt32LE(off + 12);
            h.blockAlign = buf.readUInt16LE(off + 20);
            h.bitsPerSample = buf.readUInt16LE(off + 22);
        } else if (id === 'data') {
            h.dataBytes = Math.min(size, buf.length - off - 8);
            h.dataBytesDeclared = size;
        }
        off += 8 + size + (size % 2);
    }
    if (h.sampleRate && h.blockAlign && h.dataBytes !== undefined) {
        h.seconds = h.dataBytes / h.blockAlign / h.sampleRate;
    } else {
        h.error = 'no fmt or data chunk';
    }
    return h;
}

/** Every <audio> under `selector`: what the element says before and after load(), and the decoded sound. */
async function readPlayers(page, selector, playMs) {
    const count = await page.evaluate((sel) => document.querySelectorAll(sel).length, selector);
    const players = [];
    for (let i = 0; i < count; i++) {
        const p = await page.evaluate(async ({ sel, i, loadTimeout }) => {
            const a = document.querySelectorAll(sel)[i];
            a.scrollIntoView();
            const r = a.getBoundingClientRect();
            const out = {
                index: i,
                src: a.getAttribute('src') || '',
                controls: a.controls,
                preload: a.preload,
                visible: a.offsetParent !== null && r.width > 0 && r.height > 0,
                width: Math.round(r.width),
                height: Math.round(r.height),
                canPlayType: a.canPlayType('audio/wav'),
            };
            // load() restarts the resource selection; wait for its metadata (or an error), bounded.
            const t0 = performance.now();
            out.event = await new Promise((resolve) => {
                const timer = setTimeout(() => resolve('timeout'), loadTimeout);
                const done = (e) => { clearTimeout(timer); resolve(e.type); };
                a.addEventListener('loadedmetadata', done, { once: true });
                a.addEventListener('error', done, { once: true });
                a.load();
            });
            out.loadMs = Math.round(performance.now() - t0);
            out.readyState = a.readyState;
            out.networkState = a.networkState;
            out.error = a.error ? { code: a.error.code, message: a.error.message } : null;
            out.duration = a.duration;
            out.currentSrcIsData = (a.currentSrc || '').startsWith('data:');
            // Chromium's own decoder on the same bytes: the sound a reader would hear, without a sound device.
            try {
                const bytes = await (await fetch(a.currentSrc || a.src)).arrayBuffer();
                const ctx = new OfflineAudioContext(1, 1, 16000);
                const decoded = await ctx.decodeAudioData(bytes);
                const ch = decoded.getChannelData(0);
                let sum = 0;
                let peak = 0;
                for (let k = 0; k < ch.length; k++) {
                    sum += ch[k] * ch[k];
                    peak = Math.max(peak, Math.abs(ch[k]));
                }
                out.decoded = { duration: decoded.duration, sampleRate: decoded.sampleRate,
                    channels: decoded.numberOfChannels, rms: Math.sqrt(sum / ch.length), peak };
            } catch (e) {
                out.decoded = { error: String(e) };
            }
            return out;
        }, { sel: selector, i, loadTimeout: LOAD_TIMEOUT_MS });
        p.header = wavHeader(p.src);
        p.srcPrefix = p.src.slice(0, 40);
        p.srcLength = p.src.length;
        delete p.src;
        if (playMs > 0) {
            p.play = await page.evaluate(async ({ sel, i, ms }) => {
                const a = document.querySelectorAll(sel)[i];
                const r = {};
                try {
                    a.currentTime = 0;
                    await a.play();
                    await new Promise((res) => setTimeout(res, ms));
                    r.currentTime = a.currentTime;
                    r.paused = a.paused;
                    r.ended = a.ended;
                    a.pause();
                } catch (e) {
                    r.error = String(e);
                }
                r.mediaError = a.error ? { code: a.error.code, message: a.error.message } : null;
                return r;
            }, { sel: selector, i, ms: playMs });
        }
        log(`player ${i}: readyState ${p.readyState}, duration ${p.duration} s, header ${p.header.seconds} s`
            + (p.play ? `, played to ${p.play.currentTime} s` : ''));
        players.push(p);
    }
    return players;
}

async function openNotebook(page, url) {
    await page.goto(url, { waitUntil: 'load', timeout: 60_000 });
    await page.waitForFunction(() => window.Jupyter && Jupyter.notebook && Jupyter.notebook._fully_loaded,
        null, { timeout: 60_000, polling: 200 });
    await page.evaluate(() => Jupyter.notebook.set_autosave_interval(0)); // never write the notebook back
}

async function notebookState(page) {
    return page.evaluate(() => ({
        trusted: Jupyter.notebook.trusted,
        htmlOutputs: document.querySelectorAll('.output_area .output_html').length,
        audios: document.querySelectorAll('.output_area audio').length,
        audioSrcs: Array.from(document.querySelectorAll('.output_area audio'))
            .map((a) => (a.getAttribute('src') || '').slice(0, 30)),
    }));
}

async function main() {
    let opts;
    try {
        opts = parseArgs(process.argv.slice(2));
    } catch (e) {
        process.stderr.write(`${e.message}\n`);
        return 2;
    }
    const playMs = Number(opts['play-ms']);
    const report = { url: opts.url.replace(/token=[^&]+/, 'token=...'), mode: opts.mode, chromium: null,
        untrusted: null, trusted: null, players: [], consoleErrors: [], timings: {}, fatal: null };
    const t0 = Date.now();
    const mark = (name) => { report.timings[name] = (Date.now() - t0) / 1000; };
    fs.mkdirSync(opts.profile, { recursive: true });
    let context;
    try {
        context = await launch(opts.executable, opts.profile, MEDIA_ARGS);
        report.chromium = context.browser() ? context.browser().version() : null;
        mark('browserStarted');
        const page = context.pages()[0] || await context.newPage();
        page.on('console', (m) => { if (m.type() === 'error') report.consoleErrors.push(m.text().slice(0, 300)); });
        page.on('pageerror', (e) => report.consoleErrors.push(`pageerror: ${String(e).slice(0, 300)}`));
        let selector = 'audio';
        if (opts.mode === 'file') {
            log(`open ${opts.url}`);
            await page.goto(opts.url, { waitUntil: 'load', timeout: 60_000 });
        } else {
            selector = '.output_area audio';
            const url = `${opts.url}${opts.url.includes('?') ? '&' : '?'}token=${encodeURIComponent(opts.token)}`;
            log(`open ${report.url}`);
            await openNotebook(page, url);
            report.untrusted = await notebookState(page);
            mark('notebookLoaded');
            log(`as opened: ${JSON.stringify(report.untrusted)}`);
            if (!report.untrusted.trusted) {
                // what a reader who does not trust the notebook gets (sanitized HTML)
                report.untrusted.players = await readPlayers(page, selector, playMs);
                // File > Trust Notebook, then the dialog's "Trust" button; the page reloads trusted.
                await page.click('#filelink');
                await page.click('#trust_notebook > a');
                // (the frontend may stack two copies of the dialog; either one trusts)
                const trust = page.locator('.modal.in .modal-footer button', { hasText: 'Trust' }).last();
                await trust.waitFor({ timeout: 10_000 });
                await Promise.all([page.waitForEvent('framenavigated', { timeout: 30_000 }), trust.click()]);
                await openNotebook(page, page.url());
                mark('trusted');
            }
            report.trusted = await notebookState(page);
            log(`trusted: ${JSON.stringify(report.trusted)}`);
        }
        mark('pageLoaded');
        report.players = await readPlayers(page, selector, playMs);
        mark('playersRead');
        if (opts.screenshot && report.players.length) {
            fs.mkdirSync(path.dirname(opts.screenshot), { recursive: true });
            const first = page.locator(selector).first();
            await first.scrollIntoViewIfNeeded();
            await page.screenshot({ path: opts.screenshot });
            report.screenshot = opts.screenshot;
        }
        return 0;
    } catch (e) {
        report.fatal = `${e.name}: ${e.message.split('\n')[0]}`;
        log(`error: ${e.stack || e}`);
        return 1;
    } finally {
        await finish(context, opts.profile, report, mark, log);
    }
}

runMain(main);
