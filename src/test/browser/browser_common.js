// What the real-browser test scripts (run_notebook.js, check_audio.js) share: the options parser, a progress log on
// stderr, and Chromium's launch with a fresh user-data dir (Debian's /usr/bin/chromium, never a downloaded one).
'use strict';

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

module.exports = { CHROMIUM_ARGS, parseArgs, logger, launch };
