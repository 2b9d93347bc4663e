#!/usr/bin/env node
import '../../app/node-version';
import { processIo } from './cli-io';
import { runDataCli } from './data-command';

void runDataCli(process.argv.slice(2), processIo()).then((code) => {
  process.exitCode = code;
});
