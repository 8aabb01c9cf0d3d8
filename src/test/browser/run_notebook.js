#!/usr/bin/env node
// Opens a notebook in Debian's headless Chromium through a running classic Jupyter Notebook server (6.x, the
// frontend of Debian 12's jupyter-notebook), runs all cells from the Cell menu, waits for the kernel to go idle
// and reports what the page shows, as one JSON object on stdout (BrowserIT.java asserts on it).
//
//   node run_notebook.js --url http://127.0.0.1:PORT --token TOKEN --notebook notebooks/01_basic_rnns.ipynb
//        --kernel java --screenshot target/browser/01_basic_rnns.png --profile DIR [--timeout-s 600]
//
// The browser is started by playwright-core with executablePath /usr/bin/chromium (no browser download) and a
// fresh user-data dir (--profile, created here and removed at the end). It is closed in every case.
// Exit status: 0 when a report was written (the report itself says whether the run was clean), 2 on usage
// errors, 1 when the page could not be driven (message on stderr, report with "fatal" when possible).
'use strict';

const fs = require('fs');
const path = require('path');
const { parseArgs: parseOptions, logger, launch, finish, runMain } = require('./browser_common');

function parseArgs(argv) {
    return parseOptions(argv, { kernel: 'java', 'timeout-s': '600', executable: '/usr/bin/chromium' },
        ['url', 'token', 'notebook', 'screenshot', 'profile']);
}

const log = logger('browser');

