#!/usr/bin/env node
// The `sigstack` command. A committed shim, so that `npm ci` can link the bin before the build
// has written dist/ (npm does not link a bin whose target is missing).
import '../dist/main.js';
