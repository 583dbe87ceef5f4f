// The entry point of dist/picker.cjs (what the Ctrl-R widgets run): `node picker.cjs --query TEXT`.
import { runPicker } from './main.js';

void runPicker(process.argv.slice(2)).then((code) => process.exit(code));