async function main() {
    let opts;
    try {
        opts = parseArgs(process.argv.slice(2));
    } catch (e) {
        process.stderr.write(`${e.message}\n`);
        return 2;
    }
    const timeoutMs = Number(opts['timeout-s']) * 1000;
    const report = { notebook: opts.notebook, kernel: null, kernelDisplayName: null, cells: [], dialogs: [],
        consoleErrors: [], timings: {}, fatal: null, screenshot: null };
    const t0 = Date.now();
    const mark = (name) => { report.timings[name] = (Date.now() - t0) / 1000; };

    fs.mkdirSync(opts.profile, { recursive: true });
    fs.mkdirSync(path.dirname(opts.screenshot), { recursive: true });
    let context;
    try {
        context = await launch(opts.executable, opts.profile);
        mark('browserStarted');
        const page = context.pages()[0] || await context.newPage();
        page.on('console', (m) => { if (m.type() === 'error') report.consoleErrors.push(m.text().slice(0, 300)); });
        page.on('pageerror', (e) => report.consoleErrors.push(`pageerror: ${String(e).slice(0, 300)}`));

        const url = `${opts.url}/notebooks/${opts.notebook.split('/').map(encodeURIComponent).join('/')}`
            + `?token=${encodeURIComponent(opts.token)}`;
        log(`open ${url.replace(/token=[^&]+/, 'token=...')}`);
        await page.goto(url, { waitUntil: 'load', timeout: 60_000 });
        await page.waitForFunction(() => window.Jupyter && Jupyter.notebook && Jupyter.notebook._fully_loaded,
            null, { timeout: 60_000, polling: 200 });
        // never write the executed notebook back into the repository
        await page.evaluate(() => Jupyter.notebook.set_autosave_interval(0));
        mark('notebookLoaded');

        // The kernel: the notebook's metadata names "java"; if the page chose another one, pick it in the
        // Kernel > Change kernel menu. Then wait until the kernel has answered kernel_info (ready).
        // The session (and its kernel) is created after the page loads; a missing kernelspec shows a dialog.
        await page.waitForFunction(() => Jupyter.notebook.kernel || document.querySelector('.modal.in'),
            null, { timeout: 60_000, polling: 200 });
        const current = await page.evaluate(() => Jupyter.notebook.kernel && Jupyter.notebook.kernel.name);
        if (current !== opts.kernel) {
            log(`kernel is ${current}, picking ${opts.kernel} from Kernel > Change kernel`);
            await dismissDialogs(page, report);
            await page.click('#kernellink');
            await page.hover('#menu-change-kernel');
            await page.click(`#kernel-submenu-${opts.kernel} a`);
        }
        await page.waitForFunction((name) => {
            const k = Jupyter.notebook.kernel;
            return k && k.name === name && k.is_connected() && k.info_reply && k.info_reply.protocol_version
                && document.querySelector('#kernel_indicator_icon.kernel_idle_icon') !== null;
        }, opts.kernel, { timeout: 90_000, polling: 250 });
        report.kernel = await page.evaluate(() => Jupyter.notebook.kernel.name);
        report.kernelDisplayName = (await page.textContent('#kernel_indicator .kernel_indicator_name') || '').trim();
        mark('kernelReady');
        log(`kernel ready: ${report.kernel} (${report.kernelDisplayName})`);

        // Cell > Run All, through the menu as a reader would.
        await page.click('#celllink');
        await page.click('#run_all_cells > a');
        // Every code cell shows "In [*]" as soon as it is queued; wait for the first one.
        await page.waitForFunction(() => Jupyter.notebook.get_cells().some((c) => c.cell_type === 'code'
            && c.input_prompt_number === '*'), null, { timeout: 30_000, polling: 100 });
        mark('runAllClicked');
        log('Cell > Run All clicked; waiting for the kernel to finish');

        // Done: no cell still queued or running ("In [*]") and the kernel indicator idle, stable for 2 s.
        // A dead kernel or a modal dialog (e.g. "Dead kernel") ends the wait early.
        const deadline = Date.now() + timeoutMs;
        let idleSince = null;
        let lastProgress = '';
        for (;;) {
            const s = await page.evaluate(() => {
                const cells = Jupyter.notebook.get_cells().filter((c) => c.cell_type === 'code');
                return {
                    pending: cells.filter((c) => c.input_prompt_number === '*').length,
                    done: cells.filter((c) => typeof c.input_prompt_number === 'number').length,
                    total: cells.length,
                    idle: document.querySelector('#kernel_indicator_icon.kernel_idle_icon') !== null,
                    dead: document.querySelector('#kernel_indicator_icon.kernel_dead_icon') !== null,
                    modal: Array.from(document.querySelectorAll('.modal.in, .modal.show'))
                        .map((m) => m.innerText.trim().slice(0, 500)),
                };
            });
            const progress = `${s.done}/${s.total} cells done`;
            if (progress !== lastProgress) {
                log(progress);
                lastProgress = progress;
            }
            if (s.dead || s.modal.length) {
                report.fatal = s.dead ? 'kernel died (indicator shows a dead kernel)' : `dialog: ${s.modal.join(' | ')}`;
                report.dialogs.push(...s.modal);
                break;
            }
            if (s.pending === 0 && s.idle) {
                idleSince = idleSince || Date.now();
                if (Date.now() - idleSince >= 2000) break;
            } else {
                idleSince = null;
            }
            if (Date.now() > deadline) {
                report.fatal = `kernel not idle after ${opts['timeout-s']} s (${progress}, ${s.pending} pending)`;
                break;
            }
            await page.waitForTimeout(500);
        }
        mark('idle');

        // Wait (bounded) for every image to be decoded, then read the page.
        await page.waitForFunction(() => Array.from(document.querySelectorAll('.output_area img'))
            .every((img) => img.complete), null, { timeout: 30_000, polling: 250 }).catch(() => {});
        report.cells = await page.evaluate(() => {
            const out = [];
            const cells = Jupyter.notebook.get_cells();
            cells.forEach((cell, index) => {
                if (cell.cell_type !== 'code') return;
                const el = cell.element[0];
                const areas = Array.from(el.querySelectorAll('.output_wrapper .output_area'));
                out.push({
                    index,
                    source: cell.get_text(),
                    prompt: (el.querySelector('.input_prompt') || {}).innerText || '',
                    executionCount: typeof cell.input_prompt_number === 'number' ? cell.input_prompt_number : null,
                    outputAreas: areas.length,
                    // the text a reader sees in the output areas, without the "Out[n]:" prompts
                    outputText: areas.map((a) => (a.querySelector('.output_subarea') || {}).innerText || '')
                        .join('\n').trim().slice(0, 2000),
                    outputKinds: areas.map((a) => Array.from((a.querySelector('.output_subarea') || { classList: [] })
                        .classList).filter((c) => c !== 'output_subarea').join(' ')),
                    errors: Array.from(el.querySelectorAll('.output_error')).map((e) => e.innerText.slice(0, 1000)),
                    stderr: Array.from(el.querySelectorAll('.output_stderr')).map((e) => e.innerText.slice(0, 500)),
                    images: Array.from(el.querySelectorAll('.output_area img')).map((img) => {
                        const r = img.getBoundingClientRect();
                        return { complete: img.complete, naturalWidth: img.naturalWidth,
                            naturalHeight: img.naturalHeight, shownWidth: Math.round(r.width),
                            shownHeight: Math.round(r.height), visible: img.offsetParent !== null,
                            src: img.src.slice(0, 30) };
                    }),
                    tables: el.querySelectorAll('.output_area table').length,
                });
            });
            return out;
        });

        // Full-page screenshot: the classic notebook scrolls inside #site, not the page; let the page grow.
        await page.addStyleTag({ content: 'html, body { height: auto !important; overflow: visible !important; '
            + 'position: static !important; } #site { height: auto !important; overflow: visible !important; } '
            + '#header { position: static !important; }' });
        await page.evaluate(() => window.scrollTo(0, 0));
        await page.waitForTimeout(300);
        await page.screenshot({ path: opts.screenshot, fullPage: true });
        report.screenshot = opts.screenshot;
        mark('screenshot');
        return 0;
    } catch (e) {
        report.fatal = `${e.name}: ${e.message.split('\n')[0]}`;
        log(`error: ${e.stack || e}`);
        if (context) {
            try {
                const page = context.pages()[0];
                if (page) {
                    await page.screenshot({ path: opts.screenshot, fullPage: true });
                    report.screenshot = opts.screenshot;
                }
            } catch (e2) { /* best effort */ }
        }
        return 1;
    } finally {
        await finish(context, opts.profile, report, mark, log);
    }
}

async function dismissDialogs(page, report) {
    for (const modal of await page.$$('.modal.in')) {
        report.dialogs.push((await modal.innerText()).trim().slice(0, 500));
    }
    await page.keyboard.press('Escape').catch(() => {});
}

runMain(main);
