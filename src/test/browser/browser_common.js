// What the real-browser test scripts (run_notebook.js, check_audio.js) share: the options parser, a progress log on
// stderr, Chromium's launch with a fresh user-data dir (Debian's /usr/bin/chromium, never a downloaded one), and
// the end of a run (close, clean up, print the JSON report).
'use strict';

const fs = require('fs');
const { chromium } = require('playwright-core');

// headless: true (below) makes Playwright pass --headless itself.
const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync'];

/** `--name value` pairs over `defaults`; every name in `required` must be given. */
function parseArgs(argv, defaults, required) {
    const opts = { ...defaults };
    for (let i = 0; i < argv.length; i++) {
        const a = argv[i];
        if (!a.startsWith('--') || i + 1 >= argv.length) {
            throw new Error(`bad argument ${a}`);
        }
        opts[a.slice(2)] = argv[++i];
    }
    for (const k of required) {
        if (!opts[k]) throw new Error(`missing --${k}`);
    }
    return opts;
}

/** A logger writing `[tag HH:MM:SS] message` lines to stderr. */
function logger(tag) {
    return (msg) => process.stderr.write(`[${tag} ${new Date().toISOString().slice(11, 19)}] ${msg}\n`);
}

/**
 * Headless Chromium with the profile folder `profile` (launchPersistentContext: the only way to give Chromium our
 * own fresh --user-data-dir), CHROMIUM_ARGS plus `extraArgs`.
 */
function launch(executable, profile, extraArgs = []) {
    return chromium.launchPersistentContext(profile, {
        executablePath: executable,
        headless: true,
        args: CHROMIUM_ARGS.concat(extraArgs),
        viewport: { width: 1280, height: 900 },
        timeout: 60_000,
    });
}

/**
 * The end of every run: closes the browser (if it started), removes the profile folder, records the 'closed'
 * timing through `mark` and prints `report` as one JSON line on stdout, the result the Java test reads.
 */
async function finish(context, profile, report, mark, log) {
    if (context) {
        await context.close().catch((e) => log(`closing the browser: ${e.message}`));
    }
    fs.rmSync(profile, { recursive: true, force: true });
    mark('closed');
    process.stdout.write(`${JSON.stringify(report)}\n`);
}

/** Runs the script's async `main`, whose result is the exit status; an escaped error exits 1 with its stack. */
function runMain(main) {
    main().then((code) => { process.exitCode = code; }, (e) => {
        process.stderr.write(`${e.stack || e}\n`);
        process.exitCode = 1;
    });
}

module.exports = { CHROMIUM_ARGS, parseArgs, logger, launch, finish, runMain };
