// Validate a glTF/GLB with the Khronos glTF-Validator; prints the JSON report's issues summary and messages.
// Usage: node tools/viewer/validate.mjs FILE.glb   (exit status 0 when the file has no errors and no warnings)
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
const require = createRequire(import.meta.url);
const validator = require('gltf-validator');
const file = process.argv[2];
const report = await validator.validateBytes(new Uint8Array(readFileSync(file)), { maxIssues: 100 });
const { numErrors, numWarnings, numInfos, numHints, messages } = report.issues;
console.log(JSON.stringify({ numErrors, numWarnings, numInfos, numHints, messages: messages.slice(0, 10) }, null, 1));
process.exit(numErrors === 0 && numWarnings === 0 ? 0 : 1);
